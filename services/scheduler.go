package services

import (
	"sync"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/services/elbv2"
)

// schedulerTimings turns the configured delays and time scale into the
// cluster manager's timings; zero values keep the defaults.
func schedulerTimings(cfg Config) scheduler.Timings {
	t := scheduler.DefaultTimings()
	if cfg.TaskStartDelay > 0 {
		t.StartDelay = cfg.TaskStartDelay
	}
	if cfg.TaskStopDelay > 0 {
		t.StopDelay = cfg.TaskStopDelay
	}
	return t.Scaled(cfg.TimeScale)
}

// installPlacer makes RunTask and StartTask place EC2 tasks as the cluster
// manager does; it is set once, as every server in a process shares it.
var installPlacer sync.Once

// addClusterManager wires the cluster manager in: its loop as a starter, its
// control endpoints, and its placement as the one RunTask and StartTask use.
func addClusterManager(set *Set, cfg Config) {
	installPlacer.Do(func() { ecs.Placer = scheduler.PlaceTasks })
	r := scheduler.New(scheduler.Config{Store: cfg.Store, Timings: schedulerTimings(cfg), Logger: cfg.Logger,
		ELB: elbv2.Options{TimeScale: cfg.TimeScale}})
	set.starters = append(set.starters, r.Start)
	for _, c := range r.ControlRoutes(cfg.Region) {
		set.Control = append(set.Control, ControlRoute{Method: c.Method, Path: c.Path, Handle: c.Handle})
	}
}
