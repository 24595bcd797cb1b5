package scheduler

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
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

// hookResults reads the stages whose hooks a test failed for a service deployment.
func (p *clusterPass) hookResults(sdArn string) (map[types.DeploymentLifecycleHookStage]bool, error) {
	out := map[types.DeploymentLifecycleHookStage]bool{}
	if sdArn == "" {
		return out, nil
	}
	items, err := hookResults.List(p.c.Tx, p.c.Scope(), store.Query{Parent: sdArn})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		out[it.Doc.Stage] = it.Doc.Status == types.DeploymentLifecycleHookStatusFailed
	}
	return out, nil
}

// lifecycleHookRequest is the body of POST /_longshore/ecs/lifecycle-hooks.
type lifecycleHookRequest struct {
	ServiceDeploymentArn string `json:"serviceDeploymentArn"`
	Stage                string `json:"stage"`
	Status               string `json:"status"`
}

// LifecycleHookResult is the answer of POST /_longshore/ecs/lifecycle-hooks.
type LifecycleHookResult struct {
	ServiceDeploymentArn string `json:"serviceDeploymentArn"`
	Stage                string `json:"stage"`
	Status               string `json:"status"`
	// LifecycleStage is the stage the deployment is in now.
	LifecycleStage string `json:"lifecycleStage"`
}

// setLifecycleHook decides the outcome of a service deployment's lifecycle
// hook at a stage (SUCCEEDED or FAILED); a FAILED hook rolls the deployment
// back when its stage runs. A stage already passed cannot be decided.
func (r *Runner) setLifecycleHook(ctx context.Context, body []byte) (any, error) {
	var req lifecycleHookRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, badRequest("The request body is not valid JSON: %s", err.Error())
	}
	parts := strings.SplitN(req.ServiceDeploymentArn, ":", 6)
	if len(parts) != 6 || parts[2] != "ecs" || !strings.HasPrefix(parts[5], "service-deployment/") {
		return nil, badRequest("serviceDeploymentArn %q is not a service deployment ARN.", req.ServiceDeploymentArn)
	}
	stage := types.DeploymentLifecycleHookStage(req.Stage)
	if !slices.Contains(stage.Values(), stage) {
		return nil, badRequest("stage must be one of %v.", stage.Values())
	}
	status := types.DeploymentLifecycleHookStatus(req.Status)
	if status != types.DeploymentLifecycleHookStatusSucceeded && status != types.DeploymentLifecycleHookStatusFailed {
		return nil, badRequest("status must be SUCCEEDED or FAILED.")
	}
	sc := store.Scope{Account: parts[4], Region: parts[3]}
	out := &LifecycleHookResult{ServiceDeploymentArn: req.ServiceDeploymentArn, Stage: req.Stage, Status: req.Status}
	err := r.store.Write(ctx, func(tx *store.Tx) error {
		sd, err := ecscore.ServiceDeployments.Get(tx, sc, req.ServiceDeploymentArn)
		if err != nil {
			return err
		}
		if sd == nil {
			return badRequest("The service deployment does not exist.")
		}
		if !hookStages(sd.DeploymentConfiguration)[stage] {
			return badRequest("The service deployment has no lifecycle hook for stage %s.", stage)
		}
		out.LifecycleStage = string(sd.LifecycleStage)
		if sd.Status != types.ServiceDeploymentStatusInProgress && sd.Status != types.ServiceDeploymentStatusPending {
			return badRequest("The service deployment is %s.", sd.Status)
		}
		if passed(sd.LifecycleStage, stage) {
			return badRequest("The service deployment has passed stage %s.", stage)
		}
		return hookResults.Put(tx, sc, req.ServiceDeploymentArn+"|"+req.Stage, store.Index{Parent: req.ServiceDeploymentArn},
			&hookResult{ServiceDeploymentArn: req.ServiceDeploymentArn, Stage: stage, Status: status})
	})
	if err != nil {
		return nil, err
	}
	r.Wake()
	return out, nil
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
