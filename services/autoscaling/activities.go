package autoscaling

import (
	"cmp"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerActivities(s *api.Service) {
	api.Handle(s, "DescribeScalingActivities", describeActivities)
}

// activityDetails is the Details JSON AWS writes for an instance's activity.
func activityDetails(m *member) *string {
	if m == nil {
		return aws.String("{}")
	}
	d := map[string]string{"Availability Zone": aws.ToString(m.AvailabilityZone)}
	if m.SubnetID != "" {
		d["Subnet ID"] = m.SubnetID
	}
	b, _ := json.Marshal(d)
	return aws.String(string(b))
}

func newActivity(c *api.Context, doc *groupDoc, description, cause string, m *member) *types.Activity {
	return &types.Activity{
		ActivityId:           aws.String(newUUID()),
		AutoScalingGroupName: doc.Group.AutoScalingGroupName,
		AutoScalingGroupARN:  doc.Group.AutoScalingGroupARN,
		Description:          aws.String(description),
		Cause:                aws.String(cause),
		Details:              activityDetails(m),
		StartTime:            aws.Time(c.Now()),
		StatusCode:           types.ScalingActivityStatusCodeInProgress,
		Progress:             aws.Int32(0),
	}
}

func putActivity(c *api.Context, a *types.Activity) error {
	return Activities.Put(c.Tx, c.Scope(), aws.ToString(a.ActivityId),
		store.Index{Parent: aws.ToString(a.AutoScalingGroupName), Status: string(a.StatusCode)}, a)
}

// startActivity records an activity in progress.
func startActivity(c *api.Context, doc *groupDoc, description, cause string, m *member) (*types.Activity, error) {
	// An instance's new activity ends the one it had in progress (a launch
	// cut short by a termination), which would otherwise stay in progress
	// and refuse DeleteAutoScalingGroup for ever.
	if m != nil && m.ActivityID != "" {
		if err := finishActivity(c, m.ActivityID, types.ScalingActivityStatusCodeCancelled, "Superseded by a later activity on the instance."); err != nil {
			return nil, err
		}
	}
	a := newActivity(c, doc, description, cause, m)
	return a, putActivity(c, a)
}

// recordActivity records an activity that completed at once.
func recordActivity(c *api.Context, doc *groupDoc, description, cause string, m *member) (*types.Activity, error) {
	a := newActivity(c, doc, description, cause, m)
	a.StatusCode, a.Progress, a.EndTime = types.ScalingActivityStatusCodeSuccessful, aws.Int32(100), aws.Time(c.Now())
	return a, putActivity(c, a)
}

// finishActivity closes an activity in progress with a final status.
func finishActivity(c *api.Context, id string, status types.ScalingActivityStatusCode, message string) error {
	if id == "" {
		return nil
	}
	a, err := Activities.Get(c.Tx, c.Scope(), id)
	if err != nil || a == nil {
		return err
	}
	if a.StatusCode == types.ScalingActivityStatusCodeSuccessful || a.StatusCode == types.ScalingActivityStatusCodeFailed ||
		a.StatusCode == types.ScalingActivityStatusCodeCancelled {
		return nil
	}
	a.StatusCode, a.Progress, a.EndTime = status, aws.Int32(100), aws.Time(c.Now())
	if message != "" {
		a.StatusMessage = aws.String(message)
	}
	return putActivity(c, a)
}

// setActivityStatus moves an activity in progress to an intermediate status.
func setActivityStatus(c *api.Context, id string, status types.ScalingActivityStatusCode, progress int32) error {
	a, err := Activities.Get(c.Tx, c.Scope(), id)
	if err != nil || a == nil {
		return err
	}
	a.StatusCode, a.Progress = status, aws.Int32(progress)
	return putActivity(c, a)
}

// activityInProgress reports whether a group has an activity not yet finished.
func activityInProgress(c *api.Context, group string) (bool, error) {
	items, err := Activities.List(c.Tx, c.Scope(), store.Query{Parent: group})
	if err != nil {
		return false, err
	}
	for _, it := range items {
		switch it.Doc.StatusCode {
		case types.ScalingActivityStatusCodeSuccessful, types.ScalingActivityStatusCodeFailed, types.ScalingActivityStatusCodeCancelled:
		default:
			return true, nil
		}
	}
	return false, nil
}

func describeActivities(c *api.Context, in *autoscaling.DescribeScalingActivitiesInput) (*autoscaling.DescribeScalingActivitiesOutput, error) {
	size, err := maxRecords(in.MaxRecords, 100, 100)
	if err != nil {
		return nil, err
	}
	if len(in.ActivityIds) > 50 {
		return nil, errValidation("The number of activity ids that may be passed in is limited to 50.")
	}
	group := aws.ToString(in.AutoScalingGroupName)
	scope := "autoscaling:DescribeScalingActivities:" + group
	live := map[string]bool{}
	var groupErr error
	p := asPaging(scope, in.NextToken, size)
	p.Desc = true
	keep := func(a *types.Activity) bool {
		if group != "" && aws.ToString(a.AutoScalingGroupName) != group {
			return false
		}
		name := aws.ToString(a.AutoScalingGroupName)
		exists, known := live[name]
		if !known {
			g, err := Groups.Get(c.Tx, c.Scope(), name)
			if err != nil {
				groupErr = err
				return false
			}
			exists = g != nil && aws.ToString(g.Group.AutoScalingGroupARN) == aws.ToString(a.AutoScalingGroupARN)
			live[name] = exists
		}
		if !exists {
			if !aws.ToBool(in.IncludeDeletedGroups) {
				return false
			}
			a.AutoScalingGroupState = aws.String("Deleted")
		}
		return true
	}
	var items []*types.Activity
	var next *string
	if len(in.ActivityIds) > 0 {
		// Named activities (at most 50) are read by id.
		items, next, err = pagePicked(c, Activities, nil, in.ActivityIds, p, keep)
	} else {
		items, next, err = api.Paginate(c.Tx, c.Scope(), Activities, store.Query{Parent: group}, p, keep)
	}
	if err = cmp.Or(err, groupErr); err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeScalingActivitiesOutput{Activities: []types.Activity{}, NextToken: next}
	for _, a := range items {
		out.Activities = append(out.Activities, *a)
	}
	return out, nil
}
