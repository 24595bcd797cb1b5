package cloudwatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

var benchT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// scatter is i's place in a fixed permutation of 0..n-1 (7919 is prime):
// it makes name and time order differ from creation order.
func scatter(i, n int) int { return i * 7919 % n }

// held says which kinds holdCloudWatch stores.
type held struct{ alarms, history, metrics bool }

var holdAll = held{true, true, true}

// holdCloudWatch stores n metric alarms, n history items over ten alarms
// and n metrics (those of h) straight through the store.
func holdCloudWatch(tb testing.TB, st *store.Store, n int, h held) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			if h.alarms {
				name := fmt.Sprintf("alarm%06d", scatter(i, n))
				r := &alarmRecord{Metric: &types.MetricAlarm{AlarmName: aws.String(name), StateValue: types.StateValueOk,
					Namespace: aws.String("App"), MetricName: aws.String("CPU")}}
				if err := putAlarm(tx, benchScope, r); err != nil {
					return err
				}
			}
			if h.history {
				at := benchT0.Add(time.Duration(scatter(i, n)) * time.Second)
				if err := addHistory(tx, benchScope, at, fmt.Sprint("alarm", i%10), types.AlarmTypeMetricAlarm, types.HistoryItemTypeStateUpdate, "s", "{}"); err != nil {
					return err
				}
			}
			if h.metrics {
				dims := []types.Dimension{{Name: aws.String("Service"), Value: aws.String(fmt.Sprint(i))}}
				if err := Publish(tx, benchScope, Datum{Namespace: "App", MetricName: "CPU", Dimensions: dims, Time: benchT0, Value: 1}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func cwCall[In, Out any](tb testing.TB, st *store.Store, fn func(*api.Context, *In) (*Out, error), in *In) *Out {
	return apitest.Read(tb, st, benchScope, fn, in)
}

// benchPage reads the third page that page returns with 1k and 65k held.
// Both read the same rows; 65k costs up to about twice as much only because
// name and time order are scattered over the file, which no longer fits the
// page cache (260k costs little more than 65k):
//
//	go test ./services/cloudwatch -run '^$' -bench 'Page$'
func benchPage(b *testing.B, h held, page func(tb testing.TB, st *store.Store, token *string) (int, *string), want int) {
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) { holdCloudWatch(tb, st, n, h) }, page, want)
}

func BenchmarkDescribeAlarmsPage(b *testing.B) {
	benchPage(b, held{alarms: true}, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarms, &cloudwatch.DescribeAlarmsInput{MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.MetricAlarms), out.NextToken
	}, 100)
}

func BenchmarkDescribeAlarmHistoryPage(b *testing.B) {
	benchPage(b, held{history: true}, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarmHistory, &cloudwatch.DescribeAlarmHistoryInput{MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.AlarmHistoryItems), out.NextToken
	}, 100)
}

func BenchmarkListMetricsPage(b *testing.B) {
	benchPage(b, held{metrics: true}, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, listMetrics, &cloudwatch.ListMetricsInput{NextToken: token})
		return len(out.Metrics), out.NextToken
	}, listPageSize)
}

// Pages of alarms walk them once in name order; pages of history walk it
// once in time order, either way, ties in the order recorded (reversed
// newest first).
func TestDescribePagesInOrder(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 230
	holdCloudWatch(t, st, n, holdAll)
	// Ties: three items at one time, recorded in the order x, y, z.
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		for _, s := range []string{"x", "y", "z"} {
			if err := addHistory(tx, benchScope, benchT0.Add(time.Minute), "alarm1", types.AlarmTypeMetricAlarm, types.HistoryItemTypeAction, s, "{}"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for in := (&cloudwatch.DescribeAlarmsInput{MaxRecords: aws.Int32(17)}); ; {
		out := cwCall(t, st, describeAlarms, in)
		for _, a := range out.MetricAlarms {
			names = append(names, *a.AlarmName)
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if len(names) != n || names[0] != "alarm000000" || names[n-1] != fmt.Sprintf("alarm%06d", n-1) || !slices.IsSorted(names) {
		t.Errorf("alarms: %d, %v ... %v", len(names), names[:2], names[len(names)-2:])
	}
	named := cwCall(t, st, describeAlarms, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"alarm000009", "nope", "alarm000002", "alarm000009"}})
	if len(named.MetricAlarms) != 2 || *named.MetricAlarms[0].AlarmName != "alarm000002" {
		t.Errorf("named: %+v", named.MetricAlarms)
	}
	for _, scan := range []types.ScanBy{types.ScanByTimestampAscending, types.ScanByTimestampDescending} {
		var got []string
		for in := (&cloudwatch.DescribeAlarmHistoryInput{ScanBy: scan, MaxRecords: aws.Int32(2)}); ; {
			out := cwCall(t, st, describeAlarmHistory, in)
			for _, h := range out.AlarmHistoryItems {
				got = append(got, historyOrder(&h)+" "+*h.HistorySummary)
			}
			if in.NextToken = out.NextToken; in.NextToken == nil {
				break
			}
		}
		want := slices.Clone(got)
		slices.Sort(want)
		ties := "2026-01-01T00:01:00.000000000Z x,2026-01-01T00:01:00.000000000Z y,2026-01-01T00:01:00.000000000Z z"
		if scan == types.ScanByTimestampDescending {
			slices.Reverse(want)
			ties = "2026-01-01T00:01:00.000000000Z z,2026-01-01T00:01:00.000000000Z y,2026-01-01T00:01:00.000000000Z x"
		}
		if len(got) != n+3 || !slices.Equal(got, want) || !strings.Contains(strings.Join(got, ","), ties) {
			t.Errorf("%s: %d items, ties %v", scan, len(got), got[58:64])
		}
	}
	if got := historyOrder(&types.AlarmHistoryItem{Timestamp: aws.Time(time.Date(2026, 3, 4, 6, 6, 7, 123450000, time.FixedZone("", 3600)))}); got != "2026-03-04T05:06:07.123450000Z" {
		t.Errorf("history order %s", got)
	}
	one := cwCall(t, st, describeAlarmHistory, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("alarm1"), HistoryItemType: types.HistoryItemTypeAction})
	if len(one.AlarmHistoryItems) != 3 || *one.AlarmHistoryItems[0].HistorySummary != "z" {
		t.Errorf("alarm1's actions: %+v", one.AlarmHistoryItems)
	}
}
