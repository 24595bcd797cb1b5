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

// refreshDoc is a stored instance refresh with what a rollback restores.
type refreshDoc struct {
	Refresh          types.InstanceRefresh
	PreviousTemplate *types.LaunchTemplateSpecification
	PreviousMixed    *types.MixedInstancesPolicy
	// Replace holds instances launched in [From, To) as the ones to replace.
	From, To time.Time
}

func registerRefreshes(s *api.Service, h *handlers) {
	api.Handle(s, "StartInstanceRefresh", h.startInstanceRefresh)
	api.Handle(s, "DescribeInstanceRefreshes", describeInstanceRefreshes)
	api.Handle(s, "CancelInstanceRefresh", cancelInstanceRefresh)
	api.Handle(s, "RollbackInstanceRefresh", rollbackInstanceRefresh)
}

func refreshKey(group, id string) string { return group + "/" + id }

func putRefresh(c *api.Context, r *refreshDoc) error {
	group := aws.ToString(r.Refresh.AutoScalingGroupName)
	return Refreshes.Put(c.Tx, c.Scope(), refreshKey(group, aws.ToString(r.Refresh.InstanceRefreshId)),
		store.Index{Parent: group, Status: string(r.Refresh.Status)}, r)
}

func refreshActive(s types.InstanceRefreshStatus) bool {
	switch s {
	case types.InstanceRefreshStatusPending, types.InstanceRefreshStatusInProgress, types.InstanceRefreshStatusCancelling,
		types.InstanceRefreshStatusRollbackInProgress, types.InstanceRefreshStatusBaking:
		return true
	}
	return false
}

// activeRefresh returns a group's refresh in progress, or nil.
func activeRefresh(c *api.Context, group string) (*refreshDoc, error) {
	items, err := Refreshes.List(c.Tx, c.Scope(), store.Query{Parent: group})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if refreshActive(it.Doc.Refresh.Status) {
			return it.Doc, nil
		}
	}
	return nil, nil
}

func (h *handlers) startInstanceRefresh(c *api.Context, in *autoscaling.StartInstanceRefreshInput) (*autoscaling.StartInstanceRefreshOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	if r, err := activeRefresh(c, name); err != nil {
		return nil, err
	} else if r != nil {
		return nil, apierror.New("InstanceRefreshInProgress", "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.")
	}
	if in.Strategy != "" && in.Strategy != types.RefreshStrategyRolling && in.Strategy != types.RefreshStrategyReplaceRootVolume {
		return nil, errValidation("Strategy %s is not valid.", in.Strategy)
	}
	prefs := types.RefreshPreferences{MinHealthyPercentage: aws.Int32(90), MaxHealthyPercentage: aws.Int32(100), SkipMatching: aws.Bool(false),
		AutoRollback: aws.Bool(false), ScaleInProtectedInstances: types.ScaleInProtectedInstancesIgnore, StandbyInstances: types.StandbyInstancesIgnore}
	if p := in.Preferences; p != nil {
		prefs.MinHealthyPercentage = or(p.MinHealthyPercentage, prefs.MinHealthyPercentage)
		prefs.MaxHealthyPercentage = or(p.MaxHealthyPercentage, prefs.MaxHealthyPercentage)
		prefs.InstanceWarmup, prefs.CheckpointPercentages, prefs.CheckpointDelay = p.InstanceWarmup, p.CheckpointPercentages, p.CheckpointDelay
		prefs.SkipMatching = or(p.SkipMatching, prefs.SkipMatching)
		prefs.AutoRollback = or(p.AutoRollback, prefs.AutoRollback)
		prefs.AlarmSpecification, prefs.BakeTime = p.AlarmSpecification, p.BakeTime
		if p.ScaleInProtectedInstances != "" {
			prefs.ScaleInProtectedInstances = p.ScaleInProtectedInstances
		}
		if p.StandbyInstances != "" {
			prefs.StandbyInstances = p.StandbyInstances
		}
	}
	minH, maxH := aws.ToInt32(prefs.MinHealthyPercentage), aws.ToInt32(prefs.MaxHealthyPercentage)
	if minH < 0 || minH > 100 || maxH < 100 || maxH > 200 || maxH-minH > 100 {
		return nil, errValidation("MinHealthyPercentage must be between 0 and 100 and MaxHealthyPercentage between 100 and 200, at most 100 apart.")
	}
	if aws.ToBool(prefs.AutoRollback) && in.DesiredConfiguration == nil {
		return nil, errValidation("AutoRollback requires a DesiredConfiguration.")
	}
	r := &refreshDoc{From: time.Time{}, To: c.Now(), PreviousTemplate: doc.Group.LaunchTemplate, PreviousMixed: doc.Group.MixedInstancesPolicy}
	strategy := in.Strategy
	if strategy == "" {
		strategy = types.RefreshStrategyRolling
	}
	r.Refresh = types.InstanceRefresh{AutoScalingGroupName: aws.String(name), InstanceRefreshId: aws.String(newUUID()),
		Status: types.InstanceRefreshStatusPending, StatusReason: aws.String("Waiting for instances to warm up before continuing."),
		StartTime: aws.Time(c.Now()), PercentageComplete: aws.Int32(0), Preferences: &prefs, Strategy: strategy,
		DesiredConfiguration: in.DesiredConfiguration, ProgressDetails: &types.InstanceRefreshProgressDetails{}}
	if d := in.DesiredConfiguration; d != nil {
		if d.LaunchTemplate != nil || d.MixedInstancesPolicy != nil {
			if _, err := launchSource(c, h.EC2, d.LaunchTemplate, nil, d.MixedInstancesPolicy, nil); err != nil {
				return nil, err
			}
			doc.Group.LaunchTemplate = normalizeTemplateSpec(d.LaunchTemplate)
			doc.Group.MixedInstancesPolicy = normalizeMixed(d.MixedInstancesPolicy)
			if err := putGroup(c, doc); err != nil {
				return nil, err
			}
		}
	}
	return &autoscaling.StartInstanceRefreshOutput{InstanceRefreshId: r.Refresh.InstanceRefreshId}, putRefresh(c, r)
}

