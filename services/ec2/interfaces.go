package ec2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// InterfaceSpec describes a network interface that another service (an ECS
// awsvpc task, a load balancer, a NAT gateway) creates in a subnet.
type InterfaceSpec struct {
	SubnetID       string
	Description    string
	SecurityGroups []string // group ids; empty = the VPC's default group
	// InterfaceType is EC2's interface type: "interface" (default),
	// "network_load_balancer", "nat_gateway", "vpc_endpoint" …
	InterfaceType string
	// RequesterID marks an interface a service manages (e.g. "amazon-elb");
	// such interfaces show RequesterManaged true.
	RequesterID string
	PrivateIP   string // a wanted address; empty = the next free one
	Tags        []types.Tag
}

// Interface is what the creator of a network interface needs to know.
type Interface struct {
	ID, PrivateIP, MAC, PrivateDNSName, SubnetID, VpcID, AvailabilityZone string
}

// CreateInterface creates a network interface in the caller's transaction:
// the subnet must exist (InvalidSubnetID.NotFound otherwise) and the groups
// must belong to its VPC; the address is allocated from the subnet without
// duplicates, so the subnet's AvailableIpAddressCount goes down.
func CreateInterface(tx *store.Tx, account, region string, spec InterfaceSpec) (Interface, error) {
	c := contextFor(tx, account, region)
	if err := EnsureDefaults(tx, account, region); err != nil {
		return Interface{}, err
	}
	eni, err := createInterface(c, spec)
	if err != nil {
		return Interface{}, err
	}
	return interfaceOf(eni), nil
}

// DeleteInterface deletes a network interface and frees its address.
func DeleteInterface(tx *store.Tx, account, region, eniID string) error {
	return deleteInterface(contextFor(tx, account, region), eniID, true)
}

// LookupSubnet returns a subnet of the account and region (creating the
// default network on first use), or InvalidSubnetID.NotFound.
func LookupSubnet(tx *store.Tx, account, region, subnetID string) (*types.Subnet, error) {
	if err := EnsureDefaults(tx, account, region); err != nil {
		return nil, err
	}
	return findSubnet(contextFor(tx, account, region), subnetID)
}

// LookupVpc returns a VPC of the account and region (creating the default
// network on first use), or InvalidVpcID.NotFound.
func LookupVpc(tx *store.Tx, account, region, vpcID string) (*types.Vpc, error) {
	if err := EnsureDefaults(tx, account, region); err != nil {
		return nil, err
	}
	return findVpc(contextFor(tx, account, region), vpcID)
}

// CheckSecurityGroups checks that every group exists (InvalidGroup.NotFound)
// and, when vpcID is given, belongs to that VPC.
func CheckSecurityGroups(tx *store.Tx, account, region, vpcID string, ids []string) error {
	if err := EnsureDefaults(tx, account, region); err != nil {
		return err
	}
	_, err := groupsOf(contextFor(tx, account, region), vpcID, ids)
	return err
}

func interfaceOf(e *types.NetworkInterface) Interface {
	return Interface{ID: aws.ToString(e.NetworkInterfaceId), PrivateIP: aws.ToString(e.PrivateIpAddress), MAC: aws.ToString(e.MacAddress),
		PrivateDNSName: aws.ToString(e.PrivateDnsName), SubnetID: aws.ToString(e.SubnetId), VpcID: aws.ToString(e.VpcId),
		AvailabilityZone: aws.ToString(e.AvailabilityZone)}
}

