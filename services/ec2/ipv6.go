package ec2

import (
	"crypto/rand"
	"net/netip"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// IPv6 and secondary IPv4 blocks of VPCs and subnets: Amazon-provided /56
// blocks for VPCs, /64 blocks for subnets, and their associations.

// maxVpcIPv4Blocks is how many IPv4 blocks a VPC holds (the primary included).
const maxVpcIPv4Blocks = 5

func registerIPv6(s *api.Service) {
	handle(s, "AssociateVpcCidrBlock", associateVpcCidrBlock)
	handle(s, "DisassociateVpcCidrBlock", disassociateVpcCidrBlock)
	handle(s, "AssociateSubnetCidrBlock", associateSubnetCidrBlock)
	handle(s, "DisassociateSubnetCidrBlock", disassociateSubnetCidrBlock)
}

// amazonIPv6Block draws an Amazon-provided /56 from 2600:1f10::/28 (the
// block AWS assigns from in its US regions), in the canonical text form AWS
// shows ("2600:1f16:29a:8f00::/56": no leading zeros, zero groups folded),
// so that a filter on the block as any IPv6 library prints it matches.
func amazonIPv6Block() string {
	b := [16]byte{0x26, 0x00, 0x1f, 0x10}
	r := make([]byte, 4)
	rand.Read(r)
	b[3] |= r[0] & 0x0f
	copy(b[4:7], r[1:])
	return netip.PrefixFrom(netip.AddrFrom16(b), 56).String()
}

// addAmazonIPv6 associates an Amazon-provided IPv6 block with a VPC.
func addAmazonIPv6(c *api.Context, v *types.Vpc) types.VpcIpv6CidrBlockAssociation {
	a := types.VpcIpv6CidrBlockAssociation{AssociationId: aws.String(newID("vpc-cidr-assoc")), Ipv6CidrBlock: aws.String(amazonIPv6Block()),
		Ipv6CidrBlockState: &types.VpcCidrBlockState{State: types.VpcCidrBlockStateCodeAssociated}, Ipv6Pool: aws.String("Amazon"),
		NetworkBorderGroup: aws.String(c.Region), IpSource: types.IpSourceAmazon, Ipv6AddressAttribute: types.Ipv6AddressAttributePublic}
	v.Ipv6CidrBlockAssociationSet = append(v.Ipv6CidrBlockAssociationSet, a)
	return a
}

func associateVpcCidrBlock(c *api.Context, in *sdk.AssociateVpcCidrBlockInput) (*sdk.AssociateVpcCidrBlockOutput, error) {
	v, err := findVpc(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	out := &sdk.AssociateVpcCidrBlockOutput{VpcId: v.VpcId}
	switch {
	case aws.ToBool(in.AmazonProvidedIpv6CidrBlock):
		for _, a := range v.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State == types.VpcCidrBlockStateCodeAssociated {
				return nil, apiErr("CidrLimitExceeded", "This network '%s' has met its maximum number of allowed CIDRs: 1", aws.ToString(v.VpcId))
			}
		}
		a := addAmazonIPv6(c, v)
		shown := a
		shown.Ipv6CidrBlockState = &types.VpcCidrBlockState{State: types.VpcCidrBlockStateCodeAssociating}
		out.Ipv6CidrBlockAssociation = &shown
	case in.CidrBlock != nil:
		cidr, err := parseCIDR(*in.CidrBlock, "cidrBlock")
		if err != nil {
			return nil, err
		}
		if cidr.Bits() < 16 || cidr.Bits() > 28 {
			return nil, apierror.New("InvalidVpc.Range", "The CIDR '%s' is invalid.", *in.CidrBlock)
		}
		blocks := vpcCIDRs(v)
		if len(blocks) >= maxVpcIPv4Blocks {
			return nil, apiErr("CidrLimitExceeded", "This network '%s' has met its maximum number of allowed CIDRs: %d", aws.ToString(v.VpcId), maxVpcIPv4Blocks)
		}
		for _, p := range blocks {
			if overlaps(p, cidr) {
				return nil, apiErr("InvalidVpc.Range", "The CIDR '%s' is invalid.", *in.CidrBlock)
			}
		}
		a := types.VpcCidrBlockAssociation{AssociationId: aws.String(newID("vpc-cidr-assoc")), CidrBlock: aws.String(cidr.String()),
			CidrBlockState: &types.VpcCidrBlockState{State: types.VpcCidrBlockStateCodeAssociated}}
		v.CidrBlockAssociationSet = append(v.CidrBlockAssociationSet, a)
		shown := a
		shown.CidrBlockState = &types.VpcCidrBlockState{State: types.VpcCidrBlockStateCodeAssociating}
		out.CidrBlockAssociation = &shown
	default:
		return nil, apiErr("MissingParameter", "Either 'cidrBlock' or 'amazonProvidedIpv6CidrBlock' should be provided.")
	}
	if err := vpcKind.put(c, v); err != nil {
		return nil, err
	}
	return out, nil
}

func disassociateVpcCidrBlock(c *api.Context, in *sdk.DisassociateVpcCidrBlockInput) (*sdk.DisassociateVpcCidrBlockOutput, error) {
	id := aws.ToString(in.AssociationId)
	all, err := vpcKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, v := range all {
		subs, err := subnetKind.list(c, store.Query{Parent: aws.ToString(v.VpcId)})
		if err != nil {
			return nil, err
		}
		for i, a := range v.CidrBlockAssociationSet {
			if aws.ToString(a.AssociationId) != id {
				continue
			}
			if i == 0 {
				return nil, apiErr("OperationNotPermitted", "The vpc %s has a primary cidr block %s which cannot be disassociated.", aws.ToString(v.VpcId), aws.ToString(a.CidrBlock))
			}
			block, _ := netip.ParsePrefix(aws.ToString(a.CidrBlock))
			for _, s := range subs {
				if p, err := netip.ParsePrefix(aws.ToString(s.CidrBlock)); err == nil && overlaps(p, block) {
					return nil, dependency("The vpc '%s' has dependencies and cannot be deleted.", aws.ToString(v.VpcId))
				}
			}
			v.CidrBlockAssociationSet = append(v.CidrBlockAssociationSet[:i:i], v.CidrBlockAssociationSet[i+1:]...)
			shown := a
			shown.CidrBlockState = &types.VpcCidrBlockState{State: types.VpcCidrBlockStateCodeDisassociating}
			return &sdk.DisassociateVpcCidrBlockOutput{VpcId: v.VpcId, CidrBlockAssociation: &shown}, vpcKind.put(c, v)
		}
		for i, a := range v.Ipv6CidrBlockAssociationSet {
			if aws.ToString(a.AssociationId) != id {
				continue
			}
			for _, s := range subs {
				if len(s.Ipv6CidrBlockAssociationSet) > 0 {
					return nil, dependency("The vpc '%s' has dependencies and cannot be deleted.", aws.ToString(v.VpcId))
				}
			}
			v.Ipv6CidrBlockAssociationSet = append(v.Ipv6CidrBlockAssociationSet[:i:i], v.Ipv6CidrBlockAssociationSet[i+1:]...)
			shown := a
			shown.Ipv6CidrBlockState = &types.VpcCidrBlockState{State: types.VpcCidrBlockStateCodeDisassociating}
			return &sdk.DisassociateVpcCidrBlockOutput{VpcId: v.VpcId, Ipv6CidrBlockAssociation: &shown}, vpcKind.put(c, v)
		}
	}
	return nil, apiErr("InvalidVpcCidrBlockAssociationID.NotFound", "The vpc CIDR block association ID '%s' does not exist", id)
}

// subnetIPv6Block checks that a subnet's IPv6 block is a /64 of one of its
// VPC's IPv6 blocks that no other subnet holds.
func subnetIPv6Block(c *api.Context, s *types.Subnet, block string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(block)
	if err != nil || !p.Addr().Is6() || p.Masked() != p {
		return netip.Prefix{}, invalidParam("Value (%s) for parameter ipv6CidrBlock is invalid. This is not a valid IPv6 CIDR block.", block)
	}
	v, err := findVpc(c, aws.ToString(s.VpcId))
	if err != nil {
		return netip.Prefix{}, err
	}
	inside := false
	for _, a := range v.Ipv6CidrBlockAssociationSet {
		if q, err := netip.ParsePrefix(aws.ToString(a.Ipv6CidrBlock)); err == nil && q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			inside = true
		}
	}
	if !inside || p.Bits() != 64 {
		return netip.Prefix{}, invalidSubnetRange(block)
	}
	siblings, err := subnetKind.list(c, store.Query{Parent: aws.ToString(v.VpcId)})
	if err != nil {
		return netip.Prefix{}, err
	}
	for _, o := range siblings {
		for _, a := range o.Ipv6CidrBlockAssociationSet {
			if q, err := netip.ParsePrefix(aws.ToString(a.Ipv6CidrBlock)); err == nil && q.Overlaps(p) {
				return netip.Prefix{}, invalidSubnetConflict(block)
			}
		}
	}
	return p, nil
}

