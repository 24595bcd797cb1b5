package autoscaling_test

import (
	"regexp"
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

func cpuPolicy(service string, target float64) *aas.PutScalingPolicyInput {
	return &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu70"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID(service)),
		PolicyType: types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(target),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization},
			ScaleOutCooldown:              aws.Int32(60), ScaleInCooldown: aws.Int32(120)}}
}

func TestTargetTrackingPolicyCreatesAlarms(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 1)
	client := aas.NewFromConfig(ls.Config)
	registerTarget(t, client, "web", 1, 10)
	out, err := client.PutScalingPolicy(harness.Ctx, cpuPolicy("web", 70))
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.PolicyARN)
	if !regexp.MustCompile(`^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]{36}:resource/ecs/service/scaling/web:policyName/cpu70$`).MatchString(arn) {
		t.Errorf("policy ARN %s", arn)
	}
	if len(out.Alarms) != 2 {
		t.Fatalf("alarms %+v", out.Alarms)
	}
	highRE := regexp.MustCompile(`^TargetTracking-service/scaling/web-AlarmHigh-[0-9a-f-]{36}$`)
	lowRE := regexp.MustCompile(`^TargetTracking-service/scaling/web-AlarmLow-[0-9a-f-]{36}$`)
	if !highRE.MatchString(aws.ToString(out.Alarms[0].AlarmName)) || !lowRE.MatchString(aws.ToString(out.Alarms[1].AlarmName)) {
		t.Fatalf("alarm names %s %s", aws.ToString(out.Alarms[0].AlarmName), aws.ToString(out.Alarms[1].AlarmName))
	}
	cw := cloudwatch.NewFromConfig(ls.Config)
	d, err := cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("TargetTracking-service/scaling/web-")})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.MetricAlarms) != 2 {
		t.Fatalf("%d alarms in CloudWatch", len(d.MetricAlarms))
	}
	for _, a := range d.MetricAlarms {
		high := strings.Contains(aws.ToString(a.AlarmName), "AlarmHigh")
		wantPeriods, wantThreshold, wantOp := int32(15), 63.0, cwtypes.ComparisonOperatorLessThanThreshold
		if high {
			wantPeriods, wantThreshold, wantOp = 3, 70, cwtypes.ComparisonOperatorGreaterThanThreshold
		}
		if aws.ToString(a.Namespace) != "AWS/ECS" || aws.ToString(a.MetricName) != "CPUUtilization" || a.Statistic != cwtypes.StatisticAverage ||
			aws.ToInt32(a.Period) != 60 || aws.ToInt32(a.EvaluationPeriods) != wantPeriods || aws.ToInt32(a.DatapointsToAlarm) != wantPeriods ||
			aws.ToFloat64(a.Threshold) != wantThreshold || a.ComparisonOperator != wantOp || len(a.AlarmActions) != 1 || a.AlarmActions[0] != arn ||
			aws.ToString(a.AlarmDescription) != "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy "+arn+"." || len(a.Dimensions) != 2 {
			t.Errorf("alarm %s: %+v", aws.ToString(a.AlarmName), a)
		}
	}

	// DisableScaleIn drops the low alarm; the high one keeps its name.
	in := cpuPolicy("web", 60)
	in.TargetTrackingScalingPolicyConfiguration.DisableScaleIn = aws.Bool(true)
	out2, err := client.PutScalingPolicy(harness.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out2.PolicyARN) != arn || len(out2.Alarms) != 1 || aws.ToString(out2.Alarms[0].AlarmName) != aws.ToString(out.Alarms[0].AlarmName) {
		t.Fatalf("update: %s %+v", aws.ToString(out2.PolicyARN), out2.Alarms)
	}

	pols, err := client.DescribeScalingPolicies(harness.Ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String(resourceID("web"))})
	if err != nil {
		t.Fatal(err)
	}
	if len(pols.ScalingPolicies) != 1 || aws.ToFloat64(pols.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue) != 60 || len(pols.ScalingPolicies[0].Alarms) != 1 {
		t.Fatalf("policies %+v", pols.ScalingPolicies)
	}

	if _, err := client.DeleteScalingPolicy(harness.Ctx, &aas.DeleteScalingPolicyInput{PolicyName: aws.String("cpu70"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web"))}); err != nil {
		t.Fatal(err)
	}
	d, _ = cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("TargetTracking-")})
	if len(d.MetricAlarms) != 0 {
		t.Errorf("alarms left after deleting the policy: %d", len(d.MetricAlarms))
	}
	_, err = client.DeleteScalingPolicy(harness.Ctx, &aas.DeleteScalingPolicyInput{PolicyName: aws.String("cpu70"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web"))})
	if ae := harness.AssertAPIError(t, err, "ObjectNotFoundException"); ae.ErrorMessage() !=
		"No scaling policy found for service namespace: ecs, resource ID: service/scaling/web, scalable dimension: ecs:service:DesiredCount, policy name: cpu70" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func TestPutScalingPolicyValidation(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 1)
	client := aas.NewFromConfig(ls.Config)
	_, err := client.PutScalingPolicy(harness.Ctx, cpuPolicy("web", 70))
	harness.AssertAPIError(t, err, "ObjectNotFoundException")
	registerTarget(t, client, "web", 1, 10)

	alb := cpuPolicy("web", 1000)
	alb.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification = &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeALBRequestCountPerTarget}
	_, err = client.PutScalingPolicy(harness.Ctx, alb)
	harness.AssertAPIError(t, err, "ValidationException")
	alb.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel = aws.String("app/web-lb/50dc6c495c0c9188/targetgroup/web/943f017f100becff")
	if _, err := client.PutScalingPolicy(harness.Ctx, alb); err != nil {
		t.Fatal(err)
	}

	overlap := &aas.PutScalingPolicyInput{PolicyName: aws.String("steps"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web")),
		StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity,
			StepAdjustments: []types.StepAdjustment{
				{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(20), ScalingAdjustment: aws.Int32(1)},
				{MetricIntervalLowerBound: aws.Float64(10), ScalingAdjustment: aws.Int32(3)}}}}
	_, err = client.PutScalingPolicy(harness.Ctx, overlap)
	harness.AssertAPIError(t, err, "ValidationException")
	custom := &aas.PutScalingPolicyInput{PolicyName: aws.String("backlog"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web")), PolicyType: types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(100),
			CustomizedMetricSpecification: &types.CustomizedMetricSpecification{Metrics: []types.TargetTrackingMetricDataQuery{
				{Id: aws.String("m1"), ReturnData: aws.Bool(false), MetricStat: &types.TargetTrackingMetricStat{Stat: aws.String("Sum"),
					Metric: &types.TargetTrackingMetric{Namespace: aws.String("App"), MetricName: aws.String("Backlog")}}},
				{Id: aws.String("m2"), ReturnData: aws.Bool(false), MetricStat: &types.TargetTrackingMetricStat{Stat: aws.String("Average"),
					Metric: &types.TargetTrackingMetric{Namespace: aws.String("AWS/ECS"), MetricName: aws.String("RunningTaskCount")}}},
				{Id: aws.String("perTask"), Expression: aws.String("m1 / m2")}}}}}
	bad := *custom
	badCfg := *custom.TargetTrackingScalingPolicyConfiguration
	badSpec := *badCfg.CustomizedMetricSpecification
	badSpec.Metrics = append([]types.TargetTrackingMetricDataQuery{}, badSpec.Metrics...)
	badSpec.Metrics[2] = types.TargetTrackingMetricDataQuery{Id: aws.String("perTask"), Expression: aws.String("m1 / m3")}
	badCfg.CustomizedMetricSpecification, bad.TargetTrackingScalingPolicyConfiguration = &badSpec, &badCfg
	_, err = client.PutScalingPolicy(harness.Ctx, &bad)
	harness.AssertAPIError(t, err, "ValidationException")
	out, err := client.PutScalingPolicy(harness.Ctx, custom)
	if err != nil {
		t.Fatal(err)
	}
	a, err := cloudwatch.NewFromConfig(ls.Config).DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{aws.ToString(out.Alarms[0].AlarmName)}})
	if err != nil || len(a.MetricAlarms) != 1 || len(a.MetricAlarms[0].Metrics) != 3 {
		t.Fatalf("metric math alarm: %v %+v", err, a)
	}
}

