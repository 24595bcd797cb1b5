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

// maxScheduledPerTarget is AWS's quota of scheduled actions per scalable target.
const maxScheduledPerTarget = 200

func putScheduledAction(c *api.Context, in *applicationautoscaling.PutScheduledActionInput) (*applicationautoscaling.PutScheduledActionOutput, error) {
	ns, dim, id, name := in.ServiceNamespace, in.ScalableDimension, aws.ToString(in.ResourceId), aws.ToString(in.ScheduledActionName)
	sc, now := c.Scope(), c.Now()
	if err := checkResource(ns, dim, id); err != nil {
		return nil, err
	}
	if _, err := mustTarget(c.Tx, sc, ns, dim, id); err != nil {
		return nil, err
	}
	key := targetItemKey(ns, dim, id, name)
	rec, err := Scheduled.Get(c.Tx, sc, key)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		if in.Schedule == nil {
			return nil, errValidation("Schedule is required when creating a scheduled action")
		}
		items, err := Scheduled.List(c.Tx, sc, store.Query{Parent: string(ns), Name: id})
		if err != nil {
			return nil, err
		}
		if len(items) >= maxScheduledPerTarget {
			return nil, apierror.New("LimitExceededException", "Maximum number of scheduled actions (%d) reached for resource %s", maxScheduledPerTarget, id)
		}
		rec = &scheduledRecord{Action: types.ScheduledAction{ScheduledActionName: aws.String(name),
			ScheduledActionARN: aws.String(scheduledActionARN(sc, ns, id, name)), ServiceNamespace: ns, ScalableDimension: dim,
			ResourceId: aws.String(id), CreationTime: aws.Time(now)}}
	}
	a := &rec.Action
	if in.Schedule != nil {
		a.Schedule = in.Schedule
	}
	if in.Timezone != nil {
		a.Timezone = in.Timezone
	}
	if in.StartTime != nil {
		a.StartTime = in.StartTime
	}
	if in.EndTime != nil {
		a.EndTime = in.EndTime
	}
	if in.ScalableTargetAction != nil {
		a.ScalableTargetAction = in.ScalableTargetAction
	}
	if _, err := parseSchedule(aws.ToString(a.Schedule), aws.ToString(a.Timezone)); err != nil {
		return nil, errValidation("Invalid schedule expression %s: %v", aws.ToString(a.Schedule), err)
	}
	if a.StartTime != nil && a.EndTime != nil && !a.StartTime.Before(*a.EndTime) {
		return nil, errValidation("StartTime must be before EndTime")
	}
	if sta := a.ScalableTargetAction; sta != nil {
		if sta.MinCapacity == nil && sta.MaxCapacity == nil {
			return nil, errValidation("At least one of minimum capacity and maximum capacity should be provided")
		}
		if sta.MinCapacity != nil && sta.MaxCapacity != nil && *sta.MinCapacity > *sta.MaxCapacity {
			return nil, errValidation("Minimum capacity cannot be greater than maximum capacity")
		}
	}
	if a.Timezone == nil {
		a.Timezone = aws.String("UTC")
	}
	rec.Anchor, rec.LastVirtual = now, now
	if err := Scheduled.Put(c.Tx, sc, key, scheduledIndex(a), rec); err != nil {
		return nil, err
	}
	return &applicationautoscaling.PutScheduledActionOutput{}, nil
}

func deleteScheduledAction(c *api.Context, in *applicationautoscaling.DeleteScheduledActionInput) (*applicationautoscaling.DeleteScheduledActionOutput, error) {
	ns, dim, id, name := in.ServiceNamespace, in.ScalableDimension, aws.ToString(in.ResourceId), aws.ToString(in.ScheduledActionName)
	ok, err := Scheduled.Delete(c.Tx, c.Scope(), targetItemKey(ns, dim, id, name))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierror.New("ObjectNotFoundException", "No scheduled action found for service namespace: %s, resource ID: %s, scalable dimension: %s, scheduled action name: %s", ns, id, dim, name)
	}
	return &applicationautoscaling.DeleteScheduledActionOutput{}, nil
}

