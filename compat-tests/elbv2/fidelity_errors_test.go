package elbv2_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// instance launches one EC2 instance in subnet ("" = a default subnet) and returns its id.
func (e *env) instance(subnet string) string {
	e.t.Helper()
	c := ec2.NewFromConfig(e.ls.Config)
	img := harness.Must(c.DescribeImages(harness.Ctx, &ec2.DescribeImagesInput{Filters: []ec2types.Filter{{Name: aws.String("name"), Values: []string{"amzn2-ami-ecs-hvm-*-x86_64-ebs"}}}}))(e.t)
	in := &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: img.Images[0].ImageId, InstanceType: ec2types.InstanceTypeT3Micro}
	if subnet != "" {
		in.SubnetId = aws.String(subnet)
	}
	run := harness.Must(c.RunInstances(harness.Ctx, in))(e.t)
	return aws.ToString(run.Instances[0].InstanceId)
}

// Rule condition limits. The API reference gives each condition string at most
// 128 characters and an HTTP header name at most 40 (HttpHeaderConditionConfig,
// HostHeaderConditionConfig, PathPatternConditionConfig), and RuleCondition.Values
// holds a single host name or path pattern; several go in HostHeaderConfig or
// PathPatternConfig.
func TestELBv2RuleConditionLimits(t *testing.T) {
	e := start(t)
	lb := e.alb(unique("cond"))
	tg := e.targetGroup(unique("cond"), types.ProtocolEnumHttp, types.TargetTypeEnumIp)
	l := e.httpListener(lb.LoadBalancerArn, 80, forward(tg.TargetGroupArn))
	long := "/" + strings.Repeat("a", 128)
	bad := [][]types.RuleCondition{
		{{Field: aws.String("path-pattern"), Values: []string{"/a", "/b"}}},
		{{Field: aws.String("host-header"), Values: []string{"a.example.com", "b.example.com"}}},
		{{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: []string{long}}}},
		{{Field: aws.String("http-header"), HttpHeaderConfig: &types.HttpHeaderConditionConfig{HttpHeaderName: aws.String(strings.Repeat("X", 41)), Values: []string{"v"}}}},
		{{Field: aws.String("http-header"), HttpHeaderConfig: &types.HttpHeaderConditionConfig{HttpHeaderName: aws.String("X-Env"), Values: []string{strings.Repeat("v", 129)}}}},
		{{Field: aws.String("query-string"), QueryStringConfig: &types.QueryStringConditionConfig{Values: []types.QueryStringKeyValuePair{{Key: aws.String("k"), Value: aws.String(strings.Repeat("v", 129))}}}}},
	}
	for i, conds := range bad {
		_, err := e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(int32(10 + i)), Conditions: conds, Actions: forward(tg.TargetGroupArn)})
		harness.AssertAPIError(t, err, "ValidationError")
	}
	// At the limits, and with several values in the config, the rule is made.
	ok := []types.RuleCondition{
		{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: []string{"/a", "/" + strings.Repeat("b", 127)}}},
		{Field: aws.String("http-header"), HttpHeaderConfig: &types.HttpHeaderConditionConfig{HttpHeaderName: aws.String(strings.Repeat("X", 40)), Values: []string{strings.Repeat("v", 128)}}},
	}
	harness.Must(e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(1), Conditions: ok, Actions: forward(tg.TargetGroupArn)}))(t)
	one := []types.RuleCondition{{Field: aws.String("host-header"), Values: []string{"a.example.com"}}}
	harness.Must(e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(2), Conditions: one, Actions: forward(tg.TargetGroupArn)}))(t)
}

