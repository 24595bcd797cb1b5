package scheduler

import (
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// View is one service as a deployment strategy sees it on one pass.
type View struct {
	Service *types.Service
	// Primary is the deployment the service converges to.
	Primary *types.Deployment
	// Old are the other deployments still in flight, oldest first.
	Old []*types.Deployment
	// Live are the tasks wanted RUNNING, by deployment id. Tasks on an
	// instance that is not ACTIVE (DRAINING) are in Moving instead.
	Live map[string][]*types.Task
	// Moving are live tasks that must leave their instance.
	Moving []*types.Task
	// Now is the pass's time (for strategies that bake or shift traffic in steps).
	Now time.Time
	// Healthy tells, by task ARN, whether a task's load balancer targets are
	// all healthy; nil when the service has no load balancers.
	Healthy map[string]bool
	// Shift is where the primary deployment's traffic shift stands (nil for
	// strategies that do not shift traffic).
	Shift *Shift
}

// Serving reports whether a task is RUNNING and, behind load balancers,
// healthy in every target group.
func (v *View) Serving(t *types.Task) bool {
	if !ecscore.Running(t) {
		return false
	}
	if v.Healthy == nil {
		return true
	}
	return v.Healthy[aws.ToString(t.TaskArn)]
}

func (v *View) countServing(ts []*types.Task) int {
	n := 0
	for _, t := range ts {
		if v.Serving(t) {
			n++
		}
	}
	return n
}

// Step is what a strategy decides for one pass: how many tasks of the primary
// deployment to start and which tasks to stop.
type Step struct {
	Start int
	Stop  []*types.Task
}

// DeploymentStrategy decides one bounded step of a service deployment. ROLLING
// is built in; traffic-shifting strategies (BLUE_GREEN, LINEAR, CANARY) plug in
// through Strategies.
type DeploymentStrategy interface {
	Step(v *View) Step
}

// Strategies maps a deploymentConfiguration.strategy to its implementation.
var Strategies = map[types.DeploymentStrategy]DeploymentStrategy{
	types.DeploymentStrategyRolling: Rolling{},
}

// strategyFor returns the service's strategy; an unknown one rolls.
func strategyFor(svc *types.Service) DeploymentStrategy {
	if dc := svc.DeploymentConfiguration; dc != nil {
		if s, ok := Strategies[dc.Strategy]; ok {
			return s
		}
	}
	return Rolling{}
}

// Rolling is ECS's rolling update: the primary deployment grows within
// maximumPercent of the desired count while the others shrink without taking
// the healthy (RUNNING) tasks below minimumHealthyPercent.
type Rolling struct{}

// Step implements DeploymentStrategy.
func (Rolling) Step(v *View) Step {
	desired := int(v.Service.DesiredCount)
	maxPct, minPct := percents(v.Service)
	maxTotal := desired * maxPct / 100
	minHealthy := (desired*minPct + 99) / 100
	pid := aws.ToString(v.Primary.Id)

	var st Step
	primary := v.Live[pid]
	var oldLive []*types.Task
	for _, d := range v.Old {
		oldLive = append(oldLive, v.Live[aws.ToString(d.Id)]...)
	}
	oldLive = append(oldLive, v.Moving...)
	total := len(primary) + len(oldLive)
	healthy := v.countServing(primary) + v.countServing(oldLive)

	// Old tasks that never got to RUNNING add no health: stop them first.
	var oldRunning []*types.Task
	for _, t := range oldLive {
		if ecscore.Running(t) {
			oldRunning = append(oldRunning, t)
		} else {
			st.Stop = append(st.Stop, t)
			total--
		}
	}
	// A primary above the desired count scales in.
	if extra := len(primary) - desired; extra > 0 {
		victims := ScaleInOrder(primary)[:extra]
		st.Stop = append(st.Stop, victims...)
		total -= extra
		healthy -= v.countServing(victims)
	}
	// Grow the primary within maximumPercent.
	if v.Primary.RolloutState != types.DeploymentRolloutStateFailed {
		if n := min(desired-len(primary), maxTotal-total); n > 0 {
			st.Start = n
		}
	}
	// Shrink the others within minimumHealthyPercent.
	if n := min(healthy-minHealthy, len(oldRunning)); n > 0 {
		st.Stop = append(st.Stop, ScaleInOrder(oldRunning)[:n]...)
	}
	return st
}

// percents returns maximumPercent and minimumHealthyPercent with ECS's
// defaults for replica services (200 and 100).
func percents(svc *types.Service) (int, int) {
	maxPct, minPct := 200, 100
	if dc := svc.DeploymentConfiguration; dc != nil {
		if dc.MaximumPercent != nil {
			maxPct = int(*dc.MaximumPercent)
		}
		if dc.MinimumHealthyPercent != nil {
			minPct = int(*dc.MinimumHealthyPercent)
		}
	}
	return maxPct, minPct
}

// ScaleInOrder orders tasks the way ECS picks them to stop: tasks not yet
// RUNNING first; then, one at a time, a task from the availability zone that
// holds the most of them, so the zones stay balanced; within a zone the newest.
func ScaleInOrder(tasks []*types.Task) []*types.Task {
	var pending, running []*types.Task
	for _, t := range tasks {
		if ecscore.Running(t) {
			running = append(running, t)
		} else {
			pending = append(pending, t)
		}
	}
	newestFirst := func(ts []*types.Task) {
		sort.SliceStable(ts, func(i, j int) bool {
			return aws.ToTime(ts[i].CreatedAt).After(aws.ToTime(ts[j].CreatedAt))
		})
	}
	newestFirst(pending)
	byZone := map[string][]*types.Task{}
	var zones []string
	for _, t := range running {
		z := aws.ToString(t.AvailabilityZone)
		if _, ok := byZone[z]; !ok {
			zones = append(zones, z)
		}
		byZone[z] = append(byZone[z], t)
	}
	sort.Strings(zones)
	for _, z := range zones {
		newestFirst(byZone[z])
	}
	out := pending
	for range running {
		best, most := "", 0
		for _, z := range zones {
			if n := len(byZone[z]); n > most {
				best, most = z, n
			}
		}
		out = append(out, byZone[best][0])
		byZone[best] = byZone[best][1:]
	}
	return out
}
