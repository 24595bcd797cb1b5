package ec2

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerSecurityGroups(s *api.Service) {
	handle(s, "CreateSecurityGroup", createSecurityGroup)
	handle(s, "DeleteSecurityGroup", deleteSecurityGroup)
	handle(s, "DescribeSecurityGroups", describeSecurityGroups)
	handle(s, "AuthorizeSecurityGroupIngress", authorizeIngress)
	handle(s, "AuthorizeSecurityGroupEgress", authorizeEgress)
	handle(s, "RevokeSecurityGroupIngress", revokeIngress)
	handle(s, "RevokeSecurityGroupEgress", revokeEgress)
	handle(s, "DescribeSecurityGroupRules", describeSecurityGroupRules)
	handle(s, "ModifySecurityGroupRules", modifySecurityGroupRules)
}

// createGroup stores a security group with EC2's default rules: all egress
// to 0.0.0.0/0, and for a VPC's default group all ingress from itself.
func createGroup(c *api.Context, vpcID, name, desc string, tags []types.Tag, isDefault bool) (*types.SecurityGroup, error) {
	id := newID("sg")
	g := &types.SecurityGroup{
		GroupId: aws.String(id), GroupName: aws.String(name), Description: aws.String(desc), VpcId: aws.String(vpcID),
		OwnerId: aws.String(c.Account()), SecurityGroupArn: aws.String(arn(c, "security-group/"+id)), Tags: tags,
	}
	if err := groupKind.put(c, g); err != nil {
		return nil, err
	}
	all := types.SecurityGroupRule{IpProtocol: aws.String("-1"), FromPort: aws.Int32(-1), ToPort: aws.Int32(-1)}
	egress := all
	egress.IsEgress = aws.Bool(true)
	egress.CidrIpv4 = aws.String("0.0.0.0/0")
	if _, err := addRule(c, g, egress); err != nil {
		return nil, err
	}
	if isDefault {
		ingress := all
		ingress.IsEgress = aws.Bool(false)
		ingress.ReferencedGroupInfo = &types.ReferencedSecurityGroup{GroupId: aws.String(id), UserId: aws.String(c.Account())}
		if _, err := addRule(c, g, ingress); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func addRule(c *api.Context, g *types.SecurityGroup, r types.SecurityGroupRule) (*types.SecurityGroupRule, error) {
	id := newID("sgr")
	r.SecurityGroupRuleId = aws.String(id)
	r.GroupId = g.GroupId
	r.GroupOwnerId = g.OwnerId
	r.SecurityGroupRuleArn = aws.String(arn(c, "security-group-rule/"+id))
	if r.Tags == nil {
		r.Tags = []types.Tag{}
	}
	return &r, ruleKind.put(c, &r)
}

// findGroup loads a group by id, or by name in a VPC (the default VPC when vpcID is empty).
func findGroup(c *api.Context, id, name, vpcID string) (*types.SecurityGroup, error) {
	if id != "" {
		g, err := groupKind.get(c, id)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, notFoundAs("sg", id)
		}
		return g, nil
	}
	if name == "" {
		return nil, apiErr("MissingParameter", "The request must contain the parameter groupName or groupId")
	}
	if vpcID == "" {
		var err error
		if vpcID, err = DefaultVpc(c.Tx, c.Account(), c.Region); err != nil {
			return nil, err
		}
	}
	gs, err := groupKind.list(c, store.Query{Parent: vpcID, Name: name})
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, apiErr("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'", name, vpcID)
	}
	return gs[0], nil
}

