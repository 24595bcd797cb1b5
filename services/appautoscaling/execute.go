package appautoscaling

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	cw "github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/store"
)

// policyByARN finds a scaling policy from an alarm action's ARN.
func policyByARN(tx *store.Tx, sc store.Scope, arn string) (string, *policyRecord, error) {
	items, err := Policies.List(tx, sc, store.Query{Attr: arn, Limit: 1})
	if err != nil || len(items) == 0 {
		return "", nil, err
	}
	return items[0].ID, items[0].Doc, nil
}

// scaledSeconds turns an AWS duration in seconds into real time under the time scale.
func scaledSeconds(s int32, scale float64) time.Duration {
	return time.Duration(float64(s) * float64(time.Second) / scale)
}

// defaultCooldown is the cooldown of ECS policies that set none.
const defaultCooldown = 300

// isPolicyARN recognises Application Auto Scaling policy ARNs
// (…:scalingPolicy:UUID:resource/NAMESPACE/…); EC2 Auto Scaling's name an
// autoScalingGroupName instead.
func isPolicyARN(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.Contains(arn, ":autoscaling:") && strings.Contains(arn, ":scalingPolicy:") && strings.Contains(arn, ":resource/")
}

// RunScalingAction is the alarm action runner of Application Auto Scaling policies.
func RunScalingAction(tx *store.Tx, now time.Time, scale float64, a cw.Action) (bool, error) {
	if !isPolicyARN(a.ARN) {
		return false, nil
	}
	return true, executeAction(tx, now, scale, a)
}

// executeAction runs the scaling policy an alarm action names, within the
// target's bounds, cooldowns and suspensions. Step policies take the breach
// from the alarm's newest datapoint, aggregated by the alarm's own statistic.
func executeAction(tx *store.Tx, now time.Time, scale float64, a cw.Action) error {
	sc := a.Scope
	key, pol, err := policyByARN(tx, sc, a.ARN)
	if err != nil {
		return err
	}
	if pol == nil {
		return cw.RecordAction(tx, sc, now, a.Alarm, "Failed to execute action "+a.ARN+". Received error: \"No scaling policy found for "+a.ARN+"\"", "{}")
	}
	p := &pol.Policy
	target, err := getTarget(tx, sc, p.ServiceNamespace, p.ScalableDimension, aws.ToString(p.ResourceId))
	if err != nil || target == nil {
		return err
	}
	current, err := currentCapacity(tx, sc, target)
	if err != nil {
		return err
	}
	t := &target.Target
	lo, hi := aws.ToInt32(t.MinCapacity), aws.ToInt32(t.MaxCapacity)
	cause := "monitor alarm " + a.Alarm + " in state " + string(a.State) + " triggered policy " + aws.ToString(p.PolicyName)
	suspended := t.SuspendedState
	var desired int32
	scaleOut := false
	switch p.PolicyType {
	case types.PolicyTypeTargetTrackingScaling:
		tt := p.TargetTrackingScalingPolicyConfiguration
		if !a.HasValue || tt == nil {
			return nil
		}
		goal := aws.ToFloat64(tt.TargetValue)
		if strings.Contains(a.Alarm, "-ProvisionedCapacity") {
			return nil // watches capacity changed elsewhere; it scales nothing
		}
		if _, ok := dynamoMetricOf(p); ok {
			// DynamoDB's alarms watch consumed units per minute: utilization
			// is that over the provisioned capacity.
			if current <= 0 {
				return nil
			}
			a.Value = a.Value / 60 / float64(current) * 100
		}
		if strings.Contains(a.Alarm, "-AlarmHigh-") {
			scaleOut = true
			if inCooldown(target.LastScaleOut, tt.ScaleOutCooldown, now, scale) {
				return nil
			}
			desired = trackingScaleOut(current, a.Value, goal)
		} else {
			if aws.ToBool(tt.DisableScaleIn) || inCooldown(target.LastScaleIn, tt.ScaleInCooldown, now, scale) {
				return nil
			}
			desired = trackingScaleIn(current, a.Value, goal)
		}
	case types.PolicyTypeStepScaling:
		cfg := p.StepScalingPolicyConfiguration
		if cfg == nil || !a.HasValue {
			return nil
		}
		if inCooldown(pol.LastScaledAt, cfg.Cooldown, now, scale) {
			return nil
		}
		step, ok := stepFor(cfg.StepAdjustments, a.Value-a.Threshold)
		if !ok {
			return nil
		}
		desired = stepCapacity(current, cfg, aws.ToInt32(step.ScalingAdjustment))
		scaleOut = desired > current
	default:
		return nil
	}
	if suspended != nil && ((scaleOut && aws.ToBool(suspended.DynamicScalingOutSuspended)) || (!scaleOut && aws.ToBool(suspended.DynamicScalingInSuspended))) {
		return nil
	}
	if clamped := clamp(desired, lo, hi); clamped == current && desired != current {
		code := "AlreadyAtMaxCapacity"
		if desired < current {
			code = "AlreadyAtMinCapacity"
		}
		if err := recordNotScaled(tx, sc, now, target, desired, current, code, cause); err != nil {
			return err
		}
		return putTarget(tx, sc, target)
	}
	desired = clamp(desired, lo, hi)
	if desired == current {
		return nil
	}
	if err := scaleTo(tx, sc, now, target, desired, cause); err != nil {
		return err
	}
	if desired > current {
		target.LastScaleOut = now
	} else {
		target.LastScaleIn = now
	}
	pol.LastScaledAt = now
	if err := putTarget(tx, sc, target); err != nil {
		return err
	}
	if err := Policies.Put(tx, sc, key, policyIndex(p), pol); err != nil {
		return err
	}
	return cw.RecordAction(tx, sc, now, a.Alarm, "Successfully executed action "+a.ARN, `{"actionState":"Succeeded","notificationResource":"`+a.ARN+`","stateUpdateTimestamp":`+strconv.FormatInt(now.UnixMilli(), 10)+`}`)
}

// inCooldown reports whether a cooldown (seconds; nil = the default) that
// started at last is still running at now.
func inCooldown(last time.Time, cooldown *int32, now time.Time, scale float64) bool {
	if last.IsZero() {
		return false
	}
	cd := int32(defaultCooldown)
	if cooldown != nil {
		cd = *cooldown
	}
	return now.Before(last.Add(scaledSeconds(cd, scale)))
}
