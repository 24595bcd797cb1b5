package ec2

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
)

// Instance is a simulated EC2 instance: the SDK's description plus what
// Describe calls do not show.
type Instance struct {
	types.Instance
	ReservationID string
	RequesterID   string
	UserData      string // base64, as given
	// StateSince is when the current state began; transitions are applied lazily by time.
	StateSince            time.Time
	DisableAPITermination bool
	DisableAPIStop        bool
	ShutdownBehavior      string // stop (default) or terminate
	LaunchTemplate        *types.LaunchTemplateSpecification
}

// Timings of simulated instance state changes.
const (
	InstancePendingDelay  = time.Second
	InstanceStoppingDelay = time.Second
	InstanceShutdownDelay = time.Second
	// TerminatedRetention is how long a terminated instance stays visible.
	TerminatedRetention = time.Hour
)

var stateCodes = map[types.InstanceStateName]int32{
	types.InstanceStateNamePending: 0, types.InstanceStateNameRunning: 16, types.InstanceStateNameShuttingDown: 32,
	types.InstanceStateNameTerminated: 48, types.InstanceStateNameStopping: 64, types.InstanceStateNameStopped: 80,
}

func stateOf(n types.InstanceStateName) *types.InstanceState {
	return &types.InstanceState{Name: n, Code: aws.Int32(stateCodes[n])}
}

func registerInstances(s *api.Service) {
	handle(s, "RunInstances", runInstances)
	handle(s, "DescribeInstances", describeInstances)
	handle(s, "TerminateInstances", terminateInstances)
	handle(s, "StopInstances", stopInstances)
	handle(s, "StartInstances", startInstances)
	handle(s, "DescribeInstanceStatus", describeInstanceStatus)
	handle(s, "DescribeInstanceAttribute", describeInstanceAttribute)
	handle(s, "ModifyInstanceAttribute", modifyInstanceAttribute)
}

func findInstance(c *api.Context, id string) (*Instance, error) {
	inst, err := instanceKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if inst == nil {
		return nil, notFoundAs("i", id)
	}
	if _, err := settle(c, inst); err != nil {
		return nil, err
	}
	if inst.State.Name == types.InstanceStateNameTerminated && clock(c).Sub(inst.StateSince) > TerminatedRetention {
		return nil, notFoundAs("i", id)
	}
	return inst, nil
}

// setState moves an instance to a state now.
func setState(c *api.Context, inst *Instance, n types.InstanceStateName, at time.Time) {
	inst.State = stateOf(n)
	inst.StateSince = at
}

// settle applies the state changes that time has brought, with their side
// effects, and stores the instance when it changed. It reports whether it did.
func settle(c *api.Context, inst *Instance) (bool, error) {
	now := clock(c)
	changed := false
	for {
		since := now.Sub(inst.StateSince)
		switch inst.State.Name {
		case types.InstanceStateNamePending:
			if since < InstancePendingDelay {
				return changed, finishSettle(c, inst, changed)
			}
			setState(c, inst, types.InstanceStateNameRunning, inst.StateSince.Add(InstancePendingDelay))
		case types.InstanceStateNameStopping:
			if since < InstanceStoppingDelay {
				return changed, finishSettle(c, inst, changed)
			}
			setState(c, inst, types.InstanceStateNameStopped, inst.StateSince.Add(InstanceStoppingDelay))
			inst.StateReason = &types.StateReason{Code: aws.String("Client.UserInitiatedShutdown"), Message: aws.String("Client.UserInitiatedShutdown: User initiated shutdown")}
		case types.InstanceStateNameShuttingDown:
			if since < InstanceShutdownDelay {
				return changed, finishSettle(c, inst, changed)
			}
			setState(c, inst, types.InstanceStateNameTerminated, inst.StateSince.Add(InstanceShutdownDelay))
			if err := releaseInstanceNetwork(c, inst); err != nil {
				return changed, err
			}
		default:
			return changed, finishSettle(c, inst, changed)
		}
		changed = true
	}
}

func finishSettle(c *api.Context, inst *Instance, changed bool) error {
	if !changed {
		return nil
	}
	return instanceKind.put(c, inst)
}

// releaseInstanceNetwork deletes a terminated instance's interfaces that
// were to go with it and detaches the others.
func releaseInstanceNetwork(c *api.Context, inst *Instance) error {
	for _, ni := range inst.NetworkInterfaces {
		id := aws.ToString(ni.NetworkInterfaceId)
		e, err := eniKind.get(c, id)
		if err != nil || e == nil {
			continue
		}
		if ni.Attachment != nil && aws.ToBool(ni.Attachment.DeleteOnTermination) {
			if err := deleteInterface(c, id, true); err != nil {
				return err
			}
			continue
		}
		e.Attachment, e.Status = nil, types.NetworkInterfaceStatusAvailable
		if err := eniKind.put(c, e); err != nil {
			return err
		}
	}
	inst.NetworkInterfaces = []types.InstanceNetworkInterface{}
	inst.PublicIpAddress, inst.PublicDnsName, inst.PrivateIpAddress = nil, aws.String(""), nil
	inst.PrivateDnsName = aws.String("")
	inst.SecurityGroups = []types.GroupIdentifier{}
	inst.SubnetId, inst.VpcId = nil, nil
	return nil
}

