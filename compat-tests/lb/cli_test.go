package lb_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// cli runs the aws CLI and decodes its JSON answer.
func (e *env) cli(t *testing.T, out any, args ...string) {
	t.Helper()
	s, err := harness.AWSCLI(t, e.ls, nil, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, s)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(s), out); err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, s)
		}
	}
}

// cliHealthy lists the healthy targets aws elbv2 describe-target-health shows.
func (e *env) cliHealthy(t *testing.T, tgArn string) []string {
	var h struct {
		TargetHealthDescriptions []struct {
			Target       struct{ Id string }
			TargetHealth struct{ State string }
		}
	}
	e.cli(t, &h, "elbv2", "describe-target-health", "--target-group-arn", tgArn)
	var ids []string
	for _, d := range h.TargetHealthDescriptions {
		if d.TargetHealth.State == "healthy" {
			ids = append(ids, d.Target.Id)
		}
	}
	sort.Strings(ids)
	return ids
}

func TestCLIServiceBehindALB(t *testing.T) {
	e := start(t)
	var lb struct {
		LoadBalancers []struct{ LoadBalancerArn string }
	}
	subnets := harness.DefaultSubnets(t, e.ls.Config)
	e.cli(t, &lb, "elbv2", "create-load-balancer", "--name", "cli", "--subnets", subnets[0], subnets[1])
	var tg struct {
		TargetGroups []struct{ TargetGroupArn string }
	}
	e.cli(t, &tg, "elbv2", "create-target-group", "--name", "cli", "--protocol", "HTTP", "--port", "80",
		"--vpc-id", harness.DefaultVPC(t, e.ls.Config), "--target-type", "ip")
	tgArn := tg.TargetGroups[0].TargetGroupArn
	e.cli(t, nil, "elbv2", "create-listener", "--load-balancer-arn", lb.LoadBalancers[0].LoadBalancerArn,
		"--protocol", "HTTP", "--port", "80", "--default-actions", "Type=forward,TargetGroupArn="+tgArn)
	e.fargateFamily("cli", "nginx")
	e.cli(t, nil, "ecs", "create-service", "--cluster", cluster, "--service-name", "cli", "--task-definition", "cli",
		"--desired-count", "2", "--launch-type", "FARGATE",
		"--network-configuration", "awsvpcConfiguration={subnets=["+subnets[0]+","+subnets[1]+"],securityGroups=["+harness.DefaultSecurityGroup(t, e.ls.Config)+"]}",
		"--load-balancers", "targetGroupArn="+tgArn+",containerName=web,containerPort=80")

	check := func(n int) {
		harness.Eventually(t, 20*time.Second, "describe-target-health shows the tasks' addresses", func() (bool, string) {
			addrs := e.runningAddresses("cli")
			got := e.cliHealthy(t, tgArn)
			return len(addrs) == n && strings.Join(got, ",") == strings.Join(addrs, ","), strings.Join(got, ",") + " vs " + strings.Join(addrs, ",")
		})
	}
	check(2)
	e.cli(t, nil, "ecs", "update-service", "--cluster", cluster, "--service", "cli", "--desired-count", "3")
	check(3)
	e.cli(t, nil, "ecs", "update-service", "--cluster", cluster, "--service", "cli", "--desired-count", "1")
	harness.Eventually(t, 20*time.Second, "scale-in drained", func() (bool, string) {
		stopped := 0
		for _, tk := range e.tasks("cli", ecstypes.DesiredStatusStopped) {
			if *tk.LastStatus == "STOPPED" {
				stopped++
			}
		}
		return stopped == 2 && len(e.health(tgArn)) == 1, ""
	})
	check(1)
}
