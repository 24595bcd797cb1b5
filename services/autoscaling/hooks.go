package autoscaling

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Lifecycle transitions a hook can pause.
const (
	TransitionLaunching   = "autoscaling:EC2_INSTANCE_LAUNCHING"
	TransitionTerminating = "autoscaling:EC2_INSTANCE_TERMINATING"
)

// MaxHooks is how many lifecycle hooks a group may have.
const MaxHooks = 50

func registerHooks(s *api.Service) {
	api.Handle(s, "PutLifecycleHook", putLifecycleHook)
	api.Handle(s, "DescribeLifecycleHooks", describeLifecycleHooks)
	api.Handle(s, "DeleteLifecycleHook", deleteLifecycleHook)
	api.Handle(s, "CompleteLifecycleAction", completeLifecycleAction)
	api.Handle(s, "RecordLifecycleActionHeartbeat", recordHeartbeat)
}

func hookKey(group, name string) string { return group + "/" + name }

// putHook validates, defaults and stores a hook; create says it must be new
// (hooks given at group creation).
func putHook(c *api.Context, h *types.LifecycleHook, create bool) error {
	group := aws.ToString(h.AutoScalingGroupName)
	t := aws.ToString(h.LifecycleTransition)
	if t != TransitionLaunching && t != TransitionTerminating {
		return errValidation("Invalid Lifecycle Transition: %s. Valid transitions are %s and %s.", t, TransitionLaunching, TransitionTerminating)
	}
	if r := aws.ToString(h.DefaultResult); r == "" {
		h.DefaultResult = aws.String("ABANDON")
	} else if r != "CONTINUE" && r != "ABANDON" {
		return errValidation("Valid values for DefaultResult are CONTINUE and ABANDON.")
	}
	if h.HeartbeatTimeout == nil {
		h.HeartbeatTimeout = aws.Int32(3600)
	}
	if hb := *h.HeartbeatTimeout; hb < 30 || hb > 7200 {
		return errValidation("Heartbeat timeout must be between 30 and 7200 seconds.")
	}
	h.GlobalTimeout = aws.Int32(min(100**h.HeartbeatTimeout, 172800))
	key := hookKey(group, aws.ToString(h.LifecycleHookName))
	if create {
		n, err := Hooks.Count(c.Tx, c.Scope(), store.Query{Parent: group})
		if err != nil {
			return err
		}
		if n >= MaxHooks {
			return errLimitExceeded("Exceeded the limit of %d lifecycle hooks for AutoScalingGroup %s.", MaxHooks, group)
		}
	}
	return Hooks.Put(c.Tx, c.Scope(), key, store.Index{Parent: group, Name: aws.ToString(h.LifecycleHookName), Attr: t}, h)
}

func putLifecycleHook(c *api.Context, in *autoscaling.PutLifecycleHookInput) (*autoscaling.PutLifecycleHookOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	name := aws.ToString(in.LifecycleHookName)
	h, err := Hooks.Get(c.Tx, c.Scope(), hookKey(group, name))
	if err != nil {
		return nil, err
	}
	create := h == nil
	if create {
		if in.LifecycleTransition == nil {
			return nil, errValidation("LifecycleTransition is required when creating a lifecycle hook.")
		}
		h = &types.LifecycleHook{AutoScalingGroupName: aws.String(group), LifecycleHookName: aws.String(name)}
	}
	if in.LifecycleTransition != nil {
		h.LifecycleTransition = in.LifecycleTransition
	}
	if in.DefaultResult != nil {
		h.DefaultResult = in.DefaultResult
	}
	if in.HeartbeatTimeout != nil {
		h.HeartbeatTimeout = in.HeartbeatTimeout
	}
	if in.NotificationMetadata != nil {
		h.NotificationMetadata = in.NotificationMetadata
	}
	if in.NotificationTargetARN != nil {
		h.NotificationTargetARN = in.NotificationTargetARN
	}
	if in.RoleARN != nil {
		h.RoleARN = in.RoleARN
	}
	return &autoscaling.PutLifecycleHookOutput{}, putHook(c, h, create)
}

