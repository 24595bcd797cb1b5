package awslogs_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

const startedLine = "longshore: container web started (image " + image + ")"

func TestFargateTaskWritesItsStream(t *testing.T) {
	e := setup(t)
	e.createGroup(t, group)
	arn := e.runTask(t, e.taskDefinition(t, "web", logOptions()))
	task := e.waitRunning(t, arn)
	stream := "ecs/web/" + taskID(arn)

	var streams []string
	p := cwl.NewDescribeLogStreamsPaginator(e.logs, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group), LogStreamNamePrefix: aws.String("ecs/web/")})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.LogStreams {
			streams = append(streams, aws.ToString(s.LogStreamName))
			if aws.ToString(s.Arn) != "arn:aws:logs:us-east-1:000000000000:log-group:"+group+":log-stream:"+stream {
				t.Errorf("stream arn %s", aws.ToString(s.Arn))
			}
		}
	}
	if len(streams) != 1 || streams[0] != stream {
		t.Fatalf("streams %v, want [%s]", streams, stream)
	}
	got, err := e.logs.GetLogEvents(harness.Ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 1 || aws.ToString(got.Events[0].Message) != startedLine ||
		aws.ToInt64(got.Events[0].Timestamp) != task.StartedAt.UnixMilli() {
		t.Fatalf("events %+v, task started at %v", got.Events, task.StartedAt)
	}
	if rt := aws.ToString(task.Containers[0].RuntimeId); !strings.HasPrefix(rt, taskID(arn)+"-") {
		t.Errorf("runtime id %q", rt)
	}

	if _, err := e.ecs.StopTask(harness.Ctx, &ecs.StopTaskInput{Cluster: aws.String(cluster), Task: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	stopped := e.waitStopped(t, arn)
	msgs := e.messages(t, group, stream)
	if len(msgs) != 2 || msgs[0] != startedLine || msgs[1] != "longshore: container web exited with code 0" {
		t.Fatalf("messages %q", msgs)
	}
	if aws.ToInt32(stopped.Containers[0].ExitCode) != 0 || stopped.StopCode != types.TaskStopCodeUserInitiated {
		t.Fatalf("stopped task %+v", stopped)
	}

	// FilterLogEvents across the group finds the lines too.
	f, err := e.logs.FilterLogEvents(harness.Ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String("exited")})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Events) != 1 || aws.ToString(f.Events[0].LogStreamName) != stream {
		t.Fatalf("filtered %+v", f.Events)
	}
}

var failedReason = regexp.MustCompile(`^ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ` +
	`failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error StatusCode: 400, ` +
	`RequestID: [0-9a-f-]{36}, ResourceNotFoundException: The specified log group does not exist\. : exit status 1$`)

func TestMissingLogGroupFailsTask(t *testing.T) {
	e := setup(t)
	arn := e.runTask(t, e.taskDefinition(t, "web", logOptions()))
	task := e.waitStopped(t, arn)
	if task.StopCode != types.TaskStopCodeTaskFailedToStart || !failedReason.MatchString(aws.ToString(task.StoppedReason)) ||
		task.StartedAt != nil || aws.ToString(task.Containers[0].LastStatus) != "STOPPED" {
		t.Fatalf("task code %s reason %q started %v", task.StopCode, aws.ToString(task.StoppedReason), task.StartedAt)
	}
	_, err := e.logs.DescribeLogStreams(harness.Ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group)})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
}

func TestServiceSeesFailedTasks(t *testing.T) {
	e := setup(t)
	td := e.taskDefinition(t, "web", logOptions())
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: e.network(t)}); err != nil {
		t.Fatal(err)
	}
	var svc types.Service
	harness.Eventually(t, harness.Wait, "the deployment to count failed tasks", func() (bool, string) {
		out, err := e.ecs.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{"web"}})
		if err != nil || len(out.Services) != 1 {
			return false, ""
		}
		svc = out.Services[0]
		return svc.Deployments[0].FailedTasks >= 1, ""
	})
	if svc.RunningCount != 0 {
		t.Fatalf("running %d with no log group", svc.RunningCount)
	}
	out, err := e.ecs.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String("web"), DesiredStatus: types.DesiredStatusStopped})
	if err != nil || len(out.TaskArns) == 0 {
		t.Fatalf("stopped tasks %v %v", out, err)
	}
	d, err := e.ecs.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: out.TaskArns[:1]})
	if err != nil || d.Tasks[0].StopCode != types.TaskStopCodeTaskFailedToStart || !failedReason.MatchString(aws.ToString(d.Tasks[0].StoppedReason)) {
		t.Fatalf("failed task %+v %v", d, err)
	}

	// Once the group exists, the service's next task runs.
	e.createGroup(t, group)
	harness.WaitStable(t, e.ecs, cluster, "web")
}

