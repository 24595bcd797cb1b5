package cloudwatch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// hundredPoints is a PutMetricData of 100 data points of one metric, in the
// current minute.
func hundredPoints() *cloudwatch.PutMetricDataInput {
	in := &cloudwatch.PutMetricDataInput{Namespace: aws.String("App")}
	for i := 0; i < 100; i++ {
		in.MetricData = append(in.MetricData, types.MetricDatum{MetricName: aws.String("Latency"),
			Dimensions: []types.Dimension{{Name: aws.String("Service"), Value: aws.String("web")}}, Value: aws.Float64(float64(i % 37))})
	}
	return in
}

// BenchmarkPutMetricData times a 100-point request to a metric already
// holding 100 and 5,000 points in the same minute. The cost must not follow
// what is stored: compare the two (it was 31 ms against 2 s):
//
//	go test ./services/cloudwatch -run '^$' -bench PutMetricData
func BenchmarkPutMetricData(b *testing.B) {
	for _, stored := range []int{100, 5000} {
		b.Run(fmt.Sprintf("stored=%d", stored), func(b *testing.B) {
			st, err := store.Open("")
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			c := &api.Context{Context: context.Background(), Region: "us-east-1", Caller: api.Principal{Account: "000000000000"}}
			put := func() {
				if err := st.Write(context.Background(), func(tx *store.Tx) error {
					c.Tx = tx
					_, err := putMetricData(c, hundredPoints())
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
			for i := 0; i < stored/100; i++ {
				put()
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				put()
			}
		})
	}
}

// A flood of distinct values in one minute keeps every bucket bounded, and
// its percentiles stay close.
func TestBucketsStayBounded(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < 10000; i += 100 {
			var batch []Datum
			for j := i; j < i+100; j++ {
				batch = append(batch, Datum{Namespace: "App", MetricName: "M", Time: t0.Add(time.Duration(j%60) * time.Second), Value: float64(j)})
			}
			if err := Publish(tx, sc, batch...); err != nil {
				return err
			}
		}
		key := MetricKey("App", "M", nil)
		for _, l := range levels {
			b, err := Buckets.Get(tx, sc, bucketID(key, l.res, t0.Unix()))
			if err != nil || b == nil || len(b.Aggs) != 1 || len(b.Aggs[0].Values) > maxBucketValues {
				t.Fatalf("%ds bucket %+v %v", l.res, b, err)
			}
		}
		s, _ := Series.Get(tx, sc, key)
		a, ok, err := newPointReader(tx, sc, t0.Add(time.Minute)).window(s, t0, t0.Add(time.Minute), "")
		if err != nil || !ok || a.Count != 10000 || a.Sum != 9999*10000/2 || a.Min != 0 || a.Max != 9999 {
			t.Fatalf("minute %+v %v %v", a.Count, ok, err)
		}
		if p50, _ := a.statistic("p50"); p50 < 4800 || p50 > 5200 {
			t.Errorf("p50 %v", p50)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
