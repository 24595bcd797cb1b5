package elbv2traffic_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The aws CLI registers a test server on 127.0.0.1 behind an ALB (the local
// extension: AvailabilityZone=all), and a request with the load balancer's
// DNS name as Host reaches the server through Longshore's main port.
func TestCLIBuildsALoadBalancerThatAnswers(t *testing.T) {
	e := start(t)
	b := newBackend(t, "cli")
	cli := func(args ...string) string {
		t.Helper()
		out, err := harness.AWSCLI(t, e.ls, nil, append([]string{"elbv2"}, args...)...)
		if err != nil {
			t.Fatalf("aws elbv2 %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(out)
	}
	lb := e.alb(unique("cli"))
	tgArn := e.ipGroup(unique("cli"), types.ProtocolEnumHttp)
	e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tgArn))
	// One CLI call (each costs seconds): the registration in the CLI's shorthand.
	tg, dns := aws.ToString(tgArn), aws.ToString(lb.DNSName)
	cli("register-targets", "--target-group-arn", tg, "--targets", fmt.Sprintf("Id=127.0.0.1,Port=%d,AvailabilityZone=all", b.port))
	e.waitHealthy(aws.String(tg), 1)
	if r := e.get(e.mainAddr(), dns, "/", nil); r.status != 200 || r.body != "cli" {
		t.Fatalf("through %s: %d %q", dns, r.status, r.body)
	}
}
