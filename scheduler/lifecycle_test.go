package scheduler

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var testTimings = Timings{StartDelay: 4 * time.Second, StopDelay: 4 * time.Second, StoppedRetention: time.Hour, Resync: time.Second}

func newTestTask() *types.Task {
	return &types.Task{
		TaskArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task/c/abc"), CreatedAt: aws.Time(t0),
		LastStatus: aws.String(ecscore.TaskProvisioning), DesiredStatus: aws.String(ecscore.TaskRunning), Version: 1,
		Containers:  []types.Container{{Name: aws.String("app"), LastStatus: aws.String("PENDING")}},
		Attachments: []types.Attachment{{Type: aws.String("ElasticNetworkInterface"), Status: aws.String(ecscore.AttachmentPrecreated)}},
	}
}

func TestLifecycleStartsStepByStep(t *testing.T) {
	task := newTestTask()
	steps := []struct {
		at         time.Duration
		last       string
		attachment string
	}{
		{0, ecscore.TaskProvisioning, ecscore.AttachmentPrecreated},
		{time.Second, ecscore.TaskPending, ecscore.AttachmentAttached},
		{2 * time.Second, ecscore.TaskActivating, ecscore.AttachmentAttached},
		{4 * time.Second, ecscore.TaskRunning, ecscore.AttachmentAttached},
		{time.Hour, ecscore.TaskRunning, ecscore.AttachmentAttached},
	}
	for _, s := range steps {
		Advance(task, Behavior{}, testTimings, t0.Add(s.at))
		if got := aws.ToString(task.LastStatus); got != s.last {
			t.Fatalf("at %v: %s, want %s", s.at, got, s.last)
		}
		if got := aws.ToString(task.Attachments[0].Status); got != s.attachment {
			t.Fatalf("at %v: attachment %s, want %s", s.at, got, s.attachment)
		}
	}
	if !task.StartedAt.Equal(t0.Add(4*time.Second)) || !task.PullStartedAt.Equal(t0.Add(time.Second)) ||
		!task.PullStoppedAt.Equal(t0.Add(2*time.Second)) || task.Connectivity != types.ConnectivityConnected {
		t.Fatalf("timestamps: %+v", task)
	}
	if aws.ToString(task.Containers[0].LastStatus) != ecscore.TaskRunning {
		t.Fatal("container not RUNNING")
	}
}

func TestLateAdvanceStampsDueTimes(t *testing.T) {
	task := newTestTask()
	o := Advance(task, Behavior{}, testTimings, t0.Add(time.Minute))
	if !o.Changed || !o.Running || aws.ToString(task.LastStatus) != ecscore.TaskRunning {
		t.Fatalf("outcome %+v status %s", o, aws.ToString(task.LastStatus))
	}
	if !task.StartedAt.Equal(t0.Add(4 * time.Second)) {
		t.Fatalf("startedAt %v, want the due time", task.StartedAt)
	}
	if task.Version != 4 {
		t.Fatalf("version %d, want one bump per change (4)", task.Version)
	}
}

func TestNextChangeIsReported(t *testing.T) {
	task := newTestTask()
	o := Advance(task, Behavior{}, testTimings, t0)
	if o.Changed || !o.Next.Equal(t0.Add(time.Second)) {
		t.Fatalf("outcome %+v", o)
	}
	Advance(task, Behavior{}, testTimings, t0.Add(time.Hour))
	if o := Advance(task, Behavior{}, testTimings, t0.Add(2*time.Hour)); !o.Next.IsZero() || o.Changed {
		t.Fatalf("a running task with no behaviour has nothing next: %+v", o)
	}
}

