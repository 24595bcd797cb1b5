package docker

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A Fargate service of 3 becomes 3 running containers, each reachable on
// this machine at the address the ports route maps its ENI's port to.
func TestDockerFargateServiceRunsThreeContainers(t *testing.T) {
	e := start(t)
	e.cluster("web")
	td := harness.RegisterTaskDefinition(t, e.ecs, appDefinition("web", "serve"))
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("web"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(3), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: e.networkConfig()}); err != nil {
		t.Fatal(err)
	}
	var tasks []types.Task
	harness.Eventually(t, 60*time.Second, "3 running tasks", func() (bool, string) {
		tasks = harness.ServiceTasks(t, e.ecs, "web", "web", "")
		running := 0
		for _, tk := range tasks {
			if aws.ToString(tk.LastStatus) == "RUNNING" {
				running++
			}
		}
		return running == 3, fmt.Sprint(running, " running of ", len(tasks))
	})
	var arns []string
	for _, tk := range tasks {
		arns = append(arns, aws.ToString(tk.TaskArn))
		// The container's runtime ID is the Docker container's.
		if id := aws.ToString(tk.Containers[0].RuntimeId); len(id) != 64 {
			t.Errorf("runtimeId %q, want Docker's 64-hex container ID", id)
		}
	}
	list := containersOf(t, arns...)
	if len(list) != 3 {
		t.Fatalf("%d containers for the 3 tasks, want 3", len(list))
	}
	for _, c := range list {
		if c.State != "running" {
			t.Errorf("container %s is %s", c.ID[:12], c.State)
		}
		if c.Labels["longshore.instance"] == "" || c.Labels["longshore.server"] == "" {
			t.Errorf("container %s lacks Longshore's labels: %v", c.ID[:12], c.Labels)
		}
	}
	// Each task's ENI address and port map to a real port answering here.
	bs := e.bindings()
	if len(bs) != 3 {
		t.Fatalf("%d port bindings, want 3: %+v", len(bs), bs)
	}
	for _, tk := range tasks {
		ip := harness.Detail(tk.Attachments[0], "privateIPv4Address")
		var addr string
		for _, b := range bs {
			if b.TaskArn == aws.ToString(tk.TaskArn) && b.AWSHost == ip && b.AWSHostPort == 8080 {
				addr = b.HostAddress
			}
		}
		if addr == "" {
			t.Fatalf("no binding for %s:8080 in %+v", ip, bs)
		}
		harness.Eventually(t, 10*time.Second, "the task answering at "+addr, func() (bool, string) {
			resp, err := http.Get("http://" + addr)
			if err != nil {
				return false, err.Error()
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return strings.HasPrefix(string(b), "ok "), string(b)
		})
	}
}

// RunTask's command override reaches the container: its output shows in
// CloudWatch Logs, in the stream PREFIX/CONTAINER/TASK-ID. Longshore's
// clean shutdown (the end of the test) removes the container.
func TestDockerCommandOverrideShowsInLogs(t *testing.T) {
	var arn string
	t.Cleanup(func() { // runs after the instance's own cleanup, its shutdown
		if arn != "" && skipReason == "" {
			if left := containersOf(t, arn); len(left) != 0 {
				t.Errorf("%d containers left after shutdown", len(left))
			}
		}
	})
	e := start(t)
	e.cluster("jobs")
	td := harness.RegisterTaskDefinition(t, e.ecs, appDefinition("jobs", "serve"))
	arn = e.runTask("jobs", td, &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{
		{Name: aws.String("app"), Command: []string{"echo", "hello", "from", "the", "override"}}}})
	harness.WaitTasksRunning(t, e.ecs, "jobs", 60*time.Second, arn)
	e.waitLine(arn, "hello from the override", 10*time.Second)
}

