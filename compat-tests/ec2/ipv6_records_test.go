package ec2_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestIPv6VpcsAndSubnets: an Amazon-provided /56 on CreateVpc, /64 subnet
// blocks inside it, secondary IPv4 blocks, and their disassociation, as the
// community VPC module drives them (EC2 API reference: CreateVpc
// AmazonProvidedIpv6CidrBlock "a /56 IPv6 CIDR block"; subnets take a /64).
func TestIPv6VpcsAndSubnets(t *testing.T) {
	c := client(t)
	vpc := harness.Must(c.CreateVpc(harness.Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.40.0.0/16"), AmazonProvidedIpv6CidrBlock: aws.Bool(true)}))(t).Vpc
	if len(vpc.Ipv6CidrBlockAssociationSet) != 1 {
		t.Fatalf("ipv6 associations %+v", vpc.Ipv6CidrBlockAssociationSet)
	}
	v6 := netip.MustParsePrefix(aws.ToString(vpc.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock))
	if v6.Bits() != 56 || aws.ToString(vpc.Ipv6CidrBlockAssociationSet[0].Ipv6Pool) != "Amazon" {
		t.Fatalf("ipv6 block %+v", vpc.Ipv6CidrBlockAssociationSet[0])
	}
	got := harness.Must(c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("ipv6-cidr-block-association.ipv6-cidr-block", v6.String())}}))(t).Vpcs
	if len(got) != 1 {
		t.Errorf("by ipv6 block: %d", len(got))
	}
	sub64 := netip.PrefixFrom(v6.Addr(), 64).String()
	sub := harness.Must(c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.40.1.0/24"), Ipv6CidrBlock: aws.String(sub64)}))(t).Subnet
	if len(sub.Ipv6CidrBlockAssociationSet) != 1 || aws.ToString(sub.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock) != sub64 {
		t.Fatalf("subnet ipv6 %+v", sub.Ipv6CidrBlockAssociationSet)
	}
	_, err := c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.40.2.0/24"), Ipv6CidrBlock: aws.String(sub64)})
	harness.AssertAPIError(t, err, "InvalidSubnet.Conflict")
	_, err = c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.40.3.0/24"), Ipv6CidrBlock: aws.String("2001:db8::/64")})
	harness.AssertAPIError(t, err, "InvalidSubnet.Range")

	// A second subnet gets its /64 by association; then loses it.
	sub2 := harness.Must(c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.40.4.0/24")}))(t).Subnet
	b := v6.Addr().As16()
	b[7]++
	next := netip.PrefixFrom(netip.AddrFrom16(b), 64)
	assoc := harness.Must(c.AssociateSubnetCidrBlock(harness.Ctx, &ec2.AssociateSubnetCidrBlockInput{SubnetId: sub2.SubnetId, Ipv6CidrBlock: aws.String(next.String())}))(t)
	if assoc.Ipv6CidrBlockAssociation.Ipv6CidrBlockState.State != types.SubnetCidrBlockStateCodeAssociating {
		t.Errorf("associate state %s", assoc.Ipv6CidrBlockAssociation.Ipv6CidrBlockState.State)
	}
	harness.Must(c.ModifySubnetAttribute(harness.Ctx, &ec2.ModifySubnetAttributeInput{SubnetId: sub2.SubnetId, AssignIpv6AddressOnCreation: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))(t)
	harness.Must(c.DisassociateSubnetCidrBlock(harness.Ctx, &ec2.DisassociateSubnetCidrBlockInput{AssociationId: assoc.Ipv6CidrBlockAssociation.AssociationId}))(t)
	s2 := harness.Must(c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(sub2.SubnetId)}}))(t).Subnets[0]
	if len(s2.Ipv6CidrBlockAssociationSet) != 0 || !aws.ToBool(s2.AssignIpv6AddressOnCreation) {
		t.Errorf("subnet after disassociation %+v", s2)
	}

	// Secondary IPv4 blocks.
	sec := harness.Must(c.AssociateVpcCidrBlock(harness.Ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.41.0.0/16")}))(t)
	if aws.ToString(sec.CidrBlockAssociation.CidrBlock) != "10.41.0.0/16" {
		t.Fatalf("secondary %+v", sec.CidrBlockAssociation)
	}
	harness.Must(c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.41.0.0/24")}))(t)
	_, err = c.AssociateVpcCidrBlock(harness.Ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.40.128.0/17")})
	harness.AssertAPIError(t, err, "InvalidVpc.Range")
	_, err = c.DisassociateVpcCidrBlock(harness.Ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: vpc.CidrBlockAssociationSet[0].AssociationId})
	harness.AssertAPIError(t, err, "OperationNotPermitted")
	_, err = c.DisassociateVpcCidrBlock(harness.Ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: aws.String("vpc-cidr-assoc-0123456789abcdef0")})
	harness.AssertAPIError(t, err, "InvalidVpcCidrBlockAssociationID.NotFound")

	// The IPv6 block of a VPC without IPv6 subnets can go, and come back.
	harness.Must(c.DeleteSubnet(harness.Ctx, &ec2.DeleteSubnetInput{SubnetId: sub.SubnetId}))(t)
	dis := harness.Must(c.DisassociateVpcCidrBlock(harness.Ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: vpc.Ipv6CidrBlockAssociationSet[0].AssociationId}))(t)
	if dis.Ipv6CidrBlockAssociation.Ipv6CidrBlockState.State != types.VpcCidrBlockStateCodeDisassociating {
		t.Errorf("disassociate %+v", dis.Ipv6CidrBlockAssociation)
	}
	again := harness.Must(c.AssociateVpcCidrBlock(harness.Ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: vpc.VpcId, AmazonProvidedIpv6CidrBlock: aws.Bool(true)}))(t)
	if !strings.HasSuffix(aws.ToString(again.Ipv6CidrBlockAssociation.Ipv6CidrBlock), "::/56") {
		t.Errorf("re-associated %+v", again.Ipv6CidrBlockAssociation)
	}

	// Egress-only internet gateways.
	eigw := harness.Must(c.CreateEgressOnlyInternetGateway(harness.Ctx, &ec2.CreateEgressOnlyInternetGatewayInput{VpcId: vpc.VpcId,
		TagSpecifications: nameTag(types.ResourceTypeEgressOnlyInternetGateway, "v6-out")}))(t).EgressOnlyInternetGateway
	id := aws.ToString(eigw.EgressOnlyInternetGatewayId)
	if !strings.HasPrefix(id, "eigw-") || eigw.Attachments[0].State != types.AttachmentStatusAttached {
		t.Fatalf("eigw %+v", eigw)
	}
	list := harness.Must(c.DescribeEgressOnlyInternetGateways(harness.Ctx, &ec2.DescribeEgressOnlyInternetGatewaysInput{Filters: []types.Filter{filter("tag:Name", "v6-out")}}))(t)
	if len(list.EgressOnlyInternetGateways) != 1 {
		t.Errorf("eigws %d", len(list.EgressOnlyInternetGateways))
	}
	harness.Must(c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: mainRouteTable(t, c, aws.ToString(vpc.VpcId)), DestinationIpv6CidrBlock: aws.String("::/0"), EgressOnlyInternetGatewayId: aws.String(id)}))(t)
	_, err = c.DeleteVpc(harness.Ctx, &ec2.DeleteVpcInput{VpcId: vpc.VpcId})
	harness.AssertAPIError(t, err, "DependencyViolation")
	if out := harness.Must(c.DeleteEgressOnlyInternetGateway(harness.Ctx, &ec2.DeleteEgressOnlyInternetGatewayInput{EgressOnlyInternetGatewayId: aws.String(id)}))(t); !aws.ToBool(out.ReturnCode) {
		t.Errorf("delete eigw")
	}
	_, err = c.DeleteEgressOnlyInternetGateway(harness.Ctx, &ec2.DeleteEgressOnlyInternetGatewayInput{EgressOnlyInternetGatewayId: aws.String(id)})
	harness.AssertAPIError(t, err, "InvalidEgressOnlyInternetGatewayId.NotFound")
}

