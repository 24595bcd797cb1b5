package ecscore

import (
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/store"
)

// ComputedDesiredCount is a task set's share of its service's desired count.
// AWS (ECS API reference, TaskSet.computedDesiredCount): "The computed
// desired count for the task set. This is calculated by multiplying the
// service's desiredCount by the task set's scale percentage. The result is
// always rounded up."
func ComputedDesiredCount(desired int32, scale *types.Scale) int32 {
	if scale == nil {
		return desired
	}
	return int32(math.Ceil(float64(desired) * scale.Value / 100))
}

// ResizeService gives a service a new desired count and carries it to what
// follows from it: the PRIMARY deployment's desired count, the latest current
// revision's requested count and, for EXTERNAL and CODE_DEPLOY services, each
// task set's computed desired count. It changes svc only; SetDesiredCount
// also stores it.
func ResizeService(svc *types.Service, n int32, now time.Time) {
	svc.DesiredCount = n
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		if aws.ToString(d.Status) == DeploymentPrimary && d.DesiredCount != n {
			d.DesiredCount = n
			d.UpdatedAt = aws.Time(now)
		}
	}
	if k := len(svc.CurrentServiceRevisions); k > 0 {
		svc.CurrentServiceRevisions[k-1].RequestedTaskCount = n
	}
	for i := range svc.TaskSets {
		ts := &svc.TaskSets[i]
		if aws.ToString(ts.Status) == TaskSetDraining {
			continue
		}
		ts.ComputedDesiredCount = ComputedDesiredCount(n, ts.Scale)
	}
}

// SetDesiredCount is the one writer of a service's desired count (ECS
// UpdateService, Application Auto Scaling): it resizes the service as
// ResizeService does and stores it.
func SetDesiredCount(tx *store.Tx, sc store.Scope, svc *types.Service, n int32, now time.Time) error {
	ResizeService(svc, n, now)
	return PutService(tx, sc, svc)
}
