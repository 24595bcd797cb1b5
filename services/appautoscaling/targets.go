package appautoscaling

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxTargetsPerNamespace is AWS's default quota of scalable targets per namespace.
const maxTargetsPerNamespace = 3000

// RoleCreator creates a service-linked role (IAM's CreateServiceLinkedRole)
// unless it exists.
type RoleCreator func(c *api.Context, awsServiceName string) error

func getTarget(tx *store.Tx, sc store.Scope, ns types.ServiceNamespace, dim types.ScalableDimension, resourceID string) (*targetRecord, error) {
	return Targets.Get(tx, sc, targetKey(ns, dim, resourceID))
}

// mustTarget is a registered scalable target, with AWS's error when there is none.
func mustTarget(tx *store.Tx, sc store.Scope, ns types.ServiceNamespace, dim types.ScalableDimension, resourceID string) (*targetRecord, error) {
	rec, err := getTarget(tx, sc, ns, dim, resourceID)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, errNoTarget(ns, resourceID, dim)
	}
	return rec, nil
}

func putTarget(tx *store.Tx, sc store.Scope, rec *targetRecord) error {
	t := &rec.Target
	return Targets.Put(tx, sc, targetKey(t.ServiceNamespace, t.ScalableDimension, aws.ToString(t.ResourceId)), targetIndex(t), rec)
}

func (h *handlers) registerScalableTarget(c *api.Context, in *applicationautoscaling.RegisterScalableTargetInput) (*applicationautoscaling.RegisterScalableTargetOutput, error) {
	ns, dim, id := in.ServiceNamespace, in.ScalableDimension, aws.ToString(in.ResourceId)
	sc, now := c.Scope(), c.Now()
	if err := checkResource(ns, dim, id); err != nil {
		return nil, err
	}
	rec, err := getTarget(c.Tx, sc, ns, dim, id)
	if err != nil {
		return nil, err
	}
	created := rec == nil
	if created {
		if in.MinCapacity == nil || in.MaxCapacity == nil {
			return nil, errValidation("MinCapacity and MaxCapacity are required for registering a new scalable target")
		}
		n, err := Targets.Count(c.Tx, sc, store.Query{Parent: string(ns)})
		if err != nil {
			return nil, err
		}
		if n >= maxTargetsPerNamespace {
			return nil, apierror.New("LimitExceededException", "The maximum number of scalable targets (%d) for service namespace %s has been reached", maxTargetsPerNamespace, ns)
		}
		if ns == types.ServiceNamespaceEcs {
			svc, err := ecsService(c.Tx, sc, id)
			if err != nil {
				return nil, err
			}
			if svc == nil {
				return nil, errValidation("ECS service doesn't exist: %s", id)
			}
		}
		rec = &targetRecord{Target: types.ScalableTarget{
			ServiceNamespace: ns, ScalableDimension: dim, ResourceId: aws.String(id), CreationTime: aws.Time(now),
			ScalableTargetARN: aws.String(targetARN(sc)), RoleARN: aws.String(serviceLinkedRole(sc, ns, dim)),
			SuspendedState: &types.SuspendedState{DynamicScalingInSuspended: aws.Bool(false), DynamicScalingOutSuspended: aws.Bool(false), ScheduledScalingSuspended: aws.Bool(false)},
		}, Capacity: aws.ToInt32(in.MinCapacity)}
	}
	t := &rec.Target
	if in.MinCapacity != nil {
		t.MinCapacity = in.MinCapacity
	}
	if in.MaxCapacity != nil {
		t.MaxCapacity = in.MaxCapacity
	}
	if aws.ToInt32(t.MinCapacity) < 0 || aws.ToInt32(t.MaxCapacity) < 0 {
		return nil, errValidation("Minimum and maximum capacity must be non-negative")
	}
	if aws.ToInt32(t.MinCapacity) > aws.ToInt32(t.MaxCapacity) {
		return nil, errValidation("Minimum capacity cannot be greater than maximum capacity")
	}
	if in.RoleARN != nil {
		t.RoleARN = in.RoleARN
	}
	if s := in.SuspendedState; s != nil {
		if s.DynamicScalingInSuspended != nil {
			t.SuspendedState.DynamicScalingInSuspended = s.DynamicScalingInSuspended
		}
		if s.DynamicScalingOutSuspended != nil {
			t.SuspendedState.DynamicScalingOutSuspended = s.DynamicScalingOutSuspended
		}
		if s.ScheduledScalingSuspended != nil {
			t.SuspendedState.ScheduledScalingSuspended = s.ScheduledScalingSuspended
		}
	}
	if fn := h.CreateServiceLinkedRole; created && ns == types.ServiceNamespaceEcs && in.RoleARN == nil && fn != nil {
		if err := fn(c, "ecs.application-autoscaling.amazonaws.com"); err != nil {
			return nil, err
		}
	}
	if err := clampToBounds(c.Tx, sc, now, rec); err != nil {
		return nil, err
	}
	if err := putTarget(c.Tx, sc, rec); err != nil {
		return nil, err
	}
	if created && len(in.Tags) > 0 {
		tags := in.Tags
		if err := Tags.Put(c.Tx, sc, aws.ToString(t.ScalableTargetARN), store.Index{}, &tags); err != nil {
			return nil, err
		}
	}
	return &applicationautoscaling.RegisterScalableTargetOutput{ScalableTargetARN: t.ScalableTargetARN}, nil
}

