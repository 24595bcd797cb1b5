package harness

import (
	"net/netip"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2 gives every account and region a default VPC with one default subnet
// per availability zone; tests that need a network and have none of their
// own use it, as a configuration with no network does in AWS.

// DefaultNetworkHCL declares, for a Terraform configuration with no network of
// its own, the default VPC (data.aws_vpc.default) and its default subnets
// (data.aws_subnets.default).
const DefaultNetworkHCL = `
data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}
`

// DefaultSubnets returns the default VPC's default subnets, ordered by zone.
func DefaultSubnets(t testing.TB, cfg aws.Config) []string {
	t.Helper()
	var ids []string
	for _, s := range DefaultSubnetDetails(t, cfg) {
		ids = append(ids, aws.ToString(s.SubnetId))
	}
	return ids
}

// DefaultSubnetDetails returns the default subnets as EC2 describes them,
// ordered by zone, for tests that need a subnet's zone or CIDR block.
func DefaultSubnetDetails(t testing.TB, cfg aws.Config) []types.Subnet {
	t.Helper()
	out, err := ec2.NewFromConfig(cfg).DescribeSubnets(Ctx, &ec2.DescribeSubnetsInput{
		Filters: []types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatalf("DescribeSubnets: %v", err)
	}
	if len(out.Subnets) < 2 {
		t.Fatalf("%d default subnets, want one per zone", len(out.Subnets))
	}
	subnets := out.Subnets
	sort.Slice(subnets, func(i, j int) bool {
		return aws.ToString(subnets[i].AvailabilityZone) < aws.ToString(subnets[j].AvailabilityZone)
	})
	return subnets
}

// SubnetZones maps subnet ids to their availability zones, as EC2 has them.
func SubnetZones(t testing.TB, cfg aws.Config, ids ...string) map[string]string {
	t.Helper()
	out, err := ec2.NewFromConfig(cfg).DescribeSubnets(Ctx, &ec2.DescribeSubnetsInput{SubnetIds: ids})
	if err != nil {
		t.Fatalf("DescribeSubnets: %v", err)
	}
	zones := map[string]string{}
	for _, s := range out.Subnets {
		zones[aws.ToString(s.SubnetId)] = aws.ToString(s.AvailabilityZone)
	}
	return zones
}

// DefaultVPC returns the id of the default VPC.
func DefaultVPC(t testing.TB, cfg aws.Config) string {
	t.Helper()
	out, err := ec2.NewFromConfig(cfg).DescribeVpcs(Ctx, &ec2.DescribeVpcsInput{
		Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatalf("DescribeVpcs: %v", err)
	}
	if len(out.Vpcs) != 1 {
		t.Fatalf("%d default VPCs", len(out.Vpcs))
	}
	return aws.ToString(out.Vpcs[0].VpcId)
}

// DefaultSecurityGroup returns the id of the default VPC's default group.
func DefaultSecurityGroup(t testing.TB, cfg aws.Config) string {
	t.Helper()
	out, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(Ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{DefaultVPC(t, cfg)}}, {Name: aws.String("group-name"), Values: []string{"default"}}}})
	if err != nil {
		t.Fatalf("DescribeSecurityGroups: %v", err)
	}
	if len(out.SecurityGroups) != 1 {
		t.Fatalf("%d default groups in the default VPC", len(out.SecurityGroups))
	}
	return aws.ToString(out.SecurityGroups[0].GroupId)
}

// OtherVPC creates a VPC besides the default one with a subnet in each of
// the region's first two zones and a security group, for tests of
// references across VPCs.
func OtherVPC(t testing.TB, cfg aws.Config) (vpc string, subnets []string, group string) {
	t.Helper()
	c := ec2.NewFromConfig(cfg)
	v, err := c.CreateVpc(Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16")})
	if err != nil {
		t.Fatalf("CreateVpc: %v", err)
	}
	vpc = aws.ToString(v.Vpc.VpcId)
	for i, s := range DefaultSubnetDetails(t, cfg)[:2] {
		sn, err := c.CreateSubnet(Ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), AvailabilityZone: s.AvailabilityZone,
			CidrBlock: aws.String([]string{"10.20.1.0/24", "10.20.2.0/24"}[i])})
		if err != nil {
			t.Fatalf("CreateSubnet: %v", err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	g, err := c.CreateSecurityGroup(Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("other"), Description: aws.String("other VPC"), VpcId: aws.String(vpc)})
	if err != nil {
		t.Fatalf("CreateSecurityGroup: %v", err)
	}
	return vpc, subnets, aws.ToString(g.GroupId)
}

// CIDRContains tells whether a CIDR block holds an address.
func CIDRContains(t testing.TB, cidr, addr string) bool {
	t.Helper()
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		t.Fatalf("CIDR %q: %v", cidr, err)
	}
	a, err := netip.ParseAddr(addr)
	return err == nil && p.Contains(a)
}

// ClientConfig rebuilds the aws.Config a service client was made from (its
// Options' region, endpoint, credentials and HTTP client), for fixtures that
// hold only the client.
func ClientConfig(region string, endpoint *string, creds aws.CredentialsProvider, hc aws.HTTPClient) aws.Config {
	return aws.Config{Region: region, BaseEndpoint: endpoint, Credentials: creds, HTTPClient: hc,
		Retryer: func() aws.Retryer { return aws.NopRetryer{} }}
}
