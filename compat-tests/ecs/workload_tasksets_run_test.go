package ecs_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/longshore/longshore/compat-tests/harness"
)

// taskSetRun is one task set's tasks as ECS describes them.
type taskSetRun struct {
	running, pending int
	defs             map[string]bool // task definitions of the live tasks
	addrs            []string        // ENI addresses of the RUNNING tasks, sorted
}

// taskSetTasks lists a task set's live tasks by startedBy, which ECS sets to
// the task set's id (as to a deployment's id: PipeCD's ECS client lists a
// task set's tasks with ListTasks startedBy = taskSet.Id, "Service tasks have
// the deployment ID, which is the same as taskSet's ID").
func (e *wlEnv) taskSetTasks(t *testing.T, id string) taskSetRun {
	t.Helper()
	l, err := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), StartedBy: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	run := taskSetRun{defs: map[string]bool{}}
	if len(l.TaskArns) == 0 {
		return run
	}
	d, err := e.client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(e.cluster), Tasks: l.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range d.Tasks {
		if aws.ToString(tk.Group) != "service:ext" {
			t.Errorf("task group %s", aws.ToString(tk.Group))
		}
		run.defs[aws.ToString(tk.TaskDefinitionArn)] = true
		if aws.ToString(tk.LastStatus) == "RUNNING" {
			run.running++
			for _, a := range tk.Attachments {
				if addr := wlDetail(a, "privateIPv4Address"); addr != "" {
					run.addrs = append(run.addrs, addr)
				}
			}
		} else {
			run.pending++
		}
	}
	slices.Sort(run.addrs)
	return run
}

func (e *wlEnv) describeTaskSet(t *testing.T, id string) (*types.TaskSet, []types.Failure) {
	t.Helper()
	out, err := e.client.DescribeTaskSets(harness.Ctx, &ecs.DescribeTaskSetsInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"), TaskSets: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TaskSets) == 0 {
		return nil, out.Failures
	}
	return &out.TaskSets[0], out.Failures
}

// waitTaskSet waits until a task set runs n tasks of its task definition and
// says so: runningCount n, pendingCount 0 and stabilityStatus STEADY_STATE (the
// TaskSet shape: steady once runningCount equals computedDesiredCount, none is
// pending and all are healthy).
func (e *wlEnv) waitTaskSet(t *testing.T, ts *types.TaskSet, n int) taskSetRun {
	t.Helper()
	id := aws.ToString(ts.Id)
	var run taskSetRun
	harness.Eventually(t, 20*time.Second, fmt.Sprintf("task set %s steady with %d tasks", id, n), func() (bool, string) {
		run = e.taskSetTasks(t, id)
		d, _ := e.describeTaskSet(t, id)
		if d == nil {
			return false, "task set missing"
		}
		seen := fmt.Sprintf("tasks %d running %d pending; task set %d/%d %s", run.running, run.pending, d.RunningCount, d.PendingCount, d.StabilityStatus)
		return run.running == n && run.pending == 0 && len(run.defs) <= 1 && (n == 0 || run.defs[aws.ToString(ts.TaskDefinition)]) &&
			d.RunningCount == int32(n) && d.PendingCount == 0 && d.StabilityStatus == types.StabilityStatusSteadyState, seen
	})
	return run
}