func describeInstanceRefreshes(c *api.Context, in *autoscaling.DescribeInstanceRefreshesInput) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, name); err != nil {
		return nil, err
	}
	size, err := maxRecords(in.MaxRecords, 50, 100)
	if err != nil {
		return nil, err
	}
	scope := "autoscaling:DescribeInstanceRefreshes:" + name
	p := asPaging(scope, in.NextToken, size)
	p.Desc = true
	items, next, err := api.Paginate(c.Tx, c.Scope(), Refreshes, store.Query{Parent: name}, p, func(r *refreshDoc) bool {
		return len(in.InstanceRefreshIds) == 0 || slices.Contains(in.InstanceRefreshIds, aws.ToString(r.Refresh.InstanceRefreshId))
	})
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeInstanceRefreshesOutput{InstanceRefreshes: []types.InstanceRefresh{}, NextToken: next}
	for _, r := range items {
		out.InstanceRefreshes = append(out.InstanceRefreshes, r.Refresh)
	}
	return out, nil
}

func errNoActiveRefresh(name string) error {
	return apierror.New("ActiveInstanceRefreshNotFound", "No in progress or pending Instance Refresh found for Auto Scaling group %s", name)
}

func cancelInstanceRefresh(c *api.Context, in *autoscaling.CancelInstanceRefreshInput) (*autoscaling.CancelInstanceRefreshOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, name); err != nil {
		return nil, err
	}
	r, err := activeRefresh(c, name)
	if err != nil {
		return nil, err
	}
	if r == nil || r.Refresh.Status == types.InstanceRefreshStatusRollbackInProgress {
		return nil, errNoActiveRefresh(name)
	}
	r.Refresh.Status, r.Refresh.StatusReason, r.Refresh.EndTime = types.InstanceRefreshStatusCancelled, aws.String("Cancelled due to user request."), aws.Time(c.Now())
	return &autoscaling.CancelInstanceRefreshOutput{InstanceRefreshId: r.Refresh.InstanceRefreshId}, putRefresh(c, r)
}

