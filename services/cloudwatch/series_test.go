package cloudwatch

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/store"
)

func TestBucketedPoints(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	dims := []types.Dimension{{Name: aws.String("B"), Value: aws.String("2")}, {Name: aws.String("A"), Value: aws.String("1")}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		// 25 minutes of one point a minute, published out of order.
		for i := 24; i >= 0; i-- {
			at := t0.Add(time.Duration(i) * time.Minute)
			if err := Publish(tx, sc, Datum{Namespace: "App", MetricName: "M", Dimensions: dims, Time: at, Value: float64(i)}); err != nil {
				return err
			}
		}
		s, err := Series.Get(tx, sc, MetricKey("App", "M", dims))
		if err != nil {
			return err
		}
		if aws.ToString(s.Dimensions[0].Name) != "A" {
			t.Errorf("dims %v", s.Dimensions)
		}
		key := MetricKey("App", "M", dims)
		r := newPointReader(tx, sc, t0.Add(25*time.Minute))
		a, ok, err := r.window(s, t0.Add(5*time.Minute), t0.Add(15*time.Minute), "")
		if err != nil || !ok || a.Count != 10 || a.Sum != 95 || a.Min != 5 || a.Max != 14 {
			t.Errorf("window on the five-minute grid: %+v %v %v", a, ok, err)
		}
		a, ok, err = r.window(s, t0.Add(5*time.Minute+30*time.Second), t0.Add(7*time.Minute+30*time.Second), "")
		if err != nil || !ok || a.Count != 2 || a.Sum != 13 {
			t.Errorf("window off the grid: %+v %v %v", a, ok, err)
		}
		// Past 15 days the one-minute and one-second buckets go; the
		// five-minute ones answer for the same span.
		late := t0.Add(16 * 24 * time.Hour)
		if err := Publish(tx, sc, Datum{Namespace: "App", MetricName: "M", Dimensions: dims, Time: late, Value: 1}); err != nil {
			return err
		}
		for _, res := range []int64{1, 60} {
			if b, _ := Buckets.Get(tx, sc, bucketID(key, res, t0.Unix())); b != nil {
				t.Errorf("expired %ds bucket kept", res)
			}
		}
		if b, _ := Buckets.Get(tx, sc, bucketID(key, 300, t0.Unix())); b == nil {
			t.Error("five-minute bucket dropped")
		}
		a, ok, err = newPointReader(tx, sc, late).window(s, t0, t0.Add(25*time.Minute), "")
		if err != nil || !ok || a.Count != 25 || a.Sum != 300 {
			t.Errorf("rolled-up window: %+v %v %v", a, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