func TestScheduledActionsAPI(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 1)
	client := aas.NewFromConfig(ls.Config)
	registerTarget(t, client, "web", 1, 10)
	base := aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceEcs, ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String(resourceID("web")), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(3)}}
	for name, expr := range map[string]string{"morning": "cron(0 8 ? * MON-FRI *)", "every-5": "rate(5 minutes)", "once": "at(2030-01-02T03:04:05)"} {
		in := base
		in.ScheduledActionName, in.Schedule, in.Timezone = aws.String(name), aws.String(expr), aws.String("Asia/Tokyo")
		if _, err := client.PutScheduledAction(harness.Ctx, &in); err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
	}
	for _, bad := range []string{"rate(5 minute)", "cron(0 8 * * * *)", "at(tomorrow)", "every day"} {
		in := base
		in.ScheduledActionName, in.Schedule = aws.String("bad"), aws.String(bad)
		_, err := client.PutScheduledAction(harness.Ctx, &in)
		harness.AssertAPIError(t, err, "ValidationException")
	}
	in := base
	in.ScheduledActionName, in.Schedule, in.Timezone = aws.String("tz"), aws.String("rate(1 hour)"), aws.String("Mars/Olympus")
	_, err := client.PutScheduledAction(harness.Ctx, &in)
	harness.AssertAPIError(t, err, "ValidationException")
	in.Timezone, in.StartTime, in.EndTime = nil, aws.Time(time.Now().Add(time.Hour)), aws.Time(time.Now())
	_, err = client.PutScheduledAction(harness.Ctx, &in)
	harness.AssertAPIError(t, err, "ValidationException")

	out, err := client.DescribeScheduledActions(harness.Ctx, &aas.DescribeScheduledActionsInput{ServiceNamespace: types.ServiceNamespaceEcs, ScheduledActionNames: []string{"morning"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ScheduledActions) != 1 || aws.ToString(out.ScheduledActions[0].Timezone) != "Asia/Tokyo" ||
		!strings.HasPrefix(aws.ToString(out.ScheduledActions[0].ScheduledActionARN), "arn:aws:autoscaling:us-east-1:000000000000:scheduledAction:") {
		t.Fatalf("%+v", out.ScheduledActions)
	}
	if _, err := client.DeleteScheduledAction(harness.Ctx, &aas.DeleteScheduledActionInput{ServiceNamespace: types.ServiceNamespaceEcs, ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String(resourceID("web")), ScheduledActionName: aws.String("morning")}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DeleteScheduledAction(harness.Ctx, &aas.DeleteScheduledActionInput{ServiceNamespace: types.ServiceNamespaceEcs, ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String(resourceID("web")), ScheduledActionName: aws.String("morning")})
	harness.AssertAPIError(t, err, "ObjectNotFoundException")
	all, _ := client.DescribeScheduledActions(harness.Ctx, &aas.DescribeScheduledActionsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if len(all.ScheduledActions) != 2 {
		t.Errorf("%d scheduled actions left", len(all.ScheduledActions))
	}
}

func TestPredictiveScalingForecast(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 2)
	client := aas.NewFromConfig(ls.Config)
	registerTarget(t, client, "web", 1, 10)
	_, err := client.PutScalingPolicy(harness.Ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("predict"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web")), PolicyType: types.PolicyTypePredictiveScaling,
		PredictiveScalingPolicyConfiguration: &types.PredictiveScalingPolicyConfiguration{MetricSpecifications: []types.PredictiveScalingMetricSpecification{{
			TargetValue: aws.Float64(40), PredefinedMetricPairSpecification: &types.PredictiveScalingPredefinedMetricPairSpecification{PredefinedMetricType: aws.String("ECSServiceCPUUtilization")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	setLoad(t, ls, "web", 80, 20)
	e := newFakeEngine(ls)
	e.advance(t, 2*time.Second)
	start := time.Now().UTC().Truncate(time.Hour)
	out, err := client.GetPredictiveScalingForecast(harness.Ctx, &aas.GetPredictiveScalingForecastInput{PolicyName: aws.String("predict"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web")), StartTime: aws.Time(start), EndTime: aws.Time(start.Add(3 * time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	// 80% on 2 tasks is a load of 160; at 40% per task that is 4 tasks.
	if len(out.LoadForecast) != 1 || len(out.LoadForecast[0].Values) != 3 || out.LoadForecast[0].Values[0] != 160 ||
		len(out.CapacityForecast.Values) != 3 || out.CapacityForecast.Values[0] != 4 {
		t.Fatalf("forecast %+v %+v", out.LoadForecast, out.CapacityForecast)
	}
	_, err = client.GetPredictiveScalingForecast(harness.Ctx, &aas.GetPredictiveScalingForecastInput{PolicyName: aws.String("none"), ServiceNamespace: types.ServiceNamespaceEcs,
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resourceID("web")), StartTime: aws.Time(start), EndTime: aws.Time(start.Add(time.Hour))})
	harness.AssertAPIError(t, err, "ObjectNotFoundException")
}
