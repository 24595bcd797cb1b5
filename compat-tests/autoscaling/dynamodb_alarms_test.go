package autoscaling_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestDynamoDBTargetTrackingCreatesFourAlarms checks the alarms of a
// DynamoDB target tracking policy. Source: alarms AWS created for DynamoDB
// auto scaling, as exported from real accounts in public repositories
// (Terraformer exports of "TargetTracking-table/<T>-AlarmHigh-<id>",
// "-AlarmLow-", "-ProvisionedCapacityHigh-" and "-ProvisionedCapacityLow-"):
// AlarmHigh ConsumedReadCapacityUnits Sum/60 s over 2 periods above
// capacity × target% × 60 (30 for 1 unit at 50%), AlarmLow over 15 periods
// below capacity × (target−20)% × 60 (18), and the ProvisionedCapacity pair
// on ProvisionedReadCapacityUnits Average/300 s over 3 periods around the
// capacity (1).
func TestDynamoDBTargetTrackingCreatesFourAlarms(t *testing.T) {
	ls := quiet(t)
	c := aas.NewFromConfig(ls.Config)
	harness.Must(c.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceDynamodb,
		ScalableDimension: aastypes.ScalableDimensionDynamoDBTableReadCapacityUnits, ResourceId: aws.String("table/orders"),
		MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(10)}))(t)
	out := harness.Must(c.PutScalingPolicy(harness.Ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("reads"),
		ServiceNamespace: aastypes.ServiceNamespaceDynamodb, ScalableDimension: aastypes.ScalableDimensionDynamoDBTableReadCapacityUnits,
		ResourceId: aws.String("table/orders"), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeDynamoDBReadCapacityUtilization}}}))(t)
	if len(out.Alarms) != 4 {
		t.Fatalf("%d alarms: %+v", len(out.Alarms), out.Alarms)
	}
	var names []string
	for _, a := range out.Alarms {
		names = append(names, aws.ToString(a.AlarmName))
	}
	alarms := harness.Must(cloudwatch.NewFromConfig(ls.Config).DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: names}))(t).MetricAlarms
	if len(alarms) != 4 {
		t.Fatalf("%d alarms described", len(alarms))
	}
	want := map[string]struct {
		metric    string
		stat      cwtypes.Statistic
		period    int32
		periods   int32
		op        cwtypes.ComparisonOperator
		threshold float64
	}{
		"AlarmHigh":               {"ConsumedReadCapacityUnits", cwtypes.StatisticSum, 60, 2, cwtypes.ComparisonOperatorGreaterThanThreshold, 30},
		"AlarmLow":                {"ConsumedReadCapacityUnits", cwtypes.StatisticSum, 60, 15, cwtypes.ComparisonOperatorLessThanThreshold, 18},
		"ProvisionedCapacityHigh": {"ProvisionedReadCapacityUnits", cwtypes.StatisticAverage, 300, 3, cwtypes.ComparisonOperatorGreaterThanThreshold, 1},
		"ProvisionedCapacityLow":  {"ProvisionedReadCapacityUnits", cwtypes.StatisticAverage, 300, 3, cwtypes.ComparisonOperatorLessThanThreshold, 1},
	}
	seen := 0
	for _, a := range alarms {
		name := aws.ToString(a.AlarmName)
		for kind, w := range want {
			if !strings.HasPrefix(name, "TargetTracking-table/orders-"+kind+"-") {
				continue
			}
			seen++
			if aws.ToString(a.Namespace) != "AWS/DynamoDB" || aws.ToString(a.MetricName) != w.metric || a.Statistic != w.stat ||
				aws.ToInt32(a.Period) != w.period || aws.ToInt32(a.EvaluationPeriods) != w.periods || a.ComparisonOperator != w.op ||
				aws.ToFloat64(a.Threshold) != w.threshold || len(a.Dimensions) != 1 || aws.ToString(a.Dimensions[0].Name) != "TableName" ||
				aws.ToString(a.Dimensions[0].Value) != "orders" {
				t.Errorf("%s: %s %s %s %d×%d %s %v %+v", kind, aws.ToString(a.Namespace), aws.ToString(a.MetricName), a.Statistic,
					aws.ToInt32(a.Period), aws.ToInt32(a.EvaluationPeriods), a.ComparisonOperator, aws.ToFloat64(a.Threshold), a.Dimensions)
			}
		}
	}
	if seen != 4 {
		t.Fatalf("alarm names %v", names)
	}
	harness.Must(c.DeleteScalingPolicy(harness.Ctx, &aas.DeleteScalingPolicyInput{PolicyName: aws.String("reads"),
		ServiceNamespace: aastypes.ServiceNamespaceDynamodb, ScalableDimension: aastypes.ScalableDimensionDynamoDBTableReadCapacityUnits,
		ResourceId: aws.String("table/orders")}))(t)
	left := harness.Must(cloudwatch.NewFromConfig(ls.Config).DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: names}))(t).MetricAlarms
	if len(left) != 0 {
		t.Fatalf("%d alarms left after DeleteScalingPolicy", len(left))
	}
}
