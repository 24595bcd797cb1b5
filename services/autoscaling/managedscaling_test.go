package autoscaling

import (
	"testing"
	"time"

	"github.com/longshore/longshore/services/core/placement"
)

func demands(n int, cpu, mem int64) []placement.Demand {
	out := make([]placement.Demand, n)
	for i := range out {
		out[i] = placement.Demand{CPU: cpu, Memory: mem}
	}
	return out
}

var distinctWeb = map[string]bool{"service:web": true}

func TestInstancesNeeded(t *testing.T) {
	large := Bin{CPU: 2048, Memory: 7680, ENIs: 2}
	cases := []struct {
		name string
		in   ReservationInput
		want int
	}{
		{"nothing", ReservationInput{New: large}, 0},
		{"ten half-vCPU tasks on an empty group", ReservationInput{Waiting: demands(10, 512, 1024), New: large}, 3},
		{"memory bound", ReservationInput{Waiting: demands(4, 256, 4096), New: large}, 4},
		{"booting instances stand for the new ones", ReservationInput{Running: 3, Booting: 3, Waiting: demands(10, 512, 1024), New: large}, 3},
		{"more booting than needed", ReservationInput{Running: 2, Booting: 2, Waiting: demands(1, 512, 1024), New: large}, 2},
		{"busy instances count", ReservationInput{Running: 2, Busy: 2, New: large}, 2},
		{"room on busy instances first", ReservationInput{Running: 1, Busy: 1, Free: []Bin{{CPU: 1024, Memory: 4096, ENIs: 2}}, FreeBusy: []bool{true},
			Waiting: demands(2, 512, 1024), New: large}, 1},
		{"an idle instance that takes a task becomes busy", ReservationInput{Running: 1, Free: []Bin{large}, FreeBusy: []bool{false},
			Waiting: demands(1, 512, 1024), New: large}, 1},
		{"a task bigger than the type is left out", ReservationInput{Waiting: demands(1, 4096, 1024), New: large}, 0},
		{"awsvpc tasks use ENIs", ReservationInput{Waiting: []placement.Demand{{CPU: 128, Memory: 128, ENI: true}, {CPU: 128, Memory: 128, ENI: true}, {CPU: 128, Memory: 128, ENI: true}}, New: large}, 2},
		{"static ports", ReservationInput{Waiting: []placement.Demand{{CPU: 128, Memory: 128, StaticPorts: []int32{80}}, {CPU: 128, Memory: 128, StaticPorts: []int32{80}}}, New: large}, 2},
		{"distinctInstance needs an instance per task", ReservationInput{Running: 1, Busy: 1,
			Free:     []Bin{{CPU: 1792, Memory: 7424, ENIs: 2, Groups: map[string]bool{"service:web": true}, Distinct: distinctWeb}},
			FreeBusy: []bool{true}, Waiting: []placement.Demand{{CPU: 256, Memory: 256, Group: "service:web"}, {CPU: 256, Memory: 256, Group: "service:web"}},
			New: Bin{CPU: 2048, Memory: 7680, ENIs: 2, Distinct: distinctWeb}}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := InstancesNeeded(tc.in); got != tc.want {
				t.Errorf("InstancesNeeded = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestReservation(t *testing.T) {
	cases := []struct {
		m, n int
		want float64
	}{{0, 0, 100}, {3, 0, 200}, {3, 3, 100}, {0, 4, 0}, {1, 4, 25}, {6, 4, 150}}
	for _, tc := range cases {
		if got := Reservation(tc.m, tc.n); got != tc.want {
			t.Errorf("Reservation(%d, %d) = %v, want %v", tc.m, tc.n, got, tc.want)
		}
	}
}

func TestNextCapacity(t *testing.T) {
	base := ScalingSettings{TargetCapacity: 100, MinimumScalingStepSize: 1, MaximumScalingStepSize: 10000, GroupMin: 0, GroupMax: 10}
	with := func(f func(*ScalingSettings)) ScalingSettings { s := base; f(&s); return s }
	cases := []struct {
		name string
		m, n int
		s    ScalingSettings
		want int32
	}{
		{"from zero", 3, 0, base, 3},
		{"steady", 3, 3, base, 3},
		{"scale in to what is used", 1, 3, base, 1},
		{"to zero", 0, 3, base, 0},
		{"target 50 keeps spare", 3, 0, with(func(s *ScalingSettings) { s.TargetCapacity = 50 }), 6},
		{"target 75 rounds up", 2, 2, with(func(s *ScalingSettings) { s.TargetCapacity = 75 }), 3},
		{"max step", 8, 0, with(func(s *ScalingSettings) { s.MaximumScalingStepSize = 2 }), 2},
		{"min step", 1, 0, with(func(s *ScalingSettings) { s.MinimumScalingStepSize = 3 }), 3},
		{"max step on scale in", 0, 5, with(func(s *ScalingSettings) { s.MaximumScalingStepSize = 2 }), 3},
		{"group max", 30, 0, base, 10},
		{"group min", 0, 3, with(func(s *ScalingSettings) { s.GroupMin = 2 }), 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextCapacity(tc.m, tc.n, tc.s); got != tc.want {
				t.Errorf("NextCapacity(%d, %d) = %d, want %d", tc.m, tc.n, got, tc.want)
			}
		})
	}
}

func TestScaleInGate(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	delay := 15 * time.Minute
	steps := []struct {
		at    time.Duration
		below bool
		want  bool
	}{
		{0, true, false},
		{14 * time.Minute, true, false},
		{14*time.Minute + 30*time.Second, false, false}, // the reservation recovered: the wait starts over
		{15 * time.Minute, true, false},
		{29*time.Minute + 59*time.Second, true, false},
		{30 * time.Minute, true, true},
		{31 * time.Minute, true, true},
	}
	var g scaleInGate
	for _, s := range steps {
		if got := g.observe(t0.Add(s.at), s.below, delay); got != s.want {
			t.Errorf("at %v below=%v: observe = %v, want %v", s.at, s.below, got, s.want)
		}
	}
}
