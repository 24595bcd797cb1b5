package docker

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The container definition reaches the container: environment with the
// override's, a secret from SSM Parameter Store, workingDirectory, user,
// and dependsOn (the app starts once its init container succeeded).
func TestDockerDefinitionReachesTheContainer(t *testing.T) {
	e := start(t)
	e.cluster("def")
	if _, err := ssm.NewFromConfig(e.ls.Config).PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/app/token"),
		Value: aws.String("s3cr3t"), Type: ssmtypes.ParameterTypeSecureString}); err != nil {
		t.Fatal(err)
	}
	in := appDefinition("def", "env", "GREETING", "TARGET", "TOKEN", "AWS_ENDPOINT_URL")
	app := &in.ContainerDefinitions[0]
	app.Environment = []types.KeyValuePair{{Name: aws.String("GREETING"), Value: aws.String("hello")}, {Name: aws.String("TARGET"), Value: aws.String("definition")}}
	app.Secrets = []types.Secret{{Name: aws.String("TOKEN"), ValueFrom: aws.String("/app/token")}}
	app.WorkingDirectory = aws.String("/tmp")
	app.User = aws.String("1234")
	app.DependsOn = []types.ContainerDependency{{ContainerName: aws.String("init"), Condition: types.ContainerConditionSuccess}}
	in.ContainerDefinitions = append(in.ContainerDefinitions, types.ContainerDefinition{Name: aws.String("init"), Image: aws.String(testImage),
		Essential: aws.Bool(false), Command: []string{"exit", "0"}})
	td := harness.RegisterTaskDefinition(t, e.ecs, in)
	arn := e.runTask("def", td, &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("app"),
		Environment: []types.KeyValuePair{{Name: aws.String("TARGET"), Value: aws.String("override")}}}}})
	harness.WaitTasksRunning(t, e.ecs, "def", 60*time.Second, arn)
	e.waitLine(arn, "UID", 15*time.Second)
	got := strings.Join(e.logLines(arn, "app"), "\n")
	for _, want := range []string{"ENV GREETING=hello", "ENV TARGET=override", "ENV TOKEN=s3cr3t", "ENV AWS_ENDPOINT_URL=http://169.254.170.2", "CWD /tmp", "UID 1234"} {
		harness.Contains(t, got, want)
	}
	tk := e.describe("def", arn)
	for _, c := range tk.Containers {
		if aws.ToString(c.Name) == "init" && (aws.ToString(c.LastStatus) != "STOPPED" || aws.ToInt32(c.ExitCode) != 0) {
			t.Errorf("init container %s exit %v, want STOPPED 0", aws.ToString(c.LastStatus), aws.ToInt32(c.ExitCode))
		}
	}
}

// An image that is not on the machine stops the task with ECS's
// CannotPullContainerError (ECS developer guide, "CannotPullContainer task
// errors": Fargate fails to resolve the reference).
func TestDockerMissingImageCannotPull(t *testing.T) {
	e := start(t)
	e.cluster("pull")
	td := harness.RegisterTaskDefinition(t, e.ecs, harness.FargateDefinition("pull", "app", "longshore-absent:1.0"))
	arn := e.runTask("pull", td, nil)
	tk := harness.WaitTasksStopped(t, e.ecs, "pull", 60*time.Second, arn)[0]
	want := "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/longshore-absent:1.0: docker.io/library/longshore-absent:1.0: not found"
	if got := aws.ToString(tk.StoppedReason); got != want {
		t.Errorf("stoppedReason %q, want %q", got, want)
	}
	if tk.StopCode != types.TaskStopCodeTaskFailedToStart {
		t.Errorf("stopCode %s", tk.StopCode)
	}
}
