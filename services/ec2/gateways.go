package ec2

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// NatGatewayDelay is how long a NAT gateway stays pending (and deleting),
// before the time scale.
const NatGatewayDelay = 2 * time.Second

// deletedNatGatewayRetention is how long a deleted NAT gateway stays visible, as on AWS.
const deletedNatGatewayRetention = time.Hour

func registerGateways(s *api.Service, o Options) {
	natDelay := o.scaled(NatGatewayDelay)
	handle(s, "CreateInternetGateway", createInternetGateway)
	handle(s, "DeleteInternetGateway", deleteInternetGateway)
	handle(s, "DescribeInternetGateways", describeInternetGateways)
	handle(s, "AttachInternetGateway", attachInternetGateway)
	handle(s, "DetachInternetGateway", detachInternetGateway)
	handle(s, "CreateNatGateway", createNatGateway)
	handle(s, "DeleteNatGateway", func(c *api.Context, in *sdk.DeleteNatGatewayInput) (*sdk.DeleteNatGatewayOutput, error) {
		return deleteNatGateway(c, in, natDelay)
	})
	handle(s, "DescribeNatGateways", func(c *api.Context, in *sdk.DescribeNatGatewaysInput) (*sdk.DescribeNatGatewaysOutput, error) {
		return describeNatGateways(c, in, natDelay)
	})
}

func createInternetGateway(c *api.Context, in *sdk.CreateInternetGatewayInput) (*sdk.CreateInternetGatewayOutput, error) {
	tags, err := specTags(in.TagSpecifications, "internet-gateway")
	if err != nil {
		return nil, err
	}
	g := &types.InternetGateway{InternetGatewayId: aws.String(newID("igw")), OwnerId: aws.String(c.Account()),
		Attachments: []types.InternetGatewayAttachment{}, Tags: tags}
	return &sdk.CreateInternetGatewayOutput{InternetGateway: g}, igwKind.put(c, g)
}

func findIGW(c *api.Context, id string) (*types.InternetGateway, error) {
	g, err := igwKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, notFoundAs("igw", id)
	}
	return g, nil
}

func deleteInternetGateway(c *api.Context, in *sdk.DeleteInternetGatewayInput) (*sdk.DeleteInternetGatewayOutput, error) {
	g, err := findIGW(c, aws.ToString(in.InternetGatewayId))
	if err != nil {
		return nil, err
	}
	if len(g.Attachments) > 0 {
		return nil, dependency("The internetGateway '%s' has dependencies and cannot be deleted.", aws.ToString(g.InternetGatewayId))
	}
	return &sdk.DeleteInternetGatewayOutput{}, igwKind.delete(c, aws.ToString(g.InternetGatewayId))
}

func attachInternetGateway(c *api.Context, in *sdk.AttachInternetGatewayInput) (*sdk.AttachInternetGatewayOutput, error) {
	g, err := findIGW(c, aws.ToString(in.InternetGatewayId))
	if err != nil {
		return nil, err
	}
	vpcID := aws.ToString(in.VpcId)
	if _, err := findVpc(c, vpcID); err != nil {
		return nil, err
	}
	if len(g.Attachments) > 0 {
		return nil, apiErr("Resource.AlreadyAssociated", "resource %s is already attached to network %s", aws.ToString(g.InternetGatewayId), aws.ToString(g.Attachments[0].VpcId))
	}
	found, err := igws.Exists(c.Tx, c.Scope(), store.Query{Parent: vpcID})
	if err != nil {
		return nil, err
	}
	if found {
		return nil, apiErr("InvalidParameterValue", "Network %s already has an internet gateway attached", vpcID)
	}
	g.Attachments = []types.InternetGatewayAttachment{{VpcId: aws.String(vpcID), State: types.AttachmentStatus("available")}}
	return &sdk.AttachInternetGatewayOutput{}, igwKind.put(c, g)
}

