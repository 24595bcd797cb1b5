package scheduler

import (
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/elbv2"
)

// Observed is what the pure step reads of the world besides the service and
// its tasks, read before it (see clusterPass.observe). Decide updates these
// documents as it decides, and lists in the plan those to write.
type Observed struct {
	// Targets are, by task ARN, the load balancer targets of the service's
	// RUNNING tasks and their health.
	Targets map[string][]TargetObservation
	// Grace is the service's health check grace period (scaled);
	// HealthPoll how often targets still being checked are looked at again.
	Grace, HealthPoll time.Duration
	// Deregistered counts by target group the targets of the service's
	// stopping tasks the pass deregistered; Draining, by task set (or
	// deployment), the tasks that began draining (both for the service's
	// events); Drained are those targets.
	Deregistered map[string]int
	Draining     map[string]int
	Drained      []TargetChange
	// Alarms are the service's deployment alarms that exist, read when its
	// primary deployment is watched.
	Alarms map[string]Alarm
	// Links and ServiceDeployments are the service deployments of the
	// service's deployments (links by deployment id, documents by ARN).
	Links              map[string]*ecscore.DeploymentLink
	ServiceDeployments map[string]*types.ServiceDeployment
	// StopRequestDelay is how long after a StopServiceDeployment ECS takes it up.
	StopRequestDelay time.Duration
	// Traffic shifting: the deployments' shift records by deployment id,
	// every record id of the service (when old ones may be forgotten), the
	// lifecycle hook results by service deployment ARN, the production
	// listener rules' weights by rule ARN (for a first deployment), and the
	// time scale of the load balancers.
	Shifts      map[string]*shiftRecord
	ShiftIDs    []string
	HookResults map[string]map[types.DeploymentLifecycleHookStage]bool
	RuleWeights map[string][]elbv2.TargetWeight
	Scale       func(time.Duration) time.Duration
}

// TargetObservation is one registration of a task in a target group and
// its health as ELBv2 reports it.
type TargetObservation struct {
	taskTarget
	Registered bool
	State      string
	// DrainingUntil is when a draining target is gone.
	DrainingUntil time.Time
}

// TargetChange registers or deregisters one target.
type TargetChange struct {
	TargetGroupArn string
	ID             string
	Port           int32
}

// WeightShift sets two target groups' weights in a listener rule, keeping the others.
type WeightShift struct {
	Rule        string
	Blue        string
	BlueWeight  int32
	Green       string
	GreenWeight int32
}

// Rollback is a deployment that failed in a step: why (Cause, and its
// rolloutStateReason), and the deployment that takes over, back on what ran
// before ("" when there is none: the deployment stops where it is).
type Rollback struct {
	Failed, To string
	Cause      FailureCause
	Reason     string
}

// planWrites are the documents a plan writes besides the service and its tasks.
type planWrites struct {
	// Shifts are the traffic-shift records to write, DeleteShifts those to forget.
	Shifts       []*shiftRecord
	DeleteShifts []string
	// ServiceDeployments and Links are the service deployments to write and
	// the deployment links to them.
	ServiceDeployments []*types.ServiceDeployment
	Links              []*ecscore.DeploymentLink
}

