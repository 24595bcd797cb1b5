package autoscaling

import (
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// member is an instance of a group as the group tracks it.
type member struct {
	types.Instance
	Group      string
	LaunchedAt time.Time
	// StateSince is when the instance entered its lifecycle state.
	StateSince time.Time
	SubnetID   string
	// UserData is the user data of its launch template (base64).
	UserData     string
	Architecture string
	// ClusterArn and ContainerInstanceArn are set once its ECS agent registered.
	ClusterArn           string
	ContainerInstanceArn string
	// Hook, Token and the deadlines describe a lifecycle action in progress.
	Hook           string
	Token          string
	HookDeadline   time.Time
	GlobalDeadline time.Time
	HookResult     string
	// ActivityID is the launch or termination activity in progress.
	ActivityID string
	// SkipHooks terminates without lifecycle actions (ForceDelete).
	SkipHooks bool
	// Warm marks an instance of the warm pool.
	Warm bool
	// TargetGroups are the ELBv2 target groups it is registered with.
	TargetGroups []string
}

func memberIndex(m *member) store.Index {
	return store.Index{Parent: m.Group, Name: aws.ToString(m.InstanceId), Status: string(m.LifecycleState)}
}

func putMember(c *api.Context, m *member) error {
	return Members.Put(c.Tx, c.Scope(), aws.ToString(m.InstanceId), memberIndex(m), m)
}

// groupMembers lists a group's instances in launch order.
func groupMembers(c *api.Context, group string) ([]*member, error) {
	items, err := Members.List(c.Tx, c.Scope(), store.Query{Parent: group})
	if err != nil {
		return nil, err
	}
	out := make([]*member, 0, len(items))
	for _, it := range items {
		out = append(out, it.Doc)
	}
	return out, nil
}

// counted reports whether an instance counts toward the desired capacity.
func counted(m *member) bool {
	if m.Warm {
		return false
	}
	switch m.LifecycleState {
	case types.LifecycleStatePending, types.LifecycleStatePendingWait, types.LifecycleStatePendingProceed, types.LifecycleStateInService:
		return true
	}
	return false
}

func terminating(m *member) bool {
	return strings.HasPrefix(string(m.LifecycleState), "Terminating")
}

func registerInstances(s *api.Service, h *handlers) {
	api.Handle(s, "DescribeAutoScalingInstances", describeInstances)
	api.Handle(s, "SetInstanceProtection", setInstanceProtection)
	api.Handle(s, "TerminateInstanceInAutoScalingGroup", terminateInstance)
	api.Handle(s, "SetInstanceHealth", setInstanceHealth)
	api.Handle(s, "EnterStandby", enterStandby)
	api.Handle(s, "ExitStandby", exitStandby)
	api.Handle(s, "DetachInstances", detachInstances)
	api.Handle(s, "AttachInstances", h.attachInstances)
}

func details(m *member) types.AutoScalingInstanceDetails {
	return types.AutoScalingInstanceDetails{
		AutoScalingGroupName: aws.String(m.Group), AvailabilityZone: m.AvailabilityZone, HealthStatus: m.HealthStatus,
		InstanceId: m.InstanceId, LifecycleState: aws.String(string(m.LifecycleState)), ProtectedFromScaleIn: m.ProtectedFromScaleIn,
		InstanceType: m.InstanceType, LaunchTemplate: m.LaunchTemplate, WeightedCapacity: m.WeightedCapacity,
	}
}

func describeInstances(c *api.Context, in *autoscaling.DescribeAutoScalingInstancesInput) (*autoscaling.DescribeAutoScalingInstancesOutput, error) {
	size, err := maxRecords(in.MaxRecords, 50, 50)
	if err != nil {
		return nil, err
	}
	const scope = "autoscaling:DescribeAutoScalingInstances"
	items, next, err := pageNamed(c, Members, in.InstanceIds, asPaging(scope, in.NextToken, size), nil)
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeAutoScalingInstancesOutput{AutoScalingInstances: []types.AutoScalingInstanceDetails{}, NextToken: next}
	for _, m := range items {
		out.AutoScalingInstances = append(out.AutoScalingInstances, details(m))
	}
	return out, nil
}

// groupMember finds an instance of a named group, with AWS's error when it is not one.
func groupMember(c *api.Context, group, id string) (*member, error) {
	m, err := Members.Get(c.Tx, c.Scope(), id)
	if err != nil {
		return nil, err
	}
	if m == nil || m.Group != group {
		return nil, errValidation("The instance %s is not part of Auto Scaling group %s.", id, group)
	}
	return m, nil
}

func setInstanceProtection(c *api.Context, in *autoscaling.SetInstanceProtectionInput) (*autoscaling.SetInstanceProtectionOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	if _, err := mustGroup(c, name); err != nil {
		return nil, err
	}
	if len(in.InstanceIds) > 50 {
		return nil, errValidation("The number of instance ids that may be passed in is limited to 50.")
	}
	for _, id := range in.InstanceIds {
		m, err := groupMember(c, name, id)
		if err != nil {
			return nil, err
		}
		m.ProtectedFromScaleIn = aws.Bool(aws.ToBool(in.ProtectedFromScaleIn))
		if err := putMember(c, m); err != nil {
			return nil, err
		}
	}
	return &autoscaling.SetInstanceProtectionOutput{}, nil
}

// managedMember finds an instance of any group.
func managedMember(c *api.Context, id string) (*member, *groupDoc, error) {
	m, err := Members.Get(c.Tx, c.Scope(), id)
	if err != nil {
		return nil, nil, err
	}
	if m == nil {
		return nil, nil, errValidation("Instance Id not found - No managed instance found for instance ID: %s", id)
	}
	doc, err := mustGroup(c, m.Group)
	if err != nil {
		return nil, nil, err
	}
	return m, doc, nil
}

func terminateInstance(c *api.Context, in *autoscaling.TerminateInstanceInAutoScalingGroupInput) (*autoscaling.TerminateInstanceInAutoScalingGroupOutput, error) {
	id := aws.ToString(in.InstanceId)
	m, doc, err := managedMember(c, id)
	if err != nil {
		return nil, err
	}
	if terminating(m) {
		a, err := Activities.Get(c.Tx, c.Scope(), m.ActivityID)
		if err != nil || a == nil {
			return nil, err
		}
		return &autoscaling.TerminateInstanceInAutoScalingGroupOutput{Activity: a}, nil
	}
	cause := "At " + stamp(c.Now()) + " instance " + id + " was taken out of service in response to a user request"
	if aws.ToBool(in.ShouldDecrementDesiredCapacity) && counted(m) {
		g := &doc.Group
		desired := aws.ToInt32(g.DesiredCapacity)
		if desired-1 < aws.ToInt32(g.MinSize) {
			return nil, errValidation("Currently, desiredSize equals minSize (%d). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.", aws.ToInt32(g.MinSize))
		}
		cause += ", shrinking the capacity from " + itoa(desired) + " to " + itoa(desired-1)
		g.DesiredCapacity = aws.Int32(desired - 1)
		if err := putGroup(c, doc); err != nil {
			return nil, err
		}
	}
	if err := beginTermination(c, doc, m, cause+".", false); err != nil {
		return nil, err
	}
	a, err := Activities.Get(c.Tx, c.Scope(), m.ActivityID)
	if err != nil {
		return nil, err
	}
	return &autoscaling.TerminateInstanceInAutoScalingGroupOutput{Activity: a}, nil
}

// beginTermination takes an instance out of service and records the activity.
func beginTermination(c *api.Context, doc *groupDoc, m *member, cause string, skipHooks bool) error {
	if err := leaveTargetGroups(c, m); err != nil {
		return err
	}
	a, err := startActivity(c, doc, "Terminating EC2 instance: "+aws.ToString(m.InstanceId), cause, m)
	if err != nil {
		return err
	}
	m.LifecycleState = types.LifecycleStateTerminating
	m.StateSince = c.Now()
	m.ActivityID = aws.ToString(a.ActivityId)
	m.SkipHooks = m.SkipHooks || skipHooks
	m.Hook, m.Token = "", ""
	return putMember(c, m)
}

func setInstanceHealth(c *api.Context, in *autoscaling.SetInstanceHealthInput) (*autoscaling.SetInstanceHealthOutput, error) {
	health := aws.ToString(in.HealthStatus)
	if health != "Healthy" && health != "Unhealthy" {
		return nil, errValidation("Valid health status values are Healthy and Unhealthy.")
	}
	m, doc, err := managedMember(c, aws.ToString(in.InstanceId))
	if err != nil {
		return nil, err
	}
	m.HealthStatus = aws.String(health)
	if health == "Unhealthy" && counted(m) && !suspended(&doc.Group, "ReplaceUnhealthy") {
		// An unhealthy instance is replaced: it terminates and the group launches another.
		return &autoscaling.SetInstanceHealthOutput{}, beginTermination(c, doc, m, "At "+stamp(c.Now())+" an instance was taken out of service in response to a user health-check.", false)
	}
	return &autoscaling.SetInstanceHealthOutput{}, putMember(c, m)
}

// errSizes is AWS's refusal of a request that would take a group's desired
// capacity outside its bounds; action names the request ("detach", "attach").
func errSizes(g *types.AutoScalingGroup, name, action string, n int) error {
	return errValidation("AutoScalingGroup %s has min-size=%d, max-size=%d, and desired-size=%d. To %s %d instances, please update the AutoScalingGroup sizes appropriately.",
		name, aws.ToInt32(g.MinSize), aws.ToInt32(g.MaxSize), aws.ToInt32(g.DesiredCapacity), action, n)
}

// shrinkForRequest lowers the desired capacity by one for an instance a user
// request takes out of service, and returns what the activity's cause adds.
func shrinkForRequest(g *types.AutoScalingGroup, name, action string, n int) (string, error) {
	desired := aws.ToInt32(g.DesiredCapacity)
	if desired-1 < aws.ToInt32(g.MinSize) {
		return "", errSizes(g, name, action, n)
	}
	g.DesiredCapacity = aws.Int32(desired - 1)
	return ", shrinking the capacity from " + itoa(desired) + " to " + itoa(desired-1), nil
}

// moveRequested applies a user request to the named instances of a group one
// at a time, recording a completed activity for each. move checks the member,
// adjusts the group and returns the activity's description and cause; settle
// stores what becomes of the member once its activity is recorded.
func moveRequested(c *api.Context, doc *groupDoc, name string, ids []string,
	move func(id string, m *member) (description, cause string, err error), settle func(m *member) error) ([]types.Activity, error) {
	activities := []types.Activity{}
	for _, id := range ids {
		m, err := groupMember(c, name, id)
		if err != nil {
			return nil, err
		}
		description, cause, err := move(id, m)
		if err != nil {
			return nil, err
		}
		a, err := recordActivity(c, doc, description, cause, m)
		if err != nil {
			return nil, err
		}
		if err := settle(m); err != nil {
			return nil, err
		}
		activities = append(activities, *a)
	}
	return activities, nil
}

// settleAs puts a moved member in its new lifecycle state.
func settleAs(c *api.Context, state types.LifecycleState) func(m *member) error {
	return func(m *member) error {
		m.LifecycleState = state
		m.StateSince = c.Now()
		return putMember(c, m)
	}
}

func enterStandby(c *api.Context, in *autoscaling.EnterStandbyInput) (*autoscaling.EnterStandbyOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	activities, err := moveRequested(c, doc, name, in.InstanceIds, func(id string, m *member) (string, string, error) {
		if m.LifecycleState != types.LifecycleStateInService {
			return "", "", errValidation("The instance %s is not in InService.", id)
		}
		cause := "At " + stamp(c.Now()) + " instance " + id + " was moved to standby in response to a user request"
		if aws.ToBool(in.ShouldDecrementDesiredCapacity) {
			shrunk, err := shrinkForRequest(&doc.Group, name, "place into standby", len(in.InstanceIds))
			if err != nil {
				return "", "", err
			}
			cause += shrunk
		}
		return "Moving EC2 instance to Standby: " + id, cause + ".", nil
	}, settleAs(c, types.LifecycleStateStandby))
	if err != nil {
		return nil, err
	}
	return &autoscaling.EnterStandbyOutput{Activities: activities}, putGroup(c, doc)
}

func exitStandby(c *api.Context, in *autoscaling.ExitStandbyInput) (*autoscaling.ExitStandbyOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	g := &doc.Group
	activities, err := moveRequested(c, doc, name, in.InstanceIds, func(id string, m *member) (string, string, error) {
		if m.LifecycleState != types.LifecycleStateStandby {
			return "", "", errValidation("The instance %s is not in Standby.", id)
		}
		desired := aws.ToInt32(g.DesiredCapacity)
		if desired+1 > aws.ToInt32(g.MaxSize) {
			return "", "", errSizes(g, name, "exit from standby", len(in.InstanceIds))
		}
		g.DesiredCapacity = aws.Int32(desired + 1)
		cause := "At " + stamp(c.Now()) + " instance " + id + " was moved out of standby in response to a user request, increasing the capacity from " + itoa(desired) + " to " + itoa(desired+1) + "."
		return "Moving EC2 instance out of Standby: " + id, cause, nil
	}, settleAs(c, types.LifecycleStateInService))
	if err != nil {
		return nil, err
	}
	return &autoscaling.ExitStandbyOutput{Activities: activities}, putGroup(c, doc)
}

func detachInstances(c *api.Context, in *autoscaling.DetachInstancesInput) (*autoscaling.DetachInstancesOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	if len(in.InstanceIds) > 20 {
		return nil, errValidation("The number of instance ids that may be passed in is limited to 20.")
	}
	activities, err := moveRequested(c, doc, name, in.InstanceIds, func(id string, m *member) (string, string, error) {
		if m.LifecycleState != types.LifecycleStateInService && m.LifecycleState != types.LifecycleStateStandby {
			return "", "", errValidation("The instance %s is not in InService or Standby.", id)
		}
		cause := "At " + stamp(c.Now()) + " instance " + id + " was detached in response to a user request"
		if aws.ToBool(in.ShouldDecrementDesiredCapacity) && counted(m) {
			shrunk, err := shrinkForRequest(&doc.Group, name, "detach", len(in.InstanceIds))
			if err != nil {
				return "", "", err
			}
			cause += shrunk
		}
		return "Detaching EC2 instance: " + id, cause + ".", nil
	}, func(m *member) error {
		_, err := Members.Delete(c.Tx, c.Scope(), aws.ToString(m.InstanceId))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &autoscaling.DetachInstancesOutput{Activities: activities}, putGroup(c, doc)
}

func (h *handlers) attachInstances(c *api.Context, in *autoscaling.AttachInstancesInput) (*autoscaling.AttachInstancesOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	if len(in.InstanceIds) > 20 {
		return nil, errValidation("The number of instance ids that may be passed in is limited to 20.")
	}
	if h.EC2 == nil {
		return nil, errValidation("Instance Id not found - No instance with id %s found", strings.Join(in.InstanceIds, ", "))
	}
	machines, err := h.EC2.Instances(c)
	if err != nil {
		return nil, err
	}
	byID := map[string]Machine{}
	for _, m := range machines {
		byID[m.ID] = m
	}
	g := &doc.Group
	desired := aws.ToInt32(g.DesiredCapacity)
	if n := len(in.InstanceIds); desired+int32(n) > aws.ToInt32(g.MaxSize) {
		return nil, errSizes(g, name, "attach", n)
	}
	for _, id := range in.InstanceIds {
		mach, ok := byID[id]
		if !ok || mach.State == "terminated" || mach.State == "shutting-down" {
			return nil, errValidation("Instance Id not found - No instance with id %s found", id)
		}
		if mach.State != "running" {
			return nil, errValidation("Instance %s is not in correct state; it must be running to be attached.", id)
		}
		if existing, err := Members.Get(c.Tx, c.Scope(), id); err != nil {
			return nil, err
		} else if existing != nil {
			return nil, errValidation("The instance %s is already part of the Auto Scaling group %s.", id, existing.Group)
		}
		if !slices.Contains(g.AvailabilityZones, mach.AvailabilityZone) {
			return nil, errValidation("The Availability Zone of instance %s is not one of the Availability Zones of Auto Scaling group %s.", id, name)
		}
		cause := "At " + stamp(c.Now()) + " an instance was added in response to a user request attaching instance " + id + ", increasing the capacity from " +
			itoa(desired) + " to " + itoa(desired+1) + "."
		desired++
		m := &member{Instance: types.Instance{InstanceId: aws.String(id), AvailabilityZone: aws.String(mach.AvailabilityZone), HealthStatus: aws.String("Healthy"),
			LifecycleState: types.LifecycleStatePending, ProtectedFromScaleIn: aws.Bool(aws.ToBool(g.NewInstancesProtectedFromScaleIn)),
			InstanceType: aws.String(mach.InstanceType), ImageId: aws.String(mach.ImageID)},
			Group: name, LaunchedAt: c.Now(), StateSince: c.Now(), UserData: mach.UserData, Architecture: mach.Architecture}
		a, err := startActivity(c, doc, "Attaching an existing EC2 instance: "+id, cause, m)
		if err != nil {
			return nil, err
		}
		m.ActivityID = aws.ToString(a.ActivityId)
		if err := putMember(c, m); err != nil {
			return nil, err
		}
	}
	g.DesiredCapacity = aws.Int32(desired)
	return &autoscaling.AttachInstancesOutput{}, putGroup(c, doc)
}
