package control

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

type lifecycleHookRequest struct {
	ServiceDeploymentArn string `json:"serviceDeploymentArn"`
	Stage                string `json:"stage"`
	Status               string `json:"status"`
}

// LifecycleHookResult is the answer of POST /ecs/lifecycle-hooks.
type LifecycleHookResult struct {
	ServiceDeploymentArn string `json:"serviceDeploymentArn"`
	Stage                string `json:"stage"`
	Status               string `json:"status"`
	// LifecycleStage is the deployment's stage when the result was taken.
	LifecycleStage string `json:"lifecycleStage"`
}

// setLifecycleHook records what a lifecycle hook answered for a stage of a
// service deployment (SUCCEEDED or FAILED); the deployment waits for it.
func (cfg Config) setLifecycleHook(ctx context.Context, body []byte) (any, error) {
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
	err := cfg.Store.Write(ctx, func(tx *store.Tx) error {
		sd, err := ecscore.ServiceDeployments.Get(tx, sc, req.ServiceDeploymentArn)
		if err != nil {
			return err
		}
		if sd == nil {
			return badRequest("The service deployment does not exist.")
		}
		out.LifecycleStage = string(sd.LifecycleStage)
		return cfg.RecordHookResult(tx, sc, sd, stage, status)
	})
	if err != nil {
		return nil, err
	}
	cfg.Wake()
	return out, nil
}
