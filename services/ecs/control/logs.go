package control

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/logs"
)

// Limits of one push, those of one PutLogEvents batch.
const (
	maxPushedLines = 10000
	maxPushedBytes = 1048576
	pushedOverhead = 26 // bytes CloudWatch Logs counts per event
)

type taskLogsRequest struct {
	controlRequest
	Task string `json:"task"`
	// Container may be left out when the task has one container.
	Container string   `json:"container"`
	Lines     []string `json:"lines"`
}

// TaskLogsResult is the answer of POST /ecs/tasks/logs.
type TaskLogsResult struct {
	LogGroupName      string `json:"logGroupName"`
	LogStreamName     string `json:"logStreamName"`
	Region            string `json:"region"`
	Events            int    `json:"events"`
	NextSequenceToken string `json:"nextSequenceToken"`
}

// appendTaskLogs writes lines as a running container's output to its
// awslogs stream: one event per line (lines holding newlines are split, and
// empty ones dropped, as the driver does), all stamped now.
func (cfg Config) appendTaskLogs(c *api.Context, body []byte) (any, error) {
	var req taskLogsRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, badRequest("The request body is not valid JSON: %s", err.Error())
	}
	events, err := pushedEvents(req.Lines, c.Now().UnixMilli())
	if err != nil {
		return nil, err
	}
	cl, err := ecscore.GetCluster(c, aws.String(req.Cluster))
	if err != nil {
		return nil, err
	}
	arn := req.Task
	if !strings.HasPrefix(arn, "arn:") {
		arn = ecscore.TaskARN(c, aws.ToString(cl.ClusterArn), arn)
	}
	t, err := ecscore.Tasks.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if t == nil || aws.ToString(t.ClusterArn) != aws.ToString(cl.ClusterArn) {
		return nil, badRequest("The referenced task was not found.")
	}
	name := req.Container
	if name == "" && len(t.Containers) == 1 {
		name = aws.ToString(t.Containers[0].Name)
	}
	td, err := ecscore.TaskDefinitions.Get(c.Tx, c.Scope(), aws.ToString(t.TaskDefinitionArn))
	if err != nil {
		return nil, err
	}
	target, err := cfg.LogStream(c, t, td, name)
	if err != nil {
		return nil, err
	}
	stream := target.Stream
	token, err := logs.Append(target.In, target.Group, stream, events)
	if err != nil {
		return nil, err
	}
	return TaskLogsResult{LogGroupName: target.Group, LogStreamName: stream, Region: target.In.Region,
		Events: len(events), NextSequenceToken: token}, nil
}

// pushedEvents turns pushed lines into log events, within one batch's limits.
func pushedEvents(lines []string, at int64) ([]logs.Event, error) {
	var out []logs.Event
	size := 0
	for _, l := range lines {
		if !utf8.ValidString(l) {
			return nil, badRequest("Lines must be valid UTF-8.")
		}
		for _, part := range strings.Split(l, "\n") {
			if part == "" {
				continue
			}
			size += len(part) + pushedOverhead
			out = append(out, logs.Event{Timestamp: at, Message: part})
		}
	}
	switch {
	case len(out) == 0:
		return nil, badRequest("lines must hold at least one non-empty line.")
	case len(out) > maxPushedLines:
		return nil, badRequest("At most %d lines can be pushed at once.", maxPushedLines)
	case size > maxPushedBytes:
		return nil, badRequest("At most %d bytes (with %d per line) can be pushed at once.", maxPushedBytes, pushedOverhead)
	}
	return out, nil
}