func createSecurityGroup(c *api.Context, in *sdk.CreateSecurityGroupInput) (*sdk.CreateSecurityGroupOutput, error) {
	name, desc := aws.ToString(in.GroupName), aws.ToString(in.Description)
	vpcID := aws.ToString(in.VpcId)
	if vpcID == "" {
		var err error
		if vpcID, err = DefaultVpc(c.Tx, c.Account(), c.Region); err != nil {
			return nil, err
		}
		if vpcID == "" {
			return nil, apiErr("VPCIdNotSpecified", "No default VPC for this user")
		}
	} else if _, err := findVpc(c, vpcID); err != nil {
		return nil, err
	}
	switch {
	case name == "default":
		return nil, invalidParam("Cannot use reserved security group name: default")
	case strings.HasPrefix(strings.ToLower(name), "sg-"):
		return nil, invalidParam("Group names may not be in the format sg-*.")
	case len(name) > 255:
		return nil, invalidParam("Value (%s) for parameter groupName is invalid. Group names may not exceed 255 characters.", name)
	case len(desc) > 255:
		return nil, invalidParam("Value for parameter description is invalid. Descriptions may not exceed 255 characters.")
	case !asciiText(name):
		return nil, invalidParam("Value (%s) for parameter GroupName is invalid. Character sets beyond ASCII are not supported.", strings.ToValidUTF8(name, "\uFFFD"))
	case !asciiText(desc):
		return nil, invalidParam("Value (%s) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.", strings.ToValidUTF8(desc, "\uFFFD"))
	case hasControl(name):
		return nil, invalidParam("Value (%s) for parameter GroupName is invalid. Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*", strings.Map(visible, name))
	}
	found, err := groups.Exists(c.Tx, c.Scope(), store.Query{Parent: vpcID, Name: name})
	if err != nil {
		return nil, err
	}
	if found {
		return nil, apiErr("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpcID)
	}
	tags, err := specTags(in.TagSpecifications, "security-group")
	if err != nil {
		return nil, err
	}
	g, err := createGroup(c, vpcID, name, desc, tags, false)
	if err != nil {
		return nil, err
	}
	return &sdk.CreateSecurityGroupOutput{GroupId: g.GroupId, SecurityGroupArn: g.SecurityGroupArn, Tags: g.Tags}, nil
}

func deleteSecurityGroup(c *api.Context, in *sdk.DeleteSecurityGroupInput) (*sdk.DeleteSecurityGroupOutput, error) {
	if err := settleInstances(c); err != nil {
		return nil, err
	}
	g, err := findGroup(c, aws.ToString(in.GroupId), aws.ToString(in.GroupName), "")
	if err != nil {
		return nil, err
	}
	id := aws.ToString(g.GroupId)
	if aws.ToString(g.GroupName) == "default" {
		return nil, apiErr("CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", id)
	}
	rules, err := ruleKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		if r.ReferencedGroupInfo != nil && aws.ToString(r.ReferencedGroupInfo.GroupId) == id && aws.ToString(r.GroupId) != id {
			return nil, dependency("resource %s has a dependent object", id)
		}
	}
	enis, err := eniKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, e := range enis {
		for _, gi := range e.Groups {
			if aws.ToString(gi.GroupId) == id {
				return nil, dependency("resource %s has a dependent object", id)
			}
		}
	}
	return &sdk.DeleteSecurityGroupOutput{Return: aws.Bool(true), GroupId: g.GroupId}, deleteGroupAndRules(c, id)
}

func deleteGroupAndRules(c *api.Context, id string) error {
	rules, err := ruleKind.list(c, store.Query{Parent: id})
	if err != nil {
		return err
	}
	for _, r := range rules {
		if err := ruleKind.delete(c, aws.ToString(r.SecurityGroupRuleId)); err != nil {
			return err
		}
	}
	return groupKind.delete(c, id)
}

// withPermissions fills in a group's permissions from its rules.
func withPermissions(c *api.Context, g *types.SecurityGroup) (*types.SecurityGroup, error) {
	rules, err := ruleKind.list(c, store.Query{Parent: aws.ToString(g.GroupId)})
	if err != nil {
		return nil, err
	}
	out := *g
	out.IpPermissions = permissionsOf(rules, false)
	out.IpPermissionsEgress = permissionsOf(rules, true)
	if out.Tags == nil {
		out.Tags = nil
	}
	return &out, nil
}

