package ec2

import (
	"encoding/base64"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// TerminateInstances terminates instances in the caller's transaction, as
// TerminateInstances does (Auto Scaling scales in with it).
func TerminateInstances(tx *store.Tx, account, region string, ids []string) ([]types.InstanceStateChange, error) {
	return changeStates(contextFor(tx, account, region), ids, types.InstanceStateNameShuttingDown, true)
}

// InstancesByState lists the account and region's instances in the given
// states (all when none), with time's state changes applied: a background
// loop polls it to see instances become running or terminated.
func InstancesByState(tx *store.Tx, account, region string, states ...types.InstanceStateName) ([]*Instance, error) {
	c := contextFor(tx, account, region)
	docs, err := liveInstances(c)
	if err != nil {
		return nil, err
	}
	if len(states) == 0 {
		return docs, nil
	}
	var out []*Instance
	for _, inst := range docs {
		for _, s := range states {
			if inst.State.Name == s {
				out = append(out, inst)
			}
		}
	}
	return out, nil
}

// DecodedUserData is an instance's user data as cloud-init sees it (decoded from base64).
func (inst *Instance) DecodedUserData() string {
	b, err := base64.StdEncoding.DecodeString(inst.UserData)
	if err != nil {
		return inst.UserData
	}
	return string(b)
}

// liveInstances lists instances with time's changes applied, dropping terminated ones past retention.
func liveInstances(c *api.Context) ([]*Instance, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	return instanceKind.list(c, store.Query{})
}

// settledStates are the states time moves an instance out of (terminated
// only out of sight, after TerminatedRetention), in the order to settle them.
var settledStates = []types.InstanceStateName{types.InstanceStateNamePending, types.InstanceStateNameStopping,
	types.InstanceStateNameShuttingDown, types.InstanceStateNameTerminated}

// settleInstances applies time's state changes to every instance, so that
// the interfaces of instances that finished terminating are gone before a
// call looks at what depends on a subnet, group or VPC, and drops terminated
// instances past retention. Only instances in a state that time changes are
// read (by the state index), not every instance held.
func settleInstances(c *api.Context) error {
	now := clock(c)
	for _, state := range settledStates {
		docs, err := instanceKind.list(c, store.Query{Attr: string(state)})
		if err != nil {
			return err
		}
		for _, inst := range docs {
			if _, err := settle(c, inst); err != nil {
				return err
			}
			if inst.State.Name == types.InstanceStateNameTerminated && now.Sub(inst.StateSince) > TerminatedRetention {
				if err := instanceKind.delete(c, aws.ToString(inst.InstanceId)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func instanceFields(inst *Instance) fields {
	f := fields{}
	f.addPtr("instance-id", inst.InstanceId)
	f.add("instance-state-name", string(inst.State.Name))
	f.add("instance-state-code", itoa(aws.ToInt32(inst.State.Code)))
	f.add("instance-type", string(inst.InstanceType))
	f.addPtr("image-id", inst.ImageId)
	f.addPtr("subnet-id", inst.SubnetId)
	f.addPtr("vpc-id", inst.VpcId)
	f.addPtr("availability-zone", inst.Placement.AvailabilityZone)
	f.addPtr("private-ip-address", inst.PrivateIpAddress)
	f.addPtr("ip-address", inst.PublicIpAddress)
	f.addPtr("private-dns-name", inst.PrivateDnsName)
	f.addPtr("dns-name", inst.PublicDnsName)
	f.addPtr("key-name", inst.KeyName)
	f.add("reservation-id", inst.ReservationID)
	f.add("requester-id", inst.RequesterID)
	f.add("owner-id", *contextOwner(inst))
	f.add("architecture", string(inst.Architecture))
	f.add("launch-index", itoa(aws.ToInt32(inst.AmiLaunchIndex)))
	f.addPtr("client-token", inst.ClientToken)
	if inst.IamInstanceProfile != nil {
		f.addPtr("iam-instance-profile.arn", inst.IamInstanceProfile.Arn)
	}
	for _, g := range inst.SecurityGroups {
		f.addPtr("instance.group-id", g.GroupId)
		f.addPtr("instance.group-name", g.GroupName)
	}
	for _, ni := range inst.NetworkInterfaces {
		f.addPtr("network-interface.network-interface-id", ni.NetworkInterfaceId)
		f.addPtr("network-interface.subnet-id", ni.SubnetId)
		f.addPtr("network-interface.vpc-id", ni.VpcId)
	}
	if inst.LaunchTemplate != nil {
		f.addPtr("launch-template.launch-template-id", inst.LaunchTemplate.LaunchTemplateId)
	}
	return f
}

func contextOwner(inst *Instance) *string {
	for _, ni := range inst.NetworkInterfaces {
		if ni.OwnerId != nil {
			return ni.OwnerId
		}
	}
	s := ""
	return &s
}

var instanceListing = listing[Instance]{op: "DescribeInstances", parent: "subnet-id",
	id:     func(i *Instance) string { return aws.ToString(i.InstanceId) },
	tags:   func(i *Instance) []types.Tag { return i.Tags },
	fields: instanceFields,
	filters: []string{"instance-id", "instance-state-name", "instance-state-code", "instance-type", "image-id", "subnet-id",
		"vpc-id", "availability-zone", "private-ip-address", "ip-address", "private-dns-name", "dns-name", "key-name",
		"reservation-id", "requester-id", "owner-id", "architecture", "launch-index", "client-token", "iam-instance-profile.arn",
		"instance.group-id", "instance.group-name", "network-interface.network-interface-id", "network-interface.subnet-id",
		"network-interface.vpc-id", "launch-template.launch-template-id"},
	notFound: func(id string) error { return notFoundAs("i", id) },
}

func describeInstances(c *api.Context, in *sdk.DescribeInstancesInput) (*sdk.DescribeInstancesOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	out, next, err := instanceListing.page(c, instanceKind, nil, in.InstanceIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	var reservations []types.Reservation
	index := map[string]int{}
	for _, inst := range out {
		i, ok := index[inst.ReservationID]
		if !ok {
			r := types.Reservation{ReservationId: aws.String(inst.ReservationID), OwnerId: aws.String(c.Account()), Groups: []types.GroupIdentifier{}}
			if inst.RequesterID != "" {
				r.RequesterId = aws.String(inst.RequesterID)
			}
			reservations = append(reservations, r)
			i = len(reservations) - 1
			index[inst.ReservationID] = i
		}
		reservations[i].Instances = append(reservations[i].Instances, inst.Instance)
	}
	return &sdk.DescribeInstancesOutput{Reservations: reservations, NextToken: next}, nil
}

// changeStates moves instances towards a state and reports the changes.
func changeStates(c *api.Context, ids []string, target types.InstanceStateName, force bool) ([]types.InstanceStateChange, error) {
	var insts []*Instance
	for _, id := range ids {
		inst, err := findInstance(c, id)
		if err != nil {
			return nil, err
		}
		insts = append(insts, inst)
	}
	now := clock(c)
	var out []types.InstanceStateChange
	for _, inst := range insts {
		prev := *inst.State
		id := aws.ToString(inst.InstanceId)
		cur := inst.State.Name
		switch target {
		case types.InstanceStateNameShuttingDown:
			if inst.DisableAPITermination && !force {
				return nil, apiErr("OperationNotPermitted", "The instance '%s' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.", id)
			}
			if cur != types.InstanceStateNameTerminated && cur != types.InstanceStateNameShuttingDown {
				setState(c, inst, types.InstanceStateNameShuttingDown, now)
				inst.StateTransitionReason = aws.String("User initiated (" + now.Format("2006-01-02 15:04:05 MST") + ")")
				inst.StateReason = &types.StateReason{Code: aws.String("Client.UserInitiatedShutdown"), Message: aws.String("Client.UserInitiatedShutdown: User initiated shutdown")}
			}
		case types.InstanceStateNameStopping:
			switch cur {
			case types.InstanceStateNamePending, types.InstanceStateNameRunning:
				if inst.DisableAPIStop && !force {
					return nil, apiErr("OperationNotPermitted", "The instance '%s' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.", id)
				}
				setState(c, inst, types.InstanceStateNameStopping, now)
				inst.StateTransitionReason = aws.String("User initiated (" + now.Format("2006-01-02 15:04:05 MST") + ")")
				if err := dropEphemeralPublicIP(c, inst); err != nil {
					return nil, err
				}
			case types.InstanceStateNameStopping, types.InstanceStateNameStopped:
			default:
				return nil, apiErr("IncorrectInstanceState", "This instance '%s' is not in a state from which it can be stopped.", id)
			}
		case types.InstanceStateNamePending:
			switch cur {
			case types.InstanceStateNameStopped:
				setState(c, inst, types.InstanceStateNamePending, now)
				inst.StateTransitionReason, inst.StateReason = aws.String(""), nil
				if err := restoreEphemeralPublicIP(c, inst); err != nil {
					return nil, err
				}
			case types.InstanceStateNamePending, types.InstanceStateNameRunning:
			default:
				return nil, apiErr("IncorrectInstanceState", "The instance '%s' is not in a state from which it can be started.", id)
			}
		}
		if err := instanceKind.put(c, inst); err != nil {
			return nil, err
		}
		cs := *inst.State
		out = append(out, types.InstanceStateChange{InstanceId: inst.InstanceId, PreviousState: &prev, CurrentState: &cs})
	}
	return out, nil
}

// dropEphemeralPublicIP releases an auto-assigned public address when an instance stops.
func dropEphemeralPublicIP(c *api.Context, inst *Instance) error {
	for _, ni := range inst.NetworkInterfaces {
		e, err := eniKind.get(c, aws.ToString(ni.NetworkInterfaceId))
		if err != nil || e == nil || e.Association == nil || e.Association.AllocationId != nil {
			continue
		}
		e.Association = nil
		if err := eniKind.put(c, e); err != nil {
			return err
		}
		if err := setInstancePublicIP(c, e); err != nil {
			return err
		}
	}
	fresh, err := instanceKind.get(c, aws.ToString(inst.InstanceId))
	if err != nil || fresh == nil {
		return err
	}
	inst.NetworkInterfaces, inst.PublicIpAddress, inst.PublicDnsName = fresh.NetworkInterfaces, fresh.PublicIpAddress, fresh.PublicDnsName
	return nil
}

// restoreEphemeralPublicIP gives a restarted instance in a public subnet a new public address.
func restoreEphemeralPublicIP(c *api.Context, inst *Instance) error {
	s, err := subnetKind.get(c, aws.ToString(inst.SubnetId))
	if err != nil || s == nil || !aws.ToBool(s.MapPublicIpOnLaunch) || len(inst.NetworkInterfaces) == 0 {
		return err
	}
	e, err := eniKind.get(c, aws.ToString(inst.NetworkInterfaces[0].NetworkInterfaceId))
	if err != nil || e == nil || e.Association != nil {
		return err
	}
	ip := publicIP()
	e.Association = &types.NetworkInterfaceAssociation{PublicIp: aws.String(ip), PublicDnsName: aws.String(PublicDNSName(c.Region, ip)), IpOwnerId: aws.String("amazon")}
	if err := eniKind.put(c, e); err != nil {
		return err
	}
	inst.NetworkInterfaces[0] = instanceInterface(e)
	inst.PublicIpAddress, inst.PublicDnsName = e.Association.PublicIp, e.Association.PublicDnsName
	return nil
}

func terminateInstances(c *api.Context, in *sdk.TerminateInstancesInput) (*sdk.TerminateInstancesOutput, error) {
	out, err := changeStates(c, in.InstanceIds, types.InstanceStateNameShuttingDown, false)
	if err != nil {
		return nil, err
	}
	return &sdk.TerminateInstancesOutput{TerminatingInstances: out}, nil
}

func stopInstances(c *api.Context, in *sdk.StopInstancesInput) (*sdk.StopInstancesOutput, error) {
	out, err := changeStates(c, in.InstanceIds, types.InstanceStateNameStopping, false)
	if err != nil {
		return nil, err
	}
	return &sdk.StopInstancesOutput{StoppingInstances: out}, nil
}

func startInstances(c *api.Context, in *sdk.StartInstancesInput) (*sdk.StartInstancesOutput, error) {
	out, err := changeStates(c, in.InstanceIds, types.InstanceStateNamePending, false)
	if err != nil {
		return nil, err
	}
	return &sdk.StartInstancesOutput{StartingInstances: out}, nil
}

func describeInstanceStatus(c *api.Context, in *sdk.DescribeInstanceStatusInput) (*sdk.DescribeInstanceStatusOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	all := aws.ToBool(in.IncludeAllInstances)
	// Named instances are read one by one; a named one not running is left
	// out (unless all are asked for), one that does not exist is not found.
	var named []*Instance
	var ids []string
	seen := map[string]bool{}
	for _, id := range in.InstanceIds {
		inst, err := instanceKind.get(c, id)
		if err != nil {
			return nil, err
		}
		if inst == nil {
			return nil, notFoundAs("i", id)
		}
		if seen[id] || (!all && inst.State.Name != types.InstanceStateNameRunning) {
			continue
		}
		seen[id] = true
		named = append(named, inst)
		ids = append(ids, id)
	}
	if len(in.InstanceIds) > 0 && len(ids) == 0 {
		return &sdk.DescribeInstanceStatusOutput{InstanceStatuses: []types.InstanceStatus{}}, nil
	}
	l := listing[Instance]{op: "DescribeInstanceStatus",
		id: func(i *Instance) string { return aws.ToString(i.InstanceId) },
		fields: func(i *Instance) fields {
			f := fields{}
			f.addPtr("availability-zone", i.Placement.AvailabilityZone)
			f.add("instance-state-name", string(i.State.Name))
			f.add("instance-state-code", itoa(aws.ToInt32(i.State.Code)))
			st := string(statusOf(i))
			f.add("instance-status.status", st)
			f.add("system-status.status", st)
			f.add("instance-status.reachability", detailOf(i))
			f.add("system-status.reachability", detailOf(i))
			return f
		},
		filters: []string{"availability-zone", "instance-state-name", "instance-state-code", "instance-status.status",
			"system-status.status", "instance-status.reachability", "system-status.reachability"},
		notFound: func(id string) error { return notFoundAs("i", id) },
	}
	var out []*Instance
	var next *string
	var err error
	if len(ids) > 0 {
		out, next, err = l.run(c, named, ids, in.Filters, in.MaxResults, in.NextToken)
	} else {
		if !all {
			// Settled, the running instances are those whose Attr says so (0016).
			l.base = store.Query{Attr: string(types.InstanceStateNameRunning)}
		}
		out, next, err = l.page(c, instanceKind, func(inst *Instance) (*Instance, error) {
			if !all && inst.State.Name != types.InstanceStateNameRunning {
				return nil, nil
			}
			return inst, nil
		}, nil, in.Filters, in.MaxResults, in.NextToken)
	}
	if err != nil {
		return nil, err
	}
	var statuses []types.InstanceStatus
	for _, inst := range out {
		summary := &types.InstanceStatusSummary{Status: statusOf(inst)}
		if summary.Status == types.SummaryStatusOk {
			summary.Details = []types.InstanceStatusDetails{{Name: types.StatusNameReachability, Status: types.StatusTypePassed}}
		}
		sys := *summary
		statuses = append(statuses, types.InstanceStatus{InstanceId: inst.InstanceId, AvailabilityZone: inst.Placement.AvailabilityZone,
			AvailabilityZoneId: inst.Placement.AvailabilityZoneId, InstanceState: inst.State, InstanceStatus: summary, SystemStatus: &sys,
			AttachedEbsStatus: &types.EbsStatusSummary{Status: summary.Status}, Events: []types.InstanceStatusEvent{}})
	}
	return &sdk.DescribeInstanceStatusOutput{InstanceStatuses: statuses, NextToken: next}, nil
}

func statusOf(i *Instance) types.SummaryStatus {
	if i.State.Name == types.InstanceStateNameRunning {
		return types.SummaryStatusOk
	}
	return types.SummaryStatusNotApplicable
}

func detailOf(i *Instance) string {
	if i.State.Name == types.InstanceStateNameRunning {
		return "passed"
	}
	return ""
}

func inUnsorted(list []string, s string) bool { return inList(list, s) }

func describeInstanceAttribute(c *api.Context, in *sdk.DescribeInstanceAttributeInput) (*sdk.DescribeInstanceAttributeOutput, error) {
	inst, err := findInstance(c, aws.ToString(in.InstanceId))
	if err != nil {
		return nil, err
	}
	out := &sdk.DescribeInstanceAttributeOutput{InstanceId: inst.InstanceId}
	boolVal := func(b bool) *types.AttributeBooleanValue { return &types.AttributeBooleanValue{Value: aws.Bool(b)} }
	switch in.Attribute {
	case types.InstanceAttributeNameUserData:
		out.UserData = &types.AttributeValue{}
		if inst.UserData != "" {
			out.UserData.Value = aws.String(inst.UserData)
		}
	case types.InstanceAttributeNameInstanceType:
		out.InstanceType = &types.AttributeValue{Value: aws.String(string(inst.InstanceType))}
	case types.InstanceAttributeNameDisableApiTermination:
		out.DisableApiTermination = boolVal(inst.DisableAPITermination)
	case types.InstanceAttributeNameDisableApiStop:
		out.DisableApiStop = boolVal(inst.DisableAPIStop)
	case types.InstanceAttributeNameInstanceInitiatedShutdownBehavior:
		b := inst.ShutdownBehavior
		if b == "" {
			b = "stop"
		}
		out.InstanceInitiatedShutdownBehavior = &types.AttributeValue{Value: aws.String(b)}
	case types.InstanceAttributeNameSourceDestCheck:
		out.SourceDestCheck = boolVal(aws.ToBool(inst.SourceDestCheck))
	case types.InstanceAttributeNameGroupSet:
		out.Groups = inst.SecurityGroups
	case types.InstanceAttributeNameEbsOptimized:
		out.EbsOptimized = boolVal(aws.ToBool(inst.EbsOptimized))
	case types.InstanceAttributeNameRootDeviceName:
		out.RootDeviceName = &types.AttributeValue{Value: inst.RootDeviceName}
	case types.InstanceAttributeNameBlockDeviceMapping:
		out.BlockDeviceMappings = inst.BlockDeviceMappings
	case types.InstanceAttributeNameEnaSupport:
		out.EnaSupport = boolVal(aws.ToBool(inst.EnaSupport))
	default:
		return nil, invalidParam("Value (%s) for parameter attribute is invalid. Unknown attribute.", in.Attribute)
	}
	return out, nil
}
