package elbv2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/store"
)

// TargetWeight is one target group of a weighted forward action.
type TargetWeight struct {
	TargetGroupArn string `json:"targetGroupArn"`
	Weight         int32  `json:"weight"`
}

func lookupRule(tx *store.Tx, sc store.Scope, ruleArn string) (*rule, error) {
	r, err := rules.Get(tx, sc, ruleArn)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errRuleNotFound()
	}
	return r, nil
}

// RuleForwardWeights reads the target groups and weights a rule forwards to
// (ECS's productionListenerRule and testListenerRule). A listener ARN names
// the listener's default rule.
func RuleForwardWeights(tx *store.Tx, sc store.Scope, ruleOrListenerArn string) ([]TargetWeight, error) {
	r, err := ruleOf(tx, sc, ruleOrListenerArn)
	if err != nil {
		return nil, err
	}
	var out []TargetWeight
	for _, a := range r.R.Actions {
		if a.Type == types.ActionTypeEnumForward && a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				out = append(out, TargetWeight{TargetGroupArn: aws.ToString(t.TargetGroupArn), Weight: aws.ToInt32(t.Weight)})
			}
		}
	}
	return out, nil
}

func ruleOf(tx *store.Tx, sc store.Scope, arn string) (*rule, error) {
	if resourceKind(arn) == "listener" {
		l, err := listeners.Get(tx, sc, arn)
		if err != nil {
			return nil, err
		}
		if l == nil {
			return nil, errListenerNotFound()
		}
		arn = l.DefaultRuleArn
	}
	return lookupRule(tx, sc, arn)
}

// SetRuleForwardWeights rewrites the forward action of a rule (or of a
// listener's default rule) to the given target groups and weights, as ECS
// shifts traffic between a service's target groups. The groups must exist,
// suit the listener and not belong to another load balancer.
func SetRuleForwardWeights(tx *store.Tx, sc store.Scope, ruleOrListenerArn string, weights []TargetWeight) error {
	r, err := ruleOf(tx, sc, ruleOrListenerArn)
	if err != nil {
		return err
	}
	l, err := listeners.Get(tx, sc, r.ListenerArn)
	if err != nil {
		return err
	}
	lb, err := loadBalancers.Get(tx, sc, r.LoadBalancerArn)
	if err != nil {
		return err
	}
	if l == nil || lb == nil {
		return errListenerNotFound()
	}
	tuples := make([]types.TargetGroupTuple, len(weights))
	for i, w := range weights {
		tuples[i] = types.TargetGroupTuple{TargetGroupArn: aws.String(w.TargetGroupArn), Weight: aws.Int32(w.Weight)}
	}
	actions := make([]types.Action, 0, len(r.R.Actions))
	replaced := false
	for _, a := range r.R.Actions {
		if a.Type == types.ActionTypeEnumForward {
			fc := &types.ForwardActionConfig{TargetGroups: tuples}
			if a.ForwardConfig != nil {
				fc.TargetGroupStickinessConfig = a.ForwardConfig.TargetGroupStickinessConfig
			}
			a = types.Action{Type: a.Type, Order: a.Order, ForwardConfig: fc}
			replaced = true
		}
		actions = append(actions, a)
	}
	if !replaced {
		return errInvalidAction("Rule '%s' has no forward action", *r.R.RuleArn)
	}
	normalized, err := normalizeActionsIn(tx, sc, actionContext{lb: lb, protocol: l.L.Protocol, stored: true}, actions)
	if err != nil {
		return err
	}
	r.R.Actions = normalized
	if err := putRule(tx, sc, r); err != nil {
		return err
	}
	if aws.ToBool(r.R.IsDefault) {
		l.L.DefaultActions = normalized
		if err := putListener(tx, sc, l); err != nil {
			return err
		}
	}
	return syncTargetGroupUse(tx, sc, tx.Now)
}
