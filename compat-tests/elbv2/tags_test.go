package elbv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func tag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

func TestELBv2Tags(t *testing.T) {
	e := start(t)
	out, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("tagged"), Subnets: e.subnets()[:2],
		Tags: []types.Tag{tag("env", "dev")}})
	if err != nil {
		t.Fatal(err)
	}
	lb := out.LoadBalancers[0]
	tg := e.targetGroup("tagged", "HTTP", "ip")
	arns := []string{*lb.LoadBalancerArn, *tg.TargetGroupArn}
	if _, err := e.c.AddTags(harness.Ctx, &elb.AddTagsInput{ResourceArns: arns, Tags: []types.Tag{tag("team", "core"), tag("env", "prod")}}); err != nil {
		t.Fatal(err)
	}
	d, err := e.c.DescribeTags(harness.Ctx, &elb.DescribeTagsInput{ResourceArns: arns})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.TagDescriptions) != 2 {
		t.Fatalf("descriptions %+v", d.TagDescriptions)
	}
	lbTags := map[string]string{}
	for _, tg := range d.TagDescriptions[0].Tags {
		lbTags[*tg.Key] = *tg.Value
	}
	if len(lbTags) != 2 || lbTags["env"] != "prod" || lbTags["team"] != "core" || len(d.TagDescriptions[1].Tags) != 2 {
		t.Errorf("tags %+v", d.TagDescriptions)
	}
	if _, err := e.c.RemoveTags(harness.Ctx, &elb.RemoveTagsInput{ResourceArns: arns[:1], TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	d, _ = e.c.DescribeTags(harness.Ctx, &elb.DescribeTagsInput{ResourceArns: arns[:1]})
	if len(d.TagDescriptions[0].Tags) != 1 || *d.TagDescriptions[0].Tags[0].Key != "team" {
		t.Errorf("after remove %+v", d.TagDescriptions[0].Tags)
	}
	_, err = e.c.AddTags(harness.Ctx, &elb.AddTagsInput{ResourceArns: arns[:1], Tags: []types.Tag{tag("a", "1"), tag("a", "2")}})
	harness.AssertAPIError(t, err, "DuplicateTagKeys")
	many := make([]types.Tag, 50)
	for i := range many {
		many[i] = tag("k"+string(rune('A'+i%26))+string(rune('a'+i/26)), "v")
	}
	_, err = e.c.AddTags(harness.Ctx, &elb.AddTagsInput{ResourceArns: arns[:1], Tags: many})
	harness.AssertAPIError(t, err, "TooManyTags")
	_, err = e.c.DescribeTags(harness.Ctx, &elb.DescribeTagsInput{ResourceArns: []string{*tg.TargetGroupArn + "9"}})
	harness.AssertAPIError(t, err, "TargetGroupNotFound")
	_, err = e.c.AddTags(harness.Ctx, &elb.AddTagsInput{ResourceArns: []string{*lb.LoadBalancerArn + "9"}, Tags: []types.Tag{tag("x", "y")}})
	harness.AssertAPIError(t, err, "LoadBalancerNotFound")
}
