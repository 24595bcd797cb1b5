package elbv2_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func healthOf(t *testing.T, e *env, tgArn *string, targets ...types.TargetDescription) map[string]types.TargetHealth {
	t.Helper()
	out, err := e.c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn, Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]types.TargetHealth{}
	for _, d := range out.TargetHealthDescriptions {
		m[*d.Target.Id] = *d.TargetHealth
	}
	return m
}

func TestELBv2TargetHealthLifecycle(t *testing.T) {
	e := start(t)
	tg := e.targetGroup("web", "HTTP", "ip")
	ips := []types.TargetDescription{{Id: aws.String("172.31.1.10")}, {Id: aws.String("172.31.2.20"), Port: aws.Int32(8080)}}
	if _, err := e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: ips}); err != nil {
		t.Fatal(err)
	}
	// No load balancer forwards to the group yet: its targets are unused.
	h := healthOf(t, e, tg.TargetGroupArn)
	if h["172.31.1.10"].State != types.TargetHealthStateEnumUnused || h["172.31.1.10"].Reason != types.TargetHealthReasonEnumNotInUse ||
		aws.ToString(h["172.31.1.10"].Description) != "Target group is not configured to receive traffic from the load balancer" {
		t.Errorf("unused %+v", h["172.31.1.10"])
	}

	lb := e.alb("web")
	e.httpListener(lb.LoadBalancerArn, 80, forward(tg.TargetGroupArn))
	out, err := e.c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range out.TargetHealthDescriptions {
		if d.TargetHealth.State != types.TargetHealthStateEnumInitial || d.TargetHealth.Reason != types.TargetHealthReasonEnumRegistrationInProgress {
			t.Errorf("%s right after the listener: %+v", *d.Target.Id, d.TargetHealth)
		}
		if *d.Target.Id == "172.31.2.20" && (aws.ToInt32(d.Target.Port) != 8080 || aws.ToString(d.HealthCheckPort) != "8080") {
			t.Errorf("port %d health check port %s", aws.ToInt32(d.Target.Port), aws.ToString(d.HealthCheckPort))
		}
	}
	time.Sleep(500 * time.Millisecond)
	if h := healthOf(t, e, tg.TargetGroupArn); h["172.31.1.10"].Reason != types.TargetHealthReasonEnumInitialHealthChecking {
		t.Errorf("after one interval %+v", h["172.31.1.10"])
	}
	if err := elb.NewTargetInServiceWaiter(e.c, func(o *elb.TargetInServiceWaiterOptions) { o.MinDelay, o.MaxDelay = fast, poll }).
		Wait(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if h := healthOf(t, e, tg.TargetGroupArn); h["172.31.1.10"].State != types.TargetHealthStateEnumHealthy || h["172.31.1.10"].Reason != "" {
		t.Errorf("healthy %+v", h["172.31.1.10"])
	}

	// Deregistration drains for the (scaled) deregistration delay.
	e.c.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: tg.TargetGroupArn,
		Attributes: []types.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("60")}}})
	if _, err := e.c.DeregisterTargets(harness.Ctx, &elb.DeregisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: ips[:1]}); err != nil {
		t.Fatal(err)
	}
	if h := healthOf(t, e, tg.TargetGroupArn); h["172.31.1.10"].State != types.TargetHealthStateEnumDraining || h["172.31.1.10"].Reason != types.TargetHealthReasonEnumDeregistrationInProgress {
		t.Errorf("draining %+v", h["172.31.1.10"])
	}
	if err := elb.NewTargetDeregisteredWaiter(e.c, func(o *elb.TargetDeregisteredWaiterOptions) { o.MinDelay, o.MaxDelay = fast, poll }).
		Wait(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn, Targets: ips[:1]}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	h = healthOf(t, e, tg.TargetGroupArn)
	if _, ok := h["172.31.1.10"]; ok || len(h) != 1 {
		t.Errorf("after draining %+v", h)
	}
	h = healthOf(t, e, tg.TargetGroupArn, ips[0])
	if h["172.31.1.10"].State != types.TargetHealthStateEnumUnused || h["172.31.1.10"].Reason != types.TargetHealthReasonEnumNotRegistered {
		t.Errorf("asked for a deregistered target %+v", h["172.31.1.10"])
	}
	// Deregistering a target that is not registered succeeds, as documented.
	if _, err := e.c.DeregisterTargets(harness.Ctx, &elb.DeregisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: ips[:1]}); err != nil {
		t.Fatal(err)
	}
}

