package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/logs"
)

// WatchedRuntime is a TaskRuntime whose tasks also change between passes:
// real containers exit, turn unhealthy and write output on their own. Watch
// hands it a function that asks for a full pass soon (even when nothing was
// written to the store); PassDone ends each full pass, inside its
// transaction, after the runtime has observed every task the store holds,
// so that it can let go of what belongs to no task any more.
type WatchedRuntime interface {
	TaskRuntime
	Watch(poke func())
	PassDone(c *api.Context) error
}

// poke asks for a full pass although the store may not have changed.
func (r *Runner) poke() {
	r.poked.Store(true)
	r.loop.Wake()
}

// OpenLogStreams does the awslogs driver's part when a task's containers are
// created: it creates each container's stream (and group when asked to), or
// stops the task with the agent's reason when CloudWatch Logs refuses.
func OpenLogStreams(c *api.Context, t *types.Task, td *types.TaskDefinition, at time.Time) error {
	targets := awslogsTargets(td, c.Region)
	if len(targets) == 0 {
		return nil
	}
	// The execution role was checked before the containers were created
	// (ExecutionRoleRefusal, in the runtime's Start).
	return openStreams(c, t, td, targets, at)
}

// AppendLogLines writes lines a container printed to its awslogs stream;
// false when the container does not use the awslogs driver. Lines to a
// stream that no longer exists are lost, as the driver loses them.
func AppendLogLines(c *api.Context, t *types.Task, td *types.TaskDefinition, container string, events []logs.Event) (bool, error) {
	for _, a := range awslogsTargets(td, c.Region) {
		if a.Container != container {
			continue
		}
		_, err := logs.Append(a.in(c), a.Group, a.stream(t), events)
		_, err = refused(err, "")
		return true, err
	}
	return false, nil
}

// SetAttachments sets the status of a task's ENI attachments.
func SetAttachments(t *types.Task, status string) { setAttachments(t, status) }
