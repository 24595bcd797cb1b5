package elbv2traffic_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// AWS refuses loopback addresses as ip targets; Longshore accepts 127.0.0.0/8
// with AvailabilityZone "all" as a local extension and keeps every other rule.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html
func TestLoopbackTargetsNeedZoneAll(t *testing.T) {
	e := start(t)
	tg := e.ipGroup(unique("lo"), types.ProtocolEnumHttp)
	for _, d := range []types.TargetDescription{
		{Id: aws.String("127.0.0.1"), Port: aws.Int32(80)},
		{Id: aws.String("127.0.0.1"), Port: aws.Int32(80), AvailabilityZone: aws.String("us-east-1a")},
		{Id: aws.String("169.254.1.1"), Port: aws.Int32(80), AvailabilityZone: aws.String("all")},
		{Id: aws.String("0.0.0.0"), Port: aws.Int32(80), AvailabilityZone: aws.String("all")},
	} {
		_, err := e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg, Targets: []types.TargetDescription{d}})
		harness.AssertAPIError(t, err, "InvalidTarget")
	}
	if _, err := e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg, Targets: []types.TargetDescription{
		{Id: aws.String("127.0.0.5"), Port: aws.Int32(8080), AvailabilityZone: aws.String("all")}}}); err != nil {
		t.Fatal(err)
	}
}

// Real health checks decide a reachable target's health, with AWS's states
// and reason codes; routing follows them, failing open when none is healthy,
// and a group with no registered target answers 503.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html
func TestHealthChecksFlipAndRouting(t *testing.T) {
	e := start(t)
	a, b := newBackend(t, "a"), newBackend(t, "b")
	lb := e.alb(unique("hc"))
	tg := e.ipGroup(unique("hc"), types.ProtocolEnumHttp, a, b)
	// Unused groups are not checked.
	e.waitStates(tg, 2, "unused")
	l := e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg))
	ep := e.endpoint(l)
	e.waitHealthy(tg, 2)

	// b answers 500: ResponseCodeMismatch, and requests go to a only.
	b.status.Store(500)
	harness.Eventually(t, 20*time.Second, "b unhealthy with Target.ResponseCodeMismatch", func() (bool, string) {
		d := e.health(tg, b.port)
		return d.TargetHealth.State == types.TargetHealthStateEnumUnhealthy && d.TargetHealth.Reason == types.TargetHealthReasonEnumResponseCodeMismatch &&
			aws.ToString(d.TargetHealth.Description) == "Health checks failed with these codes: [500]", string(d.TargetHealth.Reason) + " " + aws.ToString(d.TargetHealth.Description)
	})
	for i := 0; i < 10; i++ {
		if r := e.get(ep.LocalAddress, "", "/", nil); r.body != "a" {
			t.Fatalf("request %d went to %q while b is unhealthy", i, r.body)
		}
	}
	// Both unhealthy: ALB fails open to all of them.
	a.status.Store(503)
	e.waitStates(tg, 2, "unhealthy")
	seen := map[string]int{}
	for i := 0; i < 10; i++ {
		seen[e.get(ep.LocalAddress, "", "/", nil).body]++
	}
	if seen["a"] == 0 || seen["b"] == 0 {
		t.Fatalf("fail-open reached %v", seen)
	}
	// Back to healthy.
	a.status.Store(0)
	b.status.Store(0)
	e.waitHealthy(tg, 2)

	// A stopped server fails with Target.FailedHealthChecks (connection refused).
	b.srv.Close()
	harness.Eventually(t, 20*time.Second, "b unhealthy with Target.FailedHealthChecks", func() (bool, string) {
		d := e.health(tg, b.port)
		return d.TargetHealth.Reason == types.TargetHealthReasonEnumFailedHealthChecks, string(d.TargetHealth.State) + "/" + string(d.TargetHealth.Reason)
	})
	// It comes back on the same port.
	ln, err := net.Listen("tcp", b.srv.Listener.Addr().String())
	if err != nil {
		t.Skipf("cannot listen again on %s: %v", b.srv.Listener.Addr(), err)
	}
	back := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("b again")) })}
	go back.Serve(ln)
	t.Cleanup(func() { back.Close() })
	e.waitHealthy(tg, 2)

	// Deregistering both: 503 from the load balancer.
	if _, err := e.c.DeregisterTargets(harness.Ctx, &elb.DeregisterTargetsInput{TargetGroupArn: tg, Targets: []types.TargetDescription{
		{Id: aws.String("127.0.0.1"), Port: aws.Int32(a.port)}, {Id: aws.String("127.0.0.1"), Port: aws.Int32(b.port)}}}); err != nil {
		t.Fatal(err)
	}
	if r := e.get(ep.LocalAddress, "", "/", nil); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "503 Service Temporarily Unavailable") && !strings.Contains(r.body, "503") {
		t.Fatalf("no targets: %d %q", r.status, r.body)
	}
}

// A target slower than the health check timeout is Target.Timeout.
func TestHealthCheckTimeout(t *testing.T) {
	e := start(t)
	slow := newBackend(t, "slow")
	lb := e.alb(unique("to"))
	tg := e.ipGroup(unique("to"), types.ProtocolEnumHttp, slow)
	if _, err := e.c.ModifyTargetGroup(harness.Ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: tg, HealthCheckPath: aws.String("/slow")}); err != nil {
		t.Fatal(err)
	}
	e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg))
	harness.Eventually(t, 20*time.Second, "Target.Timeout", func() (bool, string) {
		d := e.health(tg, slow.port)
		return d.TargetHealth.Reason == types.TargetHealthReasonEnumTimeout, string(d.TargetHealth.State) + "/" + string(d.TargetHealth.Reason)
	})
}

func (e *env) health(tg *string, port int32) types.TargetHealthDescription {
	e.t.Helper()
	out, err := e.c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg,
		Targets: []types.TargetDescription{{Id: aws.String("127.0.0.1"), Port: aws.Int32(port)}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.TargetHealthDescriptions[0]
}

// The health check port may differ from the traffic port, and the matcher
// decides which codes pass.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html
func TestHealthCheckPortAndMatcher(t *testing.T) {
	e := start(t)
	traffic, checked := newBackend(t, "traffic"), newBackend(t, "checked")
	checked.status.Store(404)
	lb := e.alb(unique("port"))
	tg := e.ipGroup(unique("port"), types.ProtocolEnumHttp, traffic)
	if _, err := e.c.ModifyTargetGroup(harness.Ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: tg,
		HealthCheckPort: aws.String(fmt.Sprint(checked.port)), Matcher: &types.Matcher{HttpCode: aws.String("200-299")}}); err != nil {
		t.Fatal(err)
	}
	e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg))
	harness.Eventually(t, 20*time.Second, "mismatch on the health check port", func() (bool, string) {
		d := e.health(tg, traffic.port)
		return aws.ToString(d.TargetHealth.Description) == "Health checks failed with these codes: [404]" && aws.ToString(d.HealthCheckPort) == fmt.Sprint(checked.port),
			aws.ToString(d.TargetHealth.Description)
	})
	if _, err := e.c.ModifyTargetGroup(harness.Ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: tg, Matcher: &types.Matcher{HttpCode: aws.String("200,404")}}); err != nil {
		t.Fatal(err)
	}
	e.waitHealthy(tg, 1)
}