func describeScheduledActions(c *api.Context, in *applicationautoscaling.DescribeScheduledActionsInput) (*applicationautoscaling.DescribeScheduledActionsOutput, error) {
	if err := checkDimensionFilter(in.ScalableDimension, in.ResourceId); err != nil {
		return nil, err
	}
	names := nameSet(in.ScheduledActionNames)
	q, inNamespace := byResource(in.ServiceNamespace, in.ResourceId)
	page, next, err := api.PaginateAny(c.Tx, c.Scope(), Scheduled, byName(q, in.ResourceId, in.ScheduledActionNames),
		describePaging("DescribeScheduledActions", in.ServiceNamespace, in.NextToken, in.MaxResults), func(d *scheduledRecord) bool {
			a := d.Action
			return inNamespace(a.ServiceNamespace) && (in.ScalableDimension == "" || a.ScalableDimension == in.ScalableDimension) && (len(names) == 0 || names[aws.ToString(a.ScheduledActionName)])
		})
	if err != nil {
		return nil, err
	}
	out := &applicationautoscaling.DescribeScheduledActionsOutput{ScheduledActions: []types.ScheduledAction{}, NextToken: next}
	for _, d := range page {
		out.ScheduledActions = append(out.ScheduledActions, d.Action)
	}
	return out, nil
}

// runScheduled fires the scheduled actions of a scope that are due at now.
func runScheduled(tx *store.Tx, sc store.Scope, now time.Time, scale float64) error {
	items, err := Scheduled.List(tx, sc, store.Query{})
	if err != nil {
		return err
	}
	for _, it := range items {
		rec := it.Doc
		a := &rec.Action
		s, err := parseSchedule(aws.ToString(a.Schedule), aws.ToString(a.Timezone))
		if err != nil {
			continue
		}
		vnow := rec.Anchor.Add(time.Duration(float64(now.Sub(rec.Anchor)) * scale))
		anchor := rec.Anchor
		if a.StartTime != nil && a.StartTime.After(anchor) {
			anchor = *a.StartTime
		}
		next, ok := s.next(rec.LastVirtual, anchor)
		if !ok || next.After(vnow) {
			continue
		}
		rec.LastVirtual = vnow
		if err := Scheduled.Put(tx, sc, it.ID, scheduledIndex(a), rec); err != nil {
			return err
		}
		if (a.StartTime != nil && next.Before(*a.StartTime)) || (a.EndTime != nil && next.After(*a.EndTime)) {
			continue
		}
		if err := fireScheduled(tx, sc, now, a); err != nil {
			return err
		}
	}
	return nil
}

// fireScheduled applies a scheduled action's new bounds to its target and
// moves the capacity into them.
func fireScheduled(tx *store.Tx, sc store.Scope, now time.Time, a *types.ScheduledAction) error {
	rec, err := getTarget(tx, sc, a.ServiceNamespace, a.ScalableDimension, aws.ToString(a.ResourceId))
	if err != nil || rec == nil || a.ScalableTargetAction == nil {
		return err
	}
	t := &rec.Target
	if t.SuspendedState != nil && aws.ToBool(t.SuspendedState.ScheduledScalingSuspended) {
		return nil
	}
	sta := a.ScalableTargetAction
	lo, hi := aws.ToInt32(t.MinCapacity), aws.ToInt32(t.MaxCapacity)
	if sta.MinCapacity != nil {
		lo = *sta.MinCapacity
	}
	if sta.MaxCapacity != nil {
		hi = *sta.MaxCapacity
	}
	if lo > hi {
		return recordActivity(tx, sc, now, t, types.ScalingActivity{
			Description: aws.String(fmt.Sprintf("Setting min capacity to %d and max capacity to %d", lo, hi)),
			Cause:       aws.String("scheduled action name " + aws.ToString(a.ScheduledActionName) + " was triggered"),
			StatusCode:  types.ScalingActivityStatusCodeFailed, StatusMessage: aws.String("Minimum capacity cannot be greater than maximum capacity")})
	}
	t.MinCapacity, t.MaxCapacity = aws.Int32(lo), aws.Int32(hi)
	desc := fmt.Sprintf("min capacity to %d and max capacity to %d", lo, hi)
	if err := recordActivity(tx, sc, now, t, types.ScalingActivity{
		Description:   aws.String("Setting " + desc),
		Cause:         aws.String("scheduled action name " + aws.ToString(a.ScheduledActionName) + " was triggered"),
		StatusCode:    types.ScalingActivityStatusCodeSuccessful,
		StatusMessage: aws.String("Successfully set " + desc + ". Change successfully fulfilled by " + fulfilledBy(t.ServiceNamespace) + "."),
	}); err != nil {
		return err
	}
	if err := clampToBounds(tx, sc, now, rec); err != nil {
		return err
	}
	return putTarget(tx, sc, rec)
}
