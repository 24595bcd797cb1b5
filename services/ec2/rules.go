package ec2

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func itoa(i int32) string { return strconv.Itoa(int(i)) }

// normalizeProtocol turns a protocol name or number into EC2's stored form.
func normalizeProtocol(p string) (string, error) {
	switch strings.ToLower(p) {
	case "-1", "all":
		return "-1", nil
	case "tcp", "6":
		return "tcp", nil
	case "udp", "17":
		return "udp", nil
	case "icmp", "1":
		return "icmp", nil
	case "icmpv6", "58":
		return "icmpv6", nil
	}
	if n, err := strconv.Atoi(p); err == nil && n >= 0 && n <= 255 {
		return p, nil
	}
	return "", invalidParam("Invalid value '%s' for IP protocol. Unknown protocol.", p)
}

// rulesOf expands permissions into one rule per peer, as EC2 stores them.
func rulesOf(perms []types.IpPermission, egress bool, account string) ([]types.SecurityGroupRule, error) {
	var out []types.SecurityGroupRule
	for _, p := range perms {
		proto, err := normalizeProtocol(aws.ToString(p.IpProtocol))
		if err != nil {
			return nil, err
		}
		base := types.SecurityGroupRule{IpProtocol: aws.String(proto), IsEgress: aws.Bool(egress)}
		switch proto {
		case "-1":
			base.FromPort, base.ToPort = aws.Int32(-1), aws.Int32(-1)
		case "tcp", "udp":
			if p.FromPort == nil || p.ToPort == nil {
				return nil, invalidParam("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.")
			}
			if *p.FromPort < 0 || *p.ToPort > 65535 || *p.FromPort > *p.ToPort {
				return nil, invalidParam("Invalid value '%d-%d' for portRange. Must be within 0-65535.", *p.FromPort, *p.ToPort)
			}
			base.FromPort, base.ToPort = p.FromPort, p.ToPort
		default:
			base.FromPort, base.ToPort = aws.Int32(aws.ToInt32(p.FromPort)), aws.Int32(aws.ToInt32(p.ToPort))
			if p.FromPort == nil {
				base.FromPort, base.ToPort = aws.Int32(-1), aws.Int32(-1)
			}
		}
		for _, r := range p.IpRanges {
			if _, err := netip.ParsePrefix(aws.ToString(r.CidrIp)); err != nil {
				return nil, invalidParam("CIDR block %s is malformed", aws.ToString(r.CidrIp))
			}
			rule := base
			rule.CidrIpv4, rule.Description = r.CidrIp, r.Description
			out = append(out, rule)
		}
		for _, r := range p.Ipv6Ranges {
			rule := base
			rule.CidrIpv6, rule.Description = r.CidrIpv6, r.Description
			out = append(out, rule)
		}
		for _, r := range p.PrefixListIds {
			rule := base
			rule.PrefixListId, rule.Description = r.PrefixListId, r.Description
			out = append(out, rule)
		}
		for _, u := range p.UserIdGroupPairs {
			rule := base
			owner := aws.ToString(u.UserId)
			if owner == "" {
				owner = account
			}
			rule.ReferencedGroupInfo = &types.ReferencedSecurityGroup{GroupId: u.GroupId, UserId: aws.String(owner)}
			rule.Description = u.Description
			out = append(out, rule)
		}
	}
	return out, nil
}

