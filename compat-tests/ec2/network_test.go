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

func TestVpcLifecycleAndValidation(t *testing.T) {
	c := client(t)
	out := harness.Must(c.CreateVpc(harness.Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"),
		TagSpecifications: nameTag(types.ResourceTypeVpc, "main")}))(t)
	id := aws.ToString(out.Vpc.VpcId)
	if !strings.HasPrefix(id, "vpc-") || len(id) != 21 || tagValue(out.Vpc.Tags, "Name") != "main" || aws.ToBool(out.Vpc.IsDefault) {
		t.Fatalf("vpc %+v", out.Vpc)
	}
	if err := ec2.NewVpcAvailableWaiter(c, func(o *ec2.VpcAvailableWaiterOptions) { o.MinDelay = time.Second }).Wait(harness.Ctx,
		&ec2.DescribeVpcsInput{VpcIds: []string{id}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := ec2.NewVpcExistsWaiter(c).Wait(harness.Ctx, &ec2.DescribeVpcsInput{VpcIds: []string{id}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ cidr, code string }{
		{"10.0.0.0/8", "InvalidVpc.Range"}, {"10.0.0.0/29", "InvalidVpc.Range"}, {"10.0.0.1/16", "InvalidParameterValue"}, {"nope", "InvalidParameterValue"},
	} {
		_, err := c.CreateVpc(harness.Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(bad.cidr)})
		ae := harness.AssertAPIError(t, err, bad.code)
		if bad.code == "InvalidVpc.Range" && ae.ErrorMessage() != "The CIDR '"+bad.cidr+"' is invalid." {
			t.Errorf("message %q", ae.ErrorMessage())
		}
	}
	// A new VPC has DNS support, no DNS host names, its own main route table, default ACL and default group.
	attr := harness.Must(c.DescribeVpcAttribute(harness.Ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(id), Attribute: types.VpcAttributeNameEnableDnsSupport}))(t)
	if !aws.ToBool(attr.EnableDnsSupport.Value) || attr.EnableDnsHostnames != nil {
		t.Errorf("dns support %+v", attr)
	}
	harness.Must(c.ModifyVpcAttribute(harness.Ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(id),
		EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))(t)
	attr = harness.Must(c.DescribeVpcAttribute(harness.Ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(id), Attribute: types.VpcAttributeNameEnableDnsHostnames}))(t)
	if !aws.ToBool(attr.EnableDnsHostnames.Value) {
		t.Errorf("dns hostnames not enabled")
	}
	rts := harness.Must(c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("vpc-id", id)}}))(t)
	if len(rts.RouteTables) != 1 || !aws.ToBool(rts.RouteTables[0].Associations[0].Main) || len(rts.RouteTables[0].Routes) != 1 {
		t.Errorf("main route table %+v", rts.RouteTables)
	}
	// Filters: wildcards, tags, unknown names.
	got := harness.Must(c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("cidr", "10.0.*")}}))(t)
	if len(got.Vpcs) != 1 || aws.ToString(got.Vpcs[0].VpcId) != id {
		t.Errorf("wildcard filter: %d", len(got.Vpcs))
	}
	got = harness.Must(c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("tag:Name", "ma?n")}}))(t)
	if len(got.Vpcs) != 1 {
		t.Errorf("tag filter: %d", len(got.Vpcs))
	}
	got = harness.Must(c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("tag-key", "Other")}}))(t)
	if len(got.Vpcs) != 0 {
		t.Errorf("tag-key filter: %d", len(got.Vpcs))
	}
	_, err := c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("colour", "red")}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	_, err = c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0123456789abcdef0"}})
	if ae := harness.AssertAPIError(t, err, "InvalidVpcID.NotFound"); ae.ErrorMessage() != "The vpc ID 'vpc-0123456789abcdef0' does not exist" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// A VPC with a subnet cannot be deleted.
	sub := createSubnet(t, c, id, "10.0.1.0/24", "us-east-1a")
	_, err = c.DeleteVpc(harness.Ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)})
	harness.AssertAPIError(t, err, "DependencyViolation")
	harness.Must(c.DeleteSubnet(harness.Ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(sub)}))(t)
	harness.Must(c.DeleteVpc(harness.Ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)}))(t)
	_, err = c.DeleteVpc(harness.Ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)})
	harness.AssertAPIError(t, err, "InvalidVpcID.NotFound")
	// Its default group went with it.
	groups := harness.Must(c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{filter("vpc-id", id)}}))(t)
	if len(groups.SecurityGroups) != 0 {
		t.Errorf("groups left: %d", len(groups.SecurityGroups))
	}
}

