package docker

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// env is one test's Longshore with real containers.
type env struct {
	t    *testing.T
	ls   *longshoretest.Instance
	ecs  *ecs.Client
	logs *cwl.Client
}

func start(t *testing.T) *env {
	t.Helper()
	needDocker(t)
	ls := longshoretest.StartWith(t, longshoretest.Options{Runtime: "docker", TimeScale: 10})
	return &env{t: t, ls: ls, ecs: ecs.NewFromConfig(ls.Config), logs: cwl.NewFromConfig(ls.Config)}
}

const logGroup = "/longshore/docker-tests"

// appDefinition is a Fargate task definition of the test image, logging
// through awslogs (prefix "app") to logGroup.
func appDefinition(family string, command ...string) *ecs.RegisterTaskDefinitionInput {
	in := harness.FargateDefinition(family, "app", testImage, 8080)
	cd := &in.ContainerDefinitions[0]
	cd.Command = command
	cd.StopTimeout = aws.Int32(2)
	in.ExecutionRoleArn = aws.String("arn:aws:iam::000000000000:role/ecsTaskExecutionRole")
	cd.LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
		"awslogs-group": logGroup, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app", "awslogs-create-group": "true"}}
	return in
}

func (e *env) cluster(name string) {
	harness.CreateCluster(e.t, e.ecs, name)
}

// networkConfig places awsvpc tasks in the default subnets.
func (e *env) networkConfig() *types.NetworkConfiguration {
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: harness.DefaultSubnets(e.t, e.ls.Config)}}
}

// runTask runs one Fargate task and returns its ARN.
func (e *env) runTask(cluster, td string, overrides *types.TaskOverride) string {
	e.t.Helper()
	out, err := e.ecs.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: aws.String(td),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: e.networkConfig(), Overrides: overrides})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(out.Tasks) != 1 {
		e.t.Fatalf("RunTask: %+v", out.Failures)
	}
	return aws.ToString(out.Tasks[0].TaskArn)
}

func (e *env) describe(cluster, arn string) types.Task {
	e.t.Helper()
	out, err := e.ecs.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{arn}})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(out.Tasks) != 1 {
		e.t.Fatalf("DescribeTasks %s: %+v", arn, out.Failures)
	}
	return out.Tasks[0]
}

// logLines is what a task's container wrote to its awslogs stream.
func (e *env) logLines(arn, container string) []string {
	id := arn[strings.LastIndex(arn, "/")+1:]
	out, err := e.logs.GetLogEvents(harness.Ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(logGroup),
		LogStreamName: aws.String("app/" + container + "/" + id), StartFromHead: aws.Bool(true)})
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	var lines []string
	for _, ev := range out.Events {
		lines = append(lines, aws.ToString(ev.Message))
	}
	return lines
}

// waitLine waits until a line with the prefix shows in the task's stream and returns it.
func (e *env) waitLine(arn, prefix string, within time.Duration) string {
	e.t.Helper()
	var found string
	harness.Eventually(e.t, within, "a log line starting "+prefix, func() (bool, string) {
		lines := e.logLines(arn, "app")
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				found = l
				return true, l
			}
		}
		return false, strings.Join(lines, " | ")
	})
	return found
}

// containers lists the containers labelled with one of the task ARNs.
func containersOf(t *testing.T, arns ...string) []container.Summary {
	t.Helper()
	var out []container.Summary
	for _, arn := range arns {
		list, err := cli.ContainerList(harness.Ctx, container.ListOptions{All: true,
			Filters: filters.NewArgs(filters.Arg("label", "com.amazonaws.ecs.task-arn="+arn))})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list...)
	}
	return out
}

// binding is one row of GET /_longshore/ecs/ports.
type binding struct {
	TaskArn     string `json:"taskArn"`
	AWSHost     string `json:"awsHost"`
	AWSHostPort int32  `json:"awsHostPort"`
	HostAddress string `json:"hostAddress"`
	EC2         string `json:"ec2InstanceId"`
}

func (e *env) bindings() []binding {
	e.t.Helper()
	resp := harness.Control(e.t, e.ls, "GET", "/ecs/ports", nil)
	if resp.Status != 200 {
		e.t.Fatalf("ports: %d %s", resp.Status, resp.Body)
	}
	var out struct{ Bindings []binding }
	if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
		e.t.Fatal(err)
	}
	return out.Bindings
}
