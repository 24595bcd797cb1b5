package elbv2_test

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestELBv2TargetGroupDefaults(t *testing.T) {
	e := start(t)
	cases := []struct {
		in                    elb.CreateTargetGroupInput
		hcProtocol            types.ProtocolEnum
		interval, timeout     int32
		path, matcher, hcPort string
		version               string
		enabled               bool
	}{
		{elb.CreateTargetGroupInput{Name: aws.String("http"), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String(e.vpc()), TargetType: "ip"},
			"HTTP", 30, 5, "/", "200", "traffic-port", "HTTP1", true},
		{elb.CreateTargetGroupInput{Name: aws.String("grpc"), Protocol: "HTTPS", Port: aws.Int32(443), VpcId: aws.String(e.vpc()), ProtocolVersion: aws.String("GRPC")},
			"HTTPS", 30, 5, "/AWS.ALB/healthcheck", "", "traffic-port", "GRPC", true},
		{elb.CreateTargetGroupInput{Name: aws.String("tcp"), Protocol: "TCP", Port: aws.Int32(5432), VpcId: aws.String(e.vpc())},
			"TCP", 30, 10, "", "", "traffic-port", "", true},
		{elb.CreateTargetGroupInput{Name: aws.String("tcp-http"), Protocol: "TCP", Port: aws.Int32(80), VpcId: aws.String(e.vpc()), HealthCheckProtocol: "HTTP"},
			"HTTP", 30, 6, "/", "200-399", "traffic-port", "", true},
		{elb.CreateTargetGroupInput{Name: aws.String("geneve"), Protocol: "GENEVE", Port: aws.Int32(6081), VpcId: aws.String(e.vpc())},
			"TCP", 10, 5, "", "", "80", "", true},
		{elb.CreateTargetGroupInput{Name: aws.String("fn"), TargetType: "lambda"},
			"", 35, 30, "/", "200", "", "", false},
	}
	for _, tc := range cases {
		out, err := e.c.CreateTargetGroup(harness.Ctx, &tc.in)
		if err != nil {
			t.Fatalf("%s: %v", *tc.in.Name, err)
		}
		tg := out.TargetGroups[0]
		matcher := ""
		if tg.Matcher != nil {
			matcher = aws.ToString(tg.Matcher.HttpCode)
		}
		if tg.HealthCheckProtocol != tc.hcProtocol || aws.ToInt32(tg.HealthCheckIntervalSeconds) != tc.interval ||
			aws.ToInt32(tg.HealthCheckTimeoutSeconds) != tc.timeout || aws.ToString(tg.HealthCheckPath) != tc.path || matcher != tc.matcher ||
			aws.ToString(tg.HealthCheckPort) != tc.hcPort && tc.hcPort != "" || aws.ToString(tg.ProtocolVersion) != tc.version ||
			aws.ToBool(tg.HealthCheckEnabled) != tc.enabled || aws.ToInt32(tg.HealthyThresholdCount) != 5 || aws.ToInt32(tg.UnhealthyThresholdCount) != 2 {
			t.Errorf("%s: %s interval %d timeout %d path %q matcher %q port %q version %q enabled %v", *tc.in.Name, tg.HealthCheckProtocol,
				aws.ToInt32(tg.HealthCheckIntervalSeconds), aws.ToInt32(tg.HealthCheckTimeoutSeconds), aws.ToString(tg.HealthCheckPath), matcher,
				aws.ToString(tg.HealthCheckPort), aws.ToString(tg.ProtocolVersion), aws.ToBool(tg.HealthCheckEnabled))
		}
		if !regexp.MustCompile(`^arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/` + *tc.in.Name + `/[0-9a-f]{16}$`).MatchString(*tg.TargetGroupArn) {
			t.Errorf("arn %s", *tg.TargetGroupArn)
		}
	}
	grpc, _ := e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{Names: []string{"grpc"}})
	if aws.ToString(grpc.TargetGroups[0].Matcher.GrpcCode) != "12" {
		t.Errorf("grpc matcher %+v", grpc.TargetGroups[0].Matcher)
	}
}

