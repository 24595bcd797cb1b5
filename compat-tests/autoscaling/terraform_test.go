package autoscaling_test

import (
	"strings"
	"testing"

	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/longshore/longshore/compat-tests/harness"
)

// scalingConfig is what a team writes to autoscale a Fargate service: a
// scalable target, a CPU target tracking policy, a step policy fired by an
// alarm on a queue metric, and a scheduled action for the morning peak.
const scalingConfig = harness.DefaultNetworkHCL + `
data "aws_security_group" "default" {
  vpc_id = data.aws_vpc.default.id
  name   = "default"
}

resource "aws_ecs_cluster" "c" {
  name = "scaling"
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name      = "app"
    image     = "public.ecr.aws/nginx/nginx:latest"
    essential = true
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 1
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = slice(sort(data.aws_subnets.default.ids), 0, 1)
    security_groups = [data.aws_security_group.default.id]
  }
  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.web.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 1
  max_capacity       = 10
  tags = {
    team = "core"
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "cpu70"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value       = 70
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "queue" {
  name               = "queue-steps"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 2
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "queue" {
  alarm_name          = "queue-deep"
  namespace           = "App/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = "jobs" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 100
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_appautoscaling_policy.queue.arn]
  tags = {
    team = "core"
  }
}

resource "aws_appautoscaling_scheduled_action" "peak" {
  name               = "peak"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  schedule           = "cron(0 8 ? * MON-FRI *)"
  timezone           = "Asia/Tokyo"
  scalable_target_action {
    min_capacity = 3
    max_capacity = 10
  }
}

output "cpu_alarms" {
  value = join(",", aws_appautoscaling_policy.cpu.alarm_arns)
}
`

func TestTerraformScaling(t *testing.T) {
	if testing.Short() {
		t.Skip("Terraform runs take a minute")
	}
	ls := harness.Start(t)
	tf := harness.StartTerraform(t, ls, scalingConfig)
	tf.ApplyPlanDestroy(func() {
		client := aas.NewFromConfig(ls.Config)
		pols, err := client.DescribeScalingPolicies(harness.Ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs})
		if err != nil {
			t.Fatal(err)
		}
		if len(pols.ScalingPolicies) != 2 {
			t.Errorf("%d policies", len(pols.ScalingPolicies))
		}
		if out := tf.Output("cpu_alarms"); strings.Count(out, "TargetTracking-service/scaling/web-Alarm") != 2 {
			t.Errorf("target tracking alarms: %s", out)
		}
		a, err := cloudwatch.NewFromConfig(ls.Config).DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"queue-deep"}})
		if err != nil || len(a.MetricAlarms) != 1 || len(a.MetricAlarms[0].AlarmActions) != 1 {
			t.Fatalf("queue alarm: %v %+v", err, a)
		}
		if !strings.Contains(a.MetricAlarms[0].AlarmActions[0], ":scalingPolicy:") || !strings.HasSuffix(a.MetricAlarms[0].AlarmActions[0], ":policyName/queue-steps") {
			t.Errorf("alarm action %s", a.MetricAlarms[0].AlarmActions[0])
		}
	})
	// Destroy removed the target with its policies, scheduled action and the target tracking alarms.
	a, err := cloudwatch.NewFromConfig(ls.Config).DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil || len(a.MetricAlarms) != 0 {
		t.Errorf("alarms after destroy: %v %d", err, len(a.MetricAlarms))
	}
}
