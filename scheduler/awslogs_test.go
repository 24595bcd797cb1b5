package scheduler

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/services/ecs/control"
	"github.com/longshore/longshore/services/logs"
)

func TestStreamName(t *testing.T) {
	cases := []struct{ prefix, container, task, runtime, want string }{
		{"web", "app", "0123abcd", "", "web/app/0123abcd"},
		{"ecs/prod", "nginx", "f00d", "rt", "ecs/prod/nginx/f00d"},
		{"", "app", "0123abcd", "4f1c0e", "4f1c0e"},
	}
	for _, c := range cases {
		if got := StreamName(c.prefix, c.container, c.task, c.runtime); got != c.want {
			t.Errorf("StreamName(%q, %q, %q, %q) = %q, want %q", c.prefix, c.container, c.task, c.runtime, got, c.want)
		}
	}
}

func TestAwslogsTargets(t *testing.T) {
	td := &types.TaskDefinition{ContainerDefinitions: []types.ContainerDefinition{
		{Name: aws.String("plain")},
		{Name: aws.String("json"), LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverJsonFile}},
		{Name: aws.String("web"), LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
			"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "ecs", "awslogs-create-group": "true"}}},
		{Name: aws.String("side"), LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
			"awslogs-group": "/ecs/side", "awslogs-create-group": "nonsense"}}},
	}}
	got := awslogsTargets(td, "us-east-1")
	want := []awslogsTarget{
		{Container: "web", Group: "/ecs/web", Region: "eu-west-1", Prefix: "ecs", CreateGroup: true},
		{Container: "side", Group: "/ecs/side", Region: "us-east-1"},
	}
	if len(got) != len(want) {
		t.Fatalf("targets %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("target %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if awslogsTargets(nil, "us-east-1") != nil {
		t.Error("a missing task definition has targets")
	}
}

func TestLoggerRefusalReason(t *testing.T) {
	r := &loggerRefusal{"stream", "CreateLogStream", apierror.New("ResourceNotFoundException", "The specified log group does not exist.")}
	fargate := regexp.MustCompile(`^ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ` +
		`failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error StatusCode: 400, ` +
		`RequestID: [0-9a-f-]{36}, ResourceNotFoundException: The specified log group does not exist\. : exit status 1$`)
	if got := r.reason(true); !fargate.MatchString(got) {
		t.Errorf("Fargate reason %q", got)
	}
	ec2 := regexp.MustCompile(`^CannotStartContainerError: Error response from daemon: failed to create task for container: ` +
		`failed to initialize logging driver: failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, ` +
		`https response error StatusCode: 400, RequestID: [0-9a-f-]{36}, ResourceNotFoundException: The specified log group does not exist\.$`)
	if got := r.reason(false); !ec2.MatchString(got) {
		t.Errorf("EC2 reason %q", got)
	}
}

func TestLogNameRules(t *testing.T) {
	for name, ok := range map[string]bool{"/ecs/web": true, "a.b-c_d#e": true, "bad name": false, "": false, strings.Repeat("a", 513): false} {
		if got := validGroupName(name) == nil; got != ok {
			t.Errorf("group %q valid = %v", name, got)
		}
	}
	for name, ok := range map[string]bool{"ecs/web/0123": true, "a:b": false, "a*": false, "": false} {
		if got := validStreamName(name) == nil; got != ok {
			t.Errorf("stream %q valid = %v", name, got)
		}
	}
}

// awslogsDefinition registers a definition whose one container logs through
// awslogs with options (Fargate-ready unless mutate says otherwise).
func (h *harness) awslogsDefinition(family string, options map[string]string, mutate ...func(*types.TaskDefinition)) string {
	arn := "arn:aws:ecs:us-east-1:000000000000:task-definition/" + family + ":1"
	td := &types.TaskDefinition{TaskDefinitionArn: aws.String(arn), Family: aws.String(family), Revision: 1,
		Status: types.TaskDefinitionStatusActive, NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx:1.25"), Essential: aws.Bool(true),
			Cpu: 256, Memory: aws.Int32(512), LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: options}}}}
	for _, m := range mutate {
		m(td)
	}
	h.write(func(c *api.Context) error {
		return ecscore.PutTaskDefinition(c.Tx, testScope, &ecscore.TaskDefinitionRecord{Def: td})
	})
	return arn
}

var logsAPI = logs.New()

