package appautoscaling

import (
	"context"
	"log/slog"
	"sync"
	"time"

	cw "github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/services/loop"
	"github.com/longshore/longshore/store"
)

// Engine is the background work of metrics, alarms and scaling: it publishes
// the metrics of simulated load once a (scaled) minute, evaluates alarms, runs
// the scaling policies their actions name, and fires scheduled actions.
type Engine struct {
	Store *store.Store
	Log   *slog.Logger
	// TimeScale makes periods, cooldowns and schedules that many times faster (default 1).
	TimeScale float64
	// Now is the clock (tests inject one).
	Now func() time.Time

	once sync.Once
	loop *loop.Loop
	// lastBucket is the minute whose metrics were last published; prevBucket
	// is restored when the step that moved it does not commit.
	lastBucket, prevBucket time.Time
}

// NewEngine builds an engine with the real clock.
func NewEngine(st *store.Store, log *slog.Logger, timeScale float64) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{Store: st, Log: log, TimeScale: loop.Scale(timeScale).Factor(), Now: func() time.Time { return time.Now().UTC() }}
}

// runner builds the engine's loop on first use, from the fields as they are
// then: it looks for work every sixth of a scaled minute, between 20 ms and
// one second.
func (e *Engine) runner() *loop.Loop {
	e.once.Do(func() {
		scale := loop.Scale(e.TimeScale)
		e.loop = loop.New(loop.Config{Name: "autoscaling engine", Store: e.Store, Step: e.step, Failed: e.failed, Scale: scale,
			Clock: loop.NowFunc(func() time.Time { return e.Now() }),
			Every: min(max(scale.Of(10*time.Second), 20*time.Millisecond), time.Second), Log: e.Log})
	})
	return e.loop
}

// Start runs the engine until ctx ends or the returned function is called.
func (e *Engine) Start(ctx context.Context) func() { return e.runner().Start(ctx) }

// Tick does the work due at the engine's Now, in one transaction.
func (e *Engine) Tick(ctx context.Context) error {
	_, err := e.runner().Once(ctx)
	return err
}

func (e *Engine) step(run *loop.Run) (time.Time, error) {
	tx, now, scale := run.Tx, run.Now, run.Scale.Factor()
	e.prevBucket = e.lastBucket
	// One datapoint per (scaled) minute, stamped with the minute's start,
	// so that every alarm period holds exactly one however ticks jitter.
	if bucket := now.Truncate(run.Scale.Of(time.Minute)); bucket.After(e.lastBucket) {
		if err := publishMetrics(tx, bucket); err != nil {
			return time.Time{}, err
		}
		e.lastBucket = bucket
	}
	actions, err := cw.Evaluate(tx, now, scale)
	if err != nil {
		return time.Time{}, err
	}
	if err := cw.RunActions(tx, now, scale, actions); err != nil {
		return time.Time{}, err
	}
	scopes, err := run.Scopes(Scheduled.Kind)
	if err != nil {
		return time.Time{}, err
	}
	for _, sc := range scopes {
		if err := runScheduled(tx, sc, now, scale); err != nil {
			return time.Time{}, err
		}
	}
	return time.Time{}, nil
}

// failed forgets a publication that was rolled back, so that the next step
// publishes that minute again.
func (e *Engine) failed() { e.lastBucket = e.prevBucket }