func mainRouteTable(t *testing.T, c *ec2.Client, vpc string) *string {
	t.Helper()
	rts := harness.Must(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("vpc-id", vpc), filter("association.main", "true")}}))(t).RouteTables
	if len(rts) != 1 {
		t.Fatalf("main route tables %d", len(rts))
	}
	return rts[0].RouteTableId
}

// TestNetworkRecords: customer and VPN gateways, flow logs to CloudWatch
// Logs, capacity reservations and VPC Block Public Access, as records that
// read back what was sent.
func TestNetworkRecords(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.50.0.0/16")

	cgw := harness.Must(c.CreateCustomerGateway(harness.Ctx, &ec2.CreateCustomerGatewayInput{Type: types.GatewayTypeIpsec1, BgpAsn: aws.Int32(65010), IpAddress: aws.String("198.51.100.7"),
		DeviceName: aws.String("edge")}))(t).CustomerGateway
	if aws.ToString(cgw.State) != "available" || aws.ToString(cgw.BgpAsn) != "65010" || aws.ToString(cgw.Type) != "ipsec.1" {
		t.Errorf("customer gateway %+v", cgw)
	}
	if n := len(harness.Must(c.DescribeCustomerGateways(harness.Ctx, &ec2.DescribeCustomerGatewaysInput{Filters: []types.Filter{filter("ip-address", "198.51.100.7")}}))(t).CustomerGateways); n != 1 {
		t.Errorf("customer gateways %d", n)
	}
	vgw := harness.Must(c.CreateVpnGateway(harness.Ctx, &ec2.CreateVpnGatewayInput{Type: types.GatewayTypeIpsec1, AmazonSideAsn: aws.Int64(64620)}))(t).VpnGateway
	att := harness.Must(c.AttachVpnGateway(harness.Ctx, &ec2.AttachVpnGatewayInput{VpcId: aws.String(vpc), VpnGatewayId: vgw.VpnGatewayId}))(t).VpcAttachment
	if att.State != types.AttachmentStatusAttached {
		t.Errorf("attachment %+v", att)
	}
	_, err := c.DeleteVpnGateway(harness.Ctx, &ec2.DeleteVpnGatewayInput{VpnGatewayId: vgw.VpnGatewayId})
	harness.AssertAPIError(t, err, "IncorrectState")
	harness.Must(c.DetachVpnGateway(harness.Ctx, &ec2.DetachVpnGatewayInput{VpcId: aws.String(vpc), VpnGatewayId: vgw.VpnGatewayId}))(t)
	got := harness.Must(c.DescribeVpnGateways(harness.Ctx, &ec2.DescribeVpnGatewaysInput{VpnGatewayIds: []string{aws.ToString(vgw.VpnGatewayId)}}))(t).VpnGateways
	if len(got) != 1 || aws.ToInt64(got[0].AmazonSideAsn) != 64620 || got[0].VpcAttachments[0].State != types.AttachmentStatusDetached {
		t.Errorf("vpn gateway %+v", got)
	}
	harness.Must(c.DeleteVpnGateway(harness.Ctx, &ec2.DeleteVpnGatewayInput{VpnGatewayId: vgw.VpnGatewayId}))(t)
	harness.Must(c.DeleteCustomerGateway(harness.Ctx, &ec2.DeleteCustomerGatewayInput{CustomerGatewayId: cgw.CustomerGatewayId}))(t)
	_, err = c.DeleteCustomerGateway(harness.Ctx, &ec2.DeleteCustomerGatewayInput{CustomerGatewayId: cgw.CustomerGatewayId})
	harness.AssertAPIError(t, err, "InvalidCustomerGatewayID.NotFound")

	// Flow logs.
	fl := harness.Must(c.CreateFlowLogs(harness.Ctx, &ec2.CreateFlowLogsInput{ResourceType: types.FlowLogsResourceTypeVpc, ResourceIds: []string{vpc, "vpc-0123456789abcdef0"},
		TrafficType: types.TrafficTypeAll, LogGroupName: aws.String("/vpc/flow"), DeliverLogsPermissionArn: aws.String("arn:aws:iam::000000000000:role/flow"),
		MaxAggregationInterval: aws.Int32(60)}))(t)
	if len(fl.FlowLogIds) != 1 || len(fl.Unsuccessful) != 1 {
		t.Fatalf("flow logs %+v", fl)
	}
	logs := harness.Must(c.DescribeFlowLogs(harness.Ctx, &ec2.DescribeFlowLogsInput{Filter: []types.Filter{filter("resource-id", vpc)}}))(t).FlowLogs
	if len(logs) != 1 || aws.ToString(logs[0].LogGroupName) != "/vpc/flow" || logs[0].LogDestinationType != types.LogDestinationTypeCloudWatchLogs ||
		aws.ToString(logs[0].LogDestination) != "arn:aws:logs:us-east-1:000000000000:log-group:/vpc/flow" || aws.ToInt32(logs[0].MaxAggregationInterval) != 60 {
		t.Errorf("flow log %+v", logs)
	}
	if out := harness.Must(c.DeleteFlowLogs(harness.Ctx, &ec2.DeleteFlowLogsInput{FlowLogIds: fl.FlowLogIds}))(t); len(out.Unsuccessful) != 0 {
		t.Errorf("delete flow logs %+v", out.Unsuccessful)
	}

	// Capacity reservations.
	end := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	cr := harness.Must(c.CreateCapacityReservation(harness.Ctx, &ec2.CreateCapacityReservationInput{InstanceType: aws.String("m5.large"),
		InstancePlatform: types.CapacityReservationInstancePlatformLinuxUnix, AvailabilityZone: aws.String("us-east-1a"), InstanceCount: aws.Int32(2),
		EndDateType: types.EndDateTypeLimited, EndDate: &end}))(t).CapacityReservation
	if cr.State != types.CapacityReservationStateActive || aws.ToInt32(cr.AvailableInstanceCount) != 2 || !strings.HasPrefix(aws.ToString(cr.CapacityReservationId), "cr-") {
		t.Fatalf("capacity reservation %+v", cr)
	}
	harness.Must(c.ModifyCapacityReservation(harness.Ctx, &ec2.ModifyCapacityReservationInput{CapacityReservationId: cr.CapacityReservationId, InstanceCount: aws.Int32(3)}))(t)
	harness.Must(c.CancelCapacityReservation(harness.Ctx, &ec2.CancelCapacityReservationInput{CapacityReservationId: cr.CapacityReservationId}))(t)
	crs := harness.Must(c.DescribeCapacityReservations(harness.Ctx, &ec2.DescribeCapacityReservationsInput{CapacityReservationIds: []string{aws.ToString(cr.CapacityReservationId)}}))(t).CapacityReservations
	if len(crs) != 1 || crs[0].State != types.CapacityReservationStateCancelled || aws.ToInt32(crs[0].TotalInstanceCount) != 3 {
		t.Errorf("after cancel %+v", crs)
	}
	_, err = c.CancelCapacityReservation(harness.Ctx, &ec2.CancelCapacityReservationInput{CapacityReservationId: aws.String("cr-0123456789abcdef0")})
	harness.AssertAPIError(t, err, "InvalidCapacityReservationId.NotFound")

	// VPC Block Public Access options and exclusions.
	opts := harness.Must(c.DescribeVpcBlockPublicAccessOptions(harness.Ctx, &ec2.DescribeVpcBlockPublicAccessOptionsInput{}))(t).VpcBlockPublicAccessOptions
	if opts.InternetGatewayBlockMode != types.InternetGatewayBlockModeOff {
		t.Errorf("default options %+v", opts)
	}
	mod := harness.Must(c.ModifyVpcBlockPublicAccessOptions(harness.Ctx, &ec2.ModifyVpcBlockPublicAccessOptionsInput{InternetGatewayBlockMode: types.InternetGatewayBlockModeBlockBidirectional}))(t).VpcBlockPublicAccessOptions
	if mod.InternetGatewayBlockMode != types.InternetGatewayBlockModeBlockBidirectional {
		t.Errorf("modified options %+v", mod)
	}
	ex := harness.Must(c.CreateVpcBlockPublicAccessExclusion(harness.Ctx, &ec2.CreateVpcBlockPublicAccessExclusionInput{VpcId: aws.String(vpc),
		InternetGatewayExclusionMode: types.InternetGatewayExclusionModeAllowEgress}))(t).VpcBlockPublicAccessExclusion
	if !strings.HasSuffix(aws.ToString(ex.ResourceArn), ":vpc/"+vpc) || ex.State != types.VpcBlockPublicAccessExclusionStateCreateComplete {
		t.Errorf("exclusion %+v", ex)
	}
	harness.Must(c.ModifyVpcBlockPublicAccessExclusion(harness.Ctx, &ec2.ModifyVpcBlockPublicAccessExclusionInput{ExclusionId: ex.ExclusionId,
		InternetGatewayExclusionMode: types.InternetGatewayExclusionModeAllowBidirectional}))(t)
	exs := harness.Must(c.DescribeVpcBlockPublicAccessExclusions(harness.Ctx, &ec2.DescribeVpcBlockPublicAccessExclusionsInput{}))(t).VpcBlockPublicAccessExclusions
	if len(exs) != 1 || exs[0].InternetGatewayExclusionMode != types.InternetGatewayExclusionModeAllowBidirectional {
		t.Errorf("exclusions %+v", exs)
	}
	harness.Must(c.DeleteVpcBlockPublicAccessExclusion(harness.Ctx, &ec2.DeleteVpcBlockPublicAccessExclusionInput{ExclusionId: ex.ExclusionId}))(t)
	_, err = c.CreateVpcBlockPublicAccessExclusion(harness.Ctx, &ec2.CreateVpcBlockPublicAccessExclusionInput{VpcId: aws.String("vpc-0123456789abcdef0"),
		InternetGatewayExclusionMode: types.InternetGatewayExclusionModeAllowEgress})
	harness.AssertAPIError(t, err, "InvalidVpcID.NotFound")
}