func TestELBv2TargetGroupValidation(t *testing.T) {
	e := start(t)
	bad := []struct {
		in   elb.CreateTargetGroupInput
		code string
	}{
		{elb.CreateTargetGroupInput{Name: aws.String("noport"), Protocol: "HTTP", VpcId: aws.String(e.vpc())}, "ValidationError"},
		{elb.CreateTargetGroupInput{Name: aws.String("novpc"), Protocol: "HTTP", Port: aws.Int32(80)}, "ValidationError"},
		{elb.CreateTargetGroupInput{Name: aws.String("-x"), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String(e.vpc())}, "ValidationError"},
		{elb.CreateTargetGroupInput{Name: aws.String("fnport"), TargetType: "lambda", Port: aws.Int32(80)}, "ValidationError"},
		{elb.CreateTargetGroupInput{Name: aws.String("albudp"), TargetType: "alb", Protocol: "UDP", Port: aws.Int32(80), VpcId: aws.String(e.vpc())}, "ValidationError"},
		{elb.CreateTargetGroupInput{Name: aws.String("timeout"), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String(e.vpc()),
			HealthCheckIntervalSeconds: aws.Int32(10), HealthCheckTimeoutSeconds: aws.Int32(10)}, "ValidationError"},
		{elb.CreateTargetGroupInput{Name: aws.String("tcphc"), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String(e.vpc()), HealthCheckProtocol: "TCP"}, "ValidationError"},
		{elb.CreateTargetGroupInput{Name: aws.String("matcher"), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String(e.vpc()),
			Matcher: &types.Matcher{HttpCode: aws.String("100")}}, "ValidationError"},
	}
	for _, tc := range bad {
		_, err := e.c.CreateTargetGroup(harness.Ctx, &tc.in)
		harness.AssertAPIError(t, err, tc.code)
	}
	first := e.targetGroup("same", "HTTP", "ip")
	again := e.targetGroup("same", "HTTP", "ip")
	if *first.TargetGroupArn != *again.TargetGroupArn {
		t.Error("idempotent create made a second group")
	}
	_, err := e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("same"), Protocol: "HTTP", Port: aws.Int32(8080), VpcId: aws.String(e.vpc()), TargetType: "ip"})
	ae := harness.AssertAPIError(t, err, "DuplicateTargetGroupName")
	if ae.ErrorMessage() != "A target group with the same name 'same' exists, but with different settings" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func TestELBv2ModifyDescribeDeleteTargetGroups(t *testing.T) {
	e := start(t)
	tg := e.targetGroup("api", "HTTP", "ip")
	m, err := e.c.ModifyTargetGroup(harness.Ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: tg.TargetGroupArn,
		HealthCheckPath: aws.String("/health"), HealthCheckIntervalSeconds: aws.Int32(10), HealthyThresholdCount: aws.Int32(2), Matcher: &types.Matcher{HttpCode: aws.String("200-299")}})
	if err != nil {
		t.Fatal(err)
	}
	got := m.TargetGroups[0]
	if aws.ToString(got.HealthCheckPath) != "/health" || aws.ToInt32(got.HealthCheckIntervalSeconds) != 10 || aws.ToInt32(got.HealthyThresholdCount) != 2 || aws.ToString(got.Matcher.HttpCode) != "200-299" {
		t.Errorf("modified %+v", got)
	}
	_, err = e.c.ModifyTargetGroup(harness.Ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: tg.TargetGroupArn, HealthCheckTimeoutSeconds: aws.Int32(20)})
	harness.AssertAPIError(t, err, "ValidationError")

	for i := 0; i < 4; i++ {
		e.targetGroup(unique("tg"), "HTTP", "ip")
	}
	p := elb.NewDescribeTargetGroupsPaginator(e.c, &elb.DescribeTargetGroupsInput{PageSize: aws.Int32(2)})
	total := 0
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		total += len(out.TargetGroups)
	}
	if total != 5 {
		t.Errorf("paginated %d target groups", total)
	}
	_, err = e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{Names: []string{"api", "missing"}})
	harness.AssertAPIError(t, err, "TargetGroupNotFound")
	_, err = e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{*tg.TargetGroupArn + "0"}})
	ae := harness.AssertAPIError(t, err, "TargetGroupNotFound")
	if ae.ErrorMessage() != "One or more target groups not found" {
		t.Errorf("message %q", ae.ErrorMessage())
	}

	// A group used by a listener cannot be deleted; once free it can, twice.
	lb := e.alb("tg-lb")
	l := e.httpListener(lb.LoadBalancerArn, 80, forward(tg.TargetGroupArn))
	byLB, err := e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{LoadBalancerArn: lb.LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	if len(byLB.TargetGroups) != 1 || byLB.TargetGroups[0].LoadBalancerArns[0] != *lb.LoadBalancerArn {
		t.Errorf("groups of the load balancer %+v", byLB.TargetGroups)
	}
	_, err = e.c.DeleteTargetGroup(harness.Ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: tg.TargetGroupArn})
	ae = harness.AssertAPIError(t, err, "ResourceInUse")
	if ae.ErrorMessage() != "Target group '"+*tg.TargetGroupArn+"' is currently in use by a listener or a rule" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	if _, err := e.c.DeleteListener(harness.Ctx, &elb.DeleteListenerInput{ListenerArn: l.ListenerArn}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := e.c.DeleteTargetGroup(harness.Ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: tg.TargetGroupArn}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{*tg.TargetGroupArn}})
	harness.AssertAPIError(t, err, "TargetGroupNotFound")
}

