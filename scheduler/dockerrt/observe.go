package dockerrt

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
)

// ReasonUnhealthy is the stopped reason of a service's task whose essential
// container failed its health checks (ECS developer guide, "Amazon ECS
// stopped task error messages").
const ReasonUnhealthy = "Task failed container health checks"

// advance brings the task document up to what its containers did: each
// state change it makes is stamped with the pass's time.
// Then it writes the lines the containers printed since the last pass
// (their streams exist from the change out of PENDING).
func advance(c *api.Context, t *types.Task, td *types.TaskDefinition, tk *task, s snapshot, hold time.Time) (scheduler.Outcome, error) {
	o, err := advanceStates(c, t, td, tk, s, hold)
	if err != nil || tk == nil || len(s.lines) == 0 {
		return o, err
	}
	return o, appendLines(c, t, td, s.lines)
}

func advanceStates(c *api.Context, t *types.Task, td *types.TaskDefinition, tk *task, s snapshot, hold time.Time) (scheduler.Outcome, error) {
	var o scheduler.Outcome
	now := c.Now()
	change := func() { o.Changed = true; t.Version++ }
	if aws.ToString(t.LastStatus) == ecscore.TaskStopped {
		return o, nil
	}
	if ecscore.Live(t) && scheduler.WaitingForCapacity(t) {
		return o, nil
	}
	for i := 0; i < 8; i++ {
		last := aws.ToString(t.LastStatus)
		if !ecscore.Live(t) {
			if t.StoppingAt == nil {
				t.StoppingAt = aws.Time(now)
			}
			switch last {
			case ecscore.TaskDeactivating:
				if hold.After(now) {
					o.Next = hold
					return o, nil
				}
				t.LastStatus = aws.String(ecscore.TaskStopping)
				if tk != nil {
					tk.requestStop()
				}
				change()
			case ecscore.TaskStopping:
				if tk != nil && !s.stopped {
					return o, nil
				}
				t.LastStatus = aws.String(ecscore.TaskDeprovisioning)
				t.ExecutionStoppedAt = aws.Time(now)
				for j := range t.Containers {
					ct := &t.Containers[j]
					if st, ok := s.ctrs[aws.ToString(ct.Name)]; ok {
						applyContainer(ct, st)
					}
					ct.LastStatus = aws.String(ecscore.TaskStopped)
				}
				scheduler.SetAttachments(t, ecscore.AttachmentDetached)
				change()
			case ecscore.TaskDeprovisioning:
				t.LastStatus = aws.String(ecscore.TaskStopped)
				t.StoppedAt = aws.Time(now)
				t.Connectivity = types.ConnectivityDisconnected
				t.ConnectivityAt = aws.Time(now)
				scheduler.SetAttachments(t, ecscore.AttachmentDeleted)
				o.Stopped = true
				o.Failed = t.StopCode == types.TaskStopCodeTaskFailedToStart || t.StopCode == types.TaskStopCodeEssentialContainerExited
				change()
				return o, nil
			default:
				t.LastStatus = aws.String(ecscore.TaskDeactivating)
				change()
			}
			continue
		}
		if tk == nil {
			return o, nil
		}
		switch last {
		case "", ecscore.TaskProvisioning:
			t.LastStatus = aws.String(ecscore.TaskPending)
			t.Connectivity = types.ConnectivityConnected
			t.ConnectivityAt = aws.Time(now)
			t.PullStartedAt = aws.Time(now)
			scheduler.SetAttachments(t, ecscore.AttachmentAttached)
			change()
			continue
		case ecscore.TaskPending:
			if s.failed {
				failTask(t, s, now)
				change()
				continue
			}
			if !s.created {
				return o, nil
			}
			t.PullStoppedAt = aws.Time(now)
			for j := range t.Containers {
				ct := &t.Containers[j]
				if st, ok := s.ctrs[aws.ToString(ct.Name)]; ok {
					ct.RuntimeId = aws.String(st.ID)
					ct.ImageDigest = nonEmpty(st.ImageID)
				}
			}
			if err := scheduler.OpenLogStreams(c, t, td, now); err != nil {
				return o, err
			}
			if ecscore.Live(t) {
				t.LastStatus = aws.String(ecscore.TaskActivating)
			}
			change()
			continue
		}
		// ACTIVATING or RUNNING: the containers as they are now.
		if syncContainers(t, s) {
			change()
		}
		if s.failed {
			failTask(t, s, now)
			change()
			continue
		}
		if name, ok := essentialExited(t, s); ok {
			_ = name
			ecscore.RequestStop(t, types.TaskStopCodeEssentialContainerExited, ecscore.ReasonEssentialExited, now)
			change()
			continue
		}
		if last == ecscore.TaskActivating && essentialsUp(t, s) {
			t.LastStatus = aws.String(ecscore.TaskRunning)
			t.StartedAt = aws.Time(now)
			o.Running = true
			change()
			continue
		}
		if t.HealthStatus == types.HealthStatusUnhealthy &&
			strings.HasPrefix(aws.ToString(t.StartedBy), ecscore.DeploymentIDPrefix) {
			ecscore.RequestStop(t, types.TaskStopCodeServiceSchedulerInitiated, ReasonUnhealthy, now)
			change()
			continue
		}
		return o, nil
	}
	return o, nil
}