// A stickiness type the target group's protocol does not support is refused
// with InvalidConfigurationRequest, "Stickiness type 'lb_cookie' is not
// supported for target groups with the TCP protocol" (real responses quoted in
// ansible/ansible#67993 and hashicorp/boundary-reference-architecture#14).
func TestELBv2StickinessTypeForProtocol(t *testing.T) {
	e := start(t)
	tcp := e.targetGroup(unique("stick"), types.ProtocolEnumTcp, types.TargetTypeEnumIp)
	http := e.targetGroup(unique("stick"), types.ProtocolEnumHttp, types.TargetTypeEnumIp)
	for _, tc := range []struct {
		tg    *string
		proto string
		typ   string
	}{{tcp.TargetGroupArn, "TCP", "lb_cookie"}, {tcp.TargetGroupArn, "TCP", "app_cookie"}, {http.TargetGroupArn, "HTTP", "source_ip"}} {
		_, err := e.c.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: tc.tg,
			Attributes: []types.TargetGroupAttribute{{Key: aws.String("stickiness.enabled"), Value: aws.String("false")}, {Key: aws.String("stickiness.type"), Value: aws.String(tc.typ)}}})
		ae := harness.AssertAPIError(t, err, "InvalidConfigurationRequest")
		if want := "Stickiness type '" + tc.typ + "' is not supported for target groups with the " + tc.proto + " protocol"; ae.ErrorMessage() != want {
			t.Errorf("message %q, want %q", ae.ErrorMessage(), want)
		}
	}
	// An unknown type is still malformed input.
	_, err := e.c.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: tcp.TargetGroupArn,
		Attributes: []types.TargetGroupAttribute{{Key: aws.String("stickiness.type"), Value: aws.String("sticky")}}})
	harness.AssertAPIError(t, err, "ValidationError")
	harness.Must(e.c.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: tcp.TargetGroupArn,
		Attributes: []types.TargetGroupAttribute{{Key: aws.String("stickiness.type"), Value: aws.String("source_ip")}}}))(t)
}

// The health-check interval must exceed the timeout: ValidationError, "Health
// check interval must be greater than the timeout." (the real response quoted in
// kubernetes-sigs/aws-load-balancer-controller#2951 and
// hashicorp/terraform-provider-aws#48071). TCP health checks may time out after
// as long as the interval (aws-cdk#26031: NLB timeouts are "not greater than"
// the interval).
func TestELBv2HealthCheckIntervalTimeout(t *testing.T) {
	e := start(t)
	_, err := e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String(unique("hc")), Protocol: types.ProtocolEnumHttp, Port: aws.Int32(80),
		VpcId: aws.String(e.vpc()), HealthCheckIntervalSeconds: aws.Int32(10), HealthCheckTimeoutSeconds: aws.Int32(10)})
	ae := harness.AssertAPIError(t, err, "ValidationError")
	if ae.ErrorMessage() != "Health check interval must be greater than the timeout." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	tcp := harness.Must(e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String(unique("hc")), Protocol: types.ProtocolEnumTcp, Port: aws.Int32(80),
		VpcId: aws.String(e.vpc()), HealthCheckIntervalSeconds: aws.Int32(10), HealthCheckTimeoutSeconds: aws.Int32(10)}))(t).TargetGroups[0]
	if aws.ToInt32(tcp.HealthCheckTimeoutSeconds) != 10 || aws.ToInt32(tcp.HealthCheckIntervalSeconds) != 10 {
		t.Errorf("tcp health check %d/%d", aws.ToInt32(tcp.HealthCheckTimeoutSeconds), aws.ToInt32(tcp.HealthCheckIntervalSeconds))
	}
	_, err = e.c.ModifyTargetGroup(harness.Ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: tcp.TargetGroupArn, HealthCheckTimeoutSeconds: aws.Int32(11)})
	harness.AssertAPIError(t, err, "ValidationError")
}

