// Package appautoscaling implements Application Auto Scaling: scalable
// targets, scaling policies, scheduled actions and scaling activities.
package appautoscaling

import (
	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// New builds the Application Auto Scaling service.
func New() *api.Service {
	s := api.NewService("application-autoscaling")
	s.ValidationError = func(vs []protocol.Violation) *apierror.Error {
		return apierror.New("ValidationException", "%s", protocol.ValidationMessage(vs))
	}
	return s
}
