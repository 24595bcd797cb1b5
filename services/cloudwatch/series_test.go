package cloudwatch

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/store"
)

func TestChunkedPoints(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	dims := []types.Dimension{{Name: aws.String("B"), Value: aws.String("2")}, {Name: aws.String("A"), Value: aws.String("1")}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		// 25 minutes of one point a minute: three chunks, published out of order.
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
		if len(s.Chunks) != 3 || aws.ToString(s.Dimensions[0].Name) != "A" {
			t.Errorf("chunks %v dims %v", s.Chunks, s.Dimensions)
		}
		r := newPointReader(tx, sc)
		a, ok, err := r.window(s, t0.Add(5*time.Minute), t0.Add(15*time.Minute), "")
		if err != nil || !ok || a.Count != 10 || a.Sum != 95 || a.Min != 5 || a.Max != 14 {
			t.Errorf("window across chunks: %+v %v %v", a, ok, err)
		}
		// A point past the retention drops the old chunks.
		late := t0.Add(retention + time.Hour)
		if err := Publish(tx, sc, Datum{Namespace: "App", MetricName: "M", Dimensions: dims, Time: late, Value: 1}); err != nil {
			return err
		}
		s, _ = Series.Get(tx, sc, MetricKey("App", "M", dims))
		if len(s.Chunks) != 1 {
			t.Errorf("chunks after retention %v", s.Chunks)
		}
		if c, _ := Chunks.Get(tx, sc, chunkID(MetricKey("App", "M", dims), t0.Unix())); c != nil {
			t.Error("expired chunk kept")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