// Task sets of an EXTERNAL service run their tasks (API reference: "A task
// set includes details such as the desired number of tasks, how many tasks
// are running"; CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet and
// DeleteTaskSet manage them): each keeps computedDesiredCount tasks ("the
// service's desiredCount by the task set's scale percentage", rounded up) of
// its own task definition and network configuration, registers them in its
// own target group, and a deleted task set drains (DRAINING: "The tasks in the
// task set are being stopped, and their corresponding targets are being
// deregistered from their target group") and is gone once they have stopped,
// as Terraform's aws_ecs_task_set waits for on delete (ACTIVE, PRIMARY or
// DRAINING until DescribeTaskSets no longer finds it).
func TestTaskSetsRunTheirTasks(t *testing.T) {
	e := wlStart(t)
	td1 := e.fargateFamily(t, "web", "nginx:1")
	td2 := e.fargateFamily(t, "web", "nginx:2")
	tg := e.albTargetGroup(t, "green")
	if _, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("ext"),
		DesiredCount: aws.Int32(4), DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}}); err != nil {
		t.Fatal(err)
	}
	create := func(td string, scale *types.Scale, lbs []types.LoadBalancer) *types.TaskSet {
		t.Helper()
		out, err := e.client.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
			TaskDefinition: aws.String(td), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0)),
			Scale: scale, LoadBalancers: lbs, Tags: []types.Tag{wlTag("stage", "test")}})
		if err != nil {
			t.Fatal(err)
		}
		return out.TaskSet
	}
	percent := func(v float64) *types.Scale { return &types.Scale{Value: v, Unit: types.ScaleUnitPercent} }

	// Without a scale a task set starts at 0 percent and runs nothing (AWS
	// CLI's create-task-set example: no --scale, "scale": {"value": 0.0}).
	idle := create(td1, nil, nil)
	if idle.Scale == nil || idle.Scale.Value != 0 || idle.Scale.Unit != types.ScaleUnitPercent || idle.ComputedDesiredCount != 0 {
		t.Fatalf("task set without a scale: %+v computed %d", idle.Scale, idle.ComputedDesiredCount)
	}
	e.waitTaskSet(t, idle, 0)
	if _, err := e.client.DeleteTaskSet(harness.Ctx, &ecs.DeleteTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"), TaskSet: idle.Id}); err != nil {
		t.Fatal(err)
	}

	// Blue, at 100 percent, runs the service's 4 tasks of its definition.
	blue := create(td1, percent(100), nil)
	e.waitTaskSet(t, blue, 4)
	svc := harness.DescribeService(t, e.client, e.cluster, "ext")
	if svc.RunningCount != 4 || svc.PendingCount != 0 || !hasEventPrefix(svc, "(service ext, taskSet "+aws.ToString(blue.Id)+") has started 4 tasks: (task ") ||
		!harness.HasEvent(svc, "(service ext) has reached a steady state.") {
		t.Fatalf("service %d running %d pending, events %v", svc.RunningCount, svc.PendingCount, eventTexts(svc))
	}

	// Green, at 50 percent behind its own target group, runs 2 tasks of
	// its definition, registered as ip targets.
	green := create(td2, percent(50), []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}})
	run := e.waitTaskSet(t, green, 2)
	e.waitTargets(t, tg, run.addrs)
	svc = harness.DescribeService(t, e.client, e.cluster, "ext")
	if svc.RunningCount != 6 || !harness.HasEvent(svc, "(service ext, taskSet "+aws.ToString(green.Id)+") registered 2 targets in (target-group "+tg+")") {
		t.Fatalf("service %d running, events %v", svc.RunningCount, eventTexts(svc))
	}

	// Green becomes primary and takes 100 percent: 4 tasks.
	if _, err := e.client.UpdateServicePrimaryTaskSet(harness.Ctx, &ecs.UpdateServicePrimaryTaskSetInput{Cluster: aws.String(e.cluster),
		Service: aws.String("ext"), PrimaryTaskSet: green.TaskSetArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.UpdateTaskSet(harness.Ctx, &ecs.UpdateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskSet: green.Id, Scale: percent(100)}); err != nil {
		t.Fatal(err)
	}
	run = e.waitTaskSet(t, green, 4)
	e.waitTargets(t, tg, run.addrs)

	// The service's desired count scales every task set: 2 tasks each.
	if _, err := e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		DesiredCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	e.waitTaskSet(t, blue, 2)
	run = e.waitTaskSet(t, green, 2)
	e.waitTargets(t, tg, run.addrs)

	// Blue is deleted: DRAINING, its tasks stop, and it is gone with its tags.
	del, err := e.client.DeleteTaskSet(harness.Ctx, &ecs.DeleteTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"), TaskSet: blue.Id})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(del.TaskSet.Status) != "DRAINING" || del.TaskSet.ComputedDesiredCount != 0 {
		t.Fatalf("deleted task set %s computed %d", aws.ToString(del.TaskSet.Status), del.TaskSet.ComputedDesiredCount)
	}
	harness.Eventually(t, 20*time.Second, "blue gone", func() (bool, string) {
		d, failures := e.describeTaskSet(t, aws.ToString(blue.TaskSetArn))
		run := e.taskSetTasks(t, aws.ToString(blue.Id))
		if d != nil {
			return false, fmt.Sprintf("%s, %d tasks", aws.ToString(d.Status), run.running+run.pending)
		}
		return len(failures) == 1 && aws.ToString(failures[0].Reason) == "MISSING" && run.running+run.pending == 0, fmt.Sprint(failures)
	})
	svc = harness.DescribeService(t, e.client, e.cluster, "ext")
	if len(svc.TaskSets) != 1 || aws.ToString(svc.TaskSets[0].Id) != aws.ToString(green.Id) || svc.RunningCount != 2 ||
		aws.ToString(svc.TaskDefinition) != td2 {
		t.Fatalf("service after blue: %d task sets, %d running, definition %s", len(svc.TaskSets), svc.RunningCount, aws.ToString(svc.TaskDefinition))
	}
	_, err = e.client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: blue.TaskSetArn})
	if err == nil {
		t.Error("the tags of a task set that is gone are still listed")
	}
	stopped, err := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), StartedBy: blue.Id, DesiredStatus: types.DesiredStatusStopped})
	if err != nil {
		t.Fatal(err)
	}
	if len(stopped.TaskArns) < 4 {
		t.Errorf("stopped blue tasks %d", len(stopped.TaskArns))
	}
}

