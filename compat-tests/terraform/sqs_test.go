package terraform_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// sqsWorkerConfig is a queue worker as users write it: a queue with a
// dead-letter queue and tags, a Fargate service reading it, and
// Application Auto Scaling step policies on the queue's depth (CloudWatch
// alarms on AWS/SQS ApproximateNumberOfMessagesVisible).
const sqsWorkerConfig = fargateNetwork + fargateRoles + `
resource "aws_sqs_queue" "dead" {
  name                      = "jobs-dlq"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "jobs" {
  name                       = "jobs"
  visibility_timeout_seconds = 60
  receive_wait_time_seconds  = 20
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead.arn
    maxReceiveCount     = 5
  })
  tags = { team = "workers" }
}

resource "aws_sqs_queue_redrive_allow_policy" "dead" {
  queue_url = aws_sqs_queue.dead.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.jobs.arn]
  })
}

resource "aws_sqs_queue_policy" "jobs" {
  queue_url = aws_sqs_queue.jobs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = aws_iam_role.task.arn }
      Action    = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
      Resource  = aws_sqs_queue.jobs.arn
    }]
  })
}

resource "aws_ecs_cluster" "main" {
  name = "workers"
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions = jsonencode([{
    name      = "worker"
    image     = "public.ecr.aws/docker/library/busybox:latest"
    essential = true
    environment = [{ name = "QUEUE_URL", value = aws_sqs_queue.jobs.url }]
  }])
}

resource "aws_ecs_service" "worker" {
  name            = "worker"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.worker.arn
  desired_count   = 1
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = aws_subnet.public[*].id
    security_groups = [aws_security_group.tasks.id]
  }
  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "worker" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.worker.name}"
  min_capacity       = 1
  max_capacity       = 10
}

resource "aws_appautoscaling_policy" "backlog_out" {
  name               = "jobs-backlog-out"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  resource_id        = aws_appautoscaling_target.worker.resource_id
  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Average"
    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = 400
      scaling_adjustment          = 1
    }
    step_adjustment {
      metric_interval_lower_bound = 400
      scaling_adjustment          = 3
    }
  }
}

resource "aws_appautoscaling_policy" "backlog_in" {
  name               = "jobs-backlog-in"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  resource_id        = aws_appautoscaling_target.worker.resource_id
  step_scaling_policy_configuration {
    adjustment_type         = "ExactCapacity"
    cooldown                = 120
    metric_aggregation_type = "Average"
    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = 1
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "backlog_high" {
  alarm_name          = "jobs-backlog-high"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.jobs.name }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 1
  threshold           = 100
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_appautoscaling_policy.backlog_out.arn]
}

resource "aws_cloudwatch_metric_alarm" "backlog_low" {
  alarm_name          = "jobs-backlog-low"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.jobs.name }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 10
  comparison_operator = "LessThanThreshold"
  alarm_actions       = [aws_appautoscaling_policy.backlog_in.arn]
}

output "queue_url" {
  value = aws_sqs_queue.jobs.url
}
`

// serviceConnectConfig is a Service Connect namespace (an HTTP namespace of
// Cloud Map), a cluster defaulting to it and two Fargate services, a server
// and its client, using service_connect_configuration.
const serviceConnectConfig = `
resource "aws_service_discovery_http_namespace" "shop" {
  name        = "shop"
  description = "Service Connect namespace"
}

resource "aws_ecs_cluster" "shop" {
  name = "shop"
  service_connect_defaults {
    namespace = aws_service_discovery_http_namespace.shop.arn
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name         = "api"
    image        = "nginx"
    essential    = true
    portMappings = [{ name = "http", containerPort = 8080, protocol = "tcp" }]
  }])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
  launch_type     = "FARGATE"
  network_configuration {
    subnets = aws_subnet.public[*].id
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_http_namespace.shop.arn
    service {
      port_name      = "http"
      discovery_name = "api"
      client_alias {
        port     = 80
        dns_name = "api.shop"
      }
    }
  }
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 1
  launch_type     = "FARGATE"
  network_configuration {
    subnets = aws_subnet.public[*].id
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_http_namespace.shop.arn
  }
}
`

// An SQS queue-worker configuration and two Service Connect services apply,
// plan clean and destroy in one configuration (each Terraform command costs
// seconds of the provider's CPU); the queue URL Terraform reports is on
// Longshore's endpoint and answers, and the server's tasks register in
// Cloud Map.
func TestTerraformSQSWorkerAndServiceConnect(t *testing.T) {
	t.Parallel()
	ls := harness.StartScaled(t, 20)
	requireServices(t, ls, "sqs", "ec2", "ecs", "application-autoscaling", "cloudwatch", "iam", "servicediscovery")
	tf := harness.StartTerraform(t, ls, sqsWorkerConfig+serviceConnectConfig)
	tf.ApplyPlanDestroy(func() {
		c := sd.NewFromConfig(ls.Config)
		ns := harness.Must(c.ListNamespaces(harness.Ctx, &sd.ListNamespacesInput{}))(t).Namespaces
		if len(ns) != 1 || aws.ToString(ns[0].Name) != "shop" {
			t.Fatalf("namespaces %+v", ns)
		}
		svc := harness.DescribeService(t, ecs.NewFromConfig(ls.Config), "shop", "api")
		res := svc.Deployments[0].ServiceConnectResources
		if len(res) != 1 {
			t.Fatalf("service connect resources %+v", res)
		}
		harness.Eventually(t, longWait, "api tasks registered in Cloud Map", func() (bool, string) {
			out, err := c.ListInstances(harness.Ctx, &sd.ListInstancesInput{ServiceId: res[0].DiscoveryArn})
			if err != nil {
				return false, err.Error()
			}
			return len(out.Instances) == 2, aws.ToString(res[0].DiscoveryArn)
		})
		url := tf.Output("queue_url")
		if url != ls.URL+"/000000000000/jobs" {
			t.Errorf("queue_url %q", url)
		}
		q := sqs.NewFromConfig(ls.Config)
		a := harness.Must(q.GetQueueAttributes(harness.Ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}}))(t)
		if a.Attributes["VisibilityTimeout"] != "60" || a.Attributes["RedrivePolicy"] == "" || a.Attributes["Policy"] == "" {
			t.Errorf("queue attributes %v", a.Attributes)
		}
		alarms := harness.Must(cloudwatch.NewFromConfig(ls.Config).DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("jobs-backlog")}))(t)
		if len(alarms.MetricAlarms) != 2 {
			t.Errorf("alarms %d", len(alarms.MetricAlarms))
		}
	})
	out := harness.Must(sqs.NewFromConfig(ls.Config).ListQueues(harness.Ctx, &sqs.ListQueuesInput{}))(t)
	if len(out.QueueUrls) != 0 {
		t.Errorf("queues left after destroy: %v", out.QueueUrls)
	}
	ns := harness.Must(sd.NewFromConfig(ls.Config).ListNamespaces(harness.Ctx, &sd.ListNamespacesInput{}))(t)
	if len(ns.Namespaces) != 0 {
		t.Errorf("namespaces left after destroy: %d", len(ns.Namespaces))
	}
}
