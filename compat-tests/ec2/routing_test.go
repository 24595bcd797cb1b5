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
	vpc := must[*ec2.CreateVpcOutput](t)(c.CreateVpc(harness.Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16"), TagSpecifications: nameTag(types.ResourceTypeVpc, "app")}))
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	a := createSubnet(t, c, vpcID, "10.20.1.0/24", "us-east-1a")
	b := createSubnet(t, c, vpcID, "10.20.2.0/24", "us-east-1b")
	sg := must[*ec2.CreateSecurityGroupOutput](t)(c.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("app"), Description: aws.String("app"), VpcId: aws.String(vpcID)}))
	must[*ec2.AuthorizeSecurityGroupIngressOutput](t)(c.AuthorizeSecurityGroupIngress(harness.Ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{tcp(80, "0.0.0.0/0")}}))

	igw := must[*ec2.CreateInternetGatewayOutput](t)(c.CreateInternetGateway(harness.Ctx, &ec2.CreateInternetGatewayInput{TagSpecifications: nameTag(types.ResourceTypeInternetGateway, "gw")}))
	igwID := aws.ToString(igw.InternetGateway.InternetGatewayId)
	if err := ec2.NewInternetGatewayExistsWaiter(c).Wait(harness.Ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{igwID}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	rt := must[*ec2.CreateRouteTableOutput](t)(c.CreateRouteTable(harness.Ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID)}))
	rtID := aws.ToString(rt.RouteTable.RouteTableId)
	// A route through a gateway of another network is refused.
	_, err := c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igwID)})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	must[*ec2.AttachInternetGatewayOutput](t)(c.AttachInternetGateway(harness.Ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String(vpcID)}))
	_, err = c.AttachInternetGateway(harness.Ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String(vpcID)})
	harness.AssertAPIError(t, err, "Resource.AlreadyAssociated")
	must[*ec2.CreateRouteOutput](t)(c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igwID)}))
	_, err = c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igwID)})
	harness.AssertAPIError(t, err, "RouteAlreadyExists")
	assoc := must[*ec2.AssociateRouteTableOutput](t)(c.AssociateRouteTable(harness.Ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rtID), SubnetId: aws.String(a)}))
	must[*ec2.AssociateRouteTableOutput](t)(c.AssociateRouteTable(harness.Ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rtID), SubnetId: aws.String(b)}))
	_, err = c.AssociateRouteTable(harness.Ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rtID), SubnetId: aws.String(a)})
	harness.AssertAPIError(t, err, "Resource.AlreadyAssociated")

	got := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("association.subnet-id", a)}}))
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
	must[*ec2.DisassociateRouteTableOutput](t)(c.DisassociateRouteTable(harness.Ctx, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId}))
	must[*ec2.DeleteSubnetOutput](t)(c.DeleteSubnet(harness.Ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(b)}))
	must[*ec2.DeleteRouteOutput](t)(c.DeleteRoute(harness.Ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0")}))
	must[*ec2.DeleteRouteTableOutput](t)(c.DeleteRouteTable(harness.Ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rtID)}))
	_, err = c.DetachInternetGateway(harness.Ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String("vpc-0000000000000000a")})
	harness.AssertAPIError(t, err, "Gateway.NotAttached")
	must[*ec2.DetachInternetGatewayOutput](t)(c.DetachInternetGateway(harness.Ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String(vpcID)}))
	must[*ec2.DeleteInternetGatewayOutput](t)(c.DeleteInternetGateway(harness.Ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igwID)}))
	must[*ec2.DeleteSecurityGroupOutput](t)(c.DeleteSecurityGroup(harness.Ctx, &ec2.DeleteSecurityGroupInput{GroupId: sg.GroupId}))
	must[*ec2.DeleteSubnetOutput](t)(c.DeleteSubnet(harness.Ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(a)}))
	must[*ec2.DeleteVpcOutput](t)(c.DeleteVpc(harness.Ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}))
}

