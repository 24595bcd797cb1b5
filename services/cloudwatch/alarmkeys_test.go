package cloudwatch

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/store"
)

func openTestStore(t *testing.T) *store.Store {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func write(t *testing.T, st *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := st.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func putTestAlarm(tx *store.Tx, name, ns, metric string, dims ...string) error {
	var ds []types.Dimension
	for i := 0; i+1 < len(dims); i += 2 {
		ds = append(ds, types.Dimension{Name: aws.String(dims[i]), Value: aws.String(dims[i+1])})
	}
	return PutMetricAlarm(tx, benchScope, benchT0, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name), Namespace: aws.String(ns),
		MetricName: aws.String(metric), Dimensions: ds, Statistic: types.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold})
}

// DescribeAlarmsForMetric finds the alarms of its metric in name order,
// whatever other metrics' names and namespaces look like, with the
// dimensions given matching exactly.
func TestDescribeAlarmsForMetricKeys(t *testing.T) {
	st := openTestStore(t)
	write(t, st, func(tx *store.Tx) error {
		for _, a := range []struct{ name, ns, metric string }{
			{"b", "App", "CPU"}, {"a", "App", "CPU"}, {"x1", "App CPU", ""}, {"x2", "Ap", "p CPU"}, {"x3", "App", "CPUx"}, {"x4", "AppCPU", ""},
		} {
			if err := putTestAlarm(tx, a.name, a.ns, a.metric); err != nil {
				return err
			}
		}
		if err := putTestAlarm(tx, "c", "App", "CPU", "Service", "web"); err != nil {
			return err
		}
		return putTestAlarm(tx, "d", "App", "CPU", "Service", "db")
	})
	names := func(in *cloudwatch.DescribeAlarmsForMetricInput) []string {
		out := []string{}
		for _, a := range cwCall(t, st, describeAlarmsForMetric, in).MetricAlarms {
			out = append(out, *a.AlarmName)
		}
		return out
	}
	if got := names(&cloudwatch.DescribeAlarmsForMetricInput{Namespace: aws.String("App"), MetricName: aws.String("CPU")}); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("App CPU: %v", got)
	}
	web := []types.Dimension{{Name: aws.String("Service"), Value: aws.String("web")}}
	if got := names(&cloudwatch.DescribeAlarmsForMetricInput{Namespace: aws.String("App"), MetricName: aws.String("CPU"), Dimensions: web}); !slices.Equal(got, []string{"c"}) {
		t.Errorf("App CPU Service=web: %v", got)
	}
}

// One alarm's history pages in time order either way, ties in the order
// recorded (reversed newest first), past other alarms' items, its tokens
// good for the next page.
func TestAlarmHistoryOfOneAlarm(t *testing.T) {
	st := openTestStore(t)
	const n = 57
	write(t, st, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			at := benchT0.Add(time.Duration(scatter(i, n)) * time.Second)
			// Names whose keys could run into each other's without their length.
			for _, alarm := range []string{"a", "a 1", "a b", "ab"} {
				if err := addHistory(tx, benchScope, at, alarm, types.AlarmTypeMetricAlarm, types.HistoryItemTypeStateUpdate, fmt.Sprint(alarm, i), "{}"); err != nil {
					return err
				}
			}
		}
		for _, s := range []string{"x", "y", "z"} {
			if err := addHistory(tx, benchScope, benchT0.Add(10*time.Second), "a", types.AlarmTypeMetricAlarm, types.HistoryItemTypeAction, s, "{}"); err != nil {
				return err
			}
		}
		return nil
	})
	for _, scan := range []types.ScanBy{types.ScanByTimestampAscending, types.ScanByTimestampDescending} {
		var got []string
		for in := (&cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("a"), ScanBy: scan, MaxRecords: aws.Int32(4)}); ; {
			out := cwCall(t, st, describeAlarmHistory, in)
			for _, h := range out.AlarmHistoryItems {
				if *h.AlarmName != "a" {
					t.Fatalf("item of %s", *h.AlarmName)
				}
				got = append(got, historyOrder(&h)+" "+*h.HistorySummary)
			}
			if in.NextToken = out.NextToken; in.NextToken == nil {
				break
			}
		}
		want := slices.Clone(got)
		slices.SortStableFunc(want, func(a, b string) int {
			if scan == types.ScanByTimestampDescending {
				a, b = b, a
			}
			return compareTimes(a, b)
		})
		at, first := "2026-01-01T00:00:10.000000000Z ", 0
		for scatter(first, n) != 10 {
			first++
		}
		ties := []string{at + fmt.Sprint("a", first), at + "x", at + "y", at + "z"}
		if scan == types.ScanByTimestampDescending {
			slices.Reverse(ties)
		}
		i := slices.Index(got, ties[0])
		if len(got) != n+3 || !slices.Equal(got, want) || i < 0 || !slices.Equal(got[i:i+4], ties) {
			t.Errorf("%s: %d items: %v", scan, len(got), got)
		}
	}
	actions := cwCall(t, st, describeAlarmHistory, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("a"), HistoryItemType: types.HistoryItemTypeAction, MaxRecords: aws.Int32(2)})
	if len(actions.AlarmHistoryItems) != 2 || *actions.AlarmHistoryItems[0].HistorySummary != "z" || actions.NextToken == nil {
		t.Errorf("a's actions: %+v", actions.AlarmHistoryItems)
	}
}

