package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// rawDoc is a document stored as the JSON given.
type rawDoc map[string]any

// execOnWriter runs sql on the writer's connection, holding it first if no
// write has yet: a migration run this way finds the rows written before, as
// it would at start-up.
func execOnWriter(t *testing.T, s *Store, sql string) {
	t.Helper()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.wc == nil {
		c, err := hold(s.w)
		if err != nil {
			t.Fatal(err)
		}
		s.wc = c
	}
	if _, err := s.wc.c.ExecContext(context.Background(), sql); err != nil {
		t.Fatalf("%.60s: %v", sql, err)
	}
}

// runMigration runs a migration again over the rows a test wrote.
func runMigration(t *testing.T, s *Store, name string) {
	t.Helper()
	body, err := migrations.ReadFile("migrations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	execOnWriter(t, s, string(body))
}

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
		runMigration(t, s, c.migration)
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
	// The indexes as they were before 0017.
	execOnWriter(t, s, `DROP INDEX resources_parent; DROP INDEX resources_parent_seq; DROP INDEX resources_name; DROP INDEX resources_attr;
		CREATE INDEX resources_parent ON resources (kind, account, region, parent, status);
		CREATE INDEX resources_parent_seq ON resources (kind, account, region, parent);
		CREATE INDEX resources_name ON resources (kind, account, region, name);
		CREATE INDEX resources_attr ON resources (kind, account, region, attr);`)
	if err := s.Write(ctx, func(tx *Tx) error {
		if err := coll.Put(tx, sc, "full", Index{Parent: "p", Name: "n", Status: "ACTIVE", Attr: "a"}, &rawDoc{}); err != nil {
			return err
		}
		return coll.Put(tx, sc, "empty", Index{}, &rawDoc{})
	}); err != nil {
		t.Fatal(err)
	}
	runMigration(t, s, "0017_partial_indexes.sql")
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

// 0018 gives IAM instance profiles stored before it their role in parent,
// customer managed policies how they are attached, and moves group members
// out of the group into records of their own, in join order.
func TestIAMParentsMigration(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	iam := Scope{Account: "000000000000"}
	profiles := Collection[rawDoc]{Kind: "iam/instance-profile"}
	policies := Collection[rawDoc]{Kind: "iam/policy"}
	attachments := Collection[rawDoc]{Kind: "iam/attachment"}
	users := Collection[rawDoc]{Kind: "iam/user"}
	groups := Collection[rawDoc]{Kind: "iam/group"}
	members := Collection[rawDoc]{Kind: "iam/group-member"}
	arn := func(name string) string { return "arn:aws:iam::000000000000:policy/" + name }
	err := s.Write(ctx, func(tx *Tx) error {
		for _, err := range []error{
			profiles.Put(tx, iam, "withrole", Index{Name: "/"}, &rawDoc{"RoleNames": []string{"MyRole"}}),
			profiles.Put(tx, iam, "empty", Index{Name: "/"}, &rawDoc{}),
			policies.Put(tx, iam, "none", Index{Name: "/"}, &rawDoc{"Arn": arn("none")}),
			policies.Put(tx, iam, "pol", Index{Name: "/"}, &rawDoc{"Arn": arn("pol")}),
			policies.Put(tx, iam, "bnd", Index{Name: "/"}, &rawDoc{"Arn": arn("bnd")}),
			policies.Put(tx, iam, "both", Index{Name: "/"}, &rawDoc{"Arn": arn("both")}),
			attachments.Put(tx, iam, "1", Index{Parent: arn("pol"), Status: "policy"}, &rawDoc{}),
			attachments.Put(tx, iam, "2", Index{Parent: arn("bnd"), Status: "boundary"}, &rawDoc{}),
			attachments.Put(tx, iam, "3", Index{Parent: arn("both"), Status: "policy"}, &rawDoc{}),
			attachments.Put(tx, iam, "4", Index{Parent: arn("both"), Status: "boundary"}, &rawDoc{}),
			users.Put(tx, iam, "bob", Index{Name: "/"}, &rawDoc{"UserName": "Bob", "UserId": "AIDAB"}),
			users.Put(tx, iam, "al", Index{Name: "/"}, &rawDoc{"UserName": "al", "UserId": "AIDAA"}),
			groups.Put(tx, iam, "devs", Index{Name: "/"}, &rawDoc{"GroupName": "devs", "GroupId": "AGPAD", "Members": []string{"Bob", "al"}}),
			// Another account's attachment of a same-named policy does not count.
			attachments.Put(tx, Scope{Account: "111111111111"}, "5", Index{Parent: arn("none"), Status: "policy"}, &rawDoc{}),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runMigration(t, s, "0018_iam_indexes.sql")
	// Each parent written names one row; the rest (the empty profile, the
	// unattached policy) keep parent "".
	s.Read(ctx, func(tx *Tx) error {
		for _, parent := range []string{"myrole", "policy", "boundary", "both"} {
			n, _ := profiles.Count(tx, iam, Query{Parent: parent})
			m, _ := policies.Count(tx, iam, Query{Parent: parent})
			if n+m != 1 {
				t.Errorf("parent %q: %d rows, want 1", parent, n+m)
			}
		}
		items, err := members.List(tx, iam, Query{Parent: "AGPAD"})
		if err != nil || len(items) != 2 || items[0].ID != "AGPAD/AIDAB" || (*items[0].Doc)["UserName"] != "Bob" || items[1].ID != "AGPAD/AIDAA" {
			t.Errorf("members %+v (%v)", items, err)
		}
		g, err := groups.Get(tx, iam, "devs")
		if _, held := (*g)["Members"]; err != nil || held || (*g)["GroupId"] != "AGPAD" {
			t.Errorf("group after: %v (%v)", g, err)
		}
		return nil
	})
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
	runMigration(t, s, "0019_alarm_keys.sql")
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

// 0024 moves the tags of task definitions from their own rows (encoding/json
// of the SDK's Tag) into the definition's row, in the wire form; other
// resources' tags stay where they are.
func TestTaskDefinitionTagsMigration(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	raw := Collection[json.RawMessage]{Kind: "ecs/task-definition"}
	tags := Collection[json.RawMessage]{Kind: "ecs/tags"}
	td := func(n string) string { return "arn:aws:ecs:us-east-1:000000000000:task-definition/web:" + n }
	err := s.Write(ctx, func(tx *Tx) error {
		for _, r := range []struct {
			coll    Collection[json.RawMessage]
			id, doc string
		}{
			{raw, td("1"), `{"family":"web","revision":1}`},
			{raw, td("2"), `{"family":"web","revision":2}`},
			{raw, td("3"), `{"family":"web","revision":3}`},
			{raw, td("4"), `{}`},
			{tags, td("1"), `[{"Key":"team","Value":"web"},{"Key":"env","Value":null}]`},
			{tags, td("3"), `[]`},
			{tags, td("4"), `[{"Key":"a","Value":"b"}]`},
			{tags, "arn:aws:ecs:us-east-1:000000000000:cluster/default", `[{"Key":"a","Value":"b"}]`},
		} {
			doc := json.RawMessage(r.doc)
			if err := r.coll.Put(tx, sc, r.id, Index{}, &doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runMigration(t, s, "0024_task_definition_tags.sql")
	s.Read(ctx, func(tx *Tx) error {
		for id, want := range map[string]string{
			td("1"): `{"family":"web","revision":1,"tags":[{"key":"team","value":"web"},{"key":"env","value":null}]}`,
			td("2"): `{"family":"web","revision":2}`,
			td("3"): `{"family":"web","revision":3}`,
			td("4"): `{"tags":[{"key":"a","value":"b"}]}`,
		} {
			got, err := raw.Get(tx, sc, id)
			if err != nil || got == nil || string(*got) != want {
				t.Errorf("%s: %s (%v), want %s", id, got, err, want)
			}
		}
		left, err := tags.List(tx, sc, Query{})
		if err != nil || len(left) != 1 || left[0].ID != "arn:aws:ecs:us-east-1:000000000000:cluster/default" {
			t.Errorf("tag rows left: %+v (%v), want the cluster's alone", left, err)
		}
		return nil
	})
}

// 0023 gives SSM parameters stored before it their type and name in attr
// (and no name), and EC2 instances that are not terminated their root
// volume's id in name.
func TestParameterTypeAndVolumeKeysMigration(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	params := Collection[rawDoc]{Kind: "ssm/parameter"}
	insts := Collection[rawDoc]{Kind: "ec2/instance"}
	volume := func(id string) rawDoc {
		return rawDoc{"BlockDeviceMappings": []any{rawDoc{"DeviceName": "/dev/xvda", "Ebs": rawDoc{"VolumeId": id, "Status": "attached"}}}}
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		for _, p := range []struct{ name, typ string }{{"/app/b", "SecureString"}, {"/app/a", "String"}, {"plain", "SecureString"}} {
			if err := params.Put(tx, sc, p.name, Index{Name: p.name, Status: p.typ}, &rawDoc{"Latest": rawDoc{"Name": p.name, "Type": p.typ}}); err != nil {
				return err
			}
		}
		for _, i := range []struct {
			id, state string
			doc       rawDoc
		}{{"i-1", "running", volume("vol-1")}, {"i-2", "terminated", volume("vol-2")}, {"i-3", "pending", rawDoc{}}, {"i-4", "stopped", volume("vol-4")}} {
			if err := insts.Put(tx, sc, i.id, Index{Parent: "subnet-1", Status: i.state, Attr: i.state}, &i.doc); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	runMigration(t, s, "0023_parameter_type_volume_keys.sql")
	s.Read(ctx, func(tx *Tx) error {
		ids := func(items []Item[rawDoc], err error) string {
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range items {
				out = append(out, it.ID)
			}
			return strings.Join(out, ",")
		}
		if got := ids(params.AttrPage(tx, sc, "SecureString ", "", 0)); got != "/app/b,plain" {
			t.Errorf("SecureString parameters by attr: %q", got)
		}
		if got := ids(params.AttrPage(tx, sc, "String /app/", "", 0)); got != "/app/a" {
			t.Errorf("String parameters under /app/ by attr: %q", got)
		}
		if got := ids(params.List(tx, sc, Query{Name: "/app/a"})); got != "" {
			t.Errorf("parameters still named: %q", got)
		}
		for vol, want := range map[string]string{"vol-1": "i-1", "vol-2": "", "vol-4": "i-4"} {
			if got := ids(insts.List(tx, sc, Query{Name: vol})); got != want {
				t.Errorf("instance of %s: %q, want %q", vol, got, want)
			}
		}
		if got := ids(insts.List(tx, sc, Query{Status: "pending"})); got != "i-3" {
			t.Errorf("instance without a volume: %q", got)
		}
		return nil
	})
	if got, err := s.IntegrityCheck(); err != nil || got != "ok" {
		t.Fatalf("integrity check: %q, %v", got, err)
	}
}

// 0025 appends the load balancer (the listener's parent) to the trust store
// that listeners stored before it keep in attr; listeners without a trust
// store, listeners already in the new form and other kinds keep theirs.
func TestTrustStoreUsersMigration(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	const ts = "arn:aws:elasticloadbalancing:us-east-1:000000000000:truststore/ts/1"
	lb := func(n string) string {
		return "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/lb" + n + "/0"
	}
	rows := []struct {
		kind, id, parent, attr, want string
	}{
		{"elbv2/listener", "l1", lb("1"), ts, ts + " " + lb("1")},
		{"elbv2/listener", "l2", lb("1"), ts, ts + " " + lb("1")},
		{"elbv2/listener", "l3", lb("2"), ts + " " + lb("2"), ts + " " + lb("2")},
		{"elbv2/listener", "l4", lb("3"), "", ""},
		{"elbv2/loadbalancer", lb("1"), "", "application", "application"},
	}
	err := s.Write(ctx, func(tx *Tx) error {
		for _, r := range rows {
			coll := Collection[rawDoc]{Kind: r.kind}
			if err := coll.Put(tx, sc, r.id, Index{Parent: r.parent, Attr: r.attr}, &rawDoc{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runMigration(t, s, "0025_trust_store_users.sql")
	s.Read(ctx, func(tx *Tx) error {
		for _, r := range rows {
			coll := Collection[rawDoc]{Kind: r.kind}
			q := Query{Attr: r.want}
			if r.want == "" {
				q = Query{Parent: r.parent}
			}
			items, err := coll.List(tx, sc, q)
			if err != nil || !slices.ContainsFunc(items, func(it Item[rawDoc]) bool { return it.ID == r.id }) {
				t.Errorf("%s %s: not found with attr %q (%v)", r.kind, r.id, r.want, err)
			}
		}
		users, err := Collection[rawDoc]{Kind: "elbv2/listener"}.AttrValues(tx, sc, ts+" ", "", 0)
		if err != nil || len(users) != 2 {
			t.Errorf("trust store users %q (%v), want lb1 and lb2", users, err)
		}
		return nil
	})
}

// 0022 gives alarms stored before it their type, state and name in name
// (their state no longer in status), and alarm history items their type
// and time in name; what it does not match keeps its columns.
func TestAlarmStateNamesMigration(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	alarms := Collection[rawDoc]{Kind: "cloudwatch/alarm"}
	history := Collection[rawDoc]{Kind: "cloudwatch/alarm-history"}
	other := Collection[rawDoc]{Kind: "test/doc"}
	err := s.Write(ctx, func(tx *Tx) error {
		for _, err := range []error{
			alarms.Put(tx, sc, "cpu", Index{Parent: "7:AWS/ECS CPUUtilization", Name: "cpu", Status: "ALARM", Attr: "0001-01-01T00:00:00.000000000Z"},
				&rawDoc{"Metric": rawDoc{"AlarmName": "cpu", "StateValue": "ALARM"}}),
			alarms.Put(tx, sc, "math", Index{Name: "math", Status: "INSUFFICIENT_DATA", Attr: "0001-01-01T00:00:00.000000000Z"},
				&rawDoc{"Metric": rawDoc{"AlarmName": "math", "StateValue": "INSUFFICIENT_DATA", "Metrics": []any{}}}),
			alarms.Put(tx, sc, "both of them", Index{Parent: "composite", Name: "both of them", Status: "OK", Attr: "~"},
				&rawDoc{"Composite": rawDoc{"AlarmName": "both of them", "StateValue": "OK"}}),
			// Written after 0022: untouched.
			alarms.Put(tx, sc, "new", Index{Parent: "1:X Y", Name: "M OK new", Attr: "2026-01-01T00:00:00.000000000Z"},
				&rawDoc{"Metric": rawDoc{"AlarmName": "new", "StateValue": "ALARM"}}),
			history.Put(tx, sc, "h1", Index{Parent: "3:cpu 2026-03-04T05:06:07.123450000Z", Name: "cpu", Status: "StateUpdate", Attr: "2026-03-04T05:06:07.123450000Z"},
				&rawDoc{"AlarmName": "cpu", "HistoryItemType": "StateUpdate"}),
			history.Put(tx, sc, "h2", Index{Parent: "3:cpu 2026-03-04T05:06:08.000000000Z", Name: "cpu", Status: "Action", Attr: "2026-03-04T05:06:08.000000000Z"},
				&rawDoc{"AlarmName": "cpu", "HistoryItemType": "Action"}),
			other.Put(tx, sc, "x", Index{Name: "x", Status: "ALARM"}, &rawDoc{}),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runMigration(t, s, "0022_state_type_names.sql")
	want := []struct {
		coll         Collection[rawDoc]
		id           string
		name, status string
	}{
		{alarms, "cpu", "M ALARM cpu", ""},
		{alarms, "math", "M INSUFFICIENT_DATA math", ""},
		{alarms, "both of them", "C OK both of them", ""},
		{alarms, "new", "M OK new", ""},
		{history, "h1", "StateUpdate 2026-03-04T05:06:07.123450000Z", "StateUpdate"},
		{history, "h2", "Action 2026-03-04T05:06:08.000000000Z", "Action"},
		{other, "x", "x", "ALARM"},
	}
	s.Read(ctx, func(tx *Tx) error {
		for _, w := range want {
			items, err := w.coll.List(tx, sc, Query{Name: w.name})
			if err != nil || len(items) != 1 || items[0].ID != w.id {
				t.Errorf("%s %s: not at name %q (%v, %v)", w.coll.Kind, w.id, w.name, items, err)
			}
			counts, err := w.coll.CountByStatus(tx, sc, Query{Name: w.name})
			if err != nil || counts[w.status] != 1 {
				t.Errorf("%s %s: status counts %v, want %q (%v)", w.coll.Kind, w.id, counts, w.status, err)
			}
		}
		// The migrated rows page through the name index as the services read them.
		items, err := alarms.NamePage(tx, sc, "M ALARM ", "", 0, false, 0)
		if err != nil || len(items) != 1 || items[0].ID != "cpu" {
			t.Errorf("alarms in ALARM: %v (%v)", items, err)
		}
		return nil
	})
}

// 0026 gives Cloud Map namespaces stored before it their type (status) in
// attr, and IAM delegation requests their requestor in parent, "/" and
// their workflow id in status and, once associated, their owner account in
// name; rows already in the new form and other kinds keep theirs.
func TestTypeAndPartyKeysMigration(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	global := Scope{}
	rows := []struct {
		kind, id string
		sc       Scope
		was      Index
		doc      rawDoc
		want     Index
	}{
		{"servicediscovery/namespace", "ns-1", sc, Index{Name: "app.local", Status: "DNS_PRIVATE"}, rawDoc{},
			Index{Name: "app.local", Status: "DNS_PRIVATE", Attr: "DNS_PRIVATE"}},
		{"servicediscovery/namespace", "ns-2", sc, Index{Name: "web", Status: "HTTP", Attr: "HTTP"}, rawDoc{},
			Index{Name: "web", Status: "HTTP", Attr: "HTTP"}},
		{"servicediscovery/service", "srv-1", sc, Index{Parent: "ns-1", Name: "web", Status: "HTTP"}, rawDoc{},
			Index{Parent: "ns-1", Name: "web", Status: "HTTP"}},
		// Unassociated: the owner account is not listed for it.
		{"iam/delegation-request", "dr-1", global, Index{Parent: "333333333333", Name: "222222222222/wf-1", Status: "UNASSIGNED"},
			rawDoc{"OwnerId": nil, "RequestorId": "222222222222"}, Index{Parent: "222222222222", Status: "/wf-1"}},
		// Associated, with a token sent and a workflow id holding a slash.
		{"iam/delegation-request", "dr-2", global, Index{Parent: "333333333333", Name: "222222222222/wf/2", Status: "FINALIZED", Attr: "hash"},
			rawDoc{"OwnerId": "arn:aws:iam::333333333333:user/o", "RequestorId": "222222222222"},
			Index{Parent: "222222222222", Name: "333333333333", Status: "/wf/2", Attr: "hash"}},
		// Already in the new form.
		{"iam/delegation-request", "dr-3", global, Index{Parent: "222222222222", Name: "333333333333", Status: "/wf-3"},
			rawDoc{"OwnerId": "arn:aws:iam::333333333333:user/o"}, Index{Parent: "222222222222", Name: "333333333333", Status: "/wf-3"}},
	}
	err := s.Write(ctx, func(tx *Tx) error {
		for _, r := range rows {
			doc := r.doc
			if err := (Collection[rawDoc]{Kind: r.kind}).Put(tx, r.sc, r.id, r.was, &doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runMigration(t, s, "0026_type_and_party_keys.sql")
	s.Read(ctx, func(tx *Tx) error {
		for _, r := range rows {
			var got Index
			err := tx.queryRow(indexColumnsQuery, r.kind, r.sc.Account, r.sc.Region, r.id).Scan(&got.Parent, &got.Name, &got.Status, &got.Attr)
			if err != nil || got != r.want {
				t.Errorf("%s %s: %+v (%v), want %+v", r.kind, r.id, got, err, r.want)
			}
		}
		return nil
	})
}

// 0027 puts a task definition's status before the family and revision it
// keeps in attr; other kinds keep theirs.
func TestTaskDefinitionStatusKeysMigration(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	defs := Collection[rawDoc]{Kind: "ecs/task-definition"}
	daemons := Collection[rawDoc]{Kind: "ecs/daemon-task-definition"}
	if err := s.Write(ctx, func(tx *Tx) error {
		for _, d := range []struct{ family, status string }{{"web 0000000001", "INACTIVE"}, {"web 0000000002", "ACTIVE"},
			{"web 0000000003", "DELETE_IN_PROGRESS"}, {"api 0000000001", "ACTIVE"}, {"ACTIVE 0000000001", "INACTIVE"}} {
			id := "arn:aws:ecs:us-east-1:000000000000:task-definition/" + d.family
			if err := defs.Put(tx, sc, id, Index{Status: d.status, Attr: d.family}, &rawDoc{"status": d.status}); err != nil {
				return err
			}
		}
		return daemons.Put(tx, sc, "d", Index{Name: "web", Status: "ACTIVE", Attr: "web 0000000001"}, &rawDoc{})
	}); err != nil {
		t.Fatal(err)
	}
	runMigration(t, s, "0027_task_definition_status_keys.sql")
	s.Read(ctx, func(tx *Tx) error {
		lasts, err := defs.LastAttr(tx, sc, "ACTIVE web ", "INACTIVE web ", "DELETE_IN_PROGRESS web ", "INACTIVE ACTIVE ", "ACTIVE api ")
		if err != nil || fmt.Sprint(lasts) != "[ACTIVE web 0000000002 INACTIVE web 0000000001 DELETE_IN_PROGRESS web 0000000003 INACTIVE ACTIVE 0000000001 ACTIVE api 0000000001]" {
			t.Errorf("last keys by status: %q, %v", lasts, err)
		}
		active, err := defs.AttrPage(tx, sc, "ACTIVE ", "", 0)
		if err != nil || len(active) != 2 || active[0].ID != "arn:aws:ecs:us-east-1:000000000000:task-definition/api 0000000001" {
			t.Errorf("ACTIVE revisions: %+v, %v", active, err)
		}
		if got, err := daemons.LastAttr(tx, sc, "web "); err != nil || got[0] != "web 0000000001" {
			t.Errorf("a daemon task definition's attr: %q, %v", got, err)
		}
		return nil
	})
	if got, err := s.IntegrityCheck(); err != nil || got != "ok" {
		t.Fatalf("integrity check: %q, %v", got, err)
	}
}