func TestReplaceRoutesAndAssociations(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.4.0.0/16")
	sub := createSubnet(t, c, vpc, "10.4.0.0/24", "us-east-1a")
	rt1 := must[*ec2.CreateRouteTableOutput](t)(c.CreateRouteTable(harness.Ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})).RouteTable.RouteTableId
	rt2 := must[*ec2.CreateRouteTableOutput](t)(c.CreateRouteTable(harness.Ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})).RouteTable.RouteTableId
	a := must[*ec2.AssociateRouteTableOutput](t)(c.AssociateRouteTable(harness.Ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt1, SubnetId: aws.String(sub)}))
	r := must[*ec2.ReplaceRouteTableAssociationOutput](t)(c.ReplaceRouteTableAssociation(harness.Ctx, &ec2.ReplaceRouteTableAssociationInput{AssociationId: a.AssociationId, RouteTableId: rt2}))
	got := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("association.route-table-association-id", aws.ToString(r.NewAssociationId))}}))
	if len(got.RouteTables) != 1 || aws.ToString(got.RouteTables[0].RouteTableId) != aws.ToString(rt2) {
		t.Fatalf("replaced association %+v", got.RouteTables)
	}
	eni := must[*ec2.CreateNetworkInterfaceOutput](t)(c.CreateNetworkInterface(harness.Ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(sub)}))
	must[*ec2.CreateRouteOutput](t)(c.CreateRoute(harness.Ctx, &ec2.CreateRouteInput{RouteTableId: rt2, DestinationCidrBlock: aws.String("192.168.0.0/16"), NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId}))
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
	eip := must[*ec2.AllocateAddressOutput](t)(c.AllocateAddress(harness.Ctx, &ec2.AllocateAddressInput{Domain: types.DomainTypeVpc, TagSpecifications: nameTag(types.ResourceTypeElasticIp, "nat")}))
	if eip.Domain != types.DomainTypeVpc || aws.ToString(eip.PublicIp) == "" {
		t.Fatalf("eip %+v", eip)
	}
	nat := must[*ec2.CreateNatGatewayOutput](t)(c.CreateNatGateway(harness.Ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(sub), AllocationId: eip.AllocationId}))
	natID := aws.ToString(nat.NatGateway.NatGatewayId)
	if nat.NatGateway.State != types.NatGatewayStatePending || aws.ToString(nat.NatGateway.NatGatewayAddresses[0].PublicIp) != aws.ToString(eip.PublicIp) {
		t.Fatalf("nat %+v", nat.NatGateway)
	}
	if err := ec2.NewNatGatewayAvailableWaiter(c, func(o *ec2.NatGatewayAvailableWaiterOptions) { o.MinDelay = time.Second }).Wait(harness.Ctx,
		&ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{natID}}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	nats := must[*ec2.DescribeNatGatewaysOutput](t)(c.DescribeNatGateways(harness.Ctx, &ec2.DescribeNatGatewaysInput{Filter: []types.Filter{filter("subnet-id", sub), filter("state", "available")}}))
	if len(nats.NatGateways) != 1 || aws.ToString(nats.NatGateways[0].VpcId) != vpc {
		t.Fatalf("nat gateways %+v", nats.NatGateways)
	}
	_, err := c.DeleteNatGateway(harness.Ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String("nat-0000000000000000a")})
	harness.AssertAPIError(t, err, "NatGatewayNotFound")
	// The NAT gateway's interface shows in its subnet, with the Elastic IP.
	enis := must[*ec2.DescribeNetworkInterfacesOutput](t)(c.DescribeNetworkInterfaces(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("interface-type", "nat_gateway")}}))
	if len(enis.NetworkInterfaces) != 1 || aws.ToString(enis.NetworkInterfaces[0].Association.PublicIp) != aws.ToString(eip.PublicIp) {
		t.Fatalf("nat interface %+v", enis.NetworkInterfaces)
	}
	addrs := must[*ec2.DescribeAddressesOutput](t)(c.DescribeAddresses(harness.Ctx, &ec2.DescribeAddressesInput{AllocationIds: []string{aws.ToString(eip.AllocationId)}}))
	if aws.ToString(addrs.Addresses[0].NetworkInterfaceId) != aws.ToString(enis.NetworkInterfaces[0].NetworkInterfaceId) || tagValue(addrs.Addresses[0].Tags, "Name") != "nat" {
		t.Errorf("address %+v", addrs.Addresses[0])
	}
	_, err = c.ReleaseAddress(harness.Ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	harness.AssertAPIError(t, err, "InvalidIPAddress.InUse")
	attrs := must[*ec2.DescribeAddressesAttributeOutput](t)(c.DescribeAddressesAttribute(harness.Ctx, &ec2.DescribeAddressesAttributeInput{
		AllocationIds: []string{aws.ToString(eip.AllocationId)}, Attribute: types.AddressAttributeNameDomainName}))
	if len(attrs.Addresses) != 1 || aws.ToString(attrs.Addresses[0].PublicIp) != aws.ToString(eip.PublicIp) {
		t.Errorf("address attributes %+v", attrs.Addresses)
	}
	must[*ec2.DeleteNatGatewayOutput](t)(c.DeleteNatGateway(harness.Ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(natID)}))
	if err := ec2.NewNatGatewayDeletedWaiter(c, func(o *ec2.NatGatewayDeletedWaiterOptions) { o.MinDelay = time.Second }).Wait(harness.Ctx,
		&ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{natID}}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	// A second address associated with an interface, then released.
	eni := must[*ec2.CreateNetworkInterfaceOutput](t)(c.CreateNetworkInterface(harness.Ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(sub)}))
	eip2 := must[*ec2.AllocateAddressOutput](t)(c.AllocateAddress(harness.Ctx, &ec2.AllocateAddressInput{}))
	as := must[*ec2.AssociateAddressOutput](t)(c.AssociateAddress(harness.Ctx, &ec2.AssociateAddressInput{AllocationId: eip2.AllocationId, NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId}))
	byIP := must[*ec2.DescribeNetworkInterfacesOutput](t)(c.DescribeNetworkInterfaces(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("association.public-ip", aws.ToString(eip2.PublicIp))}}))
	if len(byIP.NetworkInterfaces) != 1 {
		t.Errorf("interface by public ip: %d", len(byIP.NetworkInterfaces))
	}
	must[*ec2.DisassociateAddressOutput](t)(c.DisassociateAddress(harness.Ctx, &ec2.DisassociateAddressInput{AssociationId: as.AssociationId}))
	_, err = c.DisassociateAddress(harness.Ctx, &ec2.DisassociateAddressInput{AssociationId: as.AssociationId})
	harness.AssertAPIError(t, err, "InvalidAssociationID.NotFound")
	must[*ec2.ReleaseAddressOutput](t)(c.ReleaseAddress(harness.Ctx, &ec2.ReleaseAddressInput{AllocationId: eip2.AllocationId}))
	must[*ec2.ReleaseAddressOutput](t)(c.ReleaseAddress(harness.Ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId}))
	_, err = c.ReleaseAddress(harness.Ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	harness.AssertAPIError(t, err, "InvalidAllocationID.NotFound")
}

