package cli_test

import (
	"strings"
	"testing"
)

// An ALB set up by script: the load-balancer-available waiter, a target
// group from --cli-input-json, a listener and a path rule, target groups
// paged, targets in service, and the tear-down with its waiter.
func TestCLIELBv2Session(t *testing.T) {
	s := start(t)
	subnets, vpc := s.defaultSubnets(), s.defaultVPC()
	lb := s.text("elbv2", "create-load-balancer", "--name", "shop-alb", "--subnets", subnets[0], subnets[1],
		"--security-groups", s.defaultGroup(), "--tags", "Key=team,Value=shop", "--query", "LoadBalancers[0].LoadBalancerArn")
	if !strings.HasPrefix(lb, "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/shop-alb/") {
		t.Fatalf("load balancer arn %q", lb)
	}
	s.run("elbv2", "wait", "load-balancer-available", "--load-balancer-arns", lb)
	s.equal("state", s.text("elbv2", "describe-load-balancers", "--names", "shop-alb", "--query", "LoadBalancers[0].State.Code"), "active")

	tgInput := s.file("tg.json", `{
  "Name": "shop-web",
  "Protocol": "HTTP",
  "Port": 8080,
  "VpcId": "`+vpc+`",
  "TargetType": "ip",
  "HealthCheckPath": "/health",
  "HealthCheckIntervalSeconds": 5,
  "HealthCheckTimeoutSeconds": 2,
  "HealthyThresholdCount": 2,
  "Matcher": {"HttpCode": "200-299"}
}`)
	tg := s.text("elbv2", "create-target-group", "--cli-input-json", tgInput, "--query", "TargetGroups[0].TargetGroupArn")
	for _, name := range []string{"shop-api", "shop-admin", "shop-static"} {
		s.run("elbv2", "create-target-group", "--name", name, "--protocol", "HTTP", "--port", "80", "--vpc-id", vpc, "--target-type", "ip")
	}
	names, pages := s.pages("Names", 3, "elbv2", "describe-target-groups", "--query", "{Names: TargetGroups[].TargetGroupName, NextToken: NextToken}")
	if len(names) != 4 || pages != 2 {
		t.Errorf("4 target groups with --max-items 3: %v in %d pages", names, pages)
	}

	listener := s.text("elbv2", "create-listener", "--load-balancer-arn", lb, "--protocol", "HTTP", "--port", "80",
		"--default-actions", "Type=forward,TargetGroupArn="+tg, "--query", "Listeners[0].ListenerArn")
	s.run("elbv2", "create-rule", "--listener-arn", listener, "--priority", "10",
		"--conditions", "Field=path-pattern,Values=/api/*", "--actions", "Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain,MessageBody=api}")
	table := s.run("elbv2", "describe-rules", "--listener-arn", listener, "--output", "table",
		"--query", "Rules[].{Priority:Priority,Default:IsDefault}")
	s.tableHas(table, "DescribeRules", "Priority", "10", "default", "True")

	s.run("elbv2", "register-targets", "--target-group-arn", tg, "--targets", "Id=10.0.1.10", "Id=10.0.2.20,Port=9090")
	s.run("elbv2", "wait", "target-in-service", "--target-group-arn", tg)
	s.equal("healthy", s.text("elbv2", "describe-target-health", "--target-group-arn", tg,
		"--query", "TargetHealthDescriptions[?TargetHealth.State=='healthy'] | length(@)"), "2")

	s.run("elbv2", "modify-load-balancer-attributes", "--load-balancer-arn", lb, "--attributes", "Key=idle_timeout.timeout_seconds,Value=120")
	s.equal("idle timeout", s.text("elbv2", "describe-load-balancer-attributes", "--load-balancer-arn", lb,
		"--query", "Attributes[?Key=='idle_timeout.timeout_seconds'].Value"), "120")

	s.fail("LoadBalancerNotFound", "elbv2", "describe-load-balancers", "--names", "shop-alb-typo")
	s.fail("DuplicateTargetGroupName", "elbv2", "create-target-group", "--name", "shop-api", "--protocol", "HTTPS", "--port", "443", "--vpc-id", vpc)
	s.fail("ResourceInUse", "elbv2", "delete-target-group", "--target-group-arn", tg)

	s.run("elbv2", "deregister-targets", "--target-group-arn", tg, "--targets", "Id=10.0.1.10", "Id=10.0.2.20,Port=9090")
	s.run("elbv2", "delete-load-balancer", "--load-balancer-arn", lb)
	s.run("elbv2", "wait", "load-balancers-deleted", "--load-balancer-arns", lb)
	for _, arn := range strings.Fields(s.text("elbv2", "describe-target-groups", "--query", "TargetGroups[].TargetGroupArn")) {
		s.run("elbv2", "delete-target-group", "--target-group-arn", arn)
	}
	s.equal("target groups left", s.text("elbv2", "describe-target-groups", "--query", "length(TargetGroups)"), "0")
}
