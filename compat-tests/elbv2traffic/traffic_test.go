package elbv2traffic_test

import (
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

func (e *env) setGroupAttr(tg *string, key, value string) {
	e.t.Helper()
	if _, err := e.c.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: tg,
		Attributes: []types.TargetGroupAttribute{{Key: aws.String(key), Value: aws.String(value)}}}); err != nil {
		e.t.Fatal(err)
	}
}

// A weighted forward splits real requests by weight: 1,000 requests at a
// 90/10 split send about 100 to the 10% group, within five standard
// deviations of the binomial (sd = sqrt(1000 * 0.1 * 0.9) ≈ 9.5), as a
// canary deployment's listener weights do.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#forward-actions
func TestWeightedSplitFollowsWeights(t *testing.T) {
	e := start(t)
	blue, green := newBackend(t, "blue"), newBackend(t, "green")
	lb := e.alb(unique("split"))
	tgBlue := e.ipGroup(unique("blue"), types.ProtocolEnumHttp, blue)
	tgGreen := e.ipGroup(unique("green"), types.ProtocolEnumHttp, green)
	split := func(wb, wg int32) []types.Action {
		return []types.Action{{Type: types.ActionTypeEnumForward, ForwardConfig: &types.ForwardActionConfig{TargetGroups: []types.TargetGroupTuple{
			{TargetGroupArn: tgBlue, Weight: aws.Int32(wb)}, {TargetGroupArn: tgGreen, Weight: aws.Int32(wg)}}}}}
	}
	l := e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, split(90, 10))
	ep := e.endpoint(l)
	count := func(n int) int {
		greens := 0
		for i := 0; i < n; i++ {
			if e.get(ep.LocalAddress, "", "/", nil).body == "green" {
				greens++
			}
		}
		return greens
	}
	const n, p = 1000, 0.1
	sd := math.Sqrt(n * p * (1 - p))
	if g := count(n); math.Abs(float64(g)-n*p) > 5*sd {
		t.Fatalf("%d of %d requests reached green at a 10%% split (want %.0f ± %.0f)", g, n, n*p, 5*sd)
	}
	// A rollback (all weight back on blue) moves all traffic back.
	if _, err := e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: l, DefaultActions: split(1, 0)}); err != nil {
		t.Fatal(err)
	}
	if g := count(50); g != 0 {
		t.Fatalf("%d requests reached green after the rollback", g)
	}
}