// Decide is the cluster manager's pure step for one service: from the
// service, its tasks and what was observed (in.Observed) it decides every
// change of the pass: targets to register, tasks whose targets failed their
// health checks to stop, the traffic shift's next step and listener
// weights, alarm-, stop- and hook-driven rollbacks, the tasks to start and
// stop (Reconcile), and the service deployments that finish. It updates the
// service document (deployments, events) and the observed documents it
// changes, and reads nothing else.
func Decide(in Input) Plan {
	svc := in.Service
	d := &decider{in: &in, stopping: map[*types.Task]bool{}, done: map[*types.Task]bool{}}
	firstEvent := ""
	if len(svc.Events) > 0 {
		firstEvent = aws.ToString(svc.Events[0].Id)
	}
	healthy := d.targets()
	shift := d.traffic(healthy)
	// Service deployments report what changes from here on (the traffic
	// shift reports its own).
	rollout := map[string]types.DeploymentRolloutState{}
	for _, dep := range svc.Deployments {
		rollout[aws.ToString(dep.Id)] = dep.RolloutState
	}
	in.Healthy, in.Shift, in.Stopping = healthy, shift, d.stopping
	if shift == nil {
		// Rolling deployments: alarms and StopServiceDeployment are carried
		// out by Reconcile (the traffic-shifting strategies see to their own).
		var bake time.Duration
		in.Alarming, bake, _ = alarming(svc, func(name string) (Alarm, bool, error) {
			a, ok := in.Alarms[name]
			return a, ok, nil
		})
		sd := d.primaryServiceDeployment()
		in.StopRequest = d.stopRequest(sd)
		if sd != nil && len(sd.SourceServiceRevisions) > 0 {
			in.Bake = bake // a first deployment has nothing to roll back to
		}
	}
	plan := Reconcile(in)
	plan.Register, plan.Deregister, plan.Weights, plan.Rollbacks = d.plan.Register, in.Drained, d.plan.Weights, d.plan.Rollbacks
	plan.Writes = d.plan.Writes
	plan.Next = earliest(plan.Next, d.next)
	// Stops decided before Reconcile come first, in the order decided.
	plan.Stop = append(d.plan.Stop, plan.Stop...)
	var stopped []string
	for _, s := range plan.Stop[len(d.plan.Stop):] {
		if d.done[s.Task] || !ecscore.Live(s.Task) {
			continue
		}
		d.done[s.Task] = true
		if aws.ToString(s.Task.LastStatus) == ecscore.TaskRunning {
			stopped = append(stopped, TaskID(aws.ToString(s.Task.TaskArn)))
		}
	}
	for _, msg := range taskEvents(svc, "stopped", stopped) {
		addEvent(svc, in.Now, in.NewID(), msg)
	}
	if plan.Failed != NotFailed || plan.Rollback != nil {
		r := Rollback{Cause: plan.Failed}
		if p := failedDeployment(svc, rollout); p != nil {
			r.Failed, r.Reason = aws.ToString(p.Id), aws.ToString(p.RolloutStateReason)
		}
		if plan.Rollback != nil {
			r.To = aws.ToString(plan.Rollback.Id)
		}
		plan.Rollbacks = append(plan.Rollbacks, r)
	}
	d.finishServiceDeployments(rollout, &plan)
	plan.Writes = d.plan.Writes
	plan.Events = newEvents(svc, firstEvent)
	return plan
}

// failedDeployment is the deployment that turned FAILED in this step.
func failedDeployment(svc *types.Service, before map[string]types.DeploymentRolloutState) *types.Deployment {
	for i := range svc.Deployments {
		dep := &svc.Deployments[i]
		if was, ok := before[aws.ToString(dep.Id)]; ok && was != dep.RolloutState && dep.RolloutState == types.DeploymentRolloutStateFailed {
			return dep
		}
	}
	return nil
}

