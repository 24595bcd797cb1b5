package elbv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestCreateTargetGroupShapes checks what CreateTargetGroup leaves out:
// an empty LoadBalancerArns, and a lambda target group's HealthCheckPort.
// Source: the AWS CLI's awscli/examples/elbv2/create-target-group.rst, whose
// answers (instance, lambda, ip, alb and TCP target groups) carry no
// LoadBalancerArns, and whose lambda target group has no HealthCheckPort.
func TestCreateTargetGroupShapes(t *testing.T) {
	e := start(t)
	tg := e.targetGroup(unique("plain"), types.ProtocolEnumHttp, types.TargetTypeEnumInstance)
	if tg.LoadBalancerArns != nil {
		t.Errorf("CreateTargetGroup LoadBalancerArns %v, want none", tg.LoadBalancerArns)
	}
	if aws.ToString(tg.HealthCheckPort) != "traffic-port" {
		t.Errorf("health check port %q", aws.ToString(tg.HealthCheckPort))
	}
	fn := harness.Must(e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String(unique("fn")),
		TargetType: types.TargetTypeEnumLambda}))(t).TargetGroups[0]
	if fn.HealthCheckPort != nil || fn.LoadBalancerArns != nil {
		t.Errorf("lambda target group %+v", fn)
	}
	desc := harness.Must(e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{aws.ToString(fn.TargetGroupArn)}}))(t)
	if desc.TargetGroups[0].HealthCheckPort != nil {
		t.Errorf("described lambda health check port %q", aws.ToString(desc.TargetGroups[0].HealthCheckPort))
	}
}
