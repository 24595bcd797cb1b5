package cli_test

import (
	"strings"
	"testing"
)

// The ECS deploy script users copy from the docs: cluster and task
// definition from JSON files, a Fargate service, the services-stable and
// tasks-running waiters, tasks paged, a scale-down and the tear-down.
func TestCLIECSSession(t *testing.T) {
	s := start(t)
	cluster := s.file("cluster.json", `{
  "clusterName": "shop",
  "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
  "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
  "settings": [{"name": "containerInsights", "value": "enabled"}],
  "tags": [{"key": "team", "value": "shop"}]
}`)
	s.equal("cluster", s.text("ecs", "create-cluster", "--cli-input-json", cluster, "--query", "cluster.clusterArn"),
		"arn:aws:ecs:us-east-1:000000000000:cluster/shop")
	taskdef := s.file("taskdef.json", `{
  "family": "shop-web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256",
  "memory": "512",
  "containerDefinitions": [{
    "name": "web",
    "image": "public.ecr.aws/nginx/nginx:1.27",
    "essential": true,
    "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
    "environment": [{"name": "STAGE", "value": "local"}]
  }]
}`)
	s.equal("revision 1", s.text("ecs", "register-task-definition", "--cli-input-json", taskdef, "--query", "taskDefinition.revision"), "1")
	s.equal("revision 2", s.text("ecs", "register-task-definition", "--cli-input-json", taskdef, "--query", "taskDefinition.revision"), "2")

	s.equal("service", s.text("ecs", "create-service", "--cluster", "shop", "--service-name", "web",
		"--task-definition", "shop-web:2", "--desired-count", "3", "--launch-type", "FARGATE",
		"--network-configuration", "awsvpcConfiguration={subnets=["+strings.Join(s.defaultSubnets()[:2], ",")+"],securityGroups=["+s.defaultGroup()+"],assignPublicIp=ENABLED}",
		"--deployment-configuration", "deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100",
		"--query", "service.status"), "ACTIVE")
	families := s.text("ecs", "list-task-definition-families", "--family-prefix", "shop", "--query", "families")
	s.equal("families", families, "shop-web")

	s.run("ecs", "wait", "services-stable", "--cluster", "shop", "--services", "web")
	s.equal("running", s.text("ecs", "describe-services", "--cluster", "shop", "--services", "web",
		"--query", "services[0].[runningCount,desiredCount,deployments[0].rolloutState]"), "3\t3\tCOMPLETED")

	arns, pages := s.pages("taskArns", 2, "ecs", "list-tasks", "--cluster", "shop", "--service-name", "web")
	if len(arns) != 3 || pages != 2 {
		t.Fatalf("3 tasks with --max-items 2: %d tasks in %d pages", len(arns), pages)
	}
	s.run(append([]string{"ecs", "wait", "tasks-running", "--cluster", "shop", "--tasks"}, arns...)...)
	statuses := s.text(append([]string{"ecs", "describe-tasks", "--cluster", "shop", "--query", "tasks[].lastStatus", "--tasks"}, arns...)...)
	s.equal("task statuses", statuses, "RUNNING\tRUNNING\tRUNNING")
	table := s.run("ecs", "describe-services", "--cluster", "shop", "--services", "web", "--output", "table",
		"--query", "services[].{Name:serviceName,Desired:desiredCount,Running:runningCount,Launch:launchType}")
	s.tableHas(table, "DescribeServices", "Name", "web", "FARGATE")

	s.run("ecs", "update-service", "--cluster", "shop", "--service", "web", "--desired-count", "1")
	s.run("ecs", "wait", "services-stable", "--cluster", "shop", "--services", "web")
	s.equal("after scale-down", s.text("ecs", "list-tasks", "--cluster", "shop", "--service-name", "web", "--query", "length(taskArns)"), "1")

	s.fail("ClusterNotFoundException", "ecs", "describe-services", "--cluster", "shopp", "--services", "web")
	s.fail("ClusterContainsServicesException", "ecs", "delete-cluster", "--cluster", "shop")

	s.run("ecs", "delete-service", "--cluster", "shop", "--service", "web", "--force")
	s.run("ecs", "wait", "services-inactive", "--cluster", "shop", "--services", "web")
	for _, rev := range []string{"shop-web:1", "shop-web:2"} {
		s.run("ecs", "deregister-task-definition", "--task-definition", rev)
	}
	s.equal("active definitions", s.text("ecs", "list-task-definitions", "--family-prefix", "shop-web", "--query", "length(taskDefinitionArns)"), "0")
	inactive := s.text("ecs", "list-task-definitions", "--family-prefix", "shop-web", "--status", "INACTIVE", "--query", "taskDefinitionArns")
	if strings.Count(inactive, "task-definition/shop-web:") != 2 {
		t.Errorf("inactive definitions %q", inactive)
	}
	s.run("ecs", "delete-cluster", "--cluster", "shop")
	s.equal("cluster status", s.text("ecs", "describe-clusters", "--clusters", "shop", "--query", "clusters[0].status"), "INACTIVE")
}
