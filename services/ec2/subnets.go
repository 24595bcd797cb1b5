package ec2

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerSubnets(s *api.Service) {
	handle(s, "CreateSubnet", createSubnetHandler)
	handle(s, "DeleteSubnet", deleteSubnet)
	handle(s, "DescribeSubnets", describeSubnets)
	handle(s, "ModifySubnetAttribute", modifySubnetAttribute)
}

// createSubnet stores a subnet of a VPC in zone and associates it with the
// VPC's default network ACL.
func createSubnet(c *api.Context, vpcID string, cidr netip.Prefix, zone string, isDefault bool, tags []types.Tag) (*types.Subnet, error) {
	id := newID("subnet")
	s := &types.Subnet{
		SubnetId: aws.String(id), VpcId: aws.String(vpcID), CidrBlock: aws.String(cidr.String()),
		AvailabilityZone: aws.String(zone), AvailabilityZoneId: aws.String(ZoneID(zone)),
		AvailableIpAddressCount: aws.Int32(int32(usableAddresses(cidr))), DefaultForAz: aws.Bool(isDefault),
		MapPublicIpOnLaunch: aws.Bool(isDefault), State: types.SubnetStateAvailable, OwnerId: aws.String(c.Account()),
		SubnetArn: aws.String(arn(c, "subnet/"+id)), AssignIpv6AddressOnCreation: aws.Bool(false),
		MapCustomerOwnedIpOnLaunch: aws.Bool(false), EnableDns64: aws.Bool(false), Ipv6Native: aws.Bool(false),
		Ipv6CidrBlockAssociationSet: []types.SubnetIpv6CidrBlockAssociation{},
		PrivateDnsNameOptionsOnLaunch: &types.PrivateDnsNameOptionsOnLaunch{HostnameType: types.HostnameTypeIpName,
			EnableResourceNameDnsARecord: aws.Bool(false), EnableResourceNameDnsAAAARecord: aws.Bool(false)},
		BlockPublicAccessStates: &types.BlockPublicAccessStates{InternetGatewayBlockMode: types.BlockPublicAccessModeOff},
		Tags:                    tags,
	}
	if err := subnetKind.put(c, s); err != nil {
		return nil, err
	}
	return s, associateDefaultACL(c, vpcID, id)
}

// findSubnet loads a subnet or answers InvalidSubnetID.NotFound.
func findSubnet(c *api.Context, id string) (*types.Subnet, error) {
	s, err := subnetKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, notFoundAs("subnet", id)
	}
	return s, nil
}