func detachInternetGateway(c *api.Context, in *sdk.DetachInternetGatewayInput) (*sdk.DetachInternetGatewayOutput, error) {
	g, err := findIGW(c, aws.ToString(in.InternetGatewayId))
	if err != nil {
		return nil, err
	}
	vpcID := aws.ToString(in.VpcId)
	if len(g.Attachments) == 0 || aws.ToString(g.Attachments[0].VpcId) != vpcID {
		return nil, apiErr("Gateway.NotAttached", "resource %s is not attached to network %s", aws.ToString(g.InternetGatewayId), vpcID)
	}
	g.Attachments = []types.InternetGatewayAttachment{}
	return &sdk.DetachInternetGatewayOutput{}, igwKind.put(c, g)
}

var igwListing = listing[types.InternetGateway]{op: "DescribeInternetGateways",
	id:   func(g *types.InternetGateway) string { return aws.ToString(g.InternetGatewayId) },
	tags: func(g *types.InternetGateway) []types.Tag { return g.Tags },
	fields: func(g *types.InternetGateway) fields {
		f := fields{}
		f.addPtr("internet-gateway-id", g.InternetGatewayId)
		f.addPtr("owner-id", g.OwnerId)
		for _, a := range g.Attachments {
			f.add("attachment.state", string(a.State))
			f.addPtr("attachment.vpc-id", a.VpcId)
		}
		return f
	},
	filters:  []string{"internet-gateway-id", "owner-id", "attachment.state", "attachment.vpc-id"},
	notFound: func(id string) error { return notFoundAs("igw", id) },
}

func describeInternetGateways(c *api.Context, in *sdk.DescribeInternetGatewaysInput) (*sdk.DescribeInternetGatewaysOutput, error) {
	out, next, err := igwListing.describe(c, igwKind, in.InternetGatewayIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeInternetGatewaysOutput{InternetGateways: out, NextToken: next}, nil
}

func createNatGateway(c *api.Context, in *sdk.CreateNatGatewayInput) (*sdk.CreateNatGatewayOutput, error) {
	s, err := findSubnet(c, aws.ToString(in.SubnetId))
	if err != nil {
		return nil, err
	}
	conn := in.ConnectivityType
	if conn == "" {
		conn = types.ConnectivityTypePublic
	}
	var addr *types.Address
	if conn == types.ConnectivityTypePublic {
		if in.AllocationId == nil {
			return nil, apiErr("MissingParameter", "The request must contain the parameter AllocationId")
		}
		if addr, err = findAddress(c, aws.ToString(in.AllocationId)); err != nil {
			return nil, err
		}
		if addr.AssociationId != nil {
			return nil, apiErr("Resource.AlreadyAssociated", "Elastic IP address [%s] is already associated", aws.ToString(in.AllocationId))
		}
	}
	tags, err := specTags(in.TagSpecifications, "natgateway")
	if err != nil {
		return nil, err
	}
	id := newID("nat")
	eni, err := createInterface(c, InterfaceSpec{SubnetID: aws.ToString(s.SubnetId), Description: "Interface for NAT Gateway " + id,
		InterfaceType: "nat_gateway", RequesterID: "amazon-nat", PrivateIP: aws.ToString(in.PrivateIpAddress)})
	if err != nil {
		return nil, err
	}
	eni.Groups = []types.GroupIdentifier{}
	ga := types.NatGatewayAddress{NetworkInterfaceId: eni.NetworkInterfaceId, PrivateIp: eni.PrivateIpAddress, IsPrimary: aws.Bool(true),
		Status: types.NatGatewayAddressStatusSucceeded}
	if addr != nil {
		assoc := newID("eipassoc")
		ga.AllocationId, ga.PublicIp, ga.AssociationId = addr.AllocationId, addr.PublicIp, aws.String(assoc)
		addr.AssociationId, addr.NetworkInterfaceId, addr.PrivateIpAddress = aws.String(assoc), eni.NetworkInterfaceId, eni.PrivateIpAddress
		addr.NetworkInterfaceOwnerId = aws.String(c.Account())
		if err := addressKind.put(c, addr); err != nil {
			return nil, err
		}
		eni.Association = &types.NetworkInterfaceAssociation{AllocationId: addr.AllocationId, AssociationId: aws.String(assoc),
			PublicIp: addr.PublicIp, IpOwnerId: aws.String(c.Account()), PublicDnsName: aws.String(PublicDNSName(c.Region, aws.ToString(addr.PublicIp)))}
	}
	if err := eniKind.put(c, eni); err != nil {
		return nil, err
	}
	n := &types.NatGateway{NatGatewayId: aws.String(id), SubnetId: s.SubnetId, VpcId: s.VpcId, ConnectivityType: conn,
		CreateTime: aws.Time(clock(c)), State: types.NatGatewayStatePending, NatGatewayAddresses: []types.NatGatewayAddress{ga},
		Tags: tags, AvailabilityMode: types.AvailabilityModeZonal}
	if err := natKind.put(c, n); err != nil {
		return nil, err
	}
	return &sdk.CreateNatGatewayOutput{NatGateway: n, ClientToken: in.ClientToken}, nil
}

// settleNat moves a NAT gateway along pending → available and deleting →
// deleted once delay has passed.
func settleNat(n *types.NatGateway, now time.Time, delay time.Duration) {
	switch n.State {
	case types.NatGatewayStatePending:
		if now.Sub(aws.ToTime(n.CreateTime)) >= delay {
			n.State = types.NatGatewayStateAvailable
		}
	case types.NatGatewayStateDeleting:
		if now.Sub(aws.ToTime(n.DeleteTime)) >= delay {
			n.State = types.NatGatewayStateDeleted
		}
	}
}

func deleteNatGateway(c *api.Context, in *sdk.DeleteNatGatewayInput, delay time.Duration) (*sdk.DeleteNatGatewayOutput, error) {
	id := aws.ToString(in.NatGatewayId)
	n, err := natKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, notFoundAs("nat", id)
	}
	settleNat(n, clock(c), delay)
	if n.State == types.NatGatewayStateDeleted || n.State == types.NatGatewayStateDeleting {
		return nil, notFoundAs("nat", id)
	}
	for _, a := range n.NatGatewayAddresses {
		if a.AllocationId != nil {
			if addr, _ := addressKind.get(c, aws.ToString(a.AllocationId)); addr != nil {
				clearAssociation(addr)
				if err := addressKind.put(c, addr); err != nil {
					return nil, err
				}
			}
		}
		if a.NetworkInterfaceId != nil {
			if err := deleteInterface(c, aws.ToString(a.NetworkInterfaceId), true); err != nil {
				return nil, err
			}
		}
	}
	n.State = types.NatGatewayStateDeleting
	n.DeleteTime = aws.Time(clock(c))
	return &sdk.DeleteNatGatewayOutput{NatGatewayId: n.NatGatewayId}, natKind.put(c, n)
}

