package ec2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/store"
)

// DefaultSubnet returns the default subnet of a zone in the account and
// region's default VPC (creating the default network on first use), or nil
// when the default VPC or that subnet has been deleted.
func DefaultSubnet(tx *store.Tx, account, region, zone string) (*types.Subnet, error) {
	vpc, err := DefaultVpc(tx, account, region)
	if err != nil || vpc == "" {
		return nil, err
	}
	list, err := all(subnets, tx, store.Scope{Account: account, Region: region}, store.Query{Parent: vpc})
	if err != nil {
		return nil, err
	}
	for _, s := range list {
		if aws.ToBool(s.DefaultForAz) && aws.ToString(s.AvailabilityZone) == zone {
			return s, nil
		}
	}
	return nil, nil
}

// DefaultSecurityGroup returns the id of a VPC's default security group ("" when unknown).
func DefaultSecurityGroup(tx *store.Tx, account, region, vpcID string) (string, error) {
	if err := EnsureDefaults(tx, account, region); err != nil {
		return "", err
	}
	list, err := all(groups, tx, store.Scope{Account: account, Region: region}, store.Query{Parent: vpcID, Name: "default"})
	if err != nil || len(list) == 0 {
		return "", err
	}
	return aws.ToString(list[0].GroupId), nil
}
