package ec2

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
)

func registerEndpoints(s *api.Service) {
	handle(s, "CreateVpcEndpoint", createVpcEndpoint)
	handle(s, "DeleteVpcEndpoints", deleteVpcEndpoints)
	handle(s, "DescribeVpcEndpoints", describeVpcEndpoints)
}

// prefixListID is the managed prefix list id of a gateway endpoint service.
func prefixListID(service string) string {
	for _, p := range servicePrefixLists {
		if p.service == service {
			return p.id
		}
	}
	return ""
}

func createVpcEndpoint(c *api.Context, in *sdk.CreateVpcEndpointInput) (*sdk.CreateVpcEndpointOutput, error) {
	vpc, err := findVpc(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.ServiceName)
	prefix := "com.amazonaws." + c.Region + "."
	if !strings.HasPrefix(name, prefix) || len(name) == len(prefix) {
		return nil, apiErr("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist", name)
	}
	svc := strings.TrimPrefix(name, prefix)
	if !knownEndpointService(svc, "") {
		return nil, apiErr("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist", name)
	}
	etype := in.VpcEndpointType
	if etype == "" {
		etype = types.VpcEndpointTypeGateway
	}
	tags, err := specTags(in.TagSpecifications, "vpc-endpoint")
	if err != nil {
		return nil, err
	}
	id := newID("vpce")
	policy := aws.ToString(in.PolicyDocument)
	if policy == "" {
		policy = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	}
	e := &types.VpcEndpoint{VpcEndpointId: aws.String(id), VpcId: vpc.VpcId, ServiceName: aws.String(name), VpcEndpointType: etype,
		State: types.StateAvailable, OwnerId: aws.String(c.Account()), CreationTimestamp: aws.Time(clock(c)), Tags: tags,
		PolicyDocument: aws.String(policy), RequesterManaged: aws.Bool(false), PrivateDnsEnabled: aws.Bool(false),
		RouteTableIds: []string{}, SubnetIds: []string{}, NetworkInterfaceIds: []string{}, Groups: []types.SecurityGroupIdentifier{},
		DnsEntries: []types.DnsEntry{}, IpAddressType: types.IpAddressTypeIpv4}
	echoEndpointOptions(e, in)
	switch etype {
	case types.VpcEndpointTypeGateway:
		if !knownEndpointService(svc, types.VpcEndpointTypeGateway) {
			return nil, apiErr("InvalidParameter", "The Vpc Endpoint Service '%s' does not support the Gateway endpoint type.", name)
		}
		for _, rtID := range in.RouteTableIds {
			rt, err := findRouteTable(c, rtID)
			if err != nil {
				return nil, err
			}
			rt.Routes = append(rt.Routes, types.Route{DestinationPrefixListId: aws.String(prefixListID(svc)), GatewayId: aws.String(id),
				Origin: types.RouteOriginCreateRoute, State: types.RouteStateActive})
			if err := putRouteTable(c, rt); err != nil {
				return nil, err
			}
			e.RouteTableIds = append(e.RouteTableIds, rtID)
		}
	case types.VpcEndpointTypeInterface:
		e.PrivateDnsEnabled = aws.Bool(in.PrivateDnsEnabled == nil || *in.PrivateDnsEnabled)
		groupIDs, err := groupsOf(c, aws.ToString(vpc.VpcId), in.SecurityGroupIds)
		if err != nil {
			return nil, err
		}
		for _, g := range groupIDs {
			e.Groups = append(e.Groups, types.SecurityGroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
		}
		for _, sID := range in.SubnetIds {
			s, err := findSubnet(c, sID)
			if err != nil {
				return nil, err
			}
			if aws.ToString(s.VpcId) != aws.ToString(vpc.VpcId) {
				return nil, invalidParam("The subnet ID '%s' does not belong to the VPC '%s'.", sID, aws.ToString(vpc.VpcId))
			}
			eni, err := createInterface(c, InterfaceSpec{SubnetID: sID, Description: "VPC Endpoint Interface " + id,
				SecurityGroups: in.SecurityGroupIds, InterfaceType: "vpc_endpoint", RequesterID: "727180483921"})
			if err != nil {
				return nil, err
			}
			e.SubnetIds = append(e.SubnetIds, sID)
			e.NetworkInterfaceIds = append(e.NetworkInterfaceIds, aws.ToString(eni.NetworkInterfaceId))
		}
		e.DnsEntries = append(e.DnsEntries, types.DnsEntry{DnsName: aws.String(id + "-" + api.HexID(8) + "." + svc + "." + c.Region + ".vpce.amazonaws.com"),
			HostedZoneId: aws.String("Z7HUB22UULQXV")})
		if aws.ToBool(e.PrivateDnsEnabled) {
			for _, d := range endpointServiceDetails(c.Region) {
				if aws.ToString(d.ServiceName) == name && d.PrivateDnsName != nil {
					e.DnsEntries = append(e.DnsEntries, types.DnsEntry{DnsName: d.PrivateDnsName, HostedZoneId: aws.String("Z" + strings.ToUpper(api.HexID(20)))})
				}
			}
		}
	default:
		return nil, invalidParam("Value (%s) for parameter vpcEndpointType is invalid.", etype)
	}
	if err := endpointKind.put(c, e); err != nil {
		return nil, err
	}
	out := *e
	if etype == types.VpcEndpointTypeInterface {
		out.State = types.StatePending
	}
	return &sdk.CreateVpcEndpointOutput{VpcEndpoint: &out, ClientToken: in.ClientToken}, nil
}

func deleteVpcEndpoints(c *api.Context, in *sdk.DeleteVpcEndpointsInput) (*sdk.DeleteVpcEndpointsOutput, error) {
	out := &sdk.DeleteVpcEndpointsOutput{Unsuccessful: []types.UnsuccessfulItem{}}
	for _, id := range in.VpcEndpointIds {
		e, err := endpointKind.get(c, id)
		if err != nil {
			return nil, err
		}
		if e == nil {
			out.Unsuccessful = append(out.Unsuccessful, types.UnsuccessfulItem{ResourceId: aws.String(id),
				Error: &types.UnsuccessfulItemError{Code: aws.String("InvalidVpcEndpoint.NotFound"), Message: aws.String("The Vpc Endpoint Id '" + id + "' does not exist")}})
			continue
		}
		for _, rtID := range e.RouteTableIds {
			if rt, _ := routeTableKind.get(c, rtID); rt != nil {
				var kept []types.Route
				for _, r := range rt.Routes {
					if aws.ToString(r.GatewayId) != id {
						kept = append(kept, r)
					}
				}
				rt.Routes = kept
				if err := putRouteTable(c, rt); err != nil {
					return nil, err
				}
			}
		}
		for _, eni := range e.NetworkInterfaceIds {
			if err := deleteInterface(c, eni, true); err != nil {
				return nil, err
			}
		}
		if err := endpointKind.delete(c, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

var endpointListing = listing[types.VpcEndpoint]{op: "DescribeVpcEndpoints", parent: "vpc-id",
	id:   func(e *types.VpcEndpoint) string { return aws.ToString(e.VpcEndpointId) },
	tags: func(e *types.VpcEndpoint) []types.Tag { return e.Tags },
	fields: func(e *types.VpcEndpoint) fields {
		f := fields{}
		f.addPtr("vpc-endpoint-id", e.VpcEndpointId)
		f.addPtr("vpc-id", e.VpcId)
		f.addPtr("service-name", e.ServiceName)
		f.add("vpc-endpoint-type", string(e.VpcEndpointType))
		f.add("vpc-endpoint-state", strings.ToLower(string(e.State)))
		f.addPtr("owner-id", e.OwnerId)
		return f
	},
	filters:  []string{"vpc-endpoint-id", "vpc-id", "service-name", "vpc-endpoint-type", "vpc-endpoint-state", "owner-id"},
	notFound: func(id string) error { return notFoundAs("vpce", id) },
}

func describeVpcEndpoints(c *api.Context, in *sdk.DescribeVpcEndpointsInput) (*sdk.DescribeVpcEndpointsOutput, error) {
	out, next, err := endpointListing.describe(c, endpointKind, in.VpcEndpointIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeVpcEndpointsOutput{VpcEndpoints: out, NextToken: next}, nil
}