// groupsOf resolves security group ids of a VPC into identifiers.
func groupsOf(c *api.Context, vpcID string, ids []string) ([]types.GroupIdentifier, error) {
	var out []types.GroupIdentifier
	for _, id := range ids {
		g, err := findGroup(c, id, "", "")
		if err != nil {
			return nil, err
		}
		if vpcID != "" && aws.ToString(g.VpcId) != vpcID {
			return nil, invalidParam("Security group %s and subnet belong to different networks.", id)
		}
		out = append(out, types.GroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
	}
	return out, nil
}

func createInterface(c *api.Context, spec InterfaceSpec) (*types.NetworkInterface, error) {
	s, err := findSubnet(c, spec.SubnetID)
	if err != nil {
		return nil, err
	}
	vpcID := aws.ToString(s.VpcId)
	ids := spec.SecurityGroups
	if len(ids) == 0 {
		gs, err := groupKind.list(c, store.Query{Parent: vpcID, Name: "default"})
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			ids = append(ids, aws.ToString(g.GroupId))
		}
	}
	groupIDs, err := groupsOf(c, vpcID, ids)
	if err != nil {
		return nil, err
	}
	id := newID("eni")
	addr, err := allocateIP(c, s, id, spec.PrivateIP)
	if err != nil {
		return nil, err
	}
	itype := types.NetworkInterfaceType(spec.InterfaceType)
	if itype == "" {
		itype = types.NetworkInterfaceTypeInterface
	}
	dns := PrivateDNSName(c.Region, addr.String())
	e := &types.NetworkInterface{
		NetworkInterfaceId: aws.String(id), SubnetId: s.SubnetId, VpcId: s.VpcId, AvailabilityZone: s.AvailabilityZone,
		AvailabilityZoneId: s.AvailabilityZoneId, Description: aws.String(spec.Description), Groups: groupIDs,
		InterfaceType: itype, MacAddress: aws.String(macAddress()), OwnerId: aws.String(c.Account()),
		PrivateIpAddress: aws.String(addr.String()), PrivateDnsName: aws.String(dns),
		PrivateIpAddresses: []types.NetworkInterfacePrivateIpAddress{{Primary: aws.Bool(true), PrivateIpAddress: aws.String(addr.String()), PrivateDnsName: aws.String(dns)}},
		RequesterManaged:   aws.Bool(spec.RequesterID != ""), SourceDestCheck: aws.Bool(true), Status: types.NetworkInterfaceStatusAvailable,
		Ipv6Addresses: []types.NetworkInterfaceIpv6Address{}, TagSet: spec.Tags, DenyAllIgwTraffic: aws.Bool(false), Ipv6Native: aws.Bool(false),
	}
	if spec.RequesterID != "" {
		e.RequesterId = aws.String(spec.RequesterID)
	}
	if e.TagSet == nil {
		e.TagSet = []types.Tag{}
	}
	return e, eniKind.put(c, e)
}

func findInterface(c *api.Context, id string) (*types.NetworkInterface, error) {
	e, err := eniKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, notFoundAs("eni", id)
	}
	return e, nil
}

func deleteInterface(c *api.Context, id string, force bool) error {
	e, err := findInterface(c, id)
	if err != nil {
		return err
	}
	if !force && e.Attachment != nil {
		return apiErr("InvalidNetworkInterface.InUse", "The network interface '%s' is currently in use.", id)
	}
	for _, p := range e.PrivateIpAddresses {
		if err := releaseIP(c, aws.ToString(e.VpcId), aws.ToString(p.PrivateIpAddress)); err != nil {
			return err
		}
	}
	if e.Association != nil && e.Association.AllocationId != nil {
		if a, err := addressKind.get(c, aws.ToString(e.Association.AllocationId)); err == nil && a != nil {
			clearAssociation(a)
			if err := addressKind.put(c, a); err != nil {
				return err
			}
		}
	}
	return eniKind.delete(c, id)
}

func registerInterfaces(s *api.Service) {
	handle(s, "CreateNetworkInterface", createNetworkInterface)
	handle(s, "DeleteNetworkInterface", deleteNetworkInterface)
	handle(s, "DescribeNetworkInterfaces", describeNetworkInterfaces)
	handle(s, "AttachNetworkInterface", attachNetworkInterface)
	handle(s, "DetachNetworkInterface", detachNetworkInterface)
}

