package elbv2_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

const (
	certA = "arn:aws:acm:us-east-1:000000000000:certificate/11111111-2222-3333-4444-555555555555"
	certB = "arn:aws:acm:us-east-1:000000000000:certificate/66666666-2222-3333-4444-555555555555"
	certC = "arn:aws:iam::000000000000:server-certificate/legacy"
)

func TestELBv2ListenersAndDefaultActions(t *testing.T) {
	e := start(t)
	lb := e.alb("front")
	blue := e.targetGroup("blue", "HTTP", "ip")
	green := e.targetGroup("green", "HTTP", "ip")

	l := e.httpListener(lb.LoadBalancerArn, 80, forward(blue.TargetGroupArn))
	if !strings.HasPrefix(*l.ListenerArn, strings.Replace(*lb.LoadBalancerArn, ":loadbalancer/", ":listener/", 1)+"/") {
		t.Errorf("listener arn %s", *l.ListenerArn)
	}
	a := l.DefaultActions[0]
	if aws.ToString(a.TargetGroupArn) != *blue.TargetGroupArn || a.ForwardConfig == nil || aws.ToInt32(a.ForwardConfig.TargetGroups[0].Weight) != 1 ||
		aws.ToBool(a.ForwardConfig.TargetGroupStickinessConfig.Enabled) || aws.ToInt32(a.Order) != 1 {
		t.Errorf("forward action %+v", a)
	}
	again := e.httpListener(lb.LoadBalancerArn, 80, forward(blue.TargetGroupArn))
	if *again.ListenerArn != *l.ListenerArn {
		t.Errorf("repeating the create made listener %s", *again.ListenerArn)
	}
	_, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTP", Port: aws.Int32(80), DefaultActions: forward(green.TargetGroupArn)})
	ae := harness.AssertAPIError(t, err, "DuplicateListener")
	if ae.ErrorMessage() != "A listener already exists on this port for this load balancer '"+*lb.LoadBalancerArn+"'" {
		t.Errorf("message %q", ae.ErrorMessage())
	}

	// Weighted forward with stickiness, then redirect and fixed-response listeners.
	weighted := []types.Action{{Type: "forward", ForwardConfig: &types.ForwardActionConfig{
		TargetGroups:                []types.TargetGroupTuple{{TargetGroupArn: blue.TargetGroupArn, Weight: aws.Int32(90)}, {TargetGroupArn: green.TargetGroupArn, Weight: aws.Int32(10)}},
		TargetGroupStickinessConfig: &types.TargetGroupStickinessConfig{Enabled: aws.Bool(true), DurationSeconds: aws.Int32(300)},
	}}}
	m, err := e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: l.ListenerArn, DefaultActions: weighted})
	if err != nil {
		t.Fatal(err)
	}
	if fc := m.Listeners[0].DefaultActions[0].ForwardConfig; len(fc.TargetGroups) != 2 || aws.ToInt32(fc.TargetGroups[1].Weight) != 10 ||
		m.Listeners[0].DefaultActions[0].TargetGroupArn != nil || aws.ToInt32(fc.TargetGroupStickinessConfig.DurationSeconds) != 300 {
		t.Errorf("weighted %+v", m.Listeners[0].DefaultActions[0])
	}
	g, _ := e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{*green.TargetGroupArn}})
	if len(g.TargetGroups[0].LoadBalancerArns) != 1 {
		t.Errorf("green load balancers %v", g.TargetGroups[0].LoadBalancerArns)
	}
	redirect := e.httpListener(lb.LoadBalancerArn, 8080, []types.Action{{Type: "redirect", RedirectConfig: &types.RedirectActionConfig{
		Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: types.RedirectActionStatusCodeEnumHttp301}}})
	if rc := redirect.DefaultActions[0].RedirectConfig; aws.ToString(rc.Host) != "#{host}" || aws.ToString(rc.Path) != "/#{path}" || aws.ToString(rc.Query) != "#{query}" {
		t.Errorf("redirect defaults %+v", rc)
	}
	fixed := e.httpListener(lb.LoadBalancerArn, 8081, []types.Action{{Type: "fixed-response", FixedResponseConfig: &types.FixedResponseActionConfig{
		StatusCode: aws.String("503"), ContentType: aws.String("text/plain"), MessageBody: aws.String("down")}}})
	if aws.ToString(fixed.DefaultActions[0].FixedResponseConfig.MessageBody) != "down" {
		t.Errorf("fixed response %+v", fixed.DefaultActions[0])
	}
	_, err = e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: fixed.ListenerArn, Port: aws.Int32(8080)})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	if ae.ErrorMessage() != "Listener port '8080' is already in use" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	bad := []struct {
		actions []types.Action
		code    string
	}{
		{[]types.Action{{Type: "redirect", RedirectConfig: &types.RedirectActionConfig{StatusCode: types.RedirectActionStatusCodeEnumHttp302}}}, "InvalidLoadBalancerAction"},
		{forward(aws.String(strings.Replace(*blue.TargetGroupArn, "blue", "nope", 1))), "TargetGroupNotFound"},
		{[]types.Action{{Type: "authenticate-cognito", AuthenticateCognitoConfig: &types.AuthenticateCognitoActionConfig{UserPoolArn: aws.String("arn:aws:cognito-idp:us-east-1:000000000000:userpool/x"),
			UserPoolClientId: aws.String("c"), UserPoolDomain: aws.String("d")}, Order: aws.Int32(1)}, {Type: "forward", TargetGroupArn: blue.TargetGroupArn, Order: aws.Int32(2)}}, "InvalidLoadBalancerAction"},
		{[]types.Action{{Type: "forward", TargetGroupArn: blue.TargetGroupArn, Order: aws.Int32(1)}, {Type: "fixed-response", FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("200")}, Order: aws.Int32(2)}}, "InvalidLoadBalancerAction"},
	}
	for i, tc := range bad {
		_, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTP", Port: aws.Int32(int32(9000 + i)), DefaultActions: tc.actions})
		harness.AssertAPIError(t, err, tc.code)
	}

	// Incompatible protocols and a group already used by another load balancer.
	tcp := e.targetGroup("tcp", "TCP", "ip")
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTP", Port: aws.Int32(81), DefaultActions: forward(tcp.TargetGroupArn)})
	harness.AssertAPIError(t, err, "IncompatibleProtocols")
	other := e.alb("other")
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: other.LoadBalancerArn, Protocol: "HTTP", Port: aws.Int32(80), DefaultActions: forward(blue.TargetGroupArn)})
	ae = harness.AssertAPIError(t, err, "TargetGroupAssociationLimit")
	if ae.ErrorMessage() != "The following target groups cannot be associated with more than one load balancer: "+*blue.TargetGroupArn {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// AWS: "ValidationError: Listener protocol 'TCP' must be one of 'HTTPS, HTTP'" (hashicorp/terraform#18126).
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "TCP", Port: aws.Int32(82), DefaultActions: forward(tcp.TargetGroupArn)})
	harness.AssertError(t, err, "ValidationError", 400, "Listener protocol 'TCP' must be one of 'HTTPS, HTTP'")

	p := elb.NewDescribeListenersPaginator(e.c, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn, PageSize: aws.Int32(2)})
	var ports []int32
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range out.Listeners {
			ports = append(ports, *l.Port)
		}
	}
	if len(ports) != 3 {
		t.Errorf("listener ports %v", ports)
	}
	_, err = e.c.DescribeListeners(harness.Ctx, &elb.DescribeListenersInput{})
	harness.AssertAPIError(t, err, "ValidationError")

	if _, err := e.c.DeleteListener(harness.Ctx, &elb.DeleteListenerInput{ListenerArn: redirect.ListenerArn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DescribeListeners(harness.Ctx, &elb.DescribeListenersInput{ListenerArns: []string{*redirect.ListenerArn}})
	ae = harness.AssertAPIError(t, err, "ListenerNotFound")
	if ae.ErrorMessage() != "One or more listeners not found" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// Deleting the load balancer deletes its listeners and frees its groups.
	if _, err := e.c.DeleteLoadBalancer(harness.Ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: lb.LoadBalancerArn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DescribeListeners(harness.Ctx, &elb.DescribeListenersInput{ListenerArns: []string{*l.ListenerArn}})
	harness.AssertAPIError(t, err, "ListenerNotFound")
	if _, err := e.c.DeleteTargetGroup(harness.Ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: blue.TargetGroupArn}); err != nil {
		t.Fatal(err)
	}
}

func TestELBv2HTTPSListenerCertificatesAndAuth(t *testing.T) {
	e := start(t)
	lb := e.alb("secure")
	tg := e.targetGroup("app", "HTTP", "ip")
	_, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTPS", Port: aws.Int32(443), DefaultActions: forward(tg.TargetGroupArn)})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTPS", Port: aws.Int32(443),
		Certificates: []types.Certificate{{CertificateArn: aws.String("not-a-cert")}}, DefaultActions: forward(tg.TargetGroupArn)})
	harness.AssertAPIError(t, err, "CertificateNotFound")
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTPS", Port: aws.Int32(443), SslPolicy: aws.String("ELBSecurityPolicy-Nope"),
		Certificates: []types.Certificate{{CertificateArn: aws.String(certA)}}, DefaultActions: forward(tg.TargetGroupArn)})
	harness.AssertAPIError(t, err, "SSLPolicyNotFound")

	auth := []types.Action{
		{Type: "authenticate-oidc", Order: aws.Int32(1), AuthenticateOidcConfig: &types.AuthenticateOidcActionConfig{
			Issuer: aws.String("https://idp.example.com"), AuthorizationEndpoint: aws.String("https://idp.example.com/auth"),
			TokenEndpoint: aws.String("https://idp.example.com/token"), UserInfoEndpoint: aws.String("https://idp.example.com/userinfo"),
			ClientId: aws.String("client"), ClientSecret: aws.String("secret")}},
		{Type: "forward", Order: aws.Int32(2), TargetGroupArn: tg.TargetGroupArn},
	}
	out, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTPS", Port: aws.Int32(443),
		Certificates: []types.Certificate{{CertificateArn: aws.String(certA)}}, DefaultActions: auth})
	if err != nil {
		t.Fatal(err)
	}
	l := out.Listeners[0]
	if aws.ToString(l.SslPolicy) != "ELBSecurityPolicy-2016-08" || len(l.Certificates) != 1 || aws.ToString(l.Certificates[0].CertificateArn) != certA ||
		aws.ToString(l.MutualAuthentication.Mode) != "off" {
		t.Errorf("https listener %+v", l)
	}
	oidc := l.DefaultActions[0].AuthenticateOidcConfig
	if oidc.ClientSecret != nil || aws.ToString(oidc.SessionCookieName) != "AWSELBAuthSessionCookie" || aws.ToString(oidc.Scope) != "openid" ||
		aws.ToInt64(oidc.SessionTimeout) != 604800 || oidc.OnUnauthenticatedRequest != types.AuthenticateOidcActionConditionalBehaviorEnumAuthenticate {
		t.Errorf("oidc defaults %+v", oidc)
	}

	added, err := e.c.AddListenerCertificates(harness.Ctx, &elb.AddListenerCertificatesInput{ListenerArn: l.ListenerArn,
		Certificates: []types.Certificate{{CertificateArn: aws.String(certB)}, {CertificateArn: aws.String(certC)}, {CertificateArn: aws.String(certA)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(added.Certificates) != 3 || aws.ToBool(added.Certificates[0].IsDefault) {
		t.Errorf("added %+v", added.Certificates)
	}
	p := elb.NewDescribeListenerCertificatesPaginator(e.c, &elb.DescribeListenerCertificatesInput{ListenerArn: l.ListenerArn, PageSize: aws.Int32(2)})
	var certs []types.Certificate
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, page.Certificates...)
	}
	// The default certificate also in the list appears twice.
	if len(certs) != 4 || !aws.ToBool(certs[0].IsDefault) || aws.ToString(certs[0].CertificateArn) != certA || aws.ToString(certs[3].CertificateArn) != certA || aws.ToBool(certs[3].IsDefault) {
		t.Errorf("certificates %+v", certs)
	}
	_, err = e.c.RemoveListenerCertificates(harness.Ctx, &elb.RemoveListenerCertificatesInput{ListenerArn: l.ListenerArn, Certificates: []types.Certificate{{CertificateArn: aws.String(certA), IsDefault: aws.Bool(true)}}})
	harness.AssertAPIError(t, err, "OperationNotPermitted")
	if _, err := e.c.RemoveListenerCertificates(harness.Ctx, &elb.RemoveListenerCertificatesInput{ListenerArn: l.ListenerArn, Certificates: []types.Certificate{{CertificateArn: aws.String(certC)}, {CertificateArn: aws.String(certA)}}}); err != nil {
		t.Fatal(err)
	}
	m, err := e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: l.ListenerArn, Certificates: []types.Certificate{{CertificateArn: aws.String(certB)}},
		SslPolicy: aws.String("ELBSecurityPolicy-TLS13-1-2-2021-06")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(m.Listeners[0].Certificates[0].CertificateArn) != certB || aws.ToString(m.Listeners[0].SslPolicy) != "ELBSecurityPolicy-TLS13-1-2-2021-06" {
		t.Errorf("modified %+v", m.Listeners[0])
	}
	dc, _ := e.c.DescribeListenerCertificates(harness.Ctx, &elb.DescribeListenerCertificatesInput{ListenerArn: l.ListenerArn})
	if len(dc.Certificates) != 2 || aws.ToString(dc.Certificates[0].CertificateArn) != certB || !aws.ToBool(dc.Certificates[0].IsDefault) || aws.ToBool(dc.Certificates[1].IsDefault) {
		t.Errorf("after default change %+v", dc.Certificates)
	}
	// HTTPS → HTTP drops certificates and the policy; authentication then is refused.
	_, err = e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: l.ListenerArn, Protocol: "HTTP"})
	harness.AssertAPIError(t, err, "InvalidLoadBalancerAction")
	m, err = e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: l.ListenerArn, Protocol: "HTTP", Port: aws.Int32(80), DefaultActions: forward(tg.TargetGroupArn)})
	if err != nil {
		t.Fatal(err)
	}
	if m.Listeners[0].SslPolicy != nil || len(m.Listeners[0].Certificates) != 0 || *m.Listeners[0].Port != 80 {
		t.Errorf("after switching to HTTP %+v", m.Listeners[0])
	}
	_, err = e.c.AddListenerCertificates(harness.Ctx, &elb.AddListenerCertificatesInput{ListenerArn: l.ListenerArn, Certificates: []types.Certificate{{CertificateArn: aws.String(certB)}}})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestELBv2NetworkListenersAndAttributes(t *testing.T) {
	e := start(t)
	nlb := e.nlb("tcp")
	tcp := e.targetGroup("tcp", "TCP", "ip")
	out, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: nlb.LoadBalancerArn, Protocol: "TLS", Port: aws.Int32(443),
		Certificates: []types.Certificate{{CertificateArn: aws.String(certA)}}, AlpnPolicy: []string{"HTTP2Preferred"}, DefaultActions: forward(tcp.TargetGroupArn)})
	if err != nil {
		t.Fatal(err)
	}
	tls := out.Listeners[0]
	if tls.AlpnPolicy[0] != "HTTP2Preferred" || aws.ToString(tls.SslPolicy) == "" {
		t.Errorf("tls listener %+v", tls)
	}
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: nlb.LoadBalancerArn, Protocol: "TCP", Port: aws.Int32(80), AlpnPolicy: []string{"HTTP2Preferred"}, DefaultActions: forward(tcp.TargetGroupArn)})
	harness.AssertAPIError(t, err, "ValidationError")
	// AWS: "ValidationError: Listener protocol 'HTTP' must be one of 'TLS, TCP, TCP_UDP, UDP'" (pulumi/pulumi-aws#1193).
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: nlb.LoadBalancerArn, Protocol: "HTTP", Port: aws.Int32(80), DefaultActions: forward(tcp.TargetGroupArn)})
	harness.AssertAPIError(t, err, "ValidationError")
	l2, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: nlb.LoadBalancerArn, Protocol: "TCP", Port: aws.Int32(5432), DefaultActions: forward(tcp.TargetGroupArn)})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := e.c.DescribeListenerAttributes(harness.Ctx, &elb.DescribeListenerAttributesInput{ListenerArn: l2.Listeners[0].ListenerArn})
	if err != nil {
		t.Fatal(err)
	}
	if len(attrs.Attributes) != 1 || *attrs.Attributes[0].Key != "tcp.idle_timeout.seconds" || *attrs.Attributes[0].Value != "350" {
		t.Errorf("tcp listener attributes %+v", attrs.Attributes)
	}
	mod, err := e.c.ModifyListenerAttributes(harness.Ctx, &elb.ModifyListenerAttributesInput{ListenerArn: l2.Listeners[0].ListenerArn,
		Attributes: []types.ListenerAttribute{{Key: aws.String("tcp.idle_timeout.seconds"), Value: aws.String("600")}}})
	if err != nil || *mod.Attributes[0].Value != "600" {
		t.Fatalf("modify listener attributes %v %v", mod, err)
	}
	_, err = e.c.ModifyListenerAttributes(harness.Ctx, &elb.ModifyListenerAttributesInput{ListenerArn: l2.Listeners[0].ListenerArn,
		Attributes: []types.ListenerAttribute{{Key: aws.String("tcp.idle_timeout.seconds"), Value: aws.String("10")}}})
	harness.AssertAPIError(t, err, "ValidationError")

	alb := e.alb("alb")
	http := e.httpListener(alb.LoadBalancerArn, 80, []types.Action{{Type: "fixed-response", FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("200")}}})
	ha, _ := e.c.DescribeListenerAttributes(harness.Ctx, &elb.DescribeListenerAttributesInput{ListenerArn: http.ListenerArn})
	found := false
	for _, a := range ha.Attributes {
		found = found || (*a.Key == "routing.http.response.server.enabled" && *a.Value == "true")
	}
	if !found {
		t.Errorf("http listener attributes %+v", ha.Attributes)
	}

	// Gateway load balancers take one listener without protocol or port, forwarding to GENEVE.
	gw, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("gw"), Type: "gateway", Subnets: e.subnets()[:1]})
	if err != nil {
		t.Fatal(err)
	}
	gtg, err := e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("appliances"), Protocol: "GENEVE", Port: aws.Int32(6081), VpcId: aws.String(e.vpc())})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: gw.LoadBalancers[0].LoadBalancerArn, Protocol: "TCP", Port: aws.Int32(80), DefaultActions: forward(gtg.TargetGroups[0].TargetGroupArn)})
	harness.AssertAPIError(t, err, "ValidationError")
	gl, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: gw.LoadBalancers[0].LoadBalancerArn, DefaultActions: forward(gtg.TargetGroups[0].TargetGroupArn)})
	if err != nil {
		t.Fatal(err)
	}
	if gl.Listeners[0].Protocol != "" || gl.Listeners[0].Port != nil {
		t.Errorf("gateway listener %+v", gl.Listeners[0])
	}
}
