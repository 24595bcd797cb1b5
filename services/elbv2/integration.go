package elbv2

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/store"
)

// What the cluster manager calls to put ECS tasks behind load balancers. Every
// function works inside the caller's transaction, uses its Now, and takes the
// account and region of the service (store.Scope) and the same Options the
// ELBv2 service was built with:
//
//   - DescribeTargetGroup: target type, port, deregistration delay, and the load
//     balancers that forward to the group (none: ECS refuses the service).
//   - RegisterTaskTarget when a task reaches RUNNING (ip targets: the task's
//     ENI address and container port; instance targets: the EC2 instance id
//     and the host port).
//   - DeregisterTaskTarget when a task stops: it returns when draining ends,
//     until which the task stays DEACTIVATING.
//   - TargetHealth / ListTargetHealth to hold steady state until targets are
//     healthy and to replace tasks whose target is unhealthy.
//   - RuleForwardWeights / SetRuleForwardWeights to shift traffic between a
//     service's target groups (blue/green, linear, canary).
//
// Health is derived from timestamps when read, so nothing runs in the background.

// TargetStatus is a registration's health as DescribeTargetHealth reports it.
type TargetStatus struct {
	State       string `json:"state"`  // initial, healthy, unhealthy, unused, draining, unavailable
	Reason      string `json:"reason"` // e.g. Elb.InitialHealthChecking; empty when healthy
	Description string `json:"description"`
	// DrainingUntil is when a draining target's deregistration delay ends.
	DrainingUntil time.Time `json:"drainingUntil"`
	// Registered is false once the target is gone (never registered, or drained).
	Registered bool `json:"registered"`
}

// TargetGroupInfo describes a target group for the cluster manager.
type TargetGroupInfo struct {
	TargetGroupArn   string
	TargetType       string // instance, ip, lambda, alb
	Port             int32
	LoadBalancerArns []string // the load balancers that forward to it
	// DeregistrationDelay is the group's delay, already scaled.
	DeregistrationDelay time.Duration
}

func lookupTargetGroup(tx *store.Tx, sc store.Scope, arn string) (*targetGroup, error) {
	tg, err := targetGroups.Get(tx, sc, arn)
	if err != nil {
		return nil, err
	}
	if tg == nil {
		return nil, errTargetGroupNotFound()
	}
	return tg, nil
}

// DescribeTargetGroup returns what the cluster manager needs about a target
// group (TargetGroupNotFound when there is none). A service whose target group
// has no load balancer is refused by ECS.
func DescribeTargetGroup(tx *store.Tx, sc store.Scope, targetGroupArn string, o Options) (*TargetGroupInfo, error) {
	tg, err := lookupTargetGroup(tx, sc, targetGroupArn)
	if err != nil {
		return nil, err
	}
	info := &TargetGroupInfo{TargetGroupArn: targetGroupArn, TargetType: string(tg.TG.TargetType), LoadBalancerArns: slices.Clone(tg.TG.LoadBalancerArns)}
	if tg.TG.Port != nil {
		info.Port = *tg.TG.Port
	}
	info.DeregistrationDelay = clockFor(o, tg, &target{}).DrainFor
	return info, nil
}

// RegisterTaskTarget registers a task's address (ip targets) or its container
// instance's EC2 instance id (instance targets) with its port. Registering a
// draining target again revives it; an active one is left as it is.
func RegisterTaskTarget(tx *store.Tx, sc store.Scope, targetGroupArn, targetID string, port int32, o Options) error {
	tg, err := lookupTargetGroup(tx, sc, targetGroupArn)
	if err != nil {
		return err
	}
	if err := purgeDrained(tx, sc, tg, o); err != nil {
		return err
	}
	if err := registerTarget(tx, sc, tg, targetID, port, ""); err != nil {
		return err
	}
	// A task that really answers (Docker) is health checked for real from
	// the start: no simulated health in between.
	if _, real := o.Dial(tg.TG.TargetType, targetID, port); real && !Reachable(string(tg.TG.TargetType), targetID) {
		t, err := targets.Get(tx, sc, targetKey(targetGroupArn, targetID, port))
		if err != nil || t == nil || t.Probe != nil {
			return err
		}
		t.Probe = &healthOverride{State: types.TargetHealthStateEnumInitial, Reason: types.TargetHealthReasonEnumInitialHealthChecking, At: tx.Now}
		return putTarget(tx, sc, t)
	}
	return nil
}

