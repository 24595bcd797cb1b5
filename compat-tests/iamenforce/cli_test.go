package iamenforce_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The aws CLI signs with a least-privilege user's key: it reads the one
// cluster it may and prints AWS's AccessDenied text for the rest.
func TestCLILeastPrivilege(t *testing.T) {
	ls := start(t)
	harness.CreateCluster(t, ecs.NewFromConfig(ls.Config), "team")
	key, secret := user(t, ls, "cli", policy(allow([]string{"ecs:List*", "ecs:Describe*"}, clusterARN+"team")))
	env := []string{"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=" + secret}

	out, err := harness.AWSCLI(t, ls, env, "ecs", "describe-clusters", "--clusters", "team")
	if err != nil || !strings.Contains(out, `"clusterName": "team"`) {
		t.Fatalf("describe-clusters: %v\n%s", err, out)
	}
	out, err = harness.AWSCLI(t, ls, env, "ecs", "create-service", "--cluster", "team", "--service-name", "web", "--task-definition", "web:1")
	want := "An error occurred (AccessDeniedException) when calling the CreateService operation: User: arn:aws:iam::" + account +
		":user/cli is not authorized to perform: ecs:CreateService on resource: arn:aws:ecs:us-east-1:" + account +
		":service/team/web because no identity-based policy allows the ecs:CreateService action"
	if err == nil || !strings.Contains(out, want) {
		t.Fatalf("create-service: %v\n%s", err, out)
	}
	// A wrong secret: the CLI's query-protocol call to IAM is refused.
	out, err = harness.AWSCLI(t, ls, []string{"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=wrong"}, "iam", "list-users")
	if err == nil || !strings.Contains(out, "(SignatureDoesNotMatch)") {
		t.Fatalf("wrong secret: %v\n%s", err, out)
	}
}
