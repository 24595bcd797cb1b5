package appautoscaling

import (
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	cw "github.com/longshore/longshore/services/cloudwatch"
)

// maxForecastSpan is the longest forecast window AWS serves.
const maxForecastSpan = 30 * 24 * time.Hour

// getPredictiveScalingForecast forecasts hourly from the last day of the
// service's utilization: the load is the mean utilization times the capacity
// now, and the capacity is what holds that load at the policy's target.
func getPredictiveScalingForecast(c *api.Context, in *applicationautoscaling.GetPredictiveScalingForecastInput) (*applicationautoscaling.GetPredictiveScalingForecastOutput, error) {
	ns, dim, id, name := in.ServiceNamespace, in.ScalableDimension, aws.ToString(in.ResourceId), aws.ToString(in.PolicyName)
	sc, now := c.Scope(), c.Now()
	start, end := aws.ToTime(in.StartTime).UTC(), aws.ToTime(in.EndTime).UTC()
	if !start.Before(end) {
		return nil, errValidation("StartTime must be before EndTime")
	}
	if end.Sub(start) > maxForecastSpan {
		return nil, errValidation("The time range between StartTime and EndTime must not exceed 30 days")
	}
	rec, err := Policies.Get(c.Tx, sc, targetItemKey(ns, dim, id, name))
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, apierror.New("ObjectNotFoundException", "No scaling policy found for service namespace: %s, resource ID: %s, scalable dimension: %s, policy name: %s", ns, id, dim, name)
	}
	pc := rec.Policy.PredictiveScalingPolicyConfiguration
	if rec.Policy.PolicyType != types.PolicyTypePredictiveScaling || pc == nil {
		return nil, errValidation("Policy %s is not a predictive scaling policy", name)
	}
	target, err := mustTarget(c.Tx, sc, ns, dim, id)
	if err != nil {
		return nil, err
	}
	current, err := currentCapacity(c.Tx, sc, target)
	if err != nil {
		return nil, err
	}
	var stamps []time.Time
	for t := start.Truncate(time.Hour); t.Before(end); t = t.Add(time.Hour) {
		stamps = append(stamps, t)
	}
	out := &applicationautoscaling.GetPredictiveScalingForecastOutput{UpdateTime: aws.Time(now), LoadForecast: []types.LoadForecast{},
		CapacityForecast: &types.CapacityForecast{Timestamps: stamps, Values: make([]float64, len(stamps))}}
	capacity := float64(current)
	for _, spec := range pc.MetricSpecifications {
		metric := "CPUUtilization"
		if strings.Contains(predefinedMetricType(spec), "Memory") {
			metric = "MemoryUtilization"
		}
		parts := strings.Split(id, "/")
		dims := []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String(parts[1])}, {Name: aws.String("ServiceName"), Value: aws.String(parts[2])}}
		mean, ok, err := cw.Mean(c.Tx, sc, "AWS/ECS", metric, dims, now.Add(-24*time.Hour), now.Add(time.Second))
		if err != nil {
			return nil, err
		}
		load := 0.0
		if ok {
			load = mean * float64(current)
		}
		vals := make([]float64, len(stamps))
		for i := range vals {
			vals[i] = load
		}
		s := spec
		out.LoadForecast = append(out.LoadForecast, types.LoadForecast{MetricSpecification: &s, Timestamps: stamps, Values: vals})
		if tv := aws.ToFloat64(spec.TargetValue); tv > 0 && ok {
			capacity = math.Ceil(load / tv)
		}
	}
	capacity = float64(clamp(int32(capacity), aws.ToInt32(target.Target.MinCapacity), aws.ToInt32(target.Target.MaxCapacity)))
	for i := range out.CapacityForecast.Values {
		out.CapacityForecast.Values[i] = capacity
	}
	if out.CapacityForecast.Timestamps == nil {
		out.CapacityForecast.Timestamps = []time.Time{}
	}
	return out, nil
}

func predefinedMetricType(s types.PredictiveScalingMetricSpecification) string {
	switch {
	case s.PredefinedMetricPairSpecification != nil:
		return aws.ToString(s.PredefinedMetricPairSpecification.PredefinedMetricType)
	case s.PredefinedScalingMetricSpecification != nil:
		return aws.ToString(s.PredefinedScalingMetricSpecification.PredefinedMetricType)
	}
	return ""
}