func groupFields(g *types.SecurityGroup) fields {
	f := fields{}
	f.addPtr("description", g.Description)
	f.addPtr("group-id", g.GroupId)
	f.addPtr("group-name", g.GroupName)
	f.addPtr("owner-id", g.OwnerId)
	f.addPtr("vpc-id", g.VpcId)
	for prefix, perms := range map[string][]types.IpPermission{"ip-permission.": g.IpPermissions, "egress.ip-permission.": g.IpPermissionsEgress} {
		for _, p := range perms {
			f.addPtr(prefix+"protocol", p.IpProtocol)
			if p.FromPort != nil {
				f.add(prefix+"from-port", itoa(*p.FromPort))
			}
			if p.ToPort != nil {
				f.add(prefix+"to-port", itoa(*p.ToPort))
			}
			for _, r := range p.IpRanges {
				f.addPtr(prefix+"cidr", r.CidrIp)
			}
			for _, r := range p.Ipv6Ranges {
				f.addPtr(prefix+"ipv6-cidr", r.CidrIpv6)
			}
			for _, r := range p.PrefixListIds {
				f.addPtr(prefix+"prefix-list-id", r.PrefixListId)
			}
			for _, u := range p.UserIdGroupPairs {
				f.addPtr(prefix+"group-id", u.GroupId)
				f.addPtr(prefix+"group-name", u.GroupName)
				f.addPtr(prefix+"user-id", u.UserId)
			}
		}
	}
	return f
}

var groupListing = listing[types.SecurityGroup]{op: "DescribeSecurityGroups", parent: "vpc-id",
	id:     func(g *types.SecurityGroup) string { return aws.ToString(g.GroupId) },
	tags:   func(g *types.SecurityGroup) []types.Tag { return g.Tags },
	fields: groupFields,
	filters: func() []string {
		out := []string{"description", "group-id", "group-name", "owner-id", "vpc-id"}
		for _, p := range []string{"ip-permission.", "egress.ip-permission."} {
			for _, n := range []string{"protocol", "from-port", "to-port", "cidr", "ipv6-cidr", "prefix-list-id", "group-id", "group-name", "user-id"} {
				out = append(out, p+n)
			}
		}
		return out
	}(),
	notFound: func(id string) error { return notFoundAs("sg", id) },
}

func describeSecurityGroups(c *api.Context, in *sdk.DescribeSecurityGroupsInput) (*sdk.DescribeSecurityGroupsOutput, error) {
	ids := append([]string(nil), in.GroupIds...)
	for _, name := range in.GroupNames {
		g, err := findGroup(c, "", name, "")
		if err != nil {
			return nil, err
		}
		ids = append(ids, aws.ToString(g.GroupId))
	}
	out, next, err := groupListing.page(c, groupKind, func(g *types.SecurityGroup) (*types.SecurityGroup, error) { return withPermissions(c, g) },
		ids, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeSecurityGroupsOutput{SecurityGroups: values(out), NextToken: next}, nil
}

var ruleListing = listing[types.SecurityGroupRule]{op: "DescribeSecurityGroupRules", parent: "group-id",
	id:   func(r *types.SecurityGroupRule) string { return aws.ToString(r.SecurityGroupRuleId) },
	tags: func(r *types.SecurityGroupRule) []types.Tag { return r.Tags },
	fields: func(r *types.SecurityGroupRule) fields {
		f := fields{}
		f.addPtr("group-id", r.GroupId)
		f.addPtr("security-group-rule-id", r.SecurityGroupRuleId)
		return f
	},
	filters:  []string{"group-id", "security-group-rule-id"},
	notFound: func(id string) error { return notFoundAs("sgr", id) },
}

func describeSecurityGroupRules(c *api.Context, in *sdk.DescribeSecurityGroupRulesInput) (*sdk.DescribeSecurityGroupRulesOutput, error) {
	out, next, err := ruleListing.describe(c, ruleKind, in.SecurityGroupRuleIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeSecurityGroupRulesOutput{SecurityGroupRules: out, NextToken: next}, nil
}

// defaultGroup is a VPC's default security group.
func defaultGroup(c *api.Context, vpcID string) (*types.SecurityGroup, error) {
	gs, err := groupKind.list(c, store.Query{Parent: vpcID, Name: "default"})
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, apiErr("InvalidGroup.NotFound", "The security group 'default' does not exist in VPC '%s'", vpcID)
	}
	return gs[0], nil
}

// asciiText reports whether s holds ASCII only; a byte that is not UTF-8 is
// beyond ASCII too.
func asciiText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// hasControl reports whether s holds an ASCII control character (NUL, tab, ...).
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0
}

// visible shows a control character as a space, so an error message stays printable.
func visible(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return ' '
	}
	return r
}
