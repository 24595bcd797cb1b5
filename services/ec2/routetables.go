package ec2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerRouteTables(s *api.Service) {
	handle(s, "CreateRouteTable", createRouteTable)
	handle(s, "DeleteRouteTable", deleteRouteTable)
	handle(s, "DescribeRouteTables", describeRouteTables)
	handle(s, "CreateRoute", createRoute)
	handle(s, "ReplaceRoute", replaceRoute)
	handle(s, "DeleteRoute", deleteRoute)
	handle(s, "AssociateRouteTable", associateRouteTable)
	handle(s, "DisassociateRouteTable", disassociateRouteTable)
	handle(s, "ReplaceRouteTableAssociation", replaceRouteTableAssociation)
}

func putRouteTable(c *api.Context, rt *types.RouteTable) error { return routeTableKind.put(c, rt) }

// mainRouteTable is a VPC's main route table.
func mainRouteTable(c *api.Context, vpcID string) (*types.RouteTable, error) {
	rts, err := routeTableKind.list(c, store.Query{Parent: vpcID})
	if err != nil {
		return nil, err
	}
	for _, rt := range rts {
		if isMain(rt) {
			return rt, nil
		}
	}
	return nil, notFoundAs("rtb", "main route table of "+vpcID)
}

func findRouteTable(c *api.Context, id string) (*types.RouteTable, error) {
	rt, err := routeTableKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if rt == nil {
		return nil, notFoundAs("rtb", id)
	}
	return rt, nil
}

func createRouteTable(c *api.Context, in *sdk.CreateRouteTableInput) (*sdk.CreateRouteTableOutput, error) {
	vpc, err := findVpc(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "route-table")
	if err != nil {
		return nil, err
	}
	rt := &types.RouteTable{RouteTableId: aws.String(newID("rtb")), VpcId: vpc.VpcId, OwnerId: aws.String(c.Account()),
		Associations: []types.RouteTableAssociation{}, PropagatingVgws: []types.PropagatingVgw{}, Tags: tags}
	for _, p := range vpcCIDRs(vpc) {
		rt.Routes = append(rt.Routes, types.Route{DestinationCidrBlock: aws.String(p.String()), GatewayId: aws.String("local"),
			Origin: types.RouteOriginCreateRouteTable, State: types.RouteStateActive})
	}
	return &sdk.CreateRouteTableOutput{RouteTable: rt, ClientToken: in.ClientToken}, putRouteTable(c, rt)
}

func deleteRouteTable(c *api.Context, in *sdk.DeleteRouteTableInput) (*sdk.DeleteRouteTableOutput, error) {
	rt, err := findRouteTable(c, aws.ToString(in.RouteTableId))
	if err != nil {
		return nil, err
	}
	if len(rt.Associations) > 0 {
		return nil, dependency("The routeTable '%s' has dependencies and cannot be deleted.", aws.ToString(rt.RouteTableId))
	}
	return &sdk.DeleteRouteTableOutput{}, routeTableKind.delete(c, aws.ToString(rt.RouteTableId))
}

// routeTarget is the one target a route names, checked to exist.
func routeTarget(c *api.Context, rt *types.RouteTable, r *types.Route) error {
	switch {
	case r.GatewayId != nil:
		id := *r.GatewayId
		if idPrefix(id) == "igw" {
			g, err := findIGW(c, id)
			if err != nil {
				return err
			}
			if len(g.Attachments) == 0 || aws.ToString(g.Attachments[0].VpcId) != aws.ToString(rt.VpcId) {
				return invalidParam("route table %s and network gateway %s belong to different networks", aws.ToString(rt.RouteTableId), id)
			}
		} else if idPrefix(id) == "vpce" {
			if e, err := endpointKind.get(c, id); err != nil || e == nil {
				return notFoundAs("vpce", id)
			}
		}
	case r.NatGatewayId != nil:
		n, err := natKind.get(c, *r.NatGatewayId)
		if err != nil {
			return err
		}
		if n == nil {
			return apiErr("InvalidNatGatewayID.NotFound", "The natGateway ID '%s' does not exist", *r.NatGatewayId)
		}
	case r.NetworkInterfaceId != nil:
		if _, err := findInterface(c, *r.NetworkInterfaceId); err != nil {
			return err
		}
	case r.InstanceId != nil:
		inst, err := findInstance(c, *r.InstanceId)
		if err != nil {
			return err
		}
		if len(inst.NetworkInterfaces) > 0 {
			r.NetworkInterfaceId = inst.NetworkInterfaces[0].NetworkInterfaceId
		}
		r.InstanceOwnerId = aws.String(c.Account())
	case r.VpcPeeringConnectionId == nil && r.TransitGatewayId == nil && r.EgressOnlyInternetGatewayId == nil &&
		r.CarrierGatewayId == nil && r.LocalGatewayId == nil && r.CoreNetworkArn == nil:
		return apiErr("InvalidParameterCombination", "The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, egressOnlyInternetGatewayId, transitGatewayId, localGatewayId, carrierGatewayId, or coreNetworkArn")
	}
	return nil
}

