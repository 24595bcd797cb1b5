package autoscaling

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/loop"
	"github.com/longshore/longshore/store"
)

// Timings are how long simulated instances take, before the time scale.
type Timings struct {
	// Boot is launch to the end of Pending (and to lifecycle hooks).
	Boot time.Duration
	// Agent is launch to the ECS agent's registration.
	Agent time.Duration
	// Shutdown is the end of Terminating to the instance being gone.
	Shutdown time.Duration
	// LaunchRetry is how long a group waits after a failed launch.
	LaunchRetry time.Duration
}

// DefaultTimings let waiters that poll every few seconds see instances in service quickly.
func DefaultTimings() Timings {
	return Timings{Boot: 2 * time.Second, Agent: 3 * time.Second, Shutdown: 2 * time.Second, LaunchRetry: 10 * time.Second}
}

// Engine is the background work of Auto Scaling: it keeps groups at their
// desired capacity, moves instances through their lifecycle (with hooks),
// registers instances with ECS, runs scheduled actions and instance
// refreshes, and runs ECS managed scaling for capacity providers.
type Engine struct {
	Store   *store.Store
	Log     *slog.Logger
	Timings Timings
	// Now is the clock (tests inject one).
	Now func() time.Time
	// TimeScale makes simulated durations that many times shorter.
	TimeScale float64

	once sync.Once
	loop *loop.Loop
	// launchBlocked holds when a group whose launch failed may try again.
	launchBlocked map[string]time.Time
	// metricsPublished holds when each group's metrics were last put.
	metricsPublished map[string]time.Time
	scaling          *managedScaling
}

// NewEngine builds an engine with the real clock; timeScale makes simulated
// durations that many times shorter.
func NewEngine(st *store.Store, log *slog.Logger, scale float64) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{Store: st, Log: log, Timings: DefaultTimings(), Now: func() time.Time { return time.Now().UTC() }, TimeScale: loop.Scale(scale).Factor(),
		launchBlocked: map[string]time.Time{}, metricsPublished: map[string]time.Time{}, scaling: newManagedScaling()}
}

func (e *Engine) scaled(d time.Duration) time.Duration { return loop.Scale(e.TimeScale).Of(d) }

// runner builds the engine's loop on first use, from the fields as they are
// then: it looks for work every scaled half second, between 20 and 500 ms.
func (e *Engine) runner() *loop.Loop {
	e.once.Do(func() {
		scale := loop.Scale(e.TimeScale)
		e.loop = loop.New(loop.Config{Name: "auto scaling engine", Store: e.Store, Step: e.pass, Scale: scale,
			Clock: loop.NowFunc(func() time.Time { return e.Now() }),
			Every: min(max(scale.Of(500*time.Millisecond), 20*time.Millisecond), 500*time.Millisecond), Log: e.Log})
	})
	return e.loop
}

// Start runs the engine until ctx ends or the returned function is called.
func (e *Engine) Start(ctx context.Context) func() { return e.runner().Start(ctx) }

// Tick does the work due at the engine's Now, in one write transaction.
func (e *Engine) Tick(ctx context.Context) error {
	_, err := e.runner().Once(ctx)
	return err
}

func (e *Engine) pass(run *loop.Run) (time.Time, error) {
	ctx, tx := run.Ctx, run.Tx
	// The handlers scale cooldowns and hook timeouts as the engine does.
	if cur, err := settingsStore.Get(tx, store.Scope{}, "time"); err != nil {
		return time.Time{}, err
	} else if cur == nil || cur.TimeScale != e.TimeScale {
		if err := settingsStore.Put(tx, store.Scope{}, "time", store.Index{}, &settings{TimeScale: e.TimeScale}); err != nil {
			return time.Time{}, err
		}
	}
	scopes, err := run.Scopes(Groups.Kind)
	if err != nil {
		return time.Time{}, err
	}
	if err := e.agentScopes(run); err != nil {
		return time.Time{}, err
	}
	for _, sc := range scopes {
		c := &api.Context{Context: ctx, Service: "autoscaling", Operation: "Engine", Region: sc.Region,
			Caller: api.RootPrincipal(sc.Account, ""), Tx: tx}
		if err := e.scheduled(c); err != nil {
			return time.Time{}, err
		}
		if err := e.scaling.run(c, e); err != nil {
			return time.Time{}, err
		}
		items, err := Groups.List(tx, sc, store.Query{})
		if err != nil {
			return time.Time{}, err
		}
		for _, it := range items {
			if err := e.group(c, it.Doc); err != nil {
				return time.Time{}, fmt.Errorf("group %s: %w", it.ID, err)
			}
		}
	}
	return time.Time{}, nil
}

// scheduled runs the scheduled actions that are due.
func (e *Engine) scheduled(c *api.Context) error {
	items, err := ScheduledAction.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return err
	}
	for _, it := range items {
		if !it.Doc.Next.IsZero() && !it.Doc.Next.After(c.Now()) {
			if err := runScheduled(c, it.ID, it.Doc); err != nil {
				return err
			}
		}
	}
	return nil
}

// agentScopes plays the ECS agents of every scope that has EC2 instances.
func (e *Engine) agentScopes(run *loop.Run) error {
	// Agents join clusters of their own scope: the scopes with clusters, and
	// those whose agents may have to leave.
	scopes, err := run.Scopes(ecscore.Clusters.Kind, Agents.Kind)
	if err != nil {
		return err
	}
	for _, sc := range scopes {
		c := &api.Context{Context: run.Ctx, Service: "autoscaling", Operation: "Agents", Region: sc.Region,
			Caller: api.RootPrincipal(sc.Account, ""), Tx: run.Tx}
		if err := e.agents(c); err != nil {
			return err
		}
	}
	return nil
}
