package autoscaling

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
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

	mu sync.Mutex
	// launchBlocked holds when a group whose launch failed may try again.
	launchBlocked map[string]time.Time
	// metricsPublished holds when each group's metrics were last put.
	metricsPublished map[string]time.Time
	scaling          *managedScaling
}

// NewEngine builds an engine with the real clock; timeScale makes simulated
// durations that many times shorter.
func NewEngine(st *store.Store, log *slog.Logger, scale float64) *Engine {
	if scale <= 0 {
		scale = 1
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{Store: st, Log: log, Timings: DefaultTimings(), Now: func() time.Time { return time.Now().UTC() }, TimeScale: scale,
		launchBlocked: map[string]time.Time{}, metricsPublished: map[string]time.Time{}, scaling: newManagedScaling()}
}

// interval is how often the engine looks for work.
func (e *Engine) interval() time.Duration {
	return min(max(e.scaled(500*time.Millisecond), 20*time.Millisecond), 500*time.Millisecond)
}

func (e *Engine) scaled(d time.Duration) time.Duration { return scaleBy(d, e.TimeScale) }

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
				if err := e.safeTick(ctx); err != nil && ctx.Err() == nil {
					e.Log.Error("auto scaling engine", "error", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func (e *Engine) safeTick(ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return e.Tick(ctx)
}

// Tick does the work due at the engine's Now, in one write transaction.
func (e *Engine) Tick(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.Now()
	return e.Store.Write(ctx, func(tx *store.Tx) error {
		tx.Now = now
		// The handlers scale cooldowns and hook timeouts as the engine does.
		if cur, err := settingsStore.Get(tx, store.Scope{}, "time"); err != nil {
			return err
		} else if cur == nil || cur.TimeScale != e.TimeScale {
			if err := settingsStore.Put(tx, store.Scope{}, "time", store.Index{}, &settings{TimeScale: e.TimeScale}); err != nil {
				return err
			}
		}
		scopes, err := scopesOf(tx, Groups.Kind)
		if err != nil {
			return err
		}
		if err := e.agentScopes(ctx, tx); err != nil {
			return err
		}
		for _, sc := range scopes {
			c := &api.Context{Context: ctx, Service: "autoscaling", Operation: "Engine", Region: sc.Region,
				Caller: api.RootPrincipal(sc.Account, ""), Tx: tx}
			if err := e.scheduled(c); err != nil {
				return err
			}
			if err := e.scaling.run(c, e); err != nil {
				return err
			}
			items, err := Groups.List(tx, sc, store.Query{})
			if err != nil {
				return err
			}
			for _, it := range items {
				if err := e.group(c, it.Doc); err != nil {
					return fmt.Errorf("group %s: %w", it.ID, err)
				}
			}
		}
		return nil
	})
}

// scopesOf lists the accounts and regions holding documents of a kind.
func scopesOf(tx *store.Tx, kind string) ([]store.Scope, error) {
	rows, err := tx.Query(`SELECT DISTINCT account, region FROM resources WHERE kind = ?`, kind)
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
func (e *Engine) agentScopes(ctx context.Context, tx *store.Tx) error {
	// Agents join clusters of their own scope: the scopes with clusters, and
	// those whose agents may have to leave.
	scopes, err := scopesOf(tx, ecscore.Clusters.Kind)
	if err != nil {
		return err
	}
	more, err := scopesOf(tx, Agents.Kind)
	if err != nil {
		return err
	}
	for _, sc := range more {
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	for _, sc := range scopes {
		c := &api.Context{Context: ctx, Service: "autoscaling", Operation: "Agents", Region: sc.Region,
			Caller: api.RootPrincipal(sc.Account, ""), Tx: tx}
		if err := e.agents(c); err != nil {
			return err
		}
	}
	return nil
}
