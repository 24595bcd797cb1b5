package cloudwatch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

// holdAlarming stores n metric alarms in OK (holdCloudWatch's) and 400 in
// ALARM, 40 of them composite, spread among the others in name order.
func holdAlarming(tb testing.TB, st *store.Store, n int) {
	holdCloudWatch(tb, st, n, held{alarms: true})
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for j := 0; j < 400; j++ {
			name := fmt.Sprintf("alarm%06da", j*n/400)
			r := &alarmRecord{Metric: &types.MetricAlarm{AlarmName: aws.String(name), StateValue: types.StateValueAlarm,
				Namespace: aws.String("App"), MetricName: aws.String("CPU")}}
			if j%10 == 9 {
				r = &alarmRecord{Composite: &types.CompositeAlarm{AlarmName: aws.String(name), StateValue: types.StateValueAlarm, AlarmRule: aws.String("ALARM(x)")}}
			}
			if err := putAlarm(tx, benchScope, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// holdActions stores n history items of state updates (holdCloudWatch's)
// and 400 of actions, spread among them in time.
func holdActions(tb testing.TB, st *store.Store, n int) {
	holdCloudWatch(tb, st, n, held{history: true})
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for j := 0; j < 400; j++ {
			at := benchT0.Add(time.Duration(scatter(j, 400)*n/400) * time.Second)
			if err := addHistory(tx, benchScope, at, fmt.Sprint("alarm", j%10), types.AlarmTypeMetricAlarm, types.HistoryItemTypeAction, "a", "{}"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// holdClusterMetrics stores 1,100 metrics with a Cluster dimension, then n
// without (holdCloudWatch's).
func holdClusterMetrics(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < 2*listPageSize+100; i++ {
			dims := []types.Dimension{{Name: aws.String("Cluster"), Value: aws.String("c")}, {Name: aws.String("Service"), Value: aws.String(fmt.Sprint(i))}}
			if err := Publish(tx, benchScope, Datum{Namespace: "App", MetricName: "Tasks", Dimensions: dims, Time: benchT0, Value: 1}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	holdCloudWatch(tb, st, n, held{metrics: true})
}

// filterPages are listings filtered on what a page must find through an
// index: the ALARM alarms, the Action history items, amid 1k or 65k others
// held.
var filterPages = []apitest.PageCase{
	{Name: "AlarmsInState", Hold: holdAlarming, Want: 100, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarms, &cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm, MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.MetricAlarms), out.NextToken
	}},
	{Name: "AlarmsInStateWithPrefix", Hold: holdAlarming, Want: 100, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarms, &cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm, AlarmNamePrefix: aws.String("alarm0"),
			MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.MetricAlarms), out.NextToken
	}},
	{Name: "AlarmsInStateBothTypes", Hold: holdAlarming, Want: 100, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarms, &cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm,
			AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm, types.AlarmTypeMetricAlarm}, MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.MetricAlarms) + len(out.CompositeAlarms), out.NextToken
	}},
	{Name: "AlarmsInStateComposite", Hold: holdAlarming, Want: 10, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarms, &cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm,
			AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}, MaxRecords: aws.Int32(10), NextToken: token})
		return len(out.CompositeAlarms), out.NextToken
	}},
	{Name: "HistoryOfType", Hold: holdActions, Want: 100, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarmHistory, &cloudwatch.DescribeAlarmHistoryInput{HistoryItemType: types.HistoryItemTypeAction, MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.AlarmHistoryItems), out.NextToken
	}},
	{Name: "HistoryOfTypeAscending", Hold: holdActions, Want: 100, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarmHistory, &cloudwatch.DescribeAlarmHistoryInput{HistoryItemType: types.HistoryItemTypeAction,
			ScanBy: types.ScanByTimestampAscending, MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.AlarmHistoryItems), out.NextToken
	}},
	// Not through an index: the metrics of a dimension are read past the
	// others held (a metric has up to 30 dimensions, and an entry for each
	// would be written by PutMetricData of a new metric).
	{Name: "MetricsOfDimension", Hold: holdClusterMetrics, Want: 100, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, listMetrics, &cloudwatch.ListMetricsInput{Dimensions: []types.DimensionFilter{{Name: aws.String("Cluster")}}, NextToken: token})
		return len(out.Metrics), out.NextToken
	}},
}

// go test ./services/cloudwatch -run '^$' -bench FilteredPage -benchtime 1x
// (LONGSHORE_PAGE_RATIO=21 reports 65k/1k).
func BenchmarkFilteredPage(b *testing.B) {
	for _, c := range filterPages {
		b.Run(c.Name, c.Bench)
	}
}
