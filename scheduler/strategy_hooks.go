package scheduler

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/store"
)

// hookResult is a lifecycle hook's outcome set from outside (Longshore runs
// no Lambda functions: a hook succeeds unless a test fails it).
type hookResult struct {
	ServiceDeploymentArn string
	Stage                types.DeploymentLifecycleHookStage
	Status               types.DeploymentLifecycleHookStatus
}

// hookResults: id = service deployment ARN + "|" + stage, Parent = the service deployment ARN.
var hookResults = store.Collection[hookResult]{Kind: "scheduler/lifecycle-hook-result"}

// RecordHookResult decides the outcome of a service deployment's lifecycle
// hook at a stage (SUCCEEDED or FAILED); a FAILED hook rolls the deployment
// back when its stage runs. A stage already passed cannot be decided. It is
// what the control endpoint POST /ecs/lifecycle-hooks stores.
func RecordHookResult(tx *store.Tx, sc store.Scope, sd *types.ServiceDeployment, stage types.DeploymentLifecycleHookStage, status types.DeploymentLifecycleHookStatus) error {
	arn := aws.ToString(sd.ServiceDeploymentArn)
	if !hookStages(sd.DeploymentConfiguration)[stage] {
		return badRequest("The service deployment has no lifecycle hook for stage %s.", stage)
	}
	if sd.Status != types.ServiceDeploymentStatusInProgress && sd.Status != types.ServiceDeploymentStatusPending {
		return badRequest("The service deployment is %s.", sd.Status)
	}
	if passed(sd.LifecycleStage, stage) {
		return badRequest("The service deployment has passed stage %s.", stage)
	}
	return hookResults.Put(tx, sc, arn+"|"+string(stage), store.Index{Parent: arn},
		&hookResult{ServiceDeploymentArn: arn, Stage: stage, Status: status})
}

func badRequest(format string, args ...any) error {
	return apierror.WithStatus(400, "InvalidParameterException", format, args...)
}

// passed reports whether a deployment at stage now is past a hook's stage.
func passed(now types.ServiceDeploymentLifecycleStage, hook types.DeploymentLifecycleHookStage) bool {
	h := stageIndex(types.ServiceDeploymentLifecycleStage(hook))
	if hook == types.DeploymentLifecycleHookStagePreProductionTrafficShift {
		h = stageIndex(types.ServiceDeploymentLifecycleStageProductionTrafficShift)
		return stageIndex(now) > h
	}
	return h >= 0 && stageIndex(now) > h
}