// A fixed-response action's ContentType is one of those the API reference's
// FixedResponseActionConfig lists: text/plain, text/css, text/html,
// application/javascript, application/json.
func TestELBv2FixedResponseContentType(t *testing.T) {
	e := start(t)
	lb := e.alb(unique("fixed"))
	fixed := func(ct string) []types.Action {
		return []types.Action{{Type: types.ActionTypeEnumFixedResponse, FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("200"), ContentType: aws.String(ct)}}}
	}
	_, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: types.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: fixed("text/xml")})
	harness.AssertAPIError(t, err, "ValidationError")
	l := e.httpListener(lb.LoadBalancerArn, 80, fixed("application/json"))
	if ct := aws.ToString(l.DefaultActions[0].FixedResponseConfig.ContentType); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
}

// RegisterTargets of an instance that does not exist, or that lies outside the
// target group's VPC, fails with InvalidTarget; the API reference's
// RegisterTargets errors give its text.
func TestELBv2RegisterTargetsInstanceExistsInVPC(t *testing.T) {
	e := start(t)
	tg := e.targetGroup(unique("inst"), types.ProtocolEnumHttp, types.TargetTypeEnumInstance)
	const text = "The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type."
	_, err := e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: []types.TargetDescription{{Id: aws.String("i-0123456789abcdef0")}}})
	if ae := harness.AssertAPIError(t, err, "InvalidTarget"); ae.ErrorMessage() != text {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	c := ec2.NewFromConfig(e.ls.Config)
	vpc := harness.Must(c.CreateVpc(harness.Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.40.0.0/16")}))(t).Vpc
	sub := harness.Must(c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.40.1.0/24")}))(t).Subnet
	outside := e.instance(aws.ToString(sub.SubnetId))
	_, err = e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: []types.TargetDescription{{Id: aws.String(outside)}}})
	harness.AssertAPIError(t, err, "InvalidTarget")
	inside := e.instance("")
	harness.Must(e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: []types.TargetDescription{{Id: aws.String(inside)}}}))(t)
	h := healthOf(t, e, tg.TargetGroupArn)
	if len(h) != 1 {
		t.Errorf("registered %v", h)
	}
}

// DescribeTargetHealth of a target the group does not hold keeps the target's
// port (the group's when none is asked) and the health-check port, as moto's
// AWS-verified test_describe_unknown_targets records:
// {"Target": {"Id": ..., "Port": 80}, "HealthCheckPort": "80", "TargetHealth":
// {"State": "unused", "Reason": "Target.NotRegistered", ...}}.
func TestELBv2DescribeUnknownTargetPorts(t *testing.T) {
	e := start(t)
	tg := harness.Must(e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String(unique("unknown")), Protocol: types.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String(e.vpc()), HealthCheckPort: aws.String("8081")}))(t).TargetGroups[0]
	out := harness.Must(e.c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn,
		Targets: []types.TargetDescription{{Id: aws.String("i-12345678901234567")}, {Id: aws.String("i-12345678901234568"), Port: aws.Int32(8080)}}}))(t)
	want := []struct {
		port int32
		hc   string
	}{{80, "8081"}, {8080, "8081"}}
	for i, d := range out.TargetHealthDescriptions {
		if aws.ToInt32(d.Target.Port) != want[i].port || aws.ToString(d.HealthCheckPort) != want[i].hc || d.TargetHealth.Reason != types.TargetHealthReasonEnumNotRegistered {
			t.Errorf("target %d: port %d, health-check port %q, reason %s", i, aws.ToInt32(d.Target.Port), aws.ToString(d.HealthCheckPort), d.TargetHealth.Reason)
		}
	}
	ip := e.targetGroup(unique("unknown"), types.ProtocolEnumHttp, types.TargetTypeEnumIp)
	d := harness.Must(e.c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: ip.TargetGroupArn,
		Targets: []types.TargetDescription{{Id: aws.String("10.0.0.9")}}}))(t).TargetHealthDescriptions[0]
	if aws.ToInt32(d.Target.Port) != 80 || aws.ToString(d.HealthCheckPort) != "80" {
		t.Errorf("traffic-port target: port %d, health-check port %q", aws.ToInt32(d.Target.Port), aws.ToString(d.HealthCheckPort))
	}
}
