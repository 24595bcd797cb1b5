package ecs

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// The container agent's calls: it reports what happened to tasks, containers
// and attachments on its instance, and asks where to poll.

const agentAck = "true"

var agentTaskStatuses = map[string]bool{"PENDING": true, "RUNNING": true, "STOPPED": true}

// agentTask loads the task an agent reports on.
func agentTask(c *api.Context, cluster, task *string) (*types.Task, error) {
	cl, err := ecscore.GetCluster(c, cluster)
	if err != nil {
		return nil, err
	}
	if aws.ToString(task) == "" {
		return nil, errInvalidParameter("Task cannot be empty.")
	}
	t, err := GetTask(c, aws.ToString(cl.ClusterArn), aws.ToString(task))
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errInvalidParameter("The referenced task was not found.")
	}
	return t, nil
}

// applyTaskStatus moves a task's lastStatus as its agent reports it. A stopped
// task stays stopped.
func applyTaskStatus(c *api.Context, t *types.Task, status, reason string) {
	if status == "" || aws.ToString(t.LastStatus) == "STOPPED" {
		return
	}
	t.LastStatus = aws.String(status)
	now := aws.Time(c.Now())
	switch status {
	case "RUNNING":
		if t.StartedAt == nil {
			t.StartedAt = now
		}
		if t.ConnectivityAt == nil {
			t.Connectivity = types.ConnectivityConnected
			t.ConnectivityAt = now
		}
	case "STOPPED":
		if t.StoppingAt == nil {
			t.StoppingAt = now
		}
		t.StoppedAt = now
		if aws.ToString(t.DesiredStatus) != "STOPPED" {
			t.DesiredStatus = aws.String("STOPPED")
			t.StopCode = types.TaskStopCodeEssentialContainerExited
			if reason == "" {
				reason = ecscore.ReasonEssentialExited
			}
		}
		if reason != "" && t.StoppedReason == nil {
			t.StoppedReason = aws.String(reason)
		}
	}
}

func applyContainerChange(t *types.Task, name string, ch types.ContainerStateChange) bool {
	for i := range t.Containers {
		ct := &t.Containers[i]
		if aws.ToString(ct.Name) != name {
			continue
		}
		if ch.Status != nil {
			ct.LastStatus = ch.Status
		}
		if ch.ExitCode != nil {
			ct.ExitCode = ch.ExitCode
		}
		if ch.Reason != nil {
			ct.Reason = ch.Reason
		}
		if ch.RuntimeId != nil {
			ct.RuntimeId = ch.RuntimeId
		}
		if ch.ImageDigest != nil {
			ct.ImageDigest = ch.ImageDigest
		}
		if ch.NetworkBindings != nil {
			ct.NetworkBindings = ch.NetworkBindings
		}
		return true
	}
	return false
}

// applyAttachmentChange sets the status of the task attachment an ARN names.
func applyAttachmentChange(t *types.Task, ch types.AttachmentStateChange) bool {
	id := ecscore.NameFromARN(aws.ToString(ch.AttachmentArn))
	for i := range t.Attachments {
		if aws.ToString(t.Attachments[i].Id) == id {
			t.Attachments[i].Status = ch.Status
			return true
		}
	}
	return false
}

func submitTaskStateChange(c *api.Context, in *ecs.SubmitTaskStateChangeInput) (*ecs.SubmitTaskStateChangeOutput, error) {
	t, err := agentTask(c, in.Cluster, in.Task)
	if err != nil {
		return nil, err
	}
	status := aws.ToString(in.Status)
	if status != "" && !agentTaskStatuses[status] {
		return nil, errInvalidParameter("Invalid task status %s.", status)
	}
	for _, ch := range in.Containers {
		if !applyContainerChange(t, aws.ToString(ch.ContainerName), ch) {
			return nil, errInvalidParameter("The referenced container %s was not found in the task.", aws.ToString(ch.ContainerName))
		}
	}
	for _, ch := range in.Attachments {
		if !applyAttachmentChange(t, ch) {
			return nil, errInvalidParameter("The referenced attachment %s was not found in the task.", aws.ToString(ch.AttachmentArn))
		}
	}
	for _, ma := range in.ManagedAgents {
		applyManagedAgent(c, t, ma)
	}
	if in.PullStartedAt != nil {
		t.PullStartedAt = in.PullStartedAt
	}
	if in.PullStoppedAt != nil {
		t.PullStoppedAt = in.PullStoppedAt
	}
	if in.ExecutionStoppedAt != nil {
		t.ExecutionStoppedAt = in.ExecutionStoppedAt
	}
	applyTaskStatus(c, t, status, aws.ToString(in.Reason))
	if err := ecscore.UpdateTask(c.Tx, c.Scope(), t); err != nil {
		return nil, err
	}
	return &ecs.SubmitTaskStateChangeOutput{Acknowledgment: aws.String(agentAck)}, nil
}

