// Package elbv2traffic_test checks that load balancers carry real traffic:
// test HTTP and TCP servers on 127.0.0.1 stand behind load balancers created
// through the SDK, and requests go through the load balancers' local addresses.
package elbv2traffic_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

type env struct {
	t  testing.TB
	ls *longshoretest.Instance
	c  *elb.Client
	hc *http.Client
}

func start(t *testing.T) *env {
	t.Helper()
	ls := harness.Start(t)
	hc := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(hc.CloseIdleConnections)
	return &env{t: t, ls: ls, c: elb.NewFromConfig(ls.Config), hc: hc}
}

var seq atomic.Int64

func unique(prefix string) string { return fmt.Sprintf("%s-%d", prefix, seq.Add(1)) }

// backend is a test HTTP server standing behind a load balancer: it answers
// with its name and records the last request's headers.
type backend struct {
	name   string
	srv    *httptest.Server
	hits   atomic.Int64
	last   atomic.Pointer[http.Header]
	status atomic.Int64 // answer to /health (0: 200)
	port   int32
	// /hold waits until hold is closed; holding counts the waiting requests.
	hold    chan struct{}
	holding atomic.Int64
}

func newBackend(t *testing.T, name string) *backend {
	b := &backend{name: name, hold: make(chan struct{})}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			if s := b.status.Load(); s != 0 {
				w.WriteHeader(int(s))
				return
			}
			io.WriteString(w, "ok")
			return
		}
		if r.URL.Path == "/slow" {
			time.Sleep(3 * time.Second)
		}
		if r.URL.Path == "/hold" {
			b.holding.Add(1)
			<-b.hold
		}
		b.hits.Add(1)
		h := r.Header.Clone()
		h.Set("Host", r.Host)
		b.last.Store(&h)
		io.WriteString(w, b.name)
	}))
	t.Cleanup(b.srv.Close)
	_, port, _ := net.SplitHostPort(b.srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	b.port = int32(p)
	return b
}

func (e *env) subnets() []string { return harness.DefaultSubnets(e.t, e.ls.Config) }

func (e *env) alb(name string) types.LoadBalancer {
	e.t.Helper()
	out, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String(name), Subnets: e.subnets()[:2]})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.LoadBalancers[0]
}

// ipGroup creates an ip target group with a fast health check on /health
// and registers the backends at 127.0.0.1 with AvailabilityZone all.
func (e *env) ipGroup(name string, proto types.ProtocolEnum, backends ...*backend) *string {
	e.t.Helper()
	in := &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: proto, Port: aws.Int32(80),
		VpcId: aws.String(harness.DefaultVPC(e.t, e.ls.Config)), TargetType: types.TargetTypeEnumIp,
		HealthCheckIntervalSeconds: aws.Int32(5), HealthCheckTimeoutSeconds: aws.Int32(2), HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2)}
	if proto == types.ProtocolEnumHttp {
		in.HealthCheckPath = aws.String("/health")
	}
	out, err := e.c.CreateTargetGroup(harness.Ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	arn := out.TargetGroups[0].TargetGroupArn
	for _, b := range backends {
		e.register(arn, b.port)
	}
	return arn
}

func (e *env) register(tgArn *string, port int32) {
	e.t.Helper()
	if _, err := e.c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tgArn,
		Targets: []types.TargetDescription{{Id: aws.String("127.0.0.1"), Port: aws.Int32(port), AvailabilityZone: aws.String("all")}}}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) listener(lbArn *string, proto types.ProtocolEnum, port int32, actions []types.Action) *string {
	e.t.Helper()
	out, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lbArn, Protocol: proto, Port: aws.Int32(port), DefaultActions: actions})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Listeners[0].ListenerArn
}

func forward(tgArn *string) []types.Action {
	return []types.Action{{Type: types.ActionTypeEnumForward, TargetGroupArn: tgArn}}
}

// endpoint is one entry of GET /_longshore/elbv2/endpoints.
type endpoint struct {
	LoadBalancerName string `json:"loadBalancerName"`
	DNSName          string `json:"dnsName"`
	ListenerArn      string `json:"listenerArn"`
	Port             int32  `json:"port"`
	LocalAddress     string `json:"localAddress"`
	HostHeader       string `json:"hostHeader"`
	Served           bool   `json:"served"`
}

func (e *env) endpoint(listenerArn *string) endpoint {
	e.t.Helper()
	var found endpoint
	harness.Eventually(e.t, 10*time.Second, "the listener's local address", func() (bool, string) {
		r := harness.Raw(e.t, e.ls, "GET", "/_longshore/elbv2/endpoints", nil, "")
		var out struct{ Endpoints []endpoint }
		if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
			return false, r.Body
		}
		for _, ep := range out.Endpoints {
			if ep.ListenerArn == *listenerArn && ep.LocalAddress != "" {
				found = ep
				return true, ""
			}
		}
		return false, r.Body
	})
	return found
}

// reply is one answer through the load balancer.
type reply struct {
	status int
	body   string
	header http.Header
}

func (e *env) do(req *http.Request) reply {
	e.t.Helper()
	resp, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, body: string(b), header: resp.Header}
}

// get sends a request to a local address with the given Host (empty: the address).
func (e *env) get(addr, host, path string, header map[string]string) reply {
	e.t.Helper()
	req, err := http.NewRequest("GET", "http://"+addr+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return e.do(req)
}

// mainAddr is Longshore's own address (the main port).
func (e *env) mainAddr() string { return strings.TrimPrefix(e.ls.URL, "http://") }

// waitHealthy waits until every registration of a group is healthy.
func (e *env) waitHealthy(tgArn *string, n int) {
	e.t.Helper()
	e.waitStates(tgArn, n, "healthy")
}

func (e *env) waitStates(tgArn *string, n int, want string) {
	e.t.Helper()
	harness.Eventually(e.t, 20*time.Second, "targets "+want, func() (bool, string) {
		out, err := e.c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		if err != nil {
			return false, err.Error()
		}
		seen, ok := "", 0
		for _, d := range out.TargetHealthDescriptions {
			seen += fmt.Sprintf("%d:%s/%s ", aws.ToInt32(d.Target.Port), d.TargetHealth.State, d.TargetHealth.Reason)
			if string(d.TargetHealth.State) == want {
				ok++
			}
		}
		return ok == n && len(out.TargetHealthDescriptions) == n, seen
	})
}
