package terraform_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// ec2ModeConfig is an EC2-mode cluster as users build it: instances from an
// Auto Scaling group on the ECS-optimized AMI, a capacity provider with
// managed scaling, and a bridge-mode service placed by strategy. Each task
// takes 1.5 of a t3.medium's 2 vCPUs, so the two need two instances.
const ec2ModeConfig = `
data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_ssm_parameter" "ecs_ami" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
  tags       = { Name = "ec2-apps" }
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 4, count.index)
  availability_zone = data.aws_availability_zones.available.names[count.index]
}

resource "aws_security_group" "instances" {
  name        = "ecs-instances"
  description = "Dynamic host ports from inside the VPC"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port   = 32768
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "instance" {
  name               = "ecs-instance"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy_attachment" "instance_ecs" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_role_policy_attachment" "instance_ssm" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "instance" {
  name = "ecs-instance"
  role = aws_iam_role.instance.name
}

resource "aws_ecs_cluster" "main" {
  name = "ec2-apps"
}

resource "aws_launch_template" "ecs" {
  name_prefix            = "ecs-apps-"
  image_id               = data.aws_ssm_parameter.ecs_ami.value
  instance_type          = "t3.medium"
  vpc_security_group_ids = [aws_security_group.instances.id]
  iam_instance_profile {
    arn = aws_iam_instance_profile.instance.arn
  }
  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
  user_data = base64encode(<<-EOT
    #!/bin/bash
    echo ECS_CLUSTER=${aws_ecs_cluster.main.name} >> /etc/ecs/ecs.config
  EOT
  )
  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "ecs-apps" }
  }
}

resource "aws_autoscaling_group" "ecs" {
  name                  = "ecs-apps"
  vpc_zone_identifier   = aws_subnet.private[*].id
  min_size              = 0
  max_size              = 4
  desired_capacity      = 0
  protect_from_scale_in = true
  force_delete          = true
  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }
  tag {
    key                 = "AmazonECSManaged"
    value               = true
    propagate_at_launch = true
  }
  lifecycle {
    ignore_changes = [desired_capacity]
  }
}

resource "aws_ecs_capacity_provider" "asg" {
  name = "ec2-apps"
  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.ecs.arn
    managed_termination_protection = "ENABLED"
    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = 100
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = 2
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = [aws_ecs_capacity_provider.asg.name]
  default_capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.asg.name
    weight            = 1
  }
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["EC2"]
  network_mode             = "bridge"
  container_definitions = jsonencode([{
    name         = "app"
    image        = "httpd:2.4"
    cpu          = 1536
    memory       = 1024
    essential    = true
    portMappings = [{ containerPort = 80, hostPort = 0, protocol = "tcp" }]
  }])
}

resource "aws_ecs_service" "app" {
  name                  = "app"
  cluster               = aws_ecs_cluster.main.id
  task_definition       = aws_ecs_task_definition.app.arn
  desired_count         = 2
  wait_for_steady_state = true
  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.asg.name
    weight            = 1
  }
  ordered_placement_strategy {
    type  = "spread"
    field = "attribute:ecs.availability-zone"
  }
  ordered_placement_strategy {
    type  = "binpack"
    field = "memory"
  }
  placement_constraints {
    type = "distinctInstance"
  }
  placement_constraints {
    type       = "memberOf"
    expression = "attribute:ecs.instance-type =~ t3.*"
  }
  depends_on = [aws_ecs_cluster_capacity_providers.main, aws_iam_role_policy_attachment.instance_ecs]
}
`

// EC2 mode from an empty Auto Scaling group: the capacity provider scales it
// out, the instances register from their user data, and the service runs.
func TestTerraformEC2Mode(t *testing.T) {
	t.Parallel()
	ls := harness.Start(t)
	requireServices(t, ls, "ec2", "ssm", "autoscaling", "ecs", "iam")
	tf := harness.StartTerraform(t, ls, ec2ModeConfig)
	tf.ApplyPlanDestroy(func() { checkEC2ModeApplied(t, ls) })
	checkEC2ModeEmpty(t, ls)
}