// permissionsOf groups rules into the permissions DescribeSecurityGroups shows.
func permissionsOf(rules []*types.SecurityGroupRule, egress bool) []types.IpPermission {
	out := []types.IpPermission{}
	index := map[string]int{}
	for _, r := range rules {
		if aws.ToBool(r.IsEgress) != egress {
			continue
		}
		key := aws.ToString(r.IpProtocol) + "|" + itoa(aws.ToInt32(r.FromPort)) + "|" + itoa(aws.ToInt32(r.ToPort))
		i, ok := index[key]
		if !ok {
			p := types.IpPermission{IpProtocol: r.IpProtocol, IpRanges: []types.IpRange{}, Ipv6Ranges: []types.Ipv6Range{},
				PrefixListIds: []types.PrefixListId{}, UserIdGroupPairs: []types.UserIdGroupPair{}}
			if aws.ToString(r.IpProtocol) != "-1" {
				p.FromPort, p.ToPort = r.FromPort, r.ToPort
			}
			out = append(out, p)
			i = len(out) - 1
			index[key] = i
		}
		p := &out[i]
		switch {
		case r.CidrIpv4 != nil:
			p.IpRanges = append(p.IpRanges, types.IpRange{CidrIp: r.CidrIpv4, Description: r.Description})
		case r.CidrIpv6 != nil:
			p.Ipv6Ranges = append(p.Ipv6Ranges, types.Ipv6Range{CidrIpv6: r.CidrIpv6, Description: r.Description})
		case r.PrefixListId != nil:
			p.PrefixListIds = append(p.PrefixListIds, types.PrefixListId{PrefixListId: r.PrefixListId, Description: r.Description})
		case r.ReferencedGroupInfo != nil:
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, types.UserIdGroupPair{GroupId: r.ReferencedGroupInfo.GroupId,
				UserId: r.ReferencedGroupInfo.UserId, Description: r.Description})
		}
	}
	return out
}

// sameRule compares what makes two rules one (not the description).
func sameRule(a, b *types.SecurityGroupRule) bool {
	peer := func(r *types.SecurityGroupRule) string {
		g := ""
		if r.ReferencedGroupInfo != nil {
			g = aws.ToString(r.ReferencedGroupInfo.GroupId)
		}
		return aws.ToString(r.CidrIpv4) + "|" + aws.ToString(r.CidrIpv6) + "|" + aws.ToString(r.PrefixListId) + "|" + g
	}
	return aws.ToBool(a.IsEgress) == aws.ToBool(b.IsEgress) && aws.ToString(a.IpProtocol) == aws.ToString(b.IpProtocol) &&
		aws.ToInt32(a.FromPort) == aws.ToInt32(b.FromPort) && aws.ToInt32(a.ToPort) == aws.ToInt32(b.ToPort) && peer(a) == peer(b)
}

// describeRule renders a rule as EC2's duplicate message does.
func describeRule(r *types.SecurityGroupRule) string {
	peer := aws.ToString(r.CidrIpv4) + aws.ToString(r.CidrIpv6) + aws.ToString(r.PrefixListId)
	if r.ReferencedGroupInfo != nil {
		peer = aws.ToString(r.ReferencedGroupInfo.GroupId)
	}
	proto := strings.ToUpper(aws.ToString(r.IpProtocol))
	if proto == "-1" {
		return fmt.Sprintf("peer: %s, ALL, ALLOW", peer)
	}
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, ALLOW", peer, proto, aws.ToInt32(r.FromPort), aws.ToInt32(r.ToPort))
}

// legacyPermission is the permission of the flat (pre-IpPermissions) parameters.
func legacyPermission(proto *string, from, to *int32, cidr, srcGroup, srcOwner *string) []types.IpPermission {
	if proto == nil && cidr == nil && srcGroup == nil {
		return nil
	}
	p := types.IpPermission{IpProtocol: proto, FromPort: from, ToPort: to}
	if p.IpProtocol == nil {
		p.IpProtocol = aws.String("-1")
	}
	if cidr != nil {
		p.IpRanges = []types.IpRange{{CidrIp: cidr}}
	}
	if srcGroup != nil {
		p.UserIdGroupPairs = []types.UserIdGroupPair{{GroupName: srcGroup, UserId: srcOwner}}
	}
	return []types.IpPermission{p}
}

// resolvePeers fills group ids of peers named by group name, and checks that peer groups exist.
func resolvePeers(c *api.Context, g *types.SecurityGroup, perms []types.IpPermission) error {
	for i := range perms {
		for j := range perms[i].UserIdGroupPairs {
			u := &perms[i].UserIdGroupPairs[j]
			peer, err := findGroup(c, aws.ToString(u.GroupId), aws.ToString(u.GroupName), aws.ToString(g.VpcId))
			if err != nil {
				return err
			}
			u.GroupId = peer.GroupId
		}
	}
	return nil
}

