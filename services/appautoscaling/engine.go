package appautoscaling

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	cw "github.com/longshore/longshore/services/cloudwatch"
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
	// ActionRunners run the actions of alarms that go off, the first that
	// handles an action wins; NewEngine starts with RunScalingAction.
	ActionRunners []cw.ActionRunner

	lastBucket time.Time
}

// NewEngine builds an engine with the real clock.
func NewEngine(st *store.Store, log *slog.Logger, timeScale float64) *Engine {
	if timeScale <= 0 {
		timeScale = 1
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{Store: st, Log: log, TimeScale: timeScale, Now: func() time.Time { return time.Now().UTC() },
		ActionRunners: []cw.ActionRunner{RunScalingAction}}
}

// interval is how often the engine looks for work: a sixth of a scaled
// minute, between 20 ms and one second.
func (e *Engine) interval() time.Duration {
	d := time.Duration(float64(10*time.Second) / e.TimeScale)
	return min(max(d, 20*time.Millisecond), time.Second)
}

// Start runs the engine until ctx ends or the returned function is called.
func (e *Engine) Start(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(e.interval())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := e.Tick(ctx); err != nil && ctx.Err() == nil {
					e.Log.Error("autoscaling engine", "error", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// Tick does the work due at the engine's Now, in one transaction. A panic
// is recovered inside the transaction, so it rolls back and frees the store.
func (e *Engine) Tick(ctx context.Context) error {
	now := e.Now()
	published := e.lastBucket
	err := e.Store.Write(ctx, func(tx *store.Tx) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		// One datapoint per (scaled) minute, stamped with the minute's start,
		// so that every alarm period holds exactly one however ticks jitter.
		if bucket := now.Truncate(scaledSeconds(60, e.TimeScale)); bucket.After(e.lastBucket) {
			if err := publishMetrics(tx, bucket); err != nil {
				return err
			}
			published = bucket
		}
		actions, err := cw.Evaluate(tx, now, e.TimeScale)
		if err != nil {
			return err
		}
		if err := cw.RunActions(tx, now, e.TimeScale, e.ActionRunners, actions); err != nil {
			return err
		}
		scopes, err := cw.Scopes(tx, Scheduled.Kind)
		if err != nil {
			return err
		}
		for _, sc := range scopes {
			if err := runScheduled(tx, sc, now, e.TimeScale); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		e.lastBucket = published
	}
	return err
}
