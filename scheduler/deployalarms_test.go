package scheduler

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

func (f *fixture) reconcileWith(in Input) Plan {
	n := 0
	in.Service, in.Tasks, in.Now = f.svc, f.tasks, t0.Add(time.Hour)
	in.NewID = func() string { n++; return fmt.Sprintf("ev-%d", n) }
	in.NewDeploymentID = func() string { return "ecs-svc/rollback" }
	return Reconcile(in)
}

// alarmFixture is a service rolling from ecs-svc/good (COMPLETED, 2 tasks
// running) to ecs-svc/new, with deployment alarms a1 and a2.
func alarmFixture(rollback bool) *fixture {
	f := newFixture(2, "ecs-svc/new", "ecs-svc/good")
	f.svc.DeploymentConfiguration = &types.DeploymentConfiguration{
		Alarms: &types.DeploymentAlarms{AlarmNames: []string{"a1", "a2"}, Enable: true, Rollback: rollback}}
	f.svc.Deployments[1].RolloutState = types.DeploymentRolloutStateCompleted
	f.svc.TaskDefinition = aws.String("td:ecs-svc/new")
	f.add("ecs-svc/good", ecscore.TaskRunning, "a")
	f.add("ecs-svc/good", ecscore.TaskRunning, "b")
	f.add("ecs-svc/new", ecscore.TaskPending, "a")
	return f
}

func TestAlarmingFromStates(t *testing.T) {
	states := map[string]Alarm{"a1": {State: "OK", Evaluation: 3 * time.Minute}, "a2": {State: "ALARM", Evaluation: time.Minute},
		"other": {State: "ALARM", Evaluation: time.Hour}}
	read := func(name string) (Alarm, bool, error) { a, ok := states[name]; return a, ok, nil }
	for _, tc := range []struct {
		name   string
		mutate func(*fixture)
		want   []string
		bake   time.Duration
	}{
		{"in progress", func(*fixture) {}, []string{"a2"}, 3 * time.Minute},
		{"disabled", func(f *fixture) { f.svc.DeploymentConfiguration.Alarms.Enable = false }, nil, 0},
		{"completed", func(f *fixture) { f.svc.Deployments[0].RolloutState = types.DeploymentRolloutStateCompleted }, nil, 0},
		{"rollback deployment", func(f *fixture) {
			f.svc.Deployments[0].RolloutStateReason = aws.String(alarmsPrefix + " rolling back to deploymentId ecs-svc/good.")
		}, nil, 0},
		{"code deploy", func(f *fixture) {
			f.svc.DeploymentController = &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}
		}, nil, 0},
		{"unknown alarm", func(f *fixture) { f.svc.DeploymentConfiguration.Alarms.AlarmNames = []string{"missing"} }, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := alarmFixture(true)
			tc.mutate(f)
			got, bake, err := alarming(f.svc, read)
			if err != nil || !slices.Equal(got, tc.want) || bake != tc.bake {
				t.Fatalf("alarming = %v, %v, %v; want %v, %v", got, bake, err, tc.want, tc.bake)
			}
		})
	}
}

func TestAlarmFailsAndRollsBack(t *testing.T) {
	f := alarmFixture(true)
	p := f.reconcileWith(Input{Alarming: []string{"a2"}})
	d := f.svc.Deployments
	if p.Failed != FailedByAlarms || !slices.Equal(p.Triggered, []string{"a2"}) || p.Rollback == nil {
		t.Fatalf("plan %+v", p)
	}
	if len(d) != 3 || aws.ToString(d[0].Id) != "ecs-svc/rollback" || aws.ToString(d[0].TaskDefinition) != "td:ecs-svc/good" ||
		aws.ToString(f.svc.TaskDefinition) != "td:ecs-svc/good" || aws.ToString(p.Rollback.Id) != "ecs-svc/rollback" {
		t.Fatalf("deployments %+v", d)
	}
	if got := aws.ToString(d[0].RolloutStateReason); got != "ECS deployment alarms: rolling back to deploymentId ecs-svc/good." {
		t.Fatalf("rollback reason %q", got)
	}
	if d[1].RolloutState != types.DeploymentRolloutStateFailed || aws.ToString(d[1].Status) != ecscore.DeploymentActive ||
		aws.ToString(d[1].RolloutStateReason) != "ECS deployment alarms: alarm(s) in ALARM state: a2." {
		t.Fatalf("failed deployment %+v", d[1])
	}
	msgs := strings.Join(eventMessages(f.svc), "|")
	for _, want := range []string{"(service web) (deployment ecs-svc/new) deployment failed: alarm detected.",
		"(service web) rolling back to deployment ecs-svc/good."} {
		if !strings.Contains(msgs, want) {
			t.Fatalf("events %q lack %q", msgs, want)
		}
	}
	// The rollback deployment is not failed again by the alarm still in ALARM.
	p = f.reconcileWith(Input{Alarming: []string{"a2"}})
	if p.Failed != NotFailed || len(f.svc.Deployments) != 3 || f.svc.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("rollback failed again: %+v", f.svc.Deployments)
	}
}

