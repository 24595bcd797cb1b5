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

// holdOtherAlarms stores n metric alarms on metrics of their own (Other
// CPU, one dimension each), not due for evaluation for a year.
func holdOtherAlarms(tb testing.TB, tx *store.Tx, n int) {
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("other%06d", scatter(i, n))
		r := &alarmRecord{NextEval: benchT0.Add(365 * 24 * time.Hour), Metric: &types.MetricAlarm{AlarmName: aws.String(name), StateValue: types.StateValueOk,
			Namespace: aws.String("Other"), MetricName: aws.String("CPU"), Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
			Dimensions: []types.Dimension{{Name: aws.String("Service"), Value: aws.String(name)}}}}
		if err := putAlarm(tx, benchScope, r); err != nil {
			tb.Fatal(err)
		}
	}
}

// DescribeAlarmsForMetric reads the alarms of its metric alone: 50 of them
// cost the same with 1k or 65k alarms of other metrics held.
func BenchmarkDescribeAlarmsForMetricPage(b *testing.B) {
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) {
		err := st.Write(context.Background(), func(tx *store.Tx) error {
			holdOtherAlarms(tb, tx, n)
			for i := 0; i < 50; i++ {
				if err := PutMetricAlarm(tx, benchScope, benchT0, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(fmt.Sprint("app", i)), Namespace: aws.String("App"),
					MetricName: aws.String("Latency"), Dimensions: []types.Dimension{{Name: aws.String("Service"), Value: aws.String(fmt.Sprint(i % 2))}},
					Statistic: types.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
					ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarmsForMetric, &cloudwatch.DescribeAlarmsForMetricInput{Namespace: aws.String("App"), MetricName: aws.String("Latency")})
		return len(out.MetricAlarms), nil
	}, 50)
}

// A page of one alarm's history reads that alarm's items alone: 1k or 65k
// items of other alarms held cost the same.
func BenchmarkDescribeAlarmHistoryOfAlarmPage(b *testing.B) {
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) {
		holdCloudWatch(tb, st, n, held{history: true})
		err := st.Write(context.Background(), func(tx *store.Tx) error {
			for i := 0; i < 400; i++ {
				at := benchT0.Add(time.Duration(scatter(i, 400)) * time.Minute)
				if err := addHistory(tx, benchScope, at, "target", types.AlarmTypeMetricAlarm, types.HistoryItemTypeStateUpdate, "s", "{}"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, describeAlarmHistory, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("target"), MaxRecords: aws.Int32(100), NextToken: token})
		return len(out.AlarmHistoryItems), out.NextToken
	}, 100)
}

// An evaluation pass costs what the alarms due cost: 50 alarms due each
// minute, with 1k or 65k alarms held that are not due.
func BenchmarkEvaluatePass(b *testing.B) {
	hold := func(tb testing.TB, st *store.Store, n int) {
		err := st.Write(context.Background(), func(tx *store.Tx) error {
			holdOtherAlarms(tb, tx, n)
			return holdSeriesAlarms(tx, benchScope, benchT0, 50, 1e9)
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	apitest.BenchHeld(b, hold, func(b *testing.B, st *store.Store) {
		now := benchT0.Add(time.Hour)
		pass := func() {
			now = now.Add(time.Minute) // the 50 are due at each pass
			if err := st.Write(context.Background(), func(tx *store.Tx) error {
				_, err := Evaluate(tx, now, 1)
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
		pass()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			pass()
		}
	})
}

// The alarms of an action (a step scaling policy's, for each policy of a
// DescribeScalingPolicies page) are read alone: 5 of them cost the same with
// 1k or 65k other alarms held.
func BenchmarkAlarmsWithAction(b *testing.B) {
	const policy = "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:p"
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) {
		err := st.Write(context.Background(), func(tx *store.Tx) error {
			holdOtherAlarms(tb, tx, n)
			for i := 0; i < 5; i++ {
				if err := PutMetricAlarm(tx, benchScope, benchT0, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(fmt.Sprint("step", i)), Namespace: aws.String("App"),
					MetricName: aws.String("Latency"), Statistic: types.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
					ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{policy}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		var refs []AlarmRef
		if err := st.Read(context.Background(), func(tx *store.Tx) (err error) {
			refs, err = AlarmsWithAction(tx, benchScope, policy)
			return err
		}); err != nil {
			tb.Fatal(err)
		}
		return len(refs), nil
	}, 5)
}

// A page of one metric's dimensions reads that metric's series alone:
// 1k or 65k other metrics held in its namespace cost the same.
func BenchmarkListMetricsOfMetricPage(b *testing.B) {
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) {
		// The other metrics come after: a page past the token reads them too
		// unless it reads the metric's series alone.
		err := st.Write(context.Background(), func(tx *store.Tx) error {
			for i := 0; i < 2*listPageSize+100; i++ {
				dims := []types.Dimension{{Name: aws.String("Service"), Value: aws.String(fmt.Sprint(i))}}
				if err := Publish(tx, benchScope, Datum{Namespace: "App", MetricName: "Latency", Dimensions: dims, Time: benchT0, Value: 1}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		holdCloudWatch(tb, st, n, held{metrics: true})
	}, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := cwCall(tb, st, listMetrics, &cloudwatch.ListMetricsInput{Namespace: aws.String("App"), MetricName: aws.String("Latency"), NextToken: token})
		return len(out.Metrics), out.NextToken
	}, 100)
}
