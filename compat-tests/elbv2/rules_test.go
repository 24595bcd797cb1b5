package elbv2_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func pathRule(values ...string) []types.RuleCondition {
	return []types.RuleCondition{{Field: aws.String("path-pattern"), Values: values}}
}

func TestELBv2Rules(t *testing.T) {
	e := start(t)
	lb := e.alb("rules")
	api := e.targetGroup("api", "HTTP", "ip")
	web := e.targetGroup("web", "HTTP", "ip")
	l := e.httpListener(lb.LoadBalancerArn, 80, forward(web.TargetGroupArn))

	conditions := []types.RuleCondition{
		{Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{Values: []string{"api.example.com"}}},
		{Field: aws.String("http-header"), HttpHeaderConfig: &types.HttpHeaderConditionConfig{HttpHeaderName: aws.String("X-Env"), Values: []string{"prod"}}},
		{Field: aws.String("http-request-method"), HttpRequestMethodConfig: &types.HttpRequestMethodConditionConfig{Values: []string{"GET"}}},
		{Field: aws.String("query-string"), QueryStringConfig: &types.QueryStringConditionConfig{Values: []types.QueryStringKeyValuePair{{Key: aws.String("v"), Value: aws.String("2")}}}},
		{Field: aws.String("source-ip"), SourceIpConfig: &types.SourceIpConditionConfig{Values: []string{"10.0.0.0/8"}}},
	}
	r1, err := e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(10), Conditions: conditions, Actions: forward(api.TargetGroupArn),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("api")}}})
	if err != nil {
		t.Fatal(err)
	}
	rule := r1.Rules[0]
	if aws.ToString(rule.Priority) != "10" || aws.ToBool(rule.IsDefault) || len(rule.Conditions) != 5 || rule.Conditions[0].Values[0] != "api.example.com" ||
		!strings.Contains(*rule.RuleArn, ":listener-rule/app/rules/") {
		t.Errorf("rule %+v", rule)
	}
	r2, err := e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(5), Conditions: pathRule("/static/*"),
		Actions: []types.Action{{Type: "fixed-response", FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("404")}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(10), Conditions: pathRule("/x"), Actions: forward(api.TargetGroupArn)})
	ae := harness.AssertAPIError(t, err, "PriorityInUse")
	if ae.ErrorMessage() != "Priority '10' is currently in use" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	for _, bad := range [][]types.RuleCondition{
		pathRule("/1", "/2", "/3", "/4", "/5", "/6"),
		{{Field: aws.String("cookie"), Values: []string{"a"}}},
		{},
	} {
		_, err := e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(99), Conditions: bad, Actions: forward(api.TargetGroupArn)})
		harness.AssertAPIError(t, err, "ValidationError")
	}

	// Rules list by priority with the default rule last.
	p := elb.NewDescribeRulesPaginator(e.c, &elb.DescribeRulesInput{ListenerArn: l.ListenerArn, PageSize: aws.Int32(2)})
	var priorities []string
	var defaultArn *string
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Rules {
			priorities = append(priorities, aws.ToString(r.Priority))
			if aws.ToBool(r.IsDefault) {
				defaultArn = r.RuleArn
			}
		}
	}
	if strings.Join(priorities, ",") != "5,10,default" {
		t.Errorf("priorities %v", priorities)
	}

	sp, err := e.c.SetRulePriorities(harness.Ctx, &elb.SetRulePrioritiesInput{RulePriorities: []types.RulePriorityPair{
		{RuleArn: rule.RuleArn, Priority: aws.Int32(5)}, {RuleArn: r2.Rules[0].RuleArn, Priority: aws.Int32(20)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Rules) != 2 || aws.ToString(sp.Rules[0].Priority) != "5" || *sp.Rules[0].RuleArn != *rule.RuleArn {
		t.Errorf("set priorities %+v", sp.Rules)
	}
	_, err = e.c.SetRulePriorities(harness.Ctx, &elb.SetRulePrioritiesInput{RulePriorities: []types.RulePriorityPair{{RuleArn: rule.RuleArn, Priority: aws.Int32(20)}}})
	harness.AssertAPIError(t, err, "PriorityInUse")
	_, err = e.c.SetRulePriorities(harness.Ctx, &elb.SetRulePrioritiesInput{RulePriorities: []types.RulePriorityPair{{RuleArn: defaultArn, Priority: aws.Int32(1)}}})
	harness.AssertAPIError(t, err, "OperationNotPermitted")

	// Modify a rule's conditions and actions; the default rule's actions follow the listener's.
	mr, err := e.c.ModifyRule(harness.Ctx, &elb.ModifyRuleInput{RuleArn: rule.RuleArn, Conditions: pathRule("/api/*"), Actions: forward(web.TargetGroupArn)})
	if err != nil {
		t.Fatal(err)
	}
	if mr.Rules[0].Conditions[0].PathPatternConfig.Values[0] != "/api/*" || mr.Rules[0].Conditions[0].Values[0] != "/api/*" {
		t.Errorf("modified rule %+v", mr.Rules[0])
	}
	_, err = e.c.ModifyRule(harness.Ctx, &elb.ModifyRuleInput{RuleArn: defaultArn, Conditions: pathRule("/")})
	harness.AssertAPIError(t, err, "OperationNotPermitted")
	if _, err := e.c.ModifyRule(harness.Ctx, &elb.ModifyRuleInput{RuleArn: defaultArn, Actions: forward(api.TargetGroupArn)}); err != nil {
		t.Fatal(err)
	}
	dl, _ := e.c.DescribeListeners(harness.Ctx, &elb.DescribeListenersInput{ListenerArns: []string{*l.ListenerArn}})
	if aws.ToString(dl.Listeners[0].DefaultActions[0].TargetGroupArn) != *api.TargetGroupArn {
		t.Errorf("listener default action after modifying the default rule %+v", dl.Listeners[0].DefaultActions)
	}

	_, err = e.c.DeleteRule(harness.Ctx, &elb.DeleteRuleInput{RuleArn: defaultArn})
	harness.AssertAPIError(t, err, "OperationNotPermitted")
	if _, err := e.c.DeleteRule(harness.Ctx, &elb.DeleteRuleInput{RuleArn: rule.RuleArn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DescribeRules(harness.Ctx, &elb.DescribeRulesInput{RuleArns: []string{*rule.RuleArn}})
	ae = harness.AssertAPIError(t, err, "RuleNotFound")
	if ae.ErrorMessage() != "One or more rules not found" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// web is no longer used by any rule: it is free again.
	w, _ := e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{*web.TargetGroupArn}})
	if len(w.TargetGroups[0].LoadBalancerArns) != 0 {
		t.Errorf("web still used by %v", w.TargetGroups[0].LoadBalancerArns)
	}
	if _, err := e.c.DeleteTargetGroup(harness.Ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: web.TargetGroupArn}); err != nil {
		t.Fatal(err)
	}
}

func TestELBv2TrafficShiftThroughRuleWeights(t *testing.T) {
	e := start(t)
	lb := e.alb("shift")
	blue := e.targetGroup("blue", "HTTP", "ip")
	green := e.targetGroup("green", "HTTP", "ip")
	l := e.httpListener(lb.LoadBalancerArn, 80, forward(blue.TargetGroupArn))
	weights := func(b, g int32) []types.Action {
		return []types.Action{{Type: "forward", ForwardConfig: &types.ForwardActionConfig{TargetGroups: []types.TargetGroupTuple{
			{TargetGroupArn: blue.TargetGroupArn, Weight: aws.Int32(b)}, {TargetGroupArn: green.TargetGroupArn, Weight: aws.Int32(g)}}}}}
	}
	r, err := e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(1), Conditions: pathRule("/*"), Actions: weights(100, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range [][2]int32{{90, 10}, {0, 100}} {
		if _, err := e.c.ModifyRule(harness.Ctx, &elb.ModifyRuleInput{RuleArn: r.Rules[0].RuleArn, Actions: weights(w[0], w[1])}); err != nil {
			t.Fatal(err)
		}
		d, err := e.c.DescribeRules(harness.Ctx, &elb.DescribeRulesInput{RuleArns: []string{*r.Rules[0].RuleArn}})
		if err != nil {
			t.Fatal(err)
		}
		tgs := d.Rules[0].Actions[0].ForwardConfig.TargetGroups
		if *tgs[0].Weight != w[0] || *tgs[1].Weight != w[1] {
			t.Errorf("weights %d/%d, want %v", *tgs[0].Weight, *tgs[1].Weight, w)
		}
	}
}
