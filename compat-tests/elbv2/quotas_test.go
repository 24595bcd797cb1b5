package elbv2_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// AWS's default quotas hold: 50 application load balancers, 50 listeners per
// load balancer, 100 rules per load balancer.
func TestELBv2DefaultQuotas(t *testing.T) {
	e := start(t)
	var first types.LoadBalancer
	for i := 0; i < 50; i++ {
		lb := e.alb(fmt.Sprintf("quota-%d", i))
		if i == 0 {
			first = lb
		}
	}
	_, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("one-too-many"), Subnets: e.subnets()[:2]})
	ae := harness.AssertAPIError(t, err, "TooManyLoadBalancers")
	if ae.ErrorMessage() != "Exceeded quota of account 000000000000" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// Network load balancers have a quota of their own.
	e.nlb("still-fine")

	fixed := []types.Action{{Type: "fixed-response", FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("200")}}}
	var listener types.Listener
	for port := int32(1); port <= 50; port++ {
		l := e.httpListener(first.LoadBalancerArn, port, fixed)
		if port == 1 {
			listener = l
		}
	}
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: first.LoadBalancerArn, Protocol: "HTTP", Port: aws.Int32(51), DefaultActions: fixed})
	harness.AssertAPIError(t, err, "TooManyListeners")

	for p := int32(1); p <= 100; p++ {
		if _, err := e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: listener.ListenerArn, Priority: aws.Int32(p),
			Conditions: pathRule(fmt.Sprintf("/%d", p)), Actions: fixed}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: listener.ListenerArn, Priority: aws.Int32(101), Conditions: pathRule("/x"), Actions: fixed})
	harness.AssertAPIError(t, err, "TooManyRules")
}
