package scheduler

import (
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// shiftRecords: id = deployment id, Parent = service ARN.
var shiftRecords = store.Collection[shiftRecord]{Kind: "scheduler/traffic-shift"}

// shifting reports whether a service deploys with a traffic-shifting strategy.
func shifting(svc *types.Service) bool {
	if c := svc.DeploymentController; c != nil && c.Type != "" && c.Type != types.DeploymentControllerTypeEcs {
		return false
	}
	if svc.SchedulingStrategy == types.SchedulingStrategyDaemon || svc.DeploymentConfiguration == nil {
		return false
	}
	_, ok := Strategies[svc.DeploymentConfiguration.Strategy].(TrafficShift)
	return ok
}

// shiftOf reads a deployment's traffic-shift record once per pass (nil when none).
func (p *clusterPass) shiftOf(deploymentID string) (*shiftRecord, error) {
	lb := p.lbState()
	if r, ok := lb.shifts[deploymentID]; ok {
		return r, nil
	}
	r, err := shiftRecords.Get(p.c.Tx, p.c.Scope(), deploymentID)
	if err != nil {
		return nil, err
	}
	lb.shifts[deploymentID] = r
	return r, nil
}

func (p *clusterPass) putShift(svc *types.Service, r *shiftRecord) error {
	p.lbState().shifts[r.DeploymentID] = r
	return shiftRecords.Put(p.c.Tx, p.c.Scope(), r.DeploymentID, store.Index{Parent: aws.ToString(svc.ServiceArn)}, r)
}

// targetGroupOf is the target group a deployment's tasks register in for the
// service's i-th load balancer: the service's own, or with traffic shifting
// the one the deployment was given.
func (p *clusterPass) targetGroupOf(svc *types.Service, i int, deploymentID string) (string, error) {
	if shifting(svc) || deploymentID != "" {
		r, err := p.shiftOf(deploymentID)
		if err != nil {
			return "", err
		}
		if r != nil && i < len(r.Green) && r.Green[i] != "" {
			return r.Green[i], nil
		}
	}
	return aws.ToString(svc.LoadBalancers[i].TargetGroupArn), nil
}

// trafficPass runs the traffic shift of a service's primary deployment for
// one pass, before reconcile: it creates the deployment's record, moves it
// through its lifecycle stages, rewrites the listener rules' weights, and
// rolls back to the blue deployment when asked (StopServiceDeployment), when
// a lifecycle hook fails or when the circuit breaker trips.
func (p *clusterPass) trafficPass(svc *types.Service, tasks []*types.Task, healthy map[string]bool) (*Shift, error) {
	if !shifting(svc) || aws.ToString(svc.Status) != ecscore.ServiceActive {
		return nil, nil
	}
	primary := primaryDeployment(svc)
	if primary == nil {
		return nil, nil
	}
	pid := aws.ToString(primary.Id)
	r, err := p.shiftOf(pid)
	if err != nil {
		return nil, err
	}
	if r == nil {
		if r, err = p.newShift(svc, primary, tasks); err != nil {
			return nil, err
		}
	}
	if r.Done {
		return &Shift{Stage: r.Stage, Done: true}, p.forgetShifts(svc, tasks)
	}
	sd, err := p.serviceDeployment(r.ServiceDeploymentArn)
	if err != nil {
		return nil, err
	}
	cb := circuitBreaker(svc)
	switch {
	case sd != nil && sd.Status == types.ServiceDeploymentStatusRollbackRequested:
		return p.rollbackShift(svc, r, sd, "Service deployment rolled back because of a stop request.")
	case cb != nil && cb.Enable && cb.Rollback && int(primary.FailedTasks)+p.failures[pid] >= FailureThreshold(svc):
		failed := primary.FailedTasks + int32(p.failures[pid])
		if err := p.updateSD(sd, func(sd *types.ServiceDeployment) {
			sd.DeploymentCircuitBreaker = &types.ServiceDeploymentCircuitBreaker{Status: types.ServiceDeploymentRollbackMonitorsStatusTriggered,
				FailureCount: failed, Threshold: int32(FailureThreshold(svc))}
		}); err != nil {
			return nil, err
		}
		addEvent(svc, p.now, ecscore.NewUUID(), deploymentFailedMessage(svc, pid))
		return p.rollbackShift(svc, r, sd, "ECS deployment circuit breaker: tasks failed to start.")
	}
	ready := 0
	for _, t := range tasks {
		if aws.ToString(t.StartedBy) == pid && ecscore.Running(t) && (healthy == nil || healthy[aws.ToString(t.TaskArn)]) {
			ready++
		}
	}
	testFailed, err := p.hookResults(r.ServiceDeploymentArn)
	if err != nil {
		return nil, err
	}
	hooks := hookStages(svc.DeploymentConfiguration)
	for s := range testFailed {
		if !hooks[s] {
			delete(testFailed, s)
		}
	}
	failed, waiting, expiry, expired := hookState(sd, r, testFailed, p.now)
	if expired {
		if err := p.updateSD(sd, func(*types.ServiceDeployment) {}); err != nil {
			return nil, err
		}
	}
	p.wake(expiry)
	stage := r.Stage
	o := advanceShift(r, shiftConfigOf(svc.DeploymentConfiguration, p.r.elb.Scaled), shiftInput{
		Now: p.now, GreenReady: ready >= int(svc.DesiredCount),
		HookFailed:  func(s types.DeploymentLifecycleHookStage) bool { return failed[s] },
		HookWaiting: func(s types.DeploymentLifecycleHookStage) bool { return waiting[s] },
	})
	p.wake(o.Next)
	if o.Rollback {
		if sd != nil {
			finishHooks(sd, r, failed)
		}
		return p.rollbackShift(svc, r, sd, "Service deployment rolled back because the lifecycle hook for "+o.Hook+" failed.")
	}
	if o.Changed {
		if err := p.applyWeights(svc, r); err != nil {
			return nil, err
		}
		if r.Stage != stage && sd != nil {
			finishHooks(sd, r, failed)
			if err := p.enterStage(sd, r); err != nil {
				return nil, err
			}
		}
		if err := p.putShift(svc, r); err != nil {
			return nil, err
		}
	}
	return &Shift{Stage: r.Stage, Done: r.Done}, nil
}

// enterStage reports a deployment's new lifecycle stage in its service
// deployment, with the lifecycle hooks that run in it.
func (p *clusterPass) enterStage(sd *types.ServiceDeployment, r *shiftRecord) error {
	startHooks(sd, r, p.now, p.r.elb.Scaled)
	return p.updateSD(sd, func(sd *types.ServiceDeployment) { sd.LifecycleStage = r.Stage })
}

// newShift starts the record of a new primary deployment: its target groups
// are the ones the deployment it replaces (blue) does not use.
func (p *clusterPass) newShift(svc *types.Service, primary *types.Deployment, tasks []*types.Task) (*shiftRecord, error) {
	pid := aws.ToString(primary.Id)
	r := &shiftRecord{DeploymentID: pid, Stage: types.ServiceDeploymentLifecycleStagePreScaleUp, StageAt: p.now}
	if link, err := ecscore.DeploymentLinks.Get(p.c.Tx, p.c.Scope(), pid); err != nil {
		return nil, err
	} else if link != nil {
		r.ServiceDeploymentArn = link.ServiceDeploymentArn
	}
	var blue *types.Deployment
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		if d != primary && hasLiveTask(tasks, aws.ToString(d.Id)) {
			blue = d
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
			var err error
			if blueTG, err = p.targetGroupOf(svc, i, r.BlueDeploymentID); err != nil {
				return nil, err
			}
			greenTG = blueTG
			if alt != "" {
				greenTG = map[bool]string{true: alt, false: own}[blueTG == own]
			}
		} else if alt != "" && lb.AdvancedConfiguration.ProductionListenerRule != nil {
			// The first deployment goes where production traffic already is.
			if ws, err := elbv2.RuleForwardWeights(p.c.Tx, p.c.Scope(), *lb.AdvancedConfiguration.ProductionListenerRule); err == nil {
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
	sd, err := p.serviceDeployment(r.ServiceDeploymentArn)
	if err != nil {
		return nil, err
	}
	if sd != nil {
		if err := p.enterStage(sd, r); err != nil {
			return nil, err
		}
	}
	return r, p.putShift(svc, r)
}

func hasLiveTask(tasks []*types.Task, deploymentID string) bool {
	for _, t := range tasks {
		if ecscore.Live(t) && aws.ToString(t.StartedBy) == deploymentID {
			return true
		}
	}
	return false
}

// applyWeights rewrites the production and test listener rules to a record's weights.
func (p *clusterPass) applyWeights(svc *types.Service, r *shiftRecord) error {
	prodBlue, prodGreen, testBlue, testGreen := r.weights()
	for i, lb := range svc.LoadBalancers {
		ac := lb.AdvancedConfiguration
		if ac == nil || i >= len(r.Green) || r.Blue[i] == "" || r.Blue[i] == r.Green[i] {
			continue
		}
		if err := p.setWeights(aws.ToString(ac.ProductionListenerRule), r.Blue[i], prodBlue, r.Green[i], prodGreen); err != nil {
			return err
		}
		if err := p.setWeights(aws.ToString(ac.TestListenerRule), r.Blue[i], testBlue, r.Green[i], testGreen); err != nil {
			return err
		}
	}
	return nil
}

// setWeights sets two target groups' weights in a rule, keeping the others.
// A rule that is gone or refuses is left alone: the shift goes on.
func (p *clusterPass) setWeights(rule, blue string, blueWeight int32, green string, greenWeight int32) error {
	if rule == "" {
		return nil
	}
	sc := p.c.Scope()
	ws, err := elbv2.RuleForwardWeights(p.c.Tx, sc, rule)
	if err == nil {
		want := map[string]int32{blue: blueWeight, green: greenWeight}
		for i := range ws {
			if w, ok := want[ws[i].TargetGroupArn]; ok {
				ws[i].Weight = w
				delete(want, ws[i].TargetGroupArn)
			}
		}
		for _, tg := range []string{blue, green} {
			if w, ok := want[tg]; ok {
				ws = append(ws, elbv2.TargetWeight{TargetGroupArn: tg, Weight: w})
			}
		}
		err = elbv2.SetRuleForwardWeights(p.c.Tx, sc, rule, ws)
	}
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) {
		p.r.log.Warn("traffic shift left a listener rule as it was", "rule", rule, "error", apiErr.Message)
		return nil
	}
	return err
}

// rollbackShift sends traffic back to the blue deployment, which becomes the
// primary again; the green tasks are then stopped.
func (p *clusterPass) rollbackShift(svc *types.Service, r *shiftRecord, sd *types.ServiceDeployment, reason string) (*Shift, error) {
	green := primaryDeployment(svc)
	var blue *types.Deployment
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Id) == r.BlueDeploymentID && r.BlueDeploymentID != "" {
			blue = &svc.Deployments[i]
		}
	}
	r.RolledBack, r.Done = true, true
	if err := p.applyWeights(svc, r); err != nil {
		return nil, err
	}
	if err := p.putShift(svc, r); err != nil {
		return nil, err
	}
	green.RolloutState = types.DeploymentRolloutStateFailed
	green.RolloutStateReason = aws.String(reason)
	green.UpdatedAt = aws.Time(p.now)
	if blue == nil {
		// Nothing to go back to: the deployment stops where it is.
		return &Shift{Stage: r.Stage, Done: true}, p.updateSD(sd, func(sd *types.ServiceDeployment) {
			sd.Status, sd.StatusReason = types.ServiceDeploymentStatusStopped, aws.String(reason)
			sd.StoppedAt, sd.FinishedAt = aws.Time(p.now), aws.Time(p.now)
		})
	}
	blueID := aws.ToString(blue.Id)
	green.Status = aws.String(ecscore.DeploymentActive)
	blue.Status = aws.String(ecscore.DeploymentPrimary)
	blue.RolloutState = types.DeploymentRolloutStateInProgress
	blue.RolloutStateReason = aws.String("ECS deployment " + blueID + " in progress.")
	blue.DesiredCount = svc.DesiredCount
	blue.UpdatedAt = aws.Time(p.now)
	svc.TaskDefinition = blue.TaskDefinition
	addEvent(svc, p.now, ecscore.NewUUID(), rollbackMessage(svc, blueID))
	// The blue deployment's traffic is whole again.
	br, err := p.shiftOf(blueID)
	if err != nil {
		return nil, err
	}
	if br == nil {
		br = &shiftRecord{DeploymentID: blueID, Green: slices.Clone(r.Blue), Stage: types.ServiceDeploymentLifecycleStageCleanUp, Percent: 100}
	}
	br.Done, br.RolledBack = true, false
	if err := p.putShift(svc, br); err != nil {
		return nil, err
	}
	if sd == nil {
		return &Shift{Stage: br.Stage, Done: true}, nil
	}
	// The blue deployment now finishes the green one's service deployment.
	link := &ecscore.DeploymentLink{DeploymentID: blueID, ServiceDeploymentArn: aws.ToString(sd.ServiceDeploymentArn)}
	if old, err := ecscore.DeploymentLinks.Get(p.c.Tx, p.c.Scope(), blueID); err != nil {
		return nil, err
	} else if old != nil {
		link.ServiceRevisionArn = old.ServiceRevisionArn
	}
	if err := ecscore.PutDeploymentLink(p.c.Tx, p.c.Scope(), aws.ToString(svc.ServiceArn), link); err != nil {
		return nil, err
	}
	return &Shift{Stage: br.Stage, Done: true}, p.updateSD(sd, func(sd *types.ServiceDeployment) {
		sd.Status, sd.StatusReason = types.ServiceDeploymentStatusRollbackInProgress, aws.String(reason)
		rb := &types.Rollback{Reason: aws.String(reason), StartedAt: aws.Time(p.now)}
		if len(sd.SourceServiceRevisions) > 0 {
			rb.ServiceRevisionArn = sd.SourceServiceRevisions[0].Arn
		}
		sd.Rollback = rb
	})
}

