package scheduler

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// fixture builds a service and its tasks for reconcile tests.
type fixture struct {
	svc   *types.Service
	tasks []*types.Task
	n     int
}

func newFixture(desired int32, deployments ...string) *fixture {
	f := &fixture{svc: &types.Service{ServiceName: aws.String("web"), Status: aws.String(ecscore.ServiceActive), DesiredCount: desired,
		SchedulingStrategy: types.SchedulingStrategyReplica}}
	for i, id := range deployments {
		st := ecscore.DeploymentActive
		if i == 0 {
			st = ecscore.DeploymentPrimary
		}
		f.svc.Deployments = append(f.svc.Deployments, types.Deployment{Id: aws.String(id), Status: aws.String(st),
			TaskDefinition: aws.String("td:" + id), RolloutState: types.DeploymentRolloutStateInProgress})
	}
	return f
}

func (f *fixture) add(dep, last, zone string) *types.Task {
	f.n++
	t := &types.Task{TaskArn: aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:0:task/c/t%02d", f.n)), StartedBy: aws.String(dep),
		DesiredStatus: aws.String(ecscore.TaskRunning), LastStatus: aws.String(last), AvailabilityZone: aws.String(zone),
		CreatedAt: aws.Time(t0.Add(time.Duration(f.n) * time.Second))}
	f.tasks = append(f.tasks, t)
	return t
}

func (f *fixture) reconcile(failures map[string]int) Plan {
	n := 0
	return Reconcile(Input{Service: f.svc, Tasks: f.tasks, Failures: failures, Now: t0.Add(time.Hour),
		NewID:           func() string { n++; return fmt.Sprintf("ev-%d", n) },
		NewDeploymentID: func() string { return "ecs-svc/rollback" }})
}

func started(p Plan) int {
	n := 0
	for _, s := range p.Start {
		n += s.Count
	}
	return n
}

func TestReconcileStartsDesiredCount(t *testing.T) {
	f := newFixture(3, "ecs-svc/1")
	p := f.reconcile(nil)
	if started(p) != 3 || len(p.Stop) != 0 || aws.ToString(p.Start[0].Deployment.Id) != "ecs-svc/1" {
		t.Fatalf("plan %+v", p)
	}
}

func TestReconcileReplacesStoppedTask(t *testing.T) {
	f := newFixture(2, "ecs-svc/1")
	f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	gone := f.add("ecs-svc/1", ecscore.TaskRunning, "b")
	gone.DesiredStatus = aws.String(ecscore.TaskStopped)
	if p := f.reconcile(nil); started(p) != 1 {
		t.Fatalf("started %d, want 1", started(p))
	}
}

func TestReconcileSteadyStateOnce(t *testing.T) {
	f := newFixture(2, "ecs-svc/1")
	f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	f.add("ecs-svc/1", ecscore.TaskRunning, "b")
	p := f.reconcile(nil)
	if !p.Changed || f.svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("deployment not completed: %+v", f.svc.Deployments[0])
	}
	msgs := eventMessages(f.svc)
	want := []string{"(service web) has reached a steady state.", "(service web) (deployment ecs-svc/1) deployment completed."}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Fatalf("events %q", msgs)
	}
	if p := f.reconcile(nil); p.Changed || len(f.svc.Events) != 2 {
		t.Fatalf("second pass changed the service: %q", eventMessages(f.svc))
	}
}

func eventMessages(svc *types.Service) []string {
	var out []string
	for _, e := range svc.Events {
		out = append(out, aws.ToString(e.Message))
	}
	return out
}

func TestScaleInBalancesZonesPendingFirst(t *testing.T) {
	f := newFixture(2, "ecs-svc/1")
	f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	f.add("ecs-svc/1", ecscore.TaskRunning, "b")
	pending := f.add("ecs-svc/1", ecscore.TaskPending, "b")
	p := f.reconcile(nil)
	if len(p.Stop) != 3 {
		t.Fatalf("stops %d, want 3", len(p.Stop))
	}
	if p.Stop[0].Task != pending {
		t.Fatal("the pending task must stop first")
	}
	zones := map[string]int{}
	for _, s := range p.Stop[1:] {
		zones[aws.ToString(s.Task.AvailabilityZone)]++
		if s.Code != types.TaskStopCodeServiceSchedulerInitiated || aws.ToString(s.Task.StartedBy) != "ecs-svc/1" ||
			s.Reason != "Scaling activity initiated by (deployment ecs-svc/1)" {
			t.Fatalf("stop %+v", s)
		}
	}
	if zones["a"] != 2 {
		t.Fatalf("scale-in took %v, want both from the fuller zone a", zones)
	}
}

