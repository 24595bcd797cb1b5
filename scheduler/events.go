package scheduler

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// MaxEvents is how many service events ECS keeps.
const MaxEvents = 100

// eventBatch is how many task ids one "has started"/"has stopped" event names.
const eventBatch = 10

// addEvent puts a message first in the service's events, keeping MaxEvents.
func addEvent(svc *types.Service, now time.Time, id, msg string) {
	ev := types.ServiceEvent{Id: aws.String(id), CreatedAt: aws.Time(now), Message: aws.String(msg)}
	svc.Events = append([]types.ServiceEvent{ev}, svc.Events...)
	if len(svc.Events) > MaxEvents {
		svc.Events = svc.Events[:MaxEvents]
	}
}

func svcPrefix(svc *types.Service) string { return "(service " + aws.ToString(svc.ServiceName) + ")" }

// taskEvents words ECS's "has started"/"has stopped" events, ten task ids each.
func taskEvents(svc *types.Service, verb string, taskIDs []string) []string {
	return prefixedTaskEvents(svcPrefix(svc), verb, taskIDs)
}

// prefixedTaskEvents is taskEvents for events that start with prefix (a task
// set's: "(service NAME, taskSet ID) has started …").
func prefixedTaskEvents(prefix, verb string, taskIDs []string) []string {
	var out []string
	for len(taskIDs) > 0 {
		n := min(len(taskIDs), eventBatch)
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s has %s %d %s:", prefix, verb, n, map[bool]string{true: "running tasks", false: "tasks"}[verb == "stopped"])
		for _, id := range taskIDs[:n] {
			sb.WriteString(" (task " + id + ")")
		}
		sb.WriteString(".")
		out = append(out, sb.String())
		taskIDs = taskIDs[n:]
	}
	return out
}

func steadyStateMessage(svc *types.Service) string {
	return svcPrefix(svc) + " has reached a steady state."
}

func deploymentCompletedMessage(svc *types.Service, deploymentID string) string {
	return svcPrefix(svc) + " (deployment " + deploymentID + ") deployment completed."
}

func deploymentFailedMessage(svc *types.Service, deploymentID string) string {
	return svcPrefix(svc) + " (deployment " + deploymentID + ") deployment failed: tasks failed to start."
}

func rollbackMessage(svc *types.Service, deploymentID string) string {
	return svcPrefix(svc) + " rolling back to deployment " + deploymentID + "."
}

// unableToPlaceMessage is ECS's event for a task that fits on no instance;
// detail is "Reason: …" or "The closest matching (container-instance …) …".
func unableToPlaceMessage(svc *types.Service, detail string) string {
	return svcPrefix(svc) + " was unable to place a task because no container instance met all of its requirements. " + detail +
		" For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
}

// closestMatchDetail words the first failure of a placement as ECS's events do.
func closestMatchDetail(instanceArn, reason string) string {
	what := map[string]string{
		"RESOURCE:CPU":    "has insufficient CPU units available.",
		"RESOURCE:MEMORY": "has insufficient memory available.",
		"RESOURCE:PORTS":  "is already using a port required by your task.",
		"RESOURCE:ENI":    "has insufficient free elastic network interface resources available.",
		"AGENT":           "is not connected to the agent.",
	}[reason]
	if what == "" {
		return "Reason: " + reason + " unsatisfied."
	}
	return "The closest matching (container-instance " + TaskID(instanceArn) + ") " + what
}

// TaskID is the last element of a task ARN.
func TaskID(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func alarmFailedMessage(svc *types.Service, deploymentID string) string {
	return svcPrefix(svc) + " (deployment " + deploymentID + ") deployment failed: alarm detected."
}
