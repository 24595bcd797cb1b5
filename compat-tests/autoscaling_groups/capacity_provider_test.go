package autoscalinggroups_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestCapacityProviderScalesGroupFromZero is the EC2-mode case: a
// capacity provider with managed scaling scales its Auto Scaling group from
// zero to the instances a 10-task service needs, the instances register in
// the cluster, the service runs, and the group goes back to zero when the
// service scales to 0 (after the scale-in delay, on 100× time).
func TestCapacityProviderScalesGroupFromZero(t *testing.T) {
	t.Parallel()
	e := startScaled(t, 100)
	ecsc := ecs.NewFromConfig(e.ls.Config)
	cw := cloudwatch.NewFromConfig(e.ls.Config)
	harness.CreateCluster(t, ecsc, "prod")
	lt := e.launchTemplate("ecs-nodes", "m5.large", "prod")
	_, err := e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("ecs-nodes"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(10), DesiredCapacity: aws.Int32(0), NewInstancesProtectedFromScaleIn: aws.Bool(true),
		VPCZoneIdentifier: aws.String(strings.Join(e.defaultSubnets(), ",")),
		LaunchTemplate:    &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt), Version: aws.String("$Latest")}})
	if err != nil {
		t.Fatal(err)
	}
	groupArn := aws.ToString(e.group("ecs-nodes").AutoScalingGroupARN)
	if _, err := ecsc.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("nodes"),
		AutoScalingGroupProvider: &ecstypes.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(groupArn),
			ManagedScaling: &ecstypes.ManagedScaling{Status: ecstypes.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100),
				MinimumScalingStepSize: aws.Int32(1), MaximumScalingStepSize: aws.Int32(10)},
			ManagedTerminationProtection: ecstypes.ManagedTerminationProtectionEnabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecsc.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("prod"),
		CapacityProviders: []string{"nodes"}, DefaultCapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("nodes"), Weight: 1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecsc.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityEc2}, Cpu: aws.String("512"), Memory: aws.String("1024"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("nginx"), Essential: aws.Bool(true)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecsc.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("prod"), ServiceName: aws.String("api"),
		TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(10),
		CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("nodes"), Weight: 1}}}); err != nil {
		t.Fatal(err)
	}

	// m5.large registers 2048 CPU units: four 512-unit tasks each, so ten need three instances.
	running := func() int32 {
		out, err := ecsc.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String("prod"), Services: []string{"api"}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Services[0].RunningCount
	}
	harness.Eventually(t, 30*time.Second, "10 running tasks", func() (bool, string) { return running() == 10, "" })
	g := e.group("ecs-nodes")
	if aws.ToInt32(g.DesiredCapacity) != 3 || len(g.Instances) != 3 {
		t.Fatalf("group desired %d with %d instances, want 3", aws.ToInt32(g.DesiredCapacity), len(g.Instances))
	}
	harness.Eventually(t, 10*time.Second, "managed termination protection", func() (bool, string) {
		for _, i := range e.group("ecs-nodes").Instances {
			if !aws.ToBool(i.ProtectedFromScaleIn) {
				return false, ""
			}
		}
		return true, ""
	})
	cis, err := ecsc.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	if len(cis.ContainerInstanceArns) != 3 {
		t.Fatalf("%d container instances", len(cis.ContainerInstanceArns))
	}
	desc, err := ecsc.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("prod"), ContainerInstances: cis.ContainerInstanceArns})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, i := range g.Instances {
		ids[aws.ToString(i.InstanceId)] = true
	}
	for _, ci := range desc.ContainerInstances {
		if !ids[aws.ToString(ci.Ec2InstanceId)] || aws.ToString(ci.CapacityProviderName) != "nodes" || ci.RunningTasksCount == 0 {
			t.Errorf("container instance %s: ec2 %s provider %q running %d", aws.ToString(ci.ContainerInstanceArn), aws.ToString(ci.Ec2InstanceId),
				aws.ToString(ci.CapacityProviderName), ci.RunningTasksCount)
		}
	}

	// The managed policy and its activities, in ECS's names.
	pols, err := e.as.DescribePolicies(harness.Ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String("ecs-nodes")})
	if err != nil {
		t.Fatal(err)
	}
	if len(pols.ScalingPolicies) != 1 || !strings.HasPrefix(aws.ToString(pols.ScalingPolicies[0].PolicyName), "ECSManagedAutoScalingPolicy-") {
		t.Fatalf("policies %+v", pols.ScalingPolicies)
	}
	acts, _ := e.as.DescribeScalingActivities(harness.Ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("ecs-nodes")})
	if n := len(acts.Activities); n != 3 || !strings.Contains(aws.ToString(acts.Activities[0].Cause), "in state ALARM triggered policy ECSManagedAutoScalingPolicy-") {
		t.Errorf("%d activities; cause %q", n, aws.ToString(acts.Activities[0].Cause))
	}

	// CapacityProviderReservation is published in AWS/ECS/ManagedScaling.
	metrics, err := cw.ListMetrics(harness.Ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("AWS/ECS/ManagedScaling")})
	if err != nil {
		t.Fatal(err)
	}
	if len(metrics.Metrics) != 1 || aws.ToString(metrics.Metrics[0].MetricName) != "CapacityProviderReservation" || len(metrics.Metrics[0].Dimensions) != 2 {
		t.Fatalf("metrics %+v", metrics.Metrics)
	}
	stats, err := cw.GetMetricStatistics(harness.Ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("AWS/ECS/ManagedScaling"),
		MetricName: aws.String("CapacityProviderReservation"), Dimensions: metrics.Metrics[0].Dimensions,
		StartTime: aws.Time(time.Now().Add(-time.Hour)), EndTime: aws.Time(time.Now().Add(time.Minute)), Period: aws.Int32(3600),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticMaximum, cwtypes.StatisticMinimum}})
	if err != nil {
		t.Fatal(err)
	}
	// Tasks waiting on an empty group: 200%; at most 100% otherwise. The
	// hour's window may straddle an hour boundary, so the extremes are taken
	// over every period returned.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, d := range stats.Datapoints {
		lo, hi = min(lo, aws.ToFloat64(d.Minimum)), max(hi, aws.ToFloat64(d.Maximum))
	}
	if n := len(stats.Datapoints); n < 1 || n > 2 || hi != 200 || lo != 100 {
		t.Errorf("reservation datapoints lo %v hi %v %+v", lo, hi, stats.Datapoints)
	}

	// Back to zero: the tasks stop, the instances lose their protection, and
	// after the scale-in delay (15 minutes, 9 s here) the group empties.
	if _, err := ecsc.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String("prod"), Service: aws.String("api"), DesiredCount: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 40*time.Second, "the group to scale in to 0", func() (bool, string) {
		g := e.group("ecs-nodes")
		return aws.ToInt32(g.DesiredCapacity) == 0 && len(g.Instances) == 0, ""
	})
	active, err := ecsc.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("prod"), Status: ecstypes.ContainerInstanceStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	if len(active.ContainerInstanceArns) != 0 {
		t.Errorf("%d container instances still active", len(active.ContainerInstanceArns))
	}
}

