package terraform_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// fargateNetwork is the VPC a Fargate web service configuration makes for
// itself: two public subnets in two zones, an internet gateway and route
// table, and security groups for the ALB and for the tasks.
const fargateNetwork = `
data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "web" }
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  map_public_ip_on_launch = true
  tags                    = { Name = "web-public-${count.index}" }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "alb" {
  name        = "web-alb"
  description = "HTTP from anywhere"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "tasks" {
  name        = "web-tasks"
  description = "From the ALB only"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`

// fargateRoles are the task execution role and the task role.
const fargateRoles = `
data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "web-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "task" {
  name               = "web-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "task_queue" {
  name = "read-queue"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "task_s3" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}
`

// fargateService is the cluster, task definition, load balancer, service
// and its scaling.
const fargateService = `
resource "aws_cloudwatch_log_group" "web" {
  name              = "/ecs/web"
  retention_in_days = 7
}

resource "aws_ecs_cluster" "main" {
  name = "web"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name        = "web"
    image       = "public.ecr.aws/nginx/nginx:1.27"
    essential   = true
    portMappings = [{ containerPort = 8080, protocol = "tcp" }]
    environment  = [{ name = "PORT", value = "8080" }, { name = "STAGE", value = "local" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.web.name
        awslogs-region        = "us-east-1"
        awslogs-stream-prefix = "web"
      }
    }
  }])
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.public[*].id
}

resource "aws_lb_target_group" "web" {
  name                 = "web"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = aws_vpc.main.id
  deregistration_delay = 5
  health_check {
    path                = "/health"
    healthy_threshold   = 2
    unhealthy_threshold = 3
    interval            = 10
    matcher             = "200"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

resource "aws_ecs_service" "web" {
  name                              = "web"
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.web.arn
  desired_count                     = 2
  health_check_grace_period_seconds = 30
  wait_for_steady_state             = true
  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
  network_configuration {
    subnets          = aws_subnet.public[*].id
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = true
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8080
  }
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  lifecycle {
    ignore_changes = [desired_count]
  }
  depends_on = [aws_lb_listener.http, aws_ecs_cluster_capacity_providers.main, aws_iam_role_policy_attachment.execution]
}

resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.web.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 2
  max_capacity       = 10
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "web-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
    target_value       = 70
    scale_in_cooldown  = 120
    scale_out_cooldown = 60
  }
}

resource "aws_appautoscaling_policy" "memory_step" {
  name               = "web-memory-step"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Average"
    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = 10
      scaling_adjustment          = 1
    }
    step_adjustment {
      metric_interval_lower_bound = 10
      scaling_adjustment          = 3
    }
  }
}

resource "aws_appautoscaling_scheduled_action" "nightly" {
  name               = "web-nightly"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  schedule           = "cron(0 22 * * ? *)"
  timezone           = "Europe/Berlin"
  scalable_target_action {
    min_capacity = 2
    max_capacity = 10
  }
}

resource "aws_cloudwatch_metric_alarm" "memory_high" {
  alarm_name          = "web-memory-high"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  metric_name         = "MemoryUtilization"
  namespace           = "AWS/ECS"
  period              = 60
  statistic           = "Average"
  threshold           = 80
  dimensions = {
    ClusterName = aws_ecs_cluster.main.name
    ServiceName = aws_ecs_service.web.name
  }
  alarm_actions = [aws_appautoscaling_policy.memory_step.arn]
}

output "alb_dns_name" {
  value = aws_lb.web.dns_name
}
`

// The Fargate web service a new user writes: its own VPC, roles, cluster,
// task definition, ALB, service with a circuit breaker, and scaling.
func TestTerraformFargateWebService(t *testing.T) {
	t.Parallel()
	ls := harness.Start(t)
	requireServices(t, ls, "ec2", "ecs", "elbv2", "application-autoscaling", "cloudwatch", "logs", "iam")
	tf := harness.StartTerraform(t, ls, fargateNetwork+fargateRoles+fargateService)
	tf.ApplyPlanDestroy(func() { checkFargateApplied(t, ls) })
	checkFargateEmpty(t, ls)
}

func checkFargateApplied(t *testing.T, ls *longshoretest.Instance) {
	t.Helper()
	ctx := harness.Ctx
	svcs, err := ecs.NewFromConfig(ls.Config).DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("web"), Services: []string{"web"}})
	if err != nil || len(svcs.Services) != 1 {
		t.Errorf("DescribeServices: %+v %v", svcs, err)
		return
	}
	s := svcs.Services[0]
	if s.RunningCount != 2 || len(s.LoadBalancers) != 1 || s.DeploymentConfiguration == nil ||
		s.DeploymentConfiguration.DeploymentCircuitBreaker == nil || !s.DeploymentConfiguration.DeploymentCircuitBreaker.Rollback {
		t.Errorf("service: running %d, load balancers %+v, deployment %+v", s.RunningCount, s.LoadBalancers, s.DeploymentConfiguration)
	}
	harness.Await(t, longWait, "the service's 2 tasks registered in its target group", func() (bool, string) {
		h, err := elb.NewFromConfig(ls.Config).DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: s.LoadBalancers[0].TargetGroupArn})
		return err == nil && len(h.TargetHealthDescriptions) == 2, describeTargets(h, err)
	})
	pol, err := aas.NewFromConfig(ls.Config).DescribeScalingPolicies(ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
	if err != nil || len(pol.ScalingPolicies) != 2 {
		t.Errorf("scaling policies: %+v %v", pol, err)
	}
	alarms, err := cloudwatch.NewFromConfig(ls.Config).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil {
		t.Errorf("DescribeAlarms: %v", err)
		return
	}
	var names []string
	for _, a := range alarms.MetricAlarms {
		names = append(names, aws.ToString(a.AlarmName))
	}
	// The step alarm and the two alarms the target-tracking policy made.
	if len(names) != 3 || !strings.Contains(strings.Join(names, " "), "TargetTracking-service/web/web-AlarmHigh-") {
		t.Errorf("alarms: %v", names)
	}
}