func createNetworkInterface(c *api.Context, in *sdk.CreateNetworkInterfaceInput) (*sdk.CreateNetworkInterfaceOutput, error) {
	tags, err := specTags(in.TagSpecifications, "network-interface")
	if err != nil {
		return nil, err
	}
	spec := InterfaceSpec{SubnetID: aws.ToString(in.SubnetId), Description: aws.ToString(in.Description), SecurityGroups: in.Groups,
		InterfaceType: string(in.InterfaceType), PrivateIP: aws.ToString(in.PrivateIpAddress), Tags: tags}
	if len(in.PrivateIpAddresses) > 0 && spec.PrivateIP == "" {
		spec.PrivateIP = aws.ToString(in.PrivateIpAddresses[0].PrivateIpAddress)
	}
	e, err := createInterface(c, spec)
	if err != nil {
		return nil, err
	}
	// Secondary addresses asked for by count.
	s, _ := findSubnet(c, spec.SubnetID)
	for i := 0; i < int(aws.ToInt32(in.SecondaryPrivateIpAddressCount)); i++ {
		a, err := allocateIP(c, s, aws.ToString(e.NetworkInterfaceId), "")
		if err != nil {
			return nil, err
		}
		e.PrivateIpAddresses = append(e.PrivateIpAddresses, types.NetworkInterfacePrivateIpAddress{Primary: aws.Bool(false),
			PrivateIpAddress: aws.String(a.String()), PrivateDnsName: aws.String(PrivateDNSName(c.Region, a.String()))})
	}
	if err := eniKind.put(c, e); err != nil {
		return nil, err
	}
	out := *e
	out.Status = types.NetworkInterfaceStatus("pending")
	return &sdk.CreateNetworkInterfaceOutput{NetworkInterface: &out, ClientToken: in.ClientToken}, nil
}

func deleteNetworkInterface(c *api.Context, in *sdk.DeleteNetworkInterfaceInput) (*sdk.DeleteNetworkInterfaceOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	return &sdk.DeleteNetworkInterfaceOutput{}, deleteInterface(c, aws.ToString(in.NetworkInterfaceId), false)
}

func interfaceFields(e *types.NetworkInterface) fields {
	f := fields{}
	f.addPtr("network-interface-id", e.NetworkInterfaceId)
	f.addPtr("subnet-id", e.SubnetId)
	f.addPtr("vpc-id", e.VpcId)
	f.addPtr("availability-zone", e.AvailabilityZone)
	f.addPtr("description", e.Description)
	f.add("interface-type", string(e.InterfaceType))
	f.addPtr("mac-address", e.MacAddress)
	f.addPtr("owner-id", e.OwnerId)
	f.addPtr("private-ip-address", e.PrivateIpAddress)
	f.addPtr("private-dns-name", e.PrivateDnsName)
	f.addPtr("requester-id", e.RequesterId)
	f.addBool("requester-managed", e.RequesterManaged)
	f.addBool("source-dest-check", e.SourceDestCheck)
	f.add("status", string(e.Status))
	for _, p := range e.PrivateIpAddresses {
		f.addPtr("addresses.private-ip-address", p.PrivateIpAddress)
	}
	for _, g := range e.Groups {
		f.addPtr("group-id", g.GroupId)
		f.addPtr("group-name", g.GroupName)
	}
	if a := e.Attachment; a != nil {
		f.addPtr("attachment.attachment-id", a.AttachmentId)
		f.addPtr("attachment.instance-id", a.InstanceId)
		f.addPtr("attachment.instance-owner-id", a.InstanceOwnerId)
		f.add("attachment.status", string(a.Status))
		if a.DeviceIndex != nil {
			f.add("attachment.device-index", itoa(*a.DeviceIndex))
		}
		f.addBool("attachment.delete-on-termination", a.DeleteOnTermination)
	}
	if a := e.Association; a != nil {
		f.addPtr("association.public-ip", a.PublicIp)
		f.addPtr("association.allocation-id", a.AllocationId)
		f.addPtr("association.association-id", a.AssociationId)
	}
	return f
}

var interfaceListing = listing[types.NetworkInterface]{op: "DescribeNetworkInterfaces", parent: "subnet-id",
	id:     func(e *types.NetworkInterface) string { return aws.ToString(e.NetworkInterfaceId) },
	tags:   func(e *types.NetworkInterface) []types.Tag { return e.TagSet },
	fields: interfaceFields,
	filters: []string{"network-interface-id", "subnet-id", "vpc-id", "availability-zone", "description", "interface-type",
		"mac-address", "owner-id", "private-ip-address", "private-dns-name", "requester-id", "requester-managed",
		"source-dest-check", "status", "addresses.private-ip-address", "group-id", "group-name", "attachment.attachment-id",
		"attachment.instance-id", "attachment.instance-owner-id", "attachment.status", "attachment.device-index",
		"attachment.delete-on-termination", "association.public-ip", "association.allocation-id", "association.association-id"},
	notFound: func(id string) error { return notFoundAs("eni", id) },
}