// logsCall runs a CloudWatch Logs operation in region.
func (h *harness) logsCall(region, op string, in any) (any, error) {
	h.t.Helper()
	var out any
	var callErr error
	h.write(func(c *api.Context) error {
		c.Region = region
		out, callErr = logsAPI.Handlers[op].Call(c, in)
		return nil
	})
	return out, callErr
}

func (h *harness) createLogGroup(region, name string) {
	h.t.Helper()
	if _, err := h.logsCall(region, "CreateLogGroup", &cwl.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) logGroups(region string) []string {
	h.t.Helper()
	out, err := h.logsCall(region, "DescribeLogGroups", &cwl.DescribeLogGroupsInput{})
	if err != nil {
		h.t.Fatal(err)
	}
	var names []string
	for _, g := range out.(*cwl.DescribeLogGroupsOutput).LogGroups {
		names = append(names, aws.ToString(g.LogGroupName))
	}
	return names
}

// logStreams lists a group's streams (nil when the group does not exist).
func (h *harness) logStreams(region, group string) []string {
	h.t.Helper()
	out, err := h.logsCall(region, "DescribeLogStreams", &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group)})
	if err != nil {
		return nil
	}
	names := []string{}
	for _, s := range out.(*cwl.DescribeLogStreamsOutput).LogStreams {
		names = append(names, aws.ToString(s.LogStreamName))
	}
	return names
}

type logLine struct {
	at  time.Time
	msg string
}

