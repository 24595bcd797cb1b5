package terraform_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// requireServices skips a scenario whose configuration needs a service that
// Longshore does not serve yet (absent from /_longshore/health). Once the
// service is registered, the scenario runs and every gap is a failure.
func requireServices(t *testing.T, ls *longshoretest.Instance, names ...string) {
	t.Helper()
	r := harness.Raw(t, ls, "GET", "/_longshore/health", nil, "")
	var health struct {
		Services map[string]json.RawMessage `json:"services"`
	}
	if err := json.Unmarshal([]byte(r.Body), &health); err != nil {
		t.Fatalf("health: %v: %s", err, r.Body)
	}
	var missing []string
	for _, n := range names {
		if _, ok := health.Services[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Skipf("Longshore does not serve %s yet; skipping this Terraform scenario", strings.Join(missing, ", "))
	}
}

// longWait bounds what the cluster manager does on its own (tasks reaching
// RUNNING, targets registering, instances joining a cluster).
const longWait = 60 * time.Second
