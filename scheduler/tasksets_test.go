package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// taskSetFixture is an EXTERNAL service with task sets, given as id, status
// and computedDesiredCount.
func taskSetFixture(desired int32, sets ...types.TaskSet) *fixture {
	f := newFixture(desired)
	f.svc.DeploymentController = &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}
	for _, ts := range sets {
		id := aws.ToString(ts.Id)
		ts.TaskSetArn = aws.String("arn:aws:ecs:us-east-1:0:task-set/c/web/" + id)
		ts.TaskDefinition = aws.String("td:" + id)
		ts.LaunchType = types.LaunchTypeFargate
		ts.StabilityStatus = types.StabilityStatusStabilizing
		f.svc.TaskSets = append(f.svc.TaskSets, ts)
	}
	return f
}

func taskSet(id, status string, computed int32) types.TaskSet {
	return types.TaskSet{Id: aws.String(id), Status: aws.String(status), ComputedDesiredCount: computed}
}

const stopByBlue = "ServiceSchedulerInitiated: Scaling activity initiated by (deployment ecs-svc/blue)"

func TestDecideTaskSetPlans(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func() (*fixture, Observed)
		want  []string
	}{
		{"each task set starts its computed count", func() (*fixture, Observed) {
			return taskSetFixture(4, taskSet("ecs-svc/blue", ecscore.TaskSetPrimary, 4), taskSet("ecs-svc/green", ecscore.TaskSetActive, 2)), Observed{}
		}, []string{"start ecs-svc/blue x4 ", "start ecs-svc/green x2 "}},

		{"a task set above its count scales in as a service does, zones balanced", func() (*fixture, Observed) {
			f := taskSetFixture(4, taskSet("ecs-svc/blue", ecscore.TaskSetPrimary, 1))
			f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
			f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
			f.add("ecs-svc/blue", ecscore.TaskRunning, "b")
			return f, Observed{}
		}, []string{
			"stop t02 " + stopByBlue,
			"stop t01 " + stopByBlue,
			"event (service web) has stopped 2 running tasks: (task t02) (task t01).",
		}},

		{"a draining task set stops every task", func() (*fixture, Observed) {
			f := taskSetFixture(2, taskSet("ecs-svc/blue", ecscore.TaskSetDraining, 0), taskSet("ecs-svc/green", ecscore.TaskSetPrimary, 1))
			f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
			f.add("ecs-svc/green", ecscore.TaskRunning, "a")
			return f, Observed{}
		}, []string{
			"stop t01 " + stopByBlue,
			"event (service web) has stopped 1 running tasks: (task t01).",
		}},

		{"tasks of a task set register in its own target group, in its name", func() (*fixture, Observed) {
			f := taskSetFixture(1, taskSet("ecs-svc/blue", ecscore.TaskSetPrimary, 1))
			f.svc.TaskSets[0].LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String("tg-blue"), ContainerPort: aws.Int32(80)}}
			x := f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
			return f, Observed{Targets: map[string][]TargetObservation{aws.ToString(x.TaskArn): {target("tg-blue", "10.0.0.1", false, "")}},
				HealthPoll: time.Second}
		}, []string{
			"register tg-blue 10.0.0.1:80",
			"event (service web, taskSet ecs-svc/blue) registered 1 targets in (target-group tg-blue)",
		}},

		{"a task on an instance being drained moves", func() (*fixture, Observed) {
			f := taskSetFixture(1, taskSet("ecs-svc/blue", ecscore.TaskSetPrimary, 1))
			x := f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
			x.ContainerInstanceArn = aws.String("ci-1")
			return f, Observed{}
		}, []string{
			"start ecs-svc/blue x1 ",
			"stop t01 " + stopByBlue,
			"event (service web) has stopped 1 running tasks: (task t01).",
		}},

		{"a task whose task set is gone stops", func() (*fixture, Observed) {
			f := taskSetFixture(1)
			f.add("ecs-svc/old", ecscore.TaskRunning, "a")
			return f, Observed{}
		}, []string{
			"stop t01 ServiceSchedulerInitiated: Scaling activity initiated by (deployment ecs-svc/old)",
			"event (service web) has stopped 1 running tasks: (task t01).",
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

// A task set's launch settings and its id travel with its tasks.
func TestTaskSetStartCarriesItsSettings(t *testing.T) {
	f := taskSetFixture(2, taskSet("ecs-svc/green", ecscore.TaskSetActive, 2))
	nc := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}
	f.svc.TaskSets[0].NetworkConfiguration = nc
	p := f.reconcile(nil)
	if len(p.Start) != 1 {
		t.Fatalf("plan %+v", p)
	}
	s := p.Start[0]
	if s.TaskSet != "ecs-svc/green" || aws.ToString(s.Deployment.Id) != "ecs-svc/green" || aws.ToString(s.Deployment.TaskDefinition) != "td:ecs-svc/green" ||
		s.Deployment.LaunchType != types.LaunchTypeFargate || s.Deployment.NetworkConfiguration != nc {
		t.Fatalf("start %+v, deployment %+v", s, s.Deployment)
	}
}

// The TaskSet shape's stabilityStatus: STEADY_STATE once the task set runs its
// computedDesiredCount with none pending and all healthy; the service's steady
// state is said once.
func TestTaskSetStability(t *testing.T) {
	f := taskSetFixture(2, taskSet("ecs-svc/blue", ecscore.TaskSetPrimary, 2))
	a := f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
	f.add("ecs-svc/blue", ecscore.TaskPending, "b")
	f.reconcile(nil)
	if ts := f.svc.TaskSets[0]; ts.StabilityStatus != types.StabilityStatusStabilizing {
		t.Fatalf("with a task pending: %s", ts.StabilityStatus)
	}
	f.tasks[1].LastStatus = aws.String(ecscore.TaskRunning)
	unhealthy := Input{Service: f.svc, Tasks: f.tasks, Now: t0.Add(time.Hour), NewID: func() string { return "ev" },
		Healthy: map[string]bool{aws.ToString(a.TaskArn): false, aws.ToString(f.tasks[1].TaskArn): true}}
	Reconcile(unhealthy)
	if ts := f.svc.TaskSets[0]; ts.StabilityStatus != types.StabilityStatusStabilizing {
		t.Fatalf("with a target unhealthy: %s", ts.StabilityStatus)
	}
	p := f.reconcile(nil)
	ts := f.svc.TaskSets[0]
	if ts.StabilityStatus != types.StabilityStatusSteadyState || !aws.ToTime(ts.StabilityStatusAt).Equal(t0.Add(time.Hour)) || !p.Changed {
		t.Fatalf("steady: %s at %v", ts.StabilityStatus, ts.StabilityStatusAt)
	}
	if len(f.svc.Events) != 1 || aws.ToString(f.svc.Events[0].Message) != "(service web) has reached a steady state." {
		t.Fatalf("events %+v", f.svc.Events)
	}
	if p := f.reconcile(nil); p.Changed || len(f.svc.Events) != 1 {
		t.Fatalf("second step changed %v, events %d", p.Changed, len(f.svc.Events))
	}
}

// A DRAINING task set stays while a task of it still stops (its targets
// drain), and leaves the service, tags and all, once none is left.
func TestDrainedTaskSetLeaves(t *testing.T) {
	f := taskSetFixture(1, taskSet("ecs-svc/blue", ecscore.TaskSetDraining, 0), taskSet("ecs-svc/green", ecscore.TaskSetPrimary, 1))
	x := f.add("ecs-svc/blue", ecscore.TaskDeactivating, "a")
	x.DesiredStatus = aws.String(ecscore.TaskStopped)
	f.add("ecs-svc/green", ecscore.TaskRunning, "a")
	if p := f.reconcile(nil); len(f.svc.TaskSets) != 2 || len(p.GoneTaskSets) != 0 {
		t.Fatalf("while stopping: %d task sets, gone %v", len(f.svc.TaskSets), p.GoneTaskSets)
	}
	x.LastStatus = aws.String(ecscore.TaskStopped)
	p := f.reconcile(nil)
	if len(f.svc.TaskSets) != 1 || aws.ToString(f.svc.TaskSets[0].Id) != "ecs-svc/green" || !p.Changed ||
		len(p.GoneTaskSets) != 1 || p.GoneTaskSets[0] != "arn:aws:ecs:us-east-1:0:task-set/c/web/ecs-svc/blue" {
		t.Fatalf("after: %+v, gone %v", f.svc.TaskSets, p.GoneTaskSets)
	}
}

// A deleted service's task sets drain, and the service is INACTIVE once its
// tasks have stopped.
func TestDeletedTaskSetServiceGoesInactive(t *testing.T) {
	f := taskSetFixture(0, taskSet("ecs-svc/blue", ecscore.TaskSetDraining, 0))
	f.svc.Status = aws.String(ecscore.ServiceDraining)
	x := f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
	if p := f.reconcile(nil); len(p.Stop) != 1 || aws.ToString(f.svc.Status) != ecscore.ServiceDraining {
		t.Fatalf("plan %+v, status %s", p, aws.ToString(f.svc.Status))
	}
	x.DesiredStatus, x.LastStatus = aws.String(ecscore.TaskStopped), aws.String(ecscore.TaskStopped)
	f.reconcile(nil)
	if aws.ToString(f.svc.Status) != ecscore.ServiceInactive || len(f.svc.TaskSets) != 0 {
		t.Fatalf("status %s, task sets %+v", aws.ToString(f.svc.Status), f.svc.TaskSets)
	}
}

// A task set's tasks count for it and for the service.
func TestTaskSetCounts(t *testing.T) {
	f := taskSetFixture(3, taskSet("ecs-svc/blue", ecscore.TaskSetPrimary, 2), taskSet("ecs-svc/green", ecscore.TaskSetActive, 1))
	f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
	f.add("ecs-svc/blue", ecscore.TaskPending, "a")
	f.add("ecs-svc/green", ecscore.TaskRunning, "a")
	setCounts(f.svc, f.tasks, t0)
	blue, green := f.svc.TaskSets[0], f.svc.TaskSets[1]
	if blue.RunningCount != 1 || blue.PendingCount != 1 || green.RunningCount != 1 || green.PendingCount != 0 ||
		f.svc.RunningCount != 2 || f.svc.PendingCount != 1 {
		t.Fatalf("blue %d/%d green %d/%d service %d/%d", blue.RunningCount, blue.PendingCount, green.RunningCount, green.PendingCount,
			f.svc.RunningCount, f.svc.PendingCount)
	}
}
