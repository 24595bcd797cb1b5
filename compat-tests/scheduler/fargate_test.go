package scheduler_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestFargateServiceReachesServicesStable(t *testing.T) {
	_, client := setup(t)
	td := fargateTaskDefinition(t, client, "web", nil)
	created := fargateService(t, client, "web", td, 3, nil)
	if created.RunningCount != 0 || len(created.Deployments) != 1 {
		t.Fatalf("created %+v", created)
	}
	start := time.Now()
	harness.WaitStable(t, client, cluster, "web")
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("stable after %v; tasks should run within about a second", d)
	}
	svc := harness.DescribeService(t, client, cluster, "web")
	if svc.RunningCount != 3 || svc.PendingCount != 0 || len(svc.Deployments) != 1 {
		t.Fatalf("service %+v", svc)
	}
	dep := svc.Deployments[0]
	if dep.RolloutState != types.DeploymentRolloutStateCompleted || dep.RunningCount != 3 || aws.ToString(dep.Status) != "PRIMARY" {
		t.Fatalf("deployment %+v", dep)
	}
	if !harness.HasEvent(svc, "(service web) has reached a steady state.") ||
		!harness.HasEvent(svc, "(service web) (deployment "+aws.ToString(dep.Id)+") deployment completed.") {
		t.Fatalf("events %+v", svc.Events)
	}
	started := false
	for _, e := range svc.Events {
		if strings.HasPrefix(aws.ToString(e.Message), "(service web) has started 3 tasks: (task ") {
			started = true
		}
	}
	if !started {
		t.Fatal("no 'has started 3 tasks' event")
	}

	tasks := harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)
	if len(tasks) != 3 {
		t.Fatalf("%d tasks", len(tasks))
	}
	ips := map[string]bool{}
	for _, task := range tasks {
		if aws.ToString(task.LastStatus) != "RUNNING" || task.StartedAt == nil || task.PullStartedAt == nil || task.PullStoppedAt == nil ||
			task.Connectivity != types.ConnectivityConnected || aws.ToString(task.Group) != "service:web" ||
			aws.ToString(task.StartedBy) != aws.ToString(dep.Id) || aws.ToString(task.Attachments[0].Status) != "ATTACHED" {
			t.Fatalf("task %+v", task)
		}
		ip := aws.ToString(task.Containers[0].NetworkInterfaces[0].PrivateIpv4Address)
		if a, err := netip.ParseAddr(ip); err != nil || !netip.MustParsePrefix("172.31.0.0/16").Contains(a) || ips[ip] {
			t.Fatalf("address %q", ip)
		}
		ips[ip] = true
	}
	harness.WaitTasksRunning(t, client, cluster, 10*time.Second, aws.ToString(tasks[0].TaskArn))
}

func TestStoppedTaskIsReplaced(t *testing.T) {
	_, client := setup(t)
	td := fargateTaskDefinition(t, client, "web", nil)
	fargateService(t, client, "web", td, 2, nil)
	harness.WaitStable(t, client, cluster, "web")
	victim := harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)[0]
	if _, err := client.StopTask(harness.Ctx, &ecs.StopTaskInput{Cluster: aws.String(cluster), Task: victim.TaskArn}); err != nil {
		t.Fatal(err)
	}
	st := harness.WaitTasksStopped(t, client, cluster, 15*time.Second, aws.ToString(victim.TaskArn))[0]
	if st.StopCode != types.TaskStopCodeUserInitiated || aws.ToString(st.StoppedReason) != "Task stopped by user" ||
		st.StoppingAt == nil || st.StoppedAt == nil || st.ExecutionStoppedAt == nil || aws.ToString(st.Attachments[0].Status) != "DELETED" ||
		aws.ToString(st.Containers[0].LastStatus) != "STOPPED" {
		t.Fatalf("stopped task %+v", st)
	}
	harness.WaitStable(t, client, cluster, "web")
	running := harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)
	if len(running) != 2 {
		t.Fatalf("%d running", len(running))
	}
	for _, task := range running {
		if aws.ToString(task.TaskArn) == aws.ToString(victim.TaskArn) {
			t.Fatal("the stopped task is still listed as running")
		}
	}
	svc := harness.DescribeService(t, client, cluster, "web")
	found := false
	for _, e := range svc.Events {
		found = found || strings.HasPrefix(aws.ToString(e.Message), "(service web) has started 1 tasks: (task ")
	}
	if !found {
		t.Fatalf("no replacement event: %+v", svc.Events)
	}
}

func TestFailedTaskEndpointReplacesTask(t *testing.T) {
	ls, client := setup(t)
	td := fargateTaskDefinition(t, client, "web", nil)
	fargateService(t, client, "web", td, 1, nil)
	harness.WaitStable(t, client, cluster, "web")
	victim := harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)[0]
	resp := harness.Raw(t, ls, "POST", "/_longshore/ecs/tasks/fail", nil,
		`{"cluster":"`+cluster+`","task":"`+aws.ToString(victim.TaskArn)+`","exitCode":137,"reason":"OutOfMemoryError: Container killed due to memory usage"}`)
	if resp.Status != 200 {
		t.Fatalf("%d %s", resp.Status, resp.Body)
	}
	harness.Eventually(t, harness.Wait, "the task to stop", func() (bool, string) {
		d, err := client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{aws.ToString(victim.TaskArn)}})
		return err == nil && aws.ToString(d.Tasks[0].LastStatus) == "STOPPED" && d.Tasks[0].StopCode == types.TaskStopCodeEssentialContainerExited &&
			aws.ToString(d.Tasks[0].StoppedReason) == "Essential container in task exited" && aws.ToInt32(d.Tasks[0].Containers[0].ExitCode) == 137, ""
	})
	harness.WaitStable(t, client, cluster, "web")
	if n := len(harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)); n != 1 {
		t.Fatalf("%d running", n)
	}
	bad := harness.Raw(t, ls, "POST", "/_longshore/ecs/tasks/fail", nil, `{"cluster":"nope","task":"abc"}`)
	if bad.Status != 400 || !strings.Contains(bad.Body, "ClusterNotFoundException") {
		t.Fatalf("unknown cluster: %d %s", bad.Status, bad.Body)
	}
}

func TestCapacityProviderStrategyBaseAndWeight(t *testing.T) {
	_, client := setup(t)
	if _, err := client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String(cluster),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	td := fargateTaskDefinition(t, client, "web", nil)
	_, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(5),
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{
			{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1},
			{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
		},
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: defaultSubnets(t, client)[:1]}},
	})
	if err != nil {
		t.Fatal(err)
	}
	harness.WaitStable(t, client, cluster, "web")
	byProvider := map[string]int{}
	for _, task := range harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning) {
		byProvider[aws.ToString(task.CapacityProviderName)]++
		if task.LaunchType != types.LaunchTypeFargate {
			t.Fatalf("launch type %s", task.LaunchType)
		}
	}
	if byProvider["FARGATE"] != 2 || byProvider["FARGATE_SPOT"] != 3 {
		t.Fatalf("tasks by provider %v, want FARGATE 2 (base 1 + 1 of 4 by weight) and FARGATE_SPOT 3", byProvider)
	}
}
