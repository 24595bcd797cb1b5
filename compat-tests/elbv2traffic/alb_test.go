package elbv2traffic_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A request reaches the target through both local doors: the main port with
// Host set to the load balancer's DNS name (with and without the listener's
// port), and the listener's own loopback port. ALB adds X-Forwarded-For,
// -Proto and -Port and X-Amzn-Trace-Id, and keeps the Host header.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html
func TestALBForwardsThroughBothDoors(t *testing.T) {
	e := start(t)
	b := newBackend(t, "one")
	lb := e.alb(unique("doors"))
	tg := e.ipGroup(unique("doors"), types.ProtocolEnumHttp, b)
	l := e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg))
	ep := e.endpoint(l)
	if ep.DNSName != aws.ToString(lb.DNSName) || ep.Port != 80 || ep.HostHeader != aws.ToString(lb.DNSName)+":80" {
		t.Fatalf("endpoint = %+v", ep)
	}
	for _, c := range []struct{ addr, host string }{
		{ep.LocalAddress, ""},
		{e.mainAddr(), aws.ToString(lb.DNSName)},
		{e.mainAddr(), aws.ToString(lb.DNSName) + ":80"},
		{e.mainAddr(), strings.ToUpper(aws.ToString(lb.DNSName))},
	} {
		r := e.get(c.addr, c.host, "/hello", map[string]string{"X-Forwarded-For": "203.0.113.9"})
		if r.status != 200 || r.body != "one" {
			t.Fatalf("via %s host %q: %d %q", c.addr, c.host, r.status, r.body)
		}
		h := *b.last.Load()
		if got := h.Get("X-Forwarded-For"); got != "203.0.113.9, 127.0.0.1" {
			t.Errorf("X-Forwarded-For = %q", got)
		}
		if h.Get("X-Forwarded-Proto") != "http" || h.Get("X-Forwarded-Port") != "80" {
			t.Errorf("X-Forwarded-Proto/Port = %q/%q", h.Get("X-Forwarded-Proto"), h.Get("X-Forwarded-Port"))
		}
		if !strings.HasPrefix(h.Get("X-Amzn-Trace-Id"), "Root=1-") {
			t.Errorf("X-Amzn-Trace-Id = %q", h.Get("X-Amzn-Trace-Id"))
		}
		if want := c.host; want != "" && h.Get("Host") != want {
			t.Errorf("Host = %q, want %q", h.Get("Host"), want)
		}
	}
	// A Host that names no load balancer still reaches the AWS API.
	if r := harness.Raw(t, e.ls, "GET", "/_longshore/health", nil, ""); r.Status != 200 {
		t.Fatalf("health: %d", r.Status)
	}
	// A port the load balancer has no listener on.
	if r := e.get(e.mainAddr(), aws.ToString(lb.DNSName)+":8080", "/", nil); r.status != http.StatusServiceUnavailable {
		t.Fatalf("unknown listener port: %d", r.status)
	}
}