// Target group stickiness keeps a client on one target with the AWSALB
// cookie; group stickiness of a weighted forward keeps it on one group.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html
func TestStickiness(t *testing.T) {
	e := start(t)
	a, b, c := newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "c")
	lb := e.alb(unique("sticky"))
	tg := e.ipGroup(unique("sticky"), types.ProtocolEnumHttp, a, b)
	tg2 := e.ipGroup(unique("other"), types.ProtocolEnumHttp, c)
	e.setGroupAttr(tg, "stickiness.enabled", "true")
	l := e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg))
	ep := e.endpoint(l)
	e.waitHealthy(tg, 2)
	first := e.get(ep.LocalAddress, "", "/", nil)
	var cookie string
	for _, sc := range first.header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "AWSALB=") {
			cookie = strings.SplitN(sc, ";", 2)[0]
		}
	}
	if cookie == "" || !strings.Contains(strings.Join(first.header.Values("Set-Cookie"), "\n"), "AWSALBCORS=") {
		t.Fatalf("no AWSALB/AWSALBCORS cookies: %v", first.header.Values("Set-Cookie"))
	}
	for i := 0; i < 10; i++ {
		if r := e.get(ep.LocalAddress, "", "/", map[string]string{"Cookie": cookie}); r.body != first.body {
			t.Fatalf("sticky request %d went to %q, not %q", i, r.body, first.body)
		}
	}
	// Without the cookie, round robin alternates.
	if x, y := e.get(ep.LocalAddress, "", "/", nil).body, e.get(ep.LocalAddress, "", "/", nil).body; x == y {
		t.Fatalf("round robin sent two requests to %q", x)
	}
	// Group stickiness: a 50/50 forward keeps the client's group.
	if _, err := e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: l, DefaultActions: []types.Action{{Type: types.ActionTypeEnumForward,
		ForwardConfig: &types.ForwardActionConfig{TargetGroups: []types.TargetGroupTuple{{TargetGroupArn: tg, Weight: aws.Int32(1)}, {TargetGroupArn: tg2, Weight: aws.Int32(1)}},
			TargetGroupStickinessConfig: &types.TargetGroupStickinessConfig{Enabled: aws.Bool(true), DurationSeconds: aws.Int32(600)}}}}}); err != nil {
		t.Fatal(err)
	}
	r := e.get(ep.LocalAddress, "", "/", nil)
	var group string
	for _, sc := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "AWSALBTG=") {
			group = strings.SplitN(sc, ";", 2)[0]
		}
	}
	if group == "" {
		ls, _ := e.c.DescribeRules(harness.Ctx, &elb.DescribeRulesInput{ListenerArn: l})
		for _, r := range ls.Rules {
			for _, a := range r.Actions {
				if a.ForwardConfig != nil {
					t.Logf("rule %s: %+v %+v", aws.ToString(r.Priority), a.ForwardConfig.TargetGroups, a.ForwardConfig.TargetGroupStickinessConfig)
				}
			}
		}
		t.Fatalf("no AWSALBTG cookie: %v", r.header.Values("Set-Cookie"))
	}
	inC := r.body == "c"
	for i := 0; i < 10; i++ {
		if got := e.get(ep.LocalAddress, "", "/", map[string]string{"Cookie": group}).body; (got == "c") != inC {
			t.Fatalf("group-sticky request %d went to %q (first %q)", i, got, r.body)
		}
	}
}

// least_outstanding_requests sends new requests to the target with fewer in flight.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#modify-routing-algorithm
func TestLeastOutstandingRequests(t *testing.T) {
	e := start(t)
	a, b := newBackend(t, "a"), newBackend(t, "b")
	close(b.hold)
	lb := e.alb(unique("lor"))
	tg := e.ipGroup(unique("lor"), types.ProtocolEnumHttp, a, b)
	e.setGroupAttr(tg, "load_balancing.algorithm.type", "least_outstanding_requests")
	l := e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg))
	ep := e.endpoint(l)
	e.waitHealthy(tg, 2)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(a.hold)
	for i := 0; i < 10 && a.holding.Load() == 0; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); e.hc.Get("http://" + ep.LocalAddress + "/hold") }()
		harness.Await(t, 2*time.Second, "a request held", func() (bool, string) { return a.holding.Load() > 0 || b.hits.Load() > int64(i), "" })
	}
	if a.holding.Load() == 0 {
		t.Fatal("no request reached a")
	}
	for i := 0; i < 6; i++ {
		if r := e.get(ep.LocalAddress, "", "/", nil); r.body != "b" {
			t.Fatalf("request %d went to %q while a has one outstanding", i, r.body)
		}
	}
}

// ALB's own errors: 502 when the target resets the connection, 504 after the
// idle timeout, with ALB's HTML error pages.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html
func TestGatewayErrors(t *testing.T) {
	e := start(t)
	slow := newBackend(t, "slow")
	// A target that accepts and resets every connection.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			io.ReadFull(c, make([]byte, 1))
			c.Close()
		}
	}()
	lb := e.alb(unique("errs"))
	if _, err := e.c.ModifyLoadBalancerAttributes(harness.Ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn,
		Attributes: []types.LoadBalancerAttribute{{Key: aws.String("idle_timeout.timeout_seconds"), Value: aws.String("1")}}}); err != nil {
		t.Fatal(err)
	}
	tgSlow := e.ipGroup(unique("slow"), types.ProtocolEnumHttp, slow)
	tgReset := e.ipGroup(unique("reset"), types.ProtocolEnumHttp)
	e.register(tgReset, int32(ln.Addr().(*net.TCPAddr).Port))
	l := e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tgSlow))
	if _, err := e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l, Priority: aws.Int32(1), Actions: forward(tgReset),
		Conditions: []types.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/reset"}}}}); err != nil {
		t.Fatal(err)
	}
	ep := e.endpoint(l)
	if r := e.get(ep.LocalAddress, "", "/reset", nil); r.status != http.StatusBadGateway || !strings.Contains(r.body, "502 Bad Gateway") {
		t.Fatalf("reset: %d %q", r.status, r.body)
	}
	start := time.Now()
	if r := e.get(ep.LocalAddress, "", "/slow", nil); r.status != http.StatusGatewayTimeout || !strings.Contains(r.body, "504 Gateway Time-out") && !strings.Contains(r.body, "504") {
		t.Fatalf("idle timeout: %d %q", r.status, r.body)
	}
	if d := time.Since(start); d > 2900*time.Millisecond {
		t.Fatalf("504 after %v, want about the 1 s idle timeout", d)
	}
}