func (h *harness) logEvents(region, group, stream string) []logLine {
	h.t.Helper()
	out, err := h.logsCall(region, "GetLogEvents", &cwl.GetLogEventsInput{LogGroupName: aws.String(group),
		LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
	if err != nil {
		h.t.Fatalf("events of %s %s: %v", group, stream, err)
	}
	var lines []logLine
	for _, e := range out.(*cwl.GetLogEventsOutput).Events {
		lines = append(lines, logLine{time.UnixMilli(aws.ToInt64(e.Timestamp)).UTC(), aws.ToString(e.Message)})
	}
	return lines
}

func onlyTask(t *testing.T, h *harness) *types.Task {
	t.Helper()
	ts := h.tasks()
	if len(ts) != 1 {
		t.Fatalf("%d tasks, want 1", len(ts))
	}
	return ts[0]
}

// firstTask is the service's first task (failed ones are replaced at once).
func firstTask(t *testing.T, h *harness) *types.Task {
	t.Helper()
	var first *types.Task
	for _, x := range h.tasks() {
		if aws.ToTime(x.CreatedAt).Equal(t0) {
			first = x
		}
	}
	if first == nil {
		t.Fatal("no task created at t0")
	}
	return first
}

func (h *harness) stopTask(task *types.Task) {
	h.write(func(c *api.Context) error {
		ecscore.RequestStop(task, types.TaskStopCodeUserInitiated, ecscore.ReasonUserStopped, c.Now())
		return ecscore.PutTask(c.Tx, testScope, task)
	})
}

var webLogs = map[string]string{"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}

func TestAwslogsStreamAndLifecycleLines(t *testing.T) {
	h := newHarness(t)
	h.createLogGroup(testRegion, "/ecs/web")
	h.service("web", h.awslogsDefinition("web", webLogs), 1, types.LaunchTypeFargate)
	h.pass()
	if s := h.logStreams(testRegion, "/ecs/web"); len(s) != 0 {
		t.Fatalf("streams %v before the container is created", s)
	}
	// PENDING to ACTIVATING (half the start delay): the driver creates the stream.
	h.clock.Add(testTimings.StartDelay / 2)
	h.pass()
	task := onlyTask(t, h)
	id := TaskID(aws.ToString(task.TaskArn))
	stream := "ecs/app/" + id
	if s := h.logStreams(testRegion, "/ecs/web"); len(s) != 1 || s[0] != stream {
		t.Fatalf("streams %v, want [%s]", s, stream)
	}
	if aws.ToString(task.LastStatus) != ecscore.TaskActivating || len(h.logEvents(testRegion, "/ecs/web", stream)) != 0 {
		t.Fatalf("task %s, events %v", aws.ToString(task.LastStatus), h.logEvents(testRegion, "/ecs/web", stream))
	}
	if rt := aws.ToString(task.Containers[0].RuntimeId); !regexp.MustCompile(`^` + id + `-\d{10}$`).MatchString(rt) {
		t.Errorf("runtime id %q", rt)
	}
	h.clock.Add(testTimings.StartDelay / 2)
	h.pass()
	task = onlyTask(t, h)
	lines := h.logEvents(testRegion, "/ecs/web", stream)
	if len(lines) != 1 || lines[0].msg != "longshore: container app started (image nginx:1.25)" || !lines[0].at.Equal(aws.ToTime(task.StartedAt)) {
		t.Fatalf("lines %+v, started %v", lines, task.StartedAt)
	}
	h.stopTask(task)
	h.clock.Add(time.Minute)
	h.pass()
	for _, task = range h.tasks() {
		if aws.ToString(task.LastStatus) == ecscore.TaskStopped {
			break
		}
	}
	lines = h.logEvents(testRegion, "/ecs/web", stream)
	if len(lines) != 2 || lines[1].msg != "longshore: container app exited with code 0" || !lines[1].at.Equal(aws.ToTime(task.ExecutionStoppedAt)) {
		t.Fatalf("lines %+v, execution stopped %v", lines, task.ExecutionStoppedAt)
	}
	// More passes write nothing more.
	h.clock.Add(time.Minute)
	h.pass()
	if n := len(h.logEvents(testRegion, "/ecs/web", stream)); n != 2 {
		t.Fatalf("%d lines after more passes", n)
	}
}

func TestAwslogsLatePassKeepsTimes(t *testing.T) {
	h := newHarness(t)
	h.createLogGroup(testRegion, "/ecs/web")
	h.service("web", h.awslogsDefinition("web", webLogs, func(td *types.TaskDefinition) {
		td.ContainerDefinitions[0].DockerLabels = map[string]string{LabelExitAfter: "10s", LabelExitCode: "3"}
	}), 1, types.LaunchTypeFargate)
	h.pass()
	h.clock.Add(time.Minute) // one late pass goes through start, exit and stop
	h.pass()
	var task *types.Task
	for _, x := range h.tasks() {
		if aws.ToString(x.LastStatus) == ecscore.TaskStopped {
			task = x
		}
	}
	if task == nil {
		t.Fatal("no stopped task")
	}
	lines := h.logEvents(testRegion, "/ecs/web", "ecs/app/"+TaskID(aws.ToString(task.TaskArn)))
	want := []logLine{{t0.Add(testTimings.StartDelay), "longshore: container app started (image nginx:1.25)"},
		{aws.ToTime(task.ExecutionStoppedAt), "longshore: container app exited with code 3"}}
	if len(lines) != 2 || lines[0] != want[0] || lines[1] != want[1] {
		t.Fatalf("lines %+v, want %+v", lines, want)
	}
}

func TestAwslogsMissingGroupFailsTask(t *testing.T) {
	h := newHarness(t)
	svcArn := h.service("web", h.awslogsDefinition("web", webLogs), 1, types.LaunchTypeFargate)
	h.pass()
	h.clock.Add(testTimings.StartDelay / 2)
	h.pass()
	task := firstTask(t, h)
	reason := aws.ToString(task.StoppedReason)
	if ecscore.Live(task) || task.StopCode != types.TaskStopCodeTaskFailedToStart || task.PullStoppedAt == nil ||
		!strings.HasPrefix(reason, "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream,") ||
		!strings.HasSuffix(reason, ", ResourceNotFoundException: The specified log group does not exist. : exit status 1") {
		t.Fatalf("task desired %s code %s reason %q", aws.ToString(task.DesiredStatus), task.StopCode, reason)
	}
	if task.Containers[0].Reason != nil {
		t.Errorf("Fargate container reason %q", aws.ToString(task.Containers[0].Reason))
	}
	h.clock.Add(testTimings.StopDelay)
	h.pass()
	stopped := firstTask(t, h)
	if aws.ToString(stopped.LastStatus) != ecscore.TaskStopped || stopped.StartedAt != nil {
		t.Fatalf("task %s started %v", aws.ToString(stopped.LastStatus), stopped.StartedAt)
	}
	if svc := h.getService(svcArn); svc.Deployments[0].FailedTasks != 1 {
		t.Fatalf("failed tasks %d, want the service to count the failure", svc.Deployments[0].FailedTasks)
	}
	if g := h.logGroups(testRegion); len(g) != 0 {
		t.Fatalf("groups %v created without awslogs-create-group", g)
	}
}

func TestAwslogsCreateGroup(t *testing.T) {
	cases := []struct {
		group, create string
		runs          bool
	}{
		{"/ecs/new", "true", true},
		{"/ecs/new", "false", false},
		{"bad group", "true", false},
	}
	for _, c := range cases {
		h := newHarness(t)
		h.service("web", h.awslogsDefinition("web", map[string]string{"awslogs-group": c.group, "awslogs-region": "us-east-1",
			"awslogs-stream-prefix": "ecs", "awslogs-create-group": c.create}), 1, types.LaunchTypeFargate)
		h.pass()
		h.clock.Add(testTimings.StartDelay)
		h.pass()
		task := firstTask(t, h)
		if ecscore.Running(task) != c.runs {
			t.Errorf("%q create=%s: task %s reason %q", c.group, c.create, aws.ToString(task.LastStatus), aws.ToString(task.StoppedReason))
			continue
		}
		if !c.runs {
			continue
		}
		if g := h.logGroups(testRegion); len(g) != 1 || g[0] != c.group {
			t.Errorf("groups %v", g)
		}
		if s := h.logStreams(testRegion, c.group); len(s) != 1 {
			t.Errorf("streams %v", s)
		}
	}
	// A group name CloudWatch Logs refuses fails the group's creation.
	h := newHarness(t)
	h.service("web", h.awslogsDefinition("web", map[string]string{"awslogs-group": "bad group", "awslogs-region": "us-east-1",
		"awslogs-stream-prefix": "ecs", "awslogs-create-group": "true"}), 1, types.LaunchTypeFargate)
	h.pass()
	h.clock.Add(testTimings.StartDelay)
	h.pass()
	if r := aws.ToString(firstTask(t, h).StoppedReason); !strings.Contains(r, "failed to create Cloudwatch log group: operation error CloudWatch Logs: CreateLogGroup,") ||
		!strings.Contains(r, "InvalidParameterException: 1 validation error detected: Value 'bad group' at 'logGroupName'") {
		t.Errorf("reason %q", r)
	}
}

func TestAwslogsRegionOption(t *testing.T) {
	h := newHarness(t)
	h.createLogGroup("eu-west-1", "/ecs/web")
	h.service("web", h.awslogsDefinition("web", map[string]string{"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1",
		"awslogs-stream-prefix": "ecs"}), 1, types.LaunchTypeFargate)
	h.pass()
	h.clock.Add(testTimings.StartDelay)
	h.pass()
	task := onlyTask(t, h)
	if !ecscore.Running(task) {
		t.Fatalf("task %s: %s", aws.ToString(task.LastStatus), aws.ToString(task.StoppedReason))
	}
	stream := "ecs/app/" + TaskID(aws.ToString(task.TaskArn))
	if n := len(h.logEvents("eu-west-1", "/ecs/web", stream)); n != 1 {
		t.Fatalf("%d lines in eu-west-1", n)
	}
	if g := h.logGroups(testRegion); len(g) != 0 {
		t.Fatalf("groups %v in the task's region", g)
	}
}

// ec2Task starts a standalone EC2 task (bridge mode, no instance needed by the lifecycle).
func (h *harness) ec2Task(td string) *types.Task {
	var task *types.Task
	h.write(func(c *api.Context) error {
		def, err := ecscore.TaskDefinitions.Get(c.Tx, testScope, td)
		if err != nil {
			return err
		}
		task, err = ecs.NewTask(c, ecs.TaskSpec{ClusterArn: testCluster, TaskDefinition: def, LaunchType: types.LaunchTypeEc2})
		return err
	})
	return task
}

func TestAwslogsEC2(t *testing.T) {
	bridge := func(td *types.TaskDefinition) { td.NetworkMode, td.Cpu, td.Memory = types.NetworkModeBridge, nil, nil }
	noPrefix := map[string]string{"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}

	h := newHarness(t)
	h.ec2Task(h.awslogsDefinition("web", noPrefix, bridge))
	h.pass()
	h.clock.Add(testTimings.StartDelay)
	h.pass()
	task := firstTask(t, h)
	reason := aws.ToString(task.StoppedReason)
	if task.StopCode != types.TaskStopCodeTaskFailedToStart || aws.ToString(task.Containers[0].Reason) != reason ||
		!strings.HasPrefix(reason, "CannotStartContainerError: Error response from daemon: failed to create task for container: failed to initialize logging driver: failed to create Cloudwatch log stream: ") ||
		!strings.HasSuffix(reason, "ResourceNotFoundException: The specified log group does not exist.") {
		t.Fatalf("code %s reason %q container reason %q", task.StopCode, reason, aws.ToString(task.Containers[0].Reason))
	}

	// Without a prefix the stream is named after the container's Docker ID.
	h = newHarness(t)
	h.createLogGroup(testRegion, "/ecs/web")
	h.ec2Task(h.awslogsDefinition("web", noPrefix, bridge))
	h.pass()
	h.clock.Add(testTimings.StartDelay)
	h.pass()
	task = onlyTask(t, h)
	rt := aws.ToString(task.Containers[0].RuntimeId)
	if !ecscore.Running(task) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(rt) {
		t.Fatalf("task %s runtime id %q", aws.ToString(task.LastStatus), rt)
	}
	if s := h.logStreams(testRegion, "/ecs/web"); len(s) != 1 || s[0] != rt {
		t.Fatalf("streams %v, want [%s]", s, rt)
	}
}

func (h *harness) pushLogs(body map[string]any) (any, error) {
	var route api.ControlRoute
	for _, r := range h.r.ControlRoutes(testRegion) {
		if r.Path == "/ecs/tasks/logs" {
			route = r
		}
	}
	if route.Handle == nil {
		h.t.Fatal("no /ecs/tasks/logs route")
	}
	b, _ := json.Marshal(body)
	return route.Handle(context.Background(), b)
}

func TestAwslogsControlEndpoint(t *testing.T) {
	h := newHarness(t)
	h.createLogGroup(testRegion, "/ecs/web")
	h.service("web", h.awslogsDefinition("web", webLogs), 1, types.LaunchTypeFargate)
	h.service("plain", h.taskDefinition("plain", types.NetworkModeAwsvpc, nil), 1, types.LaunchTypeFargate)
	h.pass()
	var web, plain *types.Task
	for _, x := range h.tasks() {
		if aws.ToString(x.Group) == "service:web" {
			web = x
		} else {
			plain = x
		}
	}
	webID := TaskID(aws.ToString(web.TaskArn))
	refusals := []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"cluster": "default", "task": webID, "container": "app", "lines": []string{"x"}}, "has not started yet"},
		{map[string]any{"cluster": "default", "task": "0123456789abcdef0123456789abcdef", "lines": []string{"x"}}, "The referenced task was not found."},
		{map[string]any{"cluster": "default", "task": webID, "container": "nope", "lines": []string{"x"}}, `has no container named "nope"`},
		{map[string]any{"cluster": "default", "task": webID, "lines": []string{"", "\n"}}, "at least one non-empty line"},
		{map[string]any{"cluster": "default", "task": aws.ToString(plain.TaskArn), "lines": []string{"x"}}, "does not use the awslogs log driver"},
		{map[string]any{"cluster": "nope", "task": webID, "lines": []string{"x"}}, "Cluster not found."},
	}
	for _, r := range refusals {
		if _, err := h.pushLogs(r.body); err == nil || !strings.Contains(err.Error(), r.want) {
			t.Errorf("%v: %v, want %q", r.body, err, r.want)
		}
	}
	h.clock.Add(testTimings.StartDelay)
	h.pass()
	out, err := h.pushLogs(map[string]any{"cluster": "default", "task": webID, "lines": []string{"GET / 200", "panic: x\n\tmain.go:3"}})
	if err != nil {
		t.Fatal(err)
	}
	res := out.(control.TaskLogsResult)
	stream := "ecs/app/" + webID
	if res.LogGroupName != "/ecs/web" || res.LogStreamName != stream || res.Events != 3 || res.Region != testRegion {
		t.Fatalf("result %+v", res)
	}
	var msgs []string
	for _, l := range h.logEvents(testRegion, "/ecs/web", stream) {
		msgs = append(msgs, l.msg)
	}
	want := "longshore: container app started (image nginx:1.25)|GET / 200|panic: x|\tmain.go:3"
	if strings.Join(msgs, "|") != want {
		t.Fatalf("messages %q", msgs)
	}
	h.stopTask(onlyWeb(h))
	h.clock.Add(time.Minute)
	h.pass()
	if _, err := h.pushLogs(map[string]any{"cluster": "default", "task": webID, "lines": []string{"late"}}); err == nil || !strings.Contains(err.Error(), "is not running") {
		t.Fatalf("push to a stopped task: %v", err)
	}
}

func onlyWeb(h *harness) *types.Task {
	for _, x := range h.tasks() {
		if aws.ToString(x.Group) == "service:web" && ecscore.Live(x) {
			return x
		}
	}
	h.t.Fatal("no live web task")
	return nil
}
