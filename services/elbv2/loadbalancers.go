package elbv2

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// provisioningTime is how long AWS takes to make a load balancer active.
const provisioningTime = 90 * time.Second

func (h *handlers) registerLoadBalancers(s *api.Service) {
	api.Handle(s, "CreateLoadBalancer", h.createLoadBalancer)
	api.Handle(s, "DescribeLoadBalancers", h.describeLoadBalancers)
	api.Handle(s, "DeleteLoadBalancer", h.deleteLoadBalancer)
	api.Handle(s, "SetSubnets", h.setSubnets)
	api.Handle(s, "SetSecurityGroups", h.setSecurityGroups)
	api.Handle(s, "SetIpAddressType", h.setIpAddressType)
	api.Handle(s, "ModifyIpPools", h.modifyIpPools)
	api.Handle(s, "DescribeCapacityReservation", h.describeCapacityReservation)
	api.Handle(s, "ModifyCapacityReservation", h.modifyCapacityReservation)
}

var (
	lbNameRE     = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$`)
	subnetIDRE   = regexp.MustCompile(`^subnet-[0-9a-zA-Z]+$`)
	sgIDRE       = regexp.MustCompile(`^sg-[0-9a-zA-Z]+$`)
	allocationRE = regexp.MustCompile(`^eipalloc-[0-9a-zA-Z]+$`)
)

func validateLoadBalancerName(name string) error {
	if !lbNameRE.MatchString(name) || strings.HasPrefix(name, "internal-") {
		return errValidation("The load balancer name '%s' is not valid: it can have at most 32 characters, contain only alphanumeric characters and hyphens, must not begin or end with a hyphen, and must not begin with 'internal-'", name)
	}
	return nil
}

// subnetsOf merges Subnets and SubnetMappings into mappings.
func subnetsOf(subnets []string, mappings []types.SubnetMapping) ([]types.SubnetMapping, error) {
	if len(subnets) > 0 && len(mappings) > 0 {
		return nil, errValidation("You can specify subnets or subnet mappings, but not both")
	}
	if len(mappings) == 0 {
		for _, s := range subnets {
			mappings = append(mappings, types.SubnetMapping{SubnetId: aws.String(s)})
		}
	}
	seen := map[string]bool{}
	for _, m := range mappings {
		id := aws.ToString(m.SubnetId)
		if !subnetIDRE.MatchString(id) {
			return nil, apiErr("SubnetNotFound", "The subnet ID '%s' is not valid", id)
		}
		if seen[id] {
			return nil, errInvalidConfig("A load balancer cannot be attached to multiple subnets in the same Availability Zone")
		}
		seen[id] = true
		if a := aws.ToString(m.AllocationId); a != "" && !allocationRE.MatchString(a) {
			return nil, apiErr("AllocationIdNotFound", "The allocation ID '%s' does not exist", a)
		}
	}
	return mappings, nil
}

// zonesFor builds a load balancer's availability zones from its subnet
// mappings, each in its subnet's zone.
func zonesFor(n *lbNetwork, t types.LoadBalancerTypeEnum, mappings []types.SubnetMapping) []types.AvailabilityZone {
	out := make([]types.AvailabilityZone, len(mappings))
	for i, m := range mappings {
		az := types.AvailabilityZone{ZoneName: aws.String(n.zones[aws.ToString(m.SubnetId)]), SubnetId: m.SubnetId}
		if t == types.LoadBalancerTypeEnumNetwork {
			addr := types.LoadBalancerAddress{AllocationId: m.AllocationId, PrivateIPv4Address: m.PrivateIPv4Address, IPv6Address: m.IPv6Address}
			if m.AllocationId != nil {
				d := digest("eip", *m.AllocationId)
				addr.IpAddress = aws.String(fmt.Sprintf("3.%d.%d.%d", d[0], d[1], d[2]%254+1))
			}
			az.LoadBalancerAddresses = []types.LoadBalancerAddress{addr}
		}
		out[i] = az
	}
	return out
}

func validateSubnetCount(t types.LoadBalancerTypeEnum, n int) error {
	if n == 0 {
		return errValidation("At least one subnet must be specified")
	}
	if t == types.LoadBalancerTypeEnumApplication && n < 2 {
		return errValidation("At least two subnets in two different Availability Zones must be specified")
	}
	return nil
}

func validateSecurityGroups(t types.LoadBalancerTypeEnum, sgs []string) error {
	if t == types.LoadBalancerTypeEnumGateway && len(sgs) > 0 {
		return errValidation("Security groups are not supported for load balancers with type 'gateway'")
	}
	if len(sgs) > 5 {
		return apiErr("InvalidSecurityGroup", "You can specify at most 5 security groups")
	}
	for _, sg := range sgs {
		if !sgIDRE.MatchString(sg) {
			return apiErr("InvalidSecurityGroup", "One or more security groups are invalid")
		}
	}
	return nil
}

// validateMappings checks per-subnet addresses: Elastic IPs for internet-facing
// and private IPv4 addresses for internal Network Load Balancers only.
func validateMappings(t types.LoadBalancerTypeEnum, scheme types.LoadBalancerSchemeEnum, mappings []types.SubnetMapping) error {
	for _, m := range mappings {
		if m.AllocationId == nil && m.PrivateIPv4Address == nil && m.IPv6Address == nil {
			continue
		}
		if t != types.LoadBalancerTypeEnumNetwork {
			return errInvalidConfig("Elastic IP addresses and private IP addresses can only be specified for Network Load Balancers")
		}
		if m.AllocationId != nil && scheme == types.LoadBalancerSchemeEnumInternal {
			return errInvalidConfig("Elastic IP addresses cannot be specified for internal load balancers")
		}
		if m.PrivateIPv4Address != nil && scheme != types.LoadBalancerSchemeEnumInternal {
			return errInvalidConfig("Private IPv4 addresses can only be specified for internal load balancers")
		}
	}
	return nil
}

func validatePrefixNat(t types.LoadBalancerTypeEnum, ipt types.IpAddressType, v types.EnablePrefixForIpv6SourceNatEnum) error {
	if v == "" {
		return nil
	}
	if t != types.LoadBalancerTypeEnumNetwork {
		return errValidation("Prefixes for IPv6 source NAT are only supported for Network Load Balancers")
	}
	if v == types.EnablePrefixForIpv6SourceNatEnumOn && ipt != types.IpAddressTypeDualstack {
		return errInvalidConfig("Prefixes for IPv6 source NAT require the IP address type 'dualstack'")
	}
	return nil
}

func validateIPAddressType(t types.LoadBalancerTypeEnum, scheme types.LoadBalancerSchemeEnum, ipt types.IpAddressType) error {
	if ipt != types.IpAddressTypeIpv4 && scheme == types.LoadBalancerSchemeEnumInternal {
		return errInvalidConfig("Internal load balancers must use the IP address type 'ipv4'")
	}
	switch ipt {
	case types.IpAddressTypeIpv4, types.IpAddressTypeDualstack:
		return nil
	case types.IpAddressTypeDualstackWithoutPublicIpv4:
		if t != types.LoadBalancerTypeEnumApplication {
			return errValidation("IP address type '%s' is only supported for Application Load Balancers", ipt)
		}
		return nil
	}
	return errValidation("IP address type '%s' is not valid", ipt)
}

func (h *handlers) createLoadBalancer(c *api.Context, in *elb.CreateLoadBalancerInput) (*elb.CreateLoadBalancerOutput, error) {
	name := aws.ToString(in.Name)
	if err := validateLoadBalancerName(name); err != nil {
		return nil, err
	}
	t := in.Type
	if t == "" {
		t = types.LoadBalancerTypeEnumApplication
	}
	if t == types.LoadBalancerTypeEnumGateway && in.Scheme != "" {
		return nil, errValidation("A scheme cannot be specified for load balancers of type 'gateway'")
	}
	// Gateway load balancers have no scheme; the others default to internet-facing.
	scheme := in.Scheme
	if scheme == "" && t != types.LoadBalancerTypeEnumGateway {
		scheme = types.LoadBalancerSchemeEnumInternetFacing
	}
	ipt := in.IpAddressType
	if ipt == "" {
		ipt = types.IpAddressTypeIpv4
	}
	if err := validateIPAddressType(t, scheme, ipt); err != nil {
		return nil, err
	}
	mappings, err := subnetsOf(in.Subnets, in.SubnetMappings)
	if err != nil {
		return nil, err
	}
	if err := validateSubnetCount(t, len(mappings)); err != nil {
		return nil, err
	}
	if err := validateMappings(t, scheme, mappings); err != nil {
		return nil, err
	}
	if err := validateSecurityGroups(t, in.SecurityGroups); err != nil {
		return nil, err
	}
	if err := validateNewTags(in.Tags); err != nil {
		return nil, err
	}
	if err := validatePrefixNat(t, ipt, in.EnablePrefixForIpv6SourceNat); err != nil {
		return nil, err
	}
	sc := c.Scope()
	network, err := resolveLBNetwork(c, mappings)
	if err != nil {
		return nil, err
	}
	if err := network.checkGroups(c, in.SecurityGroups); err != nil {
		return nil, err
	}
	sgs := in.SecurityGroups
	if t == types.LoadBalancerTypeEnumApplication && len(sgs) == 0 {
		g, err := network.defaultGroup(c)
		if err != nil {
			return nil, err
		}
		sgs = []string{g}
	}

	existing, err := loadBalancers.List(c.Tx, sc, store.Query{Name: name})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		lb := existing[0].Doc
		if sameLoadBalancer(lb, t, scheme, ipt, mappings, sgs) {
			return &elb.CreateLoadBalancerOutput{LoadBalancers: []types.LoadBalancer{lb.view(c.Now())}}, nil
		}
		return nil, errDuplicateLoadBalancerName(name)
	}
	n, err := loadBalancers.Count(c.Tx, sc, store.Query{Attr: string(t)})
	if err != nil {
		return nil, err
	}
	if limit := loadBalancerQuota(t); n >= limit {
		return nil, apiErr("TooManyLoadBalancers", "Exceeded quota of account %s", sc.Account)
	}

	arn := newLoadBalancerArn(sc, t, name)
	zones := zonesFor(network, t, mappings)
	lb := &loadBalancer{
		LB: types.LoadBalancer{
			LoadBalancerArn:       aws.String(arn),
			LoadBalancerName:      aws.String(name),
			Type:                  t,
			Scheme:                scheme,
			IpAddressType:         ipt,
			VpcId:                 aws.String(network.vpc),
			CreatedTime:           aws.Time(c.Now()),
			AvailabilityZones:     zones,
			CustomerOwnedIpv4Pool: in.CustomerOwnedIpv4Pool,
			IpamPools:             in.IpamPools,
		},
		Attributes: defaultLoadBalancerAttributes(t, scheme),
		ActiveAt:   c.Now().Add(h.opts.Scaled(provisioningTime)),
	}
	if len(sgs) > 0 {
		lb.LB.SecurityGroups = sgs
	}
	if t == types.LoadBalancerTypeEnumNetwork {
		lb.LB.EnablePrefixForIpv6SourceNat = in.EnablePrefixForIpv6SourceNat
		if lb.LB.EnablePrefixForIpv6SourceNat == "" {
			lb.LB.EnablePrefixForIpv6SourceNat = types.EnablePrefixForIpv6SourceNatEnumOff
		}
		if len(sgs) > 0 {
			lb.LB.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = aws.String("on")
		}
	}
	if t != types.LoadBalancerTypeEnumGateway {
		lb.LB.DNSName = aws.String(dnsName(&lb.LB, c.Region))
		if z := hostedZoneID(t, c.Region); z != "" {
			lb.LB.CanonicalHostedZoneId = aws.String(z)
		}
	}
	if err := createLBInterfaces(c, lb, mappings); err != nil {
		return nil, err
	}
	if err := putLoadBalancer(c.Tx, sc, lb); err != nil {
		return nil, err
	}
	if err := putTags(c.Tx, sc, arn, in.Tags); err != nil {
		return nil, err
	}
	return &elb.CreateLoadBalancerOutput{LoadBalancers: []types.LoadBalancer{lb.view(c.Now())}}, nil
}

// sameLoadBalancer tells whether a create request repeats an existing load
// balancer's settings, in which case AWS returns the existing one.
func sameLoadBalancer(lb *loadBalancer, t types.LoadBalancerTypeEnum, scheme types.LoadBalancerSchemeEnum, ipt types.IpAddressType, mappings []types.SubnetMapping, sgs []string) bool {
	if lb.LB.Type != t || lb.LB.Scheme != scheme || lb.LB.IpAddressType != ipt || len(lb.LB.AvailabilityZones) != len(mappings) {
		return false
	}
	have := map[string]bool{}
	for _, az := range lb.LB.AvailabilityZones {
		have[aws.ToString(az.SubnetId)] = true
	}
	for _, m := range mappings {
		if !have[*m.SubnetId] {
			return false
		}
	}
	a, b := slices.Clone(lb.LB.SecurityGroups), slices.Clone(sgs)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func (h *handlers) describeLoadBalancers(c *api.Context, in *elb.DescribeLoadBalancersInput) (*elb.DescribeLoadBalancersOutput, error) {
	if len(in.LoadBalancerArns) > 0 && len(in.Names) > 0 {
		return nil, errValidation("Load balancer names and load balancer ARNs cannot be specified at the same time")
	}
	p := markerPaging(c, strings.Join(in.LoadBalancerArns, ",")+"|"+strings.Join(in.Names, ","), in.Marker, in.PageSize)
	if len(in.LoadBalancerArns) == 0 && len(in.Names) == 0 {
		// All of them: a page reads only itself, from the marker's position.
		pg, next, err := api.Paginate(c.Tx, c.Scope(), loadBalancers, store.Query{}, p, nil)
		if err != nil {
			return nil, err
		}
		return &elb.DescribeLoadBalancersOutput{LoadBalancers: lbViews(pg, c.Now()), NextMarker: next}, nil
	}
	var found []*loadBalancer
	switch {
	case len(in.LoadBalancerArns) > 0:
		for _, arn := range in.LoadBalancerArns {
			lb, err := getLoadBalancer(c, arn)
			if err != nil {
				return nil, err
			}
			found = append(found, lb)
		}
	case len(in.Names) > 0:
		var missing []string
		for _, name := range in.Names {
			items, err := loadBalancers.List(c.Tx, c.Scope(), store.Query{Name: name})
			if err != nil {
				return nil, err
			}
			if len(items) == 0 {
				missing = append(missing, name)
				continue
			}
			found = append(found, items[0].Doc)
		}
		if len(missing) > 0 {
			return nil, errLoadBalancerNamesNotFound(missing)
		}
	}
	// Named ones (at most 20) are paged in the order asked.
	pg, next, err := api.PaginateSlice(found, p, nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeLoadBalancersOutput{LoadBalancers: lbViews(pg, c.Now()), NextMarker: next}, nil
}

func lbViews(lbs []*loadBalancer, now time.Time) []types.LoadBalancer {
	views := make([]types.LoadBalancer, len(lbs))
	for i, lb := range lbs {
		views[i] = lb.view(now)
	}
	return views
}

func (h *handlers) deleteLoadBalancer(c *api.Context, in *elb.DeleteLoadBalancerInput) (*elb.DeleteLoadBalancerOutput, error) {
	arn := aws.ToString(in.LoadBalancerArn)
	lb, err := loadBalancers.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if lb == nil {
		// Deleting a load balancer that does not exist succeeds, as documented.
		return &elb.DeleteLoadBalancerOutput{}, nil
	}
	if lb.Attributes["deletion_protection.enabled"] == "true" {
		return nil, errOperationNotPermitted("Load balancer '%s' cannot be deleted because deletion protection is enabled", arn)
	}
	sc := c.Scope()
	ls, err := listeners.List(c.Tx, sc, store.Query{Parent: arn})
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if err := removeListener(c, l.Doc); err != nil {
			return nil, err
		}
	}
	if err := deleteLBInterfaces(c, lb); err != nil {
		return nil, err
	}
	if _, err := loadBalancers.Delete(c.Tx, sc, arn); err != nil {
		return nil, err
	}
	if _, err := tagSets.Delete(c.Tx, sc, arn); err != nil {
		return nil, err
	}
	if err := syncTargetGroupUse(c.Tx, sc, c.Now()); err != nil {
		return nil, err
	}
	return &elb.DeleteLoadBalancerOutput{}, nil
}

func (h *handlers) setSubnets(c *api.Context, in *elb.SetSubnetsInput) (*elb.SetSubnetsOutput, error) {
	lb, err := getLoadBalancer(c, aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	mappings, err := subnetsOf(in.Subnets, in.SubnetMappings)
	if err != nil {
		return nil, err
	}
	if err := validateSubnetCount(lb.LB.Type, len(mappings)); err != nil {
		return nil, err
	}
	if err := validateMappings(lb.LB.Type, lb.LB.Scheme, mappings); err != nil {
		return nil, err
	}
	network, err := resolveLBNetwork(c, mappings)
	if err != nil {
		return nil, err
	}
	if network.vpc != aws.ToString(lb.LB.VpcId) {
		return nil, errInvalidConfig("The subnets must belong to the load balancer's VPC '%s'", aws.ToString(lb.LB.VpcId))
	}
	zones := zonesFor(network, lb.LB.Type, mappings)
	if in.IpAddressType != "" {
		if err := validateIPAddressType(lb.LB.Type, lb.LB.Scheme, in.IpAddressType); err != nil {
			return nil, err
		}
		lb.LB.IpAddressType = in.IpAddressType
	}
	if in.EnablePrefixForIpv6SourceNat != "" {
		if err := validatePrefixNat(lb.LB.Type, lb.LB.IpAddressType, in.EnablePrefixForIpv6SourceNat); err != nil {
			return nil, err
		}
		lb.LB.EnablePrefixForIpv6SourceNat = in.EnablePrefixForIpv6SourceNat
	}
	lb.LB.AvailabilityZones = zones
	if err := deleteLBInterfaces(c, lb); err != nil {
		return nil, err
	}
	if err := createLBInterfaces(c, lb, mappings); err != nil {
		return nil, err
	}
	zones = lb.LB.AvailabilityZones
	if err := putLoadBalancer(c.Tx, c.Scope(), lb); err != nil {
		return nil, err
	}
	return &elb.SetSubnetsOutput{AvailabilityZones: zones, IpAddressType: lb.LB.IpAddressType, EnablePrefixForIpv6SourceNat: lb.LB.EnablePrefixForIpv6SourceNat}, nil
}

func (h *handlers) setSecurityGroups(c *api.Context, in *elb.SetSecurityGroupsInput) (*elb.SetSecurityGroupsOutput, error) {
	lb, err := getLoadBalancer(c, aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	if lb.LB.Type == types.LoadBalancerTypeEnumGateway {
		return nil, errValidation("Security groups are not supported for load balancers with type 'gateway'")
	}
	if err := validateSecurityGroups(lb.LB.Type, in.SecurityGroups); err != nil {
		return nil, err
	}
	if lb.LB.Type == types.LoadBalancerTypeEnumNetwork {
		if len(lb.LB.SecurityGroups) == 0 && len(in.SecurityGroups) > 0 {
			return nil, errInvalidConfig("You cannot set security groups on a Network Load Balancer which was created without any security groups.")
		}
		if len(lb.LB.SecurityGroups) > 0 && len(in.SecurityGroups) == 0 {
			return nil, errInvalidConfig("You cannot remove all security groups from a Network Load Balancer which was created with security groups.")
		}
		if e := in.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic; e != "" {
			lb.LB.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = aws.String(string(e))
		}
	} else if in.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic != "" {
		return nil, errValidation("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is only supported for Network Load Balancers")
	} else if len(in.SecurityGroups) == 0 {
		return nil, errValidation("At least one security group must be specified")
	}
	if err := (&lbNetwork{vpc: aws.ToString(lb.LB.VpcId)}).checkGroups(c, in.SecurityGroups); err != nil {
		return nil, err
	}
	lb.LB.SecurityGroups = in.SecurityGroups
	if err := putLoadBalancer(c.Tx, c.Scope(), lb); err != nil {
		return nil, err
	}
	out := &elb.SetSecurityGroupsOutput{SecurityGroupIds: in.SecurityGroups}
	if e := aws.ToString(lb.LB.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic); e != "" {
		out.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = types.EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum(e)
	}
	return out, nil
}

func (h *handlers) setIpAddressType(c *api.Context, in *elb.SetIpAddressTypeInput) (*elb.SetIpAddressTypeOutput, error) {
	lb, err := getLoadBalancer(c, aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	if err := validateIPAddressType(lb.LB.Type, lb.LB.Scheme, in.IpAddressType); err != nil {
		return nil, err
	}
	lb.LB.IpAddressType = in.IpAddressType
	if err := putLoadBalancer(c.Tx, c.Scope(), lb); err != nil {
		return nil, err
	}
	return &elb.SetIpAddressTypeOutput{IpAddressType: lb.LB.IpAddressType}, nil
}

func (h *handlers) modifyIpPools(c *api.Context, in *elb.ModifyIpPoolsInput) (*elb.ModifyIpPoolsOutput, error) {
	lb, err := getLoadBalancer(c, aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	if in.IpamPools == nil && len(in.RemoveIpamPools) == 0 {
		return nil, errValidation("Either IpamPools or RemoveIpamPools must be specified")
	}
	if lb.LB.Type != types.LoadBalancerTypeEnumApplication {
		return nil, errInvalidConfig("IPAM pools are only supported for Application Load Balancers")
	}
	for _, r := range in.RemoveIpamPools {
		if r == types.RemoveIpamPoolEnumIpv4 {
			lb.LB.IpamPools = nil
		}
	}
	if in.IpamPools != nil {
		if !strings.HasPrefix(aws.ToString(in.IpamPools.Ipv4IpamPoolId), "ipam-pool-") {
			return nil, errValidation("The IPAM pool ID '%s' is not valid", aws.ToString(in.IpamPools.Ipv4IpamPoolId))
		}
		lb.LB.IpamPools = in.IpamPools
	}
	if err := putLoadBalancer(c.Tx, c.Scope(), lb); err != nil {
		return nil, err
	}
	return &elb.ModifyIpPoolsOutput{IpamPools: lb.LB.IpamPools}, nil
}

func loadBalancerQuota(t types.LoadBalancerTypeEnum) int {
	switch t {
	case types.LoadBalancerTypeEnumGateway:
		return quota("gateway-load-balancers")
	case types.LoadBalancerTypeEnumNetwork:
		return quota("network-load-balancers")
	}
	return quota("application-load-balancers")
}
