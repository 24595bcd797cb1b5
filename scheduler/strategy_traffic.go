package scheduler

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// Shift is where a traffic-shifting deployment stands, as its strategy sees it.
type Shift struct {
	Stage types.ServiceDeploymentLifecycleStage
	// Done is set once production traffic is on the deployment and the
	// deployment it replaces may be cleaned up (or after a rollback to it).
	Done bool
}

// TrafficShift is the task side of ECS's BLUE_GREEN, LINEAR and CANARY
// strategies: the green (primary) deployment scales up to the full desired
// count beside the blue one, which keeps running while traffic shifts and
// bakes, and is stopped only at CLEAN_UP. The traffic itself is shifted by
// the pass (see advanceShift).
type TrafficShift struct{}

func init() {
	for _, s := range []types.DeploymentStrategy{types.DeploymentStrategyBlueGreen, types.DeploymentStrategyLinear, types.DeploymentStrategyCanary} {
		Strategies[s] = TrafficShift{}
	}
}

// Step implements DeploymentStrategy.
func (TrafficShift) Step(v *View) Step {
	desired := int(v.Service.DesiredCount)
	primary := v.Live[aws.ToString(v.Primary.Id)]
	var st Step
	if extra := len(primary) - desired; extra > 0 {
		st.Stop = append(st.Stop, ScaleInOrder(primary)[:extra]...)
	}
	scaling := v.Shift == nil || v.Shift.Done || stageIndex(v.Shift.Stage) >= stageIndex(types.ServiceDeploymentLifecycleStageScaleUp)
	if v.Primary.RolloutState != types.DeploymentRolloutStateFailed && scaling {
		st.Start = max(desired-len(primary), 0)
	}
	cleanUp := v.Shift == nil || v.Shift.Done
	var old []*types.Task
	for _, d := range v.Old {
		old = append(old, v.Live[aws.ToString(d.Id)]...)
	}
	for _, t := range old {
		// Blue tasks serve until clean-up; those that never ran serve nothing.
		if cleanUp || !ecscore.Running(t) {
			st.Stop = append(st.Stop, t)
		}
	}
	st.Stop = append(st.Stop, v.Moving...)
	return st
}

// stageOrder is the order of a traffic-shifting deployment's lifecycle stages.
var stageOrder = []types.ServiceDeploymentLifecycleStage{
	types.ServiceDeploymentLifecycleStageReconcileService,
	types.ServiceDeploymentLifecycleStagePreScaleUp,
	types.ServiceDeploymentLifecycleStageScaleUp,
	types.ServiceDeploymentLifecycleStagePostScaleUp,
	types.ServiceDeploymentLifecycleStageTestTrafficShift,
	types.ServiceDeploymentLifecycleStagePostTestTrafficShift,
	types.ServiceDeploymentLifecycleStageProductionTrafficShift,
	types.ServiceDeploymentLifecycleStagePostProductionTrafficShift,
	types.ServiceDeploymentLifecycleStageBakeTime,
	types.ServiceDeploymentLifecycleStageCleanUp,
}

func stageIndex(s types.ServiceDeploymentLifecycleStage) int {
	for i, x := range stageOrder {
		if x == s {
			return i
		}
	}
	return -1
}
