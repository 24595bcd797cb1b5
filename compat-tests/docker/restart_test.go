package docker

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/docker/docker/api/types/container"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
	"github.com/longshore/longshore/server"
)

// Restarted on the same database after a crash (no clean shutdown), the
// Docker runtime adopts the containers of the tasks it still owns and
// removes its orphans. A container then killed from outside (docker kill)
// stops its task with exit code 137, and the service replaces it.
func TestDockerRestartAdoptsAndDockerKillIsReplaced(t *testing.T) {
	t.Parallel()
	needDocker(t)
	db := filepath.Join(t.TempDir(), "longshore.db")

	// The first run: a service of one, then the process stops without its
	// shutdown (its containers stay).
	srv, err := server.New(server.Config{DB: db, Runtime: "docker", TimeScale: 10})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stop := srv.Start(ctx)
	t.Cleanup(stop) // after the second run's cleanup: it removes nothing left
	hs := httptest.NewServer(srv.Handler)
	first := &env{t: t, ls: &longshoretest.Instance{URL: hs.URL, Config: longshoretest.Config(hs.URL, "us-east-1", "test", longshoretest.HTTPClient())}}
	first.ecs = ecs.NewFromConfig(first.ls.Config)
	first.cluster("keep")
	td := harness.RegisterTaskDefinition(t, first.ecs, appDefinition("keep", "serve"))
	if _, err := first.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("keep"), ServiceName: aws.String("keep"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: first.networkConfig()}); err != nil {
		t.Fatal(err)
	}
	var arn string
	harness.Eventually(t, 60*time.Second, "the service's task running", func() (bool, string) {
		for _, tk := range harness.ServiceTasks(t, first.ecs, "keep", "keep", "") {
			if aws.ToString(tk.LastStatus) == "RUNNING" {
				arn = aws.ToString(tk.TaskArn)
				return true, ""
			}
		}
		return false, ""
	})
	kept := containersOf(t, arn)
	if len(kept) != 1 {
		t.Fatalf("%d containers", len(kept))
	}
	// An orphan: owned by this database, of a task it does not know.
	orphanLabels := map[string]string{"longshore.instance": kept[0].Labels["longshore.instance"],
		"com.amazonaws.ecs.task-arn": "arn:aws:ecs:us-east-1:000000000000:task/keep/00000000000000000000000000000000"}
	o, err := cli.ContainerCreate(harness.Ctx, &container.Config{Image: testImage, Labels: orphanLabels}, nil, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.ContainerRemove(harness.Ctx, o.ID, container.RemoveOptions{Force: true}) })
	cancel()
	hs.Close()
	srv.Close()

	// The second run, on the same database.
	e := &env{t: t, ls: longshoretest.StartWith(t, longshoretest.Options{DB: db, Runtime: "docker", TimeScale: 10})}
	e.ecs, e.logs = ecs.NewFromConfig(e.ls.Config), cwl.NewFromConfig(e.ls.Config)
	harness.Eventually(t, 20*time.Second, "the orphan removed", func() (bool, string) {
		_, err := cli.ContainerInspect(harness.Ctx, o.ID)
		return err != nil, "still there"
	})
	if tk := e.describe("keep", arn); aws.ToString(tk.LastStatus) != "RUNNING" || aws.ToString(tk.Containers[0].RuntimeId) != kept[0].ID {
		t.Fatalf("adopted task %s with container %s, want RUNNING with %s", aws.ToString(tk.LastStatus), aws.ToString(tk.Containers[0].RuntimeId), kept[0].ID)
	}
	// docker kill from outside: SIGKILL, exit code 137.
	if err := cli.ContainerKill(harness.Ctx, kept[0].ID, "KILL"); err != nil {
		t.Fatal(err)
	}
	stopped := harness.WaitTasksStopped(t, e.ecs, "keep", 60*time.Second, arn)[0]
	if aws.ToString(stopped.StoppedReason) != "Essential container in task exited" || aws.ToInt32(stopped.Containers[0].ExitCode) != 137 {
		t.Errorf("stopped with %q, exit code %d; want the essential container's exit and 137",
			aws.ToString(stopped.StoppedReason), aws.ToInt32(stopped.Containers[0].ExitCode))
	}
	harness.Eventually(t, 60*time.Second, "a replacement running", func() (bool, string) {
		for _, tk := range harness.ServiceTasks(t, e.ecs, "keep", "keep", "") {
			if aws.ToString(tk.TaskArn) != arn && aws.ToString(tk.LastStatus) == "RUNNING" {
				return true, ""
			}
		}
		return false, ""
	})
}

