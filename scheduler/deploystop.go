package scheduler

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
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
