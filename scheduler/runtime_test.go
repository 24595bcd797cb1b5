package scheduler

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
)

// crashingRuntime runs tasks as the simulation does, except that the tasks
// named in crash exit with their code once RUNNING, as a container runtime
// would report it.
type crashingRuntime struct {
	*Simulated
	crash          map[string]int32
	starts, stops  int
	observedStates map[string]string
}

func (r *crashingRuntime) Start(c *api.Context, t *types.Task, td *types.TaskDefinition) error {
	r.starts++
	return r.Simulated.Start(c, t, td)
}

func (r *crashingRuntime) Stop(c *api.Context, t *types.Task) error {
	r.stops++
	return r.Simulated.Stop(c, t)
}

func (r *crashingRuntime) Observe(c *api.Context, t *types.Task, td *types.TaskDefinition, hold time.Time) (Outcome, error) {
	arn := aws.ToString(t.TaskArn)
	if code, ok := r.crash[arn]; ok && ecscore.Running(t) {
		delete(r.crash, arn)
		t.Containers[0].ExitCode = aws.Int32(code)
		t.Containers[0].Reason = aws.String("OutOfMemoryError: Container killed due to memory usage")
		t.Containers[0].LastStatus = aws.String(ecscore.TaskStopped)
		ecscore.RequestStop(t, types.TaskStopCodeEssentialContainerExited, ecscore.ReasonEssentialExited, c.Now())
	}
	o, err := r.Simulated.Observe(c, t, td, hold)
	o.Changed = true
	r.observedStates[arn] = aws.ToString(t.LastStatus)
	return o, err
}

// The cluster manager runs tasks through the runtime of its Config and
// replaces a task whose container the runtime reports exited.
func TestRuntimeIsInjected(t *testing.T) {
	h := newHarness(t)
	rt := &crashingRuntime{Simulated: NewSimulated(testTimings), crash: map[string]int32{}, observedStates: map[string]string{}}
	h.r = New(Config{Store: h.st, Timings: testTimings, Seed: 1, Runtime: rt})
	h.service("web", h.taskDefinition("web", types.NetworkModeAwsvpc, nil), 1, types.LaunchTypeFargate)
	h.pass()
	h.clock.Add(testTimings.StartDelay)
	h.pass()
	ts := h.tasks()
	if len(ts) != 1 || aws.ToString(ts[0].LastStatus) != ecscore.TaskRunning || rt.starts == 0 {
		t.Fatalf("tasks %d, starts %d", len(ts), rt.starts)
	}
	first := aws.ToString(ts[0].TaskArn)
	if rt.observedStates[first] != ecscore.TaskRunning {
		t.Fatalf("runtime observed %q", rt.observedStates[first])
	}
	rt.crash[first] = 137
	h.clock.Add(fullPassEvery) // nothing written or due: the next full pass observes
	h.pass()
	h.clock.Add(testTimings.StopDelay)
	h.pass()
	var crashed, replacement *types.Task
	for _, x := range h.tasks() {
		if aws.ToString(x.TaskArn) == first {
			crashed = x
		} else if ecscore.Live(x) {
			replacement = x
		}
	}
	if crashed == nil || aws.ToString(crashed.LastStatus) != ecscore.TaskStopped || crashed.StopCode != types.TaskStopCodeEssentialContainerExited ||
		aws.ToInt32(crashed.Containers[0].ExitCode) != 137 || rt.stops == 0 {
		t.Fatalf("crashed task %+v, stops %d", crashed, rt.stops)
	}
	if replacement == nil {
		t.Fatal("no replacement task")
	}
}
