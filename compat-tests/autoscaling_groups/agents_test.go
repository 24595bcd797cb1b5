package autoscalinggroups_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestRunInstancesAgentRegisters: an instance launched with RunInstances
// whose cloud-init user data names a cluster registers in it with the
// attributes its agent reports, disconnects while stopped, and is
// deregistered once terminated.
func TestRunInstancesAgentRegisters(t *testing.T) {
	t.Parallel()
	e := start(t)
	ecsc := ecs.NewFromConfig(e.ls.Config)
	harness.CreateCluster(t, ecsc, "solo")
	userData := "Content-Type: multipart/mixed; boundary=\"XX\"\nMIME-Version: 1.0\n\n--XX\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\n\n" +
		"#!/bin/bash\necho ECS_CLUSTER=solo >> /etc/ecs/ecs.config\n--XX--\n"
	run, err := e.ec2.RunInstances(harness.Ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0c1f44b7c2f3b0a77"), InstanceType: ec2types.InstanceTypeC5Xlarge,
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), UserData: aws.String(base64.StdEncoding.EncodeToString([]byte(userData))),
		Placement: &ec2types.Placement{AvailabilityZone: aws.String("us-east-1d")}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(run.Instances[0].InstanceId)
	var ci ecstypes.ContainerInstance
	harness.Eventually(t, 10*time.Second, "the agent to register", func() (bool, string) {
		list, _ := ecsc.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("solo")})
		if len(list.ContainerInstanceArns) != 1 {
			return false, ""
		}
		out, err := ecsc.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("solo"), ContainerInstances: list.ContainerInstanceArns})
		if err != nil {
			t.Fatal(err)
		}
		ci = out.ContainerInstances[0]
		return true, ""
	})
	attrs := map[string]string{}
	for _, a := range ci.Attributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	if aws.ToString(ci.Ec2InstanceId) != id || attrs["ecs.instance-type"] != "c5.xlarge" || attrs["ecs.availability-zone"] != "us-east-1d" ||
		attrs["ecs.os-type"] != "linux" || attrs["ecs.cpu-architecture"] != "x86_64" || attrs["ecs.ami-id"] != "ami-0c1f44b7c2f3b0a77" {
		t.Errorf("container instance %s: %v", aws.ToString(ci.Ec2InstanceId), attrs)
	}
	for _, r := range ci.RegisteredResources {
		if aws.ToString(r.Name) == "CPU" && r.IntegerValue != 4096 {
			t.Errorf("CPU %d, want 4096", r.IntegerValue)
		}
	}
	arn := aws.ToString(ci.ContainerInstanceArn)
	describe := func() ecstypes.ContainerInstance {
		out, err := ecsc.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("solo"), ContainerInstances: []string{arn}})
		if err != nil || len(out.ContainerInstances) != 1 {
			t.Fatalf("describe: %v", err)
		}
		return out.ContainerInstances[0]
	}
	if _, err := e.ec2.StopInstances(harness.Ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 10*time.Second, "the agent to disconnect", func() (bool, string) { return !describe().AgentConnected, "" })
	w := ec2.NewInstanceStoppedWaiter(e.ec2, func(o *ec2.InstanceStoppedWaiterOptions) { o.MinDelay, o.MaxDelay = time.Second, time.Second })
	if err := w.Wait(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec2.StartInstances(harness.Ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 10*time.Second, "the agent to reconnect", func() (bool, string) { return describe().AgentConnected, "" })
	if _, err := e.ec2.TerminateInstances(harness.Ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 10*time.Second, "the container instance to be deregistered", func() (bool, string) { return aws.ToString(describe().Status) == "INACTIVE", "" })
}
