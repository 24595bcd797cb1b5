package appautoscaling

import (
	"math"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/services/core/scaling"
)

// clamp keeps a capacity within a target's bounds.
func clamp(n, lo, hi int32) int32 {
	if n < lo {
		return lo
	}
	if n > hi {
		return hi
	}
	return n
}

// trackingScaleOut is the capacity a target tracking policy asks for when
// the metric is above the target: proportional to how far above, rounded up,
// and at least one more than now.
func trackingScaleOut(current int32, metric, target float64) int32 {
	if current <= 0 {
		return 1
	}
	n := int32(math.Ceil(float64(current) * metric / target))
	if n <= current {
		n = current + 1
	}
	return n
}

// trackingScaleIn is the capacity a target tracking policy asks for when the
// metric is below the target. It scales in conservatively: the proportional
// estimate rounded up, removing at most half the capacity at a time and at
// least one task.
func trackingScaleIn(current int32, metric, target float64) int32 {
	if current <= 0 {
		return current
	}
	n := int32(math.Ceil(float64(current) * metric / target))
	if half := (current + 1) / 2; n < half {
		n = half
	}
	if n >= current {
		n = current - 1
	}
	return n
}

// stepFor picks the step adjustment whose interval holds the breach (metric
// minus alarm threshold). Above the threshold the lower bound is inclusive;
// below it the upper bound is.
func stepFor(steps []types.StepAdjustment, breach float64) (types.StepAdjustment, bool) {
	for _, s := range steps {
		lo, hi := math.Inf(-1), math.Inf(1)
		if s.MetricIntervalLowerBound != nil {
			lo = *s.MetricIntervalLowerBound
		}
		if s.MetricIntervalUpperBound != nil {
			hi = *s.MetricIntervalUpperBound
		}
		if breach >= 0 && lo <= breach && breach < hi {
			return s, true
		}
		if breach < 0 && lo < breach && breach <= hi {
			return s, true
		}
	}
	return types.StepAdjustment{}, false
}

// stepCapacity applies a step adjustment to the current capacity.
func stepCapacity(current int32, cfg *types.StepScalingPolicyConfiguration, adj int32) int32 {
	switch cfg.AdjustmentType {
	case types.AdjustmentTypeExactCapacity:
		return adj
	case types.AdjustmentTypePercentChangeInCapacity:
		return current + scaling.PercentChange(current, adj, aws.ToInt32(cfg.MinAdjustmentMagnitude))
	}
	return current + adj
}
