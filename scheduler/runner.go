package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/services/loop"
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
	// ExecutionRole checks the agent's calls with tasks' execution roles
	// (IAM enforcement); nil checks nothing.
	ExecutionRole RoleCheck
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
	loop    *loop.Loop

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
	// poked asks the next pass to run in full (a WatchedRuntime's tasks changed).
	poked atomic.Bool

	// missing gathers the task definitions a pass looked for and did not
	// find; awaited is the last committed pass's (nil before the first
	// pass and after one that failed): writing one of those wakes the
	// manager, as a deployment waits for it.
	missing map[string]bool
	awaited atomic.Pointer[map[string]bool]
}

// MaxStartsPerPass bounds the tasks one pass starts, so that a large ramp
// commits in steps and lets API calls in between.
const MaxStartsPerPass = 5000

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
		sim := NewSimulated(cfg.Timings)
		sim.ExecutionRole = cfg.ExecutionRole
		cfg.Runtime = sim
	}
	r := &Runner{store: cfg.Store, timings: cfg.Timings, elb: cfg.ELB, alarms: cfg.AlarmState, runtime: cfg.Runtime, log: cfg.Logger,
		placer:    newPlacer(cfg.Seed),
		taskCache: newDocCache(ecscore.Tasks), instanceCache: newDocCache(ecscore.ContainerInstances), lastChanges: -1}
	// The timings are scaled already; the step runs on the store's clock.
	r.loop = loop.New(loop.Config{Name: "cluster manager pass", Store: cfg.Store, Step: r.pass, Failed: r.failed,
		Every: cfg.Timings.Resync, WakeOnWrite: true, WakeOn: r.wakesFor, Log: cfg.Logger})
	if w, ok := cfg.Runtime.(WatchedRuntime); ok {
		w.Watch(r.poke)
	}
	return r
}

// Start runs passes until ctx ends or the returned function is called:
// after every store write, when a task next changes, and every Resync.
func (r *Runner) Start(ctx context.Context) func() { return r.loop.Start(ctx) }

// Wake asks for a pass soon; wakes coalesce.
func (r *Runner) Wake() { r.loop.Wake() }

// Pass reconciles every cluster of every account and region once, in one
// write transaction, and returns when a task next changes by itself (zero
// when none will). A pass with no write since the last one and no change due
// returns at once.
func (r *Runner) Pass(ctx context.Context) (time.Time, error) { return r.loop.Once(ctx) }

// pass is the loop's step: one pass in the loop's transaction.
func (r *Runner) pass(run *loop.Run) (time.Time, error) {
	ctx, tx := run.Ctx, run.Tx
	changes, err := tx.Changes()
	if err != nil {
		return time.Time{}, err
	}
	if !r.poked.Swap(false) && changes == r.lastChanges && tx.Now.Before(r.nextDue) && tx.Now.Before(r.lastFull.Add(fullPassEvery)) {
		return r.nextDue, nil
	}
	scopes, err := run.Scopes(ecscore.Clusters.Kind)
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	r.budget = MaxStartsPerPass
	r.missing = map[string]bool{}
	for _, sc := range scopes {
		items, err := ecscore.Clusters.List(tx, sc, store.Query{})
		if err != nil {
			return time.Time{}, err
		}
		c := &api.Context{Context: ctx, Service: "ecs", Operation: "ClusterManager", Region: sc.Region,
			Caller: api.RootPrincipal(sc.Account, ""), Tx: tx}
		for _, it := range items {
			at, err := r.runCluster(c, it.Doc)
			if err != nil {
				return time.Time{}, fmt.Errorf("cluster %s: %w", it.ID, err)
			}
			if !at.IsZero() && (next.IsZero() || at.Before(next)) {
				next = at
			}
		}
	}
	if w, ok := r.runtime.(WatchedRuntime); ok {
		if err := w.PassDone(&api.Context{Context: ctx, Service: "ecs", Operation: "ClusterManager", Tx: tx}); err != nil {
			return time.Time{}, err
		}
	}
	if r.lastChanges, err = tx.Changes(); err != nil {
		return time.Time{}, err
	}
	r.nextDue, r.lastFull = next, tx.Now
	if next.IsZero() {
		r.nextDue = tx.Now.Add(fullPassEvery)
	}
	// No write can commit before this pass's: the set holds from then on.
	missing := r.missing
	r.awaited.Store(&missing)
	return next, nil
}

// failed forgets what a pass that did not commit left behind: the cached
// documents it mutated no longer match the store.
func (r *Runner) failed() {
	r.taskCache.Reset()
	r.instanceCache.Reset()
	r.lastChanges = -1
	r.awaited.Store(nil)
}

// wakesFor reports whether a committed change can matter to a pass, which
// only then runs (a pass over every cluster costs milliseconds beside
// services of many tasks). Registering a task definition changes no cluster:
// a pass reads a task definition only for the tasks and deployments that
// name it, and a new revision has a new ARN, so one matters only to a
// deployment that found it missing; nothing a pass decides depends on what
// its status or its tags (kept in its row) change to: tags are read when a
// task starts, which they do not gate. Families are read by no pass.
func (r *Runner) wakesFor(c store.Change) bool {
	switch c.Kind {
	case ecscore.Families.Kind:
		return false
	case ecscore.TaskDefinitions.Kind:
		awaited := r.awaited.Load()
		return awaited == nil || (*awaited)[c.ID]
	}
	return true
}
