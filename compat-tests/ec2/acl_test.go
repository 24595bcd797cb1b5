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
	acl := must[*ec2.CreateNetworkAclOutput](t)(c.CreateNetworkAcl(harness.Ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(vpc), TagSpecifications: nameTag(types.ResourceTypeNetworkAcl, "private")}))
	id := acl.NetworkAcl.NetworkAclId
	if aws.ToBool(acl.NetworkAcl.IsDefault) || len(acl.NetworkAcl.Entries) != 2 || acl.NetworkAcl.Entries[0].RuleAction != types.RuleActionDeny {
		t.Fatalf("new acl %+v", acl.NetworkAcl)
	}
	entry := &ec2.CreateNetworkAclEntryInput{NetworkAclId: id, RuleNumber: aws.Int32(100), Protocol: aws.String("tcp"), RuleAction: types.RuleActionAllow,
		Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0"), PortRange: &types.PortRange{From: aws.Int32(443), To: aws.Int32(443)}}
	must[*ec2.CreateNetworkAclEntryOutput](t)(c.CreateNetworkAclEntry(harness.Ctx, entry))
	_, err := c.CreateNetworkAclEntry(harness.Ctx, entry)
	harness.AssertAPIError(t, err, "NetworkAclEntryAlreadyExists")
	must[*ec2.ReplaceNetworkAclEntryOutput](t)(c.ReplaceNetworkAclEntry(harness.Ctx, &ec2.ReplaceNetworkAclEntryInput{NetworkAclId: id, RuleNumber: aws.Int32(100),
		Protocol: aws.String("-1"), RuleAction: types.RuleActionDeny, Egress: aws.Bool(false), CidrBlock: aws.String("10.0.0.0/8")}))
	got := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(harness.Ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{filter("entry.rule-number", "100"), filter("tag:Name", "private")}}))
	if len(got.NetworkAcls) != 1 || aws.ToString(got.NetworkAcls[0].NetworkAclId) != aws.ToString(id) {
		t.Fatalf("acl by entry %+v", got.NetworkAcls)
	}
	// Move the subnet from the default ACL to the new one, and back.
	def := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(harness.Ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{filter("association.subnet-id", sub)}}))
	if len(def.NetworkAcls) != 1 || !aws.ToBool(def.NetworkAcls[0].IsDefault) {
		t.Fatalf("subnet's acl %+v", def.NetworkAcls)
	}
	moved := must[*ec2.ReplaceNetworkAclAssociationOutput](t)(c.ReplaceNetworkAclAssociation(harness.Ctx, &ec2.ReplaceNetworkAclAssociationInput{
		AssociationId: def.NetworkAcls[0].Associations[0].NetworkAclAssociationId, NetworkAclId: id}))
	_, err = c.DeleteNetworkAcl(harness.Ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: id})
	harness.AssertAPIError(t, err, "DependencyViolation")
	must[*ec2.ReplaceNetworkAclAssociationOutput](t)(c.ReplaceNetworkAclAssociation(harness.Ctx, &ec2.ReplaceNetworkAclAssociationInput{
		AssociationId: moved.NewAssociationId, NetworkAclId: def.NetworkAcls[0].NetworkAclId}))
	must[*ec2.DeleteNetworkAclEntryOutput](t)(c.DeleteNetworkAclEntry(harness.Ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: id, RuleNumber: aws.Int32(100), Egress: aws.Bool(false)}))
	_, err = c.DeleteNetworkAclEntry(harness.Ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: id, RuleNumber: aws.Int32(100), Egress: aws.Bool(false)})
	harness.AssertAPIError(t, err, "InvalidNetworkAclEntry.NotFound")
	must[*ec2.DeleteNetworkAclOutput](t)(c.DeleteNetworkAcl(harness.Ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: id}))
	_, err = c.DeleteNetworkAcl(harness.Ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: def.NetworkAcls[0].NetworkAclId})
	harness.AssertAPIError(t, err, "InvalidParameterValue")

	dopt := must[*ec2.CreateDhcpOptionsOutput](t)(c.CreateDhcpOptions(harness.Ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []types.NewDhcpConfiguration{
		{Key: aws.String("domain-name"), Values: []string{"corp.internal"}}, {Key: aws.String("domain-name-servers"), Values: []string{"AmazonProvidedDNS"}}}}))
	must[*ec2.AssociateDhcpOptionsOutput](t)(c.AssociateDhcpOptions(harness.Ctx, &ec2.AssociateDhcpOptionsInput{VpcId: aws.String(vpc), DhcpOptionsId: dopt.DhcpOptions.DhcpOptionsId}))
	_, err = c.DeleteDhcpOptions(harness.Ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: dopt.DhcpOptions.DhcpOptionsId})
	harness.AssertAPIError(t, err, "DependencyViolation")
	v := must[*ec2.DescribeVpcsOutput](t)(c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("dhcp-options-id", aws.ToString(dopt.DhcpOptions.DhcpOptionsId))}}))
	if len(v.Vpcs) != 1 {
		t.Errorf("vpcs with options %d", len(v.Vpcs))
	}
	must[*ec2.AssociateDhcpOptionsOutput](t)(c.AssociateDhcpOptions(harness.Ctx, &ec2.AssociateDhcpOptionsInput{VpcId: aws.String(vpc), DhcpOptionsId: aws.String("default")}))
	must[*ec2.DeleteDhcpOptionsOutput](t)(c.DeleteDhcpOptions(harness.Ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: dopt.DhcpOptions.DhcpOptionsId}))
	_, err = c.CreateDhcpOptions(harness.Ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []types.NewDhcpConfiguration{{Key: aws.String("colour"), Values: []string{"x"}}}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
}