// DeregisterTaskTarget starts the deregistration delay of a registration and
// returns when it ends (now when the target is removed at once or was not registered).
func DeregisterTaskTarget(tx *store.Tx, sc store.Scope, targetGroupArn, targetID string, port int32, o Options) (time.Time, error) {
	tg, err := lookupTargetGroup(tx, sc, targetGroupArn)
	if err != nil {
		return time.Time{}, err
	}
	found, err := deregisterTarget(tx, sc, tg, targetID, port)
	if err != nil || !found {
		return tx.Now, err
	}
	t, err := targets.Get(tx, sc, targetKey(targetGroupArn, targetID, port))
	if err != nil || t == nil || t.DeregisteredAt == nil {
		return tx.Now, err
	}
	return t.DeregisteredAt.Add(clockFor(o, tg, t).DrainFor), nil
}

// TargetHealth reads a registration's health at the transaction's time.
func TargetHealth(tx *store.Tx, sc store.Scope, targetGroupArn, targetID string, port int32, o Options) (*TargetStatus, error) {
	tg, err := lookupTargetGroup(tx, sc, targetGroupArn)
	if err != nil {
		return nil, err
	}
	t, err := targets.Get(tx, sc, targetKey(targetGroupArn, targetID, port))
	if err != nil {
		return nil, err
	}
	if t == nil {
		return statusOf(health{State: types.TargetHealthStateEnumUnused, Reason: types.TargetHealthReasonEnumNotRegistered}, false, time.Time{}), nil
	}
	k := clockFor(o, tg, t)
	h, gone := healthAt(k, tx.Now)
	var until time.Time
	if t.DeregisteredAt != nil {
		until = t.DeregisteredAt.Add(k.DrainFor)
	}
	return statusOf(h, !gone, until), nil
}

func statusOf(h health, registered bool, until time.Time) *TargetStatus {
	sdk := h.sdk()
	s := &TargetStatus{State: string(h.State), Reason: string(h.Reason), Registered: registered, DrainingUntil: until}
	if sdk.Description != nil {
		s.Description = *sdk.Description
	}
	return s
}

// SetTargetHealth overrides a registration's health from outside: healthy,
// unhealthy (with an optional reason, default Target.FailedHealthChecks),
// unavailable, or initial to run the health checks again from now.
func SetTargetHealth(tx *store.Tx, sc store.Scope, targetGroupArn, targetID string, port int32, state, reason string) error {
	tg, err := lookupTargetGroup(tx, sc, targetGroupArn)
	if err != nil {
		return err
	}
	key := targetKey(targetGroupArn, targetID, port)
	if port == 0 && tg.TG.Port != nil && tg.TG.TargetType != types.TargetTypeEnumLambda {
		key = targetKey(targetGroupArn, targetID, *tg.TG.Port)
	}
	t, err := targets.Get(tx, sc, key)
	if err != nil {
		return err
	}
	if t == nil || t.DeregisteredAt != nil {
		return errInvalidTarget("Target '%s' is not registered in target group '%s'", targetID, targetGroupArn)
	}
	st := types.TargetHealthStateEnum(state)
	switch st {
	case types.TargetHealthStateEnumHealthy, types.TargetHealthStateEnumUnhealthy, types.TargetHealthStateEnumInitial, types.TargetHealthStateEnumUnavailable:
	default:
		return errValidation("Target health state '%s' cannot be set: use healthy, unhealthy, initial or unavailable", state)
	}
	r := types.TargetHealthReasonEnum(reason)
	if r == "" {
		r = defaultReason[st]
	} else if !slices.Contains(r.Values(), r) {
		return errValidation("Target health reason '%s' is not valid", reason)
	}
	t.Override = &healthOverride{State: st, Reason: r, At: tx.Now}
	return putTarget(tx, sc, t)
}

