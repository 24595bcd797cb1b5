package ecs_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// When Application Auto Scaling changes the desired count of a service whose
// task sets are managed outside ECS (EXTERNAL or CODE_DEPLOY), each task set's
// computedDesiredCount follows. The ECS API reference (TaskSet,
// computedDesiredCount): "The computed desired count for the task set. This is
// calculated by multiplying the service's desiredCount by the task set's scale
// percentage. The result is always rounded up."
func TestWorkloadTaskSetsFollowApplicationAutoScaling(t *testing.T) {
	e := wlStart(t)
	td := e.fargateFamily(t, "web", "nginx")
	scaling := aas.NewFromConfig(e.ls.Config)

	computed := func(service string) []int32 {
		t.Helper()
		d, err := e.client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{service}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, ts := range d.Services[0].TaskSets {
			ids = append(ids, aws.ToString(ts.Id))
		}
		out, err := e.client.DescribeTaskSets(harness.Ctx, &ecs.DescribeTaskSetsInput{Cluster: aws.String(e.cluster), Service: aws.String(service), TaskSets: ids})
		if err != nil {
			t.Fatal(err)
		}
		var n []int32
		for _, ts := range out.TaskSets {
			n = append(n, ts.ComputedDesiredCount)
		}
		return n
	}
	register := func(service string, lo, hi int32) {
		t.Helper()
		if _, err := scaling.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
			ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/" + e.cluster + "/" + service),
			MinCapacity: aws.Int32(lo), MaxCapacity: aws.Int32(hi)}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(service string, n ...int32) {
		t.Helper()
		got := computed(service)
		if len(got) != len(n) {
			t.Fatalf("%s: computed desired counts %v, want %v", service, got, n)
		}
		for i := range n {
			if got[i] != n[i] {
				t.Fatalf("%s: computed desired counts %v, want %v", service, got, n)
			}
		}
	}

	// EXTERNAL: one task set at 50% of 4.
	if _, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("ext"),
		DesiredCount: aws.Int32(4), DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskDefinition: aws.String(td), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork("subnet-1"),
		Scale: &types.Scale{Value: 50, Unit: types.ScaleUnitPercent}}); err != nil {
		t.Fatal(err)
	}
	want("ext", 2)

	// A minimum above the current count raises the desired count to 7: 3.5, rounded up.
	register("ext", 7, 20)
	want("ext", 4)

	// A step policy fired by an alarm adds one task: 8, so 4.
	pol, err := scaling.PutScalingPolicy(harness.Ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("step"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/" + e.cluster + "/ext"), PolicyType: aastypes.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &aastypes.StepScalingPolicyConfiguration{AdjustmentType: aastypes.AdjustmentTypeChangeInCapacity,
			StepAdjustments: []aastypes.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}}}})
	if err != nil {
		t.Fatal(err)
	}
	cw := cloudwatch.NewFromConfig(e.ls.Config)
	if _, err := cw.PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("busy"), Namespace: aws.String("App"),
		MetricName: aws.String("Busy"), Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("ignore"),
		AlarmActions: []string{aws.ToString(pol.PolicyARN)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("busy"), StateValue: cwtypes.StateValueAlarm,
		StateReason: aws.String("testing the policy")}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		d, err := e.client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{"ext"}})
		if err != nil {
			t.Fatal(err)
		}
		if d.Services[0].DesiredCount == 8 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the step policy left the desired count at %d", d.Services[0].DesiredCount)
		}
	}
	want("ext", 4)

	// CODE_DEPLOY: its PRIMARY task set scaled to 50%, then a maximum below
	// the current count lowers the desired count to 3: 1.5, rounded up.
	out, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("cd"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(6), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork("subnet-1"),
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.UpdateTaskSet(harness.Ctx, &ecs.UpdateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("cd"),
		TaskSet: out.Service.TaskSets[0].Id, Scale: &types.Scale{Value: 50, Unit: types.ScaleUnitPercent}}); err != nil {
		t.Fatal(err)
	}
	want("cd", 3)
	register("cd", 1, 3)
	want("cd", 2)
}
