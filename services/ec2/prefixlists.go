package ec2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
)

// servicePrefixLists are the AWS-managed prefix lists of the gateway endpoint services.
var servicePrefixLists = []struct {
	service, id string
	cidrs       []string
}{
	{"s3", "pl-63a5400a", []string{"16.15.176.0/20", "16.182.0.0/16", "18.34.0.0/19", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16"}},
	{"dynamodb", "pl-02cd2c6b", []string{"3.218.180.0/22", "3.218.184.0/22", "52.94.0.0/22", "52.119.224.0/20"}},
}

func registerPrefixLists(s *api.Service) {
	handle(s, "DescribePrefixLists", describePrefixLists)
	handle(s, "DescribeAddressesAttribute", describeAddressesAttribute)
}

func describePrefixLists(c *api.Context, in *sdk.DescribePrefixListsInput) (*sdk.DescribePrefixListsOutput, error) {
	var docs []*types.PrefixList
	for _, p := range servicePrefixLists {
		docs = append(docs, &types.PrefixList{PrefixListId: aws.String(p.id), PrefixListName: aws.String("com.amazonaws." + c.Region + "." + p.service), Cidrs: p.cidrs})
	}
	l := listing[types.PrefixList]{op: "DescribePrefixLists",
		id: func(p *types.PrefixList) string { return aws.ToString(p.PrefixListId) },
		fields: func(p *types.PrefixList) fields {
			return fields{"prefix-list-id": {aws.ToString(p.PrefixListId)}, "prefix-list-name": {aws.ToString(p.PrefixListName)}}
		},
		filters: []string{"prefix-list-id", "prefix-list-name"},
		notFound: func(id string) error {
			return apiErr("InvalidPrefixListID.NotFound", "The prefix list ID '%s' does not exist", id)
		},
	}
	out, next, err := l.run(c, docs, in.PrefixListIds, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribePrefixListsOutput{PrefixLists: values(out), NextToken: next}, nil
}

// describeAddressesAttribute answers the domain-name attribute: Longshore
// keeps no reverse DNS records, so addresses carry none.
func describeAddressesAttribute(c *api.Context, in *sdk.DescribeAddressesAttributeInput) (*sdk.DescribeAddressesAttributeOutput, error) {
	if in.Attribute != "" && in.Attribute != types.AddressAttributeNameDomainName {
		return nil, invalidParam("Value (%s) for parameter attribute is invalid.", in.Attribute)
	}
	var attrs []types.AddressAttribute
	for _, id := range in.AllocationIds {
		a, err := findAddress(c, id)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, types.AddressAttribute{AllocationId: a.AllocationId, PublicIp: a.PublicIp})
	}
	if len(in.AllocationIds) == 0 {
		docs, err := addressKind.list(c, storeQueryAll)
		if err != nil {
			return nil, err
		}
		for _, a := range docs {
			attrs = append(attrs, types.AddressAttribute{AllocationId: a.AllocationId, PublicIp: a.PublicIp})
		}
	}
	return &sdk.DescribeAddressesAttributeOutput{Addresses: attrs}, nil
}