// The AWS CLI drives the same: run-task with a command override, and the
// container's output through logs get-log-events.
func TestDockerCLIRunTaskOutputInLogs(t *testing.T) {
	t.Parallel() // mostly waits for the CLI to start
	e := start(t)
	e.cluster("cli")
	harness.RegisterTaskDefinition(t, e.ecs, appDefinition("cli", "serve"))
	subnet := harness.DefaultSubnets(t, e.ls.Config)[0]
	out := harness.CLI(t, e.ls, "ecs", "run-task", "--cluster", "cli", "--task-definition", "cli", "--launch-type", "FARGATE",
		"--network-configuration", "awsvpcConfiguration={subnets=["+subnet+"]}",
		"--overrides", `{"containerOverrides":[{"name":"app","command":["echo","via","the","cli"]}]}`,
		"--query", "tasks[0].taskArn", "--output", "text")
	arn := out
	harness.WaitTasksRunning(t, e.ecs, "cli", 60*time.Second, arn)
	e.waitLine(arn, "via the cli", 15*time.Second)
	got := harness.CLI(t, e.ls, "logs", "get-log-events", "--log-group-name", logGroup,
		"--log-stream-name", "app/app/"+arn[strings.LastIndex(arn, "/")+1:], "--query", "events[].message", "--output", "text")
	harness.Contains(t, got, "via the cli")
}

// Figure: RunTask of 10 tasks until all are RUNNING, with real containers
// and with simulated ones; the per-task overhead of Docker is their ratio.
// It takes half a minute on a busy machine: it runs with LONGSHORE_FIGURES=1.
func TestDockerRunTenTasksFigure(t *testing.T) {
	needDocker(t)
	if os.Getenv("LONGSHORE_FIGURES") == "" {
		t.Skip("a figure, not a check: set LONGSHORE_FIGURES=1 to measure it")
	}
	measure := func(runtime string) time.Duration {
		ls := longshoretest.StartWith(t, longshoretest.Options{Runtime: runtime, TimeScale: 10})
		e := &env{t: t, ls: ls, ecs: ecs.NewFromConfig(ls.Config)}
		e.cluster("ten")
		td := harness.RegisterTaskDefinition(t, e.ecs, appDefinition("ten", "serve"))
		begun := time.Now()
		out, err := e.ecs.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String("ten"), TaskDefinition: aws.String(td), Count: aws.Int32(10),
			LaunchType: types.LaunchTypeFargate, NetworkConfiguration: e.networkConfig()})
		if err != nil || len(out.Tasks) != 10 {
			t.Fatalf("RunTask: %v %+v", err, out)
		}
		var arns []string
		for _, tk := range out.Tasks {
			arns = append(arns, aws.ToString(tk.TaskArn))
		}
		harness.Eventually(t, 60*time.Second, "10 tasks running", func() (bool, string) {
			d, err := e.ecs.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("ten"), Tasks: arns})
			if err != nil {
				return false, err.Error()
			}
			n := 0
			for _, tk := range d.Tasks {
				if aws.ToString(tk.LastStatus) == "RUNNING" {
					n++
				}
			}
			return n == 10, fmt.Sprint(n, " running")
		})
		return time.Since(begun)
	}
	sim := measure("simulated")
	real := measure("docker")
	t.Logf("RunTask of 10 to RUNNING (time scale 10): simulated %v, docker %v, ratio %.1f", sim.Round(time.Millisecond), real.Round(time.Millisecond), float64(real)/float64(sim))
}
