package ecs

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
)

// Subnets and security groups of awsvpc tasks are EC2's: EC2 gives the
// task's ENI its VPC, zone and address. An id EC2 does not know is refused
// as ECS refuses it, quoting EC2's error.

// taskENIRequester is the requester id AWS records on the ENIs ECS creates
// for awsvpc tasks (an AWS-owned account; RequesterManaged is true).
const taskENIRequester = "578734482556"

// awsvpcNetwork is an awsvpc configuration resolved against EC2.
type awsvpcNetwork struct {
	// zones maps the configuration's subnets to their availability zone.
	zones map[string]string
	// vpc is the VPC of the subnets.
	vpc string
}

// resolveAwsvpcNetwork checks a configuration's subnets and security groups
// against EC2.
func resolveAwsvpcNetwork(c *api.Context, cfg *types.AwsVpcConfiguration) (*awsvpcNetwork, error) {
	n := &awsvpcNetwork{zones: map[string]string{}}
	if cfg == nil {
		return n, nil
	}
	for _, id := range cfg.Subnets {
		s, err := ec2.LookupSubnet(c.Tx, c.Account(), c.Region, id)
		if apierror.CodeOf(err) != "" {
			return nil, errRetrieving("subnet", id, apierror.As(err))
		}
		if err != nil {
			return nil, err
		}
		n.zones[id] = aws.ToString(s.AvailabilityZone)
		if n.vpc == "" {
			n.vpc = aws.ToString(s.VpcId)
		}
	}
	for _, g := range cfg.SecurityGroups {
		err := ec2.CheckSecurityGroups(c.Tx, c.Account(), c.Region, n.vpc, []string{g})
		if apierror.CodeOf(err) != "" {
			return nil, errRetrieving("security group", g, apierror.As(err))
		}
		if err != nil {
			return nil, err
		}
	}
	return n, nil
}

// errRetrieving is ECS's answer to a subnet or security group EC2 refuses
// (what: "subnet" or "security group"), quoting EC2's error.
func errRetrieving(what, id string, ec2Err *apierror.Error) error {
	return errInvalid("Error retrieving %s information for [%s]: %s (ErrorCode: %s)", what, id, ec2Err.Message, ec2Err.Code)
}

// taskInterface is the ENI of an awsvpc task as its attachment reports it.
type taskInterface struct {
	ID, MAC, PrivateIP, PrivateDNSName, Zone string
}

// createTaskInterface creates the task's ENI in subnet through EC2, with the
// configuration's security groups (none: the VPC's default group).
func createTaskInterface(c *api.Context, cfg *types.AwsVpcConfiguration, subnet, attachmentID string) (*taskInterface, error) {
	if _, err := resolveAwsvpcNetwork(c, cfg); err != nil {
		return nil, err
	}
	spec := ec2.InterfaceSpec{SubnetID: subnet, RequesterID: taskENIRequester, InterfaceType: "interface",
		Description: c.ARNPrefix() + "ecs:" + c.Region + ":" + c.Account() + ":attachment/" + attachmentID}
	if cfg != nil {
		spec.SecurityGroups = cfg.SecurityGroups
	}
	eni, err := ec2.CreateInterface(c.Tx, c.Account(), c.Region, spec)
	switch code := apierror.CodeOf(err); {
	case strings.HasPrefix(code, "InsufficientFreeAddresses"):
		return nil, errInvalid("There are insufficient free IP addresses in subnet %s to launch the task.", subnet)
	case strings.HasPrefix(code, "InvalidSubnetID."):
		return nil, errRetrieving("subnet", subnet, apierror.As(err))
	}
	if err != nil {
		return nil, err
	}
	return &taskInterface{ID: eni.ID, MAC: eni.MAC, PrivateIP: eni.PrivateIP, PrivateDNSName: eni.PrivateDNSName, Zone: eni.AvailabilityZone}, nil
}

// releaseTaskInterface deletes a task's ENI from EC2 (one already gone is
// skipped), which frees its address.
func releaseTaskInterface(c *api.Context, eniID string) error {
	if eniID == "" {
		return nil
	}
	err := ec2.DeleteInterface(c.Tx, c.Account(), c.Region, eniID)
	if strings.HasPrefix(apierror.CodeOf(err), "InvalidNetworkInterfaceID.") {
		return nil
	}
	return err
}