// waitTargets waits until a target group's targets are exactly addrs, healthy.
func (e *wlEnv) waitTargets(t *testing.T, tg string, addrs []string) {
	t.Helper()
	c := elb.NewFromConfig(e.ls.Config)
	harness.Eventually(t, 20*time.Second, "targets "+strings.Join(addrs, ","), func() (bool, string) {
		out, err := c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
		if err != nil {
			t.Fatal(err)
		}
		var healthy []string
		for _, d := range out.TargetHealthDescriptions {
			if d.TargetHealth.State == "healthy" {
				healthy = append(healthy, aws.ToString(d.Target.Id))
			}
		}
		slices.Sort(healthy)
		return len(out.TargetHealthDescriptions) == len(addrs) && slices.Equal(healthy, addrs), strings.Join(healthy, ",")
	})
}

func eventTexts(svc types.Service) []string {
	var out []string
	for _, ev := range svc.Events {
		out = append(out, aws.ToString(ev.Message))
	}
	return out
}

func hasEventPrefix(svc types.Service, prefix string) bool {
	for _, ev := range svc.Events {
		if strings.HasPrefix(aws.ToString(ev.Message), prefix) {
			return true
		}
	}
	return false
}

// Deleting an EXTERNAL service (force, as it is scaled above 0) drains its
// task sets: their tasks stop and the service turns INACTIVE, which the SDK's
// ServicesInactive waiter sees.
func TestTaskSetServiceDeleted(t *testing.T) {
	e := wlStart(t)
	td := e.fargateFamily(t, "web", "nginx")
	if _, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("ext"),
		DesiredCount: aws.Int32(2), DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}}); err != nil {
		t.Fatal(err)
	}
	ts, err := e.client.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskDefinition: aws.String(td), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0)),
		Scale: &types.Scale{Value: 100, Unit: types.ScaleUnitPercent}})
	if err != nil {
		t.Fatal(err)
	}
	e.waitTaskSet(t, ts.TaskSet, 2)
	if _, err := e.client.DeleteService(harness.Ctx, &ecs.DeleteServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	w := ecs.NewServicesInactiveWaiter(e.client, func(o *ecs.ServicesInactiveWaiterOptions) { o.MinDelay, o.MaxDelay = 500*time.Millisecond, time.Second })
	if err := w.Wait(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{"ext"}}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if run := e.taskSetTasks(t, aws.ToString(ts.TaskSet.Id)); run.running+run.pending != 0 {
		t.Fatalf("tasks left: %+v", run)
	}
}