func routeDest(r *types.Route) string {
	return aws.ToString(r.DestinationCidrBlock) + aws.ToString(r.DestinationIpv6CidrBlock) + aws.ToString(r.DestinationPrefixListId)
}

func routeFromInput(dst, dst6, pl, gw, nat, eni, inst, pcx, tgw, eigw, cgw, lgw, cn *string) types.Route {
	return types.Route{DestinationCidrBlock: dst, DestinationIpv6CidrBlock: dst6, DestinationPrefixListId: pl, GatewayId: gw,
		NatGatewayId: nat, NetworkInterfaceId: eni, InstanceId: inst, VpcPeeringConnectionId: pcx, TransitGatewayId: tgw,
		EgressOnlyInternetGatewayId: eigw, CarrierGatewayId: cgw, LocalGatewayId: lgw, CoreNetworkArn: cn,
		Origin: types.RouteOriginCreateRoute, State: types.RouteStateActive}
}

func createRoute(c *api.Context, in *sdk.CreateRouteInput) (*sdk.CreateRouteOutput, error) {
	rt, err := findRouteTable(c, aws.ToString(in.RouteTableId))
	if err != nil {
		return nil, err
	}
	gw := in.GatewayId
	if gw == nil {
		gw = in.VpcEndpointId
	}
	r := routeFromInput(in.DestinationCidrBlock, in.DestinationIpv6CidrBlock, in.DestinationPrefixListId, gw, in.NatGatewayId,
		in.NetworkInterfaceId, in.InstanceId, in.VpcPeeringConnectionId, in.TransitGatewayId, in.EgressOnlyInternetGatewayId,
		in.CarrierGatewayId, in.LocalGatewayId, in.CoreNetworkArn)
	if routeDest(&r) == "" {
		return nil, apiErr("MissingParameter", "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId")
	}
	if r.DestinationCidrBlock != nil {
		if _, err := parseCIDR(*r.DestinationCidrBlock, "destinationCidrBlock"); err != nil {
			return nil, err
		}
	}
	for _, have := range rt.Routes {
		if routeDest(&have) == routeDest(&r) {
			return nil, apiErr("RouteAlreadyExists", "The route identified by %s already exists.", routeDest(&r))
		}
	}
	if err := routeTarget(c, rt, &r); err != nil {
		return nil, err
	}
	rt.Routes = append(rt.Routes, r)
	return &sdk.CreateRouteOutput{Return: aws.Bool(true)}, putRouteTable(c, rt)
}

func replaceRoute(c *api.Context, in *sdk.ReplaceRouteInput) (*sdk.ReplaceRouteOutput, error) {
	rt, err := findRouteTable(c, aws.ToString(in.RouteTableId))
	if err != nil {
		return nil, err
	}
	gw := in.GatewayId
	if gw == nil {
		gw = in.VpcEndpointId
	}
	r := routeFromInput(in.DestinationCidrBlock, in.DestinationIpv6CidrBlock, in.DestinationPrefixListId, gw, in.NatGatewayId,
		in.NetworkInterfaceId, in.InstanceId, in.VpcPeeringConnectionId, in.TransitGatewayId, in.EgressOnlyInternetGatewayId,
		in.CarrierGatewayId, in.LocalGatewayId, in.CoreNetworkArn)
	if err := routeTarget(c, rt, &r); err != nil {
		return nil, err
	}
	for i, have := range rt.Routes {
		if routeDest(&have) == routeDest(&r) {
			rt.Routes[i] = r
			return &sdk.ReplaceRouteOutput{}, putRouteTable(c, rt)
		}
	}
	return nil, apiErr("InvalidRoute.NotFound", "There is no route defined for '%s' in the route table. Use CreateRoute instead.", routeDest(&r))
}