// TestTerminatedInstanceStopsItsTasks: an instance that leaves the group is
// deregistered from ECS and the tasks it ran stop.
func TestTerminatedInstanceStopsItsTasks(t *testing.T) {
	t.Parallel()
	e := startScaled(t, 20)
	ecsc := ecs.NewFromConfig(e.ls.Config)
	harness.CreateCluster(t, ecsc, "batch")
	lt := e.launchTemplate("batch", "c5.large", "batch")
	e.createGroup("batch", lt, 1, 1, 1)
	harness.Eventually(t, 10*time.Second, "a container instance", func() (bool, string) {
		out, _ := ecsc.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("batch")})
		return len(out.ContainerInstanceArns) == 1, ""
	})
	if _, err := ecsc.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("job"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("job"), Image: aws.String("busybox"), Memory: aws.Int32(256), Essential: aws.Bool(true)}}}); err != nil {
		t.Fatal(err)
	}
	run, err := ecsc.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String("batch"), TaskDefinition: aws.String("job"), LaunchType: ecstypes.LaunchTypeEc2})
	if err != nil || len(run.Tasks) != 1 {
		t.Fatalf("RunTask: %v %+v", err, run)
	}
	task := aws.ToString(run.Tasks[0].TaskArn)
	id := aws.ToString(e.group("batch").Instances[0].InstanceId)
	if _, err := e.as.TerminateInstanceInAutoScalingGroup(harness.Ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{InstanceId: aws.String(id),
		ShouldDecrementDesiredCapacity: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 15*time.Second, "the task to stop", func() (bool, string) {
		out, _ := ecsc.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("batch"), Tasks: []string{task}})
		return len(out.Tasks) == 1 && aws.ToString(out.Tasks[0].LastStatus) == "STOPPED", ""
	})
	out, _ := ecsc.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("batch"), Tasks: []string{task}})
	harness.Contains(t, aws.ToString(out.Tasks[0].StoppedReason), "Host EC2 (instance "+id+") stopped/terminated.")
	// The replacement registers in its place.
	harness.Eventually(t, 10*time.Second, "the replacement to register", func() (bool, string) {
		out, _ := ecsc.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("batch"), Status: ecstypes.ContainerInstanceStatusActive})
		return len(out.ContainerInstanceArns) == 1, ""
	})
}

