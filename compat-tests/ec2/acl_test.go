package ec2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestNetworkAclsAndDhcpOptions(t *testing.T) {
	c := client(t)
	vpc := createVpc(t, c, "10.9.0.0/16")
	sub := createSubnet(t, c, vpc, "10.9.0.0/24", "us-east-1a")
	acl := harness.Must(c.CreateNetworkAcl(harness.Ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(vpc), TagSpecifications: nameTag(types.ResourceTypeNetworkAcl, "private")}))(t)
	id := acl.NetworkAcl.NetworkAclId
	if aws.ToBool(acl.NetworkAcl.IsDefault) || len(acl.NetworkAcl.Entries) != 2 || acl.NetworkAcl.Entries[0].RuleAction != types.RuleActionDeny {
		t.Fatalf("new acl %+v", acl.NetworkAcl)
	}
	entry := &ec2.CreateNetworkAclEntryInput{NetworkAclId: id, RuleNumber: aws.Int32(100), Protocol: aws.String("tcp"), RuleAction: types.RuleActionAllow,
		Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0"), PortRange: &types.PortRange{From: aws.Int32(443), To: aws.Int32(443)}}
	harness.Must(c.CreateNetworkAclEntry(harness.Ctx, entry))(t)
	_, err := c.CreateNetworkAclEntry(harness.Ctx, entry)
	harness.AssertAPIError(t, err, "NetworkAclEntryAlreadyExists")
	harness.Must(c.ReplaceNetworkAclEntry(harness.Ctx, &ec2.ReplaceNetworkAclEntryInput{NetworkAclId: id, RuleNumber: aws.Int32(100),
		Protocol: aws.String("-1"), RuleAction: types.RuleActionDeny, Egress: aws.Bool(false), CidrBlock: aws.String("10.0.0.0/8")}))(t)
	got := harness.Must(c.DescribeNetworkAcls(harness.Ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{filter("entry.rule-number", "100"), filter("tag:Name", "private")}}))(t)
	if len(got.NetworkAcls) != 1 || aws.ToString(got.NetworkAcls[0].NetworkAclId) != aws.ToString(id) {
		t.Fatalf("acl by entry %+v", got.NetworkAcls)
	}
	// Move the subnet from the default ACL to the new one, and back.
	def := harness.Must(c.DescribeNetworkAcls(harness.Ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{filter("association.subnet-id", sub)}}))(t)
	if len(def.NetworkAcls) != 1 || !aws.ToBool(def.NetworkAcls[0].IsDefault) {
		t.Fatalf("subnet's acl %+v", def.NetworkAcls)
	}
	moved := harness.Must(c.ReplaceNetworkAclAssociation(harness.Ctx, &ec2.ReplaceNetworkAclAssociationInput{
		AssociationId: def.NetworkAcls[0].Associations[0].NetworkAclAssociationId, NetworkAclId: id}))(t)
	_, err = c.DeleteNetworkAcl(harness.Ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: id})
	harness.AssertAPIError(t, err, "DependencyViolation")
	harness.Must(c.ReplaceNetworkAclAssociation(harness.Ctx, &ec2.ReplaceNetworkAclAssociationInput{
		AssociationId: moved.NewAssociationId, NetworkAclId: def.NetworkAcls[0].NetworkAclId}))(t)
	harness.Must(c.DeleteNetworkAclEntry(harness.Ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: id, RuleNumber: aws.Int32(100), Egress: aws.Bool(false)}))(t)
	_, err = c.DeleteNetworkAclEntry(harness.Ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: id, RuleNumber: aws.Int32(100), Egress: aws.Bool(false)})
	harness.AssertAPIError(t, err, "InvalidNetworkAclEntry.NotFound")
	harness.Must(c.DeleteNetworkAcl(harness.Ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: id}))(t)
	_, err = c.DeleteNetworkAcl(harness.Ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: def.NetworkAcls[0].NetworkAclId})
	harness.AssertAPIError(t, err, "InvalidParameterValue")

	dopt := harness.Must(c.CreateDhcpOptions(harness.Ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []types.NewDhcpConfiguration{
		{Key: aws.String("domain-name"), Values: []string{"corp.internal"}}, {Key: aws.String("domain-name-servers"), Values: []string{"AmazonProvidedDNS"}}}}))(t)
	harness.Must(c.AssociateDhcpOptions(harness.Ctx, &ec2.AssociateDhcpOptionsInput{VpcId: aws.String(vpc), DhcpOptionsId: dopt.DhcpOptions.DhcpOptionsId}))(t)
	_, err = c.DeleteDhcpOptions(harness.Ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: dopt.DhcpOptions.DhcpOptionsId})
	harness.AssertAPIError(t, err, "DependencyViolation")
	v := harness.Must(c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("dhcp-options-id", aws.ToString(dopt.DhcpOptions.DhcpOptionsId))}}))(t)
	if len(v.Vpcs) != 1 {
		t.Errorf("vpcs with options %d", len(v.Vpcs))
	}
	harness.Must(c.AssociateDhcpOptions(harness.Ctx, &ec2.AssociateDhcpOptionsInput{VpcId: aws.String(vpc), DhcpOptionsId: aws.String("default")}))(t)
	harness.Must(c.DeleteDhcpOptions(harness.Ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: dopt.DhcpOptions.DhcpOptionsId}))(t)
	_, err = c.CreateDhcpOptions(harness.Ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []types.NewDhcpConfiguration{{Key: aws.String("colour"), Values: []string{"x"}}}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
}
