package scheduler

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/store"
)

func TestWaitingForCapacity(t *testing.T) {
	waiting := func() *types.Task {
		return &types.Task{DesiredStatus: aws.String(ecscore.TaskRunning), LastStatus: aws.String(ecscore.TaskProvisioning),
			LaunchType: types.LaunchTypeEc2, CapacityProviderName: aws.String("asg-cp")}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*types.Task)
		want   bool
	}{
		{"unplaced", func(*types.Task) {}, true},
		{"placed", func(t *types.Task) { t.ContainerInstanceArn = aws.String("arn:ci") }, false},
		{"fargate provider", func(t *types.Task) { t.CapacityProviderName = aws.String("FARGATE_SPOT") }, false},
		{"launch type", func(t *types.Task) { t.CapacityProviderName = nil }, false},
		{"pending", func(t *types.Task) { t.LastStatus = aws.String(ecscore.TaskPending) }, false},
		{"stopping", func(t *types.Task) { t.DesiredStatus = aws.String(ecscore.TaskStopped) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := waiting()
			tc.mutate(task)
			if got := WaitingForCapacity(task); got != tc.want {
				t.Fatalf("WaitingForCapacity = %v, want %v", got, tc.want)
			}
		})
	}
	// A waiting task does not advance however late it is.
	task := waiting()
	task.CreatedAt = aws.Time(t0)
	if o := Advance(task, Behavior{}, testTimings, t0.Add(testTimings.StartDelay*10)); o.Changed || aws.ToString(task.LastStatus) != ecscore.TaskProvisioning {
		t.Fatalf("waiting task advanced: %+v %s", o, aws.ToString(task.LastStatus))
	}
}

// A service on an Auto Scaling group provider with no instances keeps its
// tasks PROVISIONING (counted as pending, no "unable to place" event) and
// runs them once an instance registers.
// capacityProvider stores an Auto Scaling group capacity provider.
func (h *harness) capacityProvider(name string, managed types.ManagedScalingStatus) {
	cp := &types.CapacityProvider{Name: aws.String(name), Status: types.CapacityProviderStatusActive, Type: types.CapacityProviderTypeEc2Autoscaling,
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String("arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:0:autoScalingGroupName/" + name),
			ManagedScaling: &types.ManagedScaling{Status: managed}}}
	h.write(func(c *api.Context) error {
		return ecscore.CapacityProviders.Put(c.Tx, testScope, name, store.Index{}, cp)
	})
}

// capacityService creates a 2-task bridge service on the provider.
func (h *harness) capacityService(provider string) string {
	td := h.taskDefinition("web", types.NetworkModeBridge, nil)
	strategy := []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String(provider), Weight: 1}}
	arn := h.service("web", td, 2, "", func(s *types.Service) { s.CapacityProviderStrategy = strategy })
	h.write(func(c *api.Context) error {
		svc, err := ecscore.Services.Get(c.Tx, testScope, arn)
		if err != nil {
			return err
		}
		svc.Deployments[0].CapacityProviderStrategy = strategy
		return ecscore.PutService(c.Tx, testScope, svc)
	})
	return arn
}

// Without managed scaling, tasks that fit nowhere are not launched: ECS
// reports them unplaceable, as without a provider.
func TestRunnerNoWaitWithoutManagedScaling(t *testing.T) {
	h := newHarness(t)
	h.capacityProvider("asg-cp", types.ManagedScalingStatusDisabled)
	arn := h.capacityService("asg-cp")
	h.pass()
	if n := len(h.tasks()); n != 0 {
		t.Fatalf("%d tasks launched", n)
	}
	if msgs := eventMessages(h.getService(arn)); len(msgs) != 1 || !strings.Contains(msgs[0], "unable to place a task") {
		t.Fatalf("events %q", msgs)
	}
}

