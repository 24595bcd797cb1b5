package scheduler

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/longshore/longshore/services/core/ecscore"
)

// traffic runs the traffic shift of a service's primary deployment for one
// step, before Reconcile: it starts the deployment's record, moves it
// through its lifecycle stages, shifts the listener rules' weights, and
// rolls back to the blue deployment when asked (StopServiceDeployment), when
// a lifecycle hook fails or when the circuit breaker trips.
func (d *decider) traffic(healthy map[string]bool) *Shift {
	in, svc := d.in, d.in.Service
	if !shifting(svc) || aws.ToString(svc.Status) != ecscore.ServiceActive {
		return nil
	}
	primary := primaryDeployment(svc)
	if primary == nil {
		return nil
	}
	pid := aws.ToString(primary.Id)
	r := d.shiftOf(pid)
	if r == nil {
		r = d.newShift(primary)
	}
	if r.Done {
		d.forgetShifts()
		return &Shift{Stage: r.Stage, Done: true}
	}
	sd := d.serviceDeployment(r.ServiceDeploymentArn)
	cb := circuitBreaker(svc)
	switch {
	case sd != nil && sd.Status == types.ServiceDeploymentStatusRollbackRequested:
		return d.rollbackShift(r, sd, "Service deployment rolled back because of a stop request.", FailedByStopRequest)
	case cb != nil && cb.Enable && cb.Rollback && int(primary.FailedTasks)+in.Failures[pid] >= FailureThreshold(svc):
		failed := primary.FailedTasks + int32(in.Failures[pid])
		d.updateSD(sd, func(sd *types.ServiceDeployment) {
			sd.DeploymentCircuitBreaker = &types.ServiceDeploymentCircuitBreaker{Status: types.ServiceDeploymentRollbackMonitorsStatusTriggered,
				FailureCount: failed, Threshold: int32(FailureThreshold(svc))}
		})
		addEvent(svc, in.Now, in.NewID(), deploymentFailedMessage(svc, pid))
		return d.rollbackShift(r, sd, "ECS deployment circuit breaker: tasks failed to start.", FailedByCircuitBreaker)
	}
	ready := 0
	for _, t := range in.Tasks {
		if aws.ToString(t.StartedBy) == pid && ecscore.Running(t) && (healthy == nil || healthy[aws.ToString(t.TaskArn)]) {
			ready++
		}
	}
	testFailed := map[types.DeploymentLifecycleHookStage]bool{}
	for s, f := range in.HookResults[r.ServiceDeploymentArn] {
		testFailed[s] = f
	}
	hooks := hookStages(svc.DeploymentConfiguration)
	for s := range testFailed {
		if !hooks[s] {
			delete(testFailed, s)
		}
	}
	failed, waiting, expiry, expired := hookState(sd, r, testFailed, in.Now)
	if expired {
		d.updateSD(sd, func(*types.ServiceDeployment) {})
	}
	d.wake(expiry)
	stage := r.Stage
	o := advanceShift(r, shiftConfigOf(svc.DeploymentConfiguration, in.Scale), shiftInput{
		Now: in.Now, GreenReady: ready >= int(svc.DesiredCount),
		HookFailed:  func(s types.DeploymentLifecycleHookStage) bool { return failed[s] },
		HookWaiting: func(s types.DeploymentLifecycleHookStage) bool { return waiting[s] },
	})
	d.wake(o.Next)
	if o.Rollback {
		if sd != nil {
			finishHooks(sd, r, failed)
		}
		return d.rollbackShift(r, sd, "Service deployment rolled back because the lifecycle hook for "+o.Hook+" failed.", FailedByHook)
	}
	if o.Changed {
		d.shiftWeights(r)
		if r.Stage != stage && sd != nil {
			finishHooks(sd, r, failed)
			d.enterStage(sd, r)
		}
		d.putShift(r)
	}
	return &Shift{Stage: r.Stage, Done: r.Done}
}