// compareTimes orders "time summary" strings by their time alone.
func compareTimes(a, b string) int {
	const w = len("2026-01-01T00:00:10.000000000Z")
	switch {
	case a[:w] < b[:w]:
		return -1
	case a[:w] > b[:w]:
		return 1
	}
	return 0
}

// An evaluation pass reads the alarms due: one not due is not evaluated
// (nor rewritten), and once due it is; alarms stored before their due time
// was kept (migration 0019 makes them due at once) get it back.
func TestEvaluateReadsAlarmsDue(t *testing.T) {
	st := openTestStore(t)
	write(t, st, func(tx *store.Tx) error { return putTestAlarm(tx, "cpu", "App", "CPU") })
	now := benchT0.Add(90 * time.Second)
	pass := func(at time.Time) int {
		changes := 0
		write(t, st, func(tx *store.Tx) error {
			due, err := dueAlarms(tx, benchScope, at)
			changes = len(due)
			if err != nil {
				return err
			}
			_, err = Evaluate(tx, at, 1)
			return err
		})
		return changes
	}
	if n := pass(now); n != 1 {
		t.Fatalf("new alarm: %d due", n)
	}
	if n := pass(now.Add(time.Second)); n != 0 {
		t.Errorf("evaluated this minute: %d due", n)
	}
	if n := pass(now.Add(30 * time.Second)); n != 1 {
		t.Errorf("next minute: %d due", n)
	}
	// An alarm listed by a due time it has no more (as rows stored before
	// its due time was kept) gets its own back and is not evaluated early.
	write(t, st, func(tx *store.Tx) error {
		r, err := Alarms.Get(tx, benchScope, "cpu")
		if err != nil {
			return err
		}
		return Alarms.Put(tx, benchScope, "cpu", store.Index{Parent: r.group(), Name: r.stateKey(), Attr: dueAt(time.Time{})}, r)
	})
	var next time.Time
	write(t, st, func(tx *store.Tx) error {
		due, err := dueAlarms(tx, benchScope, now.Add(31*time.Second))
		if len(due) != 0 || err != nil {
			t.Errorf("stale key: %d due (%v)", len(due), err)
		}
		items, err := Alarms.AttrRange(tx, benchScope, dueAt(benchT0), notDue)
		if len(items) == 1 {
			next = items[0].Doc.NextEval
		}
		return err
	})
	if want := benchT0.Add(3 * time.Minute); !next.Equal(want) {
		t.Errorf("next evaluation %v, want %v", next, want)
	}
}

// AlarmsWithAction follows the actions alarms are created, updated and
// deleted with, in name order.
func TestAlarmsWithAction(t *testing.T) {
	st := openTestStore(t)
	const policy = "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:p"
	put := func(tx *store.Tx, name string, alarm, ok []string) error {
		return PutMetricAlarm(tx, benchScope, benchT0, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name), Namespace: aws.String("App"),
			MetricName: aws.String("CPU"), Statistic: types.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
			Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, AlarmActions: alarm, OKActions: ok})
	}
	with := func() []string {
		var out []string
		write(t, st, func(tx *store.Tx) error {
			refs, err := AlarmsWithAction(tx, benchScope, policy)
			for _, r := range refs {
				if r.ARN != AlarmARN(benchScope, r.Name) {
					t.Errorf("%s: ARN %s", r.Name, r.ARN)
				}
				out = append(out, r.Name)
			}
			return err
		})
		return out
	}
	write(t, st, func(tx *store.Tx) error {
		for _, a := range []struct {
			name      string
			alarm, ok []string
		}{{"b", []string{policy}, nil}, {"a", nil, []string{policy, policy + "x"}}, {"c", []string{policy + "x"}, nil}, {"d", []string{policy}, []string{policy}}} {
			if err := put(tx, a.name, a.alarm, a.ok); err != nil {
				return err
			}
		}
		return nil
	})
	if got := with(); !slices.Equal(got, []string{"a", "b", "d"}) {
		t.Errorf("created: %v", got)
	}
	write(t, st, func(tx *store.Tx) error {
		if err := put(tx, "a", nil, nil); err != nil {
			return err
		}
		if err := put(tx, "c", []string{policy}, nil); err != nil {
			return err
		}
		return DeleteAlarms(tx, benchScope, "d")
	})
	if got := with(); !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("updated and deleted: %v", got)
	}
}