// Rules are evaluated by priority with every condition type; redirect,
// fixed-response and the default action answer as ALB does.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-action-types.html
func TestALBRulesAndActions(t *testing.T) {
	e := start(t)
	def, api := newBackend(t, "default"), newBackend(t, "api")
	lb := e.alb(unique("rules"))
	tgDef := e.ipGroup(unique("def"), types.ProtocolEnumHttp, def)
	tgAPI := e.ipGroup(unique("api"), types.ProtocolEnumHttp, api)
	l := e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tgDef))
	fixed := func(body string) []types.Action {
		return []types.Action{{Type: types.ActionTypeEnumFixedResponse, FixedResponseConfig: &types.FixedResponseActionConfig{
			StatusCode: aws.String("418"), ContentType: aws.String("text/plain"), MessageBody: aws.String(body)}}}
	}
	rule := func(prio int32, actions []types.Action, conds ...types.RuleCondition) {
		t.Helper()
		if _, err := e.c.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l, Priority: aws.Int32(prio), Actions: actions, Conditions: conds}); err != nil {
			t.Fatal(err)
		}
	}
	rule(10, forward(tgAPI), types.RuleCondition{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: []string{"/api/*"}}})
	rule(5, fixed("host"), types.RuleCondition{Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{Values: []string{"*.example.com"}}})
	rule(20, fixed("header"), types.RuleCondition{Field: aws.String("http-header"), HttpHeaderConfig: &types.HttpHeaderConditionConfig{HttpHeaderName: aws.String("X-Team"), Values: []string{"blue?"}}})
	rule(30, fixed("method"), types.RuleCondition{Field: aws.String("http-request-method"), HttpRequestMethodConfig: &types.HttpRequestMethodConditionConfig{Values: []string{"DELETE"}}})
	rule(40, fixed("query"), types.RuleCondition{Field: aws.String("query-string"), QueryStringConfig: &types.QueryStringConditionConfig{Values: []types.QueryStringKeyValuePair{{Key: aws.String("v"), Value: aws.String("beta*")}}}})
	rule(50, fixed("source"), types.RuleCondition{Field: aws.String("source-ip"), SourceIpConfig: &types.SourceIpConditionConfig{Values: []string{"192.0.2.0/24"}}})
	rule(60, fixed("local"), types.RuleCondition{Field: aws.String("source-ip"), SourceIpConfig: &types.SourceIpConditionConfig{Values: []string{"127.0.0.0/8"}}},
		types.RuleCondition{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: []string{"/local"}}})
	rule(70, []types.Action{{Type: types.ActionTypeEnumRedirect, RedirectConfig: &types.RedirectActionConfig{
		StatusCode: types.RedirectActionStatusCodeEnumHttp301, Protocol: aws.String("HTTPS"), Port: aws.String("443"), Path: aws.String("/new/#{path}"), Query: aws.String("from=#{host}&#{query}")}}},
		types.RuleCondition{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: []string{"/old/*"}}})
	rule(80, []types.Action{{Type: types.ActionTypeEnumRedirect, RedirectConfig: &types.RedirectActionConfig{
		StatusCode: types.RedirectActionStatusCodeEnumHttp302, Host: aws.String("other.example.net"), Port: aws.String("8443"), Protocol: aws.String("HTTPS")}}},
		types.RuleCondition{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: []string{"/moved"}}})
	ep := e.endpoint(l)
	e.waitHealthy(tgDef, 1)
	cases := []struct {
		name, method, host, path string
		header                   map[string]string
		status                   int
		body, location           string
	}{
		{"default action", "GET", "", "/", nil, 200, "default", ""},
		{"path-pattern", "GET", "", "/api/users", nil, 200, "api", ""},
		{"path-pattern is case sensitive", "GET", "", "/API/users", nil, 200, "default", ""},
		{"host-header wildcard beats by priority", "GET", "shop.EXAMPLE.com", "/api/x", nil, 418, "host", ""},
		{"host-header with port", "GET", "a.example.com:80", "/", nil, 418, "host", ""},
		{"http-header ? wildcard", "GET", "", "/", map[string]string{"X-Team": "Blue1"}, 418, "header", ""},
		{"http-header not matching", "GET", "", "/", map[string]string{"X-Team": "blue12"}, 200, "default", ""},
		{"http-request-method", "DELETE", "", "/", nil, 418, "method", ""},
		{"query-string", "GET", "", "/?a=1&v=BETA2", nil, 418, "query", ""},
		{"source-ip with path", "GET", "", "/local", nil, 418, "local", ""},
		{"redirect 301 with placeholders", "GET", "", "/old/a/b?x=1", nil, 301, "", "https://HOST/new/old/a/b?from=HOST&x=1"},
		{"redirect 302 host and port", "GET", "", "/moved?q=2", nil, 302, "", "https://other.example.net:8443/moved?q=2"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, "http://"+ep.LocalAddress+c.path, nil)
		host := "lb.local"
		if c.host != "" {
			host = c.host
		}
		req.Host = host
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		r := e.do(req)
		if r.status != c.status || (c.body != "" && r.body != c.body) {
			t.Errorf("%s: %d %q, want %d %q", c.name, r.status, r.body, c.status, c.body)
		}
		if c.location != "" {
			if want := strings.ReplaceAll(c.location, "HOST", host); r.header.Get("Location") != want {
				t.Errorf("%s: Location %q, want %q", c.name, r.header.Get("Location"), want)
			}
		}
	}
	// Rules follow changes through the API: a new priority order applies at once.
	if _, err := e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: l, DefaultActions: []types.Action{{Type: types.ActionTypeEnumFixedResponse,
		FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("404"), MessageBody: aws.String("none")}}}}); err != nil {
		t.Fatal(err)
	}
	if r := e.get(ep.LocalAddress, "", "/", nil); r.status != 404 || r.body != "none" {
		t.Fatalf("after ModifyListener: %d %q", r.status, r.body)
	}
}
