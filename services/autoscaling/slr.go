package autoscaling

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
)

// Roles is what Auto Scaling needs of IAM.
type Roles interface {
	// CreateServiceLinkedRole makes a service's service-linked role unless
	// the account has it.
	CreateServiceLinkedRole(c *api.Context, awsServiceName string) error
	// RoleExists reports whether a role ARN names one of the account's roles.
	RoleExists(c *api.Context, arn string) (bool, error)
}

// serviceLinkedRole checks the role a group is given, or makes the default
// one: "By default, Amazon EC2 Auto Scaling uses a service-linked role named
// AWSServiceRoleForAutoScaling, which it creates if it does not exist"
// (CreateAutoScalingGroup, ServiceLinkedRoleARN). A role that does not
// exist is refused as AWS refuses it ("ValidationError: ARN specified for
// Service-Linked Role does not exist.", quoted in
// terraform-aws-modules/terraform-aws-autoscaling,
// examples/asg_service_linked_role/README.md). With IAM enforcement on, a
// caller who may not create the default role is refused before the
// handler runs (services/authz).
func (h *handlers) serviceLinkedRole(c *api.Context, arn *string) error {
	if h.Roles == nil {
		return nil
	}
	if arn == nil {
		return h.Roles.CreateServiceLinkedRole(c, "autoscaling.amazonaws.com")
	}
	ok, err := h.Roles.RoleExists(c, aws.ToString(arn))
	if err != nil {
		return err
	}
	if !ok {
		return errValidation("ARN specified for Service-Linked Role does not exist.")
	}
	return nil
}
