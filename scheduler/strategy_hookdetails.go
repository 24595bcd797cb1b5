package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
)

// defaultHookTimeout is how long a lifecycle hook may take when its
// timeoutConfiguration says nothing.
const defaultHookTimeout = 60 * time.Minute

const hookIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// hookStagesOf are the hook stages that run while a deployment is in a
// lifecycle stage: its own, and before the production traffic shift its
// PRE_PRODUCTION_TRAFFIC_SHIFT hooks.
func hookStagesOf(s types.ServiceDeploymentLifecycleStage) []types.DeploymentLifecycleHookStage {
	out := []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStage(s)}
	if s == types.ServiceDeploymentLifecycleStagePostTestTrafficShift {
		out = append(out, types.DeploymentLifecycleHookStagePreProductionTrafficShift)
	}
	return out
}

// startHooks replaces a service deployment's hook details with those of the
// hooks that run in the record's stage: Lambda hooks IN_PROGRESS (Longshore
// runs none: they succeed unless a test fails them), pause hooks
// AWAITING_ACTION until ContinueServiceDeployment.
func startHooks(sd *types.ServiceDeployment, r *shiftRecord, now time.Time, scale func(time.Duration) time.Duration) {
	r.Hooks = map[string]types.DeploymentLifecycleHookStage{}
	details := []types.DeploymentLifecycleHookDetail{}
	if sd.DeploymentConfiguration != nil {
		for _, stage := range hookStagesOf(r.Stage) {
			for _, h := range sd.DeploymentConfiguration.LifecycleHooks {
				for _, s := range h.LifecycleStages {
					if s == stage {
						details = append(details, newHookDetail(h, now, scale))
						r.Hooks[aws.ToString(details[len(details)-1].HookId)] = stage
					}
				}
			}
		}
	}
	sd.LifecycleHookDetails = details
}

func newHookDetail(h types.DeploymentLifecycleHook, now time.Time, scale func(time.Duration) time.Duration) types.DeploymentLifecycleHookDetail {
	kind := h.TargetType
	if kind == "" {
		kind = types.DeploymentLifecycleHookTargetTypeAwsLambda
	}
	timeout, action := defaultHookTimeout, types.DeploymentLifecycleHookActionRollback
	if tc := h.TimeoutConfiguration; tc != nil {
		if tc.TimeoutInMinutes != nil {
			timeout = time.Duration(*tc.TimeoutInMinutes) * time.Minute
		}
		if tc.Action != "" {
			action = tc.Action
		}
	}
	d := types.DeploymentLifecycleHookDetail{TargetType: kind, TimeoutAction: action, ExpiresAt: aws.Time(now.Add(scale(timeout))),
		Status: types.DeploymentLifecycleHookStatusInProgress, HookId: aws.String("ecs-lambda-" + api.RandomString(hookIDAlphabet, 43))}
	if kind == types.DeploymentLifecycleHookTargetTypePause {
		d.Status, d.HookId = types.DeploymentLifecycleHookStatusAwaitingAction, aws.String("ecs-pause-"+api.RandomString(hookIDAlphabet, 43))
	} else {
		d.TargetArn = h.HookTargetArn
	}
	return d
}

// hookState reads the hooks running in a deployment's stage: the stages
// whose hooks failed (a test's result, ContinueServiceDeployment's ROLLBACK,
// a timeout with ROLLBACK) and those still waiting (pause hooks). Hooks past
// their expiry time out; changed says whether a detail changed. next is the
// earliest expiry of a waiting hook.
func hookState(sd *types.ServiceDeployment, r *shiftRecord, testFailed map[types.DeploymentLifecycleHookStage]bool, now time.Time) (failed, waiting map[types.DeploymentLifecycleHookStage]bool, next time.Time, changed bool) {
	failed, waiting = map[types.DeploymentLifecycleHookStage]bool{}, map[types.DeploymentLifecycleHookStage]bool{}
	for s, f := range testFailed {
		failed[s] = f
	}
	if sd == nil {
		return
	}
	for i := range sd.LifecycleHookDetails {
		d := &sd.LifecycleHookDetails[i]
		stage, ok := r.Hooks[aws.ToString(d.HookId)]
		if !ok {
			continue
		}
		if d.Status == types.DeploymentLifecycleHookStatusAwaitingAction && !now.Before(aws.ToTime(d.ExpiresAt)) {
			d.Status = types.DeploymentLifecycleHookStatusTimedOut
			changed = true
		}
		switch d.Status {
		case types.DeploymentLifecycleHookStatusFailed:
			failed[stage] = true
		case types.DeploymentLifecycleHookStatusTimedOut:
			if d.TimeoutAction != types.DeploymentLifecycleHookActionContinue {
				failed[stage] = true
			}
		case types.DeploymentLifecycleHookStatusAwaitingAction:
			waiting[stage] = true
			if next.IsZero() || d.ExpiresAt.Before(next) {
				next = aws.ToTime(d.ExpiresAt)
			}
		}
	}
	return
}

// finishHooks settles the hooks of the stage a deployment leaves: Lambda
// hooks succeed, or fail when the deployment rolls back over them.
func finishHooks(sd *types.ServiceDeployment, r *shiftRecord, failed map[types.DeploymentLifecycleHookStage]bool) {
	for i := range sd.LifecycleHookDetails {
		d := &sd.LifecycleHookDetails[i]
		if d.Status != types.DeploymentLifecycleHookStatusInProgress {
			continue
		}
		d.Status = types.DeploymentLifecycleHookStatusSucceeded
		if failed[r.Hooks[aws.ToString(d.HookId)]] {
			d.Status = types.DeploymentLifecycleHookStatusFailed
		}
	}
}
