package ec2

import (
	"net/netip"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerVpcs(s *api.Service) {
	handle(s, "CreateVpc", createVpcHandler)
	handle(s, "DeleteVpc", deleteVpc)
	handle(s, "DescribeVpcs", describeVpcs)
	handle(s, "DescribeVpcAttribute", describeVpcAttribute)
	handle(s, "ModifyVpcAttribute", modifyVpcAttribute)
}

// createVpc stores a VPC with what every VPC gets: attributes, a main route
// table with the local route, a default network ACL and a default security group.
func createVpc(c *api.Context, cidr netip.Prefix, isDefault bool, tenancy types.Tenancy, tags []types.Tag) (*types.Vpc, error) {
	if tenancy == "" {
		tenancy = types.TenancyDefault
	}
	v := &types.Vpc{
		VpcId: aws.String(newID("vpc")), CidrBlock: aws.String(cidr.String()), OwnerId: aws.String(c.Account()),
		State: types.VpcStateAvailable, IsDefault: aws.Bool(isDefault), InstanceTenancy: tenancy,
		DhcpOptionsId: aws.String(accountDhcpOptions(c)), Tags: tags,
		CidrBlockAssociationSet: []types.VpcCidrBlockAssociation{{
			AssociationId: aws.String(newID("vpc-cidr-assoc")), CidrBlock: aws.String(cidr.String()),
			CidrBlockState: &types.VpcCidrBlockState{State: types.VpcCidrBlockStateCodeAssociated},
		}},
		BlockPublicAccessStates: &types.BlockPublicAccessStates{InternetGatewayBlockMode: types.BlockPublicAccessModeOff},
	}
	if err := vpcKind.put(c, v); err != nil {
		return nil, err
	}
	attrs := &vpcAttributes{EnableDNSSupport: true, EnableDNSHostnames: isDefault}
	if err := vpcAttrs.Put(c.Tx, c.Scope(), *v.VpcId, store.Index{}, attrs); err != nil {
		return nil, err
	}
	rt := &types.RouteTable{
		RouteTableId: aws.String(newID("rtb")), VpcId: v.VpcId, OwnerId: aws.String(c.Account()),
		Routes: []types.Route{{DestinationCidrBlock: aws.String(cidr.String()), GatewayId: aws.String("local"),
			Origin: types.RouteOriginCreateRouteTable, State: types.RouteStateActive}},
		PropagatingVgws: []types.PropagatingVgw{}, Tags: []types.Tag{},
	}
	rt.Associations = []types.RouteTableAssociation{{Main: aws.Bool(true), RouteTableAssociationId: aws.String(newID("rtbassoc")),
		RouteTableId: rt.RouteTableId, AssociationState: &types.RouteTableAssociationState{State: types.RouteTableAssociationStateCodeAssociated}}}
	if err := routeTableKind.put(c, rt); err != nil {
		return nil, err
	}
	if err := createNetworkACL(c, *v.VpcId, true, nil); err != nil {
		return nil, err
	}
	if _, err := createGroup(c, *v.VpcId, "default", "default VPC security group", nil, true); err != nil {
		return nil, err
	}
	return v, nil
}

// findVpc loads a VPC or answers InvalidVpcID.NotFound.
func findVpc(c *api.Context, id string) (*types.Vpc, error) {
	v, err := vpcKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, notFoundAs("vpc", id)
	}
	return v, nil
}