// ControlRoute is a control endpoint under /_longshore (the same shape as services.ControlRoute).
type ControlRoute struct {
	Method string
	Path   string
	Handle func(ctx context.Context, body []byte) (any, error)
}

// targetHealthRequest is the body of POST /_longshore/elbv2/target-health.
type targetHealthRequest struct {
	TargetGroupArn string `json:"targetGroupArn"`
	TargetID       string `json:"targetId"`
	Port           int32  `json:"port"`
	State          string `json:"state"`
	Reason         string `json:"reason"`
}

// scopeOfArn is the account and region an ELBv2 ARN belongs to.
func scopeOfArn(arn string) (store.Scope, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "elasticloadbalancing" || parts[3] == "" || parts[4] == "" {
		return store.Scope{}, false
	}
	return store.Scope{Account: parts[4], Region: parts[3]}, true
}

// TargetHealthRoute is the control endpoint POST /_longshore/elbv2/target-health
// {"targetGroupArn", "targetId", "port", "state", "reason"} that sets a target's health.
func TargetHealthRoute(st *store.Store, o Options) ControlRoute {
	return ControlRoute{
		Method: http.MethodPost,
		Path:   "/elbv2/target-health",
		Handle: func(ctx context.Context, body []byte) (any, error) {
			var req targetHealthRequest
			if err := json.Unmarshal(body, &req); err != nil {
				return nil, apierror.WithStatus(http.StatusBadRequest, "ValidationError", "The body is not valid JSON: %v", err)
			}
			sc, ok := scopeOfArn(req.TargetGroupArn)
			if !ok || resourceKind(req.TargetGroupArn) != "targetgroup" {
				return nil, apierror.WithStatus(http.StatusBadRequest, "ValidationError", "'%s' is not a valid target group ARN", req.TargetGroupArn)
			}
			var out *TargetStatus
			err := st.Write(ctx, func(tx *store.Tx) error {
				if err := SetTargetHealth(tx, sc, req.TargetGroupArn, req.TargetID, req.Port, req.State, req.Reason); err != nil {
					return err
				}
				port := req.Port
				if tg, _ := lookupTargetGroup(tx, sc, req.TargetGroupArn); port == 0 && tg != nil && tg.TG.Port != nil && tg.TG.TargetType != types.TargetTypeEnumLambda {
					port = *tg.TG.Port
				}
				var err error
				out, err = TargetHealth(tx, sc, req.TargetGroupArn, req.TargetID, port, o)
				return err
			})
			if err != nil {
				return nil, withStatus(err)
			}
			return out, nil
		},
	}
}

// withStatus gives ELBv2 errors their HTTP status outside the protocol layer.
func withStatus(err error) error {
	e := apierror.As(err)
	if e.Status == 0 {
		e.Status = http.StatusBadRequest
	}
	return e
}

// TargetRegistration is one registration of a target group with its health.
type TargetRegistration struct {
	TargetID string `json:"targetId"`
	Port     int32  `json:"port"`
	TargetStatus
}

// ListTargetHealth reads every current registration of a target group
// (draining ones included, drained ones left out) with its health.
func ListTargetHealth(tx *store.Tx, sc store.Scope, targetGroupArn string, o Options) ([]TargetRegistration, error) {
	tg, err := lookupTargetGroup(tx, sc, targetGroupArn)
	if err != nil {
		return nil, err
	}
	items, err := targets.List(tx, sc, store.Query{Parent: targetGroupArn})
	if err != nil {
		return nil, err
	}
	var out []TargetRegistration
	for _, it := range items {
		k := clockFor(o, tg, it.Doc)
		h, gone := healthAt(k, tx.Now)
		if gone {
			continue
		}
		var until time.Time
		if it.Doc.DeregisteredAt != nil {
			until = it.Doc.DeregisteredAt.Add(k.DrainFor)
		}
		out = append(out, TargetRegistration{TargetID: it.Doc.ID, Port: it.Doc.Port, TargetStatus: *statusOf(h, true, until)})
	}
	return out, nil
}
