package elbv2

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/store"
)

func TestDNSNameAndZone(t *testing.T) {
	sc := store.Scope{Account: "123456789012", Region: "eu-west-1"}
	cases := []struct {
		t      types.LoadBalancerTypeEnum
		scheme types.LoadBalancerSchemeEnum
		prefix string
		suffix string
		zone   string
	}{
		{types.LoadBalancerTypeEnumApplication, types.LoadBalancerSchemeEnumInternetFacing, "web-", ".eu-west-1.elb.amazonaws.com", "Z32O12XQLNTSW2"},
		{types.LoadBalancerTypeEnumApplication, types.LoadBalancerSchemeEnumInternal, "internal-web-", ".eu-west-1.elb.amazonaws.com", "Z32O12XQLNTSW2"},
		{types.LoadBalancerTypeEnumNetwork, types.LoadBalancerSchemeEnumInternetFacing, "web-", ".elb.eu-west-1.amazonaws.com", "Z2IFOLAFXWLO4F"},
	}
	for _, tc := range cases {
		lb := &types.LoadBalancer{LoadBalancerName: aws.String("web"), Type: tc.t, Scheme: tc.scheme,
			LoadBalancerArn: aws.String(newLoadBalancerArn(sc, tc.t, "web"))}
		got := dnsName(lb, sc.Region)
		if !strings.HasPrefix(got, tc.prefix) || !strings.HasSuffix(got, tc.suffix) {
			t.Errorf("%s %s: dns %q", tc.t, tc.scheme, got)
		}
		if z := hostedZoneID(tc.t, sc.Region); z != tc.zone {
			t.Errorf("%s: zone %q", tc.t, z)
		}
	}
}

func TestArns(t *testing.T) {
	sc := store.Scope{Account: "123456789012", Region: "us-west-2"}
	lb := newLoadBalancerArn(sc, types.LoadBalancerTypeEnumNetwork, "my-nlb")
	l := newListenerArn(lb)
	r := newRuleArn(l)
	cases := map[string]string{lb: "loadbalancer", l: "listener", r: "listener-rule", newTargetGroupArn(sc, "tg"): "targetgroup",
		newTrustStoreArn(sc, "ts"): "truststore", "arn:aws:s3:::bucket": ""}
	for arn, kind := range cases {
		if got := resourceKind(arn); got != kind {
			t.Errorf("%s: kind %q, want %q", arn, got, kind)
		}
	}
	if !strings.HasPrefix(l, "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/net/my-nlb/") || len(strings.Split(r, "/")) != 6 {
		t.Errorf("listener %s rule %s", l, r)
	}
	if got, ok := scopeOfArn(lb); !ok || got != sc {
		t.Errorf("scope of %s: %v", lb, got)
	}
}

func TestApplyAttributes(t *testing.T) {
	specs := loadBalancerAttrSpecs(types.LoadBalancerTypeEnumApplication, types.LoadBalancerSchemeEnumInternetFacing)
	have := defaults(specs)
	cases := []struct {
		key, value string
		wantErr    bool
	}{
		{"idle_timeout.timeout_seconds", "120", false},
		{"idle_timeout.timeout_seconds", "0", true},
		{"idle_timeout.timeout_seconds", "abc", true},
		{"routing.http2.enabled", "false", false},
		{"routing.http2.enabled", "yes", true},
		{"routing.http.desync_mitigation_mode", "strictest", false},
		{"no.such.key", "1", true},
		{"load_balancing.cross_zone.enabled", "false", true},
	}
	for _, tc := range cases {
		out, err := applyAttributes("Load balancer", specs, have, []*string{aws.String(tc.key)}, []*string{aws.String(tc.value)})
		if (err != nil) != tc.wantErr {
			t.Fatalf("%s=%s: err %v", tc.key, tc.value, err)
		}
		if err == nil && out[tc.key] != tc.value {
			t.Errorf("%s: %q", tc.key, out[tc.key])
		}
	}
	if have["idle_timeout.timeout_seconds"] != "60" || have["routing.http2.enabled"] != "true" {
		t.Errorf("defaults changed: %v", have)
	}
}