// newEvents are the messages of the events added before first (oldest first).
func newEvents(svc *types.Service, first string) []string {
	var out []string
	for _, ev := range svc.Events {
		if first != "" && aws.ToString(ev.Id) == first {
			break
		}
		out = append(out, aws.ToString(ev.Message))
	}
	slices.Reverse(out)
	return out
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// decider carries one Decide.
type decider struct {
	in       *Input
	plan     Plan
	next     time.Time
	stopping map[*types.Task]bool // tasks the step stopped before Reconcile
	done     map[*types.Task]bool // tasks with a stop in the plan
}

func (d *decider) wake(at time.Time) { d.next = earliest(d.next, at) }

func (d *decider) live(t *types.Task) bool { return ecscore.Live(t) && !d.stopping[t] }

// stop stops a task before Reconcile runs.
func (d *decider) stop(t *types.Task, code types.TaskStopCode, reason string) {
	if !d.live(t) {
		return
	}
	d.stopping[t], d.done[t] = true, true
	d.plan.Stop = append(d.plan.Stop, StopTask{Task: t, Code: code, Reason: reason})
	d.wake(d.in.Now)
}

// targets registers the service's RUNNING tasks in their target groups,
// stops the tasks whose target turned unhealthy after the health check grace
// period, and tells which tasks have every target healthy (nil when the
// service has no load balancers).
func (d *decider) targets() map[string]bool {
	in, svc := d.in, d.in.Service
	for _, id := range slices.Sorted(maps.Keys(in.Draining)) {
		addEvent(svc, in.Now, in.NewID(), drainingMessage(svc, id, in.Draining[id]))
	}
	addCountEvents(svc, in.Now, in.NewID, in.Deregistered, deregisteredMessage)
	if !hasLoadBalancers(svc) {
		return nil
	}
	healthy := map[string]bool{}
	// Registrations are counted by event prefix (a task set's, or the
	// service's), then target group.
	registered := map[string]map[string]int{}
	var stopped []string
	for _, t := range in.Tasks {
		if !ecscore.Running(t) {
			continue
		}
		ok, checking := true, false
		for _, tt := range in.Targets[aws.ToString(t.TaskArn)] {
			if !tt.Registered {
				d.plan.Register = append(d.plan.Register, TargetChange{tt.TargetGroupArn, tt.ID, tt.Port})
				prefix := svcPrefix(svc)
				if usesTaskSets(svc) {
					prefix = taskSetPrefix(svc, aws.ToString(t.StartedBy))
				}
				if registered[prefix] == nil {
					registered[prefix] = map[string]int{}
				}
				registered[prefix][tt.TargetGroupArn]++
				ok, checking = false, true
				continue
			}
			switch tt.State {
			case targetHealthy, targetUnused:
			case targetUnhealthy:
				ok = false
				if in.Now.Before(aws.ToTime(t.StartedAt).Add(in.Grace)) {
					d.wake(aws.ToTime(t.StartedAt).Add(in.Grace))
					continue
				}
				if d.live(t) {
					id := TaskID(aws.ToString(t.TaskArn))
					addEvent(svc, in.Now, in.NewID(), unhealthyMessage(svc, id, tt.Port, tt.TargetGroupArn))
					d.stop(t, types.TaskStopCodeServiceSchedulerInitiated, ELBHealthStopReason(tt.TargetGroupArn))
					stopped = append(stopped, id)
				}
			case targetInitial:
				ok, checking = false, true
			default:
				ok = false
			}
		}
		healthy[aws.ToString(t.TaskArn)] = ok
		if checking {
			// Health is derived from time: look again while checks run.
			d.wake(in.Now.Add(in.HealthPoll))
		}
	}
	for _, prefix := range slices.Sorted(maps.Keys(registered)) {
		addCountEvents(svc, in.Now, in.NewID, registered[prefix], func(_ *types.Service, n int, tg string) string {
			return registeredMessage(prefix, n, tg)
		})
	}
	for _, msg := range taskEvents(svc, "stopped", stopped) {
		addEvent(svc, in.Now, in.NewID(), msg)
	}
	return healthy
}

// Observed documents, read and written through the step.

func (d *decider) link(deploymentID string) *ecscore.DeploymentLink { return d.in.Links[deploymentID] }

func (d *decider) putLink(l *ecscore.DeploymentLink) {
	if d.in.Links == nil {
		d.in.Links = map[string]*ecscore.DeploymentLink{}
	}
	d.in.Links[l.DeploymentID] = l
	d.plan.Writes.Links = append(d.plan.Writes.Links, l)
}

func (d *decider) serviceDeployment(arn string) *types.ServiceDeployment {
	if arn == "" {
		return nil
	}
	return d.in.ServiceDeployments[arn]
}

func (d *decider) updateSD(sd *types.ServiceDeployment, mutate func(*types.ServiceDeployment)) {
	if sd == nil {
		return
	}
	mutate(sd)
	sd.UpdatedAt = aws.Time(d.in.Now)
	if !slices.Contains(d.plan.Writes.ServiceDeployments, sd) {
		d.plan.Writes.ServiceDeployments = append(d.plan.Writes.ServiceDeployments, sd)
	}
}

// updateServiceDeployment updates the service deployment a deployment is linked to.
func (d *decider) updateServiceDeployment(deploymentID string, mutate func(*types.ServiceDeployment)) {
	if link := d.link(deploymentID); link != nil {
		d.updateSD(d.serviceDeployment(link.ServiceDeploymentArn), mutate)
	}
}

func (d *decider) shiftOf(deploymentID string) *shiftRecord { return d.in.Shifts[deploymentID] }

func (d *decider) putShift(r *shiftRecord) {
	if d.in.Shifts == nil {
		d.in.Shifts = map[string]*shiftRecord{}
	}
	d.in.Shifts[r.DeploymentID] = r
	if !slices.Contains(d.plan.Writes.Shifts, r) {
		d.plan.Writes.Shifts = append(d.plan.Writes.Shifts, r)
	}
}

// primaryServiceDeployment is the service deployment of a service's
// IN_PROGRESS primary deployment, nil when there is none.
func (d *decider) primaryServiceDeployment() *types.ServiceDeployment {
	primary := primaryDeployment(d.in.Service)
	if primary == nil || primary.RolloutState != types.DeploymentRolloutStateInProgress {
		return nil
	}
	if link := d.link(aws.ToString(primary.Id)); link != nil {
		return d.serviceDeployment(link.ServiceDeploymentArn)
	}
	return nil
}

// stopRequest returns the status a StopServiceDeployment left on a service
// deployment, when it asks for a stop.
func (d *decider) stopRequest(sd *types.ServiceDeployment) types.ServiceDeploymentStatus {
	if sd == nil {
		return ""
	}
	switch sd.Status {
	case types.ServiceDeploymentStatusRollbackRequested, types.ServiceDeploymentStatusStopRequested:
		// ECS takes the request up a moment later; until then the service
		// deployment shows it as requested.
		if due := aws.ToTime(sd.UpdatedAt).Add(d.in.StopRequestDelay); due.After(d.in.Now) {
			d.wake(due)
			return ""
		}
		return sd.Status
	}
	return ""
}
