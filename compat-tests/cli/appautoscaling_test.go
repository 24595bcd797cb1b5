package cli_test

import (
	"strings"
	"testing"
)

// Scaling ECS services from a script: scalable targets paged, a
// target-tracking policy from --cli-input-json with the alarms it makes, a
// step policy, a scheduled action, and the clean-up.
func TestCLIApplicationAutoScalingSession(t *testing.T) {
	s := start(t)
	s.run("ecs", "create-cluster", "--cluster-name", "shop", "--capacity-providers", "FARGATE")
	s.run("ecs", "register-task-definition", "--family", "worker", "--requires-compatibilities", "FARGATE", "--network-mode", "awsvpc",
		"--cpu", "256", "--memory", "512", "--container-definitions", `[{"name":"w","image":"busybox","essential":true}]`)
	services := []string{"orders", "billing", "mailer"}
	subnet := s.defaultSubnets()[0]
	for _, name := range services {
		s.run("ecs", "create-service", "--cluster", "shop", "--service-name", name, "--task-definition", "worker",
			"--desired-count", "1", "--launch-type", "FARGATE",
			"--network-configuration", "awsvpcConfiguration={subnets=["+subnet+"]}")
		s.run("application-autoscaling", "register-scalable-target", "--service-namespace", "ecs",
			"--scalable-dimension", "ecs:service:DesiredCount", "--resource-id", "service/shop/"+name,
			"--min-capacity", "1", "--max-capacity", "6")
	}
	ids, pages := s.pages("Ids", 2, "application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs",
		"--query", "{Ids: ScalableTargets[].ResourceId, NextToken: NextToken}")
	if len(ids) != 3 || pages != 2 {
		t.Errorf("3 targets with --max-items 2: %v in %d pages", ids, pages)
	}

	policy := s.file("policy.json", `{
  "PolicyName": "orders-cpu",
  "ServiceNamespace": "ecs",
  "ResourceId": "service/shop/orders",
  "ScalableDimension": "ecs:service:DesiredCount",
  "PolicyType": "TargetTrackingScaling",
  "TargetTrackingScalingPolicyConfiguration": {
    "TargetValue": 70.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
    "ScaleOutCooldown": 60,
    "ScaleInCooldown": 120
  }
}`)
	alarms := s.text("application-autoscaling", "put-scaling-policy", "--cli-input-json", policy, "--query", "Alarms[].AlarmName")
	if !strings.Contains(alarms, "TargetTracking-service/shop/orders-AlarmHigh-") || !strings.Contains(alarms, "TargetTracking-service/shop/orders-AlarmLow-") {
		t.Errorf("target-tracking alarms %q", alarms)
	}
	s.run("application-autoscaling", "put-scaling-policy", "--policy-name", "billing-step", "--service-namespace", "ecs",
		"--resource-id", "service/shop/billing", "--scalable-dimension", "ecs:service:DesiredCount", "--policy-type", "StepScaling",
		"--step-scaling-policy-configuration", `{"AdjustmentType":"ChangeInCapacity","Cooldown":60,"MetricAggregationType":"Average","StepAdjustments":[{"MetricIntervalLowerBound":0,"ScalingAdjustment":2}]}`)
	s.equal("policy types", s.text("application-autoscaling", "describe-scaling-policies", "--service-namespace", "ecs",
		"--query", "sort(ScalingPolicies[].PolicyType)"), "StepScaling\tTargetTrackingScaling")

	s.run("application-autoscaling", "put-scheduled-action", "--service-namespace", "ecs", "--scheduled-action-name", "nightly",
		"--resource-id", "service/shop/mailer", "--scalable-dimension", "ecs:service:DesiredCount",
		"--schedule", "cron(0 22 * * ? *)", "--timezone", "Europe/Berlin", "--scalable-target-action", "MinCapacity=1,MaxCapacity=2")
	table := s.run("application-autoscaling", "describe-scheduled-actions", "--service-namespace", "ecs", "--output", "table")
	s.tableHas(table, "DescribeScheduledActions", "nightly", "cron(0 22 * * ? *)", "Europe/Berlin")

	s.fail("ObjectNotFoundException", "application-autoscaling", "delete-scaling-policy", "--policy-name", "nope",
		"--service-namespace", "ecs", "--resource-id", "service/shop/orders", "--scalable-dimension", "ecs:service:DesiredCount")
	s.fail("ValidationException", "application-autoscaling", "register-scalable-target", "--service-namespace", "ecs",
		"--scalable-dimension", "ecs:service:DesiredCount", "--resource-id", "service/shop/missing", "--min-capacity", "1", "--max-capacity", "2")

	s.run("application-autoscaling", "delete-scaling-policy", "--policy-name", "orders-cpu", "--service-namespace", "ecs",
		"--resource-id", "service/shop/orders", "--scalable-dimension", "ecs:service:DesiredCount")
	s.equal("alarms after delete", s.text("cloudwatch", "describe-alarms", "--query", "length(MetricAlarms)"), "0")
	for _, name := range services {
		s.run("application-autoscaling", "deregister-scalable-target", "--service-namespace", "ecs",
			"--scalable-dimension", "ecs:service:DesiredCount", "--resource-id", "service/shop/"+name)
	}
	s.equal("policies left", s.text("application-autoscaling", "describe-scaling-policies", "--service-namespace", "ecs",
		"--query", "length(ScalingPolicies)"), "0")
	s.equal("scheduled actions left", s.text("application-autoscaling", "describe-scheduled-actions", "--service-namespace", "ecs",
		"--query", "length(ScheduledActions)"), "0")
}
