package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Task states in lifecycle order.
const (
	StateProvisioning   = "PROVISIONING"
	StatePending        = "PENDING"
	StateActivating     = "ACTIVATING"
	StateRunning        = "RUNNING"
	StateDeactivating   = "DEACTIVATING"
	StateStopping       = "STOPPING"
	StateDeprovisioning = "DEPROVISIONING"
	StateStopped        = "STOPPED"
)

// Stopped reasons in ECS's words.
const (
	ReasonEssentialExited = "Essential container in task exited"
	ReasonUserStopped     = "Task stopped by user"
	ReasonFailedToStart   = "CannotStartContainerError: Error response from daemon: failed to create task for container"
)

// ENI attachment states.
const (
	AttachmentPrecreated = "PRECREATED"
	AttachmentAttached   = "ATTACHED"
	AttachmentDetached   = "DETACHED"
	AttachmentDeleted    = "DELETED"
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

// RequestStop asks a task to stop; Advance then takes it through the stop states.
// A task already stopping keeps its first code and reason.
func RequestStop(t *types.Task, code types.TaskStopCode, reason string, at time.Time) bool {
	if aws.ToString(t.DesiredStatus) == StateStopped {
		return false
	}
	t.DesiredStatus = aws.String(StateStopped)
	t.StopCode = code
	t.StoppedReason = aws.String(reason)
	t.StoppingAt = aws.Time(at)
	t.Version++
	return true
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
	if last == StateStopped {
		return time.Time{}, nil
	}
	created := aws.ToTime(t.CreatedAt)
	d := tm.StartDelay
	if aws.ToString(t.DesiredStatus) == StateStopped {
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
	case StateProvisioning, "":
		return created.Add(d / 4), func(at time.Time, _ *Outcome) {
			t.LastStatus = aws.String(StatePending)
			t.Connectivity = types.ConnectivityConnected
			t.ConnectivityAt = aws.Time(at)
			t.PullStartedAt = aws.Time(at)
			setAttachments(t, AttachmentAttached)
		}
	case StatePending:
		return created.Add(d / 2), func(at time.Time, _ *Outcome) {
			t.PullStoppedAt = aws.Time(at)
			if b.FailToStart != "" {
				for i := range t.Containers {
					if aws.ToString(t.Containers[i].Name) == b.FailToStart {
						t.Containers[i].Reason = aws.String(ReasonFailedToStart)
					}
				}
				RequestStop(t, types.TaskStopCodeTaskFailedToStart, ReasonFailedToStart, at)
				return
			}
			t.LastStatus = aws.String(StateActivating)
		}
	case StateActivating:
		return created.Add(d), func(at time.Time, o *Outcome) {
			t.LastStatus = aws.String(StateRunning)
			t.StartedAt = aws.Time(at)
			for i := range t.Containers {
				c := &t.Containers[i]
				c.LastStatus = aws.String(StateRunning)
				if b.HealthChecked[aws.ToString(c.Name)] {
					c.HealthStatus = types.HealthStatusHealthy
					t.HealthStatus = types.HealthStatusHealthy
				}
				for j := range c.ManagedAgents {
					c.ManagedAgents[j].LastStatus = aws.String(StateRunning)
					c.ManagedAgents[j].LastStartedAt = aws.Time(at)
				}
			}
			o.Running = true
		}
	case StateRunning:
		if b.ExitAfter == nil || t.StartedAt == nil {
			return time.Time{}, nil
		}
		return t.StartedAt.Add(*b.ExitAfter), func(at time.Time, _ *Outcome) {
			for i := range t.Containers {
				if aws.ToString(t.Containers[i].Name) == b.Exiting {
					t.Containers[i].ExitCode = aws.Int32(b.ExitCode)
					t.Containers[i].LastStatus = aws.String(StateStopped)
				}
			}
			RequestStop(t, types.TaskStopCodeEssentialContainerExited, ReasonEssentialExited, at)
		}
	}
	return time.Time{}, nil
}

// stopChange is the next step of a task on its way to STOPPED.
func stopChange(t *types.Task, last string, stopping time.Time, s time.Duration, hold time.Time) (time.Time, func(time.Time, *Outcome)) {
	switch last {
	case StateDeactivating:
		return later(stopping.Add(s/4), hold), func(time.Time, *Outcome) { t.LastStatus = aws.String(StateStopping) }
	case StateStopping:
		return stopping.Add(s / 2), func(at time.Time, _ *Outcome) {
			t.LastStatus = aws.String(StateDeprovisioning)
			t.ExecutionStoppedAt = aws.Time(at)
			for i := range t.Containers {
				c := &t.Containers[i]
				if aws.ToString(c.LastStatus) == StateRunning && c.ExitCode == nil {
					c.ExitCode = aws.Int32(0)
				}
				c.LastStatus = aws.String(StateStopped)
				for j := range c.ManagedAgents {
					c.ManagedAgents[j].LastStatus = aws.String(StateStopped)
				}
			}
			setAttachments(t, AttachmentDetached)
		}
	case StateDeprovisioning:
		return stopping.Add(s), func(at time.Time, o *Outcome) {
			t.LastStatus = aws.String(StateStopped)
			t.StoppedAt = aws.Time(at)
			t.Connectivity = types.ConnectivityDisconnected
			t.ConnectivityAt = aws.Time(at)
			setAttachments(t, AttachmentDeleted)
			o.Stopped = true
			o.Failed = t.StopCode == types.TaskStopCodeTaskFailedToStart || t.StopCode == types.TaskStopCodeEssentialContainerExited
		}
	default:
		return stopping, func(time.Time, *Outcome) { t.LastStatus = aws.String(StateDeactivating) }
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

// Live reports whether a task counts toward its service: wanted RUNNING.
func Live(t *types.Task) bool { return aws.ToString(t.DesiredStatus) == StateRunning }

// Running reports whether a live task has reached RUNNING.
func Running(t *types.Task) bool { return Live(t) && aws.ToString(t.LastStatus) == StateRunning }
