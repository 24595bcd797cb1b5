package ecs_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWorkloadCLICreateListDescribeService(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	cli := func(args ...string) string {
		t.Helper()
		out, err := wlCLI(t, e, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	out := cli("ecs", "create-service", "--cluster", "apps", "--service-name", "web", "--task-definition", "web",
		"--desired-count", "2", "--launch-type", "FARGATE",
		"--network-configuration", "awsvpcConfiguration={subnets=["+e.subnet(t, 0)+","+e.subnet(t, 1)+"],securityGroups=["+e.defaultGroup(t)+"],assignPublicIp=DISABLED}",
		"--query", "service.{arn:serviceArn,status:status,desired:desiredCount,deployments:length(deployments)}")
	var created struct {
		Arn         string
		Status      string
		Desired     int
		Deployments int
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if created.Arn != "arn:aws:ecs:us-east-1:000000000000:service/apps/web" || created.Status != "ACTIVE" || created.Desired != 2 || created.Deployments != 1 {
		t.Errorf("created %+v", created)
	}

	out = cli("ecs", "list-services", "--cluster", "apps", "--query", "serviceArns[0]")
	if strings.TrimSpace(out) != `"arn:aws:ecs:us-east-1:000000000000:service/apps/web"` {
		t.Errorf("list-services: %s", out)
	}
	out = cli("ecs", "describe-services", "--cluster", "apps", "--services", "web", "ghost",
		"--query", "{launch:services[0].launchType,primary:services[0].deployments[?status=='PRIMARY'] | [0].rolloutState,missing:failures[0].reason}")
	var desc struct{ Launch, Primary, Missing string }
	if err := json.Unmarshal([]byte(out), &desc); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if desc.Launch != "FARGATE" || (desc.Primary != "IN_PROGRESS" && desc.Primary != "COMPLETED") || desc.Missing != "MISSING" {
		t.Errorf("describe-services %+v", desc)
	}

	// The CLI shows AWS's error for a refused delete.
	out, err := wlCLI(t, e, "ecs", "delete-service", "--cluster", "apps", "--service", "web")
	if err == nil || !strings.Contains(out, "InvalidParameterException") || !strings.Contains(out, "scaled above 0") {
		t.Errorf("delete-service without --force: %v %s", err, out)
	}
}
