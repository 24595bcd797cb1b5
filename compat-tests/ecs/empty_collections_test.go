package ecs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestUntaggedResourcesAnswerEmptyTags checks ECS's rule for empty tag lists:
// wherever it returns a resource's tags, an untagged resource answers
// "tags": [] rather than leaving the member out. Source: the AWS CLI's
// awscli/examples/ecs run-task.rst, start-task.rst, stop-task.rst and
// describe-tasks.rst ("tags": [] on every task), describe-clusters.rst and
// describe-task-definition.rst.
func TestUntaggedResourcesAnswerEmptyTags(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "plain")
	ci := infraRegisterInstance(t, client, "plain", "i-0plain", "t3.medium", "us-east-1a")
	harness.Must(client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("plain"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("busybox"), Memory: aws.Int32(64)}}}))(t)
	emptyTags := func(what string, tags []types.Tag) {
		t.Helper()
		if tags == nil || len(tags) != 0 {
			t.Errorf("%s: tags %v, want []", what, tags)
		}
	}
	st := harness.Must(client.StartTask(harness.Ctx, &ecs.StartTaskInput{Cluster: aws.String("plain"), TaskDefinition: aws.String("plain"),
		ContainerInstances: []string{aws.ToString(ci.ContainerInstanceArn)}}))(t)
	emptyTags("StartTask", st.Tasks[0].Tags)
	rt := harness.Must(client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String("plain"), TaskDefinition: aws.String("plain"),
		LaunchType: types.LaunchTypeEc2}))(t)
	if len(rt.Tasks) != 1 {
		t.Fatalf("RunTask %+v", rt)
	}
	emptyTags("RunTask", rt.Tasks[0].Tags)
	for _, include := range [][]types.TaskField{nil, {types.TaskFieldTags}} {
		dt := harness.Must(client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("plain"),
			Tasks: []string{aws.ToString(st.Tasks[0].TaskArn)}, Include: include}))(t)
		emptyTags("DescribeTasks", dt.Tasks[0].Tags)
	}
	stop := harness.Must(client.StopTask(harness.Ctx, &ecs.StopTaskInput{Cluster: aws.String("plain"), Task: st.Tasks[0].TaskArn}))(t)
	emptyTags("StopTask", stop.Task.Tags)
	dc := harness.Must(client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"plain"},
		Include: []types.ClusterField{types.ClusterFieldTags}}))(t)
	emptyTags("DescribeClusters", dc.Clusters[0].Tags)
	td := harness.Must(client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("plain"),
		Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}}))(t)
	emptyTags("DescribeTaskDefinition", td.Tags)
	lt := harness.Must(client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: rt.Tasks[0].TaskArn}))(t)
	emptyTags("ListTagsForResource", lt.Tags)
}

// TestUntaggedTaskSetAnswersEmptyTags: DescribeTaskSets with include=TAGS
// answers "tags": [] for an untagged task set, by the same rule.
func TestUntaggedTaskSetAnswersEmptyTags(t *testing.T) {
	e := wlStart(t)
	td := e.fargateFamily(t, "web", "nginx:1")
	harness.Must(e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("ext"),
		DesiredCount: aws.Int32(0), DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}}))(t)
	ts := harness.Must(e.client.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskDefinition: aws.String(td), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0))}))(t).TaskSet
	out := harness.Must(e.client.DescribeTaskSets(harness.Ctx, &ecs.DescribeTaskSetsInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskSets: []string{aws.ToString(ts.TaskSetArn)}, Include: []types.TaskSetField{types.TaskSetFieldTags}}))(t)
	if len(out.TaskSets) != 1 || out.TaskSets[0].Tags == nil || len(out.TaskSets[0].Tags) != 0 {
		t.Fatalf("task sets %+v", out.TaskSets)
	}
}

// TestTaskSetARNsCanBeTagged checks TagResource, ListTagsForResource and
// UntagResource on a task set's ARN. Source: the ECS API reference of
// TagResource ("Supported resources are Amazon ECS capacity providers, tasks,
// services, task definitions, clusters, container instances, and task sets"
// ... resourceArn of a task set).
func TestTaskSetARNsCanBeTagged(t *testing.T) {
	e := wlStart(t)
	td := e.fargateFamily(t, "web", "nginx:1")
	harness.Must(e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("ext"),
		DesiredCount: aws.Int32(0), DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}}))(t)
	ts := harness.Must(e.client.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskDefinition: aws.String(td), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0))}))(t).TaskSet
	harness.Must(e.client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: ts.TaskSetArn,
		Tags: []types.Tag{{Key: aws.String("stage"), Value: aws.String("blue")}, {Key: aws.String("team"), Value: aws.String("a")}}}))(t)
	harness.Must(e.client.UntagResource(harness.Ctx, &ecs.UntagResourceInput{ResourceArn: ts.TaskSetArn, TagKeys: []string{"team"}}))(t)
	lt := harness.Must(e.client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: ts.TaskSetArn}))(t)
	if len(lt.Tags) != 1 || aws.ToString(lt.Tags[0].Key) != "stage" || aws.ToString(lt.Tags[0].Value) != "blue" {
		t.Fatalf("tags %+v", lt.Tags)
	}
	out := harness.Must(e.client.DescribeTaskSets(harness.Ctx, &ecs.DescribeTaskSetsInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskSets: []string{aws.ToString(ts.TaskSetArn)}, Include: []types.TaskSetField{types.TaskSetFieldTags}}))(t)
	if len(out.TaskSets) != 1 || len(out.TaskSets[0].Tags) != 1 {
		t.Fatalf("described tags %+v", out.TaskSets)
	}
}