// enterStage reports a deployment's new lifecycle stage in its service
// deployment, with the lifecycle hooks that run in it.
func (d *decider) enterStage(sd *types.ServiceDeployment, r *shiftRecord) {
	startHooks(sd, r, d.in.Now, d.in.Scale)
	d.updateSD(sd, func(sd *types.ServiceDeployment) { sd.LifecycleStage = r.Stage })
}

// newShift starts the record of a new primary deployment: its target groups
// are the ones the deployment it replaces (blue) does not use.
func (d *decider) newShift(primary *types.Deployment) *shiftRecord {
	in, svc := d.in, d.in.Service
	pid := aws.ToString(primary.Id)
	r := &shiftRecord{DeploymentID: pid, Stage: types.ServiceDeploymentLifecycleStagePreScaleUp, StageAt: in.Now}
	if link := d.link(pid); link != nil {
		r.ServiceDeploymentArn = link.ServiceDeploymentArn
	}
	var blue *types.Deployment
	for i := range svc.Deployments {
		dep := &svc.Deployments[i]
		if dep != primary && d.hasLiveTask(aws.ToString(dep.Id)) {
			blue = dep
			break
		}
	}
	if blue != nil {
		r.BlueDeploymentID = aws.ToString(blue.Id)
	}
	for i, lb := range svc.LoadBalancers {
		own := aws.ToString(lb.TargetGroupArn)
		alt := ""
		if lb.AdvancedConfiguration != nil {
			alt = aws.ToString(lb.AdvancedConfiguration.AlternateTargetGroupArn)
		}
		blueTG, greenTG := "", own
		if blue != nil {
			blueTG = targetGroupOf(svc, i, r.BlueDeploymentID, in.Shifts)
			greenTG = blueTG
			if alt != "" {
				greenTG = map[bool]string{true: alt, false: own}[blueTG == own]
			}
		} else if alt != "" && lb.AdvancedConfiguration.ProductionListenerRule != nil {
			// The first deployment goes where production traffic already is.
			if ws, ok := in.RuleWeights[*lb.AdvancedConfiguration.ProductionListenerRule]; ok {
				best := int32(-1)
				for _, w := range ws {
					if (w.TargetGroupArn == own || w.TargetGroupArn == alt) && w.Weight > best {
						greenTG, best = w.TargetGroupArn, w.Weight
					}
				}
			}
		}
		r.Green = append(r.Green, greenTG)
		r.Blue = append(r.Blue, blueTG)
	}
	if sd := d.serviceDeployment(r.ServiceDeploymentArn); sd != nil {
		d.enterStage(sd, r)
	}
	d.putShift(r)
	return r
}

func (d *decider) hasLiveTask(deploymentID string) bool {
	for _, t := range d.in.Tasks {
		if d.live(t) && aws.ToString(t.StartedBy) == deploymentID {
			return true
		}
	}
	return false
}

// shiftWeights sets the production and test listener rules to a record's weights.
func (d *decider) shiftWeights(r *shiftRecord) {
	prodBlue, prodGreen, testBlue, testGreen := r.weights()
	for i, lb := range d.in.Service.LoadBalancers {
		ac := lb.AdvancedConfiguration
		if ac == nil || i >= len(r.Green) || r.Blue[i] == "" || r.Blue[i] == r.Green[i] {
			continue
		}
		for _, w := range []WeightShift{
			{Rule: aws.ToString(ac.ProductionListenerRule), Blue: r.Blue[i], BlueWeight: prodBlue, Green: r.Green[i], GreenWeight: prodGreen},
			{Rule: aws.ToString(ac.TestListenerRule), Blue: r.Blue[i], BlueWeight: testBlue, Green: r.Green[i], GreenWeight: testGreen},
		} {
			if w.Rule != "" {
				d.plan.Weights = append(d.plan.Weights, w)
			}
		}
	}
}