// clampToBounds moves a target's capacity into [min, max], as AWS does when
// the bounds change.
func clampToBounds(tx *store.Tx, sc store.Scope, now time.Time, rec *targetRecord) error {
	t := &rec.Target
	cur, err := currentCapacity(tx, sc, rec)
	if err != nil {
		return err
	}
	lo, hi := aws.ToInt32(t.MinCapacity), aws.ToInt32(t.MaxCapacity)
	switch {
	case cur < lo:
		return scaleTo(tx, sc, now, rec, lo, targetCause("minimum", lo))
	case cur > hi:
		return scaleTo(tx, sc, now, rec, hi, targetCause("maximum", hi))
	}
	return nil
}

func deregisterScalableTarget(c *api.Context, in *applicationautoscaling.DeregisterScalableTargetInput) (*applicationautoscaling.DeregisterScalableTargetOutput, error) {
	ns, dim, id := in.ServiceNamespace, in.ScalableDimension, aws.ToString(in.ResourceId)
	sc := c.Scope()
	rec, err := mustTarget(c.Tx, sc, ns, dim, id)
	if err != nil {
		return nil, err
	}
	// Deregistering deletes the target's policies (and their alarms) and scheduled actions.
	pols, err := Policies.List(c.Tx, sc, store.Query{Parent: string(ns), Name: id})
	if err != nil {
		return nil, err
	}
	for _, p := range pols {
		if p.Doc.Policy.ScalableDimension == dim {
			if err := deletePolicy(c.Tx, sc, p.ID, p.Doc); err != nil {
				return nil, err
			}
		}
	}
	acts, err := Scheduled.List(c.Tx, sc, store.Query{Parent: string(ns), Name: id})
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		if a.Doc.Action.ScalableDimension == dim {
			if _, err := Scheduled.Delete(c.Tx, sc, a.ID); err != nil {
				return nil, err
			}
		}
	}
	if _, err := Targets.Delete(c.Tx, sc, targetKey(ns, dim, id)); err != nil {
		return nil, err
	}
	if _, err := Tags.Delete(c.Tx, sc, aws.ToString(rec.Target.ScalableTargetARN)); err != nil {
		return nil, err
	}
	return &applicationautoscaling.DeregisterScalableTargetOutput{}, nil
}

func describeScalableTargets(c *api.Context, in *applicationautoscaling.DescribeScalableTargetsInput) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
	ids := nameSet(in.ResourceIds)
	page, next, err := api.Paginate(c.Tx, c.Scope(), Targets, store.Query{Parent: string(in.ServiceNamespace), Attr: string(in.ScalableDimension)},
		describePaging("DescribeScalableTargets", in.ServiceNamespace, in.NextToken, in.MaxResults), func(d *targetRecord) bool {
			return len(ids) == 0 || ids[aws.ToString(d.Target.ResourceId)]
		})
	if err != nil {
		return nil, err
	}
	out := &applicationautoscaling.DescribeScalableTargetsOutput{ScalableTargets: []types.ScalableTarget{}, NextToken: next}
	for _, d := range page {
		out.ScalableTargets = append(out.ScalableTargets, d.Target)
	}
	return out, nil
}

func targetCause(what string, n int32) string {
	return fmt.Sprintf("%s capacity was set to %d", what, n)
}
