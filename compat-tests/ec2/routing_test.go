package ec2_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The set-up a Terraform configuration makes for a service: a VPC, two
// subnets, a security group with rules, an internet gateway and a public route table.
func TestTerraformStyleNetworkSetUp(t *testing.T) {
	c := client(t)
	vpc := harness.Must(c.CreateVpc(harness.Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16"), TagSpecifications: nameTag(types.ResourceTypeVpc, "app")}))(t)
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	a := createSubnet(t, c, vpcID, "10.20.1.0/24", "us-east-1a")
	b := createSubnet(t, c, vpcID, "10.20.2.0/24", "us-east-1b")
	sg := harness.Must(c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("app"), Description: aws.String("app"), VpcId: aws.String(vpcID)}))(t)
	harness.Must(c.AuthorizeSecurityGroupIngress(harness.Ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{tcp(80, "0.0.0.0/0")}}))(t)

	igw := harness.Must(c.CreateInternetGateway(harness.Ctx, &ec2.CreateInternetGatewayInput{TagSpecifications: nameTag(types.ResourceTypeInternetGateway, "gw")}))(t)
	igwID := aws.ToString(igw.InternetGateway.InternetGatewayId)
	if err := ec2.NewInternetGatewayExistsWaiter(c).Wait(harness.Ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{igwID}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	rt := harness.Must(c.CreateRouteTable(harness.Ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID)}))(t)
	rtID := aws.ToString(rt.RouteTable.RouteTableId)
	// A route through a gateway of another network is refused.
	_, err := c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igwID)})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	harness.Must(c.AttachInternetGateway(harness.Ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String(vpcID)}))(t)
	_, err = c.AttachInternetGateway(harness.Ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String(vpcID)})
	harness.AssertAPIError(t, err, "Resource.AlreadyAssociated")
	harness.Must(c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igwID)}))(t)
	_, err = c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igwID)})
	harness.AssertAPIError(t, err, "RouteAlreadyExists")
	assoc := harness.Must(c.AssociateRouteTable(harness.Ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rtID), SubnetId: aws.String(a)}))(t)
	harness.Must(c.AssociateRouteTable(harness.Ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rtID), SubnetId: aws.String(b)}))(t)
	_, err = c.AssociateRouteTable(harness.Ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rtID), SubnetId: aws.String(a)})
	harness.AssertAPIError(t, err, "Resource.AlreadyAssociated")

	got := harness.Must(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("association.subnet-id", a)}}))(t)
	if len(got.RouteTables) != 1 || len(got.RouteTables[0].Routes) != 2 || len(got.RouteTables[0].Associations) != 2 ||
		aws.ToString(got.RouteTables[0].Routes[1].GatewayId) != igwID || got.RouteTables[0].Routes[1].State != types.RouteStateActive {
		t.Fatalf("route table %+v", got.RouteTables)
	}
	// Deletion needs the dependencies gone first, in Terraform's order.
	_, err = c.DeleteRouteTable(harness.Ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rtID)})
	harness.AssertAPIError(t, err, "DependencyViolation")
	_, err = c.DeleteInternetGateway(harness.Ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igwID)})
	harness.AssertAPIError(t, err, "DependencyViolation")
	_, err = c.DeleteRoute(harness.Ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("10.20.0.0/16")})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	harness.Must(c.DisassociateRouteTable(harness.Ctx, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId}))(t)
	harness.Must(c.DeleteSubnet(harness.Ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(b)}))(t)
	harness.Must(c.DeleteRoute(harness.Ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0")}))(t)
	harness.Must(c.DeleteRouteTable(harness.Ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rtID)}))(t)
	_, err = c.DetachInternetGateway(harness.Ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String("vpc-0000000000000000a")})
	harness.AssertAPIError(t, err, "Gateway.NotAttached")
	harness.Must(c.DetachInternetGateway(harness.Ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String(vpcID)}))(t)
	harness.Must(c.DeleteInternetGateway(harness.Ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igwID)}))(t)
	harness.Must(c.DeleteSecurityGroup(harness.Ctx, &ec2.DeleteSecurityGroupInput{GroupId: sg.GroupId}))(t)
	harness.Must(c.DeleteSubnet(harness.Ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(a)}))(t)
	harness.Must(c.DeleteVpc(harness.Ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}))(t)
}