// rollbackShift sends traffic back to the blue deployment, which becomes the
// primary again; the green tasks are then stopped.
func (d *decider) rollbackShift(r *shiftRecord, sd *types.ServiceDeployment, reason string, cause FailureCause) *Shift {
	in, svc := d.in, d.in.Service
	green := primaryDeployment(svc)
	var blue *types.Deployment
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Id) == r.BlueDeploymentID && r.BlueDeploymentID != "" {
			blue = &svc.Deployments[i]
		}
	}
	rb := Rollback{Failed: aws.ToString(green.Id), Cause: cause, Reason: reason}
	if blue != nil {
		rb.To = aws.ToString(blue.Id)
	}
	d.plan.Rollbacks = append(d.plan.Rollbacks, rb)
	r.RolledBack, r.Done = true, true
	d.shiftWeights(r)
	d.putShift(r)
	green.RolloutState = types.DeploymentRolloutStateFailed
	green.RolloutStateReason = aws.String(reason)
	green.UpdatedAt = aws.Time(in.Now)
	if blue == nil {
		// Nothing to go back to: the deployment stops where it is.
		d.updateSD(sd, func(sd *types.ServiceDeployment) {
			sd.Status, sd.StatusReason = types.ServiceDeploymentStatusStopped, aws.String(reason)
			sd.StoppedAt, sd.FinishedAt = aws.Time(in.Now), aws.Time(in.Now)
		})
		return &Shift{Stage: r.Stage, Done: true}
	}
	blueID := aws.ToString(blue.Id)
	green.Status = aws.String(ecscore.DeploymentActive)
	blue.Status = aws.String(ecscore.DeploymentPrimary)
	blue.RolloutState = types.DeploymentRolloutStateInProgress
	blue.RolloutStateReason = aws.String("ECS deployment " + blueID + " in progress.")
	blue.DesiredCount = svc.DesiredCount
	blue.UpdatedAt = aws.Time(in.Now)
	svc.TaskDefinition = blue.TaskDefinition
	addEvent(svc, in.Now, in.NewID(), rollbackMessage(svc, blueID))
	// The blue deployment's traffic is whole again.
	br := d.shiftOf(blueID)
	if br == nil {
		br = &shiftRecord{DeploymentID: blueID, Green: slices.Clone(r.Blue), Stage: types.ServiceDeploymentLifecycleStageCleanUp, Percent: 100}
	}
	br.Done, br.RolledBack = true, false
	d.putShift(br)
	if sd == nil {
		return &Shift{Stage: br.Stage, Done: true}
	}
	// The blue deployment now finishes the green one's service deployment.
	link := &ecscore.DeploymentLink{DeploymentID: blueID, ServiceDeploymentArn: aws.ToString(sd.ServiceDeploymentArn)}
	if old := d.link(blueID); old != nil {
		link.ServiceRevisionArn = old.ServiceRevisionArn
	}
	d.putLink(link)
	d.updateSD(sd, func(sd *types.ServiceDeployment) {
		sd.Status, sd.StatusReason = types.ServiceDeploymentStatusRollbackInProgress, aws.String(reason)
		rb := &types.Rollback{Reason: aws.String(reason), StartedAt: aws.Time(in.Now)}
		if len(sd.SourceServiceRevisions) > 0 {
			rb.ServiceRevisionArn = sd.SourceServiceRevisions[0].Arn
		}
		sd.Rollback = rb
	})
	return &Shift{Stage: br.Stage, Done: true}
}

// forgetShifts forgets the records of deployments that are gone and have no
// task left that may still be registered.
func (d *decider) forgetShifts() {
	svc := d.in.Service
	if len(svc.Deployments) != 1 || len(d.in.ShiftIDs) <= 1 {
		return
	}
	keep := map[string]bool{aws.ToString(svc.Deployments[0].Id): true}
	for _, t := range d.in.Tasks {
		if aws.ToString(t.LastStatus) != ecscore.TaskStopped {
			keep[aws.ToString(t.StartedBy)] = true
		}
	}
	for _, id := range d.in.ShiftIDs {
		if !keep[id] {
			delete(d.in.Shifts, id)
			d.plan.Writes.DeleteShifts = append(d.plan.Writes.DeleteShifts, id)
		}
	}
}

