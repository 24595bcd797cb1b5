package docker

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// With IAM enforcement on, an SDK inside a container calls as its task
// role's session and is allowed or denied by that role's policies:
// sts:GetCallerIdentity needs no permission, ecs:ListClusters needs one.
// AWS: "No permissions are required to perform this operation"
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html);
// a denial names the assumed-role session and the action
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
func TestDockerTaskRolePolicyDecidesContainerCalls(t *testing.T) {
	t.Parallel() // mostly waits for the SDK inside the containers
	needDocker(t)
	ls := longshoretest.StartWith(t, longshoretest.Options{Runtime: "docker", EnforceIAM: true, TimeScale: 10})
	e := &env{t: t, ls: ls, ecs: ecs.NewFromConfig(ls.Config), logs: cwl.NewFromConfig(ls.Config)}
	e.cluster("iam")
	root := iam.NewFromConfig(ls.Config)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	roles := map[string]string{
		// The agent creates the log group and streams with the execution role.
		"ecsTaskExecutionRole": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
		"lister":               `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:ListClusters","Resource":"*"}]}`,
		"nothing":              "",
	}
	for name, doc := range roles {
		if _, err := root.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
		if doc == "" {
			continue
		}
		if _, err := root.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(role string) string {
		in := appDefinition(role, "listclusters")
		in.TaskRoleArn = aws.String("arn:aws:iam::000000000000:role/" + role)
		return e.runTask("iam", harness.RegisterTaskDefinition(t, e.ecs, in), nil)
	}
	lister, nothing := run("lister"), run("nothing")
	id := func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

	if got, want := e.waitLine(lister, "LISTCLUSTERS", 60*time.Second), "LISTCLUSTERS arn:aws:ecs:us-east-1:000000000000:cluster/iam"; got != want {
		t.Errorf("allowed ListClusters: %q, want %q", got, want)
	}
	if got, want := e.waitLine(nothing, "WHOAMI", 60*time.Second), "WHOAMI arn:aws:sts::000000000000:assumed-role/nothing/"+id(nothing); got != want {
		t.Errorf("GetCallerIdentity without any policy: %q, want %q", got, want)
	}
	want := "LISTCLUSTERS ERR AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/nothing/" + id(nothing) +
		" is not authorized to perform: ecs:ListClusters on resource: * because no identity-based policy allows the ecs:ListClusters action"
	if got := e.waitLine(nothing, "LISTCLUSTERS", 60*time.Second); got != want {
		t.Errorf("denied ListClusters:\n got %q\nwant %q", got, want)
	}
}
