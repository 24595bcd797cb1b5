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
	for _, a := range p.Alarms {
		switch n := aws.ToString(a.AlarmName); {
		case strings.Contains(n, "-AlarmHigh-"):
			high = n
		case strings.Contains(n, "-AlarmLow-"):
			low = n
		}
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