// An essential container exiting with code 3 stops its task with ECS's
// reason and exit code, and the service replaces the task.
func TestDockerEssentialExitIsReportedAndReplaced(t *testing.T) {
	e := start(t)
	e.cluster("crash")
	td := harness.RegisterTaskDefinition(t, e.ecs, appDefinition("crash", "exit", "3"))
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("crash"), ServiceName: aws.String("crash"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: e.networkConfig()}); err != nil {
		t.Fatal(err)
	}
	var stopped types.Task
	harness.Eventually(t, 60*time.Second, "a stopped task", func() (bool, string) {
		ts := harness.ServiceTasks(t, e.ecs, "crash", "crash", types.DesiredStatusStopped)
		for _, tk := range ts {
			if aws.ToString(tk.LastStatus) == "STOPPED" {
				stopped = tk
				return true, ""
			}
		}
		return false, fmt.Sprint(len(ts), " stopping")
	})
	// "Essential container in task exited" with the container's exit code
	// (ECS developer guide, "Amazon ECS stopped task error messages").
	if got := aws.ToString(stopped.StoppedReason); got != "Essential container in task exited" {
		t.Errorf("stoppedReason %q", got)
	}
	if stopped.StopCode != types.TaskStopCodeEssentialContainerExited {
		t.Errorf("stopCode %q", stopped.StopCode)
	}
	if c := stopped.Containers[0]; aws.ToInt32(c.ExitCode) != 3 || aws.ToString(c.LastStatus) != "STOPPED" {
		t.Errorf("container exitCode %v lastStatus %s, want 3 STOPPED", aws.ToInt32(c.ExitCode), aws.ToString(c.LastStatus))
	}
	harness.Eventually(t, 60*time.Second, "a replacement task", func() (bool, string) {
		all := append(harness.ServiceTasks(t, e.ecs, "crash", "crash", types.DesiredStatusStopped),
			harness.ServiceTasks(t, e.ecs, "crash", "crash", "")...)
		return len(all) >= 2, fmt.Sprint(len(all), " tasks")
	})
}

// A health check that fails marks the task UNHEALTHY, and the service
// replaces it.
func TestDockerFailingHealthCheckIsReplaced(t *testing.T) {
	t.Parallel() // mostly waits for the health check's interval
	e := start(t)
	e.cluster("sick")
	in := appDefinition("sick", "serve")
	in.ContainerDefinitions[0].HealthCheck = &types.HealthCheck{Command: []string{"CMD", "/app", "health", "fail"},
		Interval: aws.Int32(5), Timeout: aws.Int32(2), Retries: aws.Int32(1)}
	td := harness.RegisterTaskDefinition(t, e.ecs, in)
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("sick"), ServiceName: aws.String("sick"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: e.networkConfig()}); err != nil {
		t.Fatal(err)
	}
	var stopped types.Task
	harness.Eventually(t, 40*time.Second, "the unhealthy task stopped", func() (bool, string) {
		ts := harness.ServiceTasks(t, e.ecs, "sick", "sick", types.DesiredStatusStopped)
		for _, tk := range ts {
			stopped = tk
			return true, ""
		}
		return false, "none stopping"
	})
	if stopped.HealthStatus != types.HealthStatusUnhealthy || stopped.Containers[0].HealthStatus != types.HealthStatusUnhealthy {
		t.Errorf("task health %s, container health %s, want UNHEALTHY", stopped.HealthStatus, stopped.Containers[0].HealthStatus)
	}
	// ECS developer guide, "Amazon ECS stopped task error messages".
	if got := aws.ToString(stopped.StoppedReason); got != "Task failed container health checks" {
		t.Errorf("stoppedReason %q", got)
	}
	harness.Eventually(t, 20*time.Second, "a replacement task", func() (bool, string) {
		ts := harness.ServiceTasks(t, e.ecs, "sick", "sick", "")
		return len(ts) >= 1, fmt.Sprint(len(ts), " running")
	})
}

// Inside the container, the metadata endpoint v4 answers with the task, and
// an unmodified SDK resolves the task role's credentials and calls
// Longshore (AWS_ENDPOINT_URL) as assumed-role/ROLE/TASK-ID. A task
// without a role gets no credentials.
func TestDockerMetadataAndTaskRoleInsideTheContainer(t *testing.T) {
	t.Parallel() // mostly waits for the SDK inside the containers
	e := start(t)
	e.cluster("meta")
	role, err := iam.NewFromConfig(e.ls.Config).CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("app-task"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	in := appDefinition("meta", "serve")
	in.TaskRoleArn = role.Role.Arn
	td := harness.RegisterTaskDefinition(t, e.ecs, in)
	metaTask := e.runTask("meta", td, &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("app"), Command: []string{"meta"}}}})
	whoTask := e.runTask("meta", td, &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("app"), Command: []string{"whoami"}}}})
	plain := harness.RegisterTaskDefinition(t, e.ecs, appDefinition("plain", "whoami"))
	noRole := e.runTask("meta", plain, nil)

	if got, want := e.waitLine(metaTask, "META ", 60*time.Second), "META "+metaTask+" 1"; got != want {
		t.Errorf("metadata endpoint: %q, want %q", got, want)
	}
	id := whoTask[strings.LastIndex(whoTask, "/")+1:]
	if got, want := e.waitLine(whoTask, "WHOAMI", 60*time.Second), "WHOAMI arn:aws:sts::000000000000:assumed-role/app-task/"+id; got != want {
		t.Errorf("caller identity: %q, want %q", got, want)
	}
	if got := e.waitLine(noRole, "WHOAMI", 60*time.Second); !strings.HasPrefix(got, "WHOAMI ERR") {
		t.Errorf("a task without a role: %q, want no credentials", got)
	}
}

