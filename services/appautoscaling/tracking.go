package appautoscaling

import (
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/protocol/apierror"
	cw "github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/store"
)

// Target tracking alarm settings, as AWS creates them.
const (
	highEvaluationPeriods = 3
	lowEvaluationPeriods  = 15
	lowThresholdFactor    = 0.9
)

// putTrackingAlarms creates (or updates) a target tracking policy's alarms
// with AWS's names and settings: AlarmHigh over 3 one-minute periods above
// the target, AlarmLow over 15 below 90% of it (none with DisableScaleIn).
func putTrackingAlarms(tx *store.Tx, sc store.Scope, now time.Time, p *types.ScalingPolicy) ([]types.Alarm, error) {
	tt := p.TargetTrackingScalingPolicyConfiguration
	prefix := "TargetTracking-" + aws.ToString(p.ResourceId)
	high, low := prefix+"-AlarmHigh-"+uuid(), prefix+"-AlarmLow-"+uuid()
	provHigh, provLow := prefix+"-ProvisionedCapacityHigh-"+uuid(), prefix+"-ProvisionedCapacityLow-"+uuid()
	for _, a := range p.Alarms {
		switch n := aws.ToString(a.AlarmName); {
		case strings.Contains(n, "-AlarmHigh-"):
			high = n
		case strings.Contains(n, "-AlarmLow-"):
			low = n
		case strings.Contains(n, "-ProvisionedCapacityHigh-"):
			provHigh = n
		case strings.Contains(n, "-ProvisionedCapacityLow-"):
			provLow = n
		}
	}
	if dm, ok := dynamoMetricOf(p); ok {
		return putDynamoAlarms(tx, sc, now, p, dm, [4]string{high, low, provHigh, provLow})
	}
	target := aws.ToFloat64(tt.TargetValue)
	m := metricOf(p)
	desc := "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + aws.ToString(p.PolicyARN) + "."
	put := func(name string, periods int32, op cwtypes.ComparisonOperator, threshold float64) error {
		in := &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name), AlarmDescription: aws.String(desc),
			AlarmActions: []string{aws.ToString(p.PolicyARN)}, ActionsEnabled: aws.Bool(true),
			ComparisonOperator: op, EvaluationPeriods: aws.Int32(periods), DatapointsToAlarm: aws.Int32(periods), Threshold: aws.Float64(threshold)}
		if len(m.metrics) > 0 {
			in.Metrics = m.metrics
		} else {
			in.Namespace, in.MetricName, in.Dimensions = aws.String(m.namespace), aws.String(m.name), m.dims
			in.Statistic, in.Period, in.Unit = cwtypes.Statistic(m.stat), aws.Int32(60), cwtypes.StandardUnit(m.unit)
		}
		// CloudWatch's refusal (a bad metric math expression) is this API's ValidationException.
		if err := cw.PutMetricAlarm(tx, sc, now, in); err != nil {
			var ae *apierror.Error
			if errors.As(err, &ae) {
				return errValidation("%s", ae.Message)
			}
			return err
		}
		return nil
	}
	if err := put(high, highEvaluationPeriods, cwtypes.ComparisonOperatorGreaterThanThreshold, target); err != nil {
		return nil, err
	}
	alarms := []types.Alarm{{AlarmName: aws.String(high), AlarmARN: aws.String(cw.AlarmARN(sc, high))}}
	if aws.ToBool(tt.DisableScaleIn) {
		return alarms, deleteExistingAlarms(tx, sc, []string{low})
	}
	if err := put(low, lowEvaluationPeriods, cwtypes.ComparisonOperatorLessThanThreshold, target*lowThresholdFactor); err != nil {
		return nil, err
	}
	return append(alarms, types.Alarm{AlarmName: aws.String(low), AlarmARN: aws.String(cw.AlarmARN(sc, low))}), nil
}

// dynamoMetric names the CloudWatch metrics of a DynamoDB table or index that
// a read or write capacity utilization policy watches.
type dynamoMetric struct {
	consumed, provisioned string
	dims                  []cwtypes.Dimension
}

