package scheduler

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/longshore/longshore/services/core/ecscore"
)

// A container instance that takes tasks, and the text of scaling events.
const (
	instanceActive      = "ACTIVE"
	scalingActivityText = "Scaling activity initiated by (deployment "
)

// Input is everything reconcile looks at for one service.
type Input struct {
	Service *types.Service
	// Tasks are the service's tasks in any state.
	Tasks []*types.Task
	// Instances maps every container instance of the cluster to its status
	// (ACTIVE, DRAINING …); a disconnected agent counts as not ACTIVE.
	Instances map[string]string
	// DaemonInstances are the ACTIVE instances a DAEMON service runs on, in order.
	DaemonInstances []string
	// Failures counts, by deployment id, the tasks that stopped through a
	// failure of their own since the last pass (the circuit breaker's input).
	Failures map[string]int
	// Alarming are the service's deployment alarms now in ALARM; Bake is
	// how long its primary deployment bakes once steady (0: no bake).
	Alarming []string
	Bake     time.Duration
	// StopRequest is the status a StopServiceDeployment left on the primary
	// deployment's service deployment (ROLLBACK_REQUESTED, STOP_REQUESTED), or "".
	StopRequest types.ServiceDeploymentStatus
	// Healthy and Shift are passed on to the strategy (see View).
	Healthy map[string]bool
	Shift   *Shift
	// Stopping are tasks stopped earlier in the same step: no longer live.
	Stopping map[*types.Task]bool
	Now      time.Time
	// NewID makes event ids; NewDeploymentID deployment ids.
	NewID           func() string
	NewDeploymentID func() string

	// Observed is what Decide reads besides the service and its tasks.
	Observed
}

// StartTasks asks for Count new tasks of a deployment, on Instance when set
// (daemons). For a task set, Deployment carries its launch settings and
// TaskSet names it.
type StartTasks struct {
	Deployment *types.Deployment
	Count      int
	Instance   string
	TaskSet    string
}

// StopTask asks one task to stop with ECS's code and reason.
type StopTask struct {
	Task   *types.Task
	Code   types.TaskStopCode
	Reason string
}

// Plan is what one step decided for a service (Decide; Reconcile fills the
// task part). Service is the input service, updated (deployments, status,
// events); Changed says whether Reconcile changed it.
type Plan struct {
	Service *types.Service
	Start   []StartTasks
	Stop    []StopTask
	Changed bool
	// Register are the targets to register; Deregister those deregistered
	// (of stopping tasks, decided before the step and carried out with the
	// tasks' lifecycle).
	Register, Deregister []TargetChange
	// Weights are the listener-rule weights the traffic shift sets, in order.
	Weights []WeightShift
	// Rollbacks are the deployments that failed in this step, with why and
	// what they go back to.
	Rollbacks []Rollback
	// Events are the service events the step added, oldest first.
	Events []string
	// Writes are the other documents the step changed.
	Writes planWrites
	// Failed says why the primary deployment failed in this pass, if it did;
	// Rollback is the deployment that then replaced it, if any.
	Failed   FailureCause
	Rollback *types.Deployment
	// Triggered are the alarms that failed it (FailedByAlarms).
	Triggered []string
	// Next is when the service wants a pass again by itself (a bake ending).
	Next time.Time
	// GoneTaskSets are the ARNs of the task sets that drained and left the
	// service in this step (their tags go with them).
	GoneTaskSets []string
}

// FailureCause is what failed a deployment.
type FailureCause int

// Failure causes.
const (
	NotFailed FailureCause = iota
	FailedByCircuitBreaker
	FailedByAlarms
	FailedByStopRequest
	FailedByHook // a traffic shift's lifecycle hook
)

