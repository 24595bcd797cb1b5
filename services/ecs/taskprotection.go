package ecs

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// Task protection expiry bounds, in minutes.
const (
	defaultProtectionMinutes = 120
	maxProtectionMinutes     = 2880
)

func registerTaskProtection(s *api.Service) {
	api.Handle(s, "GetTaskProtection", getTaskProtection)
	api.Handle(s, "UpdateTaskProtection", updateTaskProtection)
	api.Handle(s, "ExecuteCommand", executeCommand)
}

// TaskProtected reports whether a task's scale-in protection is on at now.
func TaskProtected(c *api.Context, taskArn string, now time.Time) (bool, error) {
	p, err := ecscore.TaskProtections.Get(c.Tx, c.Scope(), taskArn)
	if err != nil || p == nil {
		return false, err
	}
	return p.ProtectionEnabled && (p.ExpirationDate == nil || p.ExpirationDate.After(now)), nil
}

// protectionTargets resolves the tasks of a protection call; those that are
// missing or not part of a service become failures.
func protectionTargets(c *api.Context, clusterArn string, refs []string) ([]*types.Task, []types.Failure, error) {
	var tasks []*types.Task
	failures := []types.Failure{}
	for _, ref := range refs {
		t, err := GetTask(c, clusterArn, ref)
		if err != nil {
			return nil, nil, err
		}
		arn := resolveTaskArn(c, clusterArn, ref)
		switch {
		case t == nil:
			failures = append(failures, missing(arn))
		case !strings.HasPrefix(aws.ToString(t.Group), "service:"):
			failures = append(failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("TASK_NOT_VALID"),
				Detail: aws.String("The task is not part of an Amazon ECS service.")})
		default:
			tasks = append(tasks, t)
		}
	}
	return tasks, failures, nil
}

func currentProtection(c *api.Context, taskArn string) (types.ProtectedTask, error) {
	out := types.ProtectedTask{TaskArn: aws.String(taskArn)}
	p, err := ecscore.TaskProtections.Get(c.Tx, c.Scope(), taskArn)
	if err != nil || p == nil {
		return out, err
	}
	if p.ProtectionEnabled && p.ExpirationDate != nil && !p.ExpirationDate.After(c.Now()) {
		return out, nil // expired: ECS clears protectionEnabled
	}
	return *p, nil
}

func getTaskProtection(c *api.Context, in *ecs.GetTaskProtectionInput) (*ecs.GetTaskProtectionOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.Tasks) > 100 {
		return nil, errInvalid("Too many tasks specified. Maximum is 100.")
	}
	refs := in.Tasks
	if len(refs) == 0 {
		// Without tasks, the answer covers every task whose protection was set.
		items, err := ecscore.TaskProtections.List(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(cl.ClusterArn)})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			refs = append(refs, it.ID)
		}
	}
	tasks, failures, err := protectionTargets(c, aws.ToString(cl.ClusterArn), refs)
	if err != nil {
		return nil, err
	}
	if len(in.Tasks) == 0 {
		failures = []types.Failure{}
	}
	out := &ecs.GetTaskProtectionOutput{ProtectedTasks: []types.ProtectedTask{}, Failures: failures}
	for _, t := range tasks {
		p, err := currentProtection(c, aws.ToString(t.TaskArn))
		if err != nil {
			return nil, err
		}
		out.ProtectedTasks = append(out.ProtectedTasks, p)
	}
	return out, nil
}

func updateTaskProtection(c *api.Context, in *ecs.UpdateTaskProtectionInput) (*ecs.UpdateTaskProtectionOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.Tasks) == 0 {
		return nil, errInvalid("Tasks cannot be empty.")
	}
	if len(in.Tasks) > 10 {
		return nil, errInvalid("Too many tasks specified. Maximum is 10.")
	}
	minutes := defaultProtectionMinutes
	if in.ExpiresInMinutes != nil {
		minutes = int(*in.ExpiresInMinutes)
		if minutes < 1 || minutes > maxProtectionMinutes {
			return nil, errInvalid("expiresInMinutes must be between 1 and %d.", maxProtectionMinutes)
		}
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	tasks, failures, err := protectionTargets(c, clusterArn, in.Tasks)
	if err != nil {
		return nil, err
	}
	out := &ecs.UpdateTaskProtectionOutput{ProtectedTasks: []types.ProtectedTask{}, Failures: failures}
	for _, t := range tasks {
		arn := aws.ToString(t.TaskArn)
		p := types.ProtectedTask{TaskArn: aws.String(arn), ProtectionEnabled: in.ProtectionEnabled}
		if in.ProtectionEnabled {
			p.ExpirationDate = aws.Time(c.Now().Add(time.Duration(minutes) * time.Minute))
		}
		if err := ecscore.TaskProtections.Put(c.Tx, c.Scope(), arn, store.Index{Parent: clusterArn}, &p); err != nil {
			return nil, err
		}
		out.ProtectedTasks = append(out.ProtectedTasks, p)
	}
	return out, nil
}

// executeCommandUnavailable is ECS's answer when no execute command agent
// session can be opened; Longshore runs no agent, so it always answers so.
const executeCommandUnavailable = "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again."

func executeCommand(c *api.Context, in *ecs.ExecuteCommandInput) (*ecs.ExecuteCommandOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if !in.Interactive {
		return nil, errInvalid("Interactive is the only mode supported currently.")
	}
	t, err := GetTask(c, aws.ToString(cl.ClusterArn), aws.ToString(in.Task))
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errTaskNotFound()
	}
	if name := aws.ToString(in.Container); name != "" {
		found := false
		for _, ct := range t.Containers {
			found = found || aws.ToString(ct.Name) == name
		}
		if !found {
			return nil, errInvalid("The container %s does not exist in the task.", name)
		}
	} else if len(t.Containers) > 1 {
		return nil, errInvalid("The task has more than one container; specify the container name.")
	}
	if !t.EnableExecuteCommand {
		return nil, errInvalid("%s", executeCommandUnavailable)
	}
	return nil, apierror.New("TargetNotConnectedException", "%s", executeCommandUnavailable)
}
