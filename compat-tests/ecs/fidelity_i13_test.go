package ecs_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A Fargate task definition with pidMode host is refused in AWS's full words:
// "Tasks using the Fargate launch type do not support pidMode 'host'. The
// supported value for pidMode is 'task'." (a real response quoted in aws/aws-cdk#29619).
func TestI13FargatePidModeMessage(t *testing.T) {
	client := infraClient(t)
	in := infraFargateTaskDefinition("pid-host")
	in.PidMode = types.PidModeHost
	_, err := client.RegisterTaskDefinition(harness.Ctx, in)
	harness.AssertError(t, err, "ClientException", 400, "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.")
	in = infraFargateTaskDefinition("pid-task")
	in.PidMode = types.PidModeTask
	harness.Must(client.RegisterTaskDefinition(harness.Ctx, in))(t)
}

// ListTaskDefinitions' familyPrefix is "the full family name" (the API
// reference: "Specifying a familyPrefix limits the listed task definitions to
// task definition revisions that belong to that family"), while
// ListTaskDefinitionFamilies' familyPrefix is a true prefix ("only task
// definition family names that begin with the familyPrefix string").
func TestI13ListTaskDefinitionsFamilyPrefixIsTheFamily(t *testing.T) {
	client := infraClient(t)
	for _, f := range []string{"web", "webapp", "web"} {
		harness.Must(client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition(f)))(t)
	}
	l := harness.Must(client.ListTaskDefinitions(harness.Ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web")}))(t)
	if len(l.TaskDefinitionArns) != 2 || !strings.HasSuffix(l.TaskDefinitionArns[0], "/web:1") || !strings.HasSuffix(l.TaskDefinitionArns[1], "/web:2") {
		t.Errorf("task definitions %v", l.TaskDefinitionArns)
	}
	f := harness.Must(client.ListTaskDefinitionFamilies(harness.Ctx, &ecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("web")}))(t)
	if len(f.Families) != 2 {
		t.Errorf("families %v", f.Families)
	}
}
