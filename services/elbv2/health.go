package elbv2

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// reasonDescriptions are AWS's descriptions of target health reason codes.
var reasonDescriptions = map[types.TargetHealthReasonEnum]string{
	types.TargetHealthReasonEnumRegistrationInProgress:   "Target registration is in progress",
	types.TargetHealthReasonEnumInitialHealthChecking:    "Initial health checks in progress",
	types.TargetHealthReasonEnumInternalError:            "Health checks failed due to an internal error",
	types.TargetHealthReasonEnumResponseCodeMismatch:     "Health checks failed with these codes: [502]",
	types.TargetHealthReasonEnumTimeout:                  "Request timed out",
	types.TargetHealthReasonEnumFailedHealthChecks:       "Health checks failed",
	types.TargetHealthReasonEnumNotRegistered:            "Target is not registered to the target group",
	types.TargetHealthReasonEnumNotInUse:                 "Target group is not configured to receive traffic from the load balancer",
	types.TargetHealthReasonEnumDeregistrationInProgress: "Target deregistration is in progress",
	types.TargetHealthReasonEnumInvalidState:             "Target is in the stopped state",
	types.TargetHealthReasonEnumIpUnusable:               "The target IP address is reserved for use by a load balancer",
	types.TargetHealthReasonEnumHealthCheckDisabled:      "Health checks are disabled",
}

// defaultReason is the reason AWS gives for a state set from outside without one.
var defaultReason = map[types.TargetHealthStateEnum]types.TargetHealthReasonEnum{
	types.TargetHealthStateEnumInitial:     types.TargetHealthReasonEnumInitialHealthChecking,
	types.TargetHealthStateEnumUnhealthy:   types.TargetHealthReasonEnumFailedHealthChecks,
	types.TargetHealthStateEnumUnused:      types.TargetHealthReasonEnumNotInUse,
	types.TargetHealthStateEnumDraining:    types.TargetHealthReasonEnumDeregistrationInProgress,
	types.TargetHealthStateEnumUnavailable: types.TargetHealthReasonEnumHealthCheckDisabled,
}

// health is a target's state, reason and description.
type health struct {
	State  types.TargetHealthStateEnum
	Reason types.TargetHealthReasonEnum
	// Description, when set, replaces the reason's standard description.
	Description string
}

func (h health) sdk() *types.TargetHealth {
	th := &types.TargetHealth{State: h.State, Reason: h.Reason}
	if d, ok := reasonDescriptions[h.Reason]; ok {
		th.Description = &d
	}
	if h.Description != "" {
		th.Description = &h.Description
	}
	return th
}

// healthClock is what the state machine needs to know about a target and its group.
type healthClock struct {
	RegisteredAt   time.Time
	DeregisteredAt *time.Time
	InUseSince     *time.Time // nil: no load balancer forwards to the group
	ChecksEnabled  bool
	Interval       time.Duration // already scaled
	HealthyCount   int
	DrainFor       time.Duration // already scaled
	Override       *healthOverride
	Probe          *healthOverride // real health checks' outcome (reachable targets)
}

// healthAt derives a target's health at now from timestamps, so nothing runs
// while nobody looks. gone reports a target whose deregistration has finished.
func healthAt(k healthClock, now time.Time) (h health, gone bool) {
	if k.DeregisteredAt != nil {
		if k.InUseSince == nil || !now.Before(k.DeregisteredAt.Add(k.DrainFor)) {
			return health{State: types.TargetHealthStateEnumUnused, Reason: types.TargetHealthReasonEnumNotRegistered}, true
		}
		return health{State: types.TargetHealthStateEnumDraining, Reason: types.TargetHealthReasonEnumDeregistrationInProgress}, false
	}
	if k.InUseSince == nil {
		return health{State: types.TargetHealthStateEnumUnused, Reason: types.TargetHealthReasonEnumNotInUse}, false
	}
	if !k.ChecksEnabled {
		return health{State: types.TargetHealthStateEnumUnavailable, Reason: types.TargetHealthReasonEnumHealthCheckDisabled}, false
	}
	start := k.RegisteredAt
	if k.InUseSince.After(start) {
		start = *k.InUseSince
	}
	if o := k.Override; o != nil {
		if o.State != types.TargetHealthStateEnumInitial {
			return health{State: o.State, Reason: o.Reason}, false
		}
		if o.At.After(start) {
			start = o.At
		}
	}
	if p := k.Probe; p != nil && (k.Override == nil || !p.At.Before(k.Override.At)) {
		return health{State: p.State, Reason: p.Reason, Description: p.Description}, false
	}
	elapsed := now.Sub(start)
	switch {
	case elapsed < k.Interval:
		return health{State: types.TargetHealthStateEnumInitial, Reason: types.TargetHealthReasonEnumRegistrationInProgress}, false
	case elapsed < time.Duration(k.HealthyCount)*k.Interval:
		return health{State: types.TargetHealthStateEnumInitial, Reason: types.TargetHealthReasonEnumInitialHealthChecking}, false
	}
	return health{State: types.TargetHealthStateEnumHealthy}, false
}