func describeTargets(h *elb.DescribeTargetHealthOutput, err error) string {
	if err != nil {
		return err.Error()
	}
	var ids []string
	for _, d := range h.TargetHealthDescriptions {
		ids = append(ids, aws.ToString(d.Target.Id)+"="+string(d.TargetHealth.State))
	}
	return fmt.Sprintf("targets %v", ids)
}

// checkFargateEmpty lists, through the SDK, every kind of resource the
// configuration made: nothing may be left but the default VPC.
func checkFargateEmpty(t *testing.T, ls *longshoretest.Instance) {
	t.Helper()
	ctx := harness.Ctx
	ecsc := ecs.NewFromConfig(ls.Config)
	if out, err := ecsc.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String("web")}); err == nil && len(out.ServiceArns) != 0 {
		t.Errorf("services left: %v", out.ServiceArns)
	}
	if out, err := ecsc.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"web"}}); err != nil ||
		(len(out.Clusters) == 1 && aws.ToString(out.Clusters[0].Status) != "INACTIVE") {
		t.Errorf("cluster left: %+v %v", out, err)
	}
	if out, err := ecsc.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{}); err != nil || len(out.TaskDefinitionArns) != 0 {
		t.Errorf("active task definitions left: %+v %v", out, err)
	}
	elbc := elb.NewFromConfig(ls.Config)
	if out, err := elbc.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{}); err != nil || len(out.LoadBalancers) != 0 {
		t.Errorf("load balancers left: %+v %v", out, err)
	}
	if out, err := elbc.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{}); err != nil || len(out.TargetGroups) != 0 {
		t.Errorf("target groups left: %+v %v", out, err)
	}
	if out, err := aas.NewFromConfig(ls.Config).DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs}); err != nil || len(out.ScalableTargets) != 0 {
		t.Errorf("scalable targets left: %+v %v", out, err)
	}
	if out, err := cloudwatch.NewFromConfig(ls.Config).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{}); err != nil || len(out.MetricAlarms) != 0 {
		t.Errorf("alarms left: %+v %v", out, err)
	}
	if out, err := cwl.NewFromConfig(ls.Config).DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{}); err != nil || len(out.LogGroups) != 0 {
		t.Errorf("log groups left: %+v %v", out, err)
	}
	if out, err := iam.NewFromConfig(ls.Config).ListRoles(ctx, &iam.ListRolesInput{}); err != nil || len(customerRoles(out)) != 0 {
		t.Errorf("roles left: %v %v", customerRoles(out), err)
	}
	checkOnlyDefaultVPC(t, ls)
}

// customerRoles leaves out the service-linked roles AWS services make for
// themselves (ECS makes its own on the first cluster).
func customerRoles(out *iam.ListRolesOutput) []string {
	var names []string
	if out == nil {
		return nil
	}
	for _, r := range out.Roles {
		if !strings.HasPrefix(aws.ToString(r.Path), "/aws-service-role/") {
			names = append(names, aws.ToString(r.RoleName))
		}
	}
	return names
}

// checkOnlyDefaultVPC fails if any VPC, subnet, security group, internet
// gateway or route table beyond the default VPC's is left.
func checkOnlyDefaultVPC(t *testing.T, ls *longshoretest.Instance) {
	t.Helper()
	ctx := harness.Ctx
	c := ec2.NewFromConfig(ls.Config)
	notDefault := []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"false"}}}
	if out, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: notDefault}); err != nil || len(out.Vpcs) != 0 {
		t.Errorf("VPCs left: %+v %v", out, err)
	}
	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil || len(vpcs.Vpcs) != 1 {
		t.Fatalf("want only the default VPC: %+v %v", vpcs, err)
	}
	onlyDefault := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(vpcs.Vpcs[0].VpcId)}}}
	if out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{}); err != nil || len(out.Subnets) != countSubnets(t, c, onlyDefault) {
		t.Errorf("subnets left: %+v %v", out, err)
	}
	if out, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{}); err != nil || len(out.SecurityGroups) != 1 {
		t.Errorf("security groups left (want the default VPC's default group): %+v %v", out, err)
	}
	if out, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{}); err != nil || len(out.RouteTables) != 1 {
		t.Errorf("route tables left (want the default VPC's main table): %+v %v", out, err)
	}
	if out, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{}); err != nil || len(out.InternetGateways) != 1 {
		t.Errorf("internet gateways left (want the default VPC's): %+v %v", out, err)
	}
}

func countSubnets(t *testing.T, c *ec2.Client, filters []ec2types.Filter) int {
	t.Helper()
	out, err := c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{Filters: filters})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Subnets)
}
