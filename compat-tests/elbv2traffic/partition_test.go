package elbv2traffic_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A load balancer made through a region of another partition answers on
// the main port under its own DNS name: amazonaws.com.cn in China, and the
// ISO partitions' suffixes (c2s.ic.gov for us-iso-east-1), as AWS names them
// (the partition table of botocore's endpoints.json).
func TestHostRouteInEveryPartition(t *testing.T) {
	e := start(t)
	for _, c := range []struct{ region, suffix string }{
		{"cn-north-1", ".cn-north-1.elb.amazonaws.com.cn"},
		{"us-gov-west-1", ".us-gov-west-1.elb.amazonaws.com"},
		{"us-iso-east-1", ".us-iso-east-1.elb.c2s.ic.gov"},
	} {
		cfg := e.ls.Config.Copy()
		cfg.Region = c.region
		client := elb.NewFromConfig(cfg)
		lb, err := client.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("p-" + c.region), Subnets: harness.DefaultSubnets(t, cfg)[:2]})
		if err != nil {
			t.Fatalf("%s: %v", c.region, err)
		}
		dns := aws.ToString(lb.LoadBalancers[0].DNSName)
		if !strings.HasSuffix(dns, c.suffix) {
			t.Errorf("%s: DNS name %s, want the suffix %s", c.region, dns, c.suffix)
		}
		if _, err := client.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
			Protocol: types.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: []types.Action{{Type: types.ActionTypeEnumFixedResponse,
				FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("200"), ContentType: aws.String("text/plain"), MessageBody: aws.String(c.region)}}}}); err != nil {
			t.Fatal(err)
		}
		harness.Eventually(t, harness.Wait, c.region+" load balancer answering on the main port", func() (bool, string) {
			r := e.get(e.mainAddr(), dns, "/", nil)
			return r.status == 200 && r.body == c.region, r.body
		})
	}
}
