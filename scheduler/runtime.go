package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
)

// TaskRuntime carries out the lifecycle of tasks: it runs their containers
// and reports what they do. The cluster manager decides which tasks run and
// stop; it never knows which runtime runs them. Every method is called
// inside the pass's write transaction, on every pass while it applies, so
// each must be idempotent.
type TaskRuntime interface {
	// Start makes sure a task wanted RUNNING has its containers on their way.
	Start(c *api.Context, t *types.Task, td *types.TaskDefinition) error
	// Stop makes sure a task wanted STOPPED has its containers stop.
	Stop(c *api.Context, t *types.Task) error
	// Observe brings the task document up to what its containers did by
	// c.Now(): its lastStatus (PENDING … RUNNING … STOPPED, each stamped
	// when it happened), whether they run, the exit code and reason of those
	// that exited (with the task's stop code and reason), and their health.
	// hold keeps a stopping task DEACTIVATING until then (its load balancer
	// targets drain). The outcome says what changed and when the task next
	// changes by itself (zero when only an outside event changes it).
	Observe(c *api.Context, t *types.Task, td *types.TaskDefinition, hold time.Time) (Outcome, error)
}

// Simulated is the runtime that runs nothing: tasks move through their
// states as Timings say, and their essential containers do what the
// longshore.* Docker labels of their task definition tell (BehaviorOf).
// Their awslogs output is a line when a container starts and one when it
// exits.
type Simulated struct {
	Timings Timings
	// ExecutionRole, when set (IAM enforcement), checks what the agent does
	// with a task's execution role: reading its secrets, creating its log
	// streams.
	ExecutionRole RoleCheck
	// behaviors caches BehaviorOf by task definition ARN (revisions never change).
	behaviors map[string]Behavior
}

// NewSimulated makes the simulated runtime.
func NewSimulated(tm Timings) *Simulated {
	return &Simulated{Timings: tm, behaviors: map[string]Behavior{}}
}

// Start implements TaskRuntime: the simulation's containers start by themselves.
func (s *Simulated) Start(*api.Context, *types.Task, *types.TaskDefinition) error { return nil }

// Stop implements TaskRuntime: a stopping task's containers stop by themselves.
func (s *Simulated) Stop(*api.Context, *types.Task) error { return nil }

// behavior is a task definition's simulated behaviour.
func (s *Simulated) behavior(td *types.TaskDefinition) Behavior {
	if td == nil {
		return Behavior{}
	}
	arn := aws.ToString(td.TaskDefinitionArn)
	b, ok := s.behaviors[arn]
	if !ok {
		b = BehaviorOf(td)
		if len(s.behaviors) > 4096 {
			clear(s.behaviors) // bounded: revisions come and go
		}
		s.behaviors[arn] = b
	}
	return b
}
