package awslogs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

const (
	cluster = "logs"
	image   = "public.ecr.aws/nginx/nginx:1.25"
	group   = "/ecs/web"
)

type env struct {
	ls   *longshoretest.Instance
	ecs  *ecs.Client
	logs *cwl.Client
}

// setup starts Longshore with a cluster and returns its ECS and CloudWatch Logs clients.
func setup(t *testing.T) env {
	t.Helper()
	ls := harness.Start(t)
	e := env{ls: ls, ecs: ecs.NewFromConfig(ls.Config), logs: cwl.NewFromConfig(ls.Config)}
	harness.CreateCluster(t, e.ecs, cluster)
	return e
}

func (e env) createGroup(t *testing.T, name string) {
	t.Helper()
	if _, err := e.logs.CreateLogGroup(harness.Ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

// taskDefinition registers a Fargate definition whose container "web" logs
// through awslogs with the given options.
func (e env) taskDefinition(t *testing.T, family string, options map[string]string) string {
	t.Helper()
	in := harness.FargateDefinition(family, "web", image)
	in.ExecutionRoleArn = aws.String("arn:aws:iam::000000000000:role/ecsTaskExecutionRole")
	in.ContainerDefinitions[0].LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: options}
	return harness.RegisterTaskDefinition(t, e.ecs, in)
}

func logOptions(extra ...string) map[string]string {
	o := map[string]string{"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}
	for i := 0; i+1 < len(extra); i += 2 {
		o[extra[i]] = extra[i+1]
	}
	return o
}

// runTask runs one Fargate task and returns its ARN.
func (e env) runTask(t *testing.T, td string) string {
	t.Helper()
	out, err := e.ecs.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: aws.String(td),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: e.network(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) != 1 {
		t.Fatalf("run task: %+v", out.Failures)
	}
	return aws.ToString(out.Tasks[0].TaskArn)
}

func (e env) waitRunning(t *testing.T, arn string) types.Task {
	t.Helper()
	return harness.WaitTasksRunning(t, e.ecs, cluster, 20*time.Second, arn)[0]
}

func (e env) waitStopped(t *testing.T, arn string) types.Task {
	t.Helper()
	return harness.WaitTasksStopped(t, e.ecs, cluster, 20*time.Second, arn)[0]
}

// messages reads a stream from its start through GetLogEvents, following
// the forward token until it comes back unchanged.
func (e env) messages(t *testing.T, group, stream string) []string {
	t.Helper()
	var out []string
	var token *string
	for {
		page, err := e.logs.GetLogEvents(harness.Ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(group),
			LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true), NextToken: token})
		if err != nil {
			t.Fatalf("get log events of %s: %v", stream, err)
		}
		for _, ev := range page.Events {
			out = append(out, aws.ToString(ev.Message))
		}
		if token != nil && aws.ToString(page.NextForwardToken) == *token {
			return out
		}
		token = page.NextForwardToken
	}
}

func taskID(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// pushLines sends lines to a container's stream through the control endpoint.
func (e env) pushLines(t *testing.T, body map[string]any) harness.Response {
	t.Helper()
	return harness.Control(t, e.ls, "POST", "/ecs/tasks/logs", body)
}
