package docker

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// With IAM enforcement, real containers are held to the task's execution
// role as simulated ones are: before any container is created the agent
// reads the task's SSM secrets and creates its awslogs streams with the
// role, and a role that may not stops the task with ECS's
// ResourceInitializationError quoting the AccessDenied (ECS developer
// guide, "Amazon ECS stopped task error messages"), no container made.
func TestDockerExecutionRoleChecked(t *testing.T) {
	t.Parallel()
	needDocker(t)
	ls := longshoretest.StartWith(t, longshoretest.Options{Runtime: "docker", EnforceIAM: true, TimeScale: 10})
	e := &env{t: t, ls: ls, ecs: ecs.NewFromConfig(ls.Config), logs: cwl.NewFromConfig(ls.Config)}
	e.cluster("exec")
	if _, err := ssm.NewFromConfig(ls.Config).PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/app/db"),
		Value: aws.String("secret"), Type: "SecureString"}); err != nil {
		t.Fatal(err)
	}
	logs := `{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}`
	secrets := `{"Effect":"Allow","Action":"ssm:GetParameters","Resource":"*"}`
	roles := map[string]string{"logs-only": logs, "secrets-only": secrets, "both": logs + "," + secrets}
	root := iam.NewFromConfig(ls.Config)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for name, statements := range roles {
		if _, err := root.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
		if _, err := root.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[` + statements + `]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(role string) string {
		in := appDefinition(role)
		in.ExecutionRoleArn = aws.String("arn:aws:iam::000000000000:role/" + role)
		in.ContainerDefinitions[0].Secrets = []types.Secret{{Name: aws.String("DB"), ValueFrom: aws.String("/app/db")}}
		return e.runTask("exec", harness.RegisterTaskDefinition(t, e.ecs, in), nil)
	}
	logsOnly, secretsOnly, both := run("logs-only"), run("secrets-only"), run("both")
	id := func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
	harness.WaitTasksRunning(t, e.ecs, "exec", 90*time.Second, both)
	want := map[string]*regexp.Regexp{
		logsOnly: regexp.MustCompile(`^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ` +
			`unable to retrieve secrets from ssm: service call has been retried 1 time\(s\): AccessDeniedException: User: ` +
			`arn:aws:sts::000000000000:assumed-role/logs-only/` + id(logsOnly) + ` is not authorized to perform: ssm:GetParameters on resource: ` +
			`arn:aws:ssm:us-east-1:000000000000:parameter/app/db because no identity-based policy allows the ssm:GetParameters action`),
		secretsOnly: regexp.MustCompile(`^ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ` +
			`failed to create Cloudwatch log stream: .*AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/secrets-only/` + id(secretsOnly) +
			` is not authorized to perform: logs:CreateLogStream on resource: arn:aws:logs:us-east-1:000000000000:log-group:` + logGroup +
			`:log-stream:app/app/` + id(secretsOnly) + ` because no identity-based policy allows the logs:CreateLogStream action`),
	}
	for _, task := range harness.WaitTasksStopped(t, e.ecs, "exec", 60*time.Second, logsOnly, secretsOnly) {
		arn := aws.ToString(task.TaskArn)
		if task.StopCode != types.TaskStopCodeTaskFailedToStart || !want[arn].MatchString(aws.ToString(task.StoppedReason)) {
			t.Errorf("%s: stop code %s, reason %q", arn, task.StopCode, aws.ToString(task.StoppedReason))
		}
	}
	if list := containersOf(t, logsOnly, secretsOnly); len(list) != 0 {
		t.Errorf("containers made for tasks their execution role failed: %d", len(list))
	}
}
