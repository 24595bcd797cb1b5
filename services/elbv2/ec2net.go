package elbv2

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
)

// Subnets and security groups are EC2's. A subnet gives the load balancer
// its VPC and zone; an id EC2 does not know is refused as ELBv2 refuses it.
// Each subnet gets one requester-managed ENI, created in EC2 and deleted
// with the load balancer.

// lbENIRequester is the requester EC2 records on load balancer ENIs.
const lbENIRequester = "amazon-elb"

// lbNetwork is a load balancer's subnets resolved against EC2.
type lbNetwork struct {
	// zones of the subnets, by subnet id.
	zones map[string]string
	// vpc of the subnets.
	vpc string
}

// resolveLBNetwork checks subnets against EC2: they must exist, share one
// VPC and lie in distinct zones.
func resolveLBNetwork(c *api.Context, mappings []types.SubnetMapping) (*lbNetwork, error) {
	n := &lbNetwork{zones: map[string]string{}}
	for _, m := range mappings {
		id := aws.ToString(m.SubnetId)
		s, err := ec2.LookupSubnet(c.Tx, c.Account(), c.Region, id)
		if code := apierror.CodeOf(err); strings.HasPrefix(code, "InvalidSubnetID.") {
			// ELBv2 relays EC2's code as its message (see TestNetworkRefsUnknownSubnet).
			return nil, apiErr("SubnetNotFound", "%s", code)
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
	return n, nil
}

// checkGroups checks security groups against EC2 and the load balancer's
// VPC: a group EC2 does not know and a group of another VPC get different
// answers, as in AWS.
func (n *lbNetwork) checkGroups(c *api.Context, sgs []string) error {
	for _, g := range sgs {
		err := ec2.CheckSecurityGroups(c.Tx, c.Account(), c.Region, "", []string{g})
		if apierror.CodeOf(err) != "" {
			return apiErr("InvalidSecurityGroup", "The security group '%s' does not exist", g)
		}
		if err != nil {
			return err
		}
		err = ec2.CheckSecurityGroups(c.Tx, c.Account(), c.Region, n.vpc, []string{g})
		if apierror.CodeOf(err) != "" {
			return errInvalidConfig("Security group '%s' does not belong to VPC '%s'", g, n.vpc)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// defaultGroup is the security group an application load balancer gets when
// none is given: its VPC's default group.
func (n *lbNetwork) defaultGroup(c *api.Context) (string, error) {
	return ec2.DefaultSecurityGroup(c.Tx, c.Account(), c.Region, n.vpc)
}

// createLBInterfaces creates one ENI per zone of a load balancer and records
// their ids; a Network Load Balancer's node address becomes its ENI's.
func createLBInterfaces(c *api.Context, lb *loadBalancer, mappings []types.SubnetMapping) error {
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
		spec := ec2.InterfaceSpec{SubnetID: subnet, Description: desc, RequesterID: lbENIRequester, InterfaceType: itype,
			SecurityGroups: lb.LB.SecurityGroups, PrivateIP: wanted[subnet]}
		eni, err := ec2.CreateInterface(c.Tx, c.Account(), c.Region, spec)
		if code := apierror.CodeOf(err); code != "" {
			return errInvalidConfig("%s", apierror.As(err).Message)
		}
		if err != nil {
			return err
		}
		lb.ENIs = append(lb.ENIs, eni.ID)
		if len(az.LoadBalancerAddresses) > 0 {
			az.LoadBalancerAddresses[0].PrivateIPv4Address = aws.String(eni.PrivateIP)
		}
	}
	return nil
}

// deleteLBInterfaces deletes a load balancer's ENIs (those already gone are skipped).
func deleteLBInterfaces(c *api.Context, lb *loadBalancer) error {
	for _, id := range lb.ENIs {
		err := ec2.DeleteInterface(c.Tx, c.Account(), c.Region, id)
		if err != nil && !strings.HasPrefix(apierror.CodeOf(err), "InvalidNetworkInterfaceID.") {
			return err
		}
	}
	lb.ENIs = nil
	return nil
}
