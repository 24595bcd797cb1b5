package ec2

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
)

// defaultEndpointPolicy is the full-access policy an endpoint gets when none is sent.
const defaultEndpointPolicy = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

// modifyVpcEndpoint changes an endpoint in place: the route tables of a
// gateway endpoint (with their prefix-list routes), the subnets (with their
// network interfaces) and security groups of an interface endpoint, its
// policy, private DNS, IP address type and DNS options.
func modifyVpcEndpoint(c *api.Context, in *sdk.ModifyVpcEndpointInput) (*sdk.ModifyVpcEndpointOutput, error) {
	e, err := findRecord(c, endpointKind, aws.ToString(in.VpcEndpointId))
	if err != nil {
		return nil, err
	}
	id, vpcID := aws.ToString(e.VpcEndpointId), aws.ToString(e.VpcId)
	svc := strings.TrimPrefix(aws.ToString(e.ServiceName), "com.amazonaws."+c.Region+".")
	gateway := e.VpcEndpointType == types.VpcEndpointTypeGateway
	if len(in.SubnetConfigurations) > 0 {
		return nil, invalidParam("SubnetConfigurations are not supported by Longshore; use AddSubnetIds and RemoveSubnetIds.")
	}
	if !gateway && (len(in.AddRouteTableIds) > 0 || len(in.RemoveRouteTableIds) > 0) {
		return nil, invalidParam("Route tables can only be modified for Gateway endpoints.")
	}
	if gateway && (len(in.AddSubnetIds) > 0 || len(in.RemoveSubnetIds) > 0 || len(in.AddSecurityGroupIds) > 0 || len(in.RemoveSecurityGroupIds) > 0) {
		return nil, invalidParam("Subnets and security groups can only be modified for Interface endpoints.")
	}
	for _, rtID := range in.AddRouteTableIds {
		rt, err := findRouteTable(c, rtID)
		if err != nil {
			return nil, err
		}
		if slices.Contains(e.RouteTableIds, rtID) {
			continue
		}
		rt.Routes = append(rt.Routes, types.Route{DestinationPrefixListId: aws.String(prefixListID(svc)), GatewayId: aws.String(id),
			Origin: types.RouteOriginCreateRoute, State: types.RouteStateActive})
		if err := putRouteTable(c, rt); err != nil {
			return nil, err
		}
		e.RouteTableIds = append(e.RouteTableIds, rtID)
	}
	for _, rtID := range in.RemoveRouteTableIds {
		if !slices.Contains(e.RouteTableIds, rtID) {
			return nil, notFoundAs("rtb", rtID)
		}
		if rt, _ := routeTableKind.get(c, rtID); rt != nil {
			rt.Routes = slices.DeleteFunc(rt.Routes, func(r types.Route) bool { return aws.ToString(r.GatewayId) == id })
			if err := putRouteTable(c, rt); err != nil {
				return nil, err
			}
		}
		e.RouteTableIds = slices.DeleteFunc(e.RouteTableIds, func(s string) bool { return s == rtID })
	}
	groups := func() []string {
		var ids []string
		for _, g := range e.Groups {
			ids = append(ids, aws.ToString(g.GroupId))
		}
		return ids
	}
	if len(in.AddSecurityGroupIds) > 0 || len(in.RemoveSecurityGroupIds) > 0 {
		want := groups()
		for _, g := range in.AddSecurityGroupIds {
			if !slices.Contains(want, g) {
				want = append(want, g)
			}
		}
		want = slices.DeleteFunc(want, func(g string) bool { return slices.Contains(in.RemoveSecurityGroupIds, g) })
		gs, err := groupsOf(c, vpcID, want)
		if err != nil {
			return nil, err
		}
		e.Groups = []types.SecurityGroupIdentifier{}
		for _, g := range gs {
			e.Groups = append(e.Groups, types.SecurityGroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
		}
		for _, eniID := range e.NetworkInterfaceIds {
			if eni, _ := eniKind.get(c, eniID); eni != nil {
				eni.Groups = gs
				if err := eniKind.put(c, eni); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, sID := range in.AddSubnetIds {
		s, err := findSubnet(c, sID)
		if err != nil {
			return nil, err
		}
		if aws.ToString(s.VpcId) != vpcID {
			return nil, invalidParam("The subnet ID '%s' does not belong to the VPC '%s'.", sID, vpcID)
		}
		if slices.Contains(e.SubnetIds, sID) {
			continue
		}
		eni, err := createInterface(c, InterfaceSpec{SubnetID: sID, Description: "VPC Endpoint Interface " + id,
			SecurityGroups: groups(), InterfaceType: "vpc_endpoint", RequesterID: "727180483921"})
		if err != nil {
			return nil, err
		}
		e.SubnetIds = append(e.SubnetIds, sID)
		e.NetworkInterfaceIds = append(e.NetworkInterfaceIds, aws.ToString(eni.NetworkInterfaceId))
	}
	for _, sID := range in.RemoveSubnetIds {
		i := slices.Index(e.SubnetIds, sID)
		if i < 0 {
			return nil, notFoundAs("subnet", sID)
		}
		for j, eniID := range e.NetworkInterfaceIds {
			if eni, _ := eniKind.get(c, eniID); eni != nil && aws.ToString(eni.SubnetId) == sID {
				if err := deleteInterface(c, eniID, true); err != nil {
					return nil, err
				}
				e.NetworkInterfaceIds = slices.Delete(e.NetworkInterfaceIds, j, j+1)
				break
			}
		}
		e.SubnetIds = slices.Delete(e.SubnetIds, i, i+1)
	}
	switch {
	case aws.ToBool(in.ResetPolicy):
		e.PolicyDocument = aws.String(defaultEndpointPolicy)
	case in.PolicyDocument != nil:
		e.PolicyDocument = in.PolicyDocument
	}
	if in.PrivateDnsEnabled != nil {
		if gateway {
			return nil, invalidParam("Private DNS can only be enabled for Interface endpoints.")
		}
		e.PrivateDnsEnabled = in.PrivateDnsEnabled
	}
	if in.IpAddressType != "" {
		e.IpAddressType = in.IpAddressType
	}
	if o := in.DnsOptions; o != nil {
		if e.DnsOptions == nil {
			e.DnsOptions = &types.DnsOptions{}
		}
		if o.DnsRecordIpType != "" {
			e.DnsOptions.DnsRecordIpType = o.DnsRecordIpType
		}
		if o.PrivateDnsOnlyForInboundResolverEndpoint != nil {
			e.DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint = o.PrivateDnsOnlyForInboundResolverEndpoint
		}
	}
	return &sdk.ModifyVpcEndpointOutput{Return: aws.Bool(true)}, endpointKind.put(c, e)
}
