package autoscalinggroups_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCatalogCalls(t *testing.T) {
	t.Parallel()
	e := start(t)
	adj, err := e.as.DescribeAdjustmentTypes(harness.Ctx, &autoscaling.DescribeAdjustmentTypesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range adj.AdjustmentTypes {
		names = append(names, aws.ToString(a.AdjustmentType))
	}
	if !slices.Equal(names, []string{"ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"}) {
		t.Errorf("adjustment types %v", names)
	}
	hooks, err := e.as.DescribeLifecycleHookTypes(harness.Ctx, &autoscaling.DescribeLifecycleHookTypesInput{})
	if err != nil || !slices.Equal(hooks.LifecycleHookTypes, []string{"autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"}) {
		t.Errorf("hook types %v %v", hooks, err)
	}
	tp, err := e.as.DescribeTerminationPolicyTypes(harness.Ctx, &autoscaling.DescribeTerminationPolicyTypesInput{})
	if err != nil || !slices.Contains(tp.TerminationPolicyTypes, "OldestLaunchTemplate") || !slices.Contains(tp.TerminationPolicyTypes, "Default") {
		t.Errorf("termination policy types %v %v", tp, err)
	}
	pt, err := e.as.DescribeScalingProcessTypes(harness.Ctx, &autoscaling.DescribeScalingProcessTypesInput{})
	if err != nil || len(pt.Processes) != 9 {
		t.Errorf("process types %v %v", pt, err)
	}
	mt, err := e.as.DescribeMetricCollectionTypes(harness.Ctx, &autoscaling.DescribeMetricCollectionTypesInput{})
	if err != nil || len(mt.Granularities) != 1 || aws.ToString(mt.Granularities[0].Granularity) != "1Minute" || len(mt.Metrics) < 13 {
		t.Errorf("metric collection types %v %v", mt, err)
	}
	nt, err := e.as.DescribeAutoScalingNotificationTypes(harness.Ctx, &autoscaling.DescribeAutoScalingNotificationTypesInput{})
	if err != nil || !slices.Contains(nt.AutoScalingNotificationTypes, "autoscaling:EC2_INSTANCE_LAUNCH") {
		t.Errorf("notification types %v %v", nt, err)
	}
	// What Longshore does not implement says so.
	_, err = e.as.DescribeNotificationConfigurations(harness.Ctx, &autoscaling.DescribeNotificationConfigurationsInput{})
	harness.AssertAPIError(t, err, "NotImplemented")
}

func TestProcessesAndMetrics(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("proc", "t3.micro", "")
	e.createGroup("proc", lt, 0, 3, 0)
	if _, err := e.as.SuspendProcesses(harness.Ctx, &autoscaling.SuspendProcessesInput{AutoScalingGroupName: aws.String("proc"), ScalingProcesses: []string{"Launch"}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.as.SuspendProcesses(harness.Ctx, &autoscaling.SuspendProcessesInput{AutoScalingGroupName: aws.String("proc"), ScalingProcesses: []string{"Dance"}})
	harness.AssertAPIError(t, err, "ValidationError")
	g := e.group("proc")
	if len(g.SuspendedProcesses) != 1 || aws.ToString(g.SuspendedProcesses[0].ProcessName) != "Launch" {
		t.Fatalf("suspended %+v", g.SuspendedProcesses)
	}
	// With Launch suspended the group launches nothing.
	if _, err := e.as.SetDesiredCapacity(harness.Ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("proc"), DesiredCapacity: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	sleepTicks()
	if n := len(e.group("proc").Instances); n != 0 {
		t.Fatalf("%d instances launched while Launch is suspended", n)
	}
	if _, err := e.as.ResumeProcesses(harness.Ctx, &autoscaling.ResumeProcessesInput{AutoScalingGroupName: aws.String("proc")}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 10e9, "launch after resume", func() (bool, string) { return len(e.group("proc").Instances) == 1, "" })

	if _, err := e.as.EnableMetricsCollection(harness.Ctx, &autoscaling.EnableMetricsCollectionInput{AutoScalingGroupName: aws.String("proc"),
		Granularity: aws.String("1Minute"), Metrics: []string{"GroupDesiredCapacity"}}); err != nil {
		t.Fatal(err)
	}
	if m := e.group("proc").EnabledMetrics; len(m) != 1 || aws.ToString(m[0].Metric) != "GroupDesiredCapacity" {
		t.Errorf("enabled metrics %+v", m)
	}
	// The enabled metric is published in AWS/AutoScaling.
	cw := cloudwatch.NewFromConfig(e.ls.Config)
	dims := []cwtypes.Dimension{{Name: aws.String("AutoScalingGroupName"), Value: aws.String("proc")}}
	harness.Eventually(t, 70e9, "GroupDesiredCapacity in CloudWatch", func() (bool, string) {
		out, err := cw.GetMetricStatistics(harness.Ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("AWS/AutoScaling"),
			MetricName: aws.String("GroupDesiredCapacity"), Dimensions: dims, Period: aws.Int32(60), Statistics: []cwtypes.Statistic{cwtypes.StatisticMaximum},
			StartTime: aws.Time(time.Now().Add(-10 * time.Minute)), EndTime: aws.Time(time.Now().Add(time.Minute))})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Datapoints) > 0 && aws.ToFloat64(out.Datapoints[0].Maximum) == 1, ""
	})
	if _, err := e.as.DisableMetricsCollection(harness.Ctx, &autoscaling.DisableMetricsCollectionInput{AutoScalingGroupName: aws.String("proc")}); err != nil {
		t.Fatal(err)
	}
	if m := e.group("proc").EnabledMetrics; len(m) != 0 {
		t.Errorf("metrics still enabled %+v", m)
	}
}