func authorize(c *api.Context, groupID, groupName string, perms []types.IpPermission, specs []types.TagSpecification, egress bool) ([]types.SecurityGroupRule, error) {
	g, err := findGroup(c, groupID, groupName, "")
	if err != nil {
		return nil, err
	}
	if len(perms) == 0 {
		return nil, apiErr("MissingParameter", "No rules specified.")
	}
	if err := resolvePeers(c, g, perms); err != nil {
		return nil, err
	}
	want, err := rulesOf(perms, egress, c.Account())
	if err != nil {
		return nil, err
	}
	have, err := ruleKind.list(c, store.Query{Parent: aws.ToString(g.GroupId)})
	if err != nil {
		return nil, err
	}
	tags, err := specTags(specs, "security-group-rule")
	if err != nil {
		return nil, err
	}
	var out []types.SecurityGroupRule
	for i := range want {
		for _, h := range have {
			if sameRule(h, &want[i]) {
				return nil, apiErr("InvalidPermission.Duplicate", "the specified rule %q already exists", describeRule(&want[i]))
			}
		}
		want[i].Tags = tags
		r, err := addRule(c, g, want[i])
		if err != nil {
			return nil, err
		}
		have = append(have, r)
		out = append(out, *r)
	}
	return out, nil
}

func authorizeIngress(c *api.Context, in *sdk.AuthorizeSecurityGroupIngressInput) (*sdk.AuthorizeSecurityGroupIngressOutput, error) {
	perms := append(in.IpPermissions, legacyPermission(in.IpProtocol, in.FromPort, in.ToPort, in.CidrIp, in.SourceSecurityGroupName, in.SourceSecurityGroupOwnerId)...)
	rules, err := authorize(c, aws.ToString(in.GroupId), aws.ToString(in.GroupName), perms, in.TagSpecifications, false)
	if err != nil {
		return nil, err
	}
	return &sdk.AuthorizeSecurityGroupIngressOutput{Return: aws.Bool(true), SecurityGroupRules: rules}, nil
}

func authorizeEgress(c *api.Context, in *sdk.AuthorizeSecurityGroupEgressInput) (*sdk.AuthorizeSecurityGroupEgressOutput, error) {
	perms := append(in.IpPermissions, legacyPermission(in.IpProtocol, in.FromPort, in.ToPort, in.CidrIp, in.SourceSecurityGroupName, in.SourceSecurityGroupOwnerId)...)
	rules, err := authorize(c, aws.ToString(in.GroupId), "", perms, in.TagSpecifications, true)
	if err != nil {
		return nil, err
	}
	return &sdk.AuthorizeSecurityGroupEgressOutput{Return: aws.Bool(true), SecurityGroupRules: rules}, nil
}

