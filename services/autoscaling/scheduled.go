package autoscaling

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// scheduledDoc is a stored scheduled action and when it next runs.
type scheduledDoc struct {
	Action types.ScheduledUpdateGroupAction
	Next   time.Time
}

// MaxScheduledActions is how many scheduled actions a group may have.
const MaxScheduledActions = 125

func registerScheduled(s *api.Service) {
	api.Handle(s, "PutScheduledUpdateGroupAction", putScheduledAction)
	api.Handle(s, "BatchPutScheduledUpdateGroupAction", batchPutScheduledActions)
	api.Handle(s, "DescribeScheduledActions", describeScheduledActions)
	api.Handle(s, "DeleteScheduledAction", deleteScheduledAction)
	api.Handle(s, "BatchDeleteScheduledAction", batchDeleteScheduledActions)
}

func scheduledKey(group, name string) string { return group + "/" + name }

// scheduleSpec is one scheduled action as the Put calls give it.
type scheduleSpec struct {
	Name                      string
	StartTime, EndTime, Time  *time.Time
	Recurrence, TimeZone      *string
	MinSize, MaxSize, Desired *int32
}

// nextRun is when a scheduled action next runs after t.
func nextRun(a *types.ScheduledUpdateGroupAction, after time.Time) (time.Time, bool, error) {
	start := aws.ToTime(a.StartTime)
	if a.Recurrence == nil {
		if start.After(after) || start.Equal(after) {
			return start, true, nil
		}
		return time.Time{}, false, nil
	}
	cr, err := parseCron(*a.Recurrence)
	if err != nil {
		return time.Time{}, false, err
	}
	loc := time.UTC
	if tz := aws.ToString(a.TimeZone); tz != "" {
		if loc, err = time.LoadLocation(tz); err != nil {
			return time.Time{}, false, err
		}
	}
	from := after
	if start.After(from) {
		from = start.Add(-time.Minute)
	}
	next, ok := cr.next(from.In(loc))
	if !ok || (a.EndTime != nil && next.After(*a.EndTime)) {
		return time.Time{}, false, nil
	}
	return next.UTC(), true, nil
}

// storeScheduled validates and stores one scheduled action of a group.
func storeScheduled(c *api.Context, group string, s scheduleSpec) error {
	if s.MinSize == nil && s.MaxSize == nil && s.Desired == nil {
		return errValidation("At least one of MinSize, MaxSize or DesiredCapacity must be specified.")
	}
	if s.Time != nil && s.StartTime != nil && !s.Time.Equal(*s.StartTime) {
		return errValidation("Time and StartTime cannot both be specified with different values.")
	}
	start := s.StartTime
	if start == nil {
		start = s.Time
	}
	now := c.Now()
	if start != nil && start.Before(now.Add(-time.Second)) && s.Recurrence == nil {
		return errValidation("Given start time is in the past")
	}
	if start != nil && s.EndTime != nil && !s.EndTime.After(*start) {
		return errValidation("Start time must be before end time")
	}
	if s.TimeZone != nil {
		if _, err := time.LoadLocation(*s.TimeZone); err != nil {
			return errValidation("Time zone %s is not a valid IANA time zone.", *s.TimeZone)
		}
	}
	if s.Recurrence != nil {
		if _, err := parseCron(*s.Recurrence); err != nil {
			return errValidation("Given recurrence is not a valid cron expression: %s", *s.Recurrence)
		}
	}
	if start == nil {
		start = aws.Time(now)
	}
	key := scheduledKey(group, s.Name)
	existing, err := ScheduledAction.Get(c.Tx, c.Scope(), key)
	if err != nil {
		return err
	}
	arn := c.ARNPrefix() + "autoscaling:" + c.Region + ":" + c.Account() + ":scheduledUpdateGroupAction:" + newUUID() +
		":autoScalingGroupName/" + group + ":scheduledActionName/" + s.Name
	if existing != nil {
		arn = aws.ToString(existing.Action.ScheduledActionARN)
	} else if n, err := ScheduledAction.Count(c.Tx, c.Scope(), store.Query{Parent: group}); err != nil {
		return err
	} else if n >= MaxScheduledActions {
		return errLimitExceeded("Exceeded the limit of %d scheduled actions for AutoScalingGroup %s.", MaxScheduledActions, group)
	}
	a := types.ScheduledUpdateGroupAction{AutoScalingGroupName: aws.String(group), ScheduledActionName: aws.String(s.Name),
		ScheduledActionARN: aws.String(arn), StartTime: aws.Time(start.UTC()), Time: aws.Time(start.UTC()), EndTime: s.EndTime,
		Recurrence: s.Recurrence, TimeZone: s.TimeZone, MinSize: s.MinSize, MaxSize: s.MaxSize, DesiredCapacity: s.Desired}
	next, ok, err := nextRun(&a, now)
	if err != nil {
		return errValidation("Given recurrence is not a valid cron expression: %s", aws.ToString(s.Recurrence))
	}
	doc := &scheduledDoc{Action: a}
	if ok {
		doc.Next = next
	}
	return ScheduledAction.Put(c.Tx, c.Scope(), key, store.Index{Parent: group, Name: s.Name}, doc)
}