// finishServiceDeployments reports in their service deployments the
// deployments that completed or failed in this step (before holds their
// rollout states before it).
func (d *decider) finishServiceDeployments(before map[string]types.DeploymentRolloutState, plan *Plan) {
	svc, now := d.in.Service, d.in.Now
	rollback, triggered := plan.Rollback, plan.Triggered
	failed := FailedByCircuitBreaker
	if plan.Failed != NotFailed {
		failed = plan.Failed
	}
	for i := range svc.Deployments {
		dep := &svc.Deployments[i]
		id := aws.ToString(dep.Id)
		was, ok := before[id]
		if !ok || was == dep.RolloutState {
			continue
		}
		switch dep.RolloutState {
		case types.DeploymentRolloutStateCompleted:
			d.updateServiceDeployment(id, func(sd *types.ServiceDeployment) {
				if sd.Status == types.ServiceDeploymentStatusRollbackInProgress {
					sd.Status = types.ServiceDeploymentStatusRollbackSuccessful
				} else {
					sd.Status = types.ServiceDeploymentStatusSuccessful
				}
				sd.StatusReason = aws.String(aws.ToString(dep.RolloutStateReason))
				sd.FinishedAt = aws.Time(now)
				if sd.DeploymentCircuitBreaker != nil && sd.DeploymentCircuitBreaker.Status == types.ServiceDeploymentRollbackMonitorsStatusMonitoring {
					sd.DeploymentCircuitBreaker.Status = types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete
				}
				if sd.Alarms != nil && sd.Alarms.Status == types.ServiceDeploymentRollbackMonitorsStatusMonitoring {
					sd.Alarms.Status = types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete
				}
			})
		case types.DeploymentRolloutStateFailed:
			d.tripServiceDeployment(dep, rollback, failed, triggered)
		}
	}
}

// tripServiceDeployment records a failed deployment: the monitor that
// failed it TRIGGERED, and the rollback if there is one.
func (d *decider) tripServiceDeployment(failed, rollback *types.Deployment, cause FailureCause, triggered []string) {
	svc, now := d.in.Service, d.in.Now
	id := aws.ToString(failed.Id)
	link := d.link(id)
	if link == nil {
		return
	}
	d.updateServiceDeployment(id, func(sd *types.ServiceDeployment) {
		switch cause {
		case FailedByCircuitBreaker:
			sd.DeploymentCircuitBreaker = &types.ServiceDeploymentCircuitBreaker{Status: types.ServiceDeploymentRollbackMonitorsStatusTriggered,
				FailureCount: failed.FailedTasks, Threshold: int32(FailureThreshold(svc))}
		case FailedByAlarms:
			a := &types.ServiceDeploymentAlarms{}
			if sd.Alarms != nil {
				*a = *sd.Alarms
			}
			a.Status, a.TriggeredAlarmNames = types.ServiceDeploymentRollbackMonitorsStatusTriggered, triggered
			sd.Alarms = a
		}
		sd.StatusReason = failed.RolloutStateReason
		if rollback == nil {
			sd.Status = types.ServiceDeploymentStatusStopped
			sd.StoppedAt, sd.FinishedAt = aws.Time(now), aws.Time(now)
			return
		}
		sd.Status = types.ServiceDeploymentStatusRollbackInProgress
		rb := &types.Rollback{Reason: failed.RolloutStateReason, StartedAt: aws.Time(now)}
		if len(sd.SourceServiceRevisions) > 0 {
			rb.ServiceRevisionArn = sd.SourceServiceRevisions[0].Arn
		}
		sd.Rollback = rb
	})
	if rollback == nil {
		return
	}
	// The rollback deployment finishes the same service deployment.
	back := *link
	back.DeploymentID = aws.ToString(rollback.Id)
	d.putLink(&back)
}
