package terraform_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestTerraformLogGroup(t *testing.T) {
	t.Parallel()
	ls := harness.Start(t)
	tf := harness.StartTerraform(t, ls, `
resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/app"
  retention_in_days = 14
  tags              = { team = "web" }
}
`)
	tf.ApplyPlanDestroy(func() {
		out, err := cwl.NewFromConfig(ls.Config).DescribeLogGroups(harness.Ctx, &cwl.DescribeLogGroupsInput{})
		if err != nil || len(out.LogGroups) != 1 || aws.ToInt32(out.LogGroups[0].RetentionInDays) != 14 ||
			aws.ToString(out.LogGroups[0].LogGroupArn) != "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/app" {
			t.Fatalf("%+v %v", out, err)
		}
	})
	out, _ := cwl.NewFromConfig(ls.Config).DescribeLogGroups(harness.Ctx, &cwl.DescribeLogGroupsInput{})
	if len(out.LogGroups) != 0 {
		t.Errorf("left after destroy: %d", len(out.LogGroups))
	}
}
