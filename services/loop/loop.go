// Package loop runs Longshore's background workers (the cluster manager,
// alarm evaluation, the scaling engines) the one way: a step in one write
// transaction whose Now is the worker's clock, run again when woken
// (wake-ups coalesce), when the step says it is next due, and at least once
// per safety-net interval. A panicking step is logged, rolled back and run
// again later.
package loop

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/longshore/longshore/store"
)

// Clock tells the time and makes timers; tests use a fake one.
type Clock interface {
	Now() time.Time
	// Timer fires once after d; stop cancels it.
	Timer(d time.Duration) (c <-chan time.Time, stop func() bool)
}

// NowFunc is a clock that tells the time with now (read at each call) and
// makes real timers.
type NowFunc func() time.Time

// Now returns now().
func (f NowFunc) Now() time.Time { return f() }

// Timer makes a real timer.
func (NowFunc) Timer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// Scale is a time scale: simulated durations pass that many times faster.
// Zero or less means real time.
type Scale float64

// Of returns the wall-clock length of the simulated duration d.
func (s Scale) Of(d time.Duration) time.Duration {
	if s <= 0 || s == 1 {
		return d
	}
	return time.Duration(float64(d) / float64(s))
}

// Factor is the scale as a number, 1 for real time.
func (s Scale) Factor() float64 {
	if s <= 0 {
		return 1
	}
	return float64(s)
}

// Run is what one step gets: its context, its write transaction (whose Now
// is the loop's clock) and the time scale.
type Run struct {
	Ctx   context.Context
	Tx    *store.Tx
	Now   time.Time
	Scale Scale
}

// Scopes lists the accounts and regions holding documents of any of kinds.
func (r *Run) Scopes(kinds ...string) ([]store.Scope, error) { return store.Scopes(r.Tx, kinds...) }

// Step does a worker's work due at r.Now and returns when it next needs to
// run (zero: on the next wake-up or safety-net pass).
type Step func(r *Run) (next time.Time, err error)

// Config is how a loop runs.
type Config struct {
	// Name is the worker's name in logs.
	Name  string
	Store *store.Store
	Step  Step
	// Clock is the step's Now and the loop's timers; nil uses the store's
	// Now and real timers.
	Clock Clock
	// Scale is the configured time scale, handed to each step.
	Scale Scale
	// Every is the safety-net interval: a step runs at least this often.
	Every time.Duration
	// WakeOnWrite runs a step soon after every committed write to Store.
	WakeOnWrite bool
	// WakeOn, when set, narrows WakeOnWrite to the writes that made a
	// change it accepts or that wrote something no change names (see
	// store.OnCommit). It runs on the committing goroutine: it must be quick.
	WakeOn func(store.Change) bool
	// Failed, when set, runs after a step that did not commit (it failed,
	// panicked, or its commit failed), so that the worker can drop state the
	// rolled-back step changed.
	Failed func()
	Log    *slog.Logger
}

// Loop runs one background worker.
type Loop struct {
	cfg    Config
	wakeup chan struct{}
	hook   sync.Once
	// mu runs one step at a time (Once may run beside the loop).
	mu sync.Mutex
}

// New builds a loop; Start runs it.
func New(cfg Config) *Loop {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		st := cfg.Store
		cfg.Clock = NowFunc(func() time.Time { return st.Now() })
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Minute
	}
	return &Loop{cfg: cfg, wakeup: make(chan struct{}, 1)}
}

// Wake asks for a step soon; wake-ups that arrive before it runs coalesce
// into one.
func (l *Loop) Wake() {
	select {
	case l.wakeup <- struct{}{}:
	default:
	}
}

// wakeFor wakes the loop for a commit that made a change WakeOn accepts, or
// one that wrote what no change names.
func (l *Loop) wakeFor(changes []store.Change, named bool) {
	if !named {
		l.Wake()
		return
	}
	for _, c := range changes {
		if l.cfg.WakeOn(c) {
			l.Wake()
			return
		}
	}
}

// Once runs one step now, in one write transaction, and returns when the
// step is next due. A panic becomes an error and rolls the transaction back.
func (l *Loop) Once(ctx context.Context) (next time.Time, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	err = l.cfg.Store.Write(ctx, func(tx *store.Tx) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		tx.Now = l.cfg.Clock.Now()
		next, err = l.cfg.Step(&Run{Ctx: ctx, Tx: tx, Now: tx.Now, Scale: l.cfg.Scale})
		return err
	})
	if err != nil && l.cfg.Failed != nil {
		l.cfg.Failed()
	}
	return next, err
}

// Start runs steps until ctx ends or the returned function is called; the
// first runs at once. The returned function waits for the running step.
func (l *Loop) Start(ctx context.Context) (stop func()) {
	if l.cfg.WakeOnWrite {
		l.hook.Do(func() {
			if l.cfg.WakeOn == nil {
				l.cfg.Store.OnWrite(l.Wake)
				return
			}
			l.cfg.Store.OnCommit(l.wakeFor)
		})
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

func (l *Loop) run(ctx context.Context) {
	ck := l.cfg.Clock
	for {
		started := ck.Now()
		next, err := l.Once(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			l.cfg.Log.Error(l.cfg.Name+" failed", "error", err)
		}
		due := started.Add(l.cfg.Every)
		if !next.IsZero() && next.Before(due) {
			due = next
		}
		timer, stopTimer := ck.Timer(max(due.Sub(ck.Now()), time.Millisecond))
		select {
		case <-ctx.Done():
			stopTimer()
			return
		case <-l.wakeup:
		case <-timer:
		}
		stopTimer()
	}
}
