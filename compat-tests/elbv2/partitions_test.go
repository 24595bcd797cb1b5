package elbv2_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestLoadBalancersFollowTheRegionsPartition checks a load balancer's ARN
// partition and DNS suffix in each partition. Source: the Elastic Load
// Balancing endpoints (elasticloadbalancing.cn-north-1.amazonaws.com.cn) and
// the AWS SDKs' partitions.json (dnsSuffix amazonaws.com.cn for aws-cn,
// c2s.ic.gov for aws-iso, sc2s.sgov.gov for aws-iso-b).
func TestLoadBalancersFollowTheRegionsPartition(t *testing.T) {
	ls := harness.Start(t)
	for _, tc := range []struct{ region, partition, suffix string }{
		{"cn-north-1", "aws-cn", ".cn-north-1.elb.amazonaws.com.cn"},
		{"us-gov-west-1", "aws-us-gov", ".us-gov-west-1.elb.amazonaws.com"},
		{"us-iso-east-1", "aws-iso", ".us-iso-east-1.elb.c2s.ic.gov"},
		{"us-isob-east-1", "aws-iso-b", ".us-isob-east-1.elb.sc2s.sgov.gov"},
	} {
		cfg := ls.Config.Copy()
		cfg.Region = tc.region
		c := elb.NewFromConfig(cfg)
		lb := harness.Must(c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"),
			Subnets: harness.DefaultSubnets(t, cfg)[:2]}))(t).LoadBalancers[0]
		if !strings.HasPrefix(aws.ToString(lb.LoadBalancerArn), "arn:"+tc.partition+":elasticloadbalancing:"+tc.region+":") {
			t.Errorf("%s: arn %s", tc.region, aws.ToString(lb.LoadBalancerArn))
		}
		if dns := aws.ToString(lb.DNSName); !strings.HasPrefix(dns, "web-") || !strings.HasSuffix(dns, tc.suffix) {
			t.Errorf("%s: DNS name %s", tc.region, dns)
		}
	}
}
