package dockerrt

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// A task follows its containers: PENDING, ACTIVATING once created, RUNNING
// once the essential container is healthy, and on the essential
// container's exit DEACTIVATING to STOPPED with its exit code.
func TestAdvanceFollowsTheContainers(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tt := &types.Task{TaskArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task/c/abc"), DesiredStatus: aws.String(ecscore.TaskRunning),
		LastStatus: aws.String(ecscore.TaskProvisioning), LaunchType: types.LaunchTypeFargate,
		Containers: []types.Container{{Name: aws.String("app")}}}
	tk := &task{}
	step := func(s snapshot) {
		t.Helper()
		err := st.Write(context.Background(), func(tx *store.Tx) error {
			c := &api.Context{Context: context.Background(), Region: "us-east-1", Caller: api.RootPrincipal("000000000000", ""), Tx: tx}
			tx.Now = now
			_, err := advance(c, tt, &types.TaskDefinition{}, tk, s, time.Time{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	step(snapshot{})
	if got := aws.ToString(tt.LastStatus); got != ecscore.TaskPending {
		t.Fatalf("first: %s", got)
	}
	app := ctr{Name: "app", ID: "c1", Essential: true, HealthCheck: true}
	step(snapshot{created: true, ctrs: map[string]ctr{"app": app}})
	if got := aws.ToString(tt.LastStatus); got != ecscore.TaskActivating || aws.ToString(tt.Containers[0].RuntimeId) != "c1" {
		t.Fatalf("created: %s %v", got, aws.ToString(tt.Containers[0].RuntimeId))
	}
	app.Started, app.Health = true, "starting"
	step(snapshot{created: true, ctrs: map[string]ctr{"app": app}})
	if got := aws.ToString(tt.LastStatus); got != ecscore.TaskActivating {
		t.Fatalf("started, not healthy: %s", got)
	}
	app.Health = "healthy"
	step(snapshot{created: true, ctrs: map[string]ctr{"app": app}})
	if aws.ToString(tt.LastStatus) != ecscore.TaskRunning || tt.HealthStatus != types.HealthStatusHealthy {
		t.Fatalf("healthy: %s %s", aws.ToString(tt.LastStatus), tt.HealthStatus)
	}
	app.Exited, app.ExitCode = true, 3
	tk.stopCh = make(chan struct{})
	step(snapshot{created: true, ctrs: map[string]ctr{"app": app}})
	if aws.ToString(tt.StoppedReason) != ecscore.ReasonEssentialExited || aws.ToString(tt.LastStatus) != ecscore.TaskStopping {
		t.Fatalf("exited: %s %q", aws.ToString(tt.LastStatus), aws.ToString(tt.StoppedReason))
	}
	step(snapshot{created: true, stopped: true, ctrs: map[string]ctr{"app": app}})
	if aws.ToString(tt.LastStatus) != ecscore.TaskStopped || aws.ToInt32(tt.Containers[0].ExitCode) != 3 {
		t.Fatalf("stopped: %s exit %d", aws.ToString(tt.LastStatus), aws.ToInt32(tt.Containers[0].ExitCode))
	}
}
