package autoscaling_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

func running(t *testing.T, ls *longshoretest.Instance, service string) (desired, running int32) {
	t.Helper()
	svc := harness.DescribeService(t, ecs.NewFromConfig(ls.Config), cluster, service)
	return svc.DesiredCount, svc.RunningCount
}

// With --time-scale 60 the running engine and cluster manager carry a target
// tracking policy out end to end: the desired count rises under load and the
// service's running tasks follow.
func TestLiveTargetTrackingTasksFollow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the background loops for several seconds")
	}
	ls := live(t, 60)
	fargateService(t, ls, "web", 1)
	harness.Eventually(t, 30*time.Second, "the first task to run", func() (bool, string) {
		_, r := running(t, ls, "web")
		return r == 1, fmt.Sprintf("%d running", r)
	})
	client := aas.NewFromConfig(ls.Config)
	registerTarget(t, client, "web", 1, 4)
	if _, err := client.PutScalingPolicy(harness.Ctx, cpuPolicy("web", 70)); err != nil {
		t.Fatal(err)
	}
	setLoad(t, ls, "web", 95, 30)
	harness.Eventually(t, 60*time.Second, "scale-out to the maximum with running tasks", func() (bool, string) {
		d, r := running(t, ls, "web")
		return d == 4 && r == 4, ""
	})
	if acts := activities(t, client, "web"); len(acts) < 2 {
		t.Errorf("activities:\n%s", describeActivities(acts))
	}
}

// With --time-scale 60, an alarm on a custom metric fires a step policy: the
// service grows, its tasks follow, and the CLI shows the activity.
func TestLiveStepPolicyTasksFollow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the background loops for several seconds")
	}
	ls := live(t, 60)
	fargateService(t, ls, "worker", 1)
	client := aas.NewFromConfig(ls.Config)
	registerTarget(t, client, "worker", 1, 5)
	pol, err := client.PutScalingPolicy(harness.Ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("backlog"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("worker")),
		StepScalingPolicyConfiguration: &aastypes.StepScalingPolicyConfiguration{AdjustmentType: aastypes.AdjustmentTypeExactCapacity,
			StepAdjustments: []aastypes.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(3)}}}})
	if err != nil {
		t.Fatal(err)
	}
	cw := cloudwatch.NewFromConfig(ls.Config)
	if _, err := cw.PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("backlog-high"), Namespace: aws.String("App"),
		MetricName: aws.String("Backlog"), Statistic: cwtypes.StatisticMaximum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(100), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{aws.ToString(pol.PolicyARN)}}); err != nil {
		t.Fatal(err)
	}
	// A scaled minute is a second: keep publishing until the alarm has seen a full one.
	harness.Eventually(t, 30*time.Second, "the step policy and three running tasks", func() (bool, string) {
		if _, err := cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"),
			MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("Backlog"), Value: aws.Float64(500)}}}); err != nil {
			t.Fatal(err)
		}
		d, r := running(t, ls, "worker")
		return d == 3 && r == 3, ""
	})
	out, err := harness.AWSCLI(t, ls, nil, "application-autoscaling", "describe-scaling-activities", "--service-namespace", "ecs", "--resource-id", resourceID("worker"))
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	harness.Contains(t, out, `"Description": "Setting desired count to 3."`)
	harness.Contains(t, out, `"Cause": "monitor alarm backlog-high in state ALARM triggered policy backlog"`)
}
