package store

import (
	"context"
	"testing"
)

// rawDoc is a document stored as the JSON given.
type rawDoc map[string]any

// The order-keeping migrations give rows stored before them the attr that
// their service now writes.
func TestOrderMigrationsFillAttr(t *testing.T) {
	cases := []struct {
		migration, kind, parent, name string
		status                        string
		doc                           rawDoc
		want                          string
	}{
		{"0014_log_stream_order.sql", "logs/stream", "/ecs/app", "web/1", "", rawDoc{"LastEventTimestamp": 1700000000123}, "/ecs/app 00000001700000000123:web/1"},
		{"0014_log_stream_order.sql", "logs/stream", "g", "quiet", "", rawDoc{}, "g 00000000000000000000:quiet"},
		{"0015_alarm_history_order.sql", "cloudwatch/alarm-history", "", "a", "", rawDoc{"Timestamp": "2026-03-04T05:06:07.12345Z"}, "2026-03-04T05:06:07.123450000Z"},
		{"0015_alarm_history_order.sql", "cloudwatch/alarm-history", "", "a", "", rawDoc{"Timestamp": "2026-03-04T05:06:07Z"}, "2026-03-04T05:06:07.000000000Z"},
		{"0015_alarm_history_order.sql", "cloudwatch/alarm-history", "", "a", "", rawDoc{"Timestamp": "2026-03-04T05:06:07.000000001+02:00"}, "2026-03-04T03:06:07.000000001Z"},
		{"0015_alarm_history_order.sql", "cloudwatch/alarm-history", "", "a", "", rawDoc{"Timestamp": "2026-03-04T00:30:00.5-01:00"}, "2026-03-04T01:30:00.500000000Z"},
		{"0016_instance_state_attr.sql", "ec2/instance", "subnet-1", "", "stopping", rawDoc{}, "stopping"},
		{"0021_paging_attrs.sql", "ecs/service", "cluster", "web", "ACTIVE", rawDoc{"deployments": []any{
			rawDoc{"status": "ACTIVE", "serviceConnectConfiguration": rawDoc{"namespace": "old.local"}},
			rawDoc{"status": "PRIMARY", "serviceConnectConfiguration": rawDoc{"namespace": "arn:aws:servicediscovery:us-east-1:1:namespace/ns-abc"}}}}, "ns-abc"},
		{"0021_paging_attrs.sql", "ecs/service", "cluster", "api", "ACTIVE", rawDoc{"deployments": []any{
			rawDoc{"status": "PRIMARY", "serviceConnectConfiguration": rawDoc{"namespace": "app.local"}}}}, "app.local"},
		{"0021_paging_attrs.sql", "elbv2/listener", "lb", "", "", rawDoc{"L": rawDoc{"MutualAuthentication": rawDoc{"Mode": "verify",
			"TrustStoreArn": "arn:aws:elasticloadbalancing:us-east-1:1:truststore/ts/1"}}}, "arn:aws:elasticloadbalancing:us-east-1:1:truststore/ts/1"},
	}
	for _, c := range cases {
		s := openFor(t, "")
		coll := Collection[rawDoc]{Kind: c.kind}
		ctx := context.Background()
		if err := s.Write(ctx, func(tx *Tx) error {
			return coll.Put(tx, sc, "x", Index{Parent: c.parent, Name: c.name, Status: c.status}, &c.doc)
		}); err != nil {
			t.Fatal(err)
		}
		body, err := migrations.ReadFile("migrations/" + c.migration)
		if err != nil {
			t.Fatal(err)
		}
		// The writer's connection is held from the first write: the
		// migration runs on it, as if the row had been there before.
		s.wmu.Lock()
		_, err = s.wc.c.ExecContext(ctx, string(body))
		s.wmu.Unlock()
		if err != nil {
			t.Fatalf("%s: %v", c.migration, err)
		}
		s.Read(ctx, func(tx *Tx) error {
			items, err := coll.List(tx, sc, Query{Attr: c.want})
			if err != nil || len(items) != 1 {
				t.Errorf("%s on %v: no row with attr %q (%v)", c.migration, c.doc, c.want, err)
			}
			return nil
		})
	}
}