// On an EC2 cluster, a bridge service's tasks get dynamic host ports, each
// published on a distinct real port of this machine.
func TestDockerBridgeServiceGetsDynamicPorts(t *testing.T) {
	e := start(t)
	e.cluster("ec2")
	harness.RegisterInstances(t, e.ls, map[string]any{"cluster": "ec2", "instanceType": "t3.medium", "count": 1})
	td := harness.RegisterTaskDefinition(t, e.ecs, &ecs.RegisterTaskDefinitionInput{Family: aws.String("bridge"),
		NetworkMode: types.NetworkModeBridge, RequiresCompatibilities: []types.Compatibility{types.CompatibilityEc2},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(testImage), Essential: aws.Bool(true),
			Memory: aws.Int32(64), Command: []string{"serve"}, StopTimeout: aws.Int32(2),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8080), HostPort: aws.Int32(0)}}}}})
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("ec2"), ServiceName: aws.String("bridge"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeEc2}); err != nil {
		t.Fatal(err)
	}
	var tasks []types.Task
	harness.Eventually(t, 60*time.Second, "2 running tasks", func() (bool, string) {
		tasks = harness.ServiceTasks(t, e.ecs, "ec2", "bridge", "")
		n := 0
		for _, tk := range tasks {
			if aws.ToString(tk.LastStatus) == "RUNNING" {
				n++
			}
		}
		return n == 2, fmt.Sprint(n, " running")
	})
	hostPorts := map[int32]bool{}
	for _, tk := range tasks {
		nb := tk.Containers[0].NetworkBindings
		if len(nb) != 1 || aws.ToInt32(nb[0].HostPort) < 32768 {
			t.Fatalf("network bindings %+v, want one dynamic host port", nb)
		}
		hostPorts[aws.ToInt32(nb[0].HostPort)] = true
	}
	if len(hostPorts) != 2 {
		t.Fatalf("host ports %v, want 2 distinct", hostPorts)
	}
	bs := e.bindings()
	real := map[string]bool{}
	for _, b := range bs {
		if !hostPorts[b.AWSHostPort] || !strings.HasPrefix(b.EC2, "i-") {
			t.Errorf("binding %+v matches no task's dynamic port on its instance", b)
		}
		real[b.HostAddress] = true
		harness.Eventually(t, 20*time.Second, "the task answering at "+b.HostAddress, func() (bool, string) {
			resp, err := http.Get("http://" + b.HostAddress)
			if err != nil {
				return false, err.Error()
			}
			resp.Body.Close()
			return resp.StatusCode == 200, resp.Status
		})
	}
	if len(real) != 2 {
		t.Errorf("real addresses %v, want 2 distinct", real)
	}
}

// POST /_longshore/reset removes the containers Longshore started and no
// other.
func TestDockerResetRemovesOnlyItsContainers(t *testing.T) {
	e := start(t)
	e.cluster("reset")
	td := harness.RegisterTaskDefinition(t, e.ecs, appDefinition("reset", "serve"))
	arn := e.runTask("reset", td, nil)
	harness.WaitTasksRunning(t, e.ecs, "reset", 60*time.Second, arn)
	mine := containersOf(t, arn)
	if len(mine) != 1 {
		t.Fatalf("%d containers for the task", len(mine))
	}
	// A container of the same image that Longshore did not start, with a
	// label that names a task of this run.
	other := foreignContainer(t, arn)
	if resp := harness.Raw(t, e.ls, "POST", "/_longshore/reset", nil, ""); resp.Status != 200 {
		t.Fatalf("reset: %d %s", resp.Status, resp.Body)
	}
	harness.Eventually(t, 20*time.Second, "the task's container removed", func() (bool, string) {
		for _, c := range containersOf(t, arn) {
			if c.ID == mine[0].ID {
				return false, c.State
			}
		}
		return true, ""
	})
	if _, err := cli.ContainerInspect(harness.Ctx, other); err != nil {
		t.Errorf("the container Longshore did not start is gone: %v", err)
	}
}
