package scheduler

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/ecs/control"
	"github.com/longshore/longshore/store"
)

const (
	testRegion  = "us-east-1"
	testCluster = "arn:aws:ecs:us-east-1:000000000000:cluster/default"
)

var testScope = store.Scope{Account: api.DefaultAccount, Region: testRegion}

// clock is a fake clock for the store's transactions.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t     testing.TB
	st    *store.Store
	clock *clock
	r     *Runner
}

func newHarness(t testing.TB) *harness { return newHarnessAt(t, "") }

// newHarnessAt is newHarness on a database file (empty = in memory).
func newHarnessAt(t testing.TB, path string) *harness {
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ck := &clock{now: t0}
	st.Now = ck.Now
	h := &harness{t: t, st: st, clock: ck, r: New(Config{Store: st, Timings: testTimings, Seed: 1})}
	h.write(func(c *api.Context) error {
		cl := &types.Cluster{ClusterArn: aws.String(testCluster), ClusterName: aws.String("default"), Status: aws.String("ACTIVE")}
		return ecscore.Clusters.Put(c.Tx, testScope, testCluster, ecscore.ClusterIndex(cl), cl)
	})
	return h
}

func (h *harness) write(fn func(c *api.Context) error) {
	h.t.Helper()
	err := h.st.Write(context.Background(), func(tx *store.Tx) error {
		return fn(&api.Context{Context: context.Background(), Region: testRegion, Caller: api.RootPrincipal(api.DefaultAccount, ""), Tx: tx})
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) pass() {
	h.t.Helper()
	if _, err := h.r.Pass(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) taskDefinition(family string, mode types.NetworkMode, labels map[string]string, ports ...int32) string {
	arn := "arn:aws:ecs:us-east-1:000000000000:task-definition/" + family + ":1"
	cd := types.ContainerDefinition{Name: aws.String("app"), Image: aws.String("nginx"), Cpu: 256, Memory: aws.Int32(512),
		Essential: aws.Bool(true), DockerLabels: labels}
	for _, p := range ports {
		cd.PortMappings = append(cd.PortMappings, types.PortMapping{ContainerPort: aws.Int32(p), HostPort: aws.Int32(0)})
	}
	td := &types.TaskDefinition{TaskDefinitionArn: aws.String(arn), Family: aws.String(family), Revision: 1,
		Status: types.TaskDefinitionStatusActive, NetworkMode: mode, ContainerDefinitions: []types.ContainerDefinition{cd}}
	if mode == types.NetworkModeAwsvpc {
		td.Cpu, td.Memory = aws.String("256"), aws.String("512")
	}
	h.write(func(c *api.Context) error {
		return ecscore.TaskDefinitions.Put(c.Tx, testScope, arn, ecscore.TaskDefinitionIndex(td), td)
	})
	return arn
}

func (h *harness) service(name, td string, desired int32, launch types.LaunchType, mutate ...func(*types.Service)) string {
	arn := "arn:aws:ecs:us-east-1:000000000000:service/default/" + name
	svc := &types.Service{ServiceArn: aws.String(arn), ServiceName: aws.String(name), ClusterArn: aws.String(testCluster),
		Status: aws.String(ecscore.ServiceActive), DesiredCount: desired, TaskDefinition: aws.String(td), LaunchType: launch,
		SchedulingStrategy: types.SchedulingStrategyReplica}
	if launch == types.LaunchTypeFargate {
		svc.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-a", "subnet-b"}}}
	}
	for _, m := range mutate {
		m(svc)
	}
	svc.Deployments = []types.Deployment{{Id: aws.String("ecs-svc/1000000000000000001"), Status: aws.String(ecscore.DeploymentPrimary),
		TaskDefinition: aws.String(td), DesiredCount: desired, LaunchType: launch, NetworkConfiguration: svc.NetworkConfiguration,
		RolloutState: types.DeploymentRolloutStateInProgress, CreatedAt: aws.Time(t0)}}
	h.write(func(c *api.Context) error {
		return ecscore.Services.Put(c.Tx, testScope, arn, ecscore.ServiceIndex(svc), svc)
	})
	return arn
}

func (h *harness) getService(arn string) *types.Service {
	var svc *types.Service
	h.write(func(c *api.Context) (err error) { svc, err = ecscore.Services.Get(c.Tx, testScope, arn); return })
	return svc
}

func (h *harness) tasks() []*types.Task {
	var out []*types.Task
	h.write(func(c *api.Context) error {
		items, err := ecscore.Tasks.List(c.Tx, testScope, store.Query{Parent: testCluster})
		for _, it := range items {
			out = append(out, it.Doc)
		}
		return err
	})
	return out
}

func TestRunnerFargateServiceReachesSteadyState(t *testing.T) {
	h := newHarness(t)
	td := h.taskDefinition("web", types.NetworkModeAwsvpc, nil)
	arn := h.service("web", td, 3, types.LaunchTypeFargate)
	h.pass()
	ts := h.tasks()
	if len(ts) != 3 {
		t.Fatalf("%d tasks, want 3", len(ts))
	}
	subnets := map[string]int{}
	ips := map[string]bool{}
	for _, task := range ts {
		if aws.ToString(task.LastStatus) != ecscore.TaskProvisioning || aws.ToString(task.Group) != "service:web" ||
			aws.ToString(task.StartedBy) != "ecs-svc/1000000000000000001" {
			t.Fatalf("task %+v", task)
		}
		for _, d := range task.Attachments[0].Details {
			switch aws.ToString(d.Name) {
			case "subnetId":
				subnets[aws.ToString(d.Value)]++
			case "privateIPv4Address":
				ips[aws.ToString(d.Value)] = true
			}
		}
	}
	if subnets["subnet-a"] != 2 || subnets["subnet-b"] != 1 || len(ips) != 3 {
		t.Fatalf("subnets %v ips %v", subnets, ips)
	}
	svc := h.getService(arn)
	if svc.PendingCount != 3 || svc.RunningCount != 0 || aws.ToString(svc.Events[0].Message)[:35] != "(service web) has started 3 tasks: " {
		t.Fatalf("service after first pass: pending %d running %d events %v", svc.PendingCount, svc.RunningCount, eventMessages(svc))
	}
	h.pass() // nothing due yet: no change
	h.clock.Add(testTimings.StartDelay)
	h.pass()
	svc = h.getService(arn)
	if svc.RunningCount != 3 || svc.PendingCount != 0 || svc.Deployments[0].RunningCount != 3 {
		t.Fatalf("running %d pending %d", svc.RunningCount, svc.PendingCount)
	}
	if svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted || aws.ToString(svc.Events[0].Message) != "(service web) has reached a steady state." {
		t.Fatalf("rollout %s events %q", svc.Deployments[0].RolloutState, eventMessages(svc))
	}
}

func TestRunnerReplacesStoppedTask(t *testing.T) {
	h := newHarness(t)
	td := h.taskDefinition("web", types.NetworkModeAwsvpc, nil)
	arn := h.service("web", td, 2, types.LaunchTypeFargate)
	h.pass()
	h.clock.Add(time.Minute)
	h.pass()
	victim := h.tasks()[0]
	h.write(func(c *api.Context) error {
		ecscore.RequestStop(victim, types.TaskStopCodeUserInitiated, ecscore.ReasonUserStopped, c.Now())
		return ecscore.Tasks.Put(c.Tx, testScope, aws.ToString(victim.TaskArn), ecscore.TaskIndex(victim), victim)
	})
	h.pass()
	live := 0
	for _, task := range h.tasks() {
		if ecscore.Live(task) {
			live++
		}
	}
	if live != 2 || len(h.tasks()) != 3 {
		t.Fatalf("live %d of %d tasks, want a replacement at once", live, len(h.tasks()))
	}
	h.clock.Add(time.Minute)
	h.pass()
	svc := h.getService(arn)
	if svc.RunningCount != 2 {
		t.Fatalf("running %d", svc.RunningCount)
	}
	// STOPPED tasks are forgotten after the retention period, and their address is freed.
	h.clock.Add(testTimings.StoppedRetention)
	h.pass()
	if n := len(h.tasks()); n != 2 {
		t.Fatalf("%d tasks after retention, want 2", n)
	}
}

func TestRunnerBridgeSpreadOverZones(t *testing.T) {
	h := newHarness(t)
	route := h.r.ControlRoutes(testRegion)[0]
	for _, z := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
		body, _ := json.Marshal(map[string]any{"cluster": "default", "instanceType": "m5.large", "availabilityZone": z})
		if _, err := route.Handle(context.Background(), body); err != nil {
			t.Fatal(err)
		}
	}
	td := h.taskDefinition("web", types.NetworkModeBridge, nil, 80)
	h.service("web", td, 3, types.LaunchTypeEc2, func(s *types.Service) {
		s.PlacementStrategy = []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")}}
	})
	h.pass()
	zones := map[string]int{}
	for _, task := range h.tasks() {
		zones[aws.ToString(task.AvailabilityZone)]++
		b := task.Containers[0].NetworkBindings
		if len(b) != 1 || aws.ToInt32(b[0].HostPort) != 32768 || aws.ToInt32(b[0].ContainerPort) != 80 {
			t.Fatalf("bindings %+v", b)
		}
	}
	if len(zones) != 3 {
		t.Fatalf("zones %v, want one task in each", zones)
	}
	h.pass()
	var cis []*types.ContainerInstance
	h.write(func(c *api.Context) error {
		items, err := ecscore.ContainerInstances.List(c.Tx, testScope, store.Query{Parent: testCluster})
		for _, it := range items {
			cis = append(cis, it.Doc)
		}
		return err
	})
	for _, ci := range cis {
		if ci.PendingTasksCount != 1 || ci.RemainingResources[0].IntegerValue != 2048-256 {
			t.Fatalf("instance counts %d remaining %+v", ci.PendingTasksCount, ci.RemainingResources[0])
		}
	}
}

func TestRunnerLostInstanceReschedules(t *testing.T) {
	h := newHarness(t)
	routes := h.r.ControlRoutes(testRegion)
	out, err := routes[0].Handle(context.Background(), []byte(`{"cluster":"default","instanceType":"m5.large","count":2}`))
	if err != nil {
		t.Fatal(err)
	}
	arns := out.(control.RegisterInstancesResult).ContainerInstanceArns
	td := h.taskDefinition("web", types.NetworkModeBridge, nil)
	h.service("web", td, 1, types.LaunchTypeEc2)
	h.pass()
	h.clock.Add(time.Minute)
	h.pass()
	first := aws.ToString(h.tasks()[0].ContainerInstanceArn)
	body, _ := json.Marshal(map[string]string{"cluster": "default", "containerInstance": first})
	if _, err := routes[1].Handle(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	h.pass()
	var moved bool
	for _, task := range h.tasks() {
		if ecscore.Live(task) && aws.ToString(task.ContainerInstanceArn) != first {
			moved = true
		}
		if aws.ToString(task.ContainerInstanceArn) == first && (ecscore.Live(task) || task.StopCode != types.TaskStopCodeTerminationNotice) {
			t.Fatalf("task on the lost instance: %+v", task)
		}
	}
	if !moved || len(arns) != 2 {
		t.Fatal("the task was not rescheduled on the other instance")
	}
}

func TestRunnerFailTaskEndpoint(t *testing.T) {
	h := newHarness(t)
	td := h.taskDefinition("web", types.NetworkModeAwsvpc, nil)
	h.service("web", td, 1, types.LaunchTypeFargate)
	h.pass()
	task := h.tasks()[0]
	body, _ := json.Marshal(map[string]any{"cluster": "default", "task": TaskID(aws.ToString(task.TaskArn)), "exitCode": 137, "reason": "OutOfMemoryError"})
	if _, err := h.r.ControlRoutes(testRegion)[2].Handle(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	h.pass()
	h.clock.Add(time.Minute)
	h.pass()
	var stopped *types.Task
	for _, x := range h.tasks() {
		if aws.ToString(x.TaskArn) == aws.ToString(task.TaskArn) {
			stopped = x
		}
	}
	if aws.ToString(stopped.LastStatus) != ecscore.TaskStopped || stopped.StopCode != types.TaskStopCodeEssentialContainerExited ||
		aws.ToInt32(stopped.Containers[0].ExitCode) != 137 || aws.ToString(stopped.Containers[0].Reason) != "OutOfMemoryError" {
		t.Fatalf("stopped %+v", stopped)
	}
	if len(h.tasks()) != 2 {
		t.Fatal("no replacement")
	}
}

func TestRunnerUnplaceableEvent(t *testing.T) {
	h := newHarness(t)
	td := h.taskDefinition("web", types.NetworkModeBridge, nil)
	arn := h.service("web", td, 1, types.LaunchTypeEc2)
	h.pass()
	h.pass()
	svc := h.getService(arn)
	want := "(service web) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
	if len(svc.Events) != 1 || aws.ToString(svc.Events[0].Message) != want {
		t.Fatalf("events %q", eventMessages(svc))
	}
}

func TestRunnerCircuitBreakerRollsBack(t *testing.T) {
	h := newHarness(t)
	good := h.taskDefinition("good", types.NetworkModeAwsvpc, nil)
	bad := h.taskDefinition("bad", types.NetworkModeAwsvpc, map[string]string{LabelExitAfter: "0s"})
	arn := h.service("web", good, 2, types.LaunchTypeFargate, func(s *types.Service) {
		s.DeploymentConfiguration = &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}
	})
	h.pass()
	h.clock.Add(time.Minute)
	h.pass()
	h.pass()
	svc := h.getService(arn)
	svc.Deployments[0].Status = aws.String(ecscore.DeploymentActive)
	svc.Deployments = append([]types.Deployment{{Id: aws.String("ecs-svc/2"), Status: aws.String(ecscore.DeploymentPrimary), TaskDefinition: aws.String(bad),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: svc.NetworkConfiguration, RolloutState: types.DeploymentRolloutStateInProgress}}, svc.Deployments...)
	svc.TaskDefinition = aws.String(bad)
	h.write(func(c *api.Context) error {
		return ecscore.Services.Put(c.Tx, testScope, arn, ecscore.ServiceIndex(svc), svc)
	})
	for range 20 {
		h.pass()
		h.clock.Add(2 * time.Second)
	}
	svc = h.getService(arn)
	if aws.ToString(svc.TaskDefinition) != good || len(svc.Deployments) != 1 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted ||
		svc.RunningCount != 2 {
		t.Fatalf("after rollback: td %s deployments %+v events %q", aws.ToString(svc.TaskDefinition), svc.Deployments, eventMessages(svc))
	}
}

func TestRunnerSpotInterruption(t *testing.T) {
	h := newHarness(t)
	td := h.taskDefinition("web", types.NetworkModeAwsvpc, nil)
	h.service("web", td, 1, types.LaunchTypeFargate)
	h.pass()
	task := h.tasks()[0]
	fail := h.r.ControlRoutes(testRegion)[2]
	if _, err := fail.Handle(context.Background(), []byte(`{"cluster":"default","task":"`+aws.ToString(task.TaskArn)+`","stopCode":"Bogus"}`)); err == nil {
		t.Fatal("a bad stop code was accepted")
	}
	if _, err := fail.Handle(context.Background(), []byte(`{"cluster":"default","task":"`+aws.ToString(task.TaskArn)+`","stopCode":"SpotInterruption"}`)); err != nil {
		t.Fatal(err)
	}
	h.pass()
	var got *types.Task
	for _, x := range h.tasks() {
		if aws.ToString(x.TaskArn) == aws.ToString(task.TaskArn) {
			got = x
		}
	}
	if got.StopCode != types.TaskStopCodeSpotInterruption || aws.ToString(got.StoppedReason) != ecscore.ReasonSpotInterruption || len(h.tasks()) != 2 {
		t.Fatalf("task %s %q, %d tasks", got.StopCode, aws.ToString(got.StoppedReason), len(h.tasks()))
	}
}
