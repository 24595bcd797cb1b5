package autoscaling_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A service registered 1–10 with a 70% CPU target: 95% load scales it out
// step by step to the maximum, 10% load scales it back in after the cooldown.
func TestTargetTrackingScalesOutAndIn(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 1)
	client := aas.NewFromConfig(ls.Config)
	registerTarget(t, client, "web", 1, 10)
	pol, err := client.PutScalingPolicy(harness.Ctx, cpuPolicy("web", 70))
	if err != nil {
		t.Fatal(err)
	}
	e := newFakeEngine(ls)
	setLoad(t, ls, "web", 95, 40)

	// Three one-minute datapoints above 70% put AlarmHigh in ALARM. The
	// first is published at the first tick and counted from the second on.
	e.advance(t, 3*time.Second)
	if n := desiredCount(t, ls, "web"); n != 1 {
		t.Fatalf("scaled before three datapoints: %d", n)
	}
	e.advance(t, time.Second)
	if n := desiredCount(t, ls, "web"); n != 2 {
		t.Fatalf("desired %d after AlarmHigh, want ceil(1×95/70) = 2", n)
	}
	acts := activities(t, client, "web")
	high := aws.ToString(pol.Alarms[0].AlarmName)
	if aws.ToString(acts[0].Description) != "Setting desired count to 2." ||
		aws.ToString(acts[0].Cause) != "monitor alarm "+high+" in state ALARM triggered policy cpu70" {
		t.Fatalf("activities:\n%s", describeActivities(acts))
	}
	// Still in ALARM a period later: the action runs again after the 60 s (1 s scaled) cooldown.
	e.advance(t, 10*time.Second)
	if n := desiredCount(t, ls, "web"); n != 10 {
		t.Fatalf("desired %d under sustained load, want the maximum 10", n)
	}
	// At the maximum, the policy's further attempts are not-scaled activities.
	ns, err := client.DescribeScalingActivities(harness.Ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String(resourceID("web")), IncludeNotScaledActivities: aws.Bool(true), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if r := ns.ScalingActivities[0].NotScaledReasons; len(r) != 1 || aws.ToString(r[0].Code) != "AlreadyAtMaxCapacity" || aws.ToInt32(r[0].CurrentCapacity) != 10 {
		t.Errorf("not-scaled activity %+v", ns.ScalingActivities[0])
	}
	if acts := activities(t, client, "web"); len(acts[0].NotScaledReasons) != 0 {
		t.Errorf("not-scaled activity listed without IncludeNotScaledActivities")
	}

	// 10% load: AlarmLow needs 15 datapoints, then scale-in halves at most, once per cooldown.
	setLoad(t, ls, "web", 10, 40)
	e.advance(t, 14*time.Second)
	if n := desiredCount(t, ls, "web"); n != 10 {
		t.Fatalf("scaled in before AlarmLow: %d", n)
	}
	e.advance(t, 2*time.Second)
	if n := desiredCount(t, ls, "web"); n != 5 {
		t.Fatalf("desired %d after AlarmLow, want 5 (at most half removed)", n)
	}
	e.advance(t, time.Second)
	if n := desiredCount(t, ls, "web"); n != 5 {
		t.Fatalf("scaled in during the 120 s (2 s scaled) cooldown: %d", n)
	}
	e.advance(t, 20*time.Second)
	if n := desiredCount(t, ls, "web"); n != 1 {
		t.Fatalf("desired %d after sustained low load, want the minimum 1", n)
	}
	cw := cloudwatch.NewFromConfig(ls.Config)
	hist, err := cw.DescribeAlarmHistory(harness.Ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String(high), HistoryItemType: cwtypes.HistoryItemTypeAction})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.AlarmHistoryItems) == 0 || !strings.HasPrefix(aws.ToString(hist.AlarmHistoryItems[0].HistorySummary), "Successfully executed action arn:aws:autoscaling:") {
		t.Errorf("action history %+v", hist.AlarmHistoryItems)
	}

	// DisableScaleIn keeps the capacity under low load.
	in := cpuPolicy("web", 70)
	in.TargetTrackingScalingPolicyConfiguration.DisableScaleIn = aws.Bool(true)
	if _, err := client.PutScalingPolicy(harness.Ctx, in); err != nil {
		t.Fatal(err)
	}
	setLoad(t, ls, "web", 95, 40)
	e.advance(t, 6*time.Second)
	setLoad(t, ls, "web", 5, 40)
	e.advance(t, 3*time.Second) // the last high datapoints leave the alarm's window
	n := desiredCount(t, ls, "web")
	e.advance(t, 30*time.Second)
	if m := desiredCount(t, ls, "web"); m != n || n < 2 {
		t.Fatalf("with DisableScaleIn: %d then %d", n, m)
	}
}