func TestStopSequence(t *testing.T) {
	task := newTestTask()
	Advance(task, Behavior{}, testTimings, t0.Add(10*time.Second))
	stopAt := t0.Add(20 * time.Second)
	if !ecscore.RequestStop(task, types.TaskStopCodeUserInitiated, ecscore.ReasonUserStopped, stopAt) {
		t.Fatal("RequestStop refused")
	}
	if ecscore.RequestStop(task, types.TaskStopCodeServiceSchedulerInitiated, "other", stopAt) {
		t.Fatal("a second stop request must keep the first reason")
	}
	for _, s := range []struct {
		at   time.Duration
		last string
	}{{20 * time.Second, ecscore.TaskDeactivating}, {21 * time.Second, ecscore.TaskStopping}, {22 * time.Second, ecscore.TaskDeprovisioning}, {24 * time.Second, ecscore.TaskStopped}} {
		o := Advance(task, Behavior{}, testTimings, t0.Add(s.at))
		if got := aws.ToString(task.LastStatus); got != s.last {
			t.Fatalf("at %v: %s, want %s", s.at, got, s.last)
		}
		if s.last == ecscore.TaskStopped && (!o.Stopped || o.Failed) {
			t.Fatalf("outcome %+v", o)
		}
	}
	if task.StopCode != types.TaskStopCodeUserInitiated || aws.ToString(task.StoppedReason) != ecscore.ReasonUserStopped ||
		!task.StoppedAt.Equal(t0.Add(24*time.Second)) || !task.ExecutionStoppedAt.Equal(t0.Add(22*time.Second)) ||
		aws.ToInt32(task.Containers[0].ExitCode) != 0 || aws.ToString(task.Attachments[0].Status) != ecscore.AttachmentDeleted {
		t.Fatalf("stopped task: %+v", task)
	}
}

func TestFailToStart(t *testing.T) {
	task := newTestTask()
	o := Advance(task, Behavior{FailToStart: "app"}, testTimings, t0.Add(time.Minute))
	if !o.Stopped || !o.Failed || o.Running {
		t.Fatalf("outcome %+v", o)
	}
	if task.StopCode != types.TaskStopCodeTaskFailedToStart || task.StartedAt != nil ||
		aws.ToString(task.Containers[0].Reason) != ecscore.ReasonFailedToStart {
		t.Fatalf("task %+v", task)
	}
}

func TestExitAfter(t *testing.T) {
	td := &types.TaskDefinition{ContainerDefinitions: []types.ContainerDefinition{
		{Name: aws.String("sidecar"), Essential: aws.Bool(false), DockerLabels: map[string]string{LabelExitAfter: "1s"}},
		{Name: aws.String("app"), DockerLabels: map[string]string{LabelExitAfter: "10s", LabelExitCode: "3"}},
	}}
	b := BehaviorOf(td)
	if b.Exiting != "app" || b.ExitCode != 3 || *b.ExitAfter != 10*time.Second {
		t.Fatalf("behaviour %+v", b)
	}
	task := newTestTask()
	Advance(task, b, testTimings, t0.Add(13*time.Second))
	if aws.ToString(task.LastStatus) != ecscore.TaskRunning {
		t.Fatalf("status %s before the exit", aws.ToString(task.LastStatus))
	}
	o := Advance(task, b, testTimings, t0.Add(time.Minute))
	if !o.Stopped || !o.Failed || task.StopCode != types.TaskStopCodeEssentialContainerExited ||
		aws.ToString(task.StoppedReason) != ecscore.ReasonEssentialExited || aws.ToInt32(task.Containers[0].ExitCode) != 3 ||
		!task.StoppingAt.Equal(t0.Add(14*time.Second)) {
		t.Fatalf("outcome %+v task %+v", o, task)
	}
}

func TestScaled(t *testing.T) {
	s := DefaultTimings().Scaled(10)
	if s.StartDelay != 100*time.Millisecond || s.StoppedRetention != 6*time.Minute {
		t.Fatalf("scaled %+v", s)
	}
}

func TestHealthCheckedContainersTurnHealthy(t *testing.T) {
	td := &types.TaskDefinition{ContainerDefinitions: []types.ContainerDefinition{
		{Name: aws.String("app"), HealthCheck: &types.HealthCheck{Command: []string{"CMD", "true"}}},
	}}
	task := newTestTask()
	task.Containers[0].ManagedAgents = []types.ManagedAgent{{Name: types.ManagedAgentNameExecuteCommandAgent, LastStatus: aws.String("PENDING")}}
	Advance(task, BehaviorOf(td), testTimings, t0.Add(time.Minute))
	c := task.Containers[0]
	if task.HealthStatus != types.HealthStatusHealthy || c.HealthStatus != types.HealthStatusHealthy ||
		aws.ToString(c.ManagedAgents[0].LastStatus) != ecscore.TaskRunning {
		t.Fatalf("task health %s container %+v", task.HealthStatus, c)
	}
}
