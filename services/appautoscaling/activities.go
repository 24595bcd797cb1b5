package appautoscaling

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// recordActivity stores a scaling activity of a target.
func recordActivity(tx *store.Tx, sc store.Scope, now time.Time, t *types.ScalableTarget, a types.ScalingActivity) error {
	a.ActivityId = aws.String(uuid())
	a.ResourceId, a.ScalableDimension, a.ServiceNamespace = t.ResourceId, t.ScalableDimension, t.ServiceNamespace
	a.StartTime = aws.Time(now)
	if a.StatusCode == types.ScalingActivityStatusCodeSuccessful || a.StatusCode == types.ScalingActivityStatusCodeFailed {
		a.EndTime = aws.Time(now)
	}
	return Activities.Put(tx, sc, *a.ActivityId, store.Index{Parent: string(t.ServiceNamespace), Name: aws.ToString(t.ResourceId), Attr: string(t.ScalableDimension)}, &a)
}

// scaleTo sets a target's capacity and records the activity with its cause.
// Only ECS services run here: other targets are stored, not scaled, and a
// change to them is recorded as failed, as is one to a missing service.
func scaleTo(tx *store.Tx, sc store.Scope, now time.Time, rec *targetRecord, n int32, cause string) error {
	t := &rec.Target
	noun := capacityNoun(t.ScalableDimension)
	activity := types.ScalingActivity{Description: aws.String(fmt.Sprintf("Setting %s to %d.", noun, n)), Cause: aws.String(cause)}
	failed := func(why string) error {
		activity.StatusCode = types.ScalingActivityStatusCodeFailed
		activity.StatusMessage = aws.String(fmt.Sprintf("Failed to set %s to %d. %s", noun, n, why))
		return recordActivity(tx, sc, now, t, activity)
	}
	if t.ServiceNamespace != types.ServiceNamespaceEcs {
		return failed(fmt.Sprintf("Longshore stores %s scalable targets but does not run them.", t.ServiceNamespace))
	}
	svc, err := ecsService(tx, sc, aws.ToString(t.ResourceId))
	if err != nil {
		return err
	}
	if svc == nil {
		return failed(fmt.Sprintf("Error: ECS service %s does not exist or is not ACTIVE.", aws.ToString(t.ResourceId)))
	}
	rec.LastNotScaled = ""
	if err := setCapacity(tx, sc, rec, n, now); err != nil {
		return err
	}
	activity.StatusCode = types.ScalingActivityStatusCodeSuccessful
	activity.StatusMessage = aws.String(fmt.Sprintf("Successfully set %s to %d. Change successfully fulfilled by %s.", noun, n, fulfilledBy(t.ServiceNamespace)))
	return recordActivity(tx, sc, now, t, activity)
}

// recordNotScaled stores an activity that did not scale because the capacity
// is already at a bound, with its reason (DescribeScalingActivities shows it
// with IncludeNotScaledActivities). A reason is recorded once until the target scales.
func recordNotScaled(tx *store.Tx, sc store.Scope, now time.Time, rec *targetRecord, desired, current int32, code, cause string) error {
	if rec.LastNotScaled == code {
		return nil
	}
	rec.LastNotScaled = code
	t := &rec.Target
	noun := capacityNoun(t.ScalableDimension)
	return recordActivity(tx, sc, now, t, types.ScalingActivity{
		Description:   aws.String(fmt.Sprintf("Attempting to set %s to %d.", noun, desired)),
		Cause:         aws.String(cause),
		StatusCode:    types.ScalingActivityStatusCodeSuccessful,
		StatusMessage: aws.String(fmt.Sprintf("The %s was not changed. Current capacity %d is already at the %s capacity.", noun, current, map[bool]string{true: "maximum", false: "minimum"}[code == "AlreadyAtMaxCapacity"])),
		NotScaledReasons: []types.NotScaledReason{{Code: aws.String(code), CurrentCapacity: aws.Int32(current),
			MinCapacity: t.MinCapacity, MaxCapacity: t.MaxCapacity}},
	})
}

func describeScalingActivities(c *api.Context, in *applicationautoscaling.DescribeScalingActivitiesInput) (*applicationautoscaling.DescribeScalingActivitiesOutput, error) {
	if err := checkDimensionFilter(in.ScalableDimension, in.ResourceId); err != nil {
		return nil, err
	}
	paging := describePaging("DescribeScalingActivities", in.ServiceNamespace, in.NextToken, in.MaxResults)
	paging.Desc = true // newest first
	q, inNamespace := byResource(in.ServiceNamespace, in.ResourceId)
	page, next, err := api.Paginate(c.Tx, c.Scope(), Activities, q, paging, func(a *types.ScalingActivity) bool {
		if !inNamespace(a.ServiceNamespace) || (in.ScalableDimension != "" && a.ScalableDimension != in.ScalableDimension) {
			return false
		}
		return len(a.NotScaledReasons) == 0 || aws.ToBool(in.IncludeNotScaledActivities)
	})
	if err != nil {
		return nil, err
	}
	out := &applicationautoscaling.DescribeScalingActivitiesOutput{ScalingActivities: []types.ScalingActivity{}, NextToken: next}
	for _, a := range page {
		out.ScalingActivities = append(out.ScalingActivities, *a)
	}
	return out, nil
}