func (p *clusterPass) serviceDeployment(arn string) (*types.ServiceDeployment, error) {
	if arn == "" {
		return nil, nil
	}
	return ecscore.ServiceDeployments.Get(p.c.Tx, p.c.Scope(), arn)
}

func (p *clusterPass) updateSD(sd *types.ServiceDeployment, mutate func(*types.ServiceDeployment)) error {
	if sd == nil {
		return nil
	}
	mutate(sd)
	sd.UpdatedAt = aws.Time(p.now)
	return ecscore.PutServiceDeployment(p.c.Tx, p.c.Scope(), sd)
}

// forgetShifts deletes the records of deployments that are gone and have no
// task left that may still be registered.
func (p *clusterPass) forgetShifts(svc *types.Service, tasks []*types.Task) error {
	if len(svc.Deployments) != 1 {
		return nil
	}
	items, err := shiftRecords.List(p.c.Tx, p.c.Scope(), store.Query{Parent: aws.ToString(svc.ServiceArn)})
	if err != nil || len(items) <= 1 {
		return err
	}
	keep := map[string]bool{aws.ToString(svc.Deployments[0].Id): true}
	for _, t := range tasks {
		if aws.ToString(t.LastStatus) != ecscore.TaskStopped {
			keep[aws.ToString(t.StartedBy)] = true
		}
	}
	for _, it := range items {
		if !keep[it.ID] {
			delete(p.lbState().shifts, it.ID)
			if _, err := shiftRecords.Delete(p.c.Tx, p.c.Scope(), it.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// hookStages are the stages that have a lifecycle hook.
func hookStages(dc *types.DeploymentConfiguration) map[types.DeploymentLifecycleHookStage]bool {
	out := map[types.DeploymentLifecycleHookStage]bool{}
	if dc == nil {
		return out
	}
	for _, h := range dc.LifecycleHooks {
		for _, s := range h.LifecycleStages {
			out[s] = true
		}
	}
	return out
}
