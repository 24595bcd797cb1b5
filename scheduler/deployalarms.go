package scheduler

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/store"
)

// Beginnings of the rolloutStateReason of a deployment that rolls back, by
// what failed the deployment before it.
const (
	circuitBreakerPrefix = "ECS deployment circuit breaker:"
	alarmsPrefix         = "ECS deployment alarms:"
	stopRequestPrefix    = "ECS deployment stop request:"
	rollingBackText      = "rolling back to deploymentId "
)

// Alarm is what the cluster manager reads of a CloudWatch alarm.
type Alarm struct {
	// State is OK, ALARM or INSUFFICIENT_DATA.
	State string
	// Evaluation is how long the alarm takes to go into ALARM (period ×
	// evaluation periods, in simulated time); deployments bake that long.
	Evaluation time.Duration
}

// AlarmState reads a CloudWatch alarm; ok is false when there is no such
// alarm. The cluster manager watches deployment alarms through it.
type AlarmState func(tx *store.Tx, sc store.Scope, name string) (a Alarm, ok bool, err error)

// alarmStateAlarm is the state that fails a deployment.
const alarmStateAlarm = "ALARM"

// deploymentAlarms returns a service's enabled deployment alarms, or nil.
func deploymentAlarms(svc *types.Service) *types.DeploymentAlarms {
	dc := svc.DeploymentConfiguration
	if dc == nil || dc.Alarms == nil || !dc.Alarms.Enable || len(dc.Alarms.AlarmNames) == 0 {
		return nil
	}
	return dc.Alarms
}

// isRollback reports whether a deployment is one that a failure started to
// go back to an earlier one: alarms do not fail it again.
func isRollback(d *types.Deployment) bool {
	return strings.Contains(aws.ToString(d.RolloutStateReason), rollingBackText)
}

// watchesAlarms reports whether a service's primary deployment is one whose
// alarms are watched now: IN_PROGRESS, not itself a rollback.
func watchesAlarms(svc *types.Service) bool {
	if deploymentAlarms(svc) == nil {
		return false
	}
	if c := svc.DeploymentController; c != nil && c.Type != "" && c.Type != types.DeploymentControllerTypeEcs {
		return false
	}
	d := primaryDeployment(svc)
	return d != nil && d.RolloutState == types.DeploymentRolloutStateInProgress && !isRollback(d)
}

// alarming returns the deployment alarms of a service in ALARM, read when its
// primary deployment is watched, and the bake time they ask for (the longest
// evaluation among them).
func alarming(svc *types.Service, read func(name string) (Alarm, bool, error)) ([]string, time.Duration, error) {
	if read == nil || !watchesAlarms(svc) {
		return nil, 0, nil
	}
	var out []string
	var bake time.Duration
	for _, name := range deploymentAlarms(svc).AlarmNames {
		a, ok, err := read(name)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			continue
		}
		if a.State == alarmStateAlarm {
			out = append(out, name)
		}
		bake = max(bake, a.Evaluation)
	}
	return out, bake, nil
}

// applyAlarms fails the primary deployment when one of its alarms is in
// ALARM and, with rollback, goes back to the last COMPLETED deployment as the
// circuit breaker does.
func applyAlarms(svc *types.Service, in Input, p *Plan) bool {
	if len(in.Alarming) == 0 || !watchesAlarms(svc) {
		return false
	}
	primary := primaryDeployment(svc)
	pid := aws.ToString(primary.Id)
	fail(svc, primary, in, alarmsPrefix+" alarm(s) in ALARM state: "+strings.Join(in.Alarming, ", ")+".",
		alarmFailedMessage(svc, pid))
	p.Failed, p.Triggered = FailedByAlarms, in.Alarming
	if deploymentAlarms(svc).Rollback {
		p.Rollback = rollBack(svc, primary, in, alarmsPrefix)
	}
	return true
}

// baking is settle's part for deployment alarms: a watched deployment that
// replaces another stays IN_PROGRESS for the bake time after its tasks last
// changed, its alarms still watched and the deployments it replaces still
// listed, before it completes. It returns when the bake ends, zero when
// there is none.
func baking(primary *types.Deployment, in Input) time.Time {
	if in.Bake <= 0 || primary.RolloutState != types.DeploymentRolloutStateInProgress {
		return time.Time{}
	}
	if until := aws.ToTime(primary.UpdatedAt).Add(in.Bake); until.After(in.Now) {
		return until
	}
	return time.Time{}
}
