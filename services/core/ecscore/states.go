package ecscore

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Task states (lastStatus and desiredStatus) in lifecycle order.
const (
	TaskProvisioning   = "PROVISIONING"
	TaskPending        = "PENDING"
	TaskActivating     = "ACTIVATING"
	TaskRunning        = "RUNNING"
	TaskDeactivating   = "DEACTIVATING"
	TaskStopping       = "STOPPING"
	TaskDeprovisioning = "DEPROVISIONING"
	TaskStopped        = "STOPPED"
	// ContainerPending is a new container's lastStatus.
	ContainerPending = "PENDING"
)

// ENI attachment states.
const (
	AttachmentPrecreated = "PRECREATED"
	AttachmentAttached   = "ATTACHED"
	AttachmentDetached   = "DETACHED"
	AttachmentDeleted    = "DELETED"
)

// Service statuses.
const (
	ServiceActive   = "ACTIVE"
	ServiceDraining = "DRAINING"
	ServiceInactive = "INACTIVE"
)

// Deployment statuses (Service.Deployments[].status).
const (
	DeploymentPrimary  = "PRIMARY"
	DeploymentActive   = "ACTIVE"
	DeploymentInactive = "INACTIVE"
)

// Task set statuses.
const (
	TaskSetPrimary  = "PRIMARY"
	TaskSetActive   = "ACTIVE"
	TaskSetDraining = "DRAINING"
)

// Stopped reasons in ECS's words, for the stop codes they go with.
const (
	// ReasonEssentialExited goes with EssentialContainerExited.
	ReasonEssentialExited = "Essential container in task exited"
	// ReasonUserStopped goes with UserInitiated when StopTask gives no reason.
	ReasonUserStopped = "Task stopped by user"
	// ReasonFailedToStart goes with TaskFailedToStart.
	ReasonFailedToStart = "CannotStartContainerError: Error response from daemon: failed to create task for container"
	// ReasonSpotInterruption goes with SpotInterruption.
	ReasonSpotInterruption = "Your Spot Task was interrupted."
	// ReasonTerminationNotice goes with TerminationNotice.
	ReasonTerminationNotice = "Host EC2 instance received a termination notice."
)

// Live reports whether a task is meant to run (desiredStatus RUNNING).
func Live(t *types.Task) bool { return aws.ToString(t.DesiredStatus) == TaskRunning }

// Running reports whether a live task has reached RUNNING.
func Running(t *types.Task) bool { return Live(t) && aws.ToString(t.LastStatus) == TaskRunning }

// RequestStop is the one transition to desiredStatus STOPPED: it records the
// stop code, reason and time and bumps the task's version. A task already
// stopping keeps its first code and reason (false).
func RequestStop(t *types.Task, code types.TaskStopCode, reason string, at time.Time) bool {
	if aws.ToString(t.DesiredStatus) == TaskStopped {
		return false
	}
	t.DesiredStatus = aws.String(TaskStopped)
	t.StopCode = code
	t.StoppedReason = aws.String(reason)
	t.StoppingAt = aws.Time(at)
	t.Version++
	return true
}