// instanceInterface is the instance-side view of an attached interface.
func instanceInterface(e *types.NetworkInterface) types.InstanceNetworkInterface {
	ni := types.InstanceNetworkInterface{NetworkInterfaceId: e.NetworkInterfaceId, SubnetId: e.SubnetId, VpcId: e.VpcId,
		Description: e.Description, Groups: e.Groups, MacAddress: e.MacAddress, OwnerId: e.OwnerId, PrivateDnsName: e.PrivateDnsName,
		PrivateIpAddress: e.PrivateIpAddress, SourceDestCheck: e.SourceDestCheck, Status: types.NetworkInterfaceStatusInUse,
		InterfaceType: aws.String(string(e.InterfaceType)), Ipv6Addresses: []types.InstanceIpv6Address{}}
	if a := e.Attachment; a != nil {
		ni.Attachment = &types.InstanceNetworkInterfaceAttachment{AttachTime: a.AttachTime, AttachmentId: a.AttachmentId,
			DeleteOnTermination: a.DeleteOnTermination, DeviceIndex: a.DeviceIndex, NetworkCardIndex: a.NetworkCardIndex, Status: a.Status}
	}
	var assoc *types.InstanceNetworkInterfaceAssociation
	if e.Association != nil {
		assoc = &types.InstanceNetworkInterfaceAssociation{PublicIp: e.Association.PublicIp, PublicDnsName: e.Association.PublicDnsName,
			IpOwnerId: e.Association.IpOwnerId}
		ni.Association = assoc
	}
	for _, p := range e.PrivateIpAddresses {
		ip := types.InstancePrivateIpAddress{Primary: p.Primary, PrivateIpAddress: p.PrivateIpAddress, PrivateDnsName: p.PrivateDnsName}
		if aws.ToBool(p.Primary) {
			ip.Association = assoc
		}
		ni.PrivateIpAddresses = append(ni.PrivateIpAddresses, ip)
	}
	return ni
}

// setInstancePublicIP refreshes an instance's view of an interface after its public address changed.
func setInstancePublicIP(c *api.Context, e *types.NetworkInterface) error {
	if e.Attachment == nil {
		return nil
	}
	inst, err := instanceKind.get(c, aws.ToString(e.Attachment.InstanceId))
	if err != nil || inst == nil {
		return err
	}
	for i, ni := range inst.NetworkInterfaces {
		if aws.ToString(ni.NetworkInterfaceId) == aws.ToString(e.NetworkInterfaceId) {
			inst.NetworkInterfaces[i] = instanceInterface(e)
		}
	}
	if aws.ToInt32(e.Attachment.DeviceIndex) == 0 {
		inst.PublicIpAddress, inst.PublicDnsName = nil, aws.String("")
		if e.Association != nil {
			inst.PublicIpAddress, inst.PublicDnsName = e.Association.PublicIp, e.Association.PublicDnsName
		}
	}
	return instanceKind.put(c, inst)
}

// launchInput merges a launch template's data under the explicit parameters of a RunInstances call.
func launchInput(c *api.Context, in *sdk.RunInstancesInput) (*sdk.RunInstancesInput, error) {
	if in.LaunchTemplate == nil {
		return in, nil
	}
	ver, err := ResolveLaunchTemplate(c.Tx, c.Account(), c.Region, *in.LaunchTemplate)
	if err != nil {
		return nil, err
	}
	merged := map[string]any{}
	if ver.LaunchTemplateData != nil {
		b, _ := json.Marshal(ver.LaunchTemplateData)
		json.Unmarshal(b, &merged)
	}
	b, _ := json.Marshal(in)
	var explicit map[string]any
	json.Unmarshal(b, &explicit)
	for k, v := range explicit {
		switch x := v.(type) {
		case nil:
			continue
		case string:
			if x == "" {
				continue
			}
		case []any:
			if len(x) == 0 {
				continue
			}
		}
		merged[k] = v
	}
	b, _ = json.Marshal(merged)
	out := &sdk.RunInstancesInput{}
	// Members whose types differ between the two shapes are left out.
	_ = json.Unmarshal(b, out)
	out.LaunchTemplate = &types.LaunchTemplateSpecification{LaunchTemplateId: ver.LaunchTemplateId, LaunchTemplateName: ver.LaunchTemplateName,
		Version: aws.String(itoa(int32(aws.ToInt64(ver.VersionNumber))))}
	return out, nil
}

// resolveImage turns an image id (or resolve:ssm:NAME) into an image id and architecture.
func resolveImage(c *api.Context, id string) (string, types.ArchitectureValues, error) {
	if name, ok := strings.CutPrefix(id, "resolve:ssm:"); ok {
		for _, p := range PublicImages {
			if p.SSMParameter == name || (p.ECSParameterPath != "" && p.ECSParameterPath+"/image_id" == name) {
				return ImageID(c.Region, p.Name), p.Arch, nil
			}
		}
		return "", "", invalidParam("The SSM parameter '%s' does not exist or does not name an image.", name)
	}
	if id == "" {
		return "", "", apiErr("MissingParameter", "The request must contain the parameter ImageId")
	}
	if !amiRE.MatchString(id) {
		return "", "", apiErr("InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", id)
	}
	if p, _ := findImage(c.Region, id); p != nil {
		return id, p.Arch, nil
	}
	// An image Longshore does not know (a user's own AMI) launches as x86_64 Linux.
	return id, types.ArchitectureValuesX8664, nil
}
