package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// Outcome is what Advance did to a task.
type Outcome struct {
	Changed bool
	Running bool // reached RUNNING
	Stopped bool // reached STOPPED
	// Failed is set with Stopped when the task stopped through a failure of its own
	// (the circuit breaker counts these).
	Failed bool
	// Next is when the task next changes by itself; zero when it never does.
	Next time.Time
}

// Advance moves a task through every state change due by now, stamping each
// with the time it was due (not now), so that a late pass yields the same
// history as a punctual one.
func Advance(t *types.Task, b Behavior, tm Timings, now time.Time) Outcome {
	var o Outcome
	for i := 0; i < 16; i++ {
		at, apply := nextChange(t, b, tm)
		if apply == nil {
			return o
		}
		if at.After(now) {
			o.Next = at
			return o
		}
		apply(at, &o)
		o.Changed = true
		t.Version++
	}
	return o
}

// nextChange returns when the task changes next and how.
func nextChange(t *types.Task, b Behavior, tm Timings) (time.Time, func(time.Time, *Outcome)) {
	last := aws.ToString(t.LastStatus)
	if last == ecscore.TaskStopped {
		return time.Time{}, nil
	}
	created := aws.ToTime(t.CreatedAt)
	d := tm.StartDelay
	if aws.ToString(t.DesiredStatus) == ecscore.TaskStopped {
		if t.StoppingAt == nil {
			// Stopped by a writer that stamped no time: start stopping now.
			return time.Time{}, func(at time.Time, _ *Outcome) { t.StoppingAt = aws.Time(at) }
		}
		return stopChange(t, last, aws.ToTime(t.StoppingAt), tm.StopDelay, b.DeactivateUntil)
	}
	if WaitingForCapacity(t) {
		return time.Time{}, nil // placed by the pass once an instance has room
	}
	switch last {
	case ecscore.TaskProvisioning, "":
		return created.Add(d / 4), func(at time.Time, _ *Outcome) {
			t.LastStatus = aws.String(ecscore.TaskPending)
			t.Connectivity = types.ConnectivityConnected
			t.ConnectivityAt = aws.Time(at)
			t.PullStartedAt = aws.Time(at)
			setAttachments(t, ecscore.AttachmentAttached)
		}
	case ecscore.TaskPending:
		return created.Add(d / 2), func(at time.Time, _ *Outcome) {
			t.PullStoppedAt = aws.Time(at)
			if b.FailToStart != "" {
				for i := range t.Containers {
					if aws.ToString(t.Containers[i].Name) == b.FailToStart {
						t.Containers[i].Reason = aws.String(ecscore.ReasonFailedToStart)
					}
				}
				ecscore.RequestStop(t, types.TaskStopCodeTaskFailedToStart, ecscore.ReasonFailedToStart, at)
				return
			}
			t.LastStatus = aws.String(ecscore.TaskActivating)
		}
	case ecscore.TaskActivating:
		return created.Add(d), func(at time.Time, o *Outcome) {
			t.LastStatus = aws.String(ecscore.TaskRunning)
			t.StartedAt = aws.Time(at)
			for i := range t.Containers {
				c := &t.Containers[i]
				c.LastStatus = aws.String(ecscore.TaskRunning)
				if b.HealthChecked[aws.ToString(c.Name)] {
					c.HealthStatus = types.HealthStatusHealthy
					t.HealthStatus = types.HealthStatusHealthy
				}
				for j := range c.ManagedAgents {
					c.ManagedAgents[j].LastStatus = aws.String(ecscore.TaskRunning)
					c.ManagedAgents[j].LastStartedAt = aws.Time(at)
				}
			}
			o.Running = true
		}
	case ecscore.TaskRunning:
		if b.ExitAfter == nil || t.StartedAt == nil {
			return time.Time{}, nil
		}
		return t.StartedAt.Add(*b.ExitAfter), func(at time.Time, _ *Outcome) {
			for i := range t.Containers {
				if aws.ToString(t.Containers[i].Name) == b.Exiting {
					t.Containers[i].ExitCode = aws.Int32(b.ExitCode)
					t.Containers[i].LastStatus = aws.String(ecscore.TaskStopped)
				}
			}
			ecscore.RequestStop(t, types.TaskStopCodeEssentialContainerExited, ecscore.ReasonEssentialExited, at)
		}
	}
	return time.Time{}, nil
}

// stopChange is the next step of a task on its way to STOPPED.
func stopChange(t *types.Task, last string, stopping time.Time, s time.Duration, hold time.Time) (time.Time, func(time.Time, *Outcome)) {
	switch last {
	case ecscore.TaskDeactivating:
		return later(stopping.Add(s/4), hold), func(time.Time, *Outcome) { t.LastStatus = aws.String(ecscore.TaskStopping) }
	case ecscore.TaskStopping:
		return stopping.Add(s / 2), func(at time.Time, _ *Outcome) {
			t.LastStatus = aws.String(ecscore.TaskDeprovisioning)
			t.ExecutionStoppedAt = aws.Time(at)
			for i := range t.Containers {
				c := &t.Containers[i]
				if aws.ToString(c.LastStatus) == ecscore.TaskRunning && c.ExitCode == nil {
					c.ExitCode = aws.Int32(0)
				}
				c.LastStatus = aws.String(ecscore.TaskStopped)
				for j := range c.ManagedAgents {
					c.ManagedAgents[j].LastStatus = aws.String(ecscore.TaskStopped)
				}
			}
			setAttachments(t, ecscore.AttachmentDetached)
		}
	case ecscore.TaskDeprovisioning:
		return stopping.Add(s), func(at time.Time, o *Outcome) {
			t.LastStatus = aws.String(ecscore.TaskStopped)
			t.StoppedAt = aws.Time(at)
			t.Connectivity = types.ConnectivityDisconnected
			t.ConnectivityAt = aws.Time(at)
			setAttachments(t, ecscore.AttachmentDeleted)
			o.Stopped = true
			o.Failed = t.StopCode == types.TaskStopCodeTaskFailedToStart || t.StopCode == types.TaskStopCodeEssentialContainerExited
		}
	default:
		return stopping, func(time.Time, *Outcome) { t.LastStatus = aws.String(ecscore.TaskDeactivating) }
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func setAttachments(t *types.Task, status string) {
	for i := range t.Attachments {
		if aws.ToString(t.Attachments[i].Type) == "ElasticNetworkInterface" {
			t.Attachments[i].Status = aws.String(status)
		}
	}
}
