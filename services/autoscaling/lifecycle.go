package autoscaling

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
)

// advance moves one instance through every lifecycle step due now. It
// returns false when the instance is gone.
func (e *Engine) advance(c *api.Context, doc *groupDoc, m *member) (bool, error) {
	changed := false
	for range 8 {
		step, err := e.step(c, doc, m)
		if err != nil {
			return true, err
		}
		if step == stepGone {
			return false, nil
		}
		if step == stepNone {
			break
		}
		changed = true
	}
	if joined, err := e.joinTargetGroups(c, doc, m); err != nil {
		return true, err
	} else if joined {
		changed = true
	}
	if changed {
		return true, putMember(c, m)
	}
	return true, nil
}

type stepResult int

const (
	stepNone stepResult = iota
	stepChanged
	stepGone
)

// step takes one lifecycle step if one is due.
func (e *Engine) step(c *api.Context, doc *groupDoc, m *member) (stepResult, error) {
	now := c.Now()
	group := aws.ToString(doc.Group.AutoScalingGroupName)
	switch m.LifecycleState {
	case types.LifecycleStatePending, types.LifecycleStatePendingProceed:
		if now.Before(m.LaunchedAt.Add(e.scaled(e.Timings.Boot))) {
			return stepNone, nil
		}
		next, err := nextHook(c, group, TransitionLaunching, m.Hook)
		if err != nil {
			return stepNone, err
		}
		if next != nil {
			e.wait(c, m, next, types.LifecycleStatePendingWait)
			return stepChanged, setActivityStatus(c, m.ActivityID, types.ScalingActivityStatusCodeMidLifecycleAction, 50)
		}
		m.LifecycleState, m.Hook, m.Token = types.LifecycleStateInService, "", ""
		m.StateSince = now
		return stepChanged, finishActivity(c, m.ActivityID, types.ScalingActivityStatusCodeSuccessful, "")
	case types.LifecycleStateWarmedPending:
		if now.Before(m.LaunchedAt.Add(e.scaled(e.Timings.Boot))) {
			return stepNone, nil
		}
		m.LifecycleState = warmState(doc)
		m.StateSince = now
		return stepChanged, finishActivity(c, m.ActivityID, types.ScalingActivityStatusCodeSuccessful, "")
	case types.LifecycleStatePendingWait, types.LifecycleStateTerminatingWait:
		result := m.HookResult
		if result == "" && (!now.Before(m.HookDeadline) || !now.Before(m.GlobalDeadline)) {
			h, err := Hooks.Get(c.Tx, c.Scope(), hookKey(group, m.Hook))
			if err != nil {
				return stepNone, err
			}
			result = "ABANDON"
			if h != nil {
				result = aws.ToString(h.DefaultResult)
			}
		}
		if result == "" {
			return stepNone, nil
		}
		m.HookResult = ""
		if m.LifecycleState == types.LifecycleStateTerminatingWait {
			m.LifecycleState = types.LifecycleStateTerminatingProceed
			m.StateSince = now
			return stepChanged, nil
		}
		if result == "ABANDON" {
			msg := "Instance failed to complete user's Lifecycle Action: Lifecycle Action with token " + m.Token + " was abandoned: Lifecycle Action Completed with ABANDON Result"
			if err := finishActivity(c, m.ActivityID, types.ScalingActivityStatusCodeCancelled, msg); err != nil {
				return stepNone, err
			}
			m.ActivityID = ""
			return stepChanged, beginTermination(c, doc, m, "At "+stamp(now)+" an instance was taken out of service in response to a launch lifecycle action that was abandoned.", true)
		}
		m.LifecycleState = types.LifecycleStatePendingProceed
		m.StateSince = now
		return stepChanged, nil
	case types.LifecycleStateTerminating:
		if draining, err := e.drain(c, doc, m); err != nil || draining {
			return stepNone, err
		}
		if !m.SkipHooks {
			next, err := nextHook(c, group, TransitionTerminating, "")
			if err != nil {
				return stepNone, err
			}
			if next != nil {
				e.wait(c, m, next, types.LifecycleStateTerminatingWait)
				return stepChanged, setActivityStatus(c, m.ActivityID, types.ScalingActivityStatusCodeMidLifecycleAction, 50)
			}
		}
		m.LifecycleState = types.LifecycleStateTerminatingProceed
		m.StateSince = now
		return stepChanged, nil
	case types.LifecycleStateTerminatingProceed, types.LifecycleStateWarmedTerminating:
		if now.Before(m.StateSince.Add(e.scaled(e.Timings.Shutdown))) {
			return stepNone, nil
		}
		return stepGone, e.terminated(c, m)
	}
	return stepNone, nil
}

