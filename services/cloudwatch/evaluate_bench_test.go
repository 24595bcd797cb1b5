package cloudwatch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/store"
)

// BenchmarkEvaluate measures one engine pass over 500 alarms, each on its own
// metric with an hour of one-minute data, every alarm due.
func BenchmarkEvaluate(b *testing.B) {
	st, err := store.Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const alarms = 500
	err = st.Write(context.Background(), func(tx *store.Tx) error { return holdSeriesAlarms(tx, sc, t0, alarms, 50) })
	if err != nil {
		b.Fatal(err)
	}
	now := t0.Add(time.Hour)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now = now.Add(time.Minute) // every alarm is due at each pass
		if err := st.Write(context.Background(), func(tx *store.Tx) error {
			_, err := Evaluate(tx, now, 1)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// holdSeriesAlarms stores n alarms a0..a(n-1) on App/CPU, each over its own
// Service dimension with an hour of points (0..59) from t0, alarming above
// threshold after three one-minute periods.
func holdSeriesAlarms(tx *store.Tx, sc store.Scope, t0 time.Time, n int, threshold float64) error {
	for i := 0; i < n; i++ {
		dims := []types.Dimension{{Name: aws.String("Service"), Value: aws.String(fmt.Sprint(i))}}
		for m := 0; m < 60; m++ {
			if err := Publish(tx, sc, Datum{Namespace: "App", MetricName: "CPU", Dimensions: dims, Time: t0.Add(time.Duration(m) * time.Minute), Value: float64(m)}); err != nil {
				return err
			}
		}
		if err := PutMetricAlarm(tx, sc, t0, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(fmt.Sprint("a", i)), Namespace: aws.String("App"),
			MetricName: aws.String("CPU"), Dimensions: dims, Statistic: types.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(3),
			Threshold: aws.Float64(threshold), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold}); err != nil {
			return err
		}
	}
	return nil
}
