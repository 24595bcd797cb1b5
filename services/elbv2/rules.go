package elbv2

import (
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func (h *handlers) registerRules(s *api.Service) {
	api.Handle(s, "CreateRule", h.createRule)
	api.Handle(s, "DescribeRules", h.describeRules)
	api.Handle(s, "ModifyRule", h.modifyRule)
	api.Handle(s, "DeleteRule", h.deleteRule)
	api.Handle(s, "SetRulePriorities", h.setRulePriorities)
}

// sortRules orders rules by priority, the default rule last, as AWS lists them.
func sortRules(rs []types.Rule) {
	key := func(r types.Rule) int {
		if aws.ToBool(r.IsDefault) {
			return 1 << 30
		}
		n, _ := strconv.Atoi(aws.ToString(r.Priority))
		return n
	}
	sort.SliceStable(rs, func(i, j int) bool { return key(rs[i]) < key(rs[j]) })
}

// priorityTaken reports whether another rule of the listener has priority p.
func priorityTaken(c *api.Context, listenerArn string, p int32, self string) (bool, error) {
	items, err := rules.List(c.Tx, c.Scope(), store.Query{Parent: listenerArn})
	if err != nil {
		return false, err
	}
	want := strconv.Itoa(int(p))
	for _, it := range items {
		if it.ID != self && aws.ToString(it.Doc.R.Priority) == want {
			return true, nil
		}
	}
	return false, nil
}

// ruleContext loads what a rule's actions are checked against.
func ruleContext(c *api.Context, listenerArn string) (*listener, *loadBalancer, error) {
	l, err := getListener(c, listenerArn)
	if err != nil {
		return nil, nil, err
	}
	lb, err := getLoadBalancer(c, *l.L.LoadBalancerArn)
	if err != nil {
		return nil, nil, err
	}
	return l, lb, nil
}

func (h *handlers) createRule(c *api.Context, in *elb.CreateRuleInput) (*elb.CreateRuleOutput, error) {
	l, lb, err := ruleContext(c, aws.ToString(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	if lb.LB.Type != types.LoadBalancerTypeEnumApplication {
		return nil, errValidation("Rules are supported only for listeners of Application Load Balancers")
	}
	p := aws.ToInt32(in.Priority)
	taken, err := priorityTaken(c, *l.L.ListenerArn, p, "")
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, errPriorityInUse(p)
	}
	conds, err := normalizeConditions(in.Conditions)
	if err != nil {
		return nil, err
	}
	actions, err := normalizeActions(c, actionContext{lb: lb, protocol: l.L.Protocol}, in.Actions)
	if err != nil {
		return nil, err
	}
	if err := validateTransforms(in.Transforms); err != nil {
		return nil, err
	}
	if err := validateNewTags(in.Tags); err != nil {
		return nil, err
	}
	sc := c.Scope()
	n, err := rules.Count(c.Tx, sc, store.Query{Attr: *lb.LB.LoadBalancerArn})
	if err != nil {
		return nil, err
	}
	listenersN, err := listeners.Count(c.Tx, sc, store.Query{Parent: *lb.LB.LoadBalancerArn})
	if err != nil {
		return nil, err
	}
	if limit := quota("rules-per-application-load-balancer"); n-listenersN >= limit {
		return nil, apiErr("TooManyRules", "You've reached the limit on the number of rules per load balancer (%d)", limit)
	}
	r := &rule{
		R: types.Rule{RuleArn: aws.String(newRuleArn(*l.L.ListenerArn)), Priority: aws.String(strconv.Itoa(int(p))),
			IsDefault: aws.Bool(false), Conditions: conds, Actions: actions, Transforms: in.Transforms},
		ListenerArn: *l.L.ListenerArn, LoadBalancerArn: *lb.LB.LoadBalancerArn,
	}
	if err := putRule(c.Tx, sc, r); err != nil {
		return nil, err
	}
	if err := putTags(c.Tx, sc, *r.R.RuleArn, in.Tags); err != nil {
		return nil, err
	}
	if err := syncTargetGroupUse(c.Tx, sc, c.Now()); err != nil {
		return nil, err
	}
	return &elb.CreateRuleOutput{Rules: []types.Rule{r.R}}, nil
}

func (h *handlers) describeRules(c *api.Context, in *elb.DescribeRulesInput) (*elb.DescribeRulesOutput, error) {
	var found []types.Rule
	switch {
	case len(in.RuleArns) > 0:
		for _, arn := range in.RuleArns {
			r, err := getRule(c, arn)
			if err != nil {
				return nil, err
			}
			found = append(found, r.R)
		}
	case in.ListenerArn != nil:
		if _, err := getListener(c, *in.ListenerArn); err != nil {
			return nil, err
		}
		items, err := rules.List(c.Tx, c.Scope(), store.Query{Parent: *in.ListenerArn})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			found = append(found, it.Doc.R)
		}
		sortRules(found)
	default:
		return nil, errValidation("You must specify either listener ARN or rule ARNs")
	}
	pg, next, err := api.PaginateSlice(found, markerPaging(c, aws.ToString(in.ListenerArn)+"|"+strings.Join(in.RuleArns, ","), in.Marker, in.PageSize), nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeRulesOutput{Rules: pg, NextMarker: next}, nil
}

func (h *handlers) modifyRule(c *api.Context, in *elb.ModifyRuleInput) (*elb.ModifyRuleOutput, error) {
	r, err := getRule(c, aws.ToString(in.RuleArn))
	if err != nil {
		return nil, err
	}
	l, lb, err := ruleContext(c, r.ListenerArn)
	if err != nil {
		return nil, err
	}
	isDefault := aws.ToBool(r.R.IsDefault)
	if in.Conditions != nil {
		if isDefault {
			return nil, errOperationNotPermitted("The conditions of the default rule '%s' cannot be modified", *r.R.RuleArn)
		}
		conds, err := normalizeConditions(in.Conditions)
		if err != nil {
			return nil, err
		}
		r.R.Conditions = conds
	}
	if in.Actions != nil {
		actions, err := normalizeActions(c, actionContext{lb: lb, protocol: l.L.Protocol}, in.Actions)
		if err != nil {
			return nil, err
		}
		r.R.Actions = actions
	}
	if aws.ToBool(in.ResetTransforms) {
		r.R.Transforms = nil
	} else if in.Transforms != nil {
		if isDefault {
			return nil, errOperationNotPermitted("Transforms cannot be set on the default rule '%s'", *r.R.RuleArn)
		}
		if err := validateTransforms(in.Transforms); err != nil {
			return nil, err
		}
		r.R.Transforms = in.Transforms
	}
	sc := c.Scope()
	if err := putRule(c.Tx, sc, r); err != nil {
		return nil, err
	}
	if isDefault {
		l.L.DefaultActions = r.R.Actions
		if err := putListener(c.Tx, sc, l); err != nil {
			return nil, err
		}
	}
	if err := syncTargetGroupUse(c.Tx, sc, c.Now()); err != nil {
		return nil, err
	}
	return &elb.ModifyRuleOutput{Rules: []types.Rule{r.R}}, nil
}

func (h *handlers) deleteRule(c *api.Context, in *elb.DeleteRuleInput) (*elb.DeleteRuleOutput, error) {
	r, err := getRule(c, aws.ToString(in.RuleArn))
	if err != nil {
		return nil, err
	}
	if aws.ToBool(r.R.IsDefault) {
		return nil, errOperationNotPermitted("Default rule '%s' cannot be deleted", *r.R.RuleArn)
	}
	sc := c.Scope()
	if _, err := rules.Delete(c.Tx, sc, *r.R.RuleArn); err != nil {
		return nil, err
	}
	if _, err := tagSets.Delete(c.Tx, sc, *r.R.RuleArn); err != nil {
		return nil, err
	}
	if err := syncTargetGroupUse(c.Tx, sc, c.Now()); err != nil {
		return nil, err
	}
	return &elb.DeleteRuleOutput{}, nil
}

func (h *handlers) setRulePriorities(c *api.Context, in *elb.SetRulePrioritiesInput) (*elb.SetRulePrioritiesOutput, error) {
	changed := map[string]*rule{}
	var order []string
	for _, pair := range in.RulePriorities {
		r, err := getRule(c, aws.ToString(pair.RuleArn))
		if err != nil {
			return nil, err
		}
		if aws.ToBool(r.R.IsDefault) {
			return nil, errOperationNotPermitted("The priority of the default rule '%s' cannot be changed", *r.R.RuleArn)
		}
		if pair.Priority == nil {
			return nil, errValidation("A priority must be specified for rule '%s'", *r.R.RuleArn)
		}
		r.R.Priority = aws.String(strconv.Itoa(int(*pair.Priority)))
		if _, dup := changed[*r.R.RuleArn]; !dup {
			order = append(order, *r.R.RuleArn)
		}
		changed[*r.R.RuleArn] = r
	}
	// Priorities must be unique per listener once every change is applied.
	sc := c.Scope()
	byListener := map[string]map[string]string{}
	for _, arn := range order {
		r := changed[arn]
		if byListener[r.ListenerArn] == nil {
			items, err := rules.List(c.Tx, sc, store.Query{Parent: r.ListenerArn})
			if err != nil {
				return nil, err
			}
			m := map[string]string{}
			for _, it := range items {
				m[it.ID] = aws.ToString(it.Doc.R.Priority)
			}
			byListener[r.ListenerArn] = m
		}
		byListener[r.ListenerArn][arn] = *r.R.Priority
	}
	for _, m := range byListener {
		seen := map[string]bool{}
		for _, p := range m {
			if p != "default" && seen[p] {
				n, _ := strconv.Atoi(p)
				return nil, errPriorityInUse(int32(n))
			}
			seen[p] = true
		}
	}
	out := &elb.SetRulePrioritiesOutput{Rules: []types.Rule{}}
	for _, arn := range order {
		if err := putRule(c.Tx, sc, changed[arn]); err != nil {
			return nil, err
		}
		out.Rules = append(out.Rules, changed[arn].R)
	}
	sortRules(out.Rules)
	return out, nil
}