// ListMetrics of one namespace and metric name lists that metric's
// dimensions in the order first published, whatever other metrics share the
// namespace or look alike.
func TestListMetricsOfOneMetric(t *testing.T) {
	st := openTestStore(t)
	write(t, st, func(tx *store.Tx) error {
		for _, m := range []struct{ ns, name, dim string }{
			{"App", "CPU", "b"}, {"App", "CPUx", "a"}, {"App C", "PU", "a"}, {"App", "CPU", "a"}, {"Ap", "p CPU", "a"}, {"App", "CPU", "c"},
		} {
			d := Datum{Namespace: m.ns, MetricName: m.name, Dimensions: []types.Dimension{{Name: aws.String("Service"), Value: aws.String(m.dim)}}, Time: benchT0, Value: 1}
			if err := Publish(tx, benchScope, d); err != nil {
				return err
			}
		}
		return nil
	})
	var got []string
	for in := (&cloudwatch.ListMetricsInput{Namespace: aws.String("App"), MetricName: aws.String("CPU")}); ; {
		out := cwCall(t, st, listMetrics, in)
		for _, m := range out.Metrics {
			got = append(got, *m.Namespace+"/"+*m.MetricName+"/"+*m.Dimensions[0].Value)
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if want := []string{"App/CPU/b", "App/CPU/a", "App/CPU/c"}; !slices.Equal(got, want) {
		t.Errorf("App CPU: %v, want %v", got, want)
	}
}

// Composite alarms alone, or the parents of an alarm, are listed from the
// composite alarms, with the name prefix and paging of any listing.
func TestDescribeCompositeAlarms(t *testing.T) {
	st := openTestStore(t)
	write(t, st, func(tx *store.Tx) error {
		for _, n := range []string{"a", "c0"} {
			if err := putTestAlarm(tx, n, "App", "CPU"); err != nil {
				return err
			}
		}
		for _, c := range []struct{ name, rule string }{{"d1", "ALARM(a)"}, {"c2", "ALARM(a) OR ALARM(c0)"}, {"c1", "ALARM(c0)"}} {
			r := &alarmRecord{Composite: &types.CompositeAlarm{AlarmName: aws.String(c.name), AlarmRule: aws.String(c.rule), StateValue: types.StateValueOk}}
			if err := putAlarm(tx, benchScope, r); err != nil {
				return err
			}
		}
		return nil
	})
	list := func(in *cloudwatch.DescribeAlarmsInput) []string {
		var got []string
		for in.MaxRecords = aws.Int32(1); ; {
			out := cwCall(t, st, describeAlarms, in)
			for _, a := range out.MetricAlarms {
				got = append(got, *a.AlarmName)
			}
			for _, a := range out.CompositeAlarms {
				got = append(got, *a.AlarmName)
			}
			if in.NextToken = out.NextToken; in.NextToken == nil {
				return got
			}
		}
	}
	composite := []types.AlarmType{types.AlarmTypeCompositeAlarm}
	both := []types.AlarmType{types.AlarmTypeCompositeAlarm, types.AlarmTypeMetricAlarm}
	for _, c := range []struct {
		in   *cloudwatch.DescribeAlarmsInput
		want []string
	}{
		{&cloudwatch.DescribeAlarmsInput{AlarmTypes: composite}, []string{"c1", "c2", "d1"}},
		{&cloudwatch.DescribeAlarmsInput{AlarmTypes: composite, AlarmNamePrefix: aws.String("c")}, []string{"c1", "c2"}},
		{&cloudwatch.DescribeAlarmsInput{AlarmTypes: both, AlarmNamePrefix: aws.String("c")}, []string{"c0", "c1", "c2"}},
		{&cloudwatch.DescribeAlarmsInput{AlarmTypes: both, ParentsOfAlarmName: aws.String("a")}, []string{"c2", "d1"}},
		{&cloudwatch.DescribeAlarmsInput{ParentsOfAlarmName: aws.String("a")}, nil},
	} {
		if got := list(c.in); !slices.Equal(got, c.want) {
			t.Errorf("%v prefix %v parents of %v: %v, want %v", c.in.AlarmTypes, aws.ToString(c.in.AlarmNamePrefix), aws.ToString(c.in.ParentsOfAlarmName), got, c.want)
		}
	}
}