// A step policy fired by an alarm on a custom metric (queue depth) adds tasks.
func TestStepPolicyOnCustomMetric(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "worker", 2)
	client := aas.NewFromConfig(ls.Config)
	registerTarget(t, client, "worker", 1, 20)
	pol, err := client.PutScalingPolicy(harness.Ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("queue-steps"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("worker")), PolicyType: types.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity, Cooldown: aws.Int32(60),
			MetricAggregationType: types.MetricAggregationTypeAverage,
			StepAdjustments: []types.StepAdjustment{
				{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(100), ScalingAdjustment: aws.Int32(1)},
				{MetricIntervalLowerBound: aws.Float64(100), ScalingAdjustment: aws.Int32(3)}}}})
	if err != nil {
		t.Fatal(err)
	}
	cw := cloudwatch.NewFromConfig(ls.Config)
	queue := []cwtypes.Dimension{{Name: aws.String("QueueName"), Value: aws.String("jobs")}}
	if _, err := cw.PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("queue-deep"), Namespace: aws.String("App/SQS"),
		MetricName: aws.String("ApproximateNumberOfMessagesVisible"), Dimensions: queue, Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(100), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		AlarmActions: []string{aws.ToString(pol.PolicyARN)}}); err != nil {
		t.Fatal(err)
	}
	e := newFakeEngine(ls)
	depth := func(v float64) {
		t.Helper()
		if _, err := cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App/SQS"), MetricData: []cwtypes.MetricDatum{
			{MetricName: aws.String("ApproximateNumberOfMessagesVisible"), Dimensions: queue, Value: aws.Float64(v), Timestamp: aws.Time(e.now)}}}); err != nil {
			t.Fatal(err)
		}
	}
	depth(150) // 50 above the threshold: the first step, +1
	e.advance(t, time.Second)
	if n := desiredCount(t, ls, "worker"); n != 3 {
		t.Fatalf("desired %d, want 3", n)
	}
	depth(400) // 300 above: the second step, +3, after the cooldown
	e.advance(t, time.Second)
	if n := desiredCount(t, ls, "worker"); n != 6 {
		t.Fatalf("desired %d, want 6", n)
	}
	pols, err := client.DescribeScalingPolicies(harness.Ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, PolicyNames: []string{"queue-steps"}})
	if err != nil {
		t.Fatal(err)
	}
	if a := pols.ScalingPolicies[0].Alarms; len(a) != 1 || aws.ToString(a[0].AlarmName) != "queue-deep" {
		t.Errorf("policy alarms %+v", a)
	}
	depth(10)
	e.advance(t, time.Second)
	d, _ := cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"queue-deep"}})
	if d.MetricAlarms[0].StateValue != cwtypes.StateValueOk {
		t.Errorf("alarm %s: %s", d.MetricAlarms[0].StateValue, aws.ToString(d.MetricAlarms[0].StateReason))
	}
	if n := desiredCount(t, ls, "worker"); n != 6 {
		t.Errorf("desired %d after the queue drained (no scale-in step)", n)
	}

	// SetAlarmState runs the actions at once; with no data the breach is taken as zero: the first step.
	if _, err := cw.PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("manual"), Namespace: aws.String("App/SQS"),
		MetricName: aws.String("Unused"), Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("ignore"),
		AlarmActions: []string{aws.ToString(pol.PolicyARN)}}); err != nil {
		t.Fatal(err)
	}
	e.advance(t, time.Second)
	if _, err := cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("manual"), StateValue: cwtypes.StateValueAlarm,
		StateReason: aws.String("testing the policy")}); err != nil {
		t.Fatal(err)
	}
	e.advance(t, time.Second)
	if n := desiredCount(t, ls, "worker"); n != 7 {
		t.Errorf("desired %d after SetAlarmState ALARM, want 7", n)
	}
}

// A scheduled action raises the minimum at its time, and the service follows.
func TestScheduledActionRaisesMinimum(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 1)
	client := aas.NewFromConfig(ls.Config)
	registerTarget(t, client, "web", 1, 10)
	e := newFakeEngine(ls)
	// Two minutes from now on the schedule's clock: two seconds at time scale 60.
	at := time.Now().UTC().Add(2 * time.Minute).Truncate(time.Second)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if _, err := client.PutScheduledAction(harness.Ctx, &aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web")),
		ScheduledActionName: aws.String("peak"), Schedule: aws.String("at(" + at.In(tokyo).Format("2006-01-02T15:04:05") + ")"), Timezone: aws.String("Asia/Tokyo"),
		ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(4), MaxCapacity: aws.Int32(8)}}); err != nil {
		t.Fatal(err)
	}
	e.now = time.Now().UTC()
	e.advance(t, time.Second)
	if n := desiredCount(t, ls, "web"); n != 1 {
		t.Fatalf("fired early: %d", n)
	}
	e.advance(t, 3*time.Second)
	if n := desiredCount(t, ls, "web"); n != 4 {
		t.Fatalf("desired %d after the scheduled action, want 4", n)
	}
	d, _ := client.DescribeScalableTargets(harness.Ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if st := d.ScalableTargets[0]; aws.ToInt32(st.MinCapacity) != 4 || aws.ToInt32(st.MaxCapacity) != 8 {
		t.Errorf("bounds %d..%d", aws.ToInt32(st.MinCapacity), aws.ToInt32(st.MaxCapacity))
	}
	acts := activities(t, client, "web")
	if len(acts) < 2 || aws.ToString(acts[0].Description) != "Setting desired count to 4." || aws.ToString(acts[0].Cause) != "minimum capacity was set to 4" ||
		aws.ToString(acts[1].Description) != "Setting min capacity to 4 and max capacity to 8" || aws.ToString(acts[1].Cause) != "scheduled action name peak was triggered" {
		t.Fatalf("activities:\n%s", describeActivities(acts))
	}
	// at() fires once.
	e.advance(t, 5*time.Second)
	if n := len(activities(t, client, "web")); n != len(acts) {
		t.Errorf("at() fired again: %d activities", n)
	}
}