func TestCreateGroupOption(t *testing.T) {
	e := setup(t)
	arn := e.runTask(t, e.taskDefinition(t, "web", logOptions("awslogs-create-group", "true")))
	e.waitRunning(t, arn)
	out, err := e.logs.DescribeLogGroups(harness.Ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogGroups) != 1 || aws.ToString(out.LogGroups[0].LogGroupName) != group {
		t.Fatalf("groups %+v", out.LogGroups)
	}
	if msgs := e.messages(t, group, "ecs/web/"+taskID(arn)); len(msgs) != 1 || msgs[0] != startedLine {
		t.Fatalf("messages %q", msgs)
	}
}

func TestControlEndpointAppendsLines(t *testing.T) {
	e := setup(t)
	e.createGroup(t, group)
	arn := e.runTask(t, e.taskDefinition(t, "web", logOptions()))
	e.waitRunning(t, arn)
	resp := e.pushLines(t, map[string]any{"cluster": cluster, "task": arn, "container": "web",
		"lines": []string{"listening on :80", "GET /health 200\nGET / 200"}})
	if resp.Status != 200 {
		t.Fatalf("%d %s", resp.Status, resp.Body)
	}
	var res struct {
		LogGroupName, LogStreamName string
		Events                      int
	}
	if err := json.Unmarshal([]byte(resp.Body), &res); err != nil {
		t.Fatal(err)
	}
	stream := "ecs/web/" + taskID(arn)
	if res.LogGroupName != group || res.LogStreamName != stream || res.Events != 3 {
		t.Fatalf("answer %s", resp.Body)
	}
	want := []string{startedLine, "listening on :80", "GET /health 200", "GET / 200"}
	if msgs := e.messages(t, group, stream); strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Fatalf("messages %q, want %q", msgs, want)
	}

	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"cluster": cluster, "task": arn, "container": "db", "lines": []string{"x"}}, `has no container named`},
		{map[string]any{"cluster": cluster, "task": "0123456789abcdef0123456789abcdef", "lines": []string{"x"}}, "The referenced task was not found."},
		{map[string]any{"cluster": cluster, "task": arn, "lines": []string{}}, "at least one non-empty line"},
		{map[string]any{"cluster": "nope", "task": arn, "lines": []string{"x"}}, "ClusterNotFoundException"},
	} {
		if r := e.pushLines(t, c.body); r.Status != 400 || !strings.Contains(r.Body, c.want) {
			t.Errorf("%v: %d %s, want 400 with %q", c.body, r.Status, r.Body, c.want)
		}
	}
	if _, err := e.ecs.StopTask(harness.Ctx, &ecs.StopTaskInput{Cluster: aws.String(cluster), Task: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	e.waitStopped(t, arn)
	if r := e.pushLines(t, map[string]any{"cluster": cluster, "task": arn, "lines": []string{"late"}}); r.Status != 400 || !strings.Contains(r.Body, "is not running") {
		t.Fatalf("push after stop: %d %s", r.Status, r.Body)
	}
}

// The CLI reads a task's stream the way `aws logs tail` users do with v1.
func TestCLIGetLogEvents(t *testing.T) {
	e := setup(t)
	e.createGroup(t, group)
	arn := e.runTask(t, e.taskDefinition(t, "web", logOptions()))
	e.waitRunning(t, arn)
	if r := e.pushLines(t, map[string]any{"cluster": cluster, "task": taskID(arn), "lines": []string{"hello from the CLI test"}}); r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	out, err := harness.AWSCLI(t, e.ls, nil, "logs", "get-log-events", "--log-group-name", group,
		"--log-stream-name", "ecs/web/"+taskID(arn), "--start-from-head")
	if err != nil {
		t.Fatalf("aws logs get-log-events: %v\n%s", err, out)
	}
	var got struct {
		Events []struct {
			Timestamp int64  `json:"timestamp"`
			Message   string `json:"message"`
		} `json:"events"`
		NextForwardToken string `json:"nextForwardToken"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got.Events) != 2 || got.Events[0].Message != startedLine || got.Events[1].Message != "hello from the CLI test" || got.NextForwardToken == "" {
		t.Fatalf("events %+v", got)
	}
	out, err = harness.AWSCLI(t, e.ls, nil, "logs", "filter-log-events", "--log-group-name", group, "--log-stream-name-prefix", "ecs/web/",
		"--filter-pattern", "hello")
	if err != nil {
		t.Fatalf("aws logs filter-log-events: %v\n%s", err, out)
	}
	harness.Contains(t, out, `"message": "hello from the CLI test"`)
	harness.Contains(t, out, `"logStreamName": "ecs/web/`+taskID(arn)+`"`)
}