func putScheduledAction(c *api.Context, in *autoscaling.PutScheduledUpdateGroupActionInput) (*autoscaling.PutScheduledUpdateGroupActionOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	return &autoscaling.PutScheduledUpdateGroupActionOutput{}, storeScheduled(c, group, scheduleSpec{
		Name: aws.ToString(in.ScheduledActionName), StartTime: in.StartTime, EndTime: in.EndTime, Time: in.Time,
		Recurrence: in.Recurrence, TimeZone: in.TimeZone, MinSize: in.MinSize, MaxSize: in.MaxSize, Desired: in.DesiredCapacity})
}

func batchPutScheduledActions(c *api.Context, in *autoscaling.BatchPutScheduledUpdateGroupActionInput) (*autoscaling.BatchPutScheduledUpdateGroupActionOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	out := &autoscaling.BatchPutScheduledUpdateGroupActionOutput{FailedScheduledUpdateGroupActions: []types.FailedScheduledUpdateGroupActionRequest{}}
	for _, r := range in.ScheduledUpdateGroupActions {
		err := storeScheduled(c, group, scheduleSpec{Name: aws.ToString(r.ScheduledActionName), StartTime: r.StartTime, EndTime: r.EndTime,
			Recurrence: r.Recurrence, TimeZone: r.TimeZone, MinSize: r.MinSize, MaxSize: r.MaxSize, Desired: r.DesiredCapacity})
		if err != nil {
			ae := apierror.As(err)
			if ae.Code == "InternalFailure" {
				return nil, err
			}
			out.FailedScheduledUpdateGroupActions = append(out.FailedScheduledUpdateGroupActions, types.FailedScheduledUpdateGroupActionRequest{
				ScheduledActionName: r.ScheduledActionName, ErrorCode: aws.String(ae.Code), ErrorMessage: aws.String(ae.Message)})
		}
	}
	return out, nil
}

func describeScheduledActions(c *api.Context, in *autoscaling.DescribeScheduledActionsInput) (*autoscaling.DescribeScheduledActionsOutput, error) {
	size, err := maxRecords(in.MaxRecords, 50, 100)
	if err != nil {
		return nil, err
	}
	group := aws.ToString(in.AutoScalingGroupName)
	if group != "" {
		if _, err := mustGroup(c, group); err != nil {
			return nil, err
		}
	}
	scope := "autoscaling:DescribeScheduledActions:" + group
	keep := func(d *scheduledDoc) bool {
		a := &d.Action
		if !d.Next.IsZero() {
			a.StartTime, a.Time = aws.Time(d.Next), aws.Time(d.Next)
		}
		if len(in.ScheduledActionNames) > 0 && !slices.Contains(in.ScheduledActionNames, aws.ToString(a.ScheduledActionName)) {
			return false
		}
		if in.StartTime != nil && aws.ToTime(a.StartTime).Before(*in.StartTime) {
			return false
		}
		return in.EndTime == nil || !aws.ToTime(a.StartTime).After(*in.EndTime)
	}
	var items []*scheduledDoc
	var next *string
	if len(in.ScheduledActionNames) > 0 {
		// Named actions (at most 50) are read by the name index.
		qs := make([]store.Query, 0, len(in.ScheduledActionNames))
		for _, n := range in.ScheduledActionNames {
			qs = append(qs, store.Query{Parent: group, Name: n})
		}
		items, next, err = pagePicked(c, ScheduledAction, qs, nil, asPaging(scope, in.NextToken, size), keep)
	} else {
		items, next, err = api.Paginate(c.Tx, c.Scope(), ScheduledAction, store.Query{Parent: group}, asPaging(scope, in.NextToken, size), keep)
	}
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeScheduledActionsOutput{ScheduledUpdateGroupActions: []types.ScheduledUpdateGroupAction{}, NextToken: next}
	for _, d := range items {
		out.ScheduledUpdateGroupActions = append(out.ScheduledUpdateGroupActions, d.Action)
	}
	return out, nil
}