// TestManagedDraining: an instance of a capacity provider's group that
// terminates drains first; its task moves to the replacement instance.
func TestManagedDraining(t *testing.T) {
	t.Parallel()
	e := startScaled(t, 50)
	ecsc := ecs.NewFromConfig(e.ls.Config)
	harness.CreateCluster(t, ecsc, "drain")
	lt := e.launchTemplate("drain", "t3.medium", "drain")
	e.createGroup("drain", lt, 0, 4, 0)
	groupArn := aws.ToString(e.group("drain").AutoScalingGroupARN)
	if _, err := ecsc.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("drain-cp"),
		AutoScalingGroupProvider: &ecstypes.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(groupArn),
			ManagedScaling: &ecstypes.ManagedScaling{Status: ecstypes.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecsc.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("drain"),
		CapacityProviders: []string{"drain-cp"}, DefaultCapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecsc.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("big"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("big"), Image: aws.String("nginx"), Cpu: 1536, Memory: aws.Int32(512), Essential: aws.Bool(true)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecsc.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("drain"), ServiceName: aws.String("big"),
		TaskDefinition: aws.String("big"), DesiredCount: aws.Int32(2),
		CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("drain-cp"), Weight: 1}}}); err != nil {
		t.Fatal(err)
	}
	running := func() int32 {
		out, _ := ecsc.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String("drain"), Services: []string{"big"}})
		return out.Services[0].RunningCount
	}
	harness.Eventually(t, 30*time.Second, "2 running tasks on 2 instances", func() (bool, string) { return running() == 2, "" })
	victim := aws.ToString(e.group("drain").Instances[0].InstanceId)
	tasks, _ := ecsc.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String("drain")})
	described, _ := ecsc.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("drain"), Tasks: tasks.TaskArns})
	var victimTask string
	for _, task := range described.Tasks {
		ci, _ := ecsc.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("drain"), ContainerInstances: []string{aws.ToString(task.ContainerInstanceArn)}})
		if aws.ToString(ci.ContainerInstances[0].Ec2InstanceId) == victim {
			victimTask = aws.ToString(task.TaskArn)
		}
	}
	if victimTask == "" {
		t.Fatalf("no task on %s", victim)
	}
	if _, err := e.as.TerminateInstanceInAutoScalingGroup(harness.Ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{InstanceId: aws.String(victim),
		ShouldDecrementDesiredCapacity: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	list, _ := ecsc.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("drain")})
	statusOf := func() string {
		out, _ := ecsc.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("drain"), ContainerInstances: list.ContainerInstanceArns})
		for _, ci := range out.ContainerInstances {
			if aws.ToString(ci.Ec2InstanceId) == victim {
				return aws.ToString(ci.Status)
			}
		}
		return ""
	}
	harness.Eventually(t, 10*time.Second, "the instance to drain", func() (bool, string) { return statusOf() == "DRAINING" || statusOf() == "INACTIVE", "" })
	harness.Eventually(t, 30*time.Second, "the drained instance to go", func() (bool, string) { return statusOf() == "INACTIVE", "" })
	// The task left by draining, before the host went away.
	out, _ := ecsc.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("drain"), Tasks: []string{victimTask}})
	if len(out.Tasks) != 1 || aws.ToString(out.Tasks[0].LastStatus) != "STOPPED" || strings.Contains(aws.ToString(out.Tasks[0].StoppedReason), "stopped/terminated") {
		t.Errorf("victim task %+v", out.Tasks)
	}
	harness.Eventually(t, 30*time.Second, "the task to run elsewhere", func() (bool, string) {
		if running() != 2 {
			return false, ""
		}
		for _, i := range e.group("drain").Instances {
			if aws.ToString(i.InstanceId) == victim {
				return false, ""
			}
		}
		return true, ""
	})
}