// addSubnetIPv6 associates an IPv6 block with a subnet and returns the association.
func addSubnetIPv6(c *api.Context, s *types.Subnet, block string) (*types.SubnetIpv6CidrBlockAssociation, error) {
	for _, a := range s.Ipv6CidrBlockAssociationSet {
		if a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State == types.SubnetCidrBlockStateCodeAssociated {
			return nil, apiErr("CidrLimitExceeded", "This network '%s' has met its maximum number of allowed CIDRs: 1", aws.ToString(s.SubnetId))
		}
	}
	p, err := subnetIPv6Block(c, s, block)
	if err != nil {
		return nil, err
	}
	a := types.SubnetIpv6CidrBlockAssociation{AssociationId: aws.String(newID("subnet-cidr-assoc")), Ipv6CidrBlock: aws.String(p.String()),
		Ipv6CidrBlockState: &types.SubnetCidrBlockState{State: types.SubnetCidrBlockStateCodeAssociated},
		IpSource:           types.IpSourceAmazon, Ipv6AddressAttribute: types.Ipv6AddressAttributePublic}
	s.Ipv6CidrBlockAssociationSet = append(s.Ipv6CidrBlockAssociationSet, a)
	return &a, subnetKind.put(c, s)
}

func associateSubnetCidrBlock(c *api.Context, in *sdk.AssociateSubnetCidrBlockInput) (*sdk.AssociateSubnetCidrBlockOutput, error) {
	s, err := findSubnet(c, aws.ToString(in.SubnetId))
	if err != nil {
		return nil, err
	}
	if in.Ipv6CidrBlock == nil {
		return nil, apiErr("MissingParameter", "The request must contain the parameter ipv6CidrBlock")
	}
	a, err := addSubnetIPv6(c, s, *in.Ipv6CidrBlock)
	if err != nil {
		return nil, err
	}
	shown := *a
	shown.Ipv6CidrBlockState = &types.SubnetCidrBlockState{State: types.SubnetCidrBlockStateCodeAssociating}
	return &sdk.AssociateSubnetCidrBlockOutput{SubnetId: s.SubnetId, Ipv6CidrBlockAssociation: &shown}, nil
}