func TestSubnetValidationAndAddressCount(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.1.0.0/16")
	out := harness.Must(c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String("10.1.0.0/24"),
		AvailabilityZoneId: aws.String("use1-az2"), TagSpecifications: nameTag(types.ResourceTypeSubnet, "a")}))(t)
	s := out.Subnet
	if aws.ToString(s.AvailabilityZone) != "us-east-1b" || aws.ToInt32(s.AvailableIpAddressCount) != 251 || aws.ToBool(s.MapPublicIpOnLaunch) ||
		aws.ToBool(s.DefaultForAz) || tagValue(s.Tags, "Name") != "a" {
		t.Fatalf("subnet %+v", s)
	}
	if err := ec2.NewSubnetAvailableWaiter(c).Wait(harness.Ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(s.SubnetId)}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ cidr, zone, code, msg string }{
		{"10.1.0.128/25", "us-east-1a", "InvalidSubnet.Conflict", "The CIDR '10.1.0.128/25' conflicts with another subnet"},
		{"10.2.0.0/24", "us-east-1a", "InvalidSubnet.Range", "The CIDR '10.2.0.0/24' is invalid."},
		{"10.1.0.0/29", "us-east-1a", "InvalidSubnet.Range", "The CIDR '10.1.0.0/29' is invalid."},
		{"10.1.9.0/24", "us-east-1z", "InvalidParameterValue", ""},
	} {
		_, err := c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(bad.cidr), AvailabilityZone: aws.String(bad.zone)})
		ae := harness.AssertAPIError(t, err, bad.code)
		if bad.msg != "" && ae.ErrorMessage() != bad.msg {
			t.Errorf("%s: message %q", bad.cidr, ae.ErrorMessage())
		}
	}
	_, err := c.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: aws.String("vpc-0000000000000000a"), CidrBlock: aws.String("10.0.0.0/24")})
	harness.AssertAPIError(t, err, "InvalidVpcID.NotFound")
	// Each interface takes an address; the free count goes down and comes back.
	var enis []string
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		e := harness.Must(c.CreateNetworkInterface(harness.Ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: s.SubnetId, Description: aws.String("task")}))(t)
		ip := aws.ToString(e.NetworkInterface.PrivateIpAddress)
		if seen[ip] || !strings.HasPrefix(ip, "10.1.0.") || ip == "10.1.0.0" || ip == "10.1.0.1" || ip == "10.1.0.2" || ip == "10.1.0.3" {
			t.Errorf("address %s", ip)
		}
		seen[ip] = true
		enis = append(enis, aws.ToString(e.NetworkInterface.NetworkInterfaceId))
	}
	desc := harness.Must(c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(s.SubnetId)}}))(t)
	if n := aws.ToInt32(desc.Subnets[0].AvailableIpAddressCount); n != 248 {
		t.Errorf("free after 3 interfaces: %d", n)
	}
	_, err = c.DeleteSubnet(harness.Ctx, &ec2.DeleteSubnetInput{SubnetId: s.SubnetId})
	harness.AssertAPIError(t, err, "DependencyViolation")
	for _, id := range enis {
		harness.Must(c.DeleteNetworkInterface(harness.Ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(id)}))(t)
	}
	desc = harness.Must(c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{filter("available-ip-address-count", "251"), filter("vpc-id", vpc)}}))(t)
	if len(desc.Subnets) != 1 {
		t.Errorf("free after delete: %d subnets match", len(desc.Subnets))
	}
	harness.Must(c.ModifySubnetAttribute(harness.Ctx, &ec2.ModifySubnetAttributeInput{SubnetId: s.SubnetId,
		MapPublicIpOnLaunch: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))(t)
	desc = harness.Must(c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{filter("map-public-ip-on-launch", "true"), filter("vpc-id", vpc)}}))(t)
	if len(desc.Subnets) != 1 {
		t.Errorf("map public ip not set")
	}
	_, err = c.DeleteSubnet(harness.Ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String("subnet-0000000000000000a")})
	if ae := harness.AssertAPIError(t, err, "InvalidSubnetID.NotFound"); ae.ErrorMessage() != "The subnet ID 'subnet-0000000000000000a' does not exist" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func TestDescribePaginationAndDryRun(t *testing.T) {
	c := client(t)
	p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(5)})
	pages, total := 0, 0
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		total += len(page.Subnets)
	}
	if pages != 2 || total != 6 {
		t.Fatalf("pages %d total %d", pages, total)
	}
	_, err := c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{NextToken: aws.String("forged")})
	harness.AssertAPIError(t, err, "InvalidNextToken")
	_, err = c.CreateVpc(harness.Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16"), DryRun: aws.Bool(true)})
	harness.AssertAPIError(t, err, "DryRunOperation")
	vpcs := harness.Must(c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{}))(t)
	if len(vpcs.Vpcs) != 1 {
		t.Errorf("dry run created a VPC")
	}
}
