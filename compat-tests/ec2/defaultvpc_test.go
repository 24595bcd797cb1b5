package ec2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A fresh account has a default VPC as AWS creates it.
func TestDefaultVpcAsAFreshAccountHasIt(t *testing.T) {
	c := client(t)
	vpcs := harness.Must(c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("is-default", "true")}}))(t)
	if len(vpcs.Vpcs) != 1 {
		t.Fatalf("default vpcs: %d", len(vpcs.Vpcs))
	}
	v := vpcs.Vpcs[0]
	vpcID := aws.ToString(v.VpcId)
	if aws.ToString(v.CidrBlock) != "172.31.0.0/16" || v.State != types.VpcStateAvailable || !aws.ToBool(v.IsDefault) || aws.ToString(v.OwnerId) != "000000000000" {
		t.Fatalf("default vpc %+v", v)
	}
	subnets := harness.Must(c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{filter("vpc-id", vpcID)}}))(t)
	if len(subnets.Subnets) != 6 {
		t.Fatalf("us-east-1 default subnets: %d", len(subnets.Subnets))
	}
	for i, s := range subnets.Subnets {
		zone := "us-east-1" + string(rune('a'+i))
		wantCIDR := []string{"172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20", "172.31.48.0/20", "172.31.64.0/20", "172.31.80.0/20"}[i]
		if aws.ToString(s.AvailabilityZone) != zone || aws.ToString(s.CidrBlock) != wantCIDR || !aws.ToBool(s.DefaultForAz) ||
			!aws.ToBool(s.MapPublicIpOnLaunch) || aws.ToInt32(s.AvailableIpAddressCount) != 4091 {
			t.Errorf("subnet %d: %s %s default=%v public=%v free=%d", i, aws.ToString(s.AvailabilityZone), aws.ToString(s.CidrBlock),
				aws.ToBool(s.DefaultForAz), aws.ToBool(s.MapPublicIpOnLaunch), aws.ToInt32(s.AvailableIpAddressCount))
		}
		if aws.ToString(s.AvailabilityZoneId) != "use1-az"+string(rune('1'+i)) {
			t.Errorf("zone id %s", aws.ToString(s.AvailabilityZoneId))
		}
		if aws.ToString(s.SubnetArn) != "arn:aws:ec2:us-east-1:000000000000:subnet/"+aws.ToString(s.SubnetId) {
			t.Errorf("subnet arn %s", aws.ToString(s.SubnetArn))
		}
	}
	groups := harness.Must(c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{filter("vpc-id", vpcID), filter("group-name", "default")}}))(t)
	if len(groups.SecurityGroups) != 1 {
		t.Fatalf("default groups %d", len(groups.SecurityGroups))
	}
	g := groups.SecurityGroups[0]
	if aws.ToString(g.Description) != "default VPC security group" || len(g.IpPermissions) != 1 || len(g.IpPermissionsEgress) != 1 {
		t.Fatalf("default group %+v", g)
	}
	in := g.IpPermissions[0]
	if aws.ToString(in.IpProtocol) != "-1" || len(in.UserIdGroupPairs) != 1 || aws.ToString(in.UserIdGroupPairs[0].GroupId) != aws.ToString(g.GroupId) {
		t.Errorf("default ingress %+v", in)
	}
	out := g.IpPermissionsEgress[0]
	if aws.ToString(out.IpProtocol) != "-1" || len(out.IpRanges) != 1 || aws.ToString(out.IpRanges[0].CidrIp) != "0.0.0.0/0" {
		t.Errorf("default egress %+v", out)
	}
	igws := harness.Must(c.DescribeInternetGateways(harness.Ctx, &ec2.DescribeInternetGatewaysInput{
		Filters: []types.Filter{filter("attachment.vpc-id", vpcID)}}))(t)
	if len(igws.InternetGateways) != 1 || string(igws.InternetGateways[0].Attachments[0].State) != "available" {
		t.Fatalf("igws %+v", igws.InternetGateways)
	}
	rts := harness.Must(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{
		Filters: []types.Filter{filter("vpc-id", vpcID), filter("association.main", "true")}}))(t)
	if len(rts.RouteTables) != 1 || len(rts.RouteTables[0].Routes) != 2 {
		t.Fatalf("main route table %+v", rts.RouteTables)
	}
	routes := rts.RouteTables[0].Routes
	if aws.ToString(routes[0].GatewayId) != "local" || aws.ToString(routes[0].DestinationCidrBlock) != "172.31.0.0/16" ||
		aws.ToString(routes[1].GatewayId) != aws.ToString(igws.InternetGateways[0].InternetGatewayId) || aws.ToString(routes[1].DestinationCidrBlock) != "0.0.0.0/0" {
		t.Errorf("routes %+v", routes)
	}
	acls := harness.Must(c.DescribeNetworkAcls(harness.Ctx, &ec2.DescribeNetworkAclsInput{
		Filters: []types.Filter{filter("vpc-id", vpcID), filter("default", "true")}}))(t)
	if len(acls.NetworkAcls) != 1 || len(acls.NetworkAcls[0].Entries) != 4 || len(acls.NetworkAcls[0].Associations) != 6 {
		t.Fatalf("default acl %+v", acls.NetworkAcls)
	}
	dopts := harness.Must(c.DescribeDhcpOptions(harness.Ctx, &ec2.DescribeDhcpOptionsInput{DhcpOptionsIds: []string{aws.ToString(v.DhcpOptionsId)}}))(t)
	if len(dopts.DhcpOptions) != 1 || aws.ToString(dopts.DhcpOptions[0].DhcpConfigurations[0].Values[0].Value) != "ec2.internal" {
		t.Fatalf("dhcp %+v", dopts.DhcpOptions)
	}
	attrs := harness.Must(c.DescribeAccountAttributes(harness.Ctx, &ec2.DescribeAccountAttributesInput{
		AttributeNames: []types.AccountAttributeName{types.AccountAttributeNameDefaultVpc, types.AccountAttributeNameSupportedPlatforms}}))(t)
	got := map[string]string{}
	for _, a := range attrs.AccountAttributes {
		got[aws.ToString(a.AttributeName)] = aws.ToString(a.AttributeValues[0].AttributeValue)
	}
	if got["default-vpc"] != vpcID || got["supported-platforms"] != "VPC" || len(got) != 2 {
		t.Errorf("account attributes %v", got)
	}
	dns := harness.Must(c.DescribeVpcAttribute(harness.Ctx, &ec2.DescribeVpcAttributeInput{VpcId: v.VpcId, Attribute: types.VpcAttributeNameEnableDnsHostnames}))(t)
	if !aws.ToBool(dns.EnableDnsHostnames.Value) {
		t.Errorf("default vpc dns hostnames off")
	}
}

