package store

import (
	"context"
	"slices"
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

// 0019 gives alarms stored before it their metric in parent and a due time
// in attr (due at once) and an entry per action, alarm history items their
// alarm and time in parent, and metrics their metric in attr.
func TestAlarmKeysMigration(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	alarms := Collection[rawDoc]{Kind: "cloudwatch/alarm"}
	history := Collection[rawDoc]{Kind: "cloudwatch/alarm-history"}
	err := s.Write(ctx, func(tx *Tx) error {
		for _, a := range []struct {
			id, attr string
			doc      rawDoc
		}{
			{"cpu", "metric", rawDoc{"Metric": rawDoc{"AlarmName": "cpu", "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
				"AlarmActions": []string{"arn:aws:sns:x"}, "OKActions": []string{"arn:aws:sns:x", "arn:aws:sns:ok"}}}},
			{"math", "metric", rawDoc{"Metric": rawDoc{"AlarmName": "math", "Metrics": []any{}}}},
			{"both", "composite", rawDoc{"Composite": rawDoc{"AlarmName": "both", "AlarmRule": "ALARM(cpu)", "InsufficientDataActions": []string{"arn:aws:sns:x"}}}},
			{"new", "2026-01-01T00:00:00.000000000Z", rawDoc{"Metric": rawDoc{"AlarmName": "new", "Namespace": "X", "MetricName": "Y"}}},
		} {
			if err := alarms.Put(tx, sc, a.id, Index{Name: a.id, Attr: a.attr}, &a.doc); err != nil {
				return err
			}
		}
		if err := (Collection[rawDoc]{Kind: "cloudwatch/metric"}).Put(tx, sc, "AWS/ECS|CPUUtilization|", Index{Parent: "AWS/ECS", Name: "CPUUtilization"}, &rawDoc{}); err != nil {
			return err
		}
		return history.Put(tx, sc, "h", Index{Name: "cpu", Attr: "2026-03-04T05:06:07.123450000Z"}, &rawDoc{})
	})
	if err != nil {
		t.Fatal(err)
	}
	body, err := migrations.ReadFile("migrations/0019_alarm_keys.sql")
	if err != nil {
		t.Fatal(err)
	}
	s.wmu.Lock()
	_, err = s.wc.c.ExecContext(ctx, string(body))
	s.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		coll         Collection[rawDoc]
		id           string
		parent, attr string
	}{
		{alarms, "cpu", "7:AWS/ECS CPUUtilization", "0001-01-01T00:00:00.000000000Z"},
		{alarms, "math", "", "0001-01-01T00:00:00.000000000Z"},
		{alarms, "both", "composite", "0001-01-01T00:00:00.000000000Z"},
		{alarms, "new", "", "2026-01-01T00:00:00.000000000Z"}, // written after 0019: untouched
		{history, "h", "3:cpu 2026-03-04T05:06:07.123450000Z", "2026-03-04T05:06:07.123450000Z"},
		{Collection[rawDoc]{Kind: "cloudwatch/metric"}, "AWS/ECS|CPUUtilization|", "AWS/ECS", "7:AWS/ECS CPUUtilization"},
	}
	s.Read(ctx, func(tx *Tx) error {
		actions, err := Collection[rawDoc]{Kind: "cloudwatch/alarm-action"}.List(tx, sc, Query{})
		var ids []string
		for _, it := range actions {
			ids = append(ids, it.ID)
		}
		slices.Sort(ids)
		if want := []string{"13:arn:aws:sns:x both", "13:arn:aws:sns:x cpu", "14:arn:aws:sns:ok cpu"}; err != nil || !slices.Equal(ids, want) {
			t.Errorf("action entries %q, want %q (%v)", ids, want, err)
		}
		for _, w := range want {
			items, err := w.coll.List(tx, sc, Query{Parent: w.parent, Attr: w.attr})
			found := false
			for _, it := range items {
				found = found || it.ID == w.id
			}
			if err != nil || !found {
				t.Errorf("%s %s: not at parent %q, attr %q (%v)", w.coll.Kind, w.id, w.parent, w.attr, err)
			}
		}
		return nil
	})
}
