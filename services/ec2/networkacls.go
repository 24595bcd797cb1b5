package ec2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerNetworkACLs(s *api.Service) {
	handle(s, "DescribeNetworkAcls", describeNetworkAcls)
	handle(s, "DescribeDhcpOptions", describeDhcpOptions)
}

// createNetworkACL stores a network ACL; a VPC's default ACL allows all
// traffic (rule 100) before the final deny (rule 32767), a new one only denies.
func createNetworkACL(c *api.Context, vpcID string, isDefault bool, tags []types.Tag) error {
	entry := func(n int32, egress bool, action types.RuleAction) types.NetworkAclEntry {
		return types.NetworkAclEntry{RuleNumber: aws.Int32(n), Egress: aws.Bool(egress), Protocol: aws.String("-1"),
			RuleAction: action, CidrBlock: aws.String("0.0.0.0/0")}
	}
	var entries []types.NetworkAclEntry
	for _, egress := range []bool{true, false} {
		if isDefault {
			entries = append(entries, entry(100, egress, types.RuleActionAllow))
		}
		entries = append(entries, entry(32767, egress, types.RuleActionDeny))
	}
	if tags == nil {
		tags = []types.Tag{}
	}
	a := &types.NetworkAcl{NetworkAclId: aws.String(newID("acl")), VpcId: aws.String(vpcID), IsDefault: aws.Bool(isDefault),
		OwnerId: aws.String(c.Account()), Entries: entries, Associations: []types.NetworkAclAssociation{}, Tags: tags}
	return aclKind.put(c, a)
}

// associateDefaultACL puts a new subnet under its VPC's default network ACL.
func associateDefaultACL(c *api.Context, vpcID, subnetID string) error {
	acls, err := aclKind.list(c, store.Query{Parent: vpcID})
	if err != nil {
		return err
	}
	for _, a := range acls {
		if aws.ToBool(a.IsDefault) {
			a.Associations = append(a.Associations, types.NetworkAclAssociation{NetworkAclAssociationId: aws.String(newID("aclassoc")),
				NetworkAclId: a.NetworkAclId, SubnetId: aws.String(subnetID)})
			return aclKind.put(c, a)
		}
	}
	return nil
}

var aclListing = listing[types.NetworkAcl]{op: "DescribeNetworkAcls", parent: "vpc-id",
	id:   func(a *types.NetworkAcl) string { return aws.ToString(a.NetworkAclId) },
	tags: func(a *types.NetworkAcl) []types.Tag { return a.Tags },
	fields: func(a *types.NetworkAcl) fields {
		f := fields{}
		f.addPtr("network-acl-id", a.NetworkAclId)
		f.addPtr("vpc-id", a.VpcId)
		f.addPtr("owner-id", a.OwnerId)
		f.addBool("default", a.IsDefault)
		for _, as := range a.Associations {
			f.addPtr("association.association-id", as.NetworkAclAssociationId)
			f.addPtr("association.network-acl-id", as.NetworkAclId)
			f.addPtr("association.subnet-id", as.SubnetId)
		}
		for _, e := range a.Entries {
			f.addPtr("entry.cidr", e.CidrBlock)
			f.addBool("entry.egress", e.Egress)
			f.addPtr("entry.protocol", e.Protocol)
			f.add("entry.rule-action", string(e.RuleAction))
			f.add("entry.rule-number", itoa(aws.ToInt32(e.RuleNumber)))
		}
		return f
	},
	filters: []string{"network-acl-id", "vpc-id", "owner-id", "default", "association.association-id", "association.network-acl-id",
		"association.subnet-id", "entry.cidr", "entry.egress", "entry.protocol", "entry.rule-action", "entry.rule-number"},
	notFound: func(id string) error { return notFoundAs("acl", id) },
}

func describeNetworkAcls(c *api.Context, in *sdk.DescribeNetworkAclsInput) (*sdk.DescribeNetworkAclsOutput, error) {
	out, next, err := aclListing.describe(c, aclKind, in.NetworkAclIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeNetworkAclsOutput{NetworkAcls: out, NextToken: next}, nil
}

var dhcpListing = listing[types.DhcpOptions]{op: "DescribeDhcpOptions",
	id:   func(d *types.DhcpOptions) string { return aws.ToString(d.DhcpOptionsId) },
	tags: func(d *types.DhcpOptions) []types.Tag { return d.Tags },
	fields: func(d *types.DhcpOptions) fields {
		f := fields{}
		f.addPtr("dhcp-options-id", d.DhcpOptionsId)
		f.addPtr("owner-id", d.OwnerId)
		for _, cfg := range d.DhcpConfigurations {
			f.addPtr("key", cfg.Key)
			for _, v := range cfg.Values {
				f.addPtr("value", v.Value)
			}
		}
		return f
	},
	filters:  []string{"dhcp-options-id", "owner-id", "key", "value"},
	notFound: func(id string) error { return notFoundAs("dopt", id) },
}

func describeDhcpOptions(c *api.Context, in *sdk.DescribeDhcpOptionsInput) (*sdk.DescribeDhcpOptionsOutput, error) {
	out, next, err := dhcpListing.describe(c, dhcpKind, in.DhcpOptionsIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeDhcpOptionsOutput{DhcpOptions: out, NextToken: next}, nil
}
