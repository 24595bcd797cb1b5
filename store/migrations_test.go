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

// 0017 rebuilds the indexes on parent, name and attr as partial ones: rows
// stored under the full indexes are found through the new ones by every
// filter, and those with empty values are still listed by kind.
func TestPartialIndexMigrationKeepsRows(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	coll := Collection[rawDoc]{Kind: "test/doc"}
	s.wmu.Lock()
	if s.wc == nil {
		c, err := hold(s.w)
		if err != nil {
			s.wmu.Unlock()
			t.Fatal(err)
		}
		s.wc = c
	}
	// The indexes as they were before 0017.
	_, err := s.wc.c.ExecContext(ctx, `DROP INDEX resources_parent; DROP INDEX resources_parent_seq; DROP INDEX resources_name; DROP INDEX resources_attr;
		CREATE INDEX resources_parent ON resources (kind, account, region, parent, status);
		CREATE INDEX resources_parent_seq ON resources (kind, account, region, parent);
		CREATE INDEX resources_name ON resources (kind, account, region, name);
		CREATE INDEX resources_attr ON resources (kind, account, region, attr);`)
	s.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		if err := coll.Put(tx, sc, "full", Index{Parent: "p", Name: "n", Status: "ACTIVE", Attr: "a"}, &rawDoc{}); err != nil {
			return err
		}
		return coll.Put(tx, sc, "empty", Index{}, &rawDoc{})
	}); err != nil {
		t.Fatal(err)
	}
	body, err := migrations.ReadFile("migrations/0017_partial_indexes.sql")
	if err != nil {
		t.Fatal(err)
	}
	s.wmu.Lock()
	_, err = s.wc.c.ExecContext(ctx, string(body))
	s.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.IntegrityCheck(); err != nil || got != "ok" {
		t.Fatalf("integrity check: %q, %v", got, err)
	}
	s.Read(ctx, func(tx *Tx) error {
		for name, q := range map[string]Query{"parent": {Parent: "p"}, "parent, status": {Parent: "p", Status: "ACTIVE"},
			"name": {Name: "n"}, "attr": {Attr: "a"}, "by attr": {ByAttr: true}} {
			if items, err := coll.List(tx, sc, q); err != nil || len(items) != 1 || items[0].ID != "full" {
				t.Errorf("%s: got %v (%v), want the row that has one", name, items, err)
			}
		}
		if items, err := coll.List(tx, sc, Query{}); err != nil || len(items) != 2 {
			t.Errorf("whole kind: got %v (%v), want both rows", items, err)
		}
		return nil
	})
}