func applyManagedAgent(c *api.Context, t *types.Task, ma types.ManagedAgentStateChange) {
	for i := range t.Containers {
		ct := &t.Containers[i]
		if aws.ToString(ct.Name) != aws.ToString(ma.ContainerName) {
			continue
		}
		agent := types.ManagedAgent{Name: ma.ManagedAgentName, LastStatus: ma.Status, Reason: ma.Reason}
		if aws.ToString(ma.Status) == "RUNNING" {
			agent.LastStartedAt = aws.Time(c.Now())
		}
		for j := range ct.ManagedAgents {
			if ct.ManagedAgents[j].Name == agent.Name {
				if agent.LastStartedAt == nil {
					agent.LastStartedAt = ct.ManagedAgents[j].LastStartedAt
				}
				ct.ManagedAgents[j] = agent
				return
			}
		}
		ct.ManagedAgents = append(ct.ManagedAgents, agent)
	}
}

func submitContainerStateChange(c *api.Context, in *ecs.SubmitContainerStateChangeInput) (*ecs.SubmitContainerStateChangeOutput, error) {
	t, err := agentTask(c, in.Cluster, in.Task)
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.ContainerName)
	ch := types.ContainerStateChange{ContainerName: in.ContainerName, Status: in.Status, ExitCode: in.ExitCode,
		Reason: in.Reason, RuntimeId: in.RuntimeId, NetworkBindings: in.NetworkBindings}
	if !applyContainerChange(t, name, ch) {
		return nil, errInvalidParameter("The referenced container %s was not found in the task.", name)
	}
	if err := ecscore.UpdateTask(c.Tx, c.Scope(), t); err != nil {
		return nil, err
	}
	return &ecs.SubmitContainerStateChangeOutput{Acknowledgment: aws.String(agentAck)}, nil
}

func submitAttachmentStateChanges(c *api.Context, in *ecs.SubmitAttachmentStateChangesInput) (*ecs.SubmitAttachmentStateChangesOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	tasks, err := ecscore.Tasks.List(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(cl.ClusterArn)})
	if err != nil {
		return nil, err
	}
	changed := map[string]*types.Task{}
	for _, ch := range in.Attachments {
		if !strings.Contains(aws.ToString(ch.AttachmentArn), ":attachment/") {
			return nil, errInvalidParameter("Invalid attachment ARN %s.", aws.ToString(ch.AttachmentArn))
		}
		found := false
		for _, it := range tasks {
			if applyAttachmentChange(it.Doc, ch) {
				changed[it.ID] = it.Doc
				found = true
				break
			}
		}
		if !found {
			return nil, errInvalidParameter("The referenced attachment %s was not found.", aws.ToString(ch.AttachmentArn))
		}
	}
	for _, t := range changed {
		if err := ecscore.UpdateTask(c.Tx, c.Scope(), t); err != nil {
			return nil, err
		}
	}
	return &ecs.SubmitAttachmentStateChangesOutput{Acknowledgment: aws.String(agentAck)}, nil
}

func discoverPollEndpoint(c *api.Context, in *ecs.DiscoverPollEndpointInput) (*ecs.DiscoverPollEndpointOutput, error) {
	if in.Cluster != nil {
		if _, err := ecscore.GetCluster(c, in.Cluster); err != nil {
			return nil, err
		}
	}
	return &ecs.DiscoverPollEndpointOutput{
		Endpoint:               aws.String("https://ecs-a-1." + c.Region + ".amazonaws.com/"),
		TelemetryEndpoint:      aws.String("https://ecs-t-1." + c.Region + ".amazonaws.com/"),
		ServiceConnectEndpoint: aws.String("https://ecs-sc." + c.Region + ".api.aws"),
	}, nil
}
