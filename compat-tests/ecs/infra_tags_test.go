package ecs_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func infraTagMap(t *testing.T, client *ecs.Client, arn string) map[string]string {
	t.Helper()
	out, err := client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, tg := range out.Tags {
		m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return m
}

func TestInfraTags(t *testing.T) {
	client := infraClient(t)
	cl := harness.CreateCluster(t, client, "tagged")
	td, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("tagged"))
	if err != nil {
		t.Fatal(err)
	}
	ci := infraRegisterInstance(t, client, "tagged", "i-0tag", "t3.micro", "us-east-1a")
	arns := []string{aws.ToString(cl.ClusterArn), aws.ToString(td.TaskDefinition.TaskDefinitionArn), aws.ToString(ci.ContainerInstanceArn)}
	for _, arn := range arns {
		if _, err := client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: aws.String(arn),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}, {Key: aws.String("cost"), Value: aws.String("1")}}}); err != nil {
			t.Fatalf("%s: %v", arn, err)
		}
		if _, err := client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: aws.String(arn),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("b")}}}); err != nil {
			t.Fatal(err)
		}
		if m := infraTagMap(t, client, arn); len(m) != 2 || m["team"] != "b" || m["cost"] != "1" {
			t.Errorf("%s tags %v", arn, m)
		}
		if _, err := client.UntagResource(harness.Ctx, &ecs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"cost", "absent"}}); err != nil {
			t.Fatal(err)
		}
		if m := infraTagMap(t, client, arn); len(m) != 1 || m["team"] != "b" {
			t.Errorf("%s after untag %v", arn, m)
		}
	}
	// DescribeClusters with TAGS sees the same tags.
	d, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"tagged"}, Include: []types.ClusterField{types.ClusterFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Clusters[0].Tags) != 1 {
		t.Errorf("cluster tags %+v", d.Clusters[0].Tags)
	}

	arn := aws.String(arns[0])
	_, err = client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("aws:owner"), Value: aws.String("x")}}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.UntagResource(harness.Ctx, &ecs.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"AWS:owner"}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	var many []types.Tag
	for i := 0; i < 50; i++ {
		many = append(many, types.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")})
	}
	// 50 new keys on top of "team" is 51: refused, and nothing changes.
	_, err = client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: arn, Tags: many})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	if m := infraTagMap(t, client, *arn); len(m) != 1 {
		t.Errorf("refused tagging left %d tags", len(m))
	}
	many[0].Key = aws.String("team")
	if _, err := client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: arn, Tags: many}); err != nil {
		t.Fatalf("exactly 50 tags: %v", err)
	}

	_, err = client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:000000000000:cluster/absent")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
	_, err = client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task-definition/absent:1"),
		Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
	_, err = client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String("not-an-arn")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

// A task definition's tags stay with it when it is deregistered (ECS lists
// and describes an INACTIVE revision's tags), and a revision registered
// after it starts with none of them.
func TestTaskDefinitionTagsOutliveDeregistration(t *testing.T) {
	client := infraClient(t)
	in := infraFargateTaskDefinition("kept")
	in.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("b")}}
	reg, err := client.RegisterTaskDefinition(harness.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Tags) != 1 || aws.ToString(reg.Tags[0].Value) != "b" {
		t.Errorf("registered with tags %+v", reg.Tags)
	}
	arn := aws.ToString(reg.TaskDefinition.TaskDefinitionArn)
	if _, err := client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("cost"), Value: aws.String("1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeregisterTaskDefinition(harness.Ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if m := infraTagMap(t, client, arn); len(m) != 2 || m["team"] != "b" || m["cost"] != "1" {
		t.Errorf("tags after deregistering %v", m)
	}
	d, err := client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn),
		Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if d.TaskDefinition.Status != types.TaskDefinitionStatusInactive || len(d.Tags) != 2 {
		t.Errorf("described %s with tags %+v", d.TaskDefinition.Status, d.Tags)
	}
	next, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("kept"))
	if err != nil {
		t.Fatal(err)
	}
	if next.TaskDefinition.Revision != 2 || len(next.Tags) != 0 {
		t.Errorf("next revision %d with tags %+v", next.TaskDefinition.Revision, next.Tags)
	}
	if m := infraTagMap(t, client, aws.ToString(next.TaskDefinition.TaskDefinitionArn)); len(m) != 0 {
		t.Errorf("next revision's tags %v", m)
	}
	if _, err := client.UntagResource(harness.Ctx, &ecs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team", "cost"}}); err != nil {
		t.Fatal(err)
	}
	if m := infraTagMap(t, client, arn); len(m) != 0 {
		t.Errorf("tags after untagging all %v", m)
	}
}

// RunTask with propagateTags TASK_DEFINITION gives the task its task
// definition's tags, after its own (RunTask's propagateTags, the ECS API
// reference), and tags added to the definition later reach later tasks.
func TestRunTaskPropagatesTaskDefinitionTags(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "propagate")
	infraRegisterInstance(t, client, "propagate", "i-0prop", "t3.medium", "us-east-1a")
	reg := harness.Must(client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("propagate"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("busybox"), Memory: aws.Int32(64)}},
		Tags:                 []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}}}))(t)
	run := func() map[string]string {
		t.Helper()
		out := harness.Must(client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String("propagate"), TaskDefinition: aws.String("propagate"),
			LaunchType: types.LaunchTypeEc2, PropagateTags: types.PropagateTagsTaskDefinition,
			Tags: []types.Tag{{Key: aws.String("own"), Value: aws.String("1")}}}))(t)
		if len(out.Tasks) != 1 {
			t.Fatalf("RunTask %+v", out)
		}
		return infraTagMap(t, client, aws.ToString(out.Tasks[0].TaskArn))
	}
	if m := run(); len(m) != 2 || m["own"] != "1" || m["team"] != "web" {
		t.Errorf("task tags %v, want own=1 and team=web", m)
	}
	harness.Must(client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: reg.TaskDefinition.TaskDefinitionArn,
		Tags: []types.Tag{{Key: aws.String("cost"), Value: aws.String("7")}}}))(t)
	if m := run(); len(m) != 3 || m["cost"] != "7" {
		t.Errorf("task tags after tagging the definition %v, want own, team and cost", m)
	}
}