func TestAlarmFailsWithoutRollback(t *testing.T) {
	f := alarmFixture(false)
	p := f.reconcileWith(Input{Alarming: []string{"a1", "a2"}})
	d := f.svc.Deployments
	if p.Failed != FailedByAlarms || p.Rollback != nil || len(d) != 2 || d[0].RolloutState != types.DeploymentRolloutStateFailed {
		t.Fatalf("plan %+v deployments %+v", p, d)
	}
	if started(p) != 0 {
		t.Fatalf("a failed deployment started %d tasks", started(p))
	}
	if aws.ToString(d[0].RolloutStateReason) != "ECS deployment alarms: alarm(s) in ALARM state: a1, a2." {
		t.Fatalf("reason %q", aws.ToString(d[0].RolloutStateReason))
	}
}

func TestNoAlarmNoFailure(t *testing.T) {
	f := alarmFixture(true)
	p := f.reconcileWith(Input{})
	if p.Failed != NotFailed || f.svc.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("plan %+v", p)
	}
}

func TestStopRequest(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    types.ServiceDeploymentStatus
		completed bool
		rollback  bool
		reason    string
	}{
		{"rollback", types.ServiceDeploymentStatusRollbackRequested, true, true, stopRollbackReason},
		{"rollback with nothing completed", types.ServiceDeploymentStatusRollbackRequested, false, false, stopRollbackReason},
		{"abort", types.ServiceDeploymentStatusStopRequested, true, false, stopAbortReason},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := alarmFixture(false)
			f.svc.DeploymentConfiguration = nil
			if !tc.completed {
				f.svc.Deployments[1].RolloutState = types.DeploymentRolloutStateFailed
			}
			p := f.reconcileWith(Input{StopRequest: tc.status})
			if p.Failed != FailedByStopRequest || (p.Rollback != nil) != tc.rollback {
				t.Fatalf("plan %+v", p)
			}
			failed := &f.svc.Deployments[0]
			if tc.rollback {
				failed = &f.svc.Deployments[1]
				if aws.ToString(f.svc.TaskDefinition) != "td:ecs-svc/good" || started(p) != 2 ||
					aws.ToString(p.Rollback.RolloutStateReason) != "ECS deployment stop request: rolling back to deploymentId ecs-svc/good." {
					t.Fatalf("rollback %+v starts %d", f.svc.Deployments, started(p))
				}
			} else if started(p) != 0 || aws.ToString(f.svc.TaskDefinition) != "td:ecs-svc/new" {
				t.Fatalf("stopped deployment still rolls: starts %d, %s", started(p), aws.ToString(f.svc.TaskDefinition))
			}
			if failed.RolloutState != types.DeploymentRolloutStateFailed || aws.ToString(failed.RolloutStateReason) != tc.reason {
				t.Fatalf("stopped deployment %+v", failed)
			}
		})
	}
}

// A watched deployment bakes once steady: IN_PROGRESS, the deployment it
// replaces still listed, until the bake time has passed since its tasks
// last changed.
func TestDeploymentBakes(t *testing.T) {
	f := alarmFixture(true)
	f.tasks = nil
	steady := t0.Add(time.Hour - time.Minute)
	f.svc.Deployments[0].UpdatedAt = aws.Time(steady)
	f.add("ecs-svc/new", ecscore.TaskRunning, "a")
	f.add("ecs-svc/new", ecscore.TaskRunning, "b")
	p := f.reconcileWith(Input{Bake: 5 * time.Minute})
	if d := f.svc.Deployments; len(d) != 2 || d[0].RolloutState != types.DeploymentRolloutStateInProgress || !p.Next.Equal(steady.Add(5*time.Minute)) {
		t.Fatalf("baking deployments %+v, next %v", d, p.Next)
	}
	// An alarm during the bake still rolls back.
	baked := *f.svc
	baked.Deployments = append([]types.Deployment(nil), f.svc.Deployments...)
	p = f.reconcileWith(Input{Bake: 5 * time.Minute, Alarming: []string{"a1"}})
	if p.Failed != FailedByAlarms || p.Rollback == nil {
		t.Fatalf("alarm during bake: %+v", p)
	}
	*f.svc = baked
	p = f.reconcileWith(Input{Bake: 30 * time.Second})
	if d := f.svc.Deployments; len(d) != 1 || d[0].RolloutState != types.DeploymentRolloutStateCompleted || !p.Next.IsZero() {
		t.Fatalf("baked deployments %+v, next %v", d, p.Next)
	}
	if msgs := eventMessages(f.svc); !strings.Contains(strings.Join(msgs, "|"), "has reached a steady state") {
		t.Fatalf("events %q", msgs)
	}
}
