package autoscaling

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
)

func TestCheckCapacity(t *testing.T) {
	cases := []struct {
		min, max, desired int32
		want              string
	}{
		{0, 10, 2, ""},
		{2, 2, 2, ""},
		{2, 1, 1, "Max bound, 1, must be greater than or equal to min bound, 2"},
		{1, 3, 5, "Desired capacity:5 must be between the specified min size:1 and max size:3"},
		{1, 3, 0, "Desired capacity:0 must be between the specified min size:1 and max size:3"},
	}
	for _, tc := range cases {
		err := checkCapacity(tc.min, tc.max, tc.desired)
		got := ""
		if err != nil {
			got = apierror.As(err).Message
		}
		if got != tc.want {
			t.Errorf("checkCapacity(%d, %d, %d) = %q, want %q", tc.min, tc.max, tc.desired, got, tc.want)
		}
	}
}

func TestAdjust(t *testing.T) {
	cases := []struct {
		current    int32
		kind       string
		adjustment int32
		minMag     int32
		want       int32
	}{
		{4, AdjustChange, 2, 0, 6},
		{4, AdjustChange, -5, 0, -1}, // the caller clamps to the bounds
		{4, AdjustExact, 7, 0, 7},
		{10, AdjustPercent, 25, 0, 12}, // 2.5 rounds toward zero
		{2, AdjustPercent, 10, 0, 3},   // 0.2 rounds away from zero
		{2, AdjustPercent, -10, 0, 1},  // -0.2 likewise
		{10, AdjustPercent, -25, 0, 8}, // -2.5 toward zero
		{10, AdjustPercent, 10, 3, 13}, // at least the minimum magnitude
		{10, AdjustPercent, -10, 3, 7}, // in both directions
		{0, AdjustPercent, 50, 0, 0},   // nothing to take a percentage of
	}
	for _, tc := range cases {
		if got := Adjust(tc.current, tc.kind, tc.adjustment, tc.minMag); got != tc.want {
			t.Errorf("Adjust(%d, %s, %d, %d) = %d, want %d", tc.current, tc.kind, tc.adjustment, tc.minMag, got, tc.want)
		}
	}
}

func TestStepAdjustment(t *testing.T) {
	steps := []types.StepAdjustment{
		{MetricIntervalUpperBound: aws.Float64(0), ScalingAdjustment: aws.Int32(-1)},
		{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(10), ScalingAdjustment: aws.Int32(1)},
		{MetricIntervalLowerBound: aws.Float64(10), ScalingAdjustment: aws.Int32(3)},
	}
	cases := []struct {
		value, threshold float64
		want             int32
	}{{55, 50, 1}, {50, 50, 1}, {60, 50, 3}, {75, 50, 3}, {40, 50, -1}}
	for _, tc := range cases {
		got, ok := stepAdjustment(steps, tc.value, tc.threshold)
		if !ok || got != tc.want {
			t.Errorf("stepAdjustment(%v, %v) = %d %v, want %d", tc.value, tc.threshold, got, ok, tc.want)
		}
	}
	if err := checkSteps([]types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(5), ScalingAdjustment: aws.Int32(1)},
		{MetricIntervalLowerBound: aws.Float64(10), ScalingAdjustment: aws.Int32(2)}}); err == nil {
		t.Error("a gap between steps was accepted")
	}
}

func TestCronNext(t *testing.T) {
	at := time.Date(2024, 5, 1, 10, 7, 30, 0, time.UTC) // a Wednesday
	cases := []struct {
		expr string
		want time.Time
	}{
		{"*/15 * * * *", time.Date(2024, 5, 1, 10, 15, 0, 0, time.UTC)},
		{"0 2 * * *", time.Date(2024, 5, 2, 2, 0, 0, 0, time.UTC)},
		{"30 8 * * MON-FRI", time.Date(2024, 5, 2, 8, 30, 0, 0, time.UTC)},
		{"0 0 1 jan *", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"0 12 * * 0", time.Date(2024, 5, 5, 12, 0, 0, 0, time.UTC)},
		{"0 12 * * 7", time.Date(2024, 5, 5, 12, 0, 0, 0, time.UTC)},
		{"0 0 15 * 1", time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)}, // day 15 or a Monday
	}
	for _, tc := range cases {
		c, err := parseCron(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got, ok := c.next(at); !ok || !got.Equal(tc.want) {
			t.Errorf("%s: next = %v, want %v", tc.expr, got, tc.want)
		}
	}
	for _, bad := range []string{"", "* * * *", "61 * * * *", "* 24 * * *", "*/0 * * * *", "a b c d e"} {
		if _, err := parseCron(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func mem(id, zone string, launched int, protected bool, template string) *member {
	return &member{Instance: types.Instance{InstanceId: aws.String(id), AvailabilityZone: aws.String(zone), ProtectedFromScaleIn: aws.Bool(protected),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(template)}},
		LaunchedAt: time.Date(2024, 5, 1, 10, launched, 0, 0, time.UTC)}
}

func ids(ms []*member) string {
	var out []string
	for _, m := range ms {
		out = append(out, aws.ToString(m.InstanceId))
	}
	return strings.Join(out, ",")
}

func TestPickForTermination(t *testing.T) {
	g := &types.AutoScalingGroup{LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String("lt-new")}}
	in := []*member{mem("a1", "a", 1, false, "lt-new"), mem("a2", "a", 2, false, "lt-new"), mem("a3", "a", 3, false, "lt-old"),
		mem("b1", "b", 4, false, "lt-new"), mem("b2", "b", 5, true, "lt-new")}
	cases := []struct {
		policy string
		n      int
		want   string
	}{
		{"Default", 1, "a3"},          // the zone with most, an older template first
		{"Default", 2, "a3,a1"},       // then balance: a and b hold two each, the oldest goes
		{"Default", 4, "a3,a1,b1,a2"}, // zones count protected instances, which never go
		{"NewestInstance", 1, "a3"},
		{"OldestInstance", 1, "a1"},
	}
	for _, tc := range cases {
		g.TerminationPolicies = []string{tc.policy}
		if got := ids(pickForTermination(g, in, tc.n)); got != tc.want {
			t.Errorf("%s n=%d: %s, want %s", tc.policy, tc.n, got, tc.want)
		}
	}
}

func TestNextPlacement(t *testing.T) {
	g := &types.AutoScalingGroup{AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, VPCZoneIdentifier: aws.String("subnet-a,subnet-b,subnet-b2")}
	zones := map[string]string{"subnet-a": "us-east-1a", "subnet-b": "us-east-1b", "subnet-b2": "us-east-1b"}
	in := []*member{{Instance: types.Instance{AvailabilityZone: aws.String("us-east-1a")}, SubnetID: "subnet-a"}}
	if z, s := nextPlacement(g, in, zones); z != "us-east-1b" || s != "subnet-b" {
		t.Errorf("next %s %s", z, s)
	}
	in = append(in, &member{Instance: types.Instance{AvailabilityZone: aws.String("us-east-1b")}, SubnetID: "subnet-b"},
		&member{Instance: types.Instance{AvailabilityZone: aws.String("us-east-1a")}, SubnetID: "subnet-a"})
	if z, s := nextPlacement(g, in, zones); z != "us-east-1b" || s != "subnet-b2" {
		t.Errorf("next %s %s", z, s)
	}
}