func describeNetworkInterfaces(c *api.Context, in *sdk.DescribeNetworkInterfacesInput) (*sdk.DescribeNetworkInterfacesOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	out, next, err := interfaceListing.describe(c, eniKind, in.NetworkInterfaceIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeNetworkInterfacesOutput{NetworkInterfaces: out, NextToken: next}, nil
}

func attachNetworkInterface(c *api.Context, in *sdk.AttachNetworkInterfaceInput) (*sdk.AttachNetworkInterfaceOutput, error) {
	e, err := findInterface(c, aws.ToString(in.NetworkInterfaceId))
	if err != nil {
		return nil, err
	}
	inst, err := findInstance(c, aws.ToString(in.InstanceId))
	if err != nil {
		return nil, err
	}
	if e.Attachment != nil {
		return nil, apiErr("InvalidNetworkInterface.InUse", "Interface: [%s] in use.", aws.ToString(e.NetworkInterfaceId))
	}
	if aws.ToString(inst.Placement.AvailabilityZone) != aws.ToString(e.AvailabilityZone) {
		return nil, invalidParam("Network interface '%s' and instance '%s' are not in the same availability zone", aws.ToString(e.NetworkInterfaceId), aws.ToString(inst.InstanceId))
	}
	for _, ni := range inst.NetworkInterfaces {
		if ni.Attachment != nil && aws.ToInt32(ni.Attachment.DeviceIndex) == aws.ToInt32(in.DeviceIndex) {
			return nil, invalidParam("Instance '%s' already has an interface attached at device index '%d'.", aws.ToString(inst.InstanceId), aws.ToInt32(in.DeviceIndex))
		}
	}
	att, err := attach(c, e, inst, aws.ToInt32(in.DeviceIndex), false)
	if err != nil {
		return nil, err
	}
	return &sdk.AttachNetworkInterfaceOutput{AttachmentId: att.AttachmentId, NetworkCardIndex: aws.Int32(0)}, nil
}

// attach records an interface as attached to an instance, on both sides.
func attach(c *api.Context, e *types.NetworkInterface, inst *Instance, index int32, deleteOnTermination bool) (*types.NetworkInterfaceAttachment, error) {
	att := &types.NetworkInterfaceAttachment{AttachmentId: aws.String(newID("eni-attach")), AttachTime: aws.Time(clock(c)),
		DeleteOnTermination: aws.Bool(deleteOnTermination), DeviceIndex: aws.Int32(index), NetworkCardIndex: aws.Int32(0),
		InstanceId: inst.InstanceId, InstanceOwnerId: aws.String(c.Account()), Status: types.AttachmentStatusAttached}
	e.Attachment = att
	e.Status = types.NetworkInterfaceStatusInUse
	if err := eniKind.put(c, e); err != nil {
		return nil, err
	}
	inst.NetworkInterfaces = append(inst.NetworkInterfaces, instanceInterface(e))
	return att, instanceKind.put(c, inst)
}

func detachNetworkInterface(c *api.Context, in *sdk.DetachNetworkInterfaceInput) (*sdk.DetachNetworkInterfaceOutput, error) {
	id := aws.ToString(in.AttachmentId)
	docs, err := eniKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, e := range docs {
		if e.Attachment == nil || aws.ToString(e.Attachment.AttachmentId) != id {
			continue
		}
		if aws.ToInt32(e.Attachment.DeviceIndex) == 0 {
			return nil, apiErr("OperationNotPermitted", "The network interface at device index 0 cannot be detached.")
		}
		if inst, _ := instanceKind.get(c, aws.ToString(e.Attachment.InstanceId)); inst != nil {
			var kept []types.InstanceNetworkInterface
			for _, ni := range inst.NetworkInterfaces {
				if aws.ToString(ni.NetworkInterfaceId) != aws.ToString(e.NetworkInterfaceId) {
					kept = append(kept, ni)
				}
			}
			inst.NetworkInterfaces = kept
			if err := instanceKind.put(c, inst); err != nil {
				return nil, err
			}
		}
		e.Attachment = nil
		e.Status = types.NetworkInterfaceStatusAvailable
		return &sdk.DetachNetworkInterfaceOutput{}, eniKind.put(c, e)
	}
	return nil, notFoundAs("eni-attach", id)
}
