package autoscalinggroups_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/longshore/longshore/compat-tests/harness"
)

// checkInstanceTags checks that an instance carries the group's propagated tags.
func checkInstanceTags(t *testing.T, e *env, id string) {
	t.Helper()
	out, err := e.ec2.DescribeInstances(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
		t.Fatalf("instance %s not in EC2", id)
	}
	tags := map[string]string{}
	for _, tag := range out.Reservations[0].Instances[0].Tags {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if tags["team"] != "core" {
		t.Errorf("instance tags %v", tags)
	}
}

func tag(group, key, value string, propagate bool) types.Tag {
	return types.Tag{ResourceId: aws.String(group), ResourceType: aws.String("auto-scaling-group"), Key: aws.String(key), Value: aws.String(value), PropagateAtLaunch: aws.Bool(propagate)}
}

func TestTags(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("tags", "t3.micro", "")
	e.createGroup("a", lt, 0, 1, 0)
	e.createGroup("b", lt, 0, 1, 0)
	if _, err := e.as.CreateOrUpdateTags(harness.Ctx, &autoscaling.CreateOrUpdateTagsInput{Tags: []types.Tag{
		tag("a", "env", "prod", true), tag("a", "owner", "ops", false), tag("b", "env", "dev", true)}}); err != nil {
		t.Fatal(err)
	}
	// Updating replaces the value.
	if _, err := e.as.CreateOrUpdateTags(harness.Ctx, &autoscaling.CreateOrUpdateTagsInput{Tags: []types.Tag{tag("a", "owner", "sre", true)}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.as.CreateOrUpdateTags(harness.Ctx, &autoscaling.CreateOrUpdateTagsInput{Tags: []types.Tag{tag("nope", "k", "v", false)}})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = e.as.CreateOrUpdateTags(harness.Ctx, &autoscaling.CreateOrUpdateTagsInput{Tags: []types.Tag{tag("a", "aws:x", "v", false)}})
	harness.AssertAPIError(t, err, "ValidationError")

	var all []types.TagDescription
	p := autoscaling.NewDescribeTagsPaginator(e.as, &autoscaling.DescribeTagsInput{MaxRecords: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Tags...)
	}
	if len(all) != 3 {
		t.Fatalf("%d tags", len(all))
	}
	if aws.ToString(all[1].Key) != "owner" || aws.ToString(all[1].Value) != "sre" || !aws.ToBool(all[1].PropagateAtLaunch) || aws.ToString(all[1].ResourceType) != "auto-scaling-group" {
		t.Errorf("tag %+v", all[1])
	}
	out, err := e.as.DescribeTags(harness.Ctx, &autoscaling.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("key"), Values: []string{"env"}},
		{Name: aws.String("value"), Values: []string{"dev"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || aws.ToString(out.Tags[0].ResourceId) != "b" {
		t.Errorf("filtered %+v", out.Tags)
	}
	_, err = e.as.DescribeTags(harness.Ctx, &autoscaling.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("color"), Values: []string{"x"}}}})
	harness.AssertAPIError(t, err, "ValidationError")

	// Groups filter on tags too.
	groups, err := e.as.DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{Filters: []types.Filter{{Name: aws.String("tag:env"), Values: []string{"prod"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.AutoScalingGroups) != 1 || aws.ToString(groups.AutoScalingGroups[0].AutoScalingGroupName) != "a" {
		t.Errorf("tag filter: %d groups", len(groups.AutoScalingGroups))
	}

	if _, err := e.as.DeleteTags(harness.Ctx, &autoscaling.DeleteTagsInput{Tags: []types.Tag{{ResourceId: aws.String("a"), ResourceType: aws.String("auto-scaling-group"), Key: aws.String("env")}}}); err != nil {
		t.Fatal(err)
	}
	out, _ = e.as.DescribeTags(harness.Ctx, &autoscaling.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("auto-scaling-group"), Values: []string{"a"}}}})
	if len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "owner" {
		t.Errorf("after delete %+v", out.Tags)
	}
}

func TestGroupsPaginator(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("pages", "t3.micro", "")
	for _, n := range []string{"g1", "g2", "g3", "g4", "g5"} {
		e.createGroup(n, lt, 0, 1, 0)
	}
	var names []string
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(e.as, &autoscaling.DescribeAutoScalingGroupsInput{MaxRecords: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range out.AutoScalingGroups {
			names = append(names, aws.ToString(g.AutoScalingGroupName))
		}
	}
	if len(names) != 5 || names[0] != "g1" || names[4] != "g5" {
		t.Errorf("names %v", names)
	}
	_, err := e.as.DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{NextToken: aws.String("forged")})
	harness.AssertAPIError(t, err, "InvalidNextToken")
	limits, err := e.as.DescribeAccountLimits(harness.Ctx, &autoscaling.DescribeAccountLimitsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(limits.NumberOfAutoScalingGroups) != 5 || aws.ToInt32(limits.MaxNumberOfAutoScalingGroups) != 500 || aws.ToInt32(limits.MaxNumberOfLaunchConfigurations) != 200 {
		t.Errorf("limits %+v", limits)
	}
}
