package elbv2

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func TestHealthAt(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
	base := healthClock{RegisteredAt: t0, InUseSince: at(0), ChecksEnabled: true, Interval: 300 * time.Millisecond, HealthyCount: 5, DrainFor: 3 * time.Second}
	with := func(f func(*healthClock)) healthClock { k := base; f(&k); return k }
	cases := []struct {
		name   string
		k      healthClock
		now    time.Duration
		state  types.TargetHealthStateEnum
		reason types.TargetHealthReasonEnum
		gone   bool
	}{
		{"registering", base, 100 * time.Millisecond, "initial", "Elb.RegistrationInProgress", false},
		{"initial checks", base, 600 * time.Millisecond, "initial", "Elb.InitialHealthChecking", false},
		{"healthy after threshold", base, 1500 * time.Millisecond, "healthy", "", false},
		{"unused group", with(func(k *healthClock) { k.InUseSince = nil }), time.Hour, "unused", "Target.NotInUse", false},
		{"checks start when the group is used", with(func(k *healthClock) { k.InUseSince = at(time.Hour) }), time.Hour + time.Second, "initial", "Elb.InitialHealthChecking", false},
		{"checks disabled", with(func(k *healthClock) { k.ChecksEnabled = false }), time.Hour, "unavailable", "Target.HealthCheckDisabled", false},
		{"draining", with(func(k *healthClock) { k.DeregisteredAt = at(10 * time.Second) }), 12 * time.Second, "draining", "Target.DeregistrationInProgress", false},
		{"drained", with(func(k *healthClock) { k.DeregisteredAt = at(10 * time.Second) }), 13 * time.Second, "unused", "Target.NotRegistered", true},
		{"deregistered from an unused group", with(func(k *healthClock) { k.InUseSince = nil; k.DeregisteredAt = at(time.Second) }), time.Second, "unused", "Target.NotRegistered", true},
		{"override unhealthy", with(func(k *healthClock) {
			k.Override = &healthOverride{State: "unhealthy", Reason: "Target.Timeout", At: t0.Add(time.Minute)}
		}), 2 * time.Minute, "unhealthy", "Target.Timeout", false},
		{"override initial restarts checks", with(func(k *healthClock) {
			k.Override = &healthOverride{State: "initial", At: t0.Add(time.Minute)}
		}), time.Minute + 400*time.Millisecond, "initial", "Elb.InitialHealthChecking", false},
		{"draining wins over override", with(func(k *healthClock) {
			k.Override = &healthOverride{State: "healthy"}
			k.DeregisteredAt = at(0)
		}), time.Second, "draining", "Target.DeregistrationInProgress", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, gone := healthAt(tc.k, t0.Add(tc.now))
			if h.State != tc.state || h.Reason != tc.reason || gone != tc.gone {
				t.Fatalf("got %s/%s gone=%v, want %s/%s gone=%v", h.State, h.Reason, gone, tc.state, tc.reason, tc.gone)
			}
		})
	}
}

func TestHealthDescriptions(t *testing.T) {
	for _, r := range types.TargetHealthReasonEnum("").Values() {
		if reasonDescriptions[r] == "" {
			t.Errorf("no description for %s", r)
		}
	}
	if d := (health{State: types.TargetHealthStateEnumUnused, Reason: types.TargetHealthReasonEnumNotRegistered}).sdk(); *d.Description != "Target is not registered to the target group" {
		t.Errorf("description %q", *d.Description)
	}
}

func TestOptionsScaled(t *testing.T) {
	cases := []struct {
		scale float64
		in    time.Duration
		want  time.Duration
	}{
		{0, 150 * time.Second, 1500 * time.Millisecond},
		{1, 30 * time.Second, 300 * time.Millisecond},
		{10, 300 * time.Second, 300 * time.Millisecond},
	}
	for _, tc := range cases {
		if got := (Options{TimeScale: tc.scale}).Scaled(tc.in); got != tc.want {
			t.Errorf("time scale %v: %v → %v, want %v", tc.scale, tc.in, got, tc.want)
		}
	}
}