// groupHooks lists a group's hooks for one transition ("" = all).
func groupHooks(c *api.Context, group, transition string) ([]*types.LifecycleHook, error) {
	items, err := Hooks.List(c.Tx, c.Scope(), store.Query{Parent: group, Attr: transition})
	if err != nil {
		return nil, err
	}
	out := make([]*types.LifecycleHook, 0, len(items))
	for _, it := range items {
		out = append(out, it.Doc)
	}
	return out, nil
}

func describeLifecycleHooks(c *api.Context, in *autoscaling.DescribeLifecycleHooksInput) (*autoscaling.DescribeLifecycleHooksOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	hooks, err := groupHooks(c, group, "")
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeLifecycleHooksOutput{LifecycleHooks: []types.LifecycleHook{}}
	for _, h := range hooks {
		if len(in.LifecycleHookNames) == 0 || slices.Contains(in.LifecycleHookNames, aws.ToString(h.LifecycleHookName)) {
			out.LifecycleHooks = append(out.LifecycleHooks, *h)
		}
	}
	return out, nil
}

func deleteLifecycleHook(c *api.Context, in *autoscaling.DeleteLifecycleHookInput) (*autoscaling.DeleteLifecycleHookOutput, error) {
	group, name := aws.ToString(in.AutoScalingGroupName), aws.ToString(in.LifecycleHookName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	ok, err := Hooks.Delete(c.Tx, c.Scope(), hookKey(group, name))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errValidation("No Lifecycle Hook found with name %s for group %s", name, group)
	}
	return &autoscaling.DeleteLifecycleHookOutput{}, nil
}

// waitingMember finds the instance a lifecycle action call names, by token or instance id.
func waitingMember(c *api.Context, group, hook string, token, instanceID *string) (*member, error) {
	if token == nil && instanceID == nil {
		return nil, errValidation("Either LifecycleActionToken or InstanceId must be specified.")
	}
	members, err := groupMembers(c, group)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.Hook != hook || (m.LifecycleState != types.LifecycleStatePendingWait && m.LifecycleState != types.LifecycleStateTerminatingWait) {
			continue
		}
		if (token != nil && m.Token == *token) || (token == nil && aws.ToString(m.InstanceId) == aws.ToString(instanceID)) {
			return m, nil
		}
	}
	if token != nil {
		return nil, errValidation("No active Lifecycle Action found with token %s", *token)
	}
	return nil, errValidation("No active Lifecycle Action found with instance ID %s", aws.ToString(instanceID))
}

func completeLifecycleAction(c *api.Context, in *autoscaling.CompleteLifecycleActionInput) (*autoscaling.CompleteLifecycleActionOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	result := aws.ToString(in.LifecycleActionResult)
	if result != "CONTINUE" && result != "ABANDON" {
		return nil, errValidation("Valid values for LifecycleActionResult are CONTINUE and ABANDON.")
	}
	m, err := waitingMember(c, group, aws.ToString(in.LifecycleHookName), in.LifecycleActionToken, in.InstanceId)
	if err != nil {
		return nil, err
	}
	m.HookResult = result
	return &autoscaling.CompleteLifecycleActionOutput{}, putMember(c, m)
}

func recordHeartbeat(c *api.Context, in *autoscaling.RecordLifecycleActionHeartbeatInput) (*autoscaling.RecordLifecycleActionHeartbeatOutput, error) {
	group, name := aws.ToString(in.AutoScalingGroupName), aws.ToString(in.LifecycleHookName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	m, err := waitingMember(c, group, name, in.LifecycleActionToken, in.InstanceId)
	if err != nil {
		return nil, err
	}
	h, err := Hooks.Get(c.Tx, c.Scope(), hookKey(group, name))
	if err != nil {
		return nil, err
	}
	timeout := time.Hour
	if h != nil {
		timeout = seconds(aws.ToInt32(h.HeartbeatTimeout))
	}
	m.HookDeadline = c.Now().Add(scaledFor(c, timeout))
	if m.HookDeadline.After(m.GlobalDeadline) {
		m.HookDeadline = m.GlobalDeadline
	}
	return &autoscaling.RecordLifecycleActionHeartbeatOutput{}, putMember(c, m)
}