func TestReplaceRoutesAndAssociations(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.4.0.0/16")
	sub := createSubnet(t, c, vpc, "10.4.0.0/24", "us-east-1a")
	rt1 := harness.Must(c.CreateRouteTable(harness.Ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)}))(t).RouteTable.RouteTableId
	rt2 := harness.Must(c.CreateRouteTable(harness.Ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)}))(t).RouteTable.RouteTableId
	a := harness.Must(c.AssociateRouteTable(harness.Ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt1, SubnetId: aws.String(sub)}))(t)
	r := harness.Must(c.ReplaceRouteTableAssociation(harness.Ctx, &ec2.ReplaceRouteTableAssociationInput{AssociationId: a.AssociationId, RouteTableId: rt2}))(t)
	got := harness.Must(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("association.route-table-association-id", aws.ToString(r.NewAssociationId))}}))(t)
	if len(got.RouteTables) != 1 || aws.ToString(got.RouteTables[0].RouteTableId) != aws.ToString(rt2) {
		t.Fatalf("replaced association %+v", got.RouteTables)
	}
	eni := harness.Must(c.CreateNetworkInterface(harness.Ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(sub)}))(t)
	harness.Must(c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: rt2, DestinationCidrBlock: aws.String("192.168.0.0/16"), NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId}))(t)
	_, err := c.ReplaceRoute(harness.Ctx, &ec2.ReplaceRouteInput{RouteTableId: rt2, DestinationCidrBlock: aws.String("172.16.0.0/12"), NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId})
	harness.AssertAPIError(t, err, "InvalidRoute.NotFound")
	_, err = c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: rt2, DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String("nat-0000000000000000a")})
	harness.AssertAPIError(t, err, "InvalidNatGatewayID.NotFound")
	_, err = c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: aws.String("rtb-0000000000000000a"), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-0000000000000000a")})
	harness.AssertAPIError(t, err, "InvalidRouteTableID.NotFound")
}

func TestNatGatewayAndElasticIPs(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.5.0.0/16")
	sub := createSubnet(t, c, vpc, "10.5.0.0/24", "us-east-1a")
	eip := harness.Must(c.AllocateAddress(harness.Ctx, &ec2.AllocateAddressInput{Domain: types.DomainTypeVpc, TagSpecifications: nameTag(types.ResourceTypeElasticIp, "nat")}))(t)
	if eip.Domain != types.DomainTypeVpc || aws.ToString(eip.PublicIp) == "" {
		t.Fatalf("eip %+v", eip)
	}
	nat := harness.Must(c.CreateNatGateway(harness.Ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(sub), AllocationId: eip.AllocationId}))(t)
	natID := aws.ToString(nat.NatGateway.NatGatewayId)
	if nat.NatGateway.State != types.NatGatewayStatePending || aws.ToString(nat.NatGateway.NatGatewayAddresses[0].PublicIp) != aws.ToString(eip.PublicIp) {
		t.Fatalf("nat %+v", nat.NatGateway)
	}
	if err := ec2.NewNatGatewayAvailableWaiter(c, func(o *ec2.NatGatewayAvailableWaiterOptions) { o.MinDelay = time.Second }).Wait(harness.Ctx,
		&ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{natID}}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	nats := harness.Must(c.DescribeNatGateways(harness.Ctx, &ec2.DescribeNatGatewaysInput{Filter: []types.Filter{filter("subnet-id", sub), filter("state", "available")}}))(t)
	if len(nats.NatGateways) != 1 || aws.ToString(nats.NatGateways[0].VpcId) != vpc {
		t.Fatalf("nat gateways %+v", nats.NatGateways)
	}
	_, err := c.DeleteNatGateway(harness.Ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String("nat-0000000000000000a")})
	harness.AssertAPIError(t, err, "NatGatewayNotFound")
	// The NAT gateway's interface shows in its subnet, with the Elastic IP.
	enis := harness.Must(c.DescribeNetworkInterfaces(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("interface-type", "nat_gateway")}}))(t)
	if len(enis.NetworkInterfaces) != 1 || aws.ToString(enis.NetworkInterfaces[0].Association.PublicIp) != aws.ToString(eip.PublicIp) {
		t.Fatalf("nat interface %+v", enis.NetworkInterfaces)
	}
	addrs := harness.Must(c.DescribeAddresses(harness.Ctx, &ec2.DescribeAddressesInput{AllocationIds: []string{aws.ToString(eip.AllocationId)}}))(t)
	if aws.ToString(addrs.Addresses[0].NetworkInterfaceId) != aws.ToString(enis.NetworkInterfaces[0].NetworkInterfaceId) || tagValue(addrs.Addresses[0].Tags, "Name") != "nat" {
		t.Errorf("address %+v", addrs.Addresses[0])
	}
	_, err = c.ReleaseAddress(harness.Ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	harness.AssertAPIError(t, err, "InvalidIPAddress.InUse")
	attrs := harness.Must(c.DescribeAddressesAttribute(harness.Ctx, &ec2.DescribeAddressesAttributeInput{
		AllocationIds: []string{aws.ToString(eip.AllocationId)}, Attribute: types.AddressAttributeNameDomainName}))(t)
	if len(attrs.Addresses) != 1 || aws.ToString(attrs.Addresses[0].PublicIp) != aws.ToString(eip.PublicIp) {
		t.Errorf("address attributes %+v", attrs.Addresses)
	}
	harness.Must(c.DeleteNatGateway(harness.Ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(natID)}))(t)
	if err := ec2.NewNatGatewayDeletedWaiter(c, func(o *ec2.NatGatewayDeletedWaiterOptions) { o.MinDelay = time.Second }).Wait(harness.Ctx,
		&ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{natID}}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	// A second address associated with an interface, then released.
	eni := harness.Must(c.CreateNetworkInterface(harness.Ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(sub)}))(t)
	eip2 := harness.Must(c.AllocateAddress(harness.Ctx, &ec2.AllocateAddressInput{}))(t)
	as := harness.Must(c.AssociateAddress(harness.Ctx, &ec2.AssociateAddressInput{AllocationId: eip2.AllocationId, NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId}))(t)
	byIP := harness.Must(c.DescribeNetworkInterfaces(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("association.public-ip", aws.ToString(eip2.PublicIp))}}))(t)
	if len(byIP.NetworkInterfaces) != 1 {
		t.Errorf("interface by public ip: %d", len(byIP.NetworkInterfaces))
	}
	harness.Must(c.DisassociateAddress(harness.Ctx, &ec2.DisassociateAddressInput{AssociationId: as.AssociationId}))(t)
	_, err = c.DisassociateAddress(harness.Ctx, &ec2.DisassociateAddressInput{AssociationId: as.AssociationId})
	harness.AssertAPIError(t, err, "InvalidAssociationID.NotFound")
	harness.Must(c.ReleaseAddress(harness.Ctx, &ec2.ReleaseAddressInput{AllocationId: eip2.AllocationId}))(t)
	harness.Must(c.ReleaseAddress(harness.Ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId}))(t)
	_, err = c.ReleaseAddress(harness.Ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	harness.AssertAPIError(t, err, "InvalidAllocationID.NotFound")
}

