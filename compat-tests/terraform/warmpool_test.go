package terraform_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"

	"github.com/longshore/longshore/compat-tests/harness"
)

// warmPoolConfig is a group with a warm pool, the way the community Auto
// Scaling module writes one; its destroy deletes the warm pool, drains the
// group and deletes it, and must finish.
const warmPoolConfig = `
resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.40.1.0/24"
}

resource "aws_launch_template" "warm" {
  name_prefix   = "warm-"
  image_id      = "ami-0c101f26f147fa7fd"
  instance_type = "t3.micro"
}

resource "aws_autoscaling_group" "warm" {
  name                = "warm-pool-group"
  vpc_zone_identifier = [aws_subnet.a.id]
  min_size                  = 0
  max_size                  = 2
  desired_capacity          = 0
  wait_for_capacity_timeout = "0"
  launch_template {
    id      = aws_launch_template.warm.id
    version = "$Latest"
  }
  warm_pool {
    pool_state                  = "Stopped"
    min_size                    = 1
    max_group_prepared_capacity = 2
  }
}
`

// A warm-pool group applies, plans clean and destroys without waiting on a
// pool that never drains.
func TestTerraformWarmPoolGroupDestroys(t *testing.T) {
	t.Parallel()
	ls := harness.StartScaled(t, 60)
	requireServices(t, ls, "ec2", "autoscaling")
	tf := harness.StartTerraform(t, ls, warmPoolConfig)
	tf.ApplyPlanDestroy(nil)
	out, err := autoscaling.NewFromConfig(ls.Config).DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AutoScalingGroups) != 0 {
		t.Errorf("groups left after destroy: %d", len(out.AutoScalingGroups))
	}
}
