// Package ec2 implements the networking and instance part of Amazon EC2: the
// default VPC, VPCs, subnets, security groups, gateways, route tables,
// network interfaces, Elastic IPs, launch templates, key pairs, images,
// instance types and instances. Other services create and delete network
// interfaces and instances through the exported functions, inside their own
// store transaction.
package ec2

import (
	"strings"
	"time"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// Options tune the EC2 service.
type Options struct {
	// TimeScale makes simulated time (NAT gateways' pending and deleting)
	// that many times faster (0 or 1 = real time).
	TimeScale float64
}

func (o Options) scaled(d time.Duration) time.Duration {
	if o.TimeScale <= 0 {
		return d
	}
	return time.Duration(float64(d) / o.TimeScale)
}

// New builds the EC2 service.
func New(o Options) *api.Service {
	s := api.NewService("ec2")
	s.ValidationError = validationError
	// EC2 accepts enum values its model does not list yet (new instance
	// types, …), so handle validates without the enum checks.
	s.SkipValidation = true
	registerZones(s)
	registerTags(s)
	registerVpcs(s)
	registerSubnets(s)
	registerSecurityGroups(s)
	registerGateways(s, o)
	registerRouteTables(s)
	registerNetworkACLs(s)
	registerNetworkACLOps(s)
	registerDhcpOptions(s)
	registerAddresses(s)
	registerInterfaces(s)
	registerEndpoints(s)
	registerEndpointServices(s)
	registerPrefixLists(s)
	registerKeyPairs(s)
	registerImages(s)
	registerLaunchTemplates(s)
	registerInstances(s)
	registerVolumes(s)
	registerIPv6(s)
	registerRecords(s)
	// Every EC2 call may create the account's default VPC on first use, so none is read-only.
	for _, h := range s.Handlers {
		h.Writes()
	}
	return s
}

// validationError renders model violations as EC2 does: a missing member is
// MissingParameter, anything else InvalidParameterValue.
func validationError(vs []protocol.Violation) *apierror.Error {
	v := vs[0]
	name := v.Path
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if name != "" {
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	if v.Constraint == "Member must not be null" {
		return apierror.New("MissingParameter", "The request must contain the parameter %s", name)
	}
	return apierror.New("InvalidParameterValue", "Value (%s) for parameter %s is invalid. %s", strings.Trim(v.Value, "'"), name, v.Constraint)
}

// newID returns an EC2 resource id: a prefix and 17 hexadecimal characters.
func newID(prefix string) string { return prefix + "-" + api.HexID(17) }

func arn(c *api.Context, resource string) string {
	return c.ARNPrefix() + "ec2:" + c.Region + ":" + c.Account() + ":" + resource
}