// failTask stops a task that could not start, with its reason on the task
// and on the container concerned.
func failTask(t *types.Task, s snapshot, now time.Time) {
	reason := s.failReason
	if reason == "" {
		// Its containers are gone (removed while Longshore was not running).
		for j := range t.Containers {
			t.Containers[j].LastStatus = aws.String(ecscore.TaskStopped)
		}
		ecscore.RequestStop(t, types.TaskStopCodeEssentialContainerExited, ecscore.ReasonEssentialExited, now)
		return
	}
	for j := range t.Containers {
		if aws.ToString(t.Containers[j].Name) == s.failContainer {
			t.Containers[j].Reason = aws.String(reason)
		}
	}
	if t.PullStoppedAt == nil {
		t.PullStoppedAt = aws.Time(now)
	}
	ecscore.RequestStop(t, types.TaskStopCodeTaskFailedToStart, reason, now)
}

// syncContainers copies the containers' states into the task; true when
// something changed.
func syncContainers(t *types.Task, s snapshot) bool {
	changed := false
	anyCheck, healthy, unhealthy := false, true, false
	for j := range t.Containers {
		ct := &t.Containers[j]
		st, ok := s.ctrs[aws.ToString(ct.Name)]
		if !ok {
			continue
		}
		before := containerKey(ct)
		applyContainer(ct, st)
		if containerKey(ct) != before {
			changed = true
		}
		if st.Essential && st.HealthCheck {
			anyCheck = true
			switch ct.HealthStatus {
			case types.HealthStatusUnhealthy:
				unhealthy = true
			case types.HealthStatusHealthy:
			default:
				healthy = false
			}
		}
	}
	h := types.HealthStatusUnknown
	switch {
	case !anyCheck:
		h = t.HealthStatus
	case unhealthy:
		h = types.HealthStatusUnhealthy
	case healthy:
		h = types.HealthStatusHealthy
	}
	if h != t.HealthStatus {
		t.HealthStatus = h
		changed = true
	}
	return changed
}

func containerKey(ct *types.Container) string {
	code := "-"
	if ct.ExitCode != nil {
		code = fmt.Sprint(*ct.ExitCode)
	}
	return aws.ToString(ct.LastStatus) + "|" + string(ct.HealthStatus) + "|" + code + "|" + aws.ToString(ct.RuntimeId) + "|" + aws.ToString(ct.Reason)
}

// applyContainer writes one container's state into the task's container.
func applyContainer(ct *types.Container, st ctr) {
	if st.ID != "" {
		ct.RuntimeId = aws.String(st.ID)
	}
	if st.Started && !st.Exited {
		ct.LastStatus = aws.String(ecscore.TaskRunning)
	}
	if st.Exited {
		ct.LastStatus = aws.String(ecscore.TaskStopped)
		ct.ExitCode = aws.Int32(int32(st.ExitCode))
		if st.Reason != "" {
			ct.Reason = aws.String(st.Reason)
		}
	}
	if st.HealthCheck {
		switch st.Health {
		case "healthy":
			ct.HealthStatus = types.HealthStatusHealthy
		case "unhealthy":
			ct.HealthStatus = types.HealthStatusUnhealthy
		default:
			ct.HealthStatus = types.HealthStatusUnknown
		}
	}
}

// essentialExited names an essential container that has exited.
func essentialExited(t *types.Task, s snapshot) (string, bool) {
	for _, st := range s.ctrs {
		if st.Essential && st.Exited {
			return st.Name, true
		}
	}
	return "", false
}

// essentialsUp reports whether every essential container runs (and is
// healthy where it has a health check): the task is then RUNNING.
func essentialsUp(t *types.Task, s snapshot) bool {
	n := 0
	for _, st := range s.ctrs {
		if !st.Essential {
			continue
		}
		n++
		if !st.Started || st.Exited || (st.HealthCheck && st.Health != "healthy") {
			return false
		}
	}
	return n > 0
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