func disassociateSubnetCidrBlock(c *api.Context, in *sdk.DisassociateSubnetCidrBlockInput) (*sdk.DisassociateSubnetCidrBlockOutput, error) {
	id := aws.ToString(in.AssociationId)
	all, err := subnetKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		for i, a := range s.Ipv6CidrBlockAssociationSet {
			if aws.ToString(a.AssociationId) != id {
				continue
			}
			s.Ipv6CidrBlockAssociationSet = append(s.Ipv6CidrBlockAssociationSet[:i:i], s.Ipv6CidrBlockAssociationSet[i+1:]...)
			shown := a
			shown.Ipv6CidrBlockState = &types.SubnetCidrBlockState{State: types.SubnetCidrBlockStateCodeDisassociating}
			return &sdk.DisassociateSubnetCidrBlockOutput{SubnetId: s.SubnetId, Ipv6CidrBlockAssociation: &shown}, subnetKind.put(c, s)
		}
	}
	return nil, apiErr("InvalidSubnetCidrBlockAssociationID.NotFound", "The subnet CIDR block with association ID '%s' does not exist", id)
}

// ipv6Fields adds a VPC's IPv6 blocks to its filter fields.
func ipv6Fields(f fields, v *types.Vpc) {
	for _, a := range v.Ipv6CidrBlockAssociationSet {
		f.addPtr("ipv6-cidr-block-association.ipv6-cidr-block", a.Ipv6CidrBlock)
		f.addPtr("ipv6-cidr-block-association.ipv6-pool", a.Ipv6Pool)
		f.addPtr("ipv6-cidr-block-association.association-id", a.AssociationId)
		if a.Ipv6CidrBlockState != nil {
			f.add("ipv6-cidr-block-association.state", string(a.Ipv6CidrBlockState.State))
		}
	}
}
