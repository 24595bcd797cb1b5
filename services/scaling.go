package services

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/appautoscaling"
	"github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/services/iam"
)

// addScaling wires in CloudWatch and what makes policies scale: the engine
// (metrics of simulated load, alarm evaluation, policy execution, scheduled
// actions) as a starter and the simulated-load endpoints.
func addScaling(set *Set, cfg Config) {
	set.Services = append(set.Services, cloudwatch.New())
	load := &appautoscaling.LoadControl{Store: cfg.Store, Region: cfg.Region}
	set.Control = append(set.Control,
		ControlRoute{Method: http.MethodPut, Path: "/ecs/load", Handle: load.PutServiceLoad},
		ControlRoute{Method: http.MethodPut, Path: "/elbv2/load", Handle: load.PutTargetGroupLoad})
	// The engine evaluates alarms; NewEngine gives it Application Auto
	// Scaling's policy runner for their actions.
	set.starters = append(set.starters, appautoscaling.NewEngine(cfg.Store, cfg.Logger, cfg.TimeScale).Start)
}

// serviceLinkedRoleCreator creates a service-linked role through IAM's own
// CreateServiceLinkedRole handler, unless the role exists.
func serviceLinkedRoleCreator(iamSvc *api.Service) appautoscaling.RoleCreator {
	return func(c *api.Context, awsServiceName string) error {
		h := iamSvc.Handlers["CreateServiceLinkedRole"]
		if h == nil {
			return nil
		}
		name := appautoscaling.ServiceLinkedRoleName(awsServiceName)
		if r, err := iam.GetRole(c, name); err == nil && r != nil {
			return nil
		}
		_, err := h.Call(c, &iamsdk.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(awsServiceName)})
		return err
	}
}