func deleteRoute(c *api.Context, in *sdk.DeleteRouteInput) (*sdk.DeleteRouteOutput, error) {
	rt, err := findRouteTable(c, aws.ToString(in.RouteTableId))
	if err != nil {
		return nil, err
	}
	dest := aws.ToString(in.DestinationCidrBlock) + aws.ToString(in.DestinationIpv6CidrBlock) + aws.ToString(in.DestinationPrefixListId)
	for i, have := range rt.Routes {
		if routeDest(&have) != dest {
			continue
		}
		if aws.ToString(have.GatewayId) == "local" {
			return nil, invalidParam("cannot remove local route %s in route table %s", dest, aws.ToString(rt.RouteTableId))
		}
		rt.Routes = append(rt.Routes[:i], rt.Routes[i+1:]...)
		return &sdk.DeleteRouteOutput{}, putRouteTable(c, rt)
	}
	return nil, apiErr("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", dest, aws.ToString(rt.RouteTableId))
}

// tableOfAssociation finds the route table holding an association id.
func tableOfAssociation(c *api.Context, assocID string) (*types.RouteTable, int, error) {
	rts, err := routeTableKind.list(c, store.Query{})
	if err != nil {
		return nil, 0, err
	}
	for _, rt := range rts {
		for i, a := range rt.Associations {
			if aws.ToString(a.RouteTableAssociationId) == assocID {
				return rt, i, nil
			}
		}
	}
	return nil, 0, notFoundAs("rtbassoc", assocID)
}

func associateRouteTable(c *api.Context, in *sdk.AssociateRouteTableInput) (*sdk.AssociateRouteTableOutput, error) {
	rt, err := findRouteTable(c, aws.ToString(in.RouteTableId))
	if err != nil {
		return nil, err
	}
	a := types.RouteTableAssociation{RouteTableAssociationId: aws.String(newID("rtbassoc")), RouteTableId: rt.RouteTableId, Main: aws.Bool(false),
		AssociationState: &types.RouteTableAssociationState{State: types.RouteTableAssociationStateCodeAssociated}}
	switch {
	case in.SubnetId != nil:
		s, err := findSubnet(c, *in.SubnetId)
		if err != nil {
			return nil, err
		}
		if aws.ToString(s.VpcId) != aws.ToString(rt.VpcId) {
			return nil, invalidParam("Route table %s and subnet %s belong to different networks", aws.ToString(rt.RouteTableId), *in.SubnetId)
		}
		rts, err := routeTableKind.list(c, store.Query{Parent: aws.ToString(rt.VpcId)})
		if err != nil {
			return nil, err
		}
		for _, other := range rts {
			for _, oa := range other.Associations {
				if aws.ToString(oa.SubnetId) == *in.SubnetId {
					return nil, apiErr("Resource.AlreadyAssociated", "the specified association for route table %s conflicts with an existing association", aws.ToString(rt.RouteTableId))
				}
			}
		}
		a.SubnetId = in.SubnetId
	case in.GatewayId != nil:
		if _, err := findIGW(c, *in.GatewayId); err != nil {
			return nil, err
		}
		a.GatewayId = in.GatewayId
	default:
		return nil, apiErr("MissingParameter", "The request must contain the parameter subnetId or gatewayId")
	}
	rt.Associations = append(rt.Associations, a)
	return &sdk.AssociateRouteTableOutput{AssociationId: a.RouteTableAssociationId, AssociationState: a.AssociationState}, putRouteTable(c, rt)
}

func disassociateRouteTable(c *api.Context, in *sdk.DisassociateRouteTableInput) (*sdk.DisassociateRouteTableOutput, error) {
	rt, i, err := tableOfAssociation(c, aws.ToString(in.AssociationId))
	if err != nil {
		return nil, err
	}
	if aws.ToBool(rt.Associations[i].Main) {
		return nil, invalidParam("cannot disassociate the main route table association %s", aws.ToString(in.AssociationId))
	}
	rt.Associations = append(rt.Associations[:i], rt.Associations[i+1:]...)
	return &sdk.DisassociateRouteTableOutput{}, putRouteTable(c, rt)
}

func replaceRouteTableAssociation(c *api.Context, in *sdk.ReplaceRouteTableAssociationInput) (*sdk.ReplaceRouteTableAssociationOutput, error) {
	old, i, err := tableOfAssociation(c, aws.ToString(in.AssociationId))
	if err != nil {
		return nil, err
	}
	rt, err := findRouteTable(c, aws.ToString(in.RouteTableId))
	if err != nil {
		return nil, err
	}
	a := old.Associations[i]
	old.Associations = append(old.Associations[:i], old.Associations[i+1:]...)
	if err := putRouteTable(c, old); err != nil {
		return nil, err
	}
	if aws.ToString(old.RouteTableId) == aws.ToString(rt.RouteTableId) {
		rt = old
	}
	a.RouteTableAssociationId = aws.String(newID("rtbassoc"))
	a.RouteTableId = rt.RouteTableId
	rt.Associations = append(rt.Associations, a)
	return &sdk.ReplaceRouteTableAssociationOutput{NewAssociationId: a.RouteTableAssociationId, AssociationState: a.AssociationState}, putRouteTable(c, rt)
}

