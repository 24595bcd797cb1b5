package ecs_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestInfraAgentStateChanges(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "ec2")
	ci := infraRegisterInstance(t, client, "ec2", "i-0agent", "t3.medium", "us-east-1a")
	if _, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("agent"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("busybox"), Memory: aws.Int32(128),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}}); err != nil {
		t.Fatal(err)
	}
	st, err := client.StartTask(harness.Ctx, &ecs.StartTaskInput{Cluster: aws.String("ec2"), TaskDefinition: aws.String("agent"),
		ContainerInstances: []string{aws.ToString(ci.ContainerInstanceArn)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tasks) != 1 {
		t.Fatalf("start task %+v", st)
	}
	task := st.Tasks[0].TaskArn

	ack, err := client.SubmitContainerStateChange(harness.Ctx, &ecs.SubmitContainerStateChangeInput{Cluster: aws.String("ec2"), Task: task,
		ContainerName: aws.String("app"), Status: aws.String("RUNNING"), RuntimeId: aws.String("abc123"),
		NetworkBindings: []types.NetworkBinding{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(32768), BindIP: aws.String("0.0.0.0"), Protocol: types.TransportProtocolTcp}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(ack.Acknowledgment) == "" {
		t.Errorf("no acknowledgment")
	}
	if _, err := client.SubmitTaskStateChange(harness.Ctx, &ecs.SubmitTaskStateChangeInput{Cluster: aws.String("ec2"), Task: task,
		Status: aws.String("RUNNING")}); err != nil {
		t.Fatal(err)
	}
	d, err := client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("ec2"), Tasks: []string{aws.ToString(task)}})
	if err != nil {
		t.Fatal(err)
	}
	got := d.Tasks[0]
	if aws.ToString(got.LastStatus) != "RUNNING" || got.StartedAt == nil {
		t.Errorf("task after RUNNING: %s %v", aws.ToString(got.LastStatus), got.StartedAt)
	}
	c := got.Containers[0]
	if aws.ToString(c.RuntimeId) != "abc123" || len(c.NetworkBindings) != 1 || aws.ToInt32(c.NetworkBindings[0].HostPort) != 32768 {
		t.Errorf("container %+v", c)
	}
	dci, err := client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("ec2"),
		ContainerInstances: []string{aws.ToString(ci.ContainerInstanceArn)}})
	if err != nil {
		t.Fatal(err)
	}
	if dci.ContainerInstances[0].RunningTasksCount != 1 {
		t.Errorf("runningTasksCount %d", dci.ContainerInstances[0].RunningTasksCount)
	}
	cl, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"ec2"}, Include: []types.ClusterField{types.ClusterFieldStatistics}})
	if err != nil {
		t.Fatal(err)
	}
	if cl.Clusters[0].RunningTasksCount != 1 {
		t.Errorf("cluster runningTasksCount %d", cl.Clusters[0].RunningTasksCount)
	}
	for _, kv := range cl.Clusters[0].Statistics {
		if aws.ToString(kv.Name) == "runningEC2TasksCount" && aws.ToString(kv.Value) != "1" {
			t.Errorf("runningEC2TasksCount %s", aws.ToString(kv.Value))
		}
	}
	// A running task keeps the instance and the cluster.
	_, err = client.DeregisterContainerInstance(harness.Ctx, &ecs.DeregisterContainerInstanceInput{Cluster: aws.String("ec2"), ContainerInstance: ci.ContainerInstanceArn})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("ec2")})
	harness.AssertAPIError(t, err, "ClusterContainsContainerInstancesException")

	_, err = client.SubmitContainerStateChange(harness.Ctx, &ecs.SubmitContainerStateChangeInput{Cluster: aws.String("ec2"), Task: task,
		ContainerName: aws.String("nope"), Status: aws.String("STOPPED")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.SubmitTaskStateChange(harness.Ctx, &ecs.SubmitTaskStateChangeInput{Cluster: aws.String("ec2"),
		Task: aws.String("0123456789abcdef0123456789abcdef"), Status: aws.String("RUNNING")})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	if _, err := client.SubmitTaskStateChange(harness.Ctx, &ecs.SubmitTaskStateChangeInput{Cluster: aws.String("ec2"), Task: task,
		Status: aws.String("STOPPED"), Containers: []types.ContainerStateChange{{ContainerName: aws.String("app"),
			Status: aws.String("STOPPED"), ExitCode: aws.Int32(137), Reason: aws.String("OOM")}}}); err != nil {
		t.Fatal(err)
	}
	d, err = client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("ec2"), Tasks: []string{aws.ToString(task)}})
	if err != nil {
		t.Fatal(err)
	}
	got = d.Tasks[0]
	if aws.ToString(got.LastStatus) != "STOPPED" || aws.ToString(got.DesiredStatus) != "STOPPED" || got.StoppedAt == nil ||
		aws.ToInt32(got.Containers[0].ExitCode) != 137 {
		t.Errorf("stopped task %+v", got)
	}
	// Forced deregistration works whatever runs.
	dr, err := client.DeregisterContainerInstance(harness.Ctx, &ecs.DeregisterContainerInstanceInput{Cluster: aws.String("ec2"),
		ContainerInstance: ci.ContainerInstanceArn, Force: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(dr.ContainerInstance.Status) != "INACTIVE" {
		t.Errorf("status %s", aws.ToString(dr.ContainerInstance.Status))
	}
}

func TestInfraAttachmentStateChanges(t *testing.T) {
	ls := harness.Start(t)
	client := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, client, "vpc")
	ci := infraRegisterInstance(t, client, "vpc", "i-0eni", "t3.medium", "us-east-1a")
	if _, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("eni"), NetworkMode: types.NetworkModeAwsvpc,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("busybox"), Memory: aws.Int32(128)}}}); err != nil {
		t.Fatal(err)
	}
	st, err := client.StartTask(harness.Ctx, &ecs.StartTaskInput{Cluster: aws.String("vpc"), TaskDefinition: aws.String("eni"),
		ContainerInstances:   []string{aws.ToString(ci.ContainerInstanceArn)},
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: harness.DefaultSubnets(t, ls.Config)[:1]}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tasks) != 1 || len(st.Tasks[0].Attachments) == 0 {
		t.Fatalf("awsvpc task without attachment: %+v", st)
	}
	att := "arn:aws:ecs:us-east-1:000000000000:attachment/" + aws.ToString(st.Tasks[0].Attachments[0].Id)
	if _, err := client.SubmitAttachmentStateChanges(harness.Ctx, &ecs.SubmitAttachmentStateChangesInput{Cluster: aws.String("vpc"),
		Attachments: []types.AttachmentStateChange{{AttachmentArn: aws.String(att), Status: aws.String("ATTACHED")}}}); err != nil {
		t.Fatal(err)
	}
	d, err := client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("vpc"), Tasks: []string{aws.ToString(st.Tasks[0].TaskArn)}})
	if err != nil {
		t.Fatal(err)
	}
	if s := aws.ToString(d.Tasks[0].Attachments[0].Status); s != "ATTACHED" {
		t.Errorf("attachment status %s", s)
	}
	_, err = client.SubmitAttachmentStateChanges(harness.Ctx, &ecs.SubmitAttachmentStateChangesInput{Cluster: aws.String("vpc"),
		Attachments: []types.AttachmentStateChange{{AttachmentArn: aws.String("arn:aws:ecs:us-east-1:000000000000:attachment/absent"), Status: aws.String("ATTACHED")}}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

func TestInfraDiscoverPollEndpoint(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "poll")
	out, err := client.DiscoverPollEndpoint(harness.Ctx, &ecs.DiscoverPollEndpointInput{Cluster: aws.String("poll")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(out.Endpoint), "https://ecs-a-") || !strings.Contains(aws.ToString(out.TelemetryEndpoint), "us-east-1") {
		t.Errorf("endpoints %s %s", aws.ToString(out.Endpoint), aws.ToString(out.TelemetryEndpoint))
	}
	_, err = client.DiscoverPollEndpoint(harness.Ctx, &ecs.DiscoverPollEndpointInput{Cluster: aws.String("absent")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
}
