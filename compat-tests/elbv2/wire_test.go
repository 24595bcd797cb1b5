package elbv2_test

import (
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

// Requests that SDKs never send still get ELBv2's own errors.
func TestELBv2QueryErrors(t *testing.T) {
	ls := harness.Start(t)
	cases := []struct {
		form, code string
	}{
		{"Action=DescribeLoadBalancers&Version=2015-12-01&LoadBalancerArns.member.1=arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/x/0123456789abcdef", "LoadBalancerNotFound"},
		{"Action=CreateTargetGroup&Version=2015-12-01", "ValidationError"},
		{"Action=CreateLoadBalancer&Version=2015-12-01&Name=x&Type=classic&Subnets.member.1=subnet-1", "ValidationError"},
		{"Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/x/0123456789abcdef", "TargetGroupNotFound"},
	}
	for _, tc := range cases {
		r := harness.Query(t, ls, "elasticloadbalancing", tc.form)
		if r.Status != 400 {
			t.Errorf("%s: status %d", tc.form, r.Status)
		}
		harness.Contains(t, r.Body, "<Code>"+tc.code+"</Code>")
		harness.Contains(t, r.Body, "<Type>Sender</Type>")
	}
	r := harness.Raw(t, ls, "GET", "/_longshore/health", nil, "")
	harness.Contains(t, r.Body, `"elbv2": {
      "operations": 51,
      "implemented": 51`)
}