// Deregistration drains: a request in flight finishes on the deregistered
// target, and new requests go to the others.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
func TestDrainingFinishesInFlight(t *testing.T) {
	e := start(t)
	a, b := newBackend(t, "a"), newBackend(t, "b")
	close(b.hold)
	lb := e.alb(unique("drain"))
	tg := e.ipGroup(unique("drain"), types.ProtocolEnumHttp, a, b)
	e.setGroupAttr(tg, "deregistration_delay.timeout_seconds", "600")
	l := e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg))
	ep := e.endpoint(l)
	e.waitHealthy(tg, 2)
	results := make(chan reply, 10)
	for i := 0; i < 10 && a.holding.Load() == 0; i++ {
		go func() { results <- e.get(ep.LocalAddress, "", "/hold", nil) }()
		harness.Await(t, 2*time.Second, "a request in flight", func() (bool, string) { return a.holding.Load() > 0 || b.hits.Load() > int64(i), "" })
	}
	if a.holding.Load() == 0 {
		t.Fatal("no request reached a")
	}
	if _, err := e.c.DeregisterTargets(harness.Ctx, &elb.DeregisterTargetsInput{TargetGroupArn: tg, Targets: []types.TargetDescription{{Id: aws.String("127.0.0.1"), Port: aws.Int32(a.port)}}}); err != nil {
		t.Fatal(err)
	}
	if d := e.health(tg, a.port); d.TargetHealth.State != types.TargetHealthStateEnumDraining {
		t.Fatalf("a is %s", d.TargetHealth.State)
	}
	for i := 0; i < 6; i++ {
		if r := e.get(ep.LocalAddress, "", "/", nil); r.body != "b" {
			t.Fatalf("new request %d went to draining %q", i, r.body)
		}
	}
	close(a.hold)
	for {
		r := <-results
		if r.body == "a" {
			if r.status != 200 {
				t.Fatalf("in-flight request: %d", r.status)
			}
			break
		}
	}
}

// logSink collects log lines.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines = append(s.lines, string(p))
	return len(p), nil
}

func (s *logSink) has(sub string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// A client that closes before the target answers is ALB's 460, which only
// the load balancer's log shows.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-460-issues
func TestClientCloseIs460(t *testing.T) {
	sink := &logSink{}
	ls := longshoretest.StartWith(t, longshoretest.Options{Logger: slog.New(slog.NewTextHandler(sink, nil))})
	e := &env{t: t, ls: ls, c: elb.NewFromConfig(ls.Config), hc: &http.Client{Timeout: 300 * time.Millisecond}}
	slow := newBackend(t, "slow")
	lb := e.alb(unique("gone"))
	tg := e.ipGroup(unique("gone"), types.ProtocolEnumHttp, slow)
	ep := e.endpoint(e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg)))
	if _, err := e.hc.Get("http://" + ep.LocalAddress + "/slow"); err == nil {
		t.Fatal("the client's timeout did not fire")
	}
	harness.Eventually(t, 10*time.Second, "a 460 in the log", func() (bool, string) {
		return sink.has("status=460"), ""
	})
}