func TestELBv2TargetHealthControlEndpoint(t *testing.T) {
	e := start(t)
	tg := e.targetGroup("ctl", "HTTP", "ip")
	lb := e.alb("ctl")
	e.httpListener(lb.LoadBalancerArn, 80, forward(tg.TargetGroupArn))
	e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: []types.TargetDescription{{Id: aws.String("10.0.0.5")}}})

	body, _ := json.Marshal(map[string]any{"targetGroupArn": *tg.TargetGroupArn, "targetId": "10.0.0.5", "port": 80, "state": "unhealthy", "reason": "Target.Timeout"})
	r := harness.Raw(t, e.ls, "POST", "/_longshore/elbv2/target-health", map[string]string{"Content-Type": "application/json"}, string(body))
	if r.Status != 200 {
		t.Fatalf("control endpoint %d %s", r.Status, r.Body)
	}
	harness.Contains(t, r.Body, `"state": "unhealthy"`)
	harness.Contains(t, r.Body, `"reason": "Target.Timeout"`)
	h := healthOf(t, e, tg.TargetGroupArn)
	if h["10.0.0.5"].State != types.TargetHealthStateEnumUnhealthy || h["10.0.0.5"].Reason != types.TargetHealthReasonEnumTimeout || aws.ToString(h["10.0.0.5"].Description) != "Request timed out" {
		t.Errorf("after override %+v", h["10.0.0.5"])
	}
	body, _ = json.Marshal(map[string]any{"targetGroupArn": *tg.TargetGroupArn, "targetId": "10.0.0.5", "state": "healthy"})
	if r := harness.Raw(t, e.ls, "POST", "/_longshore/elbv2/target-health", nil, string(body)); r.Status != 200 {
		t.Fatalf("control endpoint %d %s", r.Status, r.Body)
	}
	if h := healthOf(t, e, tg.TargetGroupArn); h["10.0.0.5"].State != types.TargetHealthStateEnumHealthy {
		t.Errorf("after healthy override %+v", h["10.0.0.5"])
	}
	for _, bad := range []map[string]any{
		{"targetGroupArn": *tg.TargetGroupArn, "targetId": "10.9.9.9", "state": "healthy"},
		{"targetGroupArn": *tg.TargetGroupArn, "targetId": "10.0.0.5", "state": "sleepy"},
		{"targetGroupArn": *tg.TargetGroupArn, "targetId": "10.0.0.5", "state": "unhealthy", "reason": "Because"},
		{"targetGroupArn": "arn:aws:s3:::bucket", "targetId": "10.0.0.5", "state": "healthy"},
	} {
		body, _ := json.Marshal(bad)
		if r := harness.Raw(t, e.ls, "POST", "/_longshore/elbv2/target-health", nil, string(body)); r.Status != 400 {
			t.Errorf("%v: status %d %s", bad, r.Status, r.Body)
		}
	}
}

func TestELBv2RegisterTargetsValidation(t *testing.T) {
	e := start(t)
	inst := e.targetGroup("inst", "HTTP", "instance")
	ip := e.targetGroup("ip", "HTTP", "ip")
	fnOut, err := e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("fn"), TargetType: "lambda"})
	if err != nil {
		t.Fatal(err)
	}
	fn := fnOut.TargetGroups[0]
	cases := []struct {
		tg   *string
		id   string
		code string
	}{
		{inst.TargetGroupArn, "10.0.0.1", "ValidationError"},
		{ip.TargetGroupArn, "i-0123456789abcdef0", "ValidationError"},
		{ip.TargetGroupArn, "127.0.0.1", "InvalidTarget"},
		{fn.TargetGroupArn, "my-function", "ValidationError"},
	}
	for _, tc := range cases {
		_, err := e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tc.tg, Targets: []types.TargetDescription{{Id: aws.String(tc.id)}}})
		ae := harness.AssertAPIError(t, err, tc.code)
		if tc.id == "10.0.0.1" && ae.ErrorMessage() != "Instance ID '10.0.0.1' is not valid" {
			t.Errorf("message %q", ae.ErrorMessage())
		}
	}
	if _, err := e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: inst.TargetGroupArn,
		Targets: []types.TargetDescription{{Id: aws.String(e.instance("")), Port: aws.Int32(32768)}}}); err != nil {
		t.Fatal(err)
	}
	fnArn := "arn:aws:lambda:us-east-1:000000000000:function:handler"
	if _, err := e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: fn.TargetGroupArn, Targets: []types.TargetDescription{{Id: aws.String(fnArn)}}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: fn.TargetGroupArn, Targets: []types.TargetDescription{{Id: aws.String(fnArn + "2")}}})
	harness.AssertAPIError(t, err, "TooManyTargets")
	lb := e.alb("fn")
	e.httpListener(lb.LoadBalancerArn, 80, forward(fn.TargetGroupArn))
	h := healthOf(t, e, fn.TargetGroupArn)
	if h[fnArn].State != types.TargetHealthStateEnumUnavailable || h[fnArn].Reason != types.TargetHealthReasonEnumHealthCheckDisabled {
		t.Errorf("lambda target %+v", h[fnArn])
	}
	_, err = e.c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: inst.TargetGroupArn, Targets: []types.TargetDescription{{Id: aws.String("web-1")}}})
	harness.AssertAPIError(t, err, "InvalidTarget")
	_, err = e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(*ip.TargetGroupArn + "f"), Targets: []types.TargetDescription{{Id: aws.String("10.0.0.1")}}})
	harness.AssertAPIError(t, err, "TargetGroupNotFound")
}
