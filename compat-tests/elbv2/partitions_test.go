package elbv2_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

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

// TestListenerErrorsAsAWS checks two CreateListener refusals. Sources:
// "ValidationError: Listener protocol 'TCP' must be one of 'HTTPS, HTTP'"
// for an application load balancer (hashicorp/terraform#18126), and
// "TargetGroupNotFound: Target groups 'arn:aws:elasticloadbalancing:...' not
// found" naming the missing group (AWS Load Balancer Controller logs quoted in
// public repositories).
func TestListenerErrorsAsAWS(t *testing.T) {
	e := start(t)
	lb := e.alb(unique("errs"))
	tg := e.targetGroup(unique("tg"), types.ProtocolEnumHttp, types.TargetTypeEnumInstance)
	_, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: types.ProtocolEnumTcp,
		Port: aws.Int32(80), DefaultActions: forward(tg.TargetGroupArn)})
	harness.AssertError(t, err, "ValidationError", 400, "Listener protocol 'TCP' must be one of 'HTTPS, HTTP'")
	missing := strings.Replace(aws.ToString(tg.TargetGroupArn), "/"+aws.ToString(tg.TargetGroupName)+"/", "/nope/", 1)
	_, err = e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: types.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: forward(aws.String(missing))})
	harness.AssertError(t, err, "TargetGroupNotFound", 400, "Target groups '"+missing+"' not found")
	ls := harness.Must(e.c.DescribeListeners(harness.Ctx, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn}))(t)
	if len(ls.Listeners) != 0 {
		t.Fatalf("refused listeners stored: %+v", ls.Listeners)
	}
}
