package cloudwatch

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/store"
)

// DescribeAlarms of a state, of composite alarms alone, or both, pages
// through the alarms' state keys: the pages walk once, in name order, the
// alarms that the filters keep, as a filter of every alarm would; an alarm
// that changes state moves to its new state's pages.
func TestDescribeAlarmsOfStatePages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	states := []types.StateValue{types.StateValueOk, types.StateValueAlarm, types.StateValueInsufficientData}
	var all []*alarmRecord
	write(t, st, func(tx *store.Tx) error {
		for i := 0; i < 120; i++ {
			name := fmt.Sprintf("%c-%03d", "abc"[i%3], scatter(i, 120))
			state := states[i*7%11%3]
			r := &alarmRecord{Metric: &types.MetricAlarm{AlarmName: aws.String(name), StateValue: state, Namespace: aws.String("App"), MetricName: aws.String("CPU")}}
			if i%4 == 0 {
				r = &alarmRecord{Composite: &types.CompositeAlarm{AlarmName: aws.String(name), StateValue: state, AlarmRule: aws.String("ALARM(x)")}}
			}
			all = append(all, r)
			if err := putAlarm(tx, benchScope, r); err != nil {
				return err
			}
		}
		// One alarm changes state after it was stored.
		r := all[5]
		return transition(tx, benchScope, benchT0, r, types.StateValueAlarm, "test", nil)
	})
	slices.SortFunc(all, func(a, b *alarmRecord) int { return strings.Compare(a.name(), b.name()) })
	metric, composite := types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm
	cases := []struct {
		state  types.StateValue
		types  []types.AlarmType
		prefix string
	}{
		{state: types.StateValueAlarm},
		{state: types.StateValueOk, prefix: "b-"},
		{state: types.StateValueInsufficientData, types: []types.AlarmType{composite, metric}},
		{state: types.StateValueAlarm, types: []types.AlarmType{composite}, prefix: "c"},
		{types: []types.AlarmType{composite}},
		{types: []types.AlarmType{composite}, prefix: "a-"},
		{state: types.StateValueAlarm, prefix: "zz"},
	}
	for _, c := range cases {
		typeSet := map[types.AlarmType]bool{}
		for _, ty := range c.types {
			typeSet[ty] = true
		}
		if len(typeSet) == 0 {
			typeSet[metric] = true
		}
		var want []string
		for _, r := range all {
			if typeSet[r.alarmType()] && (c.state == "" || r.state() == c.state) && strings.HasPrefix(r.name(), c.prefix) {
				want = append(want, r.name())
			}
		}
		for _, size := range []int32{1, 7, 100} {
			var got []string
			in := &cloudwatch.DescribeAlarmsInput{StateValue: c.state, AlarmTypes: c.types, MaxRecords: aws.Int32(size)}
			if c.prefix != "" {
				in.AlarmNamePrefix = aws.String(c.prefix)
			}
			for pages := 0; ; pages++ {
				out := cwCall(t, st, describeAlarms, in)
				var page []string
				for _, a := range out.MetricAlarms {
					page = append(page, *a.AlarmName)
				}
				for _, a := range out.CompositeAlarms {
					page = append(page, *a.AlarmName)
				}
				slices.Sort(page) // a page holds its metric alarms, then its composite ones
				got = append(got, page...)
				if len(out.MetricAlarms)+len(out.CompositeAlarms) > int(size) || pages > 200 {
					t.Fatalf("%+v: a page of %d, asked for %d", c, len(out.MetricAlarms)+len(out.CompositeAlarms), size)
				}
				if in.NextToken = out.NextToken; in.NextToken == nil {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%+v by %d: %d alarms %v, want %d %v", c, size, len(got), got, len(want), want)
			}
		}
	}
}

// Pages of one history item type walk that type's items once in time
// order, either way, ties in the order recorded (reversed newest first).
func TestDescribeAlarmHistoryOfTypePages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kinds := []types.HistoryItemType{types.HistoryItemTypeStateUpdate, types.HistoryItemTypeAction, types.HistoryItemTypeConfigurationUpdate}
	want := map[types.HistoryItemType][]string{}
	write(t, st, func(tx *store.Tx) error {
		for i := 0; i < 150; i++ {
			kind := kinds[i*7%11%3]
			at := benchT0.Add(time.Duration(scatter(i, 150)%40) * time.Second) // times repeat
			summary := fmt.Sprint(i)
			want[kind] = append(want[kind], historyOrder(&types.AlarmHistoryItem{Timestamp: aws.Time(at)})+" "+fmt.Sprintf("%03d", i))
			if err := addHistory(tx, benchScope, at, fmt.Sprint("alarm", i%4), types.AlarmTypeMetricAlarm, kind, summary, "{}"); err != nil {
				return err
			}
		}
		return nil
	})
	for _, kind := range kinds {
		for _, scan := range []types.ScanBy{types.ScanByTimestampAscending, types.ScanByTimestampDescending} {
			w := slices.Clone(want[kind])
			slices.Sort(w) // time, then the order recorded
			if scan == types.ScanByTimestampDescending {
				slices.Reverse(w)
			}
			var got []string
			for in := (&cloudwatch.DescribeAlarmHistoryInput{HistoryItemType: kind, ScanBy: scan, MaxRecords: aws.Int32(3)}); ; {
				out := cwCall(t, st, describeAlarmHistory, in)
				for _, h := range out.AlarmHistoryItems {
					var i int
					fmt.Sscan(*h.HistorySummary, &i)
					got = append(got, historyOrder(&h)+" "+fmt.Sprintf("%03d", i))
					if h.HistoryItemType != kind {
						t.Errorf("%s: an item of %s", kind, h.HistoryItemType)
					}
				}
				if in.NextToken = out.NextToken; in.NextToken == nil {
					break
				}
			}
			if !slices.Equal(got, w) {
				t.Errorf("%s %s: %v, want %v", kind, scan, got, w)
			}
		}
	}
}
