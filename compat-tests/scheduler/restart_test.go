package scheduler_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

func taskArns(ts []types.Task) []string {
	var out []string
	for _, t := range ts {
		out = append(out, aws.ToString(t.TaskArn))
	}
	sort.Strings(out)
	return out
}

func TestRestartWithDBResumes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "longshore.db")
	var stable, pending []string
	t.Run("first run", func(t *testing.T) {
		ls := longshoretest.StartWith(t, longshoretest.Options{DB: db})
		client := ecs.NewFromConfig(ls.Config)
		harness.CreateCluster(t, client, cluster)
		td := fargateTaskDefinition(t, client, "web", nil)
		fargateService(t, client, "web", td, 2, nil)
		harness.WaitStable(t, client, cluster, "web")
		stable = taskArns(harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning))
		// A second service stopped while its tasks are still starting.
		fargateService(t, client, "api", td, 2, nil)
		harness.Eventually(t, harness.Wait, "api tasks", func() (bool, string) {
			n := len(harness.ServiceTasks(t, client, cluster, "api", types.DesiredStatusRunning))
			return n == 2, fmt.Sprintf("%d tasks", n)
		})
		pending = taskArns(harness.ServiceTasks(t, client, cluster, "api", types.DesiredStatusRunning))
	})
	ls := longshoretest.StartWith(t, longshoretest.Options{DB: db})
	client := ecs.NewFromConfig(ls.Config)
	harness.WaitStable(t, client, cluster, "web", "api")
	if got := taskArns(harness.ServiceTasks(t, client, cluster, "web", types.DesiredStatusRunning)); strings.Join(got, ",") != strings.Join(stable, ",") {
		t.Fatalf("web tasks after restart %v, want %v", got, stable)
	}
	if got := taskArns(harness.ServiceTasks(t, client, cluster, "api", types.DesiredStatusRunning)); strings.Join(got, ",") != strings.Join(pending, ",") {
		t.Fatalf("api tasks after restart %v, want the same %v", got, pending)
	}
	if n := len(harness.ServiceTasks(t, client, cluster, "api", types.DesiredStatusStopped)); n != 0 {
		t.Fatalf("%d api tasks stopped across the restart", n)
	}
}