// Reconcile decides one pass for one service. It is pure: it reads its input,
// updates the service document it was given, and returns the tasks to start and stop.
func Reconcile(in Input) Plan {
	svc := in.Service
	p := Plan{Service: svc}
	if usesTaskSets(svc) {
		reconcileTaskSets(in, &p)
		return p
	}
	// Only the tasks the service scheduler started are its own: a RunTask
	// into the same group is left alone.
	live := make([]*types.Task, 0, len(in.Tasks))
	for _, t := range in.Tasks {
		if ecscore.Live(t) && !in.Stopping[t] && strings.HasPrefix(aws.ToString(t.StartedBy), ecscore.DeploymentIDPrefix) {
			live = append(live, t)
		}
	}
	primary := primaryDeployment(svc)
	reason := func() string {
		id := ""
		if primary != nil {
			id = aws.ToString(primary.Id)
		}
		return scalingActivityText + id + ")"
	}

	status := aws.ToString(svc.Status)
	if status == ecscore.ServiceDraining || status == ecscore.ServiceInactive || primary == nil {
		for _, t := range live {
			p.Stop = append(p.Stop, StopTask{Task: t, Code: types.TaskStopCodeServiceSchedulerInitiated, Reason: reason()})
		}
		if status == ecscore.ServiceDraining && allStopped(in.Tasks) {
			svc.Status = aws.String(ecscore.ServiceInactive)
			p.Changed = true
		}
		return p
	}

	if applyFailures(svc, in, &p) {
		p.Changed = true
		primary = primaryDeployment(svc)
	}
	if applyAlarms(svc, in, &p) || applyStopRequest(svc, in, &p) {
		p.Changed = true
		primary = primaryDeployment(svc)
	}

	v := &View{Service: svc, Primary: primary, Live: map[string][]*types.Task{}, Now: in.Now, Healthy: in.Healthy, Shift: in.Shift}
	known := map[string]bool{}
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		known[aws.ToString(d.Id)] = true
		if d != primary {
			v.Old = append(v.Old, d)
		}
	}
	for _, t := range live {
		dep := aws.ToString(t.StartedBy)
		switch {
		case !known[dep]:
			p.Stop = append(p.Stop, StopTask{Task: t, Code: types.TaskStopCodeServiceSchedulerInitiated, Reason: reason()})
		case t.ContainerInstanceArn != nil && in.Instances[*t.ContainerInstanceArn] != instanceActive:
			v.Moving = append(v.Moving, t)
		default:
			v.Live[dep] = append(v.Live[dep], t)
		}
	}

	var step Step
	if svc.SchedulingStrategy == types.SchedulingStrategyDaemon {
		step = daemonStep(v, in, &p)
		if n := int32(len(in.DaemonInstances)); svc.DesiredCount != n {
			svc.DesiredCount = n
			p.Changed = true
		}
	} else {
		step = strategyFor(svc).Step(v)
		if step.Start > 0 {
			p.Start = append(p.Start, StartTasks{Deployment: primary, Count: step.Start})
		}
	}
	for _, t := range step.Stop {
		p.Stop = append(p.Stop, StopTask{Task: t, Code: types.TaskStopCodeServiceSchedulerInitiated, Reason: reason()})
	}
	if len(p.Start) == 0 && len(p.Stop) == 0 && settle(svc, v, in, &p) {
		p.Changed = true
	}
	return p
}

// daemonStep runs one task of the primary deployment on every daemon
// instance: old tasks on an instance stop first, the new one starts after.
func daemonStep(v *View, in Input, p *Plan) Step {
	var st Step
	on := map[string][]*types.Task{}
	pid := aws.ToString(v.Primary.Id)
	for dep, ts := range v.Live {
		for _, t := range ts {
			ci := aws.ToString(t.ContainerInstanceArn)
			if dep != pid {
				st.Stop = append(st.Stop, t)
				continue
			}
			if len(on[ci]) > 0 {
				st.Stop = append(st.Stop, t) // one per instance
				continue
			}
			on[ci] = append(on[ci], t)
		}
	}
	st.Stop = append(st.Stop, v.Moving...)
	if v.Primary.RolloutState == types.DeploymentRolloutStateFailed {
		return st
	}
	busy := map[string]bool{}
	for _, t := range st.Stop {
		busy[aws.ToString(t.ContainerInstanceArn)] = true
	}
	for _, ci := range in.DaemonInstances {
		if len(on[ci]) == 0 && !busy[ci] {
			p.Start = append(p.Start, StartTasks{Deployment: v.Primary, Count: 1, Instance: ci})
		}
	}
	return st
}

// applyFailures counts the deployments' failed tasks and trips the circuit
// breaker of the primary deployment: FAILED, and with rollback a new primary
// deployment on the last COMPLETED deployment's task definition.
func applyFailures(svc *types.Service, in Input, p *Plan) bool {
	changed := false
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		if n := in.Failures[aws.ToString(d.Id)]; n > 0 {
			d.FailedTasks += int32(n)
			d.UpdatedAt = aws.Time(in.Now)
			changed = true
		}
	}
	primary := primaryDeployment(svc)
	cb := circuitBreaker(svc)
	if cb == nil || !cb.Enable || primary.RolloutState != types.DeploymentRolloutStateInProgress ||
		int(primary.FailedTasks) < FailureThreshold(svc) {
		return changed
	}
	fail(svc, primary, in, "ECS deployment circuit breaker: tasks failed to start.", deploymentFailedMessage(svc, aws.ToString(primary.Id)))
	p.Failed = FailedByCircuitBreaker
	if cb.Rollback {
		p.Rollback = rollBack(svc, primary, in, circuitBreakerPrefix)
	}
	return true
}

// fail marks the primary deployment FAILED with its reason and event.
func fail(svc *types.Service, primary *types.Deployment, in Input, reason, event string) {
	primary.RolloutState = types.DeploymentRolloutStateFailed
	primary.RolloutStateReason = aws.String(reason)
	primary.UpdatedAt = aws.Time(in.Now)
	addEvent(svc, in.Now, in.NewID(), event)
}