func revoke(c *api.Context, groupID, groupName string, perms []types.IpPermission, ruleIDs []string, egress bool) ([]types.RevokedSecurityGroupRule, error) {
	g, err := findGroup(c, groupID, groupName, "")
	if err != nil {
		return nil, err
	}
	have, err := ruleKind.list(c, store.Query{Parent: aws.ToString(g.GroupId)})
	if err != nil {
		return nil, err
	}
	var gone []*types.SecurityGroupRule
	for _, id := range ruleIDs {
		found := false
		for _, h := range have {
			if aws.ToString(h.SecurityGroupRuleId) == id && aws.ToBool(h.IsEgress) == egress {
				gone, found = append(gone, h), true
			}
		}
		if !found {
			return nil, apiErr("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
		}
	}
	if err := resolvePeers(c, g, perms); err != nil {
		return nil, err
	}
	want, err := rulesOf(perms, egress, c.Account())
	if err != nil {
		return nil, err
	}
	for i := range want {
		found := false
		for _, h := range have {
			if sameRule(h, &want[i]) {
				gone, found = append(gone, h), true
			}
		}
		if !found {
			return nil, apiErr("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
		}
	}
	var out []types.RevokedSecurityGroupRule
	for _, r := range gone {
		rev := types.RevokedSecurityGroupRule{SecurityGroupRuleId: r.SecurityGroupRuleId, GroupId: r.GroupId, IsEgress: r.IsEgress,
			IpProtocol: r.IpProtocol, FromPort: r.FromPort, ToPort: r.ToPort, CidrIpv4: r.CidrIpv4, CidrIpv6: r.CidrIpv6,
			PrefixListId: r.PrefixListId, Description: r.Description}
		if r.ReferencedGroupInfo != nil {
			rev.ReferencedGroupId = r.ReferencedGroupInfo.GroupId
		}
		out = append(out, rev)
		if err := ruleKind.delete(c, aws.ToString(r.SecurityGroupRuleId)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func revokeIngress(c *api.Context, in *sdk.RevokeSecurityGroupIngressInput) (*sdk.RevokeSecurityGroupIngressOutput, error) {
	perms := append(in.IpPermissions, legacyPermission(in.IpProtocol, in.FromPort, in.ToPort, in.CidrIp, in.SourceSecurityGroupName, in.SourceSecurityGroupOwnerId)...)
	gone, err := revoke(c, aws.ToString(in.GroupId), aws.ToString(in.GroupName), perms, in.SecurityGroupRuleIds, false)
	if err != nil {
		return nil, err
	}
	return &sdk.RevokeSecurityGroupIngressOutput{Return: aws.Bool(true), RevokedSecurityGroupRules: gone}, nil
}

func revokeEgress(c *api.Context, in *sdk.RevokeSecurityGroupEgressInput) (*sdk.RevokeSecurityGroupEgressOutput, error) {
	perms := append(in.IpPermissions, legacyPermission(in.IpProtocol, in.FromPort, in.ToPort, in.CidrIp, in.SourceSecurityGroupName, in.SourceSecurityGroupOwnerId)...)
	gone, err := revoke(c, aws.ToString(in.GroupId), "", perms, in.SecurityGroupRuleIds, true)
	if err != nil {
		return nil, err
	}
	return &sdk.RevokeSecurityGroupEgressOutput{Return: aws.Bool(true), RevokedSecurityGroupRules: gone}, nil
}

func modifySecurityGroupRules(c *api.Context, in *sdk.ModifySecurityGroupRulesInput) (*sdk.ModifySecurityGroupRulesOutput, error) {
	g, err := findGroup(c, aws.ToString(in.GroupId), "", "")
	if err != nil {
		return nil, err
	}
	for _, u := range in.SecurityGroupRules {
		id := aws.ToString(u.SecurityGroupRuleId)
		r, err := ruleKind.get(c, id)
		if err != nil {
			return nil, err
		}
		if r == nil || aws.ToString(r.GroupId) != aws.ToString(g.GroupId) {
			return nil, notFoundAs("sgr", id)
		}
		if u.SecurityGroupRule == nil {
			continue
		}
		q := u.SecurityGroupRule
		perm := types.IpPermission{IpProtocol: q.IpProtocol, FromPort: q.FromPort, ToPort: q.ToPort}
		switch {
		case q.CidrIpv4 != nil:
			perm.IpRanges = []types.IpRange{{CidrIp: q.CidrIpv4, Description: q.Description}}
		case q.CidrIpv6 != nil:
			perm.Ipv6Ranges = []types.Ipv6Range{{CidrIpv6: q.CidrIpv6, Description: q.Description}}
		case q.PrefixListId != nil:
			perm.PrefixListIds = []types.PrefixListId{{PrefixListId: q.PrefixListId, Description: q.Description}}
		case q.ReferencedGroupId != nil:
			perm.UserIdGroupPairs = []types.UserIdGroupPair{{GroupId: q.ReferencedGroupId, Description: q.Description}}
		}
		rules, err := rulesOf([]types.IpPermission{perm}, aws.ToBool(r.IsEgress), c.Account())
		if err != nil {
			return nil, err
		}
		if len(rules) != 1 {
			return nil, invalidParam("A rule must name exactly one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId.")
		}
		nr := rules[0]
		nr.SecurityGroupRuleId, nr.GroupId, nr.GroupOwnerId, nr.SecurityGroupRuleArn, nr.Tags = r.SecurityGroupRuleId, r.GroupId, r.GroupOwnerId, r.SecurityGroupRuleArn, r.Tags
		if err := ruleKind.put(c, &nr); err != nil {
			return nil, err
		}
	}
	return &sdk.ModifySecurityGroupRulesOutput{Return: aws.Bool(true)}, nil
}