func createVpcHandler(c *api.Context, in *sdk.CreateVpcInput) (*sdk.CreateVpcOutput, error) {
	if in.CidrBlock == nil {
		return nil, apierror.New("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
	}
	cidr, err := parseCIDR(*in.CidrBlock, "cidrBlock")
	if err != nil {
		return nil, err
	}
	if cidr.Bits() < 16 || cidr.Bits() > 28 {
		return nil, apierror.New("InvalidVpc.Range", "The CIDR '%s' is invalid.", *in.CidrBlock)
	}
	tags, err := specTags(in.TagSpecifications, "vpc")
	if err != nil {
		return nil, err
	}
	v, err := createVpc(c, cidr, false, in.InstanceTenancy, tags)
	if err != nil {
		return nil, err
	}
	if aws.ToBool(in.AmazonProvidedIpv6CidrBlock) {
		addAmazonIPv6(c, v)
		if err := vpcKind.put(c, v); err != nil {
			return nil, err
		}
	}
	out := *v
	out.State = types.VpcStatePending
	return &sdk.CreateVpcOutput{Vpc: &out}, nil
}

func deleteVpc(c *api.Context, in *sdk.DeleteVpcInput) (*sdk.DeleteVpcOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	id := aws.ToString(in.VpcId)
	if _, err := findVpc(c, id); err != nil {
		return nil, err
	}
	dep := func(found bool, err error) error {
		if err != nil {
			return err
		}
		if found {
			return dependency("The vpc '%s' has dependencies and cannot be deleted.", id)
		}
		return nil
	}
	q := store.Query{Parent: id}
	if err := dep(subnets.Exists(c.Tx, c.Scope(), q)); err != nil {
		return nil, err
	}
	if err := dep(igws.Exists(c.Tx, c.Scope(), q)); err != nil {
		return nil, err
	}
	if err := dep(endpoints.Exists(c.Tx, c.Scope(), q)); err != nil {
		return nil, err
	}
	if err := dep(eigws.Exists(c.Tx, c.Scope(), q)); err != nil {
		return nil, err
	}
	gs, err := groupKind.list(c, q)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		if aws.ToString(g.GroupName) != "default" {
			return nil, dependency("The vpc '%s' has dependencies and cannot be deleted.", id)
		}
	}
	rts, err := routeTableKind.list(c, q)
	if err != nil {
		return nil, err
	}
	for _, rt := range rts {
		if !isMain(rt) {
			return nil, dependency("The vpc '%s' has dependencies and cannot be deleted.", id)
		}
	}
	acls, err := aclKind.list(c, q)
	if err != nil {
		return nil, err
	}
	for _, a := range acls {
		if !aws.ToBool(a.IsDefault) {
			return nil, dependency("The vpc '%s' has dependencies and cannot be deleted.", id)
		}
	}
	for _, g := range gs {
		if err := deleteGroupAndRules(c, aws.ToString(g.GroupId)); err != nil {
			return nil, err
		}
	}
	for _, rt := range rts {
		if err := routeTableKind.delete(c, aws.ToString(rt.RouteTableId)); err != nil {
			return nil, err
		}
	}
	for _, a := range acls {
		if err := aclKind.delete(c, aws.ToString(a.NetworkAclId)); err != nil {
			return nil, err
		}
	}
	if _, err := vpcAttrs.Delete(c.Tx, c.Scope(), id); err != nil {
		return nil, err
	}
	return &sdk.DeleteVpcOutput{}, vpcKind.delete(c, id)
}

func isMain(rt *types.RouteTable) bool {
	for _, a := range rt.Associations {
		if aws.ToBool(a.Main) {
			return true
		}
	}
	return false
}

func vpcFields(v *types.Vpc) fields {
	f := fields{}
	f.addPtr("cidr", v.CidrBlock)
	f.addPtr("dhcp-options-id", v.DhcpOptionsId)
	f.addBool("is-default", v.IsDefault)
	f.addPtr("owner-id", v.OwnerId)
	f.add("state", string(v.State))
	f.addPtr("vpc-id", v.VpcId)
	for _, a := range v.CidrBlockAssociationSet {
		f.addPtr("cidr-block-association.cidr-block", a.CidrBlock)
		f.addPtr("cidr-block-association.association-id", a.AssociationId)
		if a.CidrBlockState != nil {
			f.add("cidr-block-association.state", string(a.CidrBlockState.State))
		}
	}
	ipv6Fields(f, v)
	return f
}

