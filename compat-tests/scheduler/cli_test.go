package scheduler_test

import (
	"testing"
	"time"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The CLI waiter polls every 15 s: a new Fargate service of 3 must be stable
// by its first or second poll.
func TestCLIWaitServicesStable(t *testing.T) {
	ls, client := setup(t)
	td := fargateTaskDefinition(t, client, "web", nil)
	fargateService(t, client, "web", td, 3, nil)
	start := time.Now()
	out, err := harness.AWSCLI(t, ls, nil, "ecs", "wait", "services-stable", "--cluster", cluster, "--services", "web")
	if err != nil {
		t.Fatalf("aws ecs wait services-stable: %v\n%s", err, out)
	}
	if d := time.Since(start); d > 32*time.Second {
		t.Fatalf("took %v: more than two polls", d)
	}
}
