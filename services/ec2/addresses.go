package ec2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerAddresses(s *api.Service) {
	handle(s, "AllocateAddress", allocateAddress)
	handle(s, "ReleaseAddress", releaseAddress)
	handle(s, "DescribeAddresses", describeAddresses)
	handle(s, "AssociateAddress", associateAddress)
	handle(s, "DisassociateAddress", disassociateAddress)
}

func allocateAddress(c *api.Context, in *sdk.AllocateAddressInput) (*sdk.AllocateAddressOutput, error) {
	tags, err := specTags(in.TagSpecifications, "elastic-ip")
	if err != nil {
		return nil, err
	}
	a := &types.Address{AllocationId: aws.String(newID("eipalloc")), PublicIp: aws.String(publicIP()), Domain: types.DomainTypeVpc,
		NetworkBorderGroup: aws.String(c.Region), PublicIpv4Pool: aws.String("amazon"), Tags: tags}
	if err := addressKind.put(c, a); err != nil {
		return nil, err
	}
	return &sdk.AllocateAddressOutput{AllocationId: a.AllocationId, PublicIp: a.PublicIp, Domain: a.Domain,
		NetworkBorderGroup: a.NetworkBorderGroup, PublicIpv4Pool: a.PublicIpv4Pool}, nil
}

func findAddress(c *api.Context, id string) (*types.Address, error) {
	a, err := addressKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, notFoundAs("eipalloc", id)
	}
	return a, nil
}

// addressByPublicIP finds an Elastic IP by its public address.
func addressByPublicIP(c *api.Context, ip string) (*types.Address, error) {
	docs, err := addressKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, a := range docs {
		if aws.ToString(a.PublicIp) == ip {
			return a, nil
		}
	}
	return nil, apiErr("InvalidAddress.NotFound", "Address '%s' not found.", ip)
}

// requestedAddress is the address a request names, by allocation ID when it
// gives one, else by public IP.
func requestedAddress(c *api.Context, allocationID, publicIP *string) (*types.Address, error) {
	if allocationID != nil {
		return findAddress(c, *allocationID)
	}
	return addressByPublicIP(c, aws.ToString(publicIP))
}

func clearAssociation(a *types.Address) {
	a.AssociationId, a.InstanceId, a.NetworkInterfaceId, a.NetworkInterfaceOwnerId, a.PrivateIpAddress = nil, nil, nil, nil, nil
}

func releaseAddress(c *api.Context, in *sdk.ReleaseAddressInput) (*sdk.ReleaseAddressOutput, error) {
	a, err := requestedAddress(c, in.AllocationId, in.PublicIp)
	if err != nil {
		return nil, err
	}
	if a.AssociationId != nil {
		return nil, apiErr("InvalidIPAddress.InUse", "Address %s is in use.", aws.ToString(a.PublicIp))
	}
	return &sdk.ReleaseAddressOutput{}, addressKind.delete(c, aws.ToString(a.AllocationId))
}

func associateAddress(c *api.Context, in *sdk.AssociateAddressInput) (*sdk.AssociateAddressOutput, error) {
	a, err := requestedAddress(c, in.AllocationId, in.PublicIp)
	if err != nil {
		return nil, err
	}
	if a.AssociationId != nil && !aws.ToBool(in.AllowReassociation) {
		return nil, apiErr("Resource.AlreadyAssociated", "resource %s is already associated with associate-id %s", aws.ToString(a.AllocationId), aws.ToString(a.AssociationId))
	}
	eniID := aws.ToString(in.NetworkInterfaceId)
	var inst *Instance
	if in.InstanceId != nil {
		if inst, err = findInstance(c, *in.InstanceId); err != nil {
			return nil, err
		}
		if len(inst.NetworkInterfaces) == 0 {
			return nil, invalidParam("The instance '%s' has no network interface.", *in.InstanceId)
		}
		eniID = aws.ToString(inst.NetworkInterfaces[0].NetworkInterfaceId)
	}
	if eniID == "" {
		return nil, apiErr("MissingParameter", "Either an instance ID or a network interface ID must be specified")
	}
	e, err := findInterface(c, eniID)
	if err != nil {
		return nil, err
	}
	if a.AssociationId != nil {
		if err := dropAssociation(c, a); err != nil {
			return nil, err
		}
	}
	assoc := newID("eipassoc")
	a.AssociationId, a.NetworkInterfaceId, a.NetworkInterfaceOwnerId = aws.String(assoc), e.NetworkInterfaceId, aws.String(c.Account())
	a.PrivateIpAddress = e.PrivateIpAddress
	if in.PrivateIpAddress != nil {
		a.PrivateIpAddress = in.PrivateIpAddress
	}
	if e.Attachment != nil {
		a.InstanceId = e.Attachment.InstanceId
	}
	e.Association = &types.NetworkInterfaceAssociation{AllocationId: a.AllocationId, AssociationId: aws.String(assoc), PublicIp: a.PublicIp,
		IpOwnerId: aws.String(c.Account()), PublicDnsName: aws.String(PublicDNSName(c.Region, aws.ToString(a.PublicIp)))}
	if err := eniKind.put(c, e); err != nil {
		return nil, err
	}
	if err := setInstancePublicIP(c, e); err != nil {
		return nil, err
	}
	return &sdk.AssociateAddressOutput{AssociationId: aws.String(assoc)}, addressKind.put(c, a)
}

