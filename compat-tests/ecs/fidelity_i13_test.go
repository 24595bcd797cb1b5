package ecs_test

import (
	"testing"

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
