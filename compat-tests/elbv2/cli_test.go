package elbv2_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

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
	tgArn := cli("create-target-group", "--name", "cli-tg", "--protocol", "HTTP", "--port", "8080", "--vpc-id", harness.DefaultVPC(t, ls.Config),
		"--target-type", "ip", "--health-check-interval-seconds", "150", "--healthy-threshold-count", "2",
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
	harness.Await(t, 10*time.Second, "both targets healthy", func() (bool, string) {
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
