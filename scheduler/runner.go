package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// Config is how the cluster manager runs.
type Config struct {
	Store   *store.Store
	Timings Timings
	Logger  *slog.Logger
	// Seed makes placement's random choices reproducible.
	Seed uint64
	// ELB are the options of the ELBv2 service whose target groups services
	// register their tasks in (its time scale).
	ELB elbv2.Options
	// AlarmState reads CloudWatch alarms for deployment alarms; nil leaves
	// deployment alarms unwatched.
	AlarmState AlarmState
	// Runtime runs the tasks' containers; nil is the simulated runtime
	// (NewSimulated with Timings).
	Runtime TaskRuntime
}

// Runner is the cluster manager's loop: level-triggered passes woken by
// store writes, with a periodic pass as a safety net and a timer for the
// next task state change.
type Runner struct {
	store   *store.Store
	timings Timings
	elb     elbv2.Options
	alarms  AlarmState
	runtime TaskRuntime
	log     *slog.Logger
	wakeup  chan struct{}

	mu     sync.Mutex // one pass at a time
	placer *placer

	// Decoded documents kept between passes.
	taskCache     *docCache[types.Task]
	instanceCache *docCache[types.ContainerInstance]

	// What the last pass left: the connection's change count after it, when
	// a task next changes, when a full pass last ran, and the starts left in
	// this pass.
	lastChanges       int64
	nextDue, lastFull time.Time
	budget            int
}

// MaxStartsPerPass bounds the tasks one pass starts, so that a large ramp
// commits in steps and lets API calls in between.
var MaxStartsPerPass = 5000

// fullPassEvery is how often a pass runs in full even with nothing written or due.
const fullPassEvery = time.Minute

// New builds a runner; Start runs it.
func New(cfg Config) *Runner {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Timings == (Timings{}) {
		cfg.Timings = DefaultTimings()
	}
	if cfg.Timings.Resync <= 0 {
		cfg.Timings.Resync = DefaultTimings().Resync
	}
	if cfg.Runtime == nil {
		cfg.Runtime = NewSimulated(cfg.Timings)
	}
	return &Runner{store: cfg.Store, timings: cfg.Timings, elb: cfg.ELB, alarms: cfg.AlarmState, runtime: cfg.Runtime, log: cfg.Logger,
		placer: newPlacer(cfg.Seed), wakeup: make(chan struct{}, 1),
		taskCache: newDocCache(ecscore.Tasks), instanceCache: newDocCache(ecscore.ContainerInstances), lastChanges: -1}
}

// Start runs passes until ctx ends or the returned function is called.
func (r *Runner) Start(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	r.store.OnWrite(r.Wake)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.loop(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// Wake asks for a pass soon; wakes coalesce.
func (r *Runner) Wake() {
	select {
	case r.wakeup <- struct{}{}:
	default:
	}
}

func (r *Runner) loop(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wakeup:
		case <-timer.C:
		}
		next, err := r.safePass(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.Error("cluster manager pass failed", "error", err)
		}
		delay := r.timings.Resync
		if !next.IsZero() {
			if d := time.Until(next); d < delay {
				delay = max(d, time.Millisecond)
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(delay)
	}
}

// safePass runs a pass, turning a panic into an error so that the loop lives on.
func (r *Runner) safePass(ctx context.Context) (next time.Time, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return r.Pass(ctx)
}

// Pass reconciles every cluster of every account and region once, in one
// write transaction, and returns when a task next changes by itself (zero
// when none will). A pass with no write since the last one and no change due
// returns at once.
func (r *Runner) Pass(ctx context.Context) (time.Time, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var next time.Time
	err := r.store.Write(ctx, func(tx *store.Tx) error {
		var changes int64
		if err := tx.QueryRow(`SELECT total_changes()`).Scan(&changes); err != nil {
			return err
		}
		if changes == r.lastChanges && tx.Now.Before(r.nextDue) && tx.Now.Before(r.lastFull.Add(fullPassEvery)) {
			next = r.nextDue
			return nil
		}
		scopes, err := scopes(tx)
		if err != nil {
			return err
		}
		r.budget = MaxStartsPerPass
		for _, sc := range scopes {
			items, err := ecscore.Clusters.List(tx, sc, store.Query{})
			if err != nil {
				return err
			}
			c := &api.Context{Context: ctx, Service: "ecs", Operation: "ClusterManager", Region: sc.Region,
				Caller: api.RootPrincipal(sc.Account, ""), Tx: tx}
			for _, it := range items {
				at, err := r.runCluster(c, it.Doc)
				if err != nil {
					return fmt.Errorf("cluster %s: %w", it.ID, err)
				}
				if !at.IsZero() && (next.IsZero() || at.Before(next)) {
					next = at
				}
			}
		}
		if err := tx.QueryRow(`SELECT total_changes()`).Scan(&r.lastChanges); err != nil {
			return err
		}
		r.nextDue, r.lastFull = next, tx.Now
		if next.IsZero() {
			r.nextDue = tx.Now.Add(fullPassEvery)
		}
		return nil
	})
	if err != nil {
		// The rolled-back pass mutated cached documents.
		r.taskCache.Reset()
		r.instanceCache.Reset()
		r.lastChanges = -1
	}
	return next, err
}

// scopes lists the accounts and regions that have ECS clusters.
func scopes(tx *store.Tx) ([]store.Scope, error) {
	rows, err := tx.Query(`SELECT DISTINCT account, region FROM resources WHERE kind = ?`, ecscore.Clusters.Kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Scope
	for rows.Next() {
		var sc store.Scope
		if err := rows.Scan(&sc.Account, &sc.Region); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}