func TestVpcEndpoints(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.6.0.0/16")
	sub := createSubnet(t, c, vpc, "10.6.0.0/24", "us-east-1a")
	rts := harness.Must(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("vpc-id", vpc)}}))(t)
	rtID := aws.ToString(rts.RouteTables[0].RouteTableId)
	gw := harness.Must(c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc),
		ServiceName: aws.String("com.amazonaws.us-east-1.s3"), RouteTableIds: []string{rtID}}))(t)
	if gw.VpcEndpoint.VpcEndpointType != types.VpcEndpointTypeGateway || gw.VpcEndpoint.State != types.StateAvailable {
		t.Fatalf("gateway endpoint %+v", gw.VpcEndpoint)
	}
	rts = harness.Must(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtID}}))(t)
	if len(rts.RouteTables[0].Routes) != 2 || aws.ToString(rts.RouteTables[0].Routes[1].GatewayId) != aws.ToString(gw.VpcEndpoint.VpcEndpointId) {
		t.Errorf("endpoint route %+v", rts.RouteTables[0].Routes)
	}
	pls := harness.Must(c.DescribePrefixLists(harness.Ctx, &ec2.DescribePrefixListsInput{Filters: []types.Filter{filter("prefix-list-name", "com.amazonaws.us-east-1.s3")}}))(t)
	if len(pls.PrefixLists) != 1 || aws.ToString(pls.PrefixLists[0].PrefixListId) != aws.ToString(rts.RouteTables[0].Routes[1].DestinationPrefixListId) || len(pls.PrefixLists[0].Cidrs) == 0 {
		t.Errorf("prefix lists %+v", pls.PrefixLists)
	}
	iface := harness.Must(c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc),
		ServiceName: aws.String("com.amazonaws.us-east-1.ecr.api"), VpcEndpointType: types.VpcEndpointTypeInterface, SubnetIds: []string{sub}}))(t)
	if len(iface.VpcEndpoint.NetworkInterfaceIds) != 1 || !aws.ToBool(iface.VpcEndpoint.PrivateDnsEnabled) {
		t.Fatalf("interface endpoint %+v", iface.VpcEndpoint)
	}
	if len(iface.VpcEndpoint.DnsEntries) != 2 || aws.ToString(iface.VpcEndpoint.DnsEntries[1].DnsName) != "api.ecr.us-east-1.amazonaws.com" {
		t.Errorf("dns entries %+v", iface.VpcEndpoint.DnsEntries)
	}
	svcs := harness.Must(c.DescribeVpcEndpointServices(harness.Ctx, &ec2.DescribeVpcEndpointServicesInput{
		Filters: []types.Filter{filter("service-type", "Gateway")}}))(t)
	if strings.Join(svcs.ServiceNames, ",") != "com.amazonaws.us-east-1.dynamodb,com.amazonaws.us-east-1.s3" {
		t.Errorf("gateway services %v", svcs.ServiceNames)
	}
	_, err := c.DescribeVpcEndpointServices(harness.Ctx, &ec2.DescribeVpcEndpointServicesInput{ServiceNames: []string{"com.amazonaws.us-east-1.nothing"}})
	harness.AssertAPIError(t, err, "InvalidServiceName")
	_, err = c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String("com.amazonaws.us-east-1.ecr.api"), RouteTableIds: []string{rtID}})
	harness.AssertAPIError(t, err, "InvalidParameter")
	_, err = c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String("s3")})
	harness.AssertAPIError(t, err, "InvalidServiceName")
	p := ec2.NewDescribeVpcEndpointsPaginator(c, &ec2.DescribeVpcEndpointsInput{Filters: []types.Filter{filter("vpc-id", vpc)}, MaxResults: aws.Int32(5)})
	n := 0
	for p.HasMorePages() {
		page := harness.Must(p.NextPage(harness.Ctx))(t)
		n += len(page.VpcEndpoints)
	}
	if n != 2 {
		t.Errorf("endpoints %d", n)
	}
	del := harness.Must(c.DeleteVpcEndpoints(harness.Ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{
		aws.ToString(gw.VpcEndpoint.VpcEndpointId), aws.ToString(iface.VpcEndpoint.VpcEndpointId), "vpce-0000000000000000a"}}))(t)
	if len(del.Unsuccessful) != 1 || aws.ToString(del.Unsuccessful[0].ResourceId) != "vpce-0000000000000000a" {
		t.Errorf("unsuccessful %+v", del.Unsuccessful)
	}
	enis := harness.Must(c.DescribeNetworkInterfaces(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("subnet-id", sub)}}))(t)
	if len(enis.NetworkInterfaces) != 0 {
		t.Errorf("endpoint interfaces left: %d", len(enis.NetworkInterfaces))
	}
}

