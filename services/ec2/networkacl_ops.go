package ec2

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerNetworkACLOps(s *api.Service) {
	handle(s, "CreateNetworkAcl", createNetworkAcl)
	handle(s, "DeleteNetworkAcl", deleteNetworkAcl)
	handle(s, "CreateNetworkAclEntry", createNetworkAclEntry)
	handle(s, "ReplaceNetworkAclEntry", replaceNetworkAclEntry)
	handle(s, "DeleteNetworkAclEntry", deleteNetworkAclEntry)
	handle(s, "ReplaceNetworkAclAssociation", replaceNetworkAclAssociation)
}

func findACL(c *api.Context, id string) (*types.NetworkAcl, error) {
	a, err := aclKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, notFoundAs("acl", id)
	}
	return a, nil
}

func createNetworkAcl(c *api.Context, in *sdk.CreateNetworkAclInput) (*sdk.CreateNetworkAclOutput, error) {
	vpc, err := findVpc(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "network-acl")
	if err != nil {
		return nil, err
	}
	if err := createNetworkACL(c, aws.ToString(vpc.VpcId), false, tags); err != nil {
		return nil, err
	}
	acls, err := aclKind.list(c, store.Query{Parent: aws.ToString(vpc.VpcId)})
	if err != nil {
		return nil, err
	}
	return &sdk.CreateNetworkAclOutput{NetworkAcl: acls[len(acls)-1], ClientToken: in.ClientToken}, nil
}

func deleteNetworkAcl(c *api.Context, in *sdk.DeleteNetworkAclInput) (*sdk.DeleteNetworkAclOutput, error) {
	a, err := findACL(c, aws.ToString(in.NetworkAclId))
	if err != nil {
		return nil, err
	}
	if aws.ToBool(a.IsDefault) {
		return nil, invalidParam("cannot delete default network ACL %s", aws.ToString(a.NetworkAclId))
	}
	if len(a.Associations) > 0 {
		return nil, dependency("The networkAcl '%s' has dependencies and cannot be deleted.", aws.ToString(a.NetworkAclId))
	}
	return &sdk.DeleteNetworkAclOutput{}, aclKind.delete(c, aws.ToString(a.NetworkAclId))
}

// aclProtocol stores a protocol as EC2 does: its number, or -1 for all.
func aclProtocol(p string) (string, error) {
	switch strings.ToLower(p) {
	case "-1", "all":
		return "-1", nil
	case "tcp":
		return "6", nil
	case "udp":
		return "17", nil
	case "icmp":
		return "1", nil
	case "icmpv6":
		return "58", nil
	}
	if n, err := strconv.Atoi(p); err == nil && n >= 0 && n <= 255 {
		return p, nil
	}
	return "", invalidParam("Invalid value '%s' for protocol.", p)
}

func aclEntry(rule *int32, egress *bool, protocol *string, action types.RuleAction, cidr, cidr6 *string, icmp *types.IcmpTypeCode, ports *types.PortRange) (types.NetworkAclEntry, error) {
	n := aws.ToInt32(rule)
	if n < 1 || n > 32766 {
		return types.NetworkAclEntry{}, invalidParam("Invalid value '%d' for ruleNumber. Must be between 1 and 32766.", n)
	}
	proto, err := aclProtocol(aws.ToString(protocol))
	if err != nil {
		return types.NetworkAclEntry{}, err
	}
	if cidr == nil && cidr6 == nil {
		return types.NetworkAclEntry{}, apiErr("MissingParameter", "The request must contain the parameter cidrBlock or ipv6CidrBlock")
	}
	if (proto == "6" || proto == "17") && ports == nil {
		return types.NetworkAclEntry{}, invalidParam("The request must contain the parameter portRange")
	}
	e := types.NetworkAclEntry{RuleNumber: aws.Int32(n), Egress: aws.Bool(aws.ToBool(egress)), Protocol: aws.String(proto), RuleAction: action,
		CidrBlock: cidr, Ipv6CidrBlock: cidr6}
	if proto == "6" || proto == "17" {
		e.PortRange = ports
	}
	if proto == "1" || proto == "58" {
		e.IcmpTypeCode = icmp
	}
	return e, nil
}

func entryIndex(a *types.NetworkAcl, rule int32, egress bool) int {
	for i, e := range a.Entries {
		if aws.ToInt32(e.RuleNumber) == rule && aws.ToBool(e.Egress) == egress {
			return i
		}
	}
	return -1
}

