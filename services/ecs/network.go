package ecs

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
)

// Subnets of awsvpc tasks are EC2's. A subnet EC2 knows (a default subnet or
// one created through EC2) gives the task's ENI its VPC, zone and address. A
// subnet id EC2 has never seen stands in for the default subnet of the zone
// SubnetPlacement maps it to, as long as the account has a default VPC and
// the configuration names no known subnet of another VPC; otherwise it is
// refused as ECS refuses a missing subnet.

// taskENIRequester is the requester id AWS records on the ENIs ECS creates
// for awsvpc tasks (an AWS-owned account; RequesterManaged is true).
const taskENIRequester = "578734482556"

// awsvpcNetwork is an awsvpc configuration resolved against EC2.
type awsvpcNetwork struct {
	// known maps the subnets EC2 knows to their description.
	known map[string]*ec2types.Subnet
	// vpc is the VPC of the known subnets ("" when all are stand-ins).
	vpc string
}

// resolveAwsvpcNetwork checks a configuration's subnets and, when they are
// known, its security groups against EC2.
func resolveAwsvpcNetwork(c *api.Context, cfg *types.AwsVpcConfiguration) (*awsvpcNetwork, error) {
	n := &awsvpcNetwork{known: map[string]*ec2types.Subnet{}}
	if cfg == nil {
		return n, nil
	}
	var standIns []string
	for _, id := range cfg.Subnets {
		s, err := ec2.LookupSubnet(c.Tx, c.Account(), c.Region, id)
		if code, ok := ec2Code(err); ok && strings.HasPrefix(code, "InvalidSubnetID.") {
			standIns = append(standIns, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		n.known[id] = s
		if n.vpc == "" {
			n.vpc = aws.ToString(s.VpcId)
		}
	}
	if len(standIns) > 0 {
		defVpc, err := ec2.DefaultVpc(c.Tx, c.Account(), c.Region)
		if err != nil {
			return nil, err
		}
		if defVpc == "" || (n.vpc != "" && n.vpc != defVpc) {
			return nil, errSubnetNotFound(standIns[0])
		}
	}
	if n.vpc != "" {
		for _, g := range cfg.SecurityGroups {
			err := ec2.CheckSecurityGroups(c.Tx, c.Account(), c.Region, n.vpc, []string{g})
			if code, ok := ec2Code(err); ok {
				return nil, errInvalid("Error retrieving security group information for [%s]: %s (ErrorCode: %s)", g, ec2Message(err), code)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

func errSubnetNotFound(id string) error {
	return errInvalid("Error retrieving subnet information for [%s]: The subnet ID '%s' does not exist (ErrorCode: InvalidSubnetID.NotFound)", id, id)
}

// ec2Code is the error code of an EC2 refusal.
func ec2Code(err error) (string, bool) {
	var ae *apierror.Error
	if errors.As(err, &ae) {
		return ae.Code, true
	}
	return "", false
}

func ec2Message(err error) string {
	var ae *apierror.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}

// taskInterface is the ENI of an awsvpc task as its attachment reports it.
type taskInterface struct {
	ID, MAC, PrivateIP, PrivateDNSName, Zone string
}

// createTaskInterface creates the task's ENI in subnet: through EC2 for a
// known subnet and for a stand-in whose zone still has its default subnet
// (so that the addresses of both come from one allocator), and from the
// stand-in allocator (AllocateIP) only when that default subnet is gone.
func createTaskInterface(c *api.Context, cfg *types.AwsVpcConfiguration, subnet, attachmentID, owner string) (*taskInterface, error) {
	n, err := resolveAwsvpcNetwork(c, cfg)
	if err != nil {
		return nil, err
	}
	spec := ec2.InterfaceSpec{SubnetID: subnet, RequesterID: taskENIRequester, InterfaceType: "interface",
		Description: "arn:aws:ecs:" + c.Region + ":" + c.Account() + ":attachment/" + attachmentID}
	if _, known := n.known[subnet]; known {
		if cfg != nil {
			spec.SecurityGroups = cfg.SecurityGroups
		}
	} else {
		zone, _ := SubnetPlacement(c.Region, subnet)
		def, err := ec2.DefaultSubnet(c.Tx, c.Account(), c.Region, zone)
		if err != nil {
			return nil, err
		}
		if def == nil {
			return standInInterface(c, subnet, owner)
		}
		// Stand-ins keep the groups they were given unchecked; the ENI takes
		// the default VPC's default group.
		spec.SubnetID = aws.ToString(def.SubnetId)
	}
	eni, err := ec2.CreateInterface(c.Tx, c.Account(), c.Region, spec)
	if code, ok := ec2Code(err); ok && strings.HasPrefix(code, "InsufficientFreeAddresses") {
		return nil, errInvalid("There are insufficient free IP addresses in subnet %s to launch the task.", subnet)
	}
	if err != nil {
		return nil, err
	}
	return &taskInterface{ID: eni.ID, MAC: eni.MAC, PrivateIP: eni.PrivateIP, PrivateDNSName: eni.PrivateDNSName, Zone: eni.AvailabilityZone}, nil
}

// standInInterface is an ENI that only ECS knows, addressed by AllocateIP.
func standInInterface(c *api.Context, subnet, owner string) (*taskInterface, error) {
	zone, _ := SubnetPlacement(c.Region, subnet)
	addr, err := AllocateIP(c, subnet, owner)
	if err != nil {
		return nil, err
	}
	return &taskInterface{ID: "eni-" + api.HexID(17), MAC: randomMAC(), PrivateIP: addr.String(),
		PrivateDNSName: PrivateDNSName(c.Region, addr), Zone: zone}, nil
}

// releaseTaskInterface deletes a task's ENI from EC2, or gives a stand-in
// allocator's address back when EC2 never had the ENI.
func releaseTaskInterface(c *api.Context, eniID, subnet, addr string) error {
	if eniID != "" {
		err := ec2.DeleteInterface(c.Tx, c.Account(), c.Region, eniID)
		if err == nil {
			return nil
		}
		if code, ok := ec2Code(err); !ok || !strings.HasPrefix(code, "InvalidNetworkInterfaceID.") {
			return err
		}
	}
	ip, err := netip.ParseAddr(addr)
	if subnet == "" || err != nil {
		return nil
	}
	return ReleaseIP(c, subnet, ip)
}
