package elbv2

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
)

// Subnets are EC2's. A subnet EC2 knows gives the load balancer its VPC and
// zone; a subnet id EC2 has never seen stands in for a default subnet (its
// zone by hash, as ECS maps it) as long as the account has a default VPC and
// the request names no known subnet of another VPC. Each subnet gets one
// requester-managed ENI, created in EC2 and deleted with the load balancer.

// lbENIRequester is the requester EC2 records on load balancer ENIs.
const lbENIRequester = "amazon-elb"

// lbNetwork is a load balancer's subnets resolved against EC2.
type lbNetwork struct {
	// zones of the known subnets, by subnet id.
	zones map[string]string
	// vpc of the known subnets ("" when all are stand-ins).
	vpc string
}

// resolveLBNetwork checks subnets against EC2.
func resolveLBNetwork(c *api.Context, mappings []types.SubnetMapping) (*lbNetwork, error) {
	n := &lbNetwork{zones: map[string]string{}}
	var standIns []string
	for _, m := range mappings {
		id := aws.ToString(m.SubnetId)
		s, err := ec2.LookupSubnet(c.Tx, c.Account(), c.Region, id)
		if code := errCode(err); strings.HasPrefix(code, "InvalidSubnetID.") {
			standIns = append(standIns, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		vpc := aws.ToString(s.VpcId)
		if n.vpc != "" && n.vpc != vpc {
			return nil, errInvalidConfig("The subnets '%s' and '%s' are in different VPCs", aws.ToString(mappings[0].SubnetId), id)
		}
		n.vpc = vpc
		for other, z := range n.zones {
			if z == aws.ToString(s.AvailabilityZone) && other != id {
				return nil, errInvalidConfig("A load balancer cannot be attached to multiple subnets in the same Availability Zone")
			}
		}
		n.zones[id] = aws.ToString(s.AvailabilityZone)
	}
	if len(standIns) > 0 {
		def, err := ec2.DefaultVpc(c.Tx, c.Account(), c.Region)
		if err != nil {
			return nil, err
		}
		if def == "" || (n.vpc != "" && n.vpc != def) {
			return nil, apiErr("SubnetNotFound", "The subnet ID '%s' is not valid", standIns[0])
		}
	}
	return n, nil
}

// checkGroups checks security groups against the VPC of known subnets.
func (n *lbNetwork) checkGroups(c *api.Context, sgs []string) error {
	if n.vpc == "" {
		return nil
	}
	err := ec2.CheckSecurityGroups(c.Tx, c.Account(), c.Region, n.vpc, sgs)
	if errCode(err) != "" {
		return apiErr("InvalidSecurityGroup", "One or more security groups are invalid")
	}
	return err
}

// defaultGroup is the security group an application load balancer gets when
// none is given: its VPC's default group.
func (n *lbNetwork) defaultGroup(c *api.Context) (string, error) {
	if n.vpc == "" {
		return defaultSecurityGroup(c.Scope()), nil
	}
	return ec2.DefaultSecurityGroup(c.Tx, c.Account(), c.Region, n.vpc)
}

// vpcID is the load balancer's VPC.
func (n *lbNetwork) vpcID(c *api.Context) string {
	if n.vpc == "" {
		return DefaultVpcID(c.Scope())
	}
	return n.vpc
}

// placeZones gives known subnets their EC2 zone; stand-ins keep their hash.
func (n *lbNetwork) placeZones(zones []types.AvailabilityZone) {
	for i := range zones {
		if z, ok := n.zones[aws.ToString(zones[i].SubnetId)]; ok {
			zones[i].ZoneName = aws.String(z)
		}
	}
}

// createLBInterfaces creates one ENI per zone of a load balancer and records
// their ids; a Network Load Balancer's node address becomes its ENI's.
func createLBInterfaces(c *api.Context, n *lbNetwork, lb *loadBalancer, mappings []types.SubnetMapping) error {
	wanted := map[string]string{}
	for _, m := range mappings {
		wanted[aws.ToString(m.SubnetId)] = aws.ToString(m.PrivateIPv4Address)
	}
	arn := aws.ToString(lb.LB.LoadBalancerArn)
	desc := "ELB " + arn[strings.Index(arn, ":loadbalancer/")+len(":loadbalancer/"):]
	itype := "interface"
	switch lb.LB.Type {
	case types.LoadBalancerTypeEnumNetwork:
		itype = "network_load_balancer"
	case types.LoadBalancerTypeEnumGateway:
		itype = "gateway_load_balancer"
	}
	lb.ENIs = nil
	for i := range lb.LB.AvailabilityZones {
		az := &lb.LB.AvailabilityZones[i]
		subnet := aws.ToString(az.SubnetId)
		spec := ec2.InterfaceSpec{SubnetID: subnet, Description: desc, RequesterID: lbENIRequester, InterfaceType: itype}
		if _, known := n.zones[subnet]; known {
			spec.SecurityGroups = lb.LB.SecurityGroups
			spec.PrivateIP = wanted[subnet]
		} else {
			def, err := ec2.DefaultSubnet(c.Tx, c.Account(), c.Region, aws.ToString(az.ZoneName))
			if err != nil {
				return err
			}
			if def == nil {
				continue
			}
			spec.SubnetID = aws.ToString(def.SubnetId)
			if cidr, err := netip.ParsePrefix(aws.ToString(def.CidrBlock)); err == nil {
				if a, err := netip.ParseAddr(wanted[subnet]); err == nil && cidr.Contains(a) {
					spec.PrivateIP = a.String()
				}
			}
		}
		eni, err := ec2.CreateInterface(c.Tx, c.Account(), c.Region, spec)
		if code := errCode(err); code != "" {
			return errInvalidConfig("%s", apiMessage(err))
		}
		if err != nil {
			return err
		}
		lb.ENIs = append(lb.ENIs, eni.ID)
		// A stand-in's address outside its default subnet stays as given.
		if len(az.LoadBalancerAddresses) > 0 && (wanted[subnet] == "" || spec.PrivateIP != "") {
			az.LoadBalancerAddresses[0].PrivateIPv4Address = aws.String(eni.PrivateIP)
		}
	}
	return nil
}

// deleteLBInterfaces deletes a load balancer's ENIs (those already gone are skipped).
func deleteLBInterfaces(c *api.Context, lb *loadBalancer) error {
	for _, id := range lb.ENIs {
		err := ec2.DeleteInterface(c.Tx, c.Account(), c.Region, id)
		if err != nil && !strings.HasPrefix(errCode(err), "InvalidNetworkInterfaceID.") {
			return err
		}
	}
	lb.ENIs = nil
	return nil
}

func errCode(err error) string {
	var ae *apierror.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

func apiMessage(err error) string {
	var ae *apierror.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}
