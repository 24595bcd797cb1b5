package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/longshore/longshore/services/core/ecscore"
)

// setCounts writes the running and pending counts of a service and of each
// of its deployments and task sets from its tasks. The primary deployment wants the
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
	// A task set's tasks count for it and for the service.
	for i := range svc.TaskSets {
		ts := &svc.TaskSets[i]
		id := aws.ToString(ts.Id)
		ts.RunningCount, ts.PendingCount = running[id], pending[id]
		sr += running[id]
		sp += pending[id]
	}
	svc.RunningCount, svc.PendingCount = sr, sp
}

// setRevisionCounts carries the deployments' counts to the service revisions
// they run (links: each deployment's link, as the step left them), so that
// currentServiceRevisions follows the tasks. A revision no deployment links
// to keeps what it had.
func setRevisionCounts(svc *types.Service, links map[string]*ecscore.DeploymentLink) {
	type counts struct{ requested, running, pending int32 }
	byRevision := map[string]*counts{}
	for _, d := range svc.Deployments {
		link := links[aws.ToString(d.Id)]
		if link == nil || link.ServiceRevisionArn == "" {
			continue
		}
		c := byRevision[link.ServiceRevisionArn]
		if c == nil {
			c = &counts{}
			byRevision[link.ServiceRevisionArn] = c
		}
		c.requested += d.DesiredCount
		c.running += d.RunningCount
		c.pending += d.PendingCount
	}
	for i := range svc.CurrentServiceRevisions {
		r := &svc.CurrentServiceRevisions[i]
		if c := byRevision[aws.ToString(r.Arn)]; c != nil {
			r.RequestedTaskCount, r.RunningTaskCount, r.PendingTaskCount = c.requested, c.running, c.pending
		}
	}
}
