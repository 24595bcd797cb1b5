package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// shiftRecord is the stored state of one traffic-shifting deployment.
type shiftRecord struct {
	DeploymentID         string
	ServiceDeploymentArn string
	Stage                types.ServiceDeploymentLifecycleStage
	StageAt              time.Time
	// Green are the deployment's target groups, one per load balancer of the
	// service; Blue those of the deployment it replaces (empty when none).
	Green, Blue      []string
	BlueDeploymentID string
	// Percent is the share of production traffic on Green; StepAt is when it last moved.
	Percent float64
	StepAt  time.Time
	Done    bool
	// RolledBack is set on a deployment whose traffic went back to blue.
	RolledBack bool
	// Hooks maps the ids of the hooks running in the stage to their hook stage.
	Hooks map[string]types.DeploymentLifecycleHookStage
}

// shiftConfig is what a service's deploymentConfiguration says about shifting, scaled.
type shiftConfig struct {
	Strategy      types.DeploymentStrategy
	StepPercent   float64
	StepBake      time.Duration
	CanaryPercent float64
	CanaryBake    time.Duration
	Bake          time.Duration
	// Dwell is the least time spent in a stage, so that each can be observed.
	Dwell time.Duration
}

// Defaults of the traffic-shifting settings.
const (
	defaultStepPercent   = 10.0
	defaultStepBake      = 6
	defaultCanaryPercent = 5.0
	defaultCanaryBake    = 10
)

// shiftConfigOf reads a deployment configuration; scale turns AWS minutes into Longshore's.
func shiftConfigOf(dc *types.DeploymentConfiguration, scale func(time.Duration) time.Duration) shiftConfig {
	cfg := shiftConfig{Strategy: types.DeploymentStrategyBlueGreen, StepPercent: defaultStepPercent,
		StepBake: scale(defaultStepBake * time.Minute), CanaryPercent: defaultCanaryPercent,
		CanaryBake: scale(defaultCanaryBake * time.Minute), Dwell: max(scale(10*time.Second), 20*time.Millisecond)}
	if dc == nil {
		return cfg
	}
	cfg.Strategy = dc.Strategy
	minutes := func(m *int32) time.Duration { return scale(time.Duration(aws.ToInt32(m)) * time.Minute) }
	cfg.Bake = minutes(dc.BakeTimeInMinutes)
	if lc := dc.LinearConfiguration; lc != nil {
		if lc.StepPercent != nil {
			cfg.StepPercent = *lc.StepPercent
		}
		if lc.StepBakeTimeInMinutes != nil {
			cfg.StepBake = minutes(lc.StepBakeTimeInMinutes)
		}
	}
	if cc := dc.CanaryConfiguration; cc != nil {
		if cc.CanaryPercent != nil {
			cfg.CanaryPercent = *cc.CanaryPercent
		}
		if cc.CanaryBakeTimeInMinutes != nil {
			cfg.CanaryBake = minutes(cc.CanaryBakeTimeInMinutes)
		}
	}
	return cfg
}

// shiftInput is what the stage machine observes on one pass.
type shiftInput struct {
	Now time.Time
	// GreenReady: the deployment runs its desired count, healthy in its target groups.
	GreenReady bool
	// HookFailed reports whether a lifecycle hook of a stage has failed;
	// HookWaiting whether one waits for ContinueServiceDeployment.
	HookFailed  func(stage types.DeploymentLifecycleHookStage) bool
	HookWaiting func(stage types.DeploymentLifecycleHookStage) bool
}

// shiftOutcome is what one step of the stage machine did.
type shiftOutcome struct {
	Changed  bool      // stage or traffic moved
	Rollback bool      // a lifecycle hook failed: traffic goes back to blue
	Hook     string    // the stage whose hook failed
	Next     time.Time // when to look again (zero: on the next change of the tasks)
}