// dropAssociation removes an address's association from its interface.
func dropAssociation(c *api.Context, a *types.Address) error {
	if a.NetworkInterfaceId != nil {
		if e, _ := eniKind.get(c, aws.ToString(a.NetworkInterfaceId)); e != nil {
			e.Association = nil
			if err := eniKind.put(c, e); err != nil {
				return err
			}
			if err := setInstancePublicIP(c, e); err != nil {
				return err
			}
		}
	}
	clearAssociation(a)
	return nil
}

func disassociateAddress(c *api.Context, in *sdk.DisassociateAddressInput) (*sdk.DisassociateAddressOutput, error) {
	docs, err := addressKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, a := range docs {
		if (in.AssociationId != nil && aws.ToString(a.AssociationId) == *in.AssociationId) ||
			(in.PublicIp != nil && aws.ToString(a.PublicIp) == *in.PublicIp && a.AssociationId != nil) {
			if err := dropAssociation(c, a); err != nil {
				return nil, err
			}
			return &sdk.DisassociateAddressOutput{}, addressKind.put(c, a)
		}
	}
	if in.AssociationId != nil {
		return nil, notFoundAs("eipassoc", *in.AssociationId)
	}
	return nil, apiErr("InvalidAddress.NotFound", "Address '%s' not found.", aws.ToString(in.PublicIp))
}

var addressListing = listing[types.Address]{op: "DescribeAddresses",
	id:   func(a *types.Address) string { return aws.ToString(a.AllocationId) },
	tags: func(a *types.Address) []types.Tag { return a.Tags },
	fields: func(a *types.Address) fields {
		f := fields{}
		f.addPtr("allocation-id", a.AllocationId)
		f.addPtr("association-id", a.AssociationId)
		f.add("domain", string(a.Domain))
		f.addPtr("instance-id", a.InstanceId)
		f.addPtr("network-border-group", a.NetworkBorderGroup)
		f.addPtr("network-interface-id", a.NetworkInterfaceId)
		f.addPtr("network-interface-owner-id", a.NetworkInterfaceOwnerId)
		f.addPtr("private-ip-address", a.PrivateIpAddress)
		f.addPtr("public-ip", a.PublicIp)
		return f
	},
	filters: []string{"allocation-id", "association-id", "domain", "instance-id", "network-border-group",
		"network-interface-id", "network-interface-owner-id", "private-ip-address", "public-ip"},
	notFound: func(id string) error { return notFoundAs("eipalloc", id) },
}

func describeAddresses(c *api.Context, in *sdk.DescribeAddressesInput) (*sdk.DescribeAddressesOutput, error) {
	ids := append([]string(nil), in.AllocationIds...)
	for _, ip := range in.PublicIps {
		a, err := addressByPublicIP(c, ip)
		if err != nil {
			return nil, err
		}
		ids = append(ids, aws.ToString(a.AllocationId))
	}
	// Named addresses are read one by one; DescribeAddresses has no paging.
	out, _, err := addressListing.page(c, addressKind, nil, ids, in.Filters, nil, nil)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeAddressesOutput{Addresses: values(out)}, nil
}