func checkEC2ModeApplied(t *testing.T, ls *longshoretest.Instance) {
	t.Helper()
	ctx := harness.Ctx
	c := ecs.NewFromConfig(ls.Config)
	svcs, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("ec2-apps"), Services: []string{"app"}})
	if err != nil || len(svcs.Services) != 1 || svcs.Services[0].RunningCount != 2 {
		t.Errorf("DescribeServices: %+v %v", svcs, err)
		return
	}
	arns, err := c.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("ec2-apps"), ServiceName: aws.String("app")})
	if err != nil || len(arns.TaskArns) != 2 {
		t.Errorf("ListTasks: %+v %v", arns, err)
		return
	}
	tasks, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("ec2-apps"), Tasks: arns.TaskArns})
	if err != nil {
		t.Errorf("DescribeTasks: %v", err)
		return
	}
	instances := map[string]bool{}
	for _, task := range tasks.Tasks {
		instances[aws.ToString(task.ContainerInstanceArn)] = true
		if len(task.Containers) == 0 {
			t.Errorf("task %s has no containers", aws.ToString(task.TaskArn))
			continue
		}
		b := task.Containers[0].NetworkBindings
		if len(b) != 1 || aws.ToInt32(b[0].ContainerPort) != 80 || aws.ToInt32(b[0].HostPort) < 32768 {
			t.Errorf("task %s bindings %+v: want container port 80 on a dynamic host port", aws.ToString(task.TaskArn), b)
		}
	}
	if len(instances) != 2 {
		t.Errorf("distinctInstance: tasks on %d instances", len(instances))
	}
	group, err := autoscaling.NewFromConfig(ls.Config).DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"ecs-apps"}})
	if err != nil || len(group.AutoScalingGroups) != 1 || aws.ToInt32(group.AutoScalingGroups[0].DesiredCapacity) < 2 {
		t.Errorf("the capacity provider did not scale the group out: %+v %v", group, err)
	}
}

func checkEC2ModeEmpty(t *testing.T, ls *longshoretest.Instance) {
	t.Helper()
	ctx := harness.Ctx
	groups, err := autoscaling.NewFromConfig(ls.Config).DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{})
	if err != nil || len(groups.AutoScalingGroups) != 0 {
		t.Errorf("Auto Scaling groups left: %+v %v", groups, err)
	}
	ec2c := ec2.NewFromConfig(ls.Config)
	lts, err := ec2c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	if err != nil || len(lts.LaunchTemplates) != 0 {
		t.Errorf("launch templates left: %+v %v", lts, err)
	}
	harness.Await(t, longWait, "instances terminated", func() (bool, string) {
		live, err := ec2c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
			{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}}}})
		return err == nil && len(live.Reservations) == 0, fmt.Sprintf("%+v %v", live, err)
	})
	ecsc := ecs.NewFromConfig(ls.Config)
	cps, err := ecsc.DescribeCapacityProviders(ctx, &ecs.DescribeCapacityProvidersInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cp := range cps.CapacityProviders {
		if name := aws.ToString(cp.Name); !strings.HasPrefix(name, "FARGATE") && cp.Status == "ACTIVE" {
			t.Errorf("capacity provider left: %s", name)
		}
	}
	if out, err := ecsc.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"ec2-apps"}}); err != nil ||
		(len(out.Clusters) == 1 && aws.ToString(out.Clusters[0].Status) != "INACTIVE") {
		t.Errorf("cluster left: %+v %v", out, err)
	}
	if out, err := ecsc.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{}); err != nil || len(out.TaskDefinitionArns) != 0 {
		t.Errorf("active task definitions left: %+v %v", out, err)
	}
	iamc := iam.NewFromConfig(ls.Config)
	if out, err := iamc.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{}); err != nil || len(out.InstanceProfiles) != 0 {
		t.Errorf("instance profiles left: %+v %v", out, err)
	}
	if out, err := iamc.ListRoles(ctx, &iam.ListRolesInput{}); err != nil || len(customerRoles(out)) != 0 {
		t.Errorf("roles left: %v %v", customerRoles(out), err)
	}
	checkOnlyDefaultVPC(t, ls)
}
