package autoscalinggroups_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestScalingPolicies(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("pol", "t3.micro", "")
	e.createGroup("pol", lt, 1, 10, 2)
	simple, err := e.as.PutScalingPolicy(harness.Ctx, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("up"),
		AdjustmentType: aws.String("ChangeInCapacity"), ScalingAdjustment: aws.Int32(3), Cooldown: aws.Int32(0)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(simple.PolicyARN), ":scalingPolicy:") || !strings.HasSuffix(aws.ToString(simple.PolicyARN), ":autoScalingGroupName/pol:policyName/up") {
		t.Errorf("policy ARN %s", aws.ToString(simple.PolicyARN))
	}
	if _, err := e.as.PutScalingPolicy(harness.Ctx, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("steps"),
		PolicyType: aws.String("StepScaling"), AdjustmentType: aws.String("PercentChangeInCapacity"), MinAdjustmentMagnitude: aws.Int32(1),
		StepAdjustments: []types.StepAdjustment{{MetricIntervalUpperBound: aws.Float64(0), ScalingAdjustment: aws.Int32(-50)},
			{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(100)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.as.PutScalingPolicy(harness.Ctx, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("cpu50"),
		PolicyType: aws.String("TargetTrackingScaling"), TargetTrackingConfiguration: &types.TargetTrackingConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeASGAverageCPUUtilization}}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.as.PutScalingPolicy(harness.Ctx, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("bad"),
		AdjustmentType: aws.String("ChangeInCapacity")})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = e.as.PutScalingPolicy(harness.Ctx, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("gap"),
		PolicyType: aws.String("StepScaling"), AdjustmentType: aws.String("ChangeInCapacity"),
		StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(10), ScalingAdjustment: aws.Int32(1)},
			{MetricIntervalLowerBound: aws.Float64(20), ScalingAdjustment: aws.Int32(2)}}})
	harness.AssertAPIError(t, err, "ValidationError")

	var names []string
	p := autoscaling.NewDescribePoliciesPaginator(e.as, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String("pol"), MaxRecords: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, pol := range out.ScalingPolicies {
			names = append(names, aws.ToString(pol.PolicyName))
		}
	}
	if strings.Join(names, ",") != "up,steps,cpu50" {
		t.Errorf("policies %v", names)
	}
	only, _ := e.as.DescribePolicies(harness.Ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String("pol"), PolicyTypes: []string{"StepScaling"}})
	if len(only.ScalingPolicies) != 1 || aws.ToString(only.ScalingPolicies[0].MetricAggregationType) != "Average" || !aws.ToBool(only.ScalingPolicies[0].Enabled) {
		t.Errorf("step policy %+v", only.ScalingPolicies)
	}

	// ExecutePolicy moves the desired capacity, within the bounds.
	if _, err := e.as.ExecutePolicy(harness.Ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("up")}); err != nil {
		t.Fatal(err)
	}
	if d := aws.ToInt32(e.group("pol").DesiredCapacity); d != 5 {
		t.Errorf("desired %d after +3, want 5", d)
	}
	// The launches that follow quote the execution as their cause.
	harness.Eventually(t, 10*time.Second, "an activity quoting the policy", func() (bool, string) {
		acts, _ := e.as.DescribeScalingActivities(harness.Ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("pol")})
		for _, a := range acts.Activities {
			if strings.Contains(aws.ToString(a.Cause), "a user request executed policy up changing the desired capacity from 2 to 5.") {
				return true, ""
			}
		}
		return false, ""
	})
	if _, err := e.as.ExecutePolicy(harness.Ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: simple.PolicyARN,
		HonorCooldown: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	if d := aws.ToInt32(e.group("pol").DesiredCapacity); d != 8 {
		t.Errorf("desired %d after a second +3, want 8", d)
	}
	if _, err := e.as.ExecutePolicy(harness.Ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("steps"),
		MetricValue: aws.Float64(40), BreachThreshold: aws.Float64(50)}); err != nil {
		t.Fatal(err)
	}
	if d := aws.ToInt32(e.group("pol").DesiredCapacity); d != 4 {
		t.Errorf("desired %d after -50%%, want 4", d)
	}
	_, err = e.as.ExecutePolicy(harness.Ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("steps")})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = e.as.ExecutePolicy(harness.Ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("cpu50")})
	harness.AssertAPIError(t, err, "ValidationError")

	if _, err := e.as.DeletePolicy(harness.Ctx, &autoscaling.DeletePolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("up")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.as.DeletePolicy(harness.Ctx, &autoscaling.DeletePolicyInput{AutoScalingGroupName: aws.String("pol"), PolicyName: aws.String("up")})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestScheduledActions(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("sched", "t3.micro", "")
	e.createGroup("sched", lt, 0, 5, 0)
	soon := time.Now().UTC().Add(2 * time.Second)
	if _, err := e.as.PutScheduledUpdateGroupAction(harness.Ctx, &autoscaling.PutScheduledUpdateGroupActionInput{AutoScalingGroupName: aws.String("sched"),
		ScheduledActionName: aws.String("soon"), StartTime: aws.Time(soon), DesiredCapacity: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.as.PutScheduledUpdateGroupAction(harness.Ctx, &autoscaling.PutScheduledUpdateGroupActionInput{AutoScalingGroupName: aws.String("sched"),
		ScheduledActionName: aws.String("nightly"), Recurrence: aws.String("0 2 * * *"), TimeZone: aws.String("Europe/Paris"), MinSize: aws.Int32(0), MaxSize: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	_, err := e.as.PutScheduledUpdateGroupAction(harness.Ctx, &autoscaling.PutScheduledUpdateGroupActionInput{AutoScalingGroupName: aws.String("sched"),
		ScheduledActionName: aws.String("past"), StartTime: aws.Time(time.Now().Add(-time.Hour)), DesiredCapacity: aws.Int32(1)})
	ae := harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "Given start time is in the past")
	_, err = e.as.PutScheduledUpdateGroupAction(harness.Ctx, &autoscaling.PutScheduledUpdateGroupActionInput{AutoScalingGroupName: aws.String("sched"),
		ScheduledActionName: aws.String("cron"), Recurrence: aws.String("61 * * * *"), DesiredCapacity: aws.Int32(1)})
	harness.AssertAPIError(t, err, "ValidationError")

	batch, err := e.as.BatchPutScheduledUpdateGroupAction(harness.Ctx, &autoscaling.BatchPutScheduledUpdateGroupActionInput{AutoScalingGroupName: aws.String("sched"),
		ScheduledUpdateGroupActions: []types.ScheduledUpdateGroupActionRequest{
			{ScheduledActionName: aws.String("weekday"), Recurrence: aws.String("30 8 * * MON-FRI"), DesiredCapacity: aws.Int32(3)},
			{ScheduledActionName: aws.String("broken"), Recurrence: aws.String("not cron"), DesiredCapacity: aws.Int32(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.FailedScheduledUpdateGroupActions) != 1 || aws.ToString(batch.FailedScheduledUpdateGroupActions[0].ScheduledActionName) != "broken" ||
		aws.ToString(batch.FailedScheduledUpdateGroupActions[0].ErrorCode) != "ValidationError" {
		t.Errorf("batch failures %+v", batch.FailedScheduledUpdateGroupActions)
	}
	var all []types.ScheduledUpdateGroupAction
	p := autoscaling.NewDescribeScheduledActionsPaginator(e.as, &autoscaling.DescribeScheduledActionsInput{AutoScalingGroupName: aws.String("sched"), MaxRecords: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.ScheduledUpdateGroupActions...)
	}
	if len(all) != 3 {
		t.Fatalf("%d scheduled actions", len(all))
	}
	nightly := all[1]
	if aws.ToString(nightly.Recurrence) != "0 2 * * *" || !strings.Contains(aws.ToString(nightly.ScheduledActionARN), ":scheduledUpdateGroupAction:") {
		t.Errorf("nightly %+v", nightly)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	if at := nightly.StartTime.In(paris); at.Hour() != 2 || at.Minute() != 0 || !at.After(time.Now()) {
		t.Errorf("nightly next run %v", at)
	}

	// The one-time action runs, then goes.
	harness.Eventually(t, 10*time.Second, "the scheduled action", func() (bool, string) { return aws.ToInt32(e.group("sched").DesiredCapacity) == 2, "" })
	harness.Eventually(t, 5*time.Second, "the one-time action to go", func() (bool, string) {
		out, _ := e.as.DescribeScheduledActions(harness.Ctx, &autoscaling.DescribeScheduledActionsInput{AutoScalingGroupName: aws.String("sched"), ScheduledActionNames: []string{"soon"}})
		return len(out.ScheduledUpdateGroupActions) == 0, ""
	})

	if _, err := e.as.DeleteScheduledAction(harness.Ctx, &autoscaling.DeleteScheduledActionInput{AutoScalingGroupName: aws.String("sched"), ScheduledActionName: aws.String("nightly")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.as.DeleteScheduledAction(harness.Ctx, &autoscaling.DeleteScheduledActionInput{AutoScalingGroupName: aws.String("sched"), ScheduledActionName: aws.String("nightly")})
	harness.AssertAPIError(t, err, "ValidationError")
	del, err := e.as.BatchDeleteScheduledAction(harness.Ctx, &autoscaling.BatchDeleteScheduledActionInput{AutoScalingGroupName: aws.String("sched"), ScheduledActionNames: []string{"weekday", "ghost"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.FailedScheduledActions) != 1 || aws.ToString(del.FailedScheduledActions[0].ScheduledActionName) != "ghost" {
		t.Errorf("batch delete failures %+v", del.FailedScheduledActions)
	}
}