func TestTargetGroupAttributeDefaults(t *testing.T) {
	cases := []struct {
		tg   types.TargetGroup
		key  string
		want string
	}{
		{types.TargetGroup{TargetType: "ip", Protocol: "HTTP"}, "stickiness.type", "lb_cookie"},
		{types.TargetGroup{TargetType: "ip", Protocol: "TCP"}, "stickiness.type", "source_ip"},
		{types.TargetGroup{TargetType: "ip", Protocol: "TLS"}, "preserve_client_ip.enabled", "false"},
		{types.TargetGroup{TargetType: "instance", Protocol: "TCP"}, "preserve_client_ip.enabled", "true"},
		{types.TargetGroup{TargetType: "instance", Protocol: "GENEVE"}, "target_failover.on_unhealthy", "no_rebalance"},
		{types.TargetGroup{TargetType: "lambda"}, "lambda.multi_value_headers.enabled", "false"},
		{types.TargetGroup{TargetType: "ip", Protocol: "HTTPS"}, "deregistration_delay.timeout_seconds", "300"},
	}
	for _, tc := range cases {
		if got := defaults(targetGroupAttrSpecs(&tc.tg))[tc.key]; got != tc.want {
			t.Errorf("%s/%s %s = %q, want %q", tc.tg.TargetType, tc.tg.Protocol, tc.key, got, tc.want)
		}
	}
}

func TestHealthCheckDefaults(t *testing.T) {
	cases := []struct {
		tg       types.TargetGroup
		hc       healthCheckSettings
		protocol types.ProtocolEnum
		timeout  int32
		interval int32
		matcher  string
		wantErr  bool
	}{
		{types.TargetGroup{TargetType: "ip", Protocol: "HTTP"}, healthCheckSettings{}, "HTTP", 5, 30, "200", false},
		{types.TargetGroup{TargetType: "ip", Protocol: "TCP"}, healthCheckSettings{}, "TCP", 10, 30, "", false},
		{types.TargetGroup{TargetType: "ip", Protocol: "TCP"}, healthCheckSettings{Protocol: "HTTP"}, "HTTP", 6, 30, "200-399", false},
		{types.TargetGroup{TargetType: "instance", Protocol: "GENEVE"}, healthCheckSettings{}, "TCP", 5, 10, "", false},
		{types.TargetGroup{TargetType: "lambda"}, healthCheckSettings{}, "", 30, 35, "200", false},
		{types.TargetGroup{TargetType: "ip", Protocol: "HTTP"}, healthCheckSettings{Protocol: "TCP"}, "", 0, 0, "", true},
		{types.TargetGroup{TargetType: "ip", Protocol: "HTTP"}, healthCheckSettings{Timeout: aws.Int32(30)}, "", 0, 0, "", true},
		{types.TargetGroup{TargetType: "ip", Protocol: "HTTP"}, healthCheckSettings{Matcher: &types.Matcher{HttpCode: aws.String("600")}}, "", 0, 0, "", true},
	}
	for i, tc := range cases {
		tg := tc.tg
		err := applyHealthCheckDefaults(&tg, tc.hc)
		if (err != nil) != tc.wantErr {
			t.Fatalf("case %d: err %v", i, err)
		}
		if err != nil {
			continue
		}
		matcher := ""
		if tg.Matcher != nil {
			matcher = aws.ToString(tg.Matcher.HttpCode)
		}
		if tg.HealthCheckProtocol != tc.protocol || *tg.HealthCheckTimeoutSeconds != tc.timeout || *tg.HealthCheckIntervalSeconds != tc.interval || matcher != tc.matcher {
			t.Errorf("case %d: %s timeout %d interval %d matcher %q", i, tg.HealthCheckProtocol, *tg.HealthCheckTimeoutSeconds, *tg.HealthCheckIntervalSeconds, matcher)
		}
	}
}