func rollbackInstanceRefresh(c *api.Context, in *autoscaling.RollbackInstanceRefreshInput) (*autoscaling.RollbackInstanceRefreshOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	r, err := activeRefresh(c, name)
	if err != nil {
		return nil, err
	}
	if r == nil || r.Refresh.Status == types.InstanceRefreshStatusRollbackInProgress {
		return nil, errNoActiveRefresh(name)
	}
	if r.Refresh.DesiredConfiguration == nil {
		return nil, apierror.New("IrreversibleInstanceRefresh", "The instance refresh cannot be rolled back because it was started without a desired configuration.")
	}
	doc.Group.LaunchTemplate, doc.Group.MixedInstancesPolicy = r.PreviousTemplate, r.PreviousMixed
	if err := putGroup(c, doc); err != nil {
		return nil, err
	}
	pct := aws.ToInt32(r.Refresh.PercentageComplete)
	r.Refresh.Status, r.Refresh.StatusReason = types.InstanceRefreshStatusRollbackInProgress, aws.String("Rollback in progress due to user request.")
	r.Refresh.RollbackDetails = &types.RollbackDetails{RollbackReason: aws.String("Rollback started due to user request."),
		RollbackStartTime: aws.Time(c.Now()), PercentageCompleteOnRollback: aws.Int32(pct), InstancesToUpdateOnRollback: aws.Int32(0)}
	// The instances launched by the refresh go back to the previous configuration.
	r.From, r.To = r.To, c.Now()
	return &autoscaling.RollbackInstanceRefreshOutput{InstanceRefreshId: r.Refresh.InstanceRefreshId}, putRefresh(c, r)
}

// refresh moves a group's instance refresh on: one batch of old instances
// at a time goes, so that MinHealthyPercentage of the desired capacity stays
// in service, and the group launches their replacements.
func (e *Engine) refresh(c *api.Context, doc *groupDoc, members []*member) error {
	name := aws.ToString(doc.Group.AutoScalingGroupName)
	r, err := activeRefresh(c, name)
	if err != nil || r == nil {
		return err
	}
	ref := &r.Refresh
	if ref.Status == types.InstanceRefreshStatusPending {
		ref.Status, ref.StatusReason = types.InstanceRefreshStatusInProgress, nil
	}
	var stale, inService, pending int32
	var candidates []*member
	for _, m := range members {
		if !counted(m) {
			continue
		}
		if m.LifecycleState == types.LifecycleStateInService {
			inService++
		} else {
			pending++
		}
		if !m.LaunchedAt.Before(r.From) && m.LaunchedAt.Before(r.To) {
			if aws.ToBool(m.ProtectedFromScaleIn) && ref.Preferences != nil && ref.Preferences.ScaleInProtectedInstances == types.ScaleInProtectedInstancesIgnore {
				continue
			}
			stale++
			if m.LifecycleState == types.LifecycleStateInService {
				candidates = append(candidates, m)
			}
		}
	}
	rollback := ref.Status == types.InstanceRefreshStatusRollbackInProgress
	total := stale
	if rollback {
		ref.RollbackDetails.InstancesToUpdateOnRollback = aws.Int32(stale)
	} else {
		ref.InstancesToUpdate = aws.Int32(stale)
	}
	desired := aws.ToInt32(doc.Group.DesiredCapacity)
	if stale == 0 && pending == 0 {
		ref.EndTime, ref.PercentageComplete = aws.Time(c.Now()), aws.Int32(100)
		if rollback {
			ref.Status, ref.StatusReason = types.InstanceRefreshStatusRollbackSuccessful, aws.String("Rollback completed successfully.")
		} else {
			ref.Status = types.InstanceRefreshStatusSuccessful
		}
		return putRefresh(c, r)
	}
	if desired > 0 {
		ref.PercentageComplete = aws.Int32(max(0, min(100, 100*(desired-total)/desired)))
	}
	if pending == 0 && len(candidates) > 0 {
		floor := (desired*aws.ToInt32(ref.Preferences.MinHealthyPercentage) + 99) / 100
		batch := max(1, inService-floor)
		for _, m := range candidates[:min(int(batch), len(candidates))] {
			cause := "At " + stamp(c.Now()) + " an instance was taken out of service in response to an instance refresh.  At " + stamp(c.Now()) + " instance " + aws.ToString(m.InstanceId) + " was selected for termination."
			if err := beginTermination(c, doc, m, cause, false); err != nil {
				return err
			}
		}
	}
	return putRefresh(c, r)
}
