package ec2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// dhcpKeys are the DHCP option names EC2 accepts.
var dhcpKeys = map[string]bool{"domain-name": true, "domain-name-servers": true, "ntp-servers": true, "netbios-name-servers": true,
	"netbios-node-type": true, "ipv6-address-preferred-lease-time": true}

func registerDhcpOptions(s *api.Service) {
	handle(s, "CreateDhcpOptions", createDhcpOptions)
	handle(s, "DeleteDhcpOptions", deleteDhcpOptions)
	handle(s, "AssociateDhcpOptions", associateDhcpOptions)
}

func createDhcpOptions(c *api.Context, in *sdk.CreateDhcpOptionsInput) (*sdk.CreateDhcpOptionsOutput, error) {
	tags, err := specTags(in.TagSpecifications, "dhcp-options")
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = []types.Tag{}
	}
	d := &types.DhcpOptions{DhcpOptionsId: aws.String(newID("dopt")), OwnerId: aws.String(c.Account()), Tags: tags}
	for _, cfg := range in.DhcpConfigurations {
		key := aws.ToString(cfg.Key)
		if !dhcpKeys[key] {
			return nil, invalidParam("Value (%s) for parameter name is invalid. Unknown DHCP option", key)
		}
		dc := types.DhcpConfiguration{Key: aws.String(key)}
		for _, v := range cfg.Values {
			dc.Values = append(dc.Values, types.AttributeValue{Value: aws.String(v)})
		}
		d.DhcpConfigurations = append(d.DhcpConfigurations, dc)
	}
	return &sdk.CreateDhcpOptionsOutput{DhcpOptions: d}, dhcpKind.put(c, d)
}

func deleteDhcpOptions(c *api.Context, in *sdk.DeleteDhcpOptionsInput) (*sdk.DeleteDhcpOptionsOutput, error) {
	id := aws.ToString(in.DhcpOptionsId)
	d, err := dhcpKind.get(c, id)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, notFoundAs("dopt", id)
	}
	vs, err := vpcKind.list(c, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if aws.ToString(v.DhcpOptionsId) == id {
			return nil, dependency("The dhcpOptions '%s' has dependencies and cannot be deleted.", id)
		}
	}
	return &sdk.DeleteDhcpOptionsOutput{}, dhcpKind.delete(c, id)
}

// associateDhcpOptions gives a VPC an options set; "default" means none.
func associateDhcpOptions(c *api.Context, in *sdk.AssociateDhcpOptionsInput) (*sdk.AssociateDhcpOptionsOutput, error) {
	v, err := findVpc(c, aws.ToString(in.VpcId))
	if err != nil {
		return nil, err
	}
	id := aws.ToString(in.DhcpOptionsId)
	if id != "default" {
		d, err := dhcpKind.get(c, id)
		if err != nil {
			return nil, err
		}
		if d == nil {
			return nil, notFoundAs("dopt", id)
		}
	}
	v.DhcpOptionsId = aws.String(id)
	return &sdk.AssociateDhcpOptionsOutput{}, vpcKind.put(c, v)
}
