package ecs

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// updateService applies an UpdateService request. A new task definition,
// forceNewDeployment, or a change to how tasks launch or connect starts a new
// PRIMARY deployment (the previous PRIMARY becomes ACTIVE); a desiredCount
// change alone only resizes the PRIMARY deployment.
func (h *handlers) updateService(c *api.Context, in *ecs.UpdateServiceInput) (*ecs.UpdateServiceOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	svc, err := getActiveService(c, aws.ToString(cl.ClusterArn), aws.ToString(in.Service))
	if err != nil {
		return nil, err
	}
	controller := types.DeploymentControllerTypeEcs
	if svc.DeploymentController != nil {
		controller = svc.DeploymentController.Type
	}
	if in.DeploymentController != nil && in.DeploymentController.Type != "" && in.DeploymentController.Type != controller {
		return nil, errInvalid("Updating the deployment controller of a service from %s to %s is not supported.", controller, in.DeploymentController.Type)
	}
	if controller == types.DeploymentControllerTypeCodeDeploy {
		if err := codeDeployUpdatable(in); err != nil {
			return nil, err
		}
	}
	redeploy := in.ForceNewDeployment

	var td *types.TaskDefinition
	if ref := aws.ToString(in.TaskDefinition); ref != "" {
		switch controller {
		case types.DeploymentControllerTypeCodeDeploy:
			return nil, errInvalid("Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.")
		case types.DeploymentControllerTypeExternal:
			return nil, errInvalid("Unable to update task definition on services with an EXTERNAL deployment controller. Use the task set APIs to trigger a new deployment.")
		}
		if td, err = ecscore.GetTaskDefinition(c, ref); err != nil {
			return nil, err
		}
		if aws.ToString(td.TaskDefinitionArn) != aws.ToString(svc.TaskDefinition) {
			redeploy = true
		}
		svc.TaskDefinition = td.TaskDefinitionArn
	}
	if in.DesiredCount != nil {
		if svc.SchedulingStrategy == types.SchedulingStrategyDaemon {
			return nil, errInvalid("The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again")
		}
		if err := h.checkDesiredCount(*in.DesiredCount); err != nil {
			return nil, err
		}
		svc.DesiredCount = *in.DesiredCount
	}

	launchChanged := in.CapacityProviderStrategy != nil || in.PlatformVersion != nil || in.NetworkConfiguration != nil
	if in.NetworkConfiguration != nil {
		svc.NetworkConfiguration = normalizeNetwork(in.NetworkConfiguration)
	}
	if in.LoadBalancers != nil {
		svc.LoadBalancers = in.LoadBalancers
		redeploy = true
	}
	if in.ServiceRegistries != nil {
		if err := validateServiceRegistries(c, in.ServiceRegistries); err != nil {
			return nil, err
		}
		svc.ServiceRegistries = in.ServiceRegistries
		redeploy = true
	}
	settings := currentSettings(svc)
	if in.ServiceConnectConfiguration != nil {
		settings.ServiceConnect = in.ServiceConnectConfiguration
		if settings.SCResources, err = serviceConnectResources(c, aws.ToString(svc.ClusterArn), in.ServiceConnectConfiguration); err != nil {
			return nil, err
		}
		redeploy = true
	}
	if in.VolumeConfigurations != nil {
		settings.Volumes = in.VolumeConfigurations
		redeploy = true
	}
	if in.VpcLatticeConfigurations != nil {
		settings.VpcLattice = in.VpcLatticeConfigurations
		redeploy = true
	}
	redeploy = redeploy || launchChanged

	if td == nil && svc.TaskDefinition != nil && (redeploy || in.LoadBalancers != nil) {
		if td, err = ecscore.GetTaskDefinition(c, aws.ToString(svc.TaskDefinition)); err != nil {
			return nil, err
		}
	}
	if td != nil && (redeploy || launchChanged) {
		lt, cps := svc.LaunchType, svc.CapacityProviderStrategy
		if in.CapacityProviderStrategy != nil {
			lt, cps = "", in.CapacityProviderStrategy
		}
		pv := aws.ToString(in.PlatformVersion)
		if in.PlatformVersion == nil && aws.ToString(svc.PlatformVersion) != "LATEST" {
			pv = aws.ToString(svc.PlatformVersion)
		}
		launch, err := ValidateLaunch(c, LaunchRequest{Cluster: cl, TaskDefinition: td, LaunchType: lt,
			CapacityProviderStrategy: cps, PlatformVersion: pv, NetworkConfiguration: svc.NetworkConfiguration})
		if err != nil {
			return nil, err
		}
		applyLaunch(svc, launch, td, pv)
		if in.LoadBalancers != nil {
			if err := validateLoadBalancers(td, svc.LoadBalancers); err != nil {
				return nil, err
			}
			if err := validateTargetGroups(c, td, svc.LoadBalancers); err != nil {
				return nil, err
			}
		}
	}
	if in.PlacementConstraints != nil {
		svc.PlacementConstraints = in.PlacementConstraints
	}
	if in.PlacementStrategy != nil {
		if svc.SchedulingStrategy == types.SchedulingStrategyDaemon && len(in.PlacementStrategy) > 0 {
			return nil, errInvalid("The daemon scheduling strategy does not support placement strategies. Remove the placement strategy and try again")
		}
		svc.PlacementStrategy = in.PlacementStrategy
	}
	if err := validatePlacement(svc.PlacementConstraints, svc.PlacementStrategy, svc.LaunchType); err != nil {
		return nil, err
	}
	if in.DeploymentConfiguration != nil {
		merged := mergeDeploymentConfiguration(svc.DeploymentConfiguration, in.DeploymentConfiguration)
		if svc.DeploymentConfiguration, err = deploymentConfiguration(merged, svc.SchedulingStrategy, controller); err != nil {
			return nil, err
		}
	}
	if in.HealthCheckGracePeriodSeconds != nil {
		svc.HealthCheckGracePeriodSeconds = in.HealthCheckGracePeriodSeconds
	}
	if in.EnableExecuteCommand != nil {
		svc.EnableExecuteCommand = *in.EnableExecuteCommand
	}
	if in.EnableECSManagedTags != nil {
		svc.EnableECSManagedTags = *in.EnableECSManagedTags
	}
	if in.PropagateTags != "" {
		svc.PropagateTags = in.PropagateTags
	}
	if in.AvailabilityZoneRebalancing != "" {
		svc.AvailabilityZoneRebalancing = in.AvailabilityZoneRebalancing
	}

	if redeploy && controller == types.DeploymentControllerTypeEcs {
		if err := startDeployment(c, svc, td, settings); err != nil {
			return nil, err
		}
		if err := ecscore.PutService(c.Tx, c.Scope(), svc); err != nil {
			return nil, err
		}
	} else if err := ecscore.SetDesiredCount(c.Tx, c.Scope(), svc, svc.DesiredCount, c.Now()); err != nil {
		return nil, err
	}
	return &ecs.UpdateServiceOutput{Service: svc}, nil
}