func TestRollingRespectsPercents(t *testing.T) {
	cases := []struct {
		name        string
		max, min    int32
		wantStart   int
		wantStopOld int
	}{
		{"defaults 200/100", 200, 100, 4, 0},
		{"150/50", 150, 50, 2, 2},
		{"100/50", 100, 50, 0, 2},
		{"100/0", 100, 0, 0, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(4, "ecs-svc/new", "ecs-svc/old")
			f.svc.DeploymentConfiguration = &types.DeploymentConfiguration{MaximumPercent: aws.Int32(tc.max), MinimumHealthyPercent: aws.Int32(tc.min)}
			for range 4 {
				f.add("ecs-svc/old", ecscore.TaskRunning, "a")
			}
			p := f.reconcile(nil)
			if started(p) != tc.wantStart || len(p.Stop) != tc.wantStopOld {
				t.Fatalf("start %d stop %d, want %d and %d", started(p), len(p.Stop), tc.wantStart, tc.wantStopOld)
			}
		})
	}
}

func TestRollingCompletesAndRetiresOld(t *testing.T) {
	f := newFixture(2, "ecs-svc/new", "ecs-svc/old")
	f.svc.Deployments[1].RolloutState = types.DeploymentRolloutStateCompleted
	f.add("ecs-svc/new", ecscore.TaskRunning, "a")
	f.add("ecs-svc/new", ecscore.TaskRunning, "b")
	old := f.add("ecs-svc/old", ecscore.TaskRunning, "a")
	p := f.reconcile(nil)
	if len(p.Stop) != 1 || p.Stop[0].Task != old {
		t.Fatalf("want the old task stopped, got %+v", p.Stop)
	}
	old.DesiredStatus = aws.String(ecscore.TaskStopped)
	f.reconcile(nil)
	if len(f.svc.Deployments) != 1 || f.svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("deployments %+v", f.svc.Deployments)
	}
}

func TestCircuitBreakerRollsBack(t *testing.T) {
	f := newFixture(4, "ecs-svc/bad", "ecs-svc/good")
	f.svc.DeploymentConfiguration = &types.DeploymentConfiguration{
		DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}
	f.svc.Deployments[1].RolloutState = types.DeploymentRolloutStateCompleted
	for range 4 {
		f.add("ecs-svc/good", ecscore.TaskRunning, "a")
	}
	if FailureThreshold(f.svc) != 3 {
		t.Fatalf("threshold %d, want the minimum 3", FailureThreshold(f.svc))
	}
	f.reconcile(map[string]int{"ecs-svc/bad": 2})
	if f.svc.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress || f.svc.Deployments[0].FailedTasks != 2 {
		t.Fatalf("tripped too early: %+v", f.svc.Deployments[0])
	}
	p := f.reconcile(map[string]int{"ecs-svc/bad": 1})
	d := f.svc.Deployments
	if len(d) != 3 || aws.ToString(d[0].Id) != "ecs-svc/rollback" || aws.ToString(d[0].Status) != ecscore.DeploymentPrimary ||
		aws.ToString(d[0].TaskDefinition) != "td:ecs-svc/good" || aws.ToString(f.svc.TaskDefinition) != "td:ecs-svc/good" {
		t.Fatalf("deployments after trip %+v", d)
	}
	if d[1].RolloutState != types.DeploymentRolloutStateFailed || aws.ToString(d[1].Status) != ecscore.DeploymentActive {
		t.Fatalf("failed deployment %+v", d[1])
	}
	if started(p) != 4 || aws.ToString(p.Start[0].Deployment.Id) != "ecs-svc/rollback" {
		t.Fatalf("rollback plan starts %d of %v", started(p), p.Start)
	}
	msgs := eventMessages(f.svc)
	if !strings.Contains(strings.Join(msgs, "|"), "(service web) (deployment ecs-svc/bad) deployment failed: tasks failed to start.") {
		t.Fatalf("events %q", msgs)
	}
}

func TestFailureThreshold(t *testing.T) {
	cases := []struct {
		desired int32
		cfg     *types.ThresholdConfiguration
		want    int
	}{
		{1, nil, 3}, {10, nil, 5}, {11, nil, 6}, {1000, nil, 200},
		{10, &types.ThresholdConfiguration{Type: types.ThresholdTypeCount, Value: 7}, 7},
		{1000, &types.ThresholdConfiguration{Type: types.ThresholdTypeUnboundedPercent, Value: 50}, 500},
	}
	for _, tc := range cases {
		svc := &types.Service{DesiredCount: tc.desired, DeploymentConfiguration: &types.DeploymentConfiguration{
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, ThresholdConfiguration: tc.cfg}}}
		if got := FailureThreshold(svc); got != tc.want {
			t.Errorf("desired %d cfg %+v: %d, want %d", tc.desired, tc.cfg, got, tc.want)
		}
	}
}

