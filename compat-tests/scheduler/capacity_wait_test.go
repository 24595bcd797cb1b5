package scheduler_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// asgCapacityProvider creates an empty Auto Scaling group (no managed
// scaling) behind a capacity provider named name, the cluster's only one.
func asgCapacityProvider(t *testing.T, ls *longshoretest.Instance, client *ecs.Client, name string) {
	t.Helper()
	lt, err := ec2.NewFromConfig(ls.Config).CreateLaunchTemplate(harness.Ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0c1f44b7c2f3b0a77"), InstanceType: ec2types.InstanceTypeM5Large}})
	if err != nil {
		t.Fatal(err)
	}
	as := autoscaling.NewFromConfig(ls.Config)
	if _, err := as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String(name),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(4), DesiredCapacity: aws.Int32(0), AvailabilityZones: []string{"us-east-1a"},
		LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("$Latest")}}); err != nil {
		t.Fatal(err)
	}
	groups, err := as.DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil || len(groups.AutoScalingGroups) != 1 {
		t.Fatalf("group %s: %v", name, err)
	}
	if _, err := client.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String(name),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: groups.AutoScalingGroups[0].AutoScalingGroupARN,
			ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String(cluster),
		CapacityProviders: []string{name}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
}

func ec2TaskDefinition(t *testing.T, client *ecs.Client, family, cpu string) string {
	t.Helper()
	out, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(family),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityEc2}, Cpu: aws.String(cpu), Memory: aws.String("1024"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Essential: aws.Bool(true)}}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

func clusterCounts(t *testing.T, client *ecs.Client) types.Cluster {
	t.Helper()
	out, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{cluster}})
	if err != nil || len(out.Clusters) != 1 {
		t.Fatalf("DescribeClusters: %v", err)
	}
	return out.Clusters[0]
}

func TestTasksWaitForCapacityProvider(t *testing.T) {
	ls, client := setup(t)
	asgCapacityProvider(t, ls, client, "nodes")
	td := ec2TaskDefinition(t, client, "api", "512")
	strategy := []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("nodes"), Weight: 1}}
	if _, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String("api"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), CapacityProviderStrategy: strategy}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, harness.Wait, "2 PROVISIONING tasks", func() (bool, string) {
		n := harness.DescribeService(t, client, cluster, "api").PendingCount
		return n == 2, fmt.Sprintf("%d pending", n)
	})
	tasks := harness.ServiceTasks(t, client, cluster, "api", types.DesiredStatusRunning)
	if len(tasks) != 2 {
		t.Fatalf("%d tasks", len(tasks))
	}
	for _, task := range tasks {
		if aws.ToString(task.LastStatus) != "PROVISIONING" || aws.ToString(task.CapacityProviderName) != "nodes" || task.ContainerInstanceArn != nil {
			t.Fatalf("task %s via %s on %v", aws.ToString(task.LastStatus), aws.ToString(task.CapacityProviderName), task.ContainerInstanceArn)
		}
	}
	if cl := clusterCounts(t, client); cl.PendingTasksCount != 2 || cl.RunningTasksCount != 0 {
		t.Fatalf("cluster pending %d running %d", cl.PendingTasksCount, cl.RunningTasksCount)
	}
	for _, e := range harness.DescribeService(t, client, cluster, "api").Events {
		if strings.Contains(aws.ToString(e.Message), "unable to place") {
			t.Fatalf("event %q", aws.ToString(e.Message))
		}
	}

	harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "m5.large", "availabilityZone": "us-east-1a"})
	harness.WaitStable(t, client, cluster, "api")
	svc := harness.DescribeService(t, client, cluster, "api")
	if svc.RunningCount != 2 || svc.PendingCount != 0 {
		t.Fatalf("running %d pending %d", svc.RunningCount, svc.PendingCount)
	}
	for _, task := range harness.ServiceTasks(t, client, cluster, "api", types.DesiredStatusRunning) {
		if task.ContainerInstanceArn == nil || aws.ToString(task.CapacityProviderName) != "nodes" {
			t.Fatalf("task not placed %+v", task)
		}
	}

	// RunTask through the provider: a task that does not fit yet comes back PROVISIONING.
	big := ec2TaskDefinition(t, client, "batch", "2048")
	run, err := client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: aws.String(big), CapacityProviderStrategy: strategy})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Tasks) != 1 || len(run.Failures) != 0 || aws.ToString(run.Tasks[0].LastStatus) != "PROVISIONING" || run.Tasks[0].ContainerInstanceArn != nil {
		t.Fatalf("RunTask tasks %+v failures %+v", run.Tasks, run.Failures)
	}
	harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "m5.large", "availabilityZone": "us-east-1a"})
	harness.WaitTasksRunning(t, client, cluster, 30*time.Second, aws.ToString(run.Tasks[0].TaskArn))
}
