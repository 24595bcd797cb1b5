package ecs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// albTargetGroup creates an ALB with an ip target group behind an HTTP
// listener, as ECS requires of a service's target group, and returns the group.
func (e *wlEnv) albTargetGroup(t *testing.T, name string) string {
	t.Helper()
	c := elb.NewFromConfig(e.ls.Config)
	lb, err := c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String(name), Subnets: e.subnets(t)[:2]})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String(harness.DefaultVPC(t, e.ls.Config)), TargetType: elbtypes.TargetTypeEnumIp})
	if err != nil {
		t.Fatal(err)
	}
	arn := tg.TargetGroups[0].TargetGroupArn
	if _, err := c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: arn}}}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(arn)
}
