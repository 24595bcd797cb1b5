// Package appautoscaling implements Application Auto Scaling: scalable
// targets, scaling policies, scheduled actions and scaling activities, and
// the engine that evaluates alarms and carries policies out.
package appautoscaling

import (
	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// Deps are what Application Auto Scaling is built from.
type Deps struct {
	// CreateServiceLinkedRole is IAM's: the first registration of an ECS
	// service creates AWSServiceRoleForApplicationAutoScaling_ECSService
	// through it. Nil creates no role.
	CreateServiceLinkedRole RoleCreator
}

// handlers are the handlers that need the service's dependencies.
type handlers struct {
	Deps
}

// New builds the Application Auto Scaling service.
func New(d Deps) *api.Service {
	h := &handlers{Deps: d}
	s := api.NewService("application-autoscaling")
	s.ValidationError = func(vs []protocol.Violation) *apierror.Error {
		return apierror.New("ValidationException", "%s", protocol.ValidationMessage(vs))
	}
	api.Handle(s, "RegisterScalableTarget", h.registerScalableTarget)
	api.Handle(s, "DeregisterScalableTarget", deregisterScalableTarget)
	api.Handle(s, "DescribeScalableTargets", describeScalableTargets)
	api.Handle(s, "PutScalingPolicy", putScalingPolicy)
	api.Handle(s, "DeleteScalingPolicy", deleteScalingPolicy)
	api.Handle(s, "DescribeScalingPolicies", describeScalingPolicies)
	api.Handle(s, "PutScheduledAction", putScheduledAction)
	api.Handle(s, "DeleteScheduledAction", deleteScheduledAction)
	api.Handle(s, "DescribeScheduledActions", describeScheduledActions)
	api.Handle(s, "DescribeScalingActivities", describeScalingActivities)
	api.Handle(s, "GetPredictiveScalingForecast", getPredictiveScalingForecast)
	api.Handle(s, "TagResource", tagResource)
	api.Handle(s, "UntagResource", untagResource)
	api.Handle(s, "ListTagsForResource", listTagsForResource)
	return s
}