var vpcListing = listing[types.Vpc]{op: "DescribeVpcs",
	id:     func(v *types.Vpc) string { return aws.ToString(v.VpcId) },
	tags:   func(v *types.Vpc) []types.Tag { return v.Tags },
	fields: vpcFields,
	filters: []string{"cidr", "cidr-block-association.cidr-block", "cidr-block-association.association-id",
		"cidr-block-association.state", "dhcp-options-id", "ipv6-cidr-block-association.ipv6-cidr-block",
		"ipv6-cidr-block-association.ipv6-pool", "ipv6-cidr-block-association.association-id",
		"ipv6-cidr-block-association.state", "is-default", "owner-id", "state", "vpc-id"},
	notFound: func(id string) error { return notFoundAs("vpc", id) },
}

func describeVpcs(c *api.Context, in *sdk.DescribeVpcsInput) (*sdk.DescribeVpcsOutput, error) {
	out, next, err := vpcListing.describe(c, vpcKind, in.VpcIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeVpcsOutput{Vpcs: out, NextToken: next}, nil
}

func loadVpcAttrs(c *api.Context, id string) (*vpcAttributes, error) {
	if _, err := findVpc(c, id); err != nil {
		return nil, err
	}
	a, err := vpcAttrs.Get(c.Tx, c.Scope(), id)
	if err != nil {
		return nil, err
	}
	if a == nil {
		a = &vpcAttributes{EnableDNSSupport: true}
	}
	return a, nil
}

func describeVpcAttribute(c *api.Context, in *sdk.DescribeVpcAttributeInput) (*sdk.DescribeVpcAttributeOutput, error) {
	a, err := loadVpcAttrs(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	out := &sdk.DescribeVpcAttributeOutput{VpcId: in.VpcId}
	val := func(b bool) *types.AttributeBooleanValue { return &types.AttributeBooleanValue{Value: aws.Bool(b)} }
	switch in.Attribute {
	case types.VpcAttributeNameEnableDnsSupport:
		out.EnableDnsSupport = val(a.EnableDNSSupport)
	case types.VpcAttributeNameEnableDnsHostnames:
		out.EnableDnsHostnames = val(a.EnableDNSHostnames)
	case types.VpcAttributeNameEnableNetworkAddressUsageMetrics:
		out.EnableNetworkAddressUsageMetrics = val(a.EnableNetworkAddressUsageMetrics)
	default:
		return nil, invalidParam("Value (%s) for parameter attribute is invalid. Unknown attribute.", in.Attribute)
	}
	return out, nil
}

func modifyVpcAttribute(c *api.Context, in *sdk.ModifyVpcAttributeInput) (*sdk.ModifyVpcAttributeOutput, error) {
	id := aws.ToString(in.VpcId)
	a, err := loadVpcAttrs(c, id)
	if err != nil {
		return nil, err
	}
	n := 0
	if in.EnableDnsSupport != nil {
		a.EnableDNSSupport = aws.ToBool(in.EnableDnsSupport.Value)
		n++
	}
	if in.EnableDnsHostnames != nil {
		a.EnableDNSHostnames = aws.ToBool(in.EnableDnsHostnames.Value)
		n++
	}
	if in.EnableNetworkAddressUsageMetrics != nil {
		a.EnableNetworkAddressUsageMetrics = aws.ToBool(in.EnableNetworkAddressUsageMetrics.Value)
		n++
	}
	if n != 1 {
		return nil, invalidParam("Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport")
	}
	if a.EnableDNSHostnames && !a.EnableDNSSupport {
		return nil, apierror.New("InvalidParameterCombination", "Cannot enable DNS hostnames when DNS support is disabled.")
	}
	return &sdk.ModifyVpcAttributeOutput{}, vpcAttrs.Put(c.Tx, c.Scope(), id, store.Index{}, a)
}