// TestEndpointServicesAndDNSOptions: the region's endpoint services include
// those beyond the container set, and an endpoint keeps its DNS options as sent.
func TestEndpointServicesAndDNSOptions(t *testing.T) {
	c := client(t)
	all := harness.Must(c.DescribeVpcEndpointServices(harness.Ctx, &ec2.DescribeVpcEndpointServicesInput{}))(t).ServiceNames
	for _, want := range []string{"lambda", "servicediscovery", "eks", "events", "states", "rds", "elasticfilesystem", "kinesis-streams"} {
		if !inSlice(all, "com.amazonaws.us-east-1."+want) {
			t.Errorf("endpoint service %s missing", want)
		}
	}
	v := createVpc(t, c, "10.60.0.0/16")
	sub := harness.Must(c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: aws.String(v), CidrBlock: aws.String("10.60.1.0/24")}))(t).Subnet
	ep := harness.Must(c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v), VpcEndpointType: types.VpcEndpointTypeInterface,
		ServiceName: aws.String("com.amazonaws.us-east-1.lambda"), SubnetIds: []string{aws.ToString(sub.SubnetId)},
		DnsOptions: &types.DnsOptionsSpecification{DnsRecordIpType: types.DnsRecordIpTypeIpv4, PrivateDnsOnlyForInboundResolverEndpoint: aws.Bool(false)}}))(t).VpcEndpoint
	got := harness.Must(c.DescribeVpcEndpoints(harness.Ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{aws.ToString(ep.VpcEndpointId)}}))(t).VpcEndpoints[0]
	if got.DnsOptions == nil || got.DnsOptions.DnsRecordIpType != types.DnsRecordIpTypeIpv4 || got.DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint == nil {
		t.Errorf("dns options %+v", got.DnsOptions)
	}
}

