// Package ecs implements the Amazon ECS control plane: clusters, capacity
// providers, task definitions, services, tasks and container instances.
package ecs

import (
	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// Deps are what the ECS service is built from.
type Deps struct {
	// Place places the EC2 tasks of RunTask; nil leaves their placement to
	// the cluster manager.
	Place Placer
	// Quotas are the service quotas enforced; the zero value means AWS's defaults.
	Quotas Quotas
	// CreateServiceLinkedRole makes a service-linked role (IAM's) unless
	// the account has it: CreateCluster and CreateService make ECS's, as
	// AWS does. Nil makes none.
	CreateServiceLinkedRole func(c *api.Context, awsServiceName string) error
}

// handlers are the ECS handlers that need the service's dependencies.
type handlers struct {
	Deps
}

// New builds the ECS service.
func New(d Deps) *api.Service {
	if d.Quotas == (Quotas{}) {
		d.Quotas = DefaultQuotas()
	}
	h := &handlers{Deps: d}
	s := api.NewService("ecs")
	s.ValidationError = func(vs []protocol.Violation) *apierror.Error {
		return apierror.New("InvalidParameterException", "%s", protocol.ValidationMessage(vs))
	}
	registerInfrastructure(s, h)
	registerWorkloads(s, h)
	return s
}
