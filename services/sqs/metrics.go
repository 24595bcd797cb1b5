package sqs

import (
	"context"
	"log/slog"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/services/loop"
	"github.com/longshore/longshore/store"
)

// Worker is SQS's background work: the AWS/SQS metrics each (scaled)
// minute, and the message move tasks.
type Worker struct {
	svc  *Service
	loop *loop.Loop
	// last is the minute last published; prev restores it when a step rolls back.
	last, prev time.Time
}

// NewWorker builds SQS's background worker on a store and time scale.
func (s *Service) NewWorker(st *store.Store, log *slog.Logger, timeScale float64) *Worker {
	w := &Worker{svc: s}
	scale := loop.Scale(timeScale)
	w.loop = loop.New(loop.Config{Name: "sqs", Store: st, Step: w.step, Scale: scale, Log: log,
		Failed: func() { w.last = w.prev },
		Every:  min(max(scale.Of(10*time.Second), 20*time.Millisecond), time.Second)})
	return w
}

// Start runs the worker until ctx ends or the returned function is called.
func (w *Worker) Start(ctx context.Context) func() { return w.loop.Start(ctx) }

func (w *Worker) step(run *loop.Run) (time.Time, error) {
	w.prev = w.last
	scopes, err := run.Scopes(Queues.Kind)
	if err != nil {
		return time.Time{}, err
	}
	bucket := run.Now.Truncate(max(run.Scale.Of(time.Minute), time.Millisecond))
	publish := bucket.After(w.last)
	for _, sc := range scopes {
		if err := w.svc.runMoveTasks(run.Tx, sc, run.Now); err != nil {
			return time.Time{}, err
		}
		if publish {
			if err := publishMetrics(run.Tx, sc, run.Now, bucket); err != nil {
				return time.Time{}, err
			}
		}
	}
	if publish {
		w.last = bucket
	}
	return time.Time{}, nil
}

// publishMetrics puts every queue's AWS/SQS metrics for one minute.
func publishMetrics(tx *store.Tx, sc store.Scope, now, bucket time.Time) error {
	items, err := Queues.List(tx, sc, store.Query{})
	if err != nil {
		return err
	}
	for _, it := range items {
		q := it.Doc
		st, err := queueStats(tx, sc, q, now)
		if err != nil {
			return err
		}
		age := 0.0
		if !st.Oldest.IsZero() {
			age = now.Sub(st.Oldest).Seconds()
		}
		dims := []cwtypes.Dimension{{Name: aws.String("QueueName"), Value: aws.String(q.Name)}}
		d := func(name string, v float64, unit cwtypes.StandardUnit) cloudwatch.Datum {
			return cloudwatch.Datum{Namespace: "AWS/SQS", MetricName: name, Dimensions: dims, Time: bucket, Value: v, Unit: unit}
		}
		data := []cloudwatch.Datum{
			d("ApproximateNumberOfMessagesVisible", float64(st.Visible), cwtypes.StandardUnitCount),
			d("ApproximateNumberOfMessagesNotVisible", float64(st.NotVisible), cwtypes.StandardUnitCount),
			d("ApproximateNumberOfMessagesDelayed", float64(st.Delayed), cwtypes.StandardUnitCount),
			d("ApproximateAgeOfOldestMessage", age, cwtypes.StandardUnitSeconds),
			d("NumberOfMessagesSent", q.Counts.Sent, cwtypes.StandardUnitCount),
			d("NumberOfMessagesReceived", q.Counts.Received, cwtypes.StandardUnitCount),
			d("NumberOfMessagesDeleted", q.Counts.Deleted, cwtypes.StandardUnitCount),
			d("NumberOfEmptyReceives", q.Counts.EmptyReceives, cwtypes.StandardUnitCount),
		}
		if q.Counts.Sent > 0 {
			data = append(data, d("SentMessageSize", q.Counts.SentBytes/q.Counts.Sent, cwtypes.StandardUnitBytes))
		}
		if err := cloudwatch.Publish(tx, sc, data...); err != nil {
			return err
		}
		if q.Counts != (counts{}) {
			q.Counts = counts{}
			if err := Queues.Put(tx, sc, q.Name, store.Index{Name: q.Name, Attr: dlqTarget(q)}, q); err != nil {
				return err
			}
		}
	}
	return nil
}
