package iamenforce_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// With enforcement on, the agent reads a task's secrets and creates its log
// streams with the task's execution role: a role that may not stops the
// task with ECS's ResourceInitializationError, quoting the AccessDenied it
// got (ECS developer guide, "Amazon ECS stopped task error messages").
func TestExecutionRoleChecks(t *testing.T) {
	ls := longshoretest.StartWith(t, longshoretest.Options{EnforceIAM: true, TimeScale: 20})
	client := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, client, "apps")
	if _, err := cwl.NewFromConfig(ls.Config).CreateLogGroup(harness.Ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/ecs/web")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ssm.NewFromConfig(ls.Config).PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/app/db"),
		Value: aws.String("secret"), Type: "SecureString"}); err != nil {
		t.Fatal(err)
	}
	root := iam.NewFromConfig(ls.Config)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	roles := map[string]string{
		// May read the secret, not write logs.
		"secrets-only": policy(allow("ssm:GetParameters", "arn:aws:ssm:us-east-1:"+account+":parameter/app/*")),
		// May write logs, not read the secret.
		"logs-only": policy(allow([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, "arn:aws:logs:us-east-1:"+account+":log-group:/ecs/web:*")),
		"both": policy(allow("ssm:GetParameters", "arn:aws:ssm:us-east-1:"+account+":parameter/app/*"),
			allow([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, "arn:aws:logs:us-east-1:"+account+":log-group:/ecs/web:*")),
	}
	for name, doc := range roles {
		if _, err := root.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
		if _, err := root.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	network := &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
		Subnets: harness.DefaultSubnets(t, ls.Config)[:1], SecurityGroups: []string{harness.DefaultSecurityGroup(t, ls.Config)}}}
	run := func(role string) string {
		in := harness.FargateDefinition(role, "web", "public.ecr.aws/nginx/nginx:1.25")
		in.ExecutionRoleArn = aws.String("arn:aws:iam::" + account + ":role/" + role)
		in.ContainerDefinitions[0].LogConfiguration = &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs,
			Options: map[string]string{"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}
		in.ContainerDefinitions[0].Secrets = []ecstypes.Secret{{Name: aws.String("DB"), ValueFrom: aws.String("/app/db")}}
		td := harness.RegisterTaskDefinition(t, client, in)
		out, err := client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String("apps"), TaskDefinition: aws.String(td),
			LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: network})
		if err != nil || len(out.Tasks) != 1 {
			t.Fatalf("run task: %v %+v", err, out)
		}
		return aws.ToString(out.Tasks[0].TaskArn)
	}
	secretsOnly, logsOnly, both := run("secrets-only"), run("logs-only"), run("both")
	harness.WaitTasksRunning(t, client, "apps", 30*time.Second, both)
	stopped := harness.WaitTasksStopped(t, client, "apps", 30*time.Second, secretsOnly, logsOnly)
	id := func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
	for _, task := range stopped {
		reason := aws.ToString(task.StoppedReason)
		var want *regexp.Regexp
		switch aws.ToString(task.TaskArn) {
		case secretsOnly:
			want = regexp.MustCompile(`^ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ` +
				`failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error StatusCode: 400, ` +
				`RequestID: [0-9a-f-]{36}, AccessDeniedException: User: arn:aws:sts::` + account + `:assumed-role/secrets-only/` + id(secretsOnly) +
				` is not authorized to perform: logs:CreateLogStream on resource: arn:aws:logs:us-east-1:` + account + `:log-group:/ecs/web:log-stream:web/web/` +
				id(secretsOnly) + ` because no identity-based policy allows the logs:CreateLogStream action : exit status 1$`)
		case logsOnly:
			want = regexp.MustCompile(`^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ` +
				`unable to retrieve secrets from ssm: service call has been retried 1 time\(s\): AccessDeniedException: User: arn:aws:sts::` + account +
				`:assumed-role/logs-only/` + id(logsOnly) + ` is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:` + account +
				`:parameter/app/db because no identity-based policy allows the ssm:GetParameters action status code: 400, request id: [0-9a-f-]{36}$`)
		}
		if task.StopCode != ecstypes.TaskStopCodeTaskFailedToStart || !want.MatchString(reason) {
			t.Errorf("%s: stop code %s, reason %q", aws.ToString(task.TaskArn), task.StopCode, reason)
		}
	}
}