func TestDefaultVpcIsPerRegion(t *testing.T) {
	ls := harness.Start(t)
	c := ec2.NewFromConfig(ls.Config, func(o *ec2.Options) { o.Region = "eu-central-1" })
	subnets := harness.Must(c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{}))(t)
	if len(subnets.Subnets) != 3 || aws.ToString(subnets.Subnets[0].AvailabilityZoneId) != "euc1-az1" {
		t.Fatalf("eu-central-1 subnets %d", len(subnets.Subnets))
	}
	zones := harness.Must(c.DescribeAvailabilityZones(harness.Ctx, &ec2.DescribeAvailabilityZonesInput{}))(t)
	if len(zones.AvailabilityZones) != 3 || aws.ToString(zones.AvailabilityZones[2].ZoneName) != "eu-central-1c" {
		t.Fatalf("zones %+v", zones.AvailabilityZones)
	}
	regions := harness.Must(c.DescribeRegions(harness.Ctx, &ec2.DescribeRegionsInput{RegionNames: []string{"us-west-2"}}))(t)
	if len(regions.Regions) != 1 || aws.ToString(regions.Regions[0].Endpoint) != "ec2.us-west-2.amazonaws.com" {
		t.Fatalf("regions %+v", regions.Regions)
	}
	_, err := c.DescribeAvailabilityZones(harness.Ctx, &ec2.DescribeAvailabilityZonesInput{ZoneNames: []string{"eu-central-1z"}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
}