func TestVpcEndpoints(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.6.0.0/16")
	sub := createSubnet(t, c, vpc, "10.6.0.0/24", "us-east-1a")
	rts := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("vpc-id", vpc)}}))
	rtID := aws.ToString(rts.RouteTables[0].RouteTableId)
	gw := must[*ec2.CreateVpcEndpointOutput](t)(c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc),
		ServiceName: aws.String("com.amazonaws.us-east-1.s3"), RouteTableIds: []string{rtID}}))
	if gw.VpcEndpoint.VpcEndpointType != types.VpcEndpointTypeGateway || gw.VpcEndpoint.State != types.StateAvailable {
		t.Fatalf("gateway endpoint %+v", gw.VpcEndpoint)
	}
	rts = must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtID}}))
	if len(rts.RouteTables[0].Routes) != 2 || aws.ToString(rts.RouteTables[0].Routes[1].GatewayId) != aws.ToString(gw.VpcEndpoint.VpcEndpointId) {
		t.Errorf("endpoint route %+v", rts.RouteTables[0].Routes)
	}
	pls := must[*ec2.DescribePrefixListsOutput](t)(c.DescribePrefixLists(harness.Ctx, &ec2.DescribePrefixListsInput{Filters: []types.Filter{filter("prefix-list-name", "com.amazonaws.us-east-1.s3")}}))
	if len(pls.PrefixLists) != 1 || aws.ToString(pls.PrefixLists[0].PrefixListId) != aws.ToString(rts.RouteTables[0].Routes[1].DestinationPrefixListId) || len(pls.PrefixLists[0].Cidrs) == 0 {
		t.Errorf("prefix lists %+v", pls.PrefixLists)
	}
	iface := must[*ec2.CreateVpcEndpointOutput](t)(c.CreateVpcEndpoint(harness.Ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc),
		ServiceName: aws.String("com.amazonaws.us-east-1.ecr.api"), VpcEndpointType: types.VpcEndpointTypeInterface, SubnetIds: []string{sub}}))
	if len(iface.VpcEndpoint.NetworkInterfaceIds) != 1 || !aws.ToBool(iface.VpcEndpoint.PrivateDnsEnabled) {
		t.Fatalf("interface endpoint %+v", iface.VpcEndpoint)
	}
	if len(iface.VpcEndpoint.DnsEntries) != 2 || aws.ToString(iface.VpcEndpoint.DnsEntries[1].DnsName) != "api.ecr.us-east-1.amazonaws.com" {
		t.Errorf("dns entries %+v", iface.VpcEndpoint.DnsEntries)
	}
	svcs := must[*ec2.DescribeVpcEndpointServicesOutput](t)(c.DescribeVpcEndpointServices(harness.Ctx, &ec2.DescribeVpcEndpointServicesInput{
		Filters: []types.Filter{filter("service-type", "Gateway")}}))
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
		page := must[*ec2.DescribeVpcEndpointsOutput](t)(p.NextPage(harness.Ctx))
		n += len(page.VpcEndpoints)
	}
	if n != 2 {
		t.Errorf("endpoints %d", n)
	}
	del := must[*ec2.DeleteVpcEndpointsOutput](t)(c.DeleteVpcEndpoints(harness.Ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{
		aws.ToString(gw.VpcEndpoint.VpcEndpointId), aws.ToString(iface.VpcEndpoint.VpcEndpointId), "vpce-0000000000000000a"}}))
	if len(del.Unsuccessful) != 1 || aws.ToString(del.Unsuccessful[0].ResourceId) != "vpce-0000000000000000a" {
		t.Errorf("unsuccessful %+v", del.Unsuccessful)
	}
	enis := must[*ec2.DescribeNetworkInterfacesOutput](t)(c.DescribeNetworkInterfaces(harness.Ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("subnet-id", sub)}}))
	if len(enis.NetworkInterfaces) != 0 {
		t.Errorf("endpoint interfaces left: %d", len(enis.NetworkInterfaces))
	}
}

func TestTags(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.7.0.0/16")
	must[*ec2.CreateTagsOutput](t)(c.CreateTags(harness.Ctx, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []types.Tag{
		{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team"), Value: aws.String("a")}}}))
	must[*ec2.CreateTagsOutput](t)(c.CreateTags(harness.Ctx, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}))
	tags := must[*ec2.DescribeTagsOutput](t)(c.DescribeTags(harness.Ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{filter("resource-id", vpc)}}))
	if len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Value) != "prod" || tags.Tags[0].ResourceType != types.ResourceTypeVpc {
		t.Fatalf("tags %+v", tags.Tags)
	}
	// A key and a value only remove a tag whose value matches.
	must[*ec2.DeleteTagsOutput](t)(c.DeleteTags(harness.Ctx, &ec2.DeleteTagsInput{Resources: []string{vpc}, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team")}}}))
	tags = must[*ec2.DescribeTagsOutput](t)(c.DescribeTags(harness.Ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{filter("key", "env")}}))
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