// forgetSubnetAssociations removes a deleted subnet's route table and network ACL associations.
func forgetSubnetAssociations(c *api.Context, subnetID string) error {
	rts, err := routeTableKind.list(c, store.Query{})
	if err != nil {
		return err
	}
	for _, rt := range rts {
		kept, dropped := withoutSubnet(rt.Associations, func(a types.RouteTableAssociation) *string { return a.SubnetId }, subnetID)
		if !dropped {
			continue
		}
		if kept == nil {
			kept = []types.RouteTableAssociation{}
		}
		rt.Associations = kept
		if err := putRouteTable(c, rt); err != nil {
			return err
		}
	}
	acls, err := aclKind.list(c, store.Query{})
	if err != nil {
		return err
	}
	for _, a := range acls {
		kept, dropped := withoutSubnet(a.Associations, func(as types.NetworkAclAssociation) *string { return as.SubnetId }, subnetID)
		if !dropped {
			continue
		}
		a.Associations = kept
		if err := aclKind.put(c, a); err != nil {
			return err
		}
	}
	return nil
}

// withoutSubnet drops a subnet's associations from a list, and says whether
// it dropped any; nothing kept is nil.
func withoutSubnet[A any](associations []A, subnetOf func(A) *string, subnetID string) ([]A, bool) {
	var kept []A
	for _, a := range associations {
		if aws.ToString(subnetOf(a)) != subnetID {
			kept = append(kept, a)
		}
	}
	return kept, len(kept) != len(associations)
}

func routeTableFields(rt *types.RouteTable) fields {
	f := fields{}
	f.addPtr("route-table-id", rt.RouteTableId)
	f.addPtr("vpc-id", rt.VpcId)
	f.addPtr("owner-id", rt.OwnerId)
	for _, a := range rt.Associations {
		f.addBool("association.main", a.Main)
		f.addPtr("association.subnet-id", a.SubnetId)
		f.addPtr("association.gateway-id", a.GatewayId)
		f.addPtr("association.route-table-association-id", a.RouteTableAssociationId)
		f.addPtr("association.route-table-id", a.RouteTableId)
	}
	for _, r := range rt.Routes {
		f.addPtr("route.destination-cidr-block", r.DestinationCidrBlock)
		f.addPtr("route.destination-ipv6-cidr-block", r.DestinationIpv6CidrBlock)
		f.addPtr("route.destination-prefix-list-id", r.DestinationPrefixListId)
		f.addPtr("route.gateway-id", r.GatewayId)
		f.addPtr("route.nat-gateway-id", r.NatGatewayId)
		f.addPtr("route.instance-id", r.InstanceId)
		f.addPtr("route.vpc-peering-connection-id", r.VpcPeeringConnectionId)
		f.addPtr("route.transit-gateway-id", r.TransitGatewayId)
		f.add("route.origin", string(r.Origin))
		f.add("route.state", string(r.State))
	}
	return f
}

var routeTableListing = listing[types.RouteTable]{op: "DescribeRouteTables", parent: "vpc-id",
	id:     func(rt *types.RouteTable) string { return aws.ToString(rt.RouteTableId) },
	tags:   func(rt *types.RouteTable) []types.Tag { return rt.Tags },
	fields: routeTableFields,
	filters: []string{"route-table-id", "vpc-id", "owner-id", "association.main", "association.subnet-id", "association.gateway-id",
		"association.route-table-association-id", "association.route-table-id", "route.destination-cidr-block",
		"route.destination-ipv6-cidr-block", "route.destination-prefix-list-id", "route.gateway-id", "route.nat-gateway-id",
		"route.instance-id", "route.vpc-peering-connection-id", "route.transit-gateway-id", "route.origin", "route.state"},
	notFound: func(id string) error { return notFoundAs("rtb", id) },
}

func describeRouteTables(c *api.Context, in *sdk.DescribeRouteTablesInput) (*sdk.DescribeRouteTablesOutput, error) {
	out, next, err := routeTableListing.describe(c, routeTableKind, in.RouteTableIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeRouteTablesOutput{RouteTables: out, NextToken: next}, nil
}
