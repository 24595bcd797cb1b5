package ec2

import "github.com/longshore/longshore/protocol/apierror"

// notFoundErrors are EC2's not-found error code and noun per id prefix.
var notFoundErrors = map[string][2]string{
	"vpc":        {"InvalidVpcID.NotFound", "The vpc ID '%s' does not exist"},
	"subnet":     {"InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist"},
	"sg":         {"InvalidGroup.NotFound", "The security group '%s' does not exist"},
	"sgr":        {"InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist"},
	"igw":        {"InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist"},
	"nat":        {"NatGatewayNotFound", "The Nat Gateway %s was not found"},
	"eipalloc":   {"InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist"},
	"eipassoc":   {"InvalidAssociationID.NotFound", "The association ID '%s' does not exist"},
	"rtb":        {"InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist"},
	"rtbassoc":   {"InvalidAssociationID.NotFound", "The association ID '%s' does not exist"},
	"acl":        {"InvalidNetworkAclID.NotFound", "The networkAcl ID '%s' does not exist"},
	"dopt":       {"InvalidDhcpOptionID.NotFound", "The dhcpOption ID '%s' does not exist"},
	"vpce":       {"InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist"},
	"eni":        {"InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist"},
	"eni-attach": {"InvalidAttachmentID.NotFound", "The attachment ID '%s' does not exist"},
	"key":        {"InvalidKeyPair.NotFound", "The key pair '%s' does not exist"},
	"lt":         {"InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist."},
	"i":          {"InvalidInstanceID.NotFound", "The instance ID '%s' does not exist"},
	"ami":        {"InvalidAMIID.NotFound", "The image id '[%s]' does not exist"},
	// Network records (records.go).
	"eigw":           {"InvalidEgressOnlyInternetGatewayId.NotFound", "The egressOnlyInternetGateway ID '%s' does not exist"},
	"cgw":            {"InvalidCustomerGatewayID.NotFound", "The customerGateway ID '%s' does not exist"},
	"vgw":            {"InvalidVpnGatewayID.NotFound", "The vpnGateway ID '%s' does not exist"},
	"fl":             {"InvalidFlowLogId.NotFound", "The flow log ID '%s' does not exist"},
	"cr":             {"InvalidCapacityReservationId.NotFound", "The capacity reservation ID '%s' does not exist"},
	"vpcbpa-exclude": {"InvalidVpcBlockPublicAccessExclusionId.NotFound", "The exclusion ID '%s' does not exist"},
}

// notFound is EC2's error for an id of a known kind that does not exist, or
// InvalidID for an id of no known kind.
func notFound(id string) error {
	if e, ok := notFoundErrors[idPrefix(id)]; ok {
		return apierror.New(e[0], e[1], id)
	}
	return apierror.New("InvalidID", "The ID '%s' is not valid", id)
}

// notFoundAs is the not-found error of kind prefix for id (which may be malformed).
func notFoundAs(prefix, id string) error {
	e := notFoundErrors[prefix]
	return apierror.New(e[0], e[1], id)
}

func invalidParam(format string, args ...any) error {
	return apierror.New("InvalidParameterValue", format, args...)
}

func dependency(format string, args ...any) error {
	return apierror.New("DependencyViolation", format, args...)
}

func apiErr(code, format string, args ...any) error { return apierror.New(code, format, args...) }