// dynamoMetricOf is the DynamoDB metric pair of a policy tracking
// DynamoDBReadCapacityUtilization or DynamoDBWriteCapacityUtilization.
func dynamoMetricOf(p *types.ScalingPolicy) (dynamoMetric, bool) {
	tt := p.TargetTrackingScalingPolicyConfiguration
	if p.ServiceNamespace != types.ServiceNamespaceDynamodb || tt == nil || tt.PredefinedMetricSpecification == nil {
		return dynamoMetric{}, false
	}
	kind := ""
	switch tt.PredefinedMetricSpecification.PredefinedMetricType {
	case types.MetricTypeDynamoDBReadCapacityUtilization:
		kind = "Read"
	case types.MetricTypeDynamoDBWriteCapacityUtilization:
		kind = "Write"
	default:
		return dynamoMetric{}, false
	}
	parts := strings.Split(aws.ToString(p.ResourceId), "/") // table/T or table/T/index/I
	dims := []cwtypes.Dimension{{Name: aws.String("TableName"), Value: aws.String(parts[1])}}
	if len(parts) == 4 {
		dims = append(dims, cwtypes.Dimension{Name: aws.String("GlobalSecondaryIndexName"), Value: aws.String(parts[3])})
	}
	return dynamoMetric{consumed: "Consumed" + kind + "CapacityUnits", provisioned: "Provisioned" + kind + "CapacityUnits", dims: dims}, true
}

// DynamoDB target tracking alarm settings, as AWS creates them.
const (
	dynamoHighPeriods        = 2
	dynamoLowPeriods         = 15
	dynamoLowTargetOffset    = 20 // AlarmLow watches 20 points below the target utilization
	dynamoProvisionedPeriod  = 300
	dynamoProvisionedPeriods = 3
)

// putDynamoAlarms creates the four alarms AWS creates for a DynamoDB target
// tracking policy: AlarmHigh and AlarmLow on the consumed units summed per
// minute (thresholds: capacity × target% × 60, and capacity × (target-20)% ×
// 60), and ProvisionedCapacityHigh and ProvisionedCapacityLow on the
// provisioned units (Average over five minutes, three periods, threshold the
// current capacity), which notice capacity changed behind the policy's back.
func putDynamoAlarms(tx *store.Tx, sc store.Scope, now time.Time, p *types.ScalingPolicy, m dynamoMetric, names [4]string) ([]types.Alarm, error) {
	tt := p.TargetTrackingScalingPolicyConfiguration
	target := aws.ToFloat64(tt.TargetValue)
	rec, err := getTarget(tx, sc, p.ServiceNamespace, p.ScalableDimension, aws.ToString(p.ResourceId))
	if err != nil {
		return nil, err
	}
	capacity := 0.0
	if rec != nil {
		c, err := currentCapacity(tx, sc, rec)
		if err != nil {
			return nil, err
		}
		capacity = float64(c)
	}
	desc := "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + aws.ToString(p.PolicyARN) + "."
	put := func(name, metric string, stat cwtypes.Statistic, period, periods int32, op cwtypes.ComparisonOperator, threshold float64) error {
		return cw.PutMetricAlarm(tx, sc, now, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name), AlarmDescription: aws.String(desc),
			AlarmActions: []string{aws.ToString(p.PolicyARN)}, ActionsEnabled: aws.Bool(true), ComparisonOperator: op,
			EvaluationPeriods: aws.Int32(periods), Threshold: aws.Float64(threshold), Namespace: aws.String("AWS/DynamoDB"),
			MetricName: aws.String(metric), Dimensions: m.dims, Statistic: stat, Period: aws.Int32(period)})
	}
	high, low, provHigh, provLow := names[0], names[1], names[2], names[3]
	if err := put(high, m.consumed, cwtypes.StatisticSum, 60, dynamoHighPeriods, cwtypes.ComparisonOperatorGreaterThanThreshold,
		capacity*target/100*60); err != nil {
		return nil, err
	}
	alarms := []types.Alarm{{AlarmName: aws.String(high), AlarmARN: aws.String(cw.AlarmARN(sc, high))}}
	if aws.ToBool(tt.DisableScaleIn) {
		if err := deleteExistingAlarms(tx, sc, []string{low}); err != nil {
			return nil, err
		}
	} else {
		if err := put(low, m.consumed, cwtypes.StatisticSum, 60, dynamoLowPeriods, cwtypes.ComparisonOperatorLessThanThreshold,
			capacity*max(target-dynamoLowTargetOffset, 0)/100*60); err != nil {
			return nil, err
		}
		alarms = append(alarms, types.Alarm{AlarmName: aws.String(low), AlarmARN: aws.String(cw.AlarmARN(sc, low))})
	}
	for _, a := range []struct {
		name string
		op   cwtypes.ComparisonOperator
	}{{provHigh, cwtypes.ComparisonOperatorGreaterThanThreshold}, {provLow, cwtypes.ComparisonOperatorLessThanThreshold}} {
		if err := put(a.name, m.provisioned, cwtypes.StatisticAverage, dynamoProvisionedPeriod, dynamoProvisionedPeriods, a.op, capacity); err != nil {
			return nil, err
		}
		alarms = append(alarms, types.Alarm{AlarmName: aws.String(a.name), AlarmARN: aws.String(cw.AlarmARN(sc, a.name))})
	}
	return alarms, nil
}