func TestTags(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.7.0.0/16")
	harness.Must(c.CreateTags(harness.Ctx, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []types.Tag{
		{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team"), Value: aws.String("a")}}}))(t)
	harness.Must(c.CreateTags(harness.Ctx, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}))(t)
	tags := harness.Must(c.DescribeTags(harness.Ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{filter("resource-id", vpc)}}))(t)
	if len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Value) != "prod" || tags.Tags[0].ResourceType != types.ResourceTypeVpc {
		t.Fatalf("tags %+v", tags.Tags)
	}
	// A key and a value only remove a tag whose value matches.
	harness.Must(c.DeleteTags(harness.Ctx, &ec2.DeleteTagsInput{Resources: []string{vpc}, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team")}}}))(t)
	tags = harness.Must(c.DescribeTags(harness.Ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{filter("key", "env")}}))(t)
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "prod" {
		t.Fatalf("after delete %+v", tags.Tags)
	}
	_, err := c.CreateTags(harness.Ctx, &ec2.CreateTagsInput{Resources: []string{"vpc-0000000000000000a"}, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	harness.AssertAPIError(t, err, "InvalidVpcID.NotFound")
	_, err = c.CreateTags(harness.Ctx, &ec2.CreateTagsInput{Resources: []string{"nonsense"}, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	harness.AssertAPIError(t, err, "InvalidID")
	_, err = c.CreateTags(harness.Ctx, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("b")}}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	p := ec2.NewDescribeTagsPaginator(c, &ec2.DescribeTagsInput{MaxResults: aws.Int32(5)})
	if !p.HasMorePages() {
		t.Fatal("no pages")
	}
}