// rollBack makes a new primary deployment on the last COMPLETED deployment's
// task definition (the failed primary stays, ACTIVE); prefix starts its
// rolloutStateReason ("ECS deployment circuit breaker: …"). It returns the
// new primary, or nil when no deployment completed.
func rollBack(svc *types.Service, primary *types.Deployment, in Input, prefix string) *types.Deployment {
	var target *types.Deployment
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		if d != primary && d.RolloutState == types.DeploymentRolloutStateCompleted {
			target = d
		}
	}
	if target == nil {
		return nil
	}
	back := *target
	back.Id = aws.String(in.NewDeploymentID())
	back.Status = aws.String(ecscore.DeploymentPrimary)
	back.RolloutState = types.DeploymentRolloutStateInProgress
	back.RolloutStateReason = aws.String(prefix + " " + rollingBackText + aws.ToString(target.Id) + ".")
	back.CreatedAt, back.UpdatedAt = aws.Time(in.Now), aws.Time(in.Now)
	back.DesiredCount, back.RunningCount, back.PendingCount, back.FailedTasks = svc.DesiredCount, 0, 0, 0
	primary.Status = aws.String(ecscore.DeploymentActive)
	svc.TaskDefinition = back.TaskDefinition
	svc.Deployments = append([]types.Deployment{back}, svc.Deployments...)
	addEvent(svc, in.Now, in.NewID(), rollbackMessage(svc, aws.ToString(target.Id)))
	return &svc.Deployments[0]
}

// FailureThreshold is how many failed tasks trip the circuit breaker: by
// default half the desired count, at least 3 and at most 200.
func FailureThreshold(svc *types.Service) int {
	desired := int(svc.DesiredCount)
	typ, val := types.ThresholdTypeBoundedPercent, 50
	if cb := circuitBreaker(svc); cb != nil && cb.ThresholdConfiguration != nil {
		typ, val = cb.ThresholdConfiguration.Type, int(cb.ThresholdConfiguration.Value)
	}
	pct := (desired*val + 99) / 100
	switch typ {
	case types.ThresholdTypeCount:
		return max(val, 1)
	case types.ThresholdTypeUnboundedPercent:
		return max(pct, 1)
	}
	return min(max(pct, 3), 200)
}

func circuitBreaker(svc *types.Service) *types.DeploymentCircuitBreaker {
	if svc.DeploymentConfiguration == nil {
		return nil
	}
	return svc.DeploymentConfiguration.DeploymentCircuitBreaker
}

// settle runs when a pass had nothing to start or stop: it completes the
// primary deployment once it runs the desired count alone, retires the
// others, and says so in the events, ending with the steady state.
func settle(svc *types.Service, v *View, in Input, p *Plan) bool {
	primary := v.Primary
	pid := aws.ToString(primary.Id)
	running, pending := 0, 0
	for _, t := range v.Live[pid] {
		if v.Serving(t) {
			running++
		} else {
			pending++
		}
	}
	for _, d := range v.Old {
		if len(v.Live[aws.ToString(d.Id)]) > 0 {
			return false
		}
	}
	if len(v.Moving) > 0 || pending > 0 || running != int(svc.DesiredCount) {
		return false
	}
	if v.Shift != nil && !v.Shift.Done {
		return false // traffic still shifting
	}
	if until := baking(primary, in); !until.IsZero() {
		// Alarms are still watched until then; the deployment rolled back
		// to stays listed.
		p.Next = until
		return false
	}
	changed := false
	if primary.RolloutState == types.DeploymentRolloutStateInProgress {
		primary.RolloutState = types.DeploymentRolloutStateCompleted
		primary.RolloutStateReason = aws.String("ECS deployment " + pid + " completed.")
		primary.UpdatedAt = aws.Time(in.Now)
		addEvent(svc, in.Now, in.NewID(), deploymentCompletedMessage(svc, pid))
		changed = true
	}
	if len(svc.Deployments) > 1 && primary.RolloutState != types.DeploymentRolloutStateFailed {
		svc.Deployments = []types.Deployment{*primary}
		changed = true
	}
	msg := steadyStateMessage(svc)
	if len(svc.Events) == 0 || aws.ToString(svc.Events[0].Message) != msg {
		addEvent(svc, in.Now, in.NewID(), msg)
		changed = true
	}
	return changed
}

func primaryDeployment(svc *types.Service) *types.Deployment {
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Status) == ecscore.DeploymentPrimary {
			return &svc.Deployments[i]
		}
	}
	return nil
}

func allStopped(ts []*types.Task) bool {
	for _, t := range ts {
		if aws.ToString(t.LastStatus) != ecscore.TaskStopped {
			return false
		}
	}
	return true
}