func inSlice(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestModifyVpcEndpoint: what aws_vpc_endpoint_route_table_association and
// aws_vpc_endpoint_subnet_association do, through ModifyVpcEndpoint.
func TestModifyVpcEndpoint(t *testing.T) {
	c := client(t)
	v := createVpc(t, c, "10.61.0.0/16")
	rt := mainRouteTable(t, c, v)
	gw := harness.Must(c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v), ServiceName: aws.String("com.amazonaws.us-east-1.s3")}))(t).VpcEndpoint
	harness.Must(c.ModifyVpcEndpoint(harness.Ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: gw.VpcEndpointId, AddRouteTableIds: []string{aws.ToString(rt)}}))(t)
	routes := func() int {
		n := 0
		for _, r := range harness.Must(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rt)}}))(t).RouteTables[0].Routes {
			if aws.ToString(r.GatewayId) == aws.ToString(gw.VpcEndpointId) {
				n++
			}
		}
		return n
	}
	if routes() != 1 {
		t.Errorf("prefix list routes after add: %d", routes())
	}
	harness.Must(c.ModifyVpcEndpoint(harness.Ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: gw.VpcEndpointId, RemoveRouteTableIds: []string{aws.ToString(rt)},
		PolicyDocument: aws.String(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`)}))(t)
	if routes() != 0 {
		t.Errorf("prefix list routes after remove: %d", routes())
	}

	s1 := harness.Must(c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: aws.String(v), CidrBlock: aws.String("10.61.1.0/24")}))(t).Subnet
	s2 := harness.Must(c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: aws.String(v), CidrBlock: aws.String("10.61.2.0/24")}))(t).Subnet
	ep := harness.Must(c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v), VpcEndpointType: types.VpcEndpointTypeInterface,
		ServiceName: aws.String("com.amazonaws.us-east-1.sqs"), SubnetIds: []string{aws.ToString(s1.SubnetId)}}))(t).VpcEndpoint
	harness.Must(c.ModifyVpcEndpoint(harness.Ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: ep.VpcEndpointId, AddSubnetIds: []string{aws.ToString(s2.SubnetId)},
		RemoveSubnetIds: []string{aws.ToString(s1.SubnetId)}, DnsOptions: &types.DnsOptionsSpecification{DnsRecordIpType: types.DnsRecordIpTypeIpv4}}))(t)
	got := harness.Must(c.DescribeVpcEndpoints(harness.Ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{aws.ToString(ep.VpcEndpointId)}}))(t).VpcEndpoints[0]
	if len(got.SubnetIds) != 1 || got.SubnetIds[0] != aws.ToString(s2.SubnetId) || len(got.NetworkInterfaceIds) != 1 {
		t.Fatalf("interface endpoint after modify %+v", got)
	}
	enis := harness.Must(c.DescribeNetworkInterfaces(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: got.NetworkInterfaceIds}))(t).NetworkInterfaces
	if len(enis) != 1 || aws.ToString(enis[0].SubnetId) != aws.ToString(s2.SubnetId) {
		t.Errorf("endpoint interfaces %+v", enis)
	}
	_, err := c.ModifyVpcEndpoint(harness.Ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: ep.VpcEndpointId, AddRouteTableIds: []string{aws.ToString(rt)}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	_, err = c.ModifyVpcEndpoint(harness.Ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String("vpce-0123456789abcdef0")})
	harness.AssertAPIError(t, err, "InvalidVpcEndpointId.NotFound")
}
