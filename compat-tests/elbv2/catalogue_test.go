package elbv2_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestELBv2SSLPolicies(t *testing.T) {
	e := start(t)
	out, err := e.c.DescribeSSLPolicies(harness.Ctx, &elb.DescribeSSLPoliciesInput{Names: []string{"ELBSecurityPolicy-TLS13-1-2-2021-06"}})
	if err != nil {
		t.Fatal(err)
	}
	p := out.SslPolicies[0]
	if !slices.Equal(p.SslProtocols, []string{"TLSv1.2", "TLSv1.3"}) || aws.ToString(p.Ciphers[0].Name) != "TLS_AES_128_GCM_SHA256" ||
		aws.ToInt32(p.Ciphers[0].Priority) != 1 || !slices.Contains(p.SupportedLoadBalancerTypes, "application") {
		t.Errorf("policy %+v", p)
	}
	var names []string
	var marker *string
	for {
		page, err := e.c.DescribeSSLPolicies(harness.Ctx, &elb.DescribeSSLPoliciesInput{PageSize: aws.Int32(10), Marker: marker, LoadBalancerType: "network"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.SslPolicies {
			names = append(names, *p.Name)
		}
		if marker = page.NextMarker; marker == nil {
			break
		}
	}
	if len(names) < 20 || !slices.Contains(names, "ELBSecurityPolicy-2016-08") || !slices.Contains(names, "ELBSecurityPolicy-FS-1-2-Res-2020-10") {
		t.Errorf("policies %v", names)
	}
	_, err = e.c.DescribeSSLPolicies(harness.Ctx, &elb.DescribeSSLPoliciesInput{Names: []string{"ELBSecurityPolicy-Nope"}})
	harness.AssertAPIError(t, err, "SSLPolicyNotFound")
}

func TestELBv2AccountLimits(t *testing.T) {
	e := start(t)
	p := elb.NewDescribeAccountLimitsPaginator(e.c, &elb.DescribeAccountLimitsInput{PageSize: aws.Int32(5)})
	limits := map[string]string{}
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, l := range out.Limits {
			limits[*l.Name] = *l.Max
		}
	}
	if pages < 4 || limits["application-load-balancers"] != "50" || limits["target-groups"] != "3000" || limits["rules-per-application-load-balancer"] != "100" {
		t.Errorf("%d pages, limits %v", pages, limits)
	}
}