func TestRunnerTasksWaitForCapacity(t *testing.T) {
	h := newHarness(t)
	h.capacityProvider("asg-cp", types.ManagedScalingStatusEnabled)
	arn := h.capacityService("asg-cp")
	h.pass()
	h.clock.Add(testTimings.StartDelay * 3)
	h.pass()
	tasks := h.tasks()
	if len(tasks) != 2 {
		t.Fatalf("%d tasks, want 2 waiting", len(tasks))
	}
	for _, task := range tasks {
		if aws.ToString(task.LastStatus) != ecscore.TaskProvisioning || task.ContainerInstanceArn != nil ||
			aws.ToString(task.CapacityProviderName) != "asg-cp" {
			t.Fatalf("task %s on %v via %s", aws.ToString(task.LastStatus), task.ContainerInstanceArn, aws.ToString(task.CapacityProviderName))
		}
	}
	svc := h.getService(arn)
	if svc.PendingCount != 2 || svc.RunningCount != 0 {
		t.Fatalf("counts running %d pending %d", svc.RunningCount, svc.PendingCount)
	}
	for _, m := range eventMessages(svc) {
		if strings.Contains(m, "unable to place") {
			t.Fatalf("event %q", m)
		}
	}

	body, _ := json.Marshal(map[string]any{"cluster": "default", "instanceType": "m5.large"})
	if _, err := h.r.ControlRoutes(testRegion)[0].Handle(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	h.pass()
	placedAt := h.clock.Now()
	for _, task := range h.tasks() {
		if task.ContainerInstanceArn == nil || !aws.ToTime(task.CreatedAt).Equal(placedAt) {
			t.Fatalf("task not placed: %+v", task)
		}
	}
	for range 4 {
		h.clock.Add(testTimings.StartDelay)
		h.pass()
	}
	svc = h.getService(arn)
	if svc.RunningCount != 2 || svc.PendingCount != 0 {
		t.Fatalf("counts running %d pending %d", svc.RunningCount, svc.PendingCount)
	}
}

func TestRunnerCapacityWaitTimesOut(t *testing.T) {
	h := newHarness(t)
	h.r.timings.CapacityWait = testTimings.StartDelay * 5
	td := h.taskDefinition("job", types.NetworkModeBridge, nil)
	h.write(func(c *api.Context) error {
		def, err := ecscore.TaskDefinitions.Get(c.Tx, testScope, td)
		if err != nil {
			return err
		}
		_, err = ecs.NewTask(c, ecs.TaskSpec{ClusterArn: testCluster, TaskDefinition: def, LaunchType: types.LaunchTypeEc2,
			CapacityProviderName: "asg-cp", Group: "family:job"})
		return err
	})
	h.pass()
	h.clock.Add(testTimings.StartDelay * 6)
	h.pass()
	task := h.tasks()[0]
	if aws.ToString(task.DesiredStatus) != ecscore.TaskStopped || aws.ToString(task.StoppedReason) != ReasonCapacityTimeout {
		t.Fatalf("task %s/%s: %s", aws.ToString(task.LastStatus), aws.ToString(task.DesiredStatus), aws.ToString(task.StoppedReason))
	}
}

// At most MaxWaitingTasks tasks of a cluster wait; the rest are unplaceable.
func TestRunnerWaitingTasksAreCapped(t *testing.T) {
	h := newHarness(t)
	h.capacityProvider("asg-cp", types.ManagedScalingStatusEnabled)
	arn := h.capacityService("asg-cp")
	h.write(func(c *api.Context) error {
		svc, err := ecscore.Services.Get(c.Tx, testScope, arn)
		if err != nil {
			return err
		}
		svc.DesiredCount = MaxWaitingTasks + 5
		return ecscore.PutService(c.Tx, testScope, svc)
	})
	for range 10 {
		h.pass()
	}
	if n := len(h.tasks()); n != MaxWaitingTasks {
		t.Fatalf("%d tasks, want %d waiting", n, MaxWaitingTasks)
	}
	if msgs := eventMessages(h.getService(arn)); !strings.Contains(strings.Join(msgs, "|"), "unable to place a task") {
		t.Fatalf("events %q", msgs)
	}
}