// wait starts a lifecycle action for a hook.
func (e *Engine) wait(c *api.Context, m *member, h *types.LifecycleHook, state types.LifecycleState) {
	m.LifecycleState = state
	m.Hook = aws.ToString(h.LifecycleHookName)
	m.Token = newUUID()
	m.HookResult = ""
	m.HookDeadline = c.Now().Add(e.scaled(seconds(aws.ToInt32(h.HeartbeatTimeout))))
	m.GlobalDeadline = c.Now().Add(e.scaled(seconds(aws.ToInt32(h.GlobalTimeout))))
	m.StateSince = c.Now()
}

// nextHook is the group's hook for a transition that follows after (by name
// order of creation), or nil.
func nextHook(c *api.Context, group, transition, after string) (*types.LifecycleHook, error) {
	hooks, err := groupHooks(c, group, transition)
	if err != nil {
		return nil, err
	}
	seen := after == ""
	for _, h := range hooks {
		if seen {
			return h, nil
		}
		seen = aws.ToString(h.LifecycleHookName) == after
	}
	return nil, nil
}

// terminated finishes a termination: the EC2 instance goes, its container
// instance is deregistered, and the group forgets it.
func (e *Engine) terminated(c *api.Context, m *member) error {
	if e.EC2 != nil {
		if err := e.EC2.Terminate(c, aws.ToString(m.InstanceId)); err != nil {
			return err
		}
	}
	if err := e.deregisterAgent(c, m); err != nil {
		return err
	}
	if err := finishActivity(c, m.ActivityID, types.ScalingActivityStatusCodeSuccessful, ""); err != nil {
		return err
	}
	_, err := Members.Delete(c.Tx, c.Scope(), aws.ToString(m.InstanceId))
	return err
}

// deregisterAgent deregisters a terminated instance's container instance at
// once, rather than when the agents pass sees EC2's state.
func (e *Engine) deregisterAgent(c *api.Context, m *member) error {
	a, err := Agents.Get(c.Tx, c.Scope(), aws.ToString(m.InstanceId))
	if err != nil || a == nil {
		return err
	}
	m.ContainerInstanceArn = ""
	return e.forgetAgent(c, a)
}

func warmState(doc *groupDoc) types.LifecycleState {
	if wp := doc.Group.WarmPoolConfiguration; wp != nil {
		switch wp.PoolState {
		case types.WarmPoolStateRunning:
			return types.LifecycleStateWarmedRunning
		case types.WarmPoolStateHibernated:
			return types.LifecycleStateWarmedHibernated
		}
	}
	return types.LifecycleStateWarmedStopped
}

// drain is ECS managed draining: before an instance of a provider's group
// terminates, its container instance drains, and termination waits until
// its tasks have stopped (the cluster manager replaces them elsewhere).
func (e *Engine) drain(c *api.Context, doc *groupDoc, m *member) (bool, error) {
	if m.ContainerInstanceArn == "" || m.SkipHooks {
		return false, nil
	}
	managed, err := e.Agent.ManagedDraining(c, aws.ToString(doc.Group.AutoScalingGroupARN))
	if err != nil || !managed {
		return false, err
	}
	left, err := e.Agent.Drain(c, m.ContainerInstanceArn)
	// Managed draining gives up after 48 hours, as on AWS.
	return left > 0 && c.Now().Before(m.StateSince.Add(e.scaled(48*time.Hour))), err
}