// advanceShift moves a traffic-shifting deployment at most one step:
// PRE_SCALE_UP, SCALE_UP (until the green tasks serve), POST_SCALE_UP,
// TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT (all
// at once for BLUE_GREEN; stepPercent every stepBakeTime for LINEAR;
// canaryPercent, then the rest after canaryBakeTime for CANARY),
// POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME (bakeTimeInMinutes) and CLEAN_UP.
// A stage's lifecycle hooks run while it lasts; a failed one rolls back.
func advanceShift(r *shiftRecord, cfg shiftConfig, in shiftInput) shiftOutcome {
	var o shiftOutcome
	if r.Done {
		return o
	}
	if until := r.StageAt.Add(cfg.Dwell); in.Now.Before(until) {
		o.Next = until
		return o
	}
	hookFailed := func(s types.DeploymentLifecycleHookStage) bool {
		if in.HookFailed != nil && in.HookFailed(s) {
			o.Rollback, o.Hook = true, string(s)
			return true
		}
		return false
	}
	if hookFailed(types.DeploymentLifecycleHookStage(r.Stage)) {
		return o
	}
	waiting := func(s types.DeploymentLifecycleHookStage) bool { return in.HookWaiting != nil && in.HookWaiting(s) }
	if waiting(types.DeploymentLifecycleHookStage(r.Stage)) {
		return o
	}
	enter := func(s types.ServiceDeploymentLifecycleStage) {
		r.Stage, r.StageAt = s, in.Now
		o.Changed = true
		o.Next = in.Now.Add(cfg.Dwell)
		if s == types.ServiceDeploymentLifecycleStageCleanUp {
			r.Done = true
		}
	}
	switch r.Stage {
	case types.ServiceDeploymentLifecycleStageReconcileService:
		enter(types.ServiceDeploymentLifecycleStagePreScaleUp)
	case types.ServiceDeploymentLifecycleStagePreScaleUp:
		enter(types.ServiceDeploymentLifecycleStageScaleUp)
	case types.ServiceDeploymentLifecycleStageScaleUp:
		if in.GreenReady {
			enter(types.ServiceDeploymentLifecycleStagePostScaleUp)
		}
	case types.ServiceDeploymentLifecycleStagePostScaleUp:
		enter(types.ServiceDeploymentLifecycleStageTestTrafficShift)
	case types.ServiceDeploymentLifecycleStageTestTrafficShift:
		enter(types.ServiceDeploymentLifecycleStagePostTestTrafficShift)
	case types.ServiceDeploymentLifecycleStagePostTestTrafficShift:
		if hookFailed(types.DeploymentLifecycleHookStagePreProductionTrafficShift) ||
			waiting(types.DeploymentLifecycleHookStagePreProductionTrafficShift) {
			return o
		}
		enter(types.ServiceDeploymentLifecycleStageProductionTrafficShift)
		r.Percent, r.StepAt = firstStep(cfg), in.Now
		if r.BlueDeploymentID == "" {
			r.Percent = 100 // nothing to shift from
		}
	case types.ServiceDeploymentLifecycleStageProductionTrafficShift:
		if r.Percent >= 100 {
			enter(types.ServiceDeploymentLifecycleStagePostProductionTrafficShift)
			break
		}
		bake := cfg.StepBake
		if cfg.Strategy == types.DeploymentStrategyCanary {
			bake = cfg.CanaryBake
		}
		if next := r.StepAt.Add(bake); in.Now.Before(next) {
			o.Next = next
			break
		}
		if hookFailed(types.DeploymentLifecycleHookStagePreProductionTrafficShift) {
			return o
		}
		r.Percent, r.StepAt = nextStep(cfg, r.Percent), in.Now
		o.Changed = true
		o.Next = in.Now.Add(cfg.Dwell)
	case types.ServiceDeploymentLifecycleStagePostProductionTrafficShift:
		enter(types.ServiceDeploymentLifecycleStageBakeTime)
	case types.ServiceDeploymentLifecycleStageBakeTime:
		if until := r.StageAt.Add(cfg.Bake); in.Now.Before(until) && r.BlueDeploymentID != "" {
			o.Next = until
			break
		}
		enter(types.ServiceDeploymentLifecycleStageCleanUp)
	default:
		enter(types.ServiceDeploymentLifecycleStagePreScaleUp)
	}
	return o
}

// firstStep is the production traffic the green deployment gets first.
func firstStep(cfg shiftConfig) float64 {
	switch cfg.Strategy {
	case types.DeploymentStrategyLinear:
		return min(cfg.StepPercent, 100)
	case types.DeploymentStrategyCanary:
		return min(cfg.CanaryPercent, 100)
	}
	return 100
}

func nextStep(cfg shiftConfig, pct float64) float64 {
	if cfg.Strategy == types.DeploymentStrategyLinear {
		return min(pct+cfg.StepPercent, 100)
	}
	return 100
}

// weights are the production and test weights of (blue, green) for a record.
func (r *shiftRecord) weights() (prodBlue, prodGreen, testBlue, testGreen int32) {
	green := int32(r.Percent + 0.5)
	if r.RolledBack {
		green = 0
	}
	prodBlue, prodGreen = 100-green, green
	testBlue, testGreen = 100, 0
	if !r.RolledBack && stageIndex(r.Stage) >= stageIndex(types.ServiceDeploymentLifecycleStageTestTrafficShift) {
		testBlue, testGreen = 0, 100
	}
	return
}
