package elbv2

import (
	"fmt"
	"strings"

	"github.com/longshore/longshore/protocol/apierror"
)

// AWS's error texts, one constructor per case.

func errLoadBalancerNotFound() error {
	return apierror.New("LoadBalancerNotFound", "One or more load balancers not found")
}

func errLoadBalancerNamesNotFound(names []string) error {
	return apierror.New("LoadBalancerNotFound", "Load balancers '[%s]' not found", strings.Join(names, ", "))
}

func errTargetGroupNotFound() error {
	return apierror.New("TargetGroupNotFound", "One or more target groups not found")
}

func errTargetGroupNamesNotFound(names []string) error {
	return apierror.New("TargetGroupNotFound", "Target groups '[%s]' not found", strings.Join(names, ", "))
}

func errListenerNotFound() error {
	return apierror.New("ListenerNotFound", "One or more listeners not found")
}

func errRuleNotFound() error {
	return apierror.New("RuleNotFound", "One or more rules not found")
}

func errTrustStoreNotFound() error {
	return apierror.New("TrustStoreNotFound", "One or more trust stores not found")
}

func errDuplicateLoadBalancerName(name string) error {
	return apierror.New("DuplicateLoadBalancerName", "A load balancer with the same name '%s' exists, but with different settings", name)
}

func errDuplicateTargetGroupName(name string) error {
	return apierror.New("DuplicateTargetGroupName", "A target group with the same name '%s' exists, but with different settings", name)
}

func errDuplicateTrustStoreName(name string) error {
	return apierror.New("DuplicateTrustStoreName", "A trust store with the same name '%s' already exists", name)
}

func errDuplicateListener(lbArn string) error {
	return apierror.New("DuplicateListener", "A listener already exists on this port for this load balancer '%s'", lbArn)
}

func errPriorityInUse(p int32) error {
	return apierror.New("PriorityInUse", "Priority '%d' is currently in use", p)
}

func errAssociationLimit(arns []string) error {
	return apierror.New("TargetGroupAssociationLimit", "The following target groups cannot be associated with more than one load balancer: %s", strings.Join(arns, ", "))
}

func errTargetGroupInUse(arn string) error {
	return apierror.New("ResourceInUse", "Target group '%s' is currently in use by a listener or a rule", arn)
}

func errInvalidConfig(format string, args ...any) error {
	return apierror.New("InvalidConfigurationRequest", format, args...)
}

func errValidation(format string, args ...any) error {
	return apierror.New("ValidationError", format, args...)
}

func errInvalidTarget(format string, args ...any) error {
	return apierror.New("InvalidTarget", format, args...)
}

func errIncompatibleProtocols(format string, args ...any) error {
	return apierror.New("IncompatibleProtocols", format, args...)
}

func errUnsupportedProtocol(format string, args ...any) error {
	return apierror.New("UnsupportedProtocol", format, args...)
}

func errOperationNotPermitted(format string, args ...any) error {
	return apierror.New("OperationNotPermitted", format, args...)
}

func errInvalidAction(format string, args ...any) error {
	return apierror.New("InvalidLoadBalancerAction", format, args...)
}

func errCertificateNotFound(arn string) error {
	return apierror.New("CertificateNotFound", "Certificate '%s' not found", arn)
}

func errSSLPolicyNotFound(names []string) error {
	return apierror.New("SSLPolicyNotFound", "SSL policy '%s' not found", strings.Join(names, ", "))
}

func errDuplicateTagKeys(key string) error {
	return apierror.New("DuplicateTagKeys", "Tag key '%s' is duplicated", key)
}

func errTooMany(code, what string, limit int) error {
	return apierror.New(code, "%s", fmt.Sprintf("You've reached the limit on the number of %s that you can create (%d)", what, limit))
}

func apiErr(code, format string, args ...any) error {
	return apierror.New(code, format, args...)
}