func TestNormalizeConditions(t *testing.T) {
	cases := []struct {
		name    string
		in      []types.RuleCondition
		wantErr bool
	}{
		{"legacy path", []types.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/api/*"}}}, false},
		{"host config", []types.RuleCondition{{Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{Values: []string{"a.example.com"}}}}, false},
		{"none", nil, true},
		{"bad field", []types.RuleCondition{{Field: aws.String("cookie"), Values: []string{"x"}}}, true},
		{"bad cidr", []types.RuleCondition{{Field: aws.String("source-ip"), SourceIpConfig: &types.SourceIpConditionConfig{Values: []string{"10.0.0.0/33"}}}}, true},
		{"bad method", []types.RuleCondition{{Field: aws.String("http-request-method"), HttpRequestMethodConfig: &types.HttpRequestMethodConditionConfig{Values: []string{"get"}}}}, true},
		{"too many values", []types.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/1", "/2", "/3", "/4", "/5", "/6"}}}, true},
		{"duplicate field", []types.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/1"}}, {Field: aws.String("path-pattern"), Values: []string{"/2"}}}, true},
		{"query string without value", []types.RuleCondition{{Field: aws.String("query-string"), QueryStringConfig: &types.QueryStringConditionConfig{Values: []types.QueryStringKeyValuePair{{Key: aws.String("a")}}}}}, true},
	}
	for _, tc := range cases {
		out, err := normalizeConditions(tc.in)
		if (err != nil) != tc.wantErr {
			t.Fatalf("%s: err %v", tc.name, err)
		}
		if tc.name == "legacy path" && (out[0].PathPatternConfig == nil || out[0].PathPatternConfig.Values[0] != "/api/*") {
			t.Errorf("legacy values not mirrored into the config: %+v", out[0])
		}
		if tc.name == "host config" && (len(out[0].Values) != 1) {
			t.Errorf("config values not mirrored into Values: %+v", out[0])
		}
	}
}

func TestRedirectNormalization(t *testing.T) {
	loop := types.Action{Type: "redirect", RedirectConfig: &types.RedirectActionConfig{StatusCode: "HTTP_301"}}
	if err := normalizeRedirect(&loop); err == nil {
		t.Error("a redirect to itself was accepted")
	}
	https := types.Action{Type: "redirect", RedirectConfig: &types.RedirectActionConfig{Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: "HTTP_301"}}
	if err := normalizeRedirect(&https); err != nil {
		t.Fatal(err)
	}
	if *https.RedirectConfig.Host != "#{host}" || *https.RedirectConfig.Path != "/#{path}" || *https.RedirectConfig.Query != "#{query}" {
		t.Errorf("defaults %+v", https.RedirectConfig)
	}
}

func TestSSLPolicyCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range sslPolicies {
		if seen[p.name] || len(p.ciphers) == 0 || len(p.protocols) == 0 {
			t.Errorf("policy %s", p.name)
		}
		seen[p.name] = true
	}
	p, ok := findSSLPolicy(defaultSSLPolicy)
	if !ok || len(p.ciphers) != 18 || p.sdk().Ciphers[0].Name == nil || *p.sdk().Ciphers[17].Priority != 18 {
		t.Errorf("default policy %+v", p)
	}
	if err := checkSSLPolicy("ELBSecurityPolicy-Nope", "application"); err == nil {
		t.Error("unknown policy accepted")
	}
}

func TestQuotasUsedAreKnown(t *testing.T) {
	for _, name := range []string{"application-load-balancers", "network-load-balancers", "gateway-load-balancers", "target-groups",
		"targets-per-application-load-balancer", "listeners-per-application-load-balancer", "rules-per-application-load-balancer",
		"certificates-per-application-load-balancer", "target-groups-per-application-load-balancer", "trust-stores"} {
		if n := quota(name); n <= 0 || n >= 1<<30 {
			t.Errorf("quota %s = %d", name, n)
		}
	}
}
