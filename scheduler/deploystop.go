package scheduler

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// Reasons of a rolling deployment stopped by StopServiceDeployment.
const (
	stopRollbackReason = "Service deployment rolled back because of a stop request."
	stopAbortReason    = "Service deployment stopped because of a stop request."
)

// applyStopRequest carries out a StopServiceDeployment on a rolling
// deployment: ROLLBACK_REQUESTED goes back to the last COMPLETED deployment
// (or stops where it is when none completed); STOP_REQUESTED (ABORT) stops
// where it is. Either way the primary deployment is FAILED and starts no
// more tasks.
func applyStopRequest(svc *types.Service, in Input, p *Plan) bool {
	if in.StopRequest != types.ServiceDeploymentStatusRollbackRequested && in.StopRequest != types.ServiceDeploymentStatusStopRequested {
		return false
	}
	primary := primaryDeployment(svc)
	if primary == nil || primary.RolloutState != types.DeploymentRolloutStateInProgress {
		return false
	}
	reason := stopAbortReason
	if in.StopRequest == types.ServiceDeploymentStatusRollbackRequested {
		reason = stopRollbackReason
	}
	primary.RolloutState = types.DeploymentRolloutStateFailed
	primary.RolloutStateReason = aws.String(reason)
	primary.UpdatedAt = aws.Time(in.Now)
	p.Failed = FailedByStopRequest
	if in.StopRequest == types.ServiceDeploymentStatusRollbackRequested {
		p.Rollback = rollBack(svc, primary, in, stopRequestPrefix)
	}
	return true
}

// primaryServiceDeployment is the service deployment of a service's
// IN_PROGRESS primary deployment, nil when there is none.
func (p *clusterPass) primaryServiceDeployment(svc *types.Service) (*types.ServiceDeployment, error) {
	primary := primaryDeployment(svc)
	if primary == nil || primary.RolloutState != types.DeploymentRolloutStateInProgress {
		return nil, nil
	}
	link, err := ecscore.DeploymentLinks.Get(p.c.Tx, p.c.Scope(), aws.ToString(primary.Id))
	if err != nil || link == nil {
		return nil, err
	}
	return ecscore.ServiceDeployments.Get(p.c.Tx, p.c.Scope(), link.ServiceDeploymentArn)
}

// stopRequest returns the status a StopServiceDeployment left on a service
// deployment, when it asks for a stop.
func (p *clusterPass) stopRequest(sd *types.ServiceDeployment) types.ServiceDeploymentStatus {
	if sd == nil {
		return ""
	}
	switch sd.Status {
	case types.ServiceDeploymentStatusRollbackRequested, types.ServiceDeploymentStatusStopRequested:
		// ECS takes the request up a moment later; until then the service
		// deployment shows it as requested.
		if due := aws.ToTime(sd.UpdatedAt).Add(p.r.timings.StartDelay / 2); due.After(p.now) {
			p.wake(due)
			return ""
		}
		return sd.Status
	}
	return ""
}