func deleteScheduledAction(c *api.Context, in *autoscaling.DeleteScheduledActionInput) (*autoscaling.DeleteScheduledActionOutput, error) {
	group, name := aws.ToString(in.AutoScalingGroupName), aws.ToString(in.ScheduledActionName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	ok, err := ScheduledAction.Delete(c.Tx, c.Scope(), scheduledKey(group, name))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errValidation("Scheduled Update Group Action not found")
	}
	return &autoscaling.DeleteScheduledActionOutput{}, nil
}

func batchDeleteScheduledActions(c *api.Context, in *autoscaling.BatchDeleteScheduledActionInput) (*autoscaling.BatchDeleteScheduledActionOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	out := &autoscaling.BatchDeleteScheduledActionOutput{FailedScheduledActions: []types.FailedScheduledUpdateGroupActionRequest{}}
	for _, name := range in.ScheduledActionNames {
		ok, err := ScheduledAction.Delete(c.Tx, c.Scope(), scheduledKey(group, name))
		if err != nil {
			return nil, err
		}
		if !ok {
			out.FailedScheduledActions = append(out.FailedScheduledActions, types.FailedScheduledUpdateGroupActionRequest{
				ScheduledActionName: aws.String(name), ErrorCode: aws.String("ValidationError"), ErrorMessage: aws.String("Scheduled Update Group Action not found")})
		}
	}
	return out, nil
}

// runScheduled applies a scheduled action that is due to its group.
func runScheduled(c *api.Context, key string, s *scheduledDoc) error {
	a := &s.Action
	group := aws.ToString(a.AutoScalingGroupName)
	doc, err := loadGroup(c, group)
	if err != nil || doc == nil || doc.Deleting {
		return err
	}
	if !suspended(&doc.Group, "ScheduledActions") {
		g := &doc.Group
		minSize, maxSize, desired := aws.ToInt32(g.MinSize), aws.ToInt32(g.MaxSize), aws.ToInt32(g.DesiredCapacity)
		if a.MinSize != nil {
			minSize = *a.MinSize
		}
		if a.MaxSize != nil {
			maxSize = *a.MaxSize
		}
		if a.DesiredCapacity != nil {
			desired = *a.DesiredCapacity
		}
		desired = max(min(desired, maxSize), minSize)
		if minSize <= maxSize {
			g.MinSize, g.MaxSize = aws.Int32(minSize), aws.Int32(maxSize)
			why := "a scheduled action update of AutoScalingGroup constraints to min: " + itoa(minSize) + ", max: " + itoa(maxSize) + ", desired: " + itoa(desired)
			if err := changeDesired(c, doc, desired, why); err != nil {
				return err
			}
		}
	}
	next, ok, err := nextRun(a, s.Next)
	if err != nil || !ok || a.Recurrence == nil {
		// One-time actions go once they ran, as on AWS.
		_, err := ScheduledAction.Delete(c.Tx, c.Scope(), key)
		return err
	}
	s.Next = next
	return ScheduledAction.Put(c.Tx, c.Scope(), key, store.Index{Parent: group, Name: aws.ToString(a.ScheduledActionName)}, s)
}
