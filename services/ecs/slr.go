package ecs

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/longshore/longshore/services/api"
)

// "When you call the CreateCluster API operation, Amazon ECS attempts to
// create the Amazon ECS service-linked role for your account" (ECS API
// reference, CreateCluster); creating a service does too. With IAM
// enforcement on, a caller who may not create it is refused before the
// handler runs (services/authz).

// serviceLinkedRole makes AWSServiceRoleForECS unless the account has it.
func (h *handlers) serviceLinkedRole(c *api.Context) error {
	if h.CreateServiceLinkedRole == nil {
		return nil
	}
	return h.CreateServiceLinkedRole(c, "ecs.amazonaws.com")
}

// createCluster is CreateCluster, with ECS's service-linked role.
func (h *handlers) createCluster(c *api.Context, in *ecs.CreateClusterInput) (*ecs.CreateClusterOutput, error) {
	out, err := createCluster(c, in)
	if err != nil {
		return nil, err
	}
	return out, h.serviceLinkedRole(c)
}