// vpcCIDRs are the IPv4 blocks of a VPC.
func vpcCIDRs(v *types.Vpc) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range v.CidrBlockAssociationSet {
		if p, err := netip.ParsePrefix(aws.ToString(a.CidrBlock)); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func createSubnetHandler(c *api.Context, in *sdk.CreateSubnetInput) (*sdk.CreateSubnetOutput, error) {
	vpc, err := findVpc(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	if in.CidrBlock == nil {
		return nil, invalidParam("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
	}
	cidr, err := parseCIDR(*in.CidrBlock, "cidrBlock")
	if err != nil {
		return nil, err
	}
	inside := false
	for _, p := range vpcCIDRs(vpc) {
		inside = inside || contains(p, cidr)
	}
	if !inside || cidr.Bits() < 16 || cidr.Bits() > 28 {
		return nil, invalidSubnetRange(*in.CidrBlock)
	}
	siblings, err := subnetKind.list(c, store.Query{Parent: aws.ToString(vpc.VpcId)})
	if err != nil {
		return nil, err
	}
	for _, s := range siblings {
		if p, err := netip.ParsePrefix(aws.ToString(s.CidrBlock)); err == nil && overlaps(p, cidr) {
			return nil, invalidSubnetConflict(*in.CidrBlock)
		}
	}
	zones := AvailabilityZones(c.Region)
	zone := zones[len(siblings)%len(zones)]
	switch {
	case in.AvailabilityZone != nil:
		zone = *in.AvailabilityZone
		if zoneIndex(c.Region, zone) < 0 {
			return nil, invalidParam("Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.", zone, strings.Join(zones, ", "))
		}
	case in.AvailabilityZoneId != nil:
		zone = zoneByID(c.Region, *in.AvailabilityZoneId)
		if zone == "" {
			return nil, invalidParam("Value (%s) for parameter availabilityZoneId is invalid.", *in.AvailabilityZoneId)
		}
	}
	tags, err := specTags(in.TagSpecifications, "subnet")
	if err != nil {
		return nil, err
	}
	s, err := createSubnet(c, aws.ToString(vpc.VpcId), cidr, zone, false, tags)
	if err != nil {
		return nil, err
	}
	if in.Ipv6CidrBlock != nil {
		if _, err := addSubnetIPv6(c, s, *in.Ipv6CidrBlock); err != nil {
			return nil, err
		}
	}
	return &sdk.CreateSubnetOutput{Subnet: s}, nil
}

func invalidSubnetRange(cidr string) error {
	return apiErr("InvalidSubnet.Range", "The CIDR '%s' is invalid.", cidr)
}

func invalidSubnetConflict(cidr string) error {
	return apiErr("InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", cidr)
}

func deleteSubnet(c *api.Context, in *sdk.DeleteSubnetInput) (*sdk.DeleteSubnetOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	id := aws.ToString(in.SubnetId)
	if _, err := findSubnet(c, id); err != nil {
		return nil, err
	}
	found, err := interfaces.Exists(c.Tx, c.Scope(), store.Query{Parent: id})
	if err != nil {
		return nil, err
	}
	if found {
		return nil, dependency("The subnet '%s' has dependencies and cannot be deleted.", id)
	}
	if err := forgetSubnetAssociations(c, id); err != nil {
		return nil, err
	}
	return &sdk.DeleteSubnetOutput{}, subnetKind.delete(c, id)
}

// withIPCount fills in how many addresses of a subnet are still free.
func withIPCount(c *api.Context, s *types.Subnet) (*types.Subnet, error) {
	p, err := netip.ParsePrefix(aws.ToString(s.CidrBlock))
	if err != nil {
		return s, nil
	}
	used, err := ipUses.Count(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(s.SubnetId)})
	if err != nil {
		return nil, err
	}
	out := *s
	out.AvailableIpAddressCount = aws.Int32(int32(usableAddresses(p) - used))
	return &out, nil
}

func subnetFields(s *types.Subnet) fields {
	f := fields{}
	f.addPtr("availability-zone", s.AvailabilityZone)
	f.addPtr("availabilityZone", s.AvailabilityZone)
	f.addPtr("availability-zone-id", s.AvailabilityZoneId)
	f.add("available-ip-address-count", strconv.Itoa(int(aws.ToInt32(s.AvailableIpAddressCount))))
	f.addPtr("cidr-block", s.CidrBlock)
	f.addPtr("cidr", s.CidrBlock)
	f.addPtr("cidrBlock", s.CidrBlock)
	f.addBool("default-for-az", s.DefaultForAz)
	f.addBool("defaultForAz", s.DefaultForAz)
	f.addBool("map-public-ip-on-launch", s.MapPublicIpOnLaunch)
	f.addBool("ipv6-native", s.Ipv6Native)
	f.addPtr("owner-id", s.OwnerId)
	f.add("state", string(s.State))
	f.addPtr("subnet-arn", s.SubnetArn)
	f.addPtr("subnet-id", s.SubnetId)
	f.addPtr("vpc-id", s.VpcId)
	return f
}

var subnetListing = listing[types.Subnet]{op: "DescribeSubnets", parent: "vpc-id",
	id:     func(s *types.Subnet) string { return aws.ToString(s.SubnetId) },
	tags:   func(s *types.Subnet) []types.Tag { return s.Tags },
	fields: subnetFields,
	filters: []string{"availability-zone", "availabilityZone", "availability-zone-id", "available-ip-address-count",
		"cidr-block", "cidr", "cidrBlock", "default-for-az", "defaultForAz", "map-public-ip-on-launch", "ipv6-native",
		"ipv6-cidr-block-association.ipv6-cidr-block", "ipv6-cidr-block-association.association-id",
		"ipv6-cidr-block-association.state", "outpost-arn", "owner-id", "state", "subnet-arn", "subnet-id", "vpc-id"},
	notFound: func(id string) error { return notFoundAs("subnet", id) },
}

func describeSubnets(c *api.Context, in *sdk.DescribeSubnetsInput) (*sdk.DescribeSubnetsOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	out, next, err := subnetListing.page(c, subnetKind, func(s *types.Subnet) (*types.Subnet, error) { return withIPCount(c, s) },
		in.SubnetIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeSubnetsOutput{Subnets: values(out), NextToken: next}, nil
}

func modifySubnetAttribute(c *api.Context, in *sdk.ModifySubnetAttributeInput) (*sdk.ModifySubnetAttributeOutput, error) {
	s, err := findSubnet(c, aws.ToString(in.SubnetId))
	if err != nil {
		return nil, err
	}
	set := func(dst **bool, v *types.AttributeBooleanValue) {
		if v != nil {
			*dst = aws.Bool(aws.ToBool(v.Value))
		}
	}
	set(&s.MapPublicIpOnLaunch, in.MapPublicIpOnLaunch)
	set(&s.AssignIpv6AddressOnCreation, in.AssignIpv6AddressOnCreation)
	set(&s.EnableDns64, in.EnableDns64)
	set(&s.MapCustomerOwnedIpOnLaunch, in.MapCustomerOwnedIpOnLaunch)
	if s.PrivateDnsNameOptionsOnLaunch == nil {
		s.PrivateDnsNameOptionsOnLaunch = &types.PrivateDnsNameOptionsOnLaunch{}
	}
	set(&s.PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsARecord, in.EnableResourceNameDnsARecordOnLaunch)
	set(&s.PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsAAAARecord, in.EnableResourceNameDnsAAAARecordOnLaunch)
	if in.PrivateDnsHostnameTypeOnLaunch != "" {
		s.PrivateDnsNameOptionsOnLaunch.HostnameType = in.PrivateDnsHostnameTypeOnLaunch
	}
	return &sdk.ModifySubnetAttributeOutput{}, subnetKind.put(c, s)
}
