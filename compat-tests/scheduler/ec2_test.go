package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func bridgeTaskDefinition(t *testing.T, client *ecs.Client, family string, cpu int32) string {
	t.Helper()
	out, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), NetworkMode: types.NetworkModeBridge, RequiresCompatibilities: []types.Compatibility{types.CompatibilityEc2},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Cpu: cpu, Memory: aws.Int32(256),
			Essential: aws.Bool(true), PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(0)}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

func TestBridgeServiceSpreadsOverZones(t *testing.T) {
	ls, client := setup(t)
	for _, z := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
		harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "m5.large", "availabilityZone": z})
	}
	td := bridgeTaskDefinition(t, client, "web", 256)
	_, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(3), LaunchType: types.LaunchTypeEc2,
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")}}})
	if err != nil {
		t.Fatal(err)
	}
	harness.WaitStable(t, client, cluster, "web")
	zones := map[string]bool{}
	instances := map[string]bool{}
	for _, task := range harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning) {
		zones[aws.ToString(task.AvailabilityZone)] = true
		instances[aws.ToString(task.ContainerInstanceArn)] = true
		b := task.Containers[0].NetworkBindings
		if len(b) != 1 || aws.ToInt32(b[0].HostPort) < 32768 || aws.ToInt32(b[0].ContainerPort) != 80 {
			t.Fatalf("bindings %+v", b)
		}
	}
	if len(zones) != 3 || len(instances) != 3 {
		t.Fatalf("zones %v instances %v", zones, instances)
	}
	harness.Eventually(t, harness.Wait, "instance counts", func() (bool, string) {
		d, err := client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String(cluster), ContainerInstances: keys(instances)})
		if err != nil {
			t.Fatal(err)
		}
		for _, ci := range d.ContainerInstances {
			if ci.RunningTasksCount != 1 || remaining(ci, "CPU") != 2048-256 || remaining(ci, "MEMORY") != registered(ci, "MEMORY")-256 {
				return false, ""
			}
		}
		return len(d.ContainerInstances) == 3, ""
	})
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func remaining(ci types.ContainerInstance, name string) int32 {
	return resource(ci.RemainingResources, name)
}
func registered(ci types.ContainerInstance, name string) int32 {
	return resource(ci.RegisteredResources, name)
}

func resource(rs []types.Resource, name string) int32 {
	for _, r := range rs {
		if aws.ToString(r.Name) == name {
			return r.IntegerValue
		}
	}
	return -1
}

func TestRunTaskReportsPlacementFailures(t *testing.T) {
	ls, client := setup(t)
	arns := harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "t3.small", "count": 2}).ContainerInstanceArns
	td := bridgeTaskDefinition(t, client, "huge", 4096)
	out, err := client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: aws.String(td), LaunchType: types.LaunchTypeEc2})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) != 0 || len(out.Failures) != 2 {
		t.Fatalf("tasks %d failures %+v", len(out.Tasks), out.Failures)
	}
	for _, f := range out.Failures {
		if aws.ToString(f.Reason) != "RESOURCE:CPU" || !strings.Contains(strings.Join(arns, " "), aws.ToString(f.Arn)) {
			t.Fatalf("failure %+v", f)
		}
	}
	small := bridgeTaskDefinition(t, client, "small", 128)
	ok, err := client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: aws.String(small), LaunchType: types.LaunchTypeEc2,
		Count:                aws.Int32(2),
		PlacementConstraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeDistinctInstance}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ok.Tasks) != 2 || aws.ToString(ok.Tasks[0].ContainerInstanceArn) == aws.ToString(ok.Tasks[1].ContainerInstanceArn) {
		t.Fatalf("distinctInstance tasks %+v failures %+v", ok.Tasks, ok.Failures)
	}
	harness.WaitTasksRunning(t, client, cluster, 20*time.Second, aws.ToString(ok.Tasks[0].TaskArn))
}