func createNetworkAclEntry(c *api.Context, in *sdk.CreateNetworkAclEntryInput) (*sdk.CreateNetworkAclEntryOutput, error) {
	a, err := findACL(c, aws.ToString(in.NetworkAclId))
	if err != nil {
		return nil, err
	}
	e, err := aclEntry(in.RuleNumber, in.Egress, in.Protocol, in.RuleAction, in.CidrBlock, in.Ipv6CidrBlock, in.IcmpTypeCode, in.PortRange)
	if err != nil {
		return nil, err
	}
	if entryIndex(a, *e.RuleNumber, *e.Egress) >= 0 {
		return nil, apiErr("NetworkAclEntryAlreadyExists", "The network acl entry identified by %d already exists.", *e.RuleNumber)
	}
	a.Entries = append(a.Entries, e)
	sortEntries(a)
	return &sdk.CreateNetworkAclEntryOutput{}, aclKind.put(c, a)
}

func replaceNetworkAclEntry(c *api.Context, in *sdk.ReplaceNetworkAclEntryInput) (*sdk.ReplaceNetworkAclEntryOutput, error) {
	a, err := findACL(c, aws.ToString(in.NetworkAclId))
	if err != nil {
		return nil, err
	}
	e, err := aclEntry(in.RuleNumber, in.Egress, in.Protocol, in.RuleAction, in.CidrBlock, in.Ipv6CidrBlock, in.IcmpTypeCode, in.PortRange)
	if err != nil {
		return nil, err
	}
	i := entryIndex(a, *e.RuleNumber, *e.Egress)
	if i < 0 {
		return nil, apiErr("InvalidNetworkAclEntry.NotFound", "The network acl entry identified by %d does not exist.", *e.RuleNumber)
	}
	a.Entries[i] = e
	return &sdk.ReplaceNetworkAclEntryOutput{}, aclKind.put(c, a)
}

func deleteNetworkAclEntry(c *api.Context, in *sdk.DeleteNetworkAclEntryInput) (*sdk.DeleteNetworkAclEntryOutput, error) {
	a, err := findACL(c, aws.ToString(in.NetworkAclId))
	if err != nil {
		return nil, err
	}
	i := entryIndex(a, aws.ToInt32(in.RuleNumber), aws.ToBool(in.Egress))
	if i < 0 || aws.ToInt32(in.RuleNumber) == 32767 {
		return nil, apiErr("InvalidNetworkAclEntry.NotFound", "The network acl entry identified by %d does not exist.", aws.ToInt32(in.RuleNumber))
	}
	a.Entries = append(a.Entries[:i], a.Entries[i+1:]...)
	return &sdk.DeleteNetworkAclEntryOutput{}, aclKind.put(c, a)
}

// sortEntries keeps entries in EC2's order: egress first, by rule number.
func sortEntries(a *types.NetworkAcl) {
	es := a.Entries
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && entryLess(es[j], es[j-1]); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

func entryLess(x, y types.NetworkAclEntry) bool {
	if aws.ToBool(x.Egress) != aws.ToBool(y.Egress) {
		return aws.ToBool(x.Egress)
	}
	return aws.ToInt32(x.RuleNumber) < aws.ToInt32(y.RuleNumber)
}

func replaceNetworkAclAssociation(c *api.Context, in *sdk.ReplaceNetworkAclAssociationInput) (*sdk.ReplaceNetworkAclAssociationOutput, error) {
	target, err := findACL(c, aws.ToString(in.NetworkAclId))
	if err != nil {
		return nil, err
	}
	acls, err := aclKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	assocID := aws.ToString(in.AssociationId)
	for _, a := range acls {
		for i, as := range a.Associations {
			if aws.ToString(as.NetworkAclAssociationId) != assocID {
				continue
			}
			if aws.ToString(a.VpcId) != aws.ToString(target.VpcId) {
				return nil, invalidParam("Network ACL %s and subnet %s belong to different networks", aws.ToString(target.NetworkAclId), aws.ToString(as.SubnetId))
			}
			a.Associations = append(a.Associations[:i], a.Associations[i+1:]...)
			if err := aclKind.put(c, a); err != nil {
				return nil, err
			}
			if aws.ToString(a.NetworkAclId) == aws.ToString(target.NetworkAclId) {
				target = a
			}
			next := types.NetworkAclAssociation{NetworkAclAssociationId: aws.String(newID("aclassoc")), NetworkAclId: target.NetworkAclId, SubnetId: as.SubnetId}
			target.Associations = append(target.Associations, next)
			return &sdk.ReplaceNetworkAclAssociationOutput{NewAssociationId: next.NetworkAclAssociationId}, aclKind.put(c, target)
		}
	}
	return nil, apiErr("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", assocID)
}
