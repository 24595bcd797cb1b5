// Package ecs implements the Amazon ECS control plane: clusters, capacity
// providers, task definitions, services, tasks and container instances.
package ecs

import (
	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// New builds the ECS service.
func New() *api.Service {
	s := api.NewService("ecs")
	s.ValidationError = func(vs []protocol.Violation) *apierror.Error {
		return apierror.New("InvalidParameterException", "%s", protocol.ValidationMessage(vs))
	}
	registerInfrastructure(s)
	registerWorkloads(s)
	return s
}