func TestLostInstanceTasksAreRescheduled(t *testing.T) {
	ls, client := setup(t)
	harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "m5.large", "count": 2})
	td := bridgeTaskDefinition(t, client, "web", 256)
	_, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeEc2,
		PlacementConstraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("attribute:ecs.instance-type == m5.large")}}})
	if err != nil {
		t.Fatal(err)
	}
	harness.WaitStable(t, client, cluster, "web")
	lost := aws.ToString(harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)[0].ContainerInstanceArn)
	resp := harness.Raw(t, ls, "POST", "/_longshore/ecs/container-instances/fail", nil, `{"cluster":"`+cluster+`","containerInstance":"`+lost+`"}`)
	if resp.Status != 200 {
		t.Fatalf("%d %s", resp.Status, resp.Body)
	}
	harness.WaitStable(t, client, cluster, "web")
	harness.Eventually(t, harness.Wait, "both tasks on the healthy instance", func() (bool, string) {
		ts := harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)
		for _, task := range ts {
			if aws.ToString(task.ContainerInstanceArn) == lost {
				return false, ""
			}
		}
		return len(ts) == 2, ""
	})
	d, err := client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String(cluster), ContainerInstances: []string{lost}})
	if err != nil {
		t.Fatal(err)
	}
	if d.ContainerInstances[0].AgentConnected {
		t.Fatal("the lost instance's agent is still connected")
	}
}

func TestRegisterInstancesValidates(t *testing.T) {
	ls, _ := setup(t)
	for _, tc := range []struct{ body, code string }{
		{`{"cluster":"nope","instanceType":"m5.large"}`, "ClusterNotFoundException"},
		{`{"cluster":"` + cluster + `","instanceType":"m9.huge"}`, "InvalidParameterException"},
		{`{"cluster":"` + cluster + `","count":0}`, "InvalidParameterException"},
		{`not json`, "InvalidParameterException"},
	} {
		resp := harness.Raw(t, ls, "POST", "/_longshore/ecs/container-instances", nil, tc.body)
		if resp.Status != 400 || !strings.Contains(resp.Body, tc.code) {
			t.Errorf("%s: %d %s", tc.body, resp.Status, resp.Body)
		}
	}
}

func TestDaemonServiceRunsOnEveryInstance(t *testing.T) {
	ls, client := setup(t)
	harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "c5.large", "count": 2})
	td := bridgeTaskDefinition(t, client, "agent", 128)
	_, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String("agent"),
		TaskDefinition: aws.String(td), SchedulingStrategy: types.SchedulingStrategyDaemon, LaunchType: types.LaunchTypeEc2})
	if err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, harness.Wait, "a daemon task per instance", func() (bool, string) {
		svc := harness.DescribeService(t, client, cluster, "agent")
		return svc.DesiredCount == 2 && svc.RunningCount == 2, ""
	})
	harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "c5.large"})
	harness.Eventually(t, harness.Wait, "the daemon on the new instance", func() (bool, string) {
		svc := harness.DescribeService(t, client, cluster, "agent")
		return svc.DesiredCount == 3 && svc.RunningCount == 3, ""
	})
	hosts := map[string]bool{}
	for _, task := range harness.ServiceTasks(t, client, cluster, "agent", types.DesiredStatusRunning) {
		hosts[aws.ToString(task.ContainerInstanceArn)] = true
	}
	if len(hosts) != 3 {
		t.Fatalf("daemon tasks on %d instances", len(hosts))
	}
}

func TestDrainingInstanceTasksMove(t *testing.T) {
	ls, client := setup(t)
	first := harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "m5.large"}).ContainerInstanceArns[0]
	td := bridgeTaskDefinition(t, client, "web", 256)
	_, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeEc2})
	if err != nil {
		t.Fatal(err)
	}
	harness.WaitStable(t, client, cluster, "web")
	harness.RegisterInstances(t, ls, map[string]any{"cluster": cluster, "instanceType": "m5.large"})
	if _, err := client.UpdateContainerInstancesState(harness.Ctx, &ecs.UpdateContainerInstancesStateInput{Cluster: aws.String(cluster),
		ContainerInstances: []string{first}, Status: types.ContainerInstanceStatusDraining}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, harness.Wait, "tasks off the draining instance", func() (bool, string) {
		ts := harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)
		running := 0
		for _, task := range ts {
			if aws.ToString(task.ContainerInstanceArn) == first {
				return false, ""
			}
			if aws.ToString(task.LastStatus) == "RUNNING" {
				running++
			}
		}
		return running == 2, ""
	})
	harness.WaitStable(t, client, cluster, "web")
}
