package scheduler

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// finishServiceDeployments records in the service deployments (the
// ListServiceDeployments view) what the rollouts did this pass: a completed
// rollout is SUCCESSFUL; a failed one (circuit breaker, alarms, stop request)
// is ROLLBACK_IN_PROGRESS (its rollback deployment is linked to the same
// service deployment) or, with no rollback, STOPPED; a completed rollback is
// ROLLBACK_SUCCESSFUL. plan is this pass's reconcile (nil when none ran).
func (p *clusterPass) finishServiceDeployments(svc *types.Service, before map[string]types.DeploymentRolloutState, plan *Plan) error {
	var rollback *types.Deployment
	failed := FailedByCircuitBreaker
	var triggered []string
	if plan != nil {
		rollback, triggered = plan.Rollback, plan.Triggered
		if plan.Failed != NotFailed {
			failed = plan.Failed
		}
	}
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		id := aws.ToString(d.Id)
		was, ok := before[id]
		if !ok || was == d.RolloutState {
			continue
		}
		switch d.RolloutState {
		case types.DeploymentRolloutStateCompleted:
			if err := p.updateServiceDeployment(id, func(sd *types.ServiceDeployment) {
				if sd.Status == types.ServiceDeploymentStatusRollbackInProgress {
					sd.Status = types.ServiceDeploymentStatusRollbackSuccessful
				} else {
					sd.Status = types.ServiceDeploymentStatusSuccessful
				}
				sd.StatusReason = aws.String(aws.ToString(d.RolloutStateReason))
				sd.FinishedAt = aws.Time(p.now)
				if sd.DeploymentCircuitBreaker != nil && sd.DeploymentCircuitBreaker.Status == types.ServiceDeploymentRollbackMonitorsStatusMonitoring {
					sd.DeploymentCircuitBreaker.Status = types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete
				}
				if sd.Alarms != nil && sd.Alarms.Status == types.ServiceDeploymentRollbackMonitorsStatusMonitoring {
					sd.Alarms.Status = types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete
				}
			}); err != nil {
				return err
			}
		case types.DeploymentRolloutStateFailed:
			if err := p.tripServiceDeployment(svc, d, rollback, failed, triggered); err != nil {
				return err
			}
		}
	}
	return nil
}

// tripServiceDeployment records a failed deployment: the monitor that
// failed it TRIGGERED, and the rollback if there is one.
func (p *clusterPass) tripServiceDeployment(svc *types.Service, failed, rollback *types.Deployment, cause FailureCause, triggered []string) error {
	id := aws.ToString(failed.Id)
	link, err := ecscore.DeploymentLinks.Get(p.c.Tx, p.c.Scope(), id)
	if err != nil || link == nil {
		return err
	}
	if err := p.updateServiceDeployment(id, func(sd *types.ServiceDeployment) {
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
			sd.StoppedAt, sd.FinishedAt = aws.Time(p.now), aws.Time(p.now)
			return
		}
		sd.Status = types.ServiceDeploymentStatusRollbackInProgress
		rb := &types.Rollback{Reason: failed.RolloutStateReason, StartedAt: aws.Time(p.now)}
		if len(sd.SourceServiceRevisions) > 0 {
			rb.ServiceRevisionArn = sd.SourceServiceRevisions[0].Arn
		}
		sd.Rollback = rb
	}); err != nil || rollback == nil {
		return err
	}
	// The rollback deployment finishes the same service deployment.
	back := *link
	back.DeploymentID = aws.ToString(rollback.Id)
	return ecscore.PutDeploymentLink(p.c.Tx, p.c.Scope(), aws.ToString(svc.ServiceArn), &back)
}

func (p *clusterPass) updateServiceDeployment(deploymentID string, mutate func(*types.ServiceDeployment)) error {
	sc := p.c.Scope()
	link, err := ecscore.DeploymentLinks.Get(p.c.Tx, sc, deploymentID)
	if err != nil || link == nil {
		return err
	}
	sd, err := ecscore.ServiceDeployments.Get(p.c.Tx, sc, link.ServiceDeploymentArn)
	if err != nil || sd == nil {
		return err
	}
	mutate(sd)
	sd.UpdatedAt = aws.Time(p.now)
	return ecscore.PutServiceDeployment(p.c.Tx, sc, sd)
}
