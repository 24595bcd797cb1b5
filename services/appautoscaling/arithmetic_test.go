package appautoscaling

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

func TestTrackingScaleOut(t *testing.T) {
	cases := []struct {
		current        int32
		metric, target float64
		want           int32
	}{
		{1, 95, 70, 2},  // ceil(1.36)
		{2, 95, 70, 3},  // ceil(2.71)
		{4, 140, 70, 8}, // twice the target doubles
		{5, 71, 70, 6},  // just above: at least one more
		{0, 95, 70, 1},  // from zero: one
	}
	for _, c := range cases {
		if got := trackingScaleOut(c.current, c.metric, c.target); got != c.want {
			t.Errorf("scale out %d at %v/%v: %d, want %d", c.current, c.metric, c.target, got, c.want)
		}
	}
}

func TestTrackingScaleIn(t *testing.T) {
	cases := []struct {
		current        int32
		metric, target float64
		want           int32
	}{
		{10, 10, 70, 5}, // proportional 2, at most half removed
		{5, 10, 70, 3},
		{3, 10, 70, 2},
		{2, 10, 70, 1},
		{10, 60, 70, 9}, // proportional ceil(8.57) = 9
		{10, 69, 70, 9}, // at least one removed
		{1, 10, 70, 0},  // the minimum clamps it later
	}
	for _, c := range cases {
		if got := trackingScaleIn(c.current, c.metric, c.target); got != c.want {
			t.Errorf("scale in %d at %v/%v: %d, want %d", c.current, c.metric, c.target, got, c.want)
		}
	}
}

func steps() []types.StepAdjustment {
	return []types.StepAdjustment{
		{MetricIntervalUpperBound: aws.Float64(-10), ScalingAdjustment: aws.Int32(-2)},
		{MetricIntervalLowerBound: aws.Float64(-10), MetricIntervalUpperBound: aws.Float64(0), ScalingAdjustment: aws.Int32(-1)},
		{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(50), ScalingAdjustment: aws.Int32(1)},
		{MetricIntervalLowerBound: aws.Float64(50), ScalingAdjustment: aws.Int32(3)},
	}
}

func TestStepFor(t *testing.T) {
	cases := []struct {
		breach float64
		want   int32
	}{
		{0, 1}, {49.9, 1}, {50, 3}, {500, 3}, // above: lower bound inclusive
		{-0.1, -1}, {-9.9, -1}, {-10, -2}, {-10.1, -2}, // below: upper bound inclusive
	}
	for _, c := range cases {
		s, ok := stepFor(steps(), c.breach)
		if !ok || aws.ToInt32(s.ScalingAdjustment) != c.want {
			t.Errorf("breach %v: %v %v, want %d", c.breach, aws.ToInt32(s.ScalingAdjustment), ok, c.want)
		}
	}
	if _, ok := stepFor(steps()[2:], -5); ok {
		t.Error("a breach below every interval matched")
	}
}

func TestStepCapacity(t *testing.T) {
	pct := func(min *int32) *types.StepScalingPolicyConfiguration {
		return &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypePercentChangeInCapacity, MinAdjustmentMagnitude: min}
	}
	cases := []struct {
		name    string
		cfg     *types.StepScalingPolicyConfiguration
		current int32
		adj     int32
		want    int32
	}{
		{"change", &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity}, 4, 3, 7},
		{"change down", &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity}, 4, -2, 2},
		{"exact", &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeExactCapacity}, 4, 9, 9},
		{"percent rounds down above 1", pct(nil), 10, 127, 22},  // +12.7 → +12
		{"percent between 0 and 1 is 1", pct(nil), 3, 10, 4},    // +0.3 → +1
		{"percent between -1 and 0 is -1", pct(nil), 3, -10, 2}, // -0.3 → -1
		{"percent below -1 rounds up", pct(nil), 20, -33, 14},   // -6.6 → -6
		{"min magnitude", pct(aws.Int32(4)), 10, 20, 14},        // +2 → +4
		{"min magnitude down", pct(aws.Int32(3)), 10, -10, 7},   // -1 → -3
	}
	for _, c := range cases {
		if got := stepCapacity(c.current, c.cfg, c.adj); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestClampAndCooldown(t *testing.T) {
	if clamp(0, 1, 10) != 1 || clamp(11, 1, 10) != 10 || clamp(5, 1, 10) != 5 {
		t.Error("clamp")
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		last     time.Time
		cooldown *int32
		now      time.Time
		scale    float64
		want     bool
	}{
		{time.Time{}, nil, t0, 1, false},                         // never scaled
		{t0, nil, t0.Add(299 * time.Second), 1, true},            // default 300 s
		{t0, nil, t0.Add(300 * time.Second), 1, false},           //
		{t0, aws.Int32(60), t0.Add(59 * time.Second), 1, true},   //
		{t0, aws.Int32(300), t0.Add(4 * time.Second), 60, true},  // 5 s at time scale 60
		{t0, aws.Int32(300), t0.Add(5 * time.Second), 60, false}, //
		{t0, aws.Int32(0), t0, 1, false},                         // no cooldown
	}
	for i, c := range cases {
		if got := inCooldown(c.last, c.cooldown, c.now, c.scale); got != c.want {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
}