var natListing = listing[types.NatGateway]{op: "DescribeNatGateways", parent: "vpc-id",
	id:   func(n *types.NatGateway) string { return aws.ToString(n.NatGatewayId) },
	tags: func(n *types.NatGateway) []types.Tag { return n.Tags },
	fields: func(n *types.NatGateway) fields {
		f := fields{}
		f.addPtr("nat-gateway-id", n.NatGatewayId)
		f.add("state", string(n.State))
		f.addPtr("subnet-id", n.SubnetId)
		f.addPtr("vpc-id", n.VpcId)
		return f
	},
	filters:  []string{"nat-gateway-id", "state", "subnet-id", "vpc-id"},
	notFound: func(id string) error { return notFoundAs("nat", id) },
}

func describeNatGateways(c *api.Context, in *sdk.DescribeNatGatewaysInput, delay time.Duration) (*sdk.DescribeNatGatewaysOutput, error) {
	now := clock(c)
	// Time settles the gateways a page reads; one deleted past retention is
	// removed, and is not found when named.
	out, next, err := natListing.page(c, natKind, func(n *types.NatGateway) (*types.NatGateway, error) {
		settleNat(n, now, delay)
		if n.State == types.NatGatewayStateDeleted && now.Sub(aws.ToTime(n.DeleteTime)) > deletedNatGatewayRetention {
			return nil, natKind.delete(c, aws.ToString(n.NatGatewayId))
		}
		return n, nil
	}, in.NatGatewayIds, in.Filter, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeNatGatewaysOutput{NatGateways: values(out), NextToken: next}, nil
}