// codeDeployUpdatable refuses what only CodeDeploy may change on its services.
func codeDeployUpdatable(in *ecs.UpdateServiceInput) error {
	const use = " on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment."
	switch {
	case in.NetworkConfiguration != nil:
		return errInvalid("Unable to update network parameters" + use)
	case in.LoadBalancers != nil:
		return errInvalid("Unable to update load balancers" + use)
	case in.PlatformVersion != nil:
		return errInvalid("Unable to update platform version" + use)
	case in.CapacityProviderStrategy != nil:
		return errInvalid("Unable to update capacity provider strategy" + use)
	case in.ServiceRegistries != nil:
		return errInvalid("Unable to update service registries" + use)
	}
	return nil
}

// mergeDeploymentConfiguration overlays the members an update gives.
func mergeDeploymentConfiguration(cur, in *types.DeploymentConfiguration) *types.DeploymentConfiguration {
	out := &types.DeploymentConfiguration{}
	if cur != nil {
		cp := *cur
		out = &cp
	}
	if in.MaximumPercent != nil {
		out.MaximumPercent = in.MaximumPercent
	}
	if in.MinimumHealthyPercent != nil {
		out.MinimumHealthyPercent = in.MinimumHealthyPercent
	}
	if in.DeploymentCircuitBreaker != nil {
		out.DeploymentCircuitBreaker = in.DeploymentCircuitBreaker
	}
	if in.Alarms != nil {
		out.Alarms = in.Alarms
	}
	if in.Strategy != "" {
		out.Strategy = in.Strategy
	}
	if in.BakeTimeInMinutes != nil {
		out.BakeTimeInMinutes = in.BakeTimeInMinutes
	}
	if in.LifecycleHooks != nil {
		out.LifecycleHooks = in.LifecycleHooks
	}
	if in.CanaryConfiguration != nil {
		out.CanaryConfiguration = in.CanaryConfiguration
	}
	if in.LinearConfiguration != nil {
		out.LinearConfiguration = in.LinearConfiguration
	}
	return out
}

// deleteService moves a service to DRAINING; its tasks are stopped by the
// cluster manager, which marks the service INACTIVE once none is left. A
// service with nothing to drain is INACTIVE at once.
func deleteService(c *api.Context, in *ecs.DeleteServiceInput) (*ecs.DeleteServiceOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	svc, err := getActiveService(c, aws.ToString(cl.ClusterArn), aws.ToString(in.Service))
	if err != nil {
		return nil, err
	}
	if svc.SchedulingStrategy != types.SchedulingStrategyDaemon && svc.DesiredCount > 0 && !aws.ToBool(in.Force) {
		return nil, errInvalid("The service cannot be stopped while it is scaled above 0.")
	}
	now := c.Now()
	svc.DesiredCount = 0
	svc.Status = aws.String(ecscore.ServiceDraining)
	for i := range svc.Deployments {
		svc.Deployments[i].DesiredCount = 0
		svc.Deployments[i].UpdatedAt = aws.Time(now)
	}
	for i := range svc.TaskSets {
		svc.TaskSets[i].Status = aws.String(ecscore.TaskSetDraining)
		svc.TaskSets[i].ComputedDesiredCount = 0
		svc.TaskSets[i].UpdatedAt = aws.Time(now)
	}
	live, err := ecscore.Tasks.Exists(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(cl.ClusterArn),
		Name: "service:" + aws.ToString(svc.ServiceName), Status: ecscore.TaskRunning})
	if err != nil {
		return nil, err
	}
	answer := *svc
	if !live {
		svc.Status = aws.String(ecscore.ServiceInactive)
		if err := ReleaseServiceConnect(c, svc); err != nil {
			return nil, err
		}
	}
	if err := ecscore.PutService(c.Tx, c.Scope(), svc); err != nil {
		return nil, err
	}
	return &ecs.DeleteServiceOutput{Service: &answer}, nil
}
