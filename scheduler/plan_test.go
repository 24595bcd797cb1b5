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

// planLines records a plan as lines, in the order the plan holds them.
func planLines(p Plan) []string {
	var out []string
	for _, s := range p.Start {
		out = append(out, fmt.Sprintf("start %s x%d %s", aws.ToString(s.Deployment.Id), s.Count, s.Instance))
	}
	for _, s := range p.Stop {
		out = append(out, fmt.Sprintf("stop %s %s: %s", TaskID(aws.ToString(s.Task.TaskArn)), s.Code, s.Reason))
	}
	for _, r := range p.Register {
		out = append(out, fmt.Sprintf("register %s %s:%d", r.TargetGroupArn, r.ID, r.Port))
	}
	for _, r := range p.Deregister {
		out = append(out, fmt.Sprintf("deregister %s %s:%d", r.TargetGroupArn, r.ID, r.Port))
	}
	for _, w := range p.Weights {
		out = append(out, fmt.Sprintf("weights %s %s=%d %s=%d", w.Rule, w.Blue, w.BlueWeight, w.Green, w.GreenWeight))
	}
	causes := map[FailureCause]string{NotFailed: "-", FailedByCircuitBreaker: "circuit breaker", FailedByAlarms: "alarms",
		FailedByStopRequest: "stop request", FailedByHook: "hook"}
	for _, r := range p.Rollbacks {
		out = append(out, fmt.Sprintf("rollback %s to %q (%s): %s", r.Failed, r.To, causes[r.Cause], r.Reason))
	}
	for _, r := range p.Writes.Shifts {
		out = append(out, fmt.Sprintf("shift %s %s %.0f%% done=%v", r.DeploymentID, r.Stage, r.Percent, r.Done))
	}
	for _, id := range p.Writes.DeleteShifts {
		out = append(out, "forget shift "+id)
	}
	for _, sd := range p.Writes.ServiceDeployments {
		out = append(out, fmt.Sprintf("service-deployment %s %s", aws.ToString(sd.ServiceDeploymentArn), sd.Status))
	}
	for _, l := range p.Writes.Links {
		out = append(out, fmt.Sprintf("link %s %s", l.DeploymentID, l.ServiceDeploymentArn))
	}
	for _, e := range p.Events {
		out = append(out, "event "+e)
	}
	return out
}

// decide runs Decide on the fixture with what was observed, an hour after t0.
func (f *fixture) decide(obs Observed) Plan {
	n := 0
	if obs.Scale == nil {
		obs.Scale = func(d time.Duration) time.Duration { return d }
	}
	return Decide(Input{Service: f.svc, Tasks: f.tasks, Now: t0.Add(time.Hour), Observed: obs,
		NewID:           func() string { n++; return fmt.Sprintf("ev-%d", n) },
		NewDeploymentID: func() string { return "ecs-svc/rollback" }})
}

// target is a registration of a task's address in a target group.
func target(tg, addr string, registered bool, state string) TargetObservation {
	return TargetObservation{taskTarget: taskTarget{TargetGroupArn: tg, ID: addr, Port: 80}, Registered: registered, State: state}
}

const sdArn = "arn:aws:ecs:us-east-1:0:service-deployment/c/web/sd1"

// inProgressSD observes a service deployment of deployment id, in progress.
func inProgressSD(obs *Observed, id string) {
	obs.Links = map[string]*ecscore.DeploymentLink{id: {DeploymentID: id, ServiceDeploymentArn: sdArn}}
	obs.ServiceDeployments = map[string]*types.ServiceDeployment{sdArn: {ServiceDeploymentArn: aws.String(sdArn),
		Status: types.ServiceDeploymentStatusInProgress}}
}

