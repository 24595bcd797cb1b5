package scheduler

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// usesTaskSets reports whether a service runs task sets managed from outside
// ECS (the EXTERNAL and CODE_DEPLOY deployment controllers) instead of
// deployments.
func usesTaskSets(svc *types.Service) bool {
	c := svc.DeploymentController
	return c != nil && c.Type != "" && c.Type != types.DeploymentControllerTypeEcs
}

// taskSetOf is the service's task set of an id (what its tasks carry in
// startedBy), nil when it has none.
func taskSetOf(svc *types.Service, id string) *types.TaskSet {
	for i := range svc.TaskSets {
		if aws.ToString(svc.TaskSets[i].Id) == id {
			return &svc.TaskSets[i]
		}
	}
	return nil
}

// hasLoadBalancers reports whether any of a service's tasks registers in a
// target group: through the service's load balancers or a task set's.
func hasLoadBalancers(svc *types.Service) bool {
	if !usesTaskSets(svc) {
		return len(svc.LoadBalancers) > 0
	}
	for _, ts := range svc.TaskSets {
		if len(ts.LoadBalancers) > 0 {
			return true
		}
	}
	return false
}

// taskSetPrefix starts the events ECS words for one task set of a service.
func taskSetPrefix(svc *types.Service, id string) string {
	return "(service " + aws.ToString(svc.ServiceName) + ", taskSet " + id + ")"
}

// taskPrefix starts the events about a task's start, registration or
// draining: its task set's prefix (every service task belongs to a task set,
// a deployment's included), or the service's for a task that names none.
func taskPrefix(svc *types.Service, startedBy string) string {
	if strings.HasPrefix(startedBy, ecscore.DeploymentIDPrefix) {
		return taskSetPrefix(svc, startedBy)
	}
	return svcPrefix(svc)
}

// asDeployment carries a task set's launch settings the way apply starts a
// deployment's tasks; the tasks' startedBy is the task set's id.
func asDeployment(ts *types.TaskSet) *types.Deployment {
	return &types.Deployment{Id: ts.Id, TaskDefinition: ts.TaskDefinition, LaunchType: ts.LaunchType,
		CapacityProviderStrategy: ts.CapacityProviderStrategy, PlatformVersion: ts.PlatformVersion, PlatformFamily: ts.PlatformFamily,
		NetworkConfiguration: ts.NetworkConfiguration}
}

// reconcileTaskSets is Reconcile for a service that runs task sets: each
// ACTIVE or PRIMARY task set is kept at its computedDesiredCount with its own
// task definition and launch settings, tasks leave instances that are no
// longer ACTIVE, a DRAINING task set (or any task set of a service being
// deleted) stops its tasks and is gone once none is left, and each task
// set's stabilityStatus follows: STEADY_STATE when it runs its computed count,
// none pending, none on an instance being drained and all healthy behind its
// load balancers; STABILIZING otherwise.
func reconcileTaskSets(in Input, p *Plan) {
	svc := in.Service
	status := aws.ToString(svc.Status)
	live := map[string][]*types.Task{}
	held := map[string]bool{} // task sets with a task not STOPPED yet
	for _, t := range in.Tasks {
		id := aws.ToString(t.StartedBy)
		if aws.ToString(t.LastStatus) != ecscore.TaskStopped {
			held[id] = true
		}
		if !ecscore.Live(t) || in.Stopping[t] || !strings.HasPrefix(id, ecscore.DeploymentIDPrefix) {
			continue
		}
		if taskSetOf(svc, id) == nil {
			p.Stop = append(p.Stop, StopTask{Task: t, Code: types.TaskStopCodeServiceSchedulerInitiated, Reason: scalingActivityText + id + ")"})
			continue
		}
		live[id] = append(live[id], t)
	}
	kept := make([]types.TaskSet, 0, len(svc.TaskSets))
	steady := len(svc.TaskSets) > 0
	for i := range svc.TaskSets {
		ts := &svc.TaskSets[i]
		id := aws.ToString(ts.Id)
		draining := aws.ToString(ts.Status) == ecscore.TaskSetDraining || status != ecscore.ServiceActive
		if aws.ToString(ts.Status) == ecscore.TaskSetDraining && !held[id] {
			p.GoneTaskSets = append(p.GoneTaskSets, aws.ToString(ts.TaskSetArn))
			p.Changed = true
			continue
		}
		want := int(ts.ComputedDesiredCount)
		if draining {
			want = 0
		}
		var staying, stops []*types.Task
		for _, t := range live[id] {
			if ci := t.ContainerInstanceArn; ci != nil && in.Instances[*ci] != instanceActive {
				stops = append(stops, t) // replaced on an ACTIVE instance
				continue
			}
			staying = append(staying, t)
		}
		if extra := len(staying) - want; extra > 0 {
			victims := ScaleInOrder(staying)[:extra]
			stops = append(stops, victims...)
			staying = slices.DeleteFunc(staying, func(t *types.Task) bool { return slices.Contains(victims, t) })
		}
		for _, t := range stops {
			p.Stop = append(p.Stop, StopTask{Task: t, Code: types.TaskStopCodeServiceSchedulerInitiated, Reason: scalingActivityText + id + ")"})
		}
		start := want - len(staying)
		if start > 0 {
			p.Start = append(p.Start, StartTasks{Deployment: asDeployment(ts), Count: start, TaskSet: id})
		}
		serving := 0
		for _, t := range staying {
			if ecscore.Running(t) && (in.Healthy == nil || in.Healthy[aws.ToString(t.TaskArn)]) {
				serving++
			}
		}
		st := types.StabilityStatusStabilizing
		if len(stops) == 0 && start <= 0 && serving == len(staying) && serving == want {
			st = types.StabilityStatusSteadyState
		}
		if ts.StabilityStatus != st {
			ts.StabilityStatus, ts.StabilityStatusAt = st, aws.Time(in.Now)
			p.Changed = true
		}
		steady = steady && !draining && st == types.StabilityStatusSteadyState
		kept = append(kept, *ts)
	}
	svc.TaskSets = kept
	if status == ecscore.ServiceDraining && allStopped(in.Tasks) {
		svc.Status = aws.String(ecscore.ServiceInactive)
		p.Changed = true
	}
	if steady && status == ecscore.ServiceActive {
		if msg := steadyStateMessage(svc); len(svc.Events) == 0 || aws.ToString(svc.Events[0].Message) != msg {
			addEvent(svc, in.Now, in.NewID(), msg)
			p.Changed = true
		}
	}
}
