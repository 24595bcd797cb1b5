package autoscaling

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerWarmPools(s *api.Service) {
	api.Handle(s, "PutWarmPool", putWarmPool)
	api.Handle(s, "DescribeWarmPool", describeWarmPool)
	api.Handle(s, "DeleteWarmPool", deleteWarmPool)
}

func putWarmPool(c *api.Context, in *autoscaling.PutWarmPoolInput) (*autoscaling.PutWarmPoolOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	if wp := doc.Group.WarmPoolConfiguration; wp != nil && wp.Status == types.WarmPoolStatusPendingDelete {
		return nil, errValidation("The warm pool is being deleted. Try again once the deletion has completed.")
	}
	if aws.ToBool(doc.Group.CapacityRebalance) {
		return nil, errValidation("You cannot add a warm pool to an Auto Scaling group that has capacity rebalancing enabled.")
	}
	if doc.Group.MixedInstancesPolicy != nil {
		return nil, errValidation("You cannot add a warm pool to an Auto Scaling group that has a mixed instances policy.")
	}
	state := in.PoolState
	if state == "" {
		state = types.WarmPoolStateStopped
	}
	if in.MaxGroupPreparedCapacity != nil && *in.MaxGroupPreparedCapacity != -1 && *in.MaxGroupPreparedCapacity < aws.ToInt32(in.MinSize) {
		return nil, errValidation("MaxGroupPreparedCapacity must be greater than or equal to the warm pool MinSize.")
	}
	doc.Group.WarmPoolConfiguration = &types.WarmPoolConfiguration{PoolState: state, MinSize: aws.Int32(aws.ToInt32(in.MinSize)),
		MaxGroupPreparedCapacity: in.MaxGroupPreparedCapacity, InstanceReusePolicy: in.InstanceReusePolicy}
	return &autoscaling.PutWarmPoolOutput{}, putGroup(c, doc)
}

func describeWarmPool(c *api.Context, in *autoscaling.DescribeWarmPoolInput) (*autoscaling.DescribeWarmPoolOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	size, err := maxRecords(in.MaxRecords, 50, 50)
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeWarmPoolOutput{WarmPoolConfiguration: doc.Group.WarmPoolConfiguration, Instances: []types.Instance{}}
	// The group's instances in launch order from the token's, the warm ones kept.
	warm, next, err := api.Paginate(c.Tx, c.Scope(), Members, store.Query{Parent: name}, asPaging("autoscaling:DescribeWarmPool:"+name, in.NextToken, size),
		func(m *member) bool { return m.Warm })
	if err != nil {
		return nil, err
	}
	for _, m := range warm {
		out.Instances = append(out.Instances, m.Instance)
	}
	out.NextToken = next
	return out, nil
}

func deleteWarmPool(c *api.Context, in *autoscaling.DeleteWarmPoolInput) (*autoscaling.DeleteWarmPoolOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	wp := doc.Group.WarmPoolConfiguration
	if wp == nil {
		return nil, errValidation("No warm pool found for Auto Scaling group %s.", name)
	}
	members, err := groupMembers(c, name)
	if err != nil {
		return nil, err
	}
	warm := 0
	for _, m := range members {
		if m.Warm && m.LifecycleState != types.LifecycleStateWarmedTerminating {
			warm++
			a, err := startActivity(c, doc, "Terminating EC2 instance from warm pool: "+aws.ToString(m.InstanceId),
				"At "+stamp(c.Now())+" an instance was taken out of the warm pool in response to a user request to delete the warm pool.", m)
			if err != nil {
				return nil, err
			}
			m.LifecycleState, m.StateSince, m.ActivityID = types.LifecycleStateWarmedTerminating, c.Now(), aws.ToString(a.ActivityId)
			if err := putMember(c, m); err != nil {
				return nil, err
			}
		}
	}
	if warm == 0 {
		doc.Group.WarmPoolConfiguration = nil
		doc.Group.WarmPoolSize = nil
	} else {
		wp.Status = types.WarmPoolStatusPendingDelete
	}
	return &autoscaling.DeleteWarmPoolOutput{}, putGroup(c, doc)
}

// warmPool keeps a group's warm pool at its size: max(MinSize,
// MaxGroupPreparedCapacity (the group's max by default) less the desired capacity).
func (e *Engine) warmPool(c *api.Context, doc *groupDoc) error {
	wp := doc.Group.WarmPoolConfiguration
	if wp == nil {
		return nil
	}
	members, err := groupMembers(c, aws.ToString(doc.Group.AutoScalingGroupName))
	if err != nil {
		return err
	}
	var warm []*member
	for _, m := range members {
		if m.Warm && m.LifecycleState != types.LifecycleStateWarmedTerminating {
			warm = append(warm, m)
		}
	}
	if wp.Status == types.WarmPoolStatusPendingDelete {
		if len(warm) == 0 && !anyWarm(members) {
			doc.Group.WarmPoolConfiguration, doc.Group.WarmPoolSize = nil, nil
			return putGroup(c, doc)
		}
		return nil
	}
	prepared := aws.ToInt32(doc.Group.MaxSize)
	if v := wp.MaxGroupPreparedCapacity; v != nil && *v >= 0 {
		prepared = *v
	}
	target := max(aws.ToInt32(wp.MinSize), prepared-aws.ToInt32(doc.Group.DesiredCapacity))
	// A pool larger than its size (PutWarmPool lowered it, or the group grew)
	// gives back its newest instances.
	for n := int32(len(warm)); n > target; n-- {
		m := warm[n-1]
		cause := "At " + stamp(c.Now()) + " an instance was taken out of the warm pool in response to a difference between desired and actual warm pool capacity, decreasing the capacity from " + itoa(n) + " to " + itoa(target) + "."
		a, err := startActivity(c, doc, "Terminating EC2 instance from warm pool: "+aws.ToString(m.InstanceId), cause, m)
		if err != nil {
			return err
		}
		m.LifecycleState, m.StateSince, m.ActivityID = types.LifecycleStateWarmedTerminating, c.Now(), aws.ToString(a.ActivityId)
		if err := putMember(c, m); err != nil {
			return err
		}
	}
	for n := int32(len(warm)); n < target; n++ {
		zones, err := e.subnetZones(c, &doc.Group)
		if err != nil {
			return err
		}
		zone, subnet := nextPlacement(&doc.Group, warm, zones)
		cause := "At " + stamp(c.Now()) + " an instance was launched into the warm pool in response to a difference between desired and actual warm pool capacity, increasing the capacity from " + itoa(n) + " to " + itoa(target) + "."
		m, err := e.launch(c, doc, zone, subnet, cause, true)
		if err != nil || m == nil {
			return err
		}
		warm = append(warm, m)
	}
	return nil
}

func anyWarm(members []*member) bool {
	for _, m := range members {
		if m.Warm {
			return true
		}
	}
	return false
}
