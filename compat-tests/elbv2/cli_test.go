package elbv2_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestELBv2CLISession(t *testing.T) {
	ls := harness.Start(t)
	cli := func(args ...string) string {
		t.Helper()
		out, err := harness.AWSCLI(t, ls, nil, append([]string{"elbv2"}, args...)...)
		if err != nil {
			t.Fatalf("aws elbv2 %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(out)
	}
	subnets := harness.DefaultSubnets(t, ls.Config)
	lbArn := cli("create-load-balancer", "--name", "cli-alb", "--subnets", subnets[0], subnets[1],
		"--query", "LoadBalancers[0].LoadBalancerArn", "--output", "text")
	if !strings.Contains(lbArn, ":loadbalancer/app/cli-alb/") {
		t.Fatalf("load balancer arn %q", lbArn)
	}
	// Target health follows the time since registering, at a hundredth of
	// AWS's intervals: the longest checks AWS allows (CreateTargetGroup: an
	// interval of 5-300 s, a healthy threshold of 2-10) keep a new target
	// initial for 30 s, longer than two CLI commands take on a loaded machine.
	tgArn := cli("create-target-group", "--name", "cli-tg", "--protocol", "HTTP", "--port", "8080", "--vpc-id", harness.DefaultVPC(t, ls.Config),
		"--target-type", "ip", "--health-check-interval-seconds", "300", "--healthy-threshold-count", "10",
		"--query", "TargetGroups[0].TargetGroupArn", "--output", "text")
	listener := cli("create-listener", "--load-balancer-arn", lbArn, "--protocol", "HTTP", "--port", "80",
		"--default-actions", "Type=forward,TargetGroupArn="+tgArn)
	var l struct{ Listeners []struct{ Port int } }
	if err := json.Unmarshal([]byte(listener), &l); err != nil || l.Listeners[0].Port != 80 {
		t.Fatalf("listener %s (%v)", listener, err)
	}
	cli("register-targets", "--target-group-arn", tgArn, "--targets", "Id=172.31.7.1", "Id=172.31.7.2,Port=9090")
	states := cli("describe-target-health", "--target-group-arn", tgArn, "--query", "TargetHealthDescriptions[].TargetHealth.State", "--output", "text")
	if states != "initial\tinitial" {
		t.Errorf("states right after registering %q", states)
	}
	// Two checks 150 s apart: health is read at the settings in force, so
	// the targets are healthy 3 s after registering.
	interval := cli("modify-target-group", "--target-group-arn", tgArn, "--health-check-interval-seconds", "150", "--healthy-threshold-count", "2",
		"--query", "TargetGroups[0].[HealthCheckIntervalSeconds,HealthyThresholdCount]", "--output", "text")
	if interval != "150\t2" {
		t.Errorf("modified health check %q", interval)
	}
	harness.Await(t, harness.Wait, "both targets healthy", func() (bool, string) {
		states = cli("describe-target-health", "--target-group-arn", tgArn,
			"--query", "TargetHealthDescriptions[?TargetHealth.State=='healthy'].Target.Id", "--output", "text")
		return states == "172.31.7.1\t172.31.7.2", "healthy targets " + states
	})
	port := cli("describe-target-health", "--target-group-arn", tgArn, "--targets", "Id=172.31.7.2,Port=9090",
		"--query", "TargetHealthDescriptions[0].Target.Port", "--output", "text")
	if port != "9090" {
		t.Errorf("port %q", port)
	}
	out, err := harness.AWSCLI(t, ls, nil, "elbv2", "delete-target-group", "--target-group-arn", tgArn)
	if err == nil || !strings.Contains(out, "ResourceInUse") {
		t.Errorf("deleting a used target group: %v %s", err, out)
	}
}
