package scheduler

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Docker labels on a container definition that simulate what the container does.
const (
	LabelExitAfter   = "longshore.exit-after"    // a Go duration: the container exits that long after it starts
	LabelExitCode    = "longshore.exit-code"     // its exit code (default 1)
	LabelFailToStart = "longshore.fail-to-start" // "true": the container never starts
)

// Behavior is what a task's essential containers are set to do.
type Behavior struct {
	// FailToStart names the container that cannot start, if any.
	FailToStart string
	// ExitAfter, when set, is how long after RUNNING the container Exiting exits with ExitCode.
	ExitAfter *time.Duration
	Exiting   string
	ExitCode  int32
	// HealthChecked are the containers with a health check: HEALTHY once running.
	HealthChecked map[string]bool
	// DeactivateUntil holds a stopping task in DEACTIVATING until then (its
	// load balancer targets drain); set per task, never from labels.
	DeactivateUntil time.Time
}

// BehaviorOf reads the simulation labels of a task definition's essential containers.
func BehaviorOf(td *types.TaskDefinition) Behavior {
	var b Behavior
	if td == nil {
		return b
	}
	for _, c := range td.ContainerDefinitions {
		name := aws.ToString(c.Name)
		if c.HealthCheck != nil {
			if b.HealthChecked == nil {
				b.HealthChecked = map[string]bool{}
			}
			b.HealthChecked[name] = true
		}
		if c.Essential != nil && !*c.Essential {
			continue
		}
		if v, _ := strconv.ParseBool(c.DockerLabels[LabelFailToStart]); v && b.FailToStart == "" {
			b.FailToStart = name
		}
		if v, ok := c.DockerLabels[LabelExitAfter]; ok {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				continue
			}
			if b.ExitAfter == nil || d < *b.ExitAfter {
				code := int32(1)
				if n, err := strconv.Atoi(c.DockerLabels[LabelExitCode]); err == nil {
					code = int32(n)
				}
				b.ExitAfter, b.Exiting, b.ExitCode = &d, name, code
			}
		}
	}
	return b
}