func TestDrainingServiceStopsAndGoesInactive(t *testing.T) {
	f := newFixture(2, "ecs-svc/1")
	f.svc.Status = aws.String(ecscore.ServiceDraining)
	a := f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	p := f.reconcile(nil)
	if len(p.Stop) != 1 || aws.ToString(f.svc.Status) != ecscore.ServiceDraining {
		t.Fatalf("plan %+v status %s", p, aws.ToString(f.svc.Status))
	}
	a.DesiredStatus, a.LastStatus = aws.String(ecscore.TaskStopped), aws.String(ecscore.TaskStopped)
	if p := f.reconcile(nil); !p.Changed || aws.ToString(f.svc.Status) != ecscore.ServiceInactive {
		t.Fatalf("status %s", aws.ToString(f.svc.Status))
	}
}

func TestOrphanTasksStop(t *testing.T) {
	f := newFixture(1, "ecs-svc/1")
	f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	f.add("ecs-svc/gone", ecscore.TaskRunning, "a")
	p := f.reconcile(nil)
	if len(p.Stop) != 1 || aws.ToString(p.Stop[0].Task.StartedBy) != "ecs-svc/gone" {
		t.Fatalf("plan %+v", p)
	}
}

func TestDrainingInstanceTasksMove(t *testing.T) {
	f := newFixture(2, "ecs-svc/1")
	a := f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	a.ContainerInstanceArn = aws.String("ci-draining")
	b := f.add("ecs-svc/1", ecscore.TaskRunning, "b")
	b.ContainerInstanceArn = aws.String("ci-ok")
	p := Reconcile(Input{Service: f.svc, Tasks: f.tasks, Now: t0, NewID: func() string { return "x" },
		Instances: map[string]string{"ci-draining": "DRAINING", "ci-ok": "ACTIVE"}})
	// Replacement first (within 200%); the moving task stops only once 100% stay healthy.
	if started(p) != 1 || len(p.Stop) != 0 {
		t.Fatalf("start %d stop %d", started(p), len(p.Stop))
	}
	c := f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	c.ContainerInstanceArn = aws.String("ci-ok")
	p = Reconcile(Input{Service: f.svc, Tasks: f.tasks, Now: t0, NewID: func() string { return "x" },
		Instances: map[string]string{"ci-draining": "DRAINING", "ci-ok": "ACTIVE"}})
	if started(p) != 0 || len(p.Stop) != 1 || p.Stop[0].Task != a {
		t.Fatalf("start %d stop %+v", started(p), p.Stop)
	}
}

func TestDaemonOnePerInstance(t *testing.T) {
	f := newFixture(0, "ecs-svc/1")
	f.svc.SchedulingStrategy = types.SchedulingStrategyDaemon
	a := f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	a.ContainerInstanceArn = aws.String("ci-1")
	dup := f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	dup.ContainerInstanceArn = aws.String("ci-1")
	p := Reconcile(Input{Service: f.svc, Tasks: f.tasks, Now: t0, NewID: func() string { return "x" },
		Instances:       map[string]string{"ci-1": "ACTIVE", "ci-2": "ACTIVE"},
		DaemonInstances: []string{"ci-1", "ci-2"}})
	if len(p.Start) != 1 || p.Start[0].Instance != "ci-2" || len(p.Stop) != 1 || f.svc.DesiredCount != 2 {
		t.Fatalf("plan %+v desired %d", p, f.svc.DesiredCount)
	}
}

func TestEventWording(t *testing.T) {
	svc := &types.Service{ServiceName: aws.String("web")}
	msgs := taskEvents(svc, "started", []string{"a", "b"})
	if len(msgs) != 1 || msgs[0] != "(service web) has started 2 tasks: (task a) (task b)." {
		t.Fatalf("%q", msgs)
	}
	msgs = taskEvents(svc, "stopped", []string{"a"})
	if msgs[0] != "(service web) has stopped 1 running tasks: (task a)." {
		t.Fatalf("%q", msgs)
	}
	ids := make([]string, 25)
	if n := len(taskEvents(svc, "started", ids)); n != 3 {
		t.Fatalf("%d events for 25 tasks, want 3", n)
	}
	for i := range 150 {
		addEvent(svc, t0, fmt.Sprint(i), fmt.Sprint(i))
	}
	if len(svc.Events) != MaxEvents || aws.ToString(svc.Events[0].Message) != "149" {
		t.Fatalf("events kept %d, newest %s", len(svc.Events), aws.ToString(svc.Events[0].Message))
	}
}