func TestELBv2TargetGroupAttributes(t *testing.T) {
	e := start(t)
	tg := e.targetGroup("attrs", "HTTP", "ip")
	d, err := e.c.DescribeTargetGroupAttributes(harness.Ctx, &elb.DescribeTargetGroupAttributesInput{TargetGroupArn: tg.TargetGroupArn})
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string]string{}
	for _, a := range d.Attributes {
		attrs[*a.Key] = *a.Value
	}
	for k, v := range map[string]string{"deregistration_delay.timeout_seconds": "300", "stickiness.enabled": "false", "stickiness.type": "lb_cookie",
		"stickiness.lb_cookie.duration_seconds": "86400", "load_balancing.algorithm.type": "round_robin", "slow_start.duration_seconds": "0"} {
		if attrs[k] != v {
			t.Errorf("%s = %q, want %q", k, attrs[k], v)
		}
	}
	m, err := e.c.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: tg.TargetGroupArn,
		Attributes: []types.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("30")},
			{Key: aws.String("stickiness.enabled"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range m.Attributes {
		if *a.Key == "deregistration_delay.timeout_seconds" && *a.Value != "30" {
			t.Errorf("delay %s", *a.Value)
		}
	}
	for _, bad := range []types.TargetGroupAttribute{
		{Key: aws.String("slow_start.duration_seconds"), Value: aws.String("10")},
		{Key: aws.String("stickiness.type"), Value: aws.String("sticky")},
		{Key: aws.String("proxy_protocol_v2.enabled"), Value: aws.String("true")},
	} {
		_, err := e.c.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: tg.TargetGroupArn, Attributes: []types.TargetGroupAttribute{bad}})
		harness.AssertAPIError(t, err, "ValidationError")
	}
	_, err = e.c.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: tg.TargetGroupArn,
		Attributes: []types.TargetGroupAttribute{{Key: aws.String("stickiness.type"), Value: aws.String("app_cookie")}}})
	harness.AssertAPIError(t, err, "InvalidConfigurationRequest")
}
