package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// setCounts writes the running and pending counts of a service and of each
// of its deployments from its tasks. The primary deployment wants the
// service's desired count; the others want what they still run.
func setCounts(svc *types.Service, tasks []*types.Task, now time.Time) {
	running, pending := map[string]int32{}, map[string]int32{}
	for _, t := range tasks {
		if !ecscore.Live(t) {
			continue
		}
		if ecscore.Running(t) {
			running[aws.ToString(t.StartedBy)]++
		} else {
			pending[aws.ToString(t.StartedBy)]++
		}
	}
	var sr, sp int32
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		id := aws.ToString(d.Id)
		want := svc.DesiredCount
		if aws.ToString(d.Status) != ecscore.DeploymentPrimary {
			want = running[id] + pending[id]
		}
		if d.RunningCount != running[id] || d.PendingCount != pending[id] || d.DesiredCount != want {
			d.RunningCount, d.PendingCount, d.DesiredCount = running[id], pending[id], want
			d.UpdatedAt = aws.Time(now)
		}
		sr += running[id]
		sp += pending[id]
	}
	svc.RunningCount, svc.PendingCount = sr, sp
}
