package scheduler

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
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

// loadShift reads a deployment's traffic-shift record once per pass into
// the pass's records (where none, nil).
func (p *clusterPass) loadShift(svc *types.Service, deploymentID string) error {
	if !shifting(svc) && deploymentID == "" {
		return nil
	}
	lb := p.lbState()
	if _, ok := lb.shifts[deploymentID]; ok {
		return nil
	}
	r, err := shiftRecords.Get(p.c.Tx, p.c.Scope(), deploymentID)
	if err != nil {
		return err
	}
	lb.shifts[deploymentID] = r
	return nil
}

// targetGroupOf is the target group a deployment's tasks register in for the
// service's i-th load balancer: the service's own, or with traffic shifting
// the one the deployment was given (shifts holds the records by deployment id).
func targetGroupOf(svc *types.Service, i int, deploymentID string, shifts map[string]*shiftRecord) string {
	if shifting(svc) || deploymentID != "" {
		if r := shifts[deploymentID]; r != nil && i < len(r.Green) && r.Green[i] != "" {
			return r.Green[i]
		}
	}
	return aws.ToString(svc.LoadBalancers[i].TargetGroupArn)
}

// setWeights sets two target groups' weights in a rule, keeping the others.
// A rule that is gone or refuses is left alone: the shift goes on.
func (p *clusterPass) setWeights(w WeightShift) error {
	sc := p.c.Scope()
	ws, err := elbv2.RuleForwardWeights(p.c.Tx, sc, w.Rule)
	if err == nil {
		want := map[string]int32{w.Blue: w.BlueWeight, w.Green: w.GreenWeight}
		for i := range ws {
			if x, ok := want[ws[i].TargetGroupArn]; ok {
				ws[i].Weight = x
				delete(want, ws[i].TargetGroupArn)
			}
		}
		for _, tg := range []string{w.Blue, w.Green} {
			if x, ok := want[tg]; ok {
				ws = append(ws, elbv2.TargetWeight{TargetGroupArn: tg, Weight: x})
			}
		}
		err = elbv2.SetRuleForwardWeights(p.c.Tx, sc, w.Rule, ws)
	}
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) {
		p.r.log.Warn("traffic shift left a listener rule as it was", "rule", w.Rule, "error", apiErr.Message)
		return nil
	}
	return err
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