func TestDecidePlans(t *testing.T) {
	const (
		stopReason = "ServiceSchedulerInitiated: Scaling activity initiated by (deployment ecs-svc/new)"
	)
	for _, tc := range []struct {
		name  string
		build func() (*fixture, Observed)
		want  []string
	}{
		{"rolling replacement starts the new deployment beside the old", func() (*fixture, Observed) {
			f := newFixture(2, "ecs-svc/new", "ecs-svc/old")
			f.svc.Deployments[1].RolloutState = types.DeploymentRolloutStateCompleted
			f.add("ecs-svc/old", ecscore.TaskRunning, "a")
			f.add("ecs-svc/old", ecscore.TaskRunning, "b")
			return f, Observed{}
		}, []string{"start ecs-svc/new x2 "}},

		{"rolling replacement stops the old once the new runs", func() (*fixture, Observed) {
			f := newFixture(2, "ecs-svc/new", "ecs-svc/old")
			f.svc.Deployments[1].RolloutState = types.DeploymentRolloutStateCompleted
			f.add("ecs-svc/old", ecscore.TaskRunning, "a")
			f.add("ecs-svc/old", ecscore.TaskRunning, "b")
			f.add("ecs-svc/new", ecscore.TaskRunning, "a")
			f.add("ecs-svc/new", ecscore.TaskRunning, "b")
			return f, Observed{}
		}, []string{
			"stop t01 " + stopReason,
			"stop t02 " + stopReason,
			"event (service web) has stopped 2 running tasks: (task t01) (task t02).",
		}},

		{"target health: an unhealthy target stops its task, a new task registers", func() (*fixture, Observed) {
			f := newFixture(3, "ecs-svc/1")
			f.svc.Deployments[0].RolloutState = types.DeploymentRolloutStateCompleted
			f.svc.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String("tg-a"), ContainerPort: aws.Int32(80)}}
			sick := f.add("ecs-svc/1", ecscore.TaskRunning, "a")
			well := f.add("ecs-svc/1", ecscore.TaskRunning, "b")
			fresh := f.add("ecs-svc/1", ecscore.TaskRunning, "c")
			for _, x := range []*types.Task{sick, well, fresh} {
				x.StartedAt = aws.Time(t0)
			}
			return f, Observed{Targets: map[string][]TargetObservation{
				aws.ToString(sick.TaskArn):  {target("tg-a", "10.0.0.1", true, targetUnhealthy)},
				aws.ToString(well.TaskArn):  {target("tg-a", "10.0.0.2", true, targetHealthy)},
				aws.ToString(fresh.TaskArn): {target("tg-a", "10.0.0.3", false, "")},
			}, Grace: time.Minute, HealthPoll: time.Second}
		}, []string{
			"start ecs-svc/1 x1 ",
			"stop t01 ServiceSchedulerInitiated: Task failed ELB health checks in (target-group tg-a)",
			"register tg-a 10.0.0.3:80",
			"event (service web) (task t01) (port 80) is unhealthy in (target-group tg-a) due to (reason Health checks failed).",
			"event (service web) registered 1 targets in (target-group tg-a)",
			"event (service web) has stopped 1 running tasks: (task t01).",
		}},

		{"target health: within the grace period nothing stops", func() (*fixture, Observed) {
			f := newFixture(1, "ecs-svc/1")
			f.svc.Deployments[0].RolloutState = types.DeploymentRolloutStateCompleted
			f.svc.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String("tg-a"), ContainerPort: aws.Int32(80)}}
			sick := f.add("ecs-svc/1", ecscore.TaskRunning, "a")
			sick.StartedAt = aws.Time(t0.Add(59 * time.Minute))
			return f, Observed{Targets: map[string][]TargetObservation{
				aws.ToString(sick.TaskArn): {target("tg-a", "10.0.0.1", true, targetUnhealthy)},
			}, Grace: 5 * time.Minute}
		}, nil},

		{"traffic shift: a linear deployment takes its first step", func() (*fixture, Observed) {
			f := newFixture(2, "ecs-svc/green", "ecs-svc/blue")
			f.svc.Deployments[1].RolloutState = types.DeploymentRolloutStateCompleted
			f.svc.DeploymentConfiguration = &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear}
			f.svc.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String("tg-a"), ContainerPort: aws.Int32(80),
				AdvancedConfiguration: &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String("tg-b"),
					ProductionListenerRule: aws.String("rule/prod"), TestListenerRule: aws.String("rule/test")}}}
			f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
			f.add("ecs-svc/blue", ecscore.TaskRunning, "b")
			f.add("ecs-svc/green", ecscore.TaskRunning, "a")
			f.add("ecs-svc/green", ecscore.TaskRunning, "b")
			return f, Observed{Shifts: map[string]*shiftRecord{"ecs-svc/green": {DeploymentID: "ecs-svc/green",
				Stage: types.ServiceDeploymentLifecycleStagePostTestTrafficShift, StageAt: t0,
				Green: []string{"tg-b"}, Blue: []string{"tg-a"}, BlueDeploymentID: "ecs-svc/blue"}}}
		}, []string{
			"weights rule/prod tg-a=90 tg-b=10",
			"weights rule/test tg-a=0 tg-b=100",
			"shift ecs-svc/green PRODUCTION_TRAFFIC_SHIFT 10% done=false",
		}},

		{"alarm in ALARM fails the deployment and rolls back", func() (*fixture, Observed) {
			f := alarmFixture(true)
			f.svc.Deployments[0].Id = aws.String("ecs-svc/new")
			obs := Observed{Alarms: map[string]Alarm{"a1": {State: "OK"}, "a2": {State: "ALARM"}}}
			inProgressSD(&obs, "ecs-svc/new")
			return f, obs
		}, []string{
			"start ecs-svc/rollback x2 ",
			"stop t03 ServiceSchedulerInitiated: Scaling activity initiated by (deployment ecs-svc/rollback)",
			"rollback ecs-svc/new to \"ecs-svc/rollback\" (alarms): ECS deployment alarms: alarm(s) in ALARM state: a2.",
			"service-deployment " + sdArn + " ROLLBACK_IN_PROGRESS",
			"link ecs-svc/rollback " + sdArn,
			"event (service web) (deployment ecs-svc/new) deployment failed: alarm detected.",
			"event (service web) rolling back to deployment ecs-svc/good.",
		}},

		{"steady state completes the deployment once", func() (*fixture, Observed) {
			f := newFixture(2, "ecs-svc/1")
			f.add("ecs-svc/1", ecscore.TaskRunning, "a")
			f.add("ecs-svc/1", ecscore.TaskRunning, "b")
			obs := Observed{}
			inProgressSD(&obs, "ecs-svc/1")
			return f, obs
		}, []string{
			"service-deployment " + sdArn + " SUCCESSFUL",
			"event (service web) (deployment ecs-svc/1) deployment completed.",
			"event (service web) has reached a steady state.",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, obs := tc.build()
			got := planLines(f.decide(obs))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// A steady service decides nothing on the next step.
func TestDecideSteadyStateIsQuiet(t *testing.T) {
	f := newFixture(2, "ecs-svc/1")
	f.svc.Deployments[0].RolloutState = types.DeploymentRolloutStateCompleted
	f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	f.add("ecs-svc/1", ecscore.TaskRunning, "b")
	first := planLines(f.decide(Observed{}))
	if len(first) != 1 || first[0] != "event (service web) has reached a steady state." {
		t.Fatalf("first step: %q", first)
	}
	if again := planLines(f.decide(Observed{})); len(again) != 0 {
		t.Fatalf("second step: %q", again)
	}
}
