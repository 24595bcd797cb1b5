package ecs

import (
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

func registerServices(s *api.Service, h *handlers) {
	api.Handle(s, "CreateService", h.createService)
	api.Handle(s, "UpdateService", h.updateService)
	api.Handle(s, "DeleteService", deleteService)
	api.Handle(s, "DescribeServices", describeServices)
	api.Handle(s, "ListServices", listServices)
	api.Handle(s, "ListServicesByNamespace", listServicesByNamespace)
}

var serviceNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

func errServiceNotActive() error {
	return apierror.New("ServiceNotActiveException", "Service was not ACTIVE.")
}

// getActiveService loads a service that must be ACTIVE.
func getActiveService(c *api.Context, clusterArn, ref string) (*types.Service, error) {
	svc, err := ecscore.GetService(c, clusterArn, ref)
	if err != nil {
		return nil, err
	}
	if aws.ToString(svc.Status) != ecscore.ServiceActive {
		return nil, errServiceNotActive()
	}
	return svc, nil
}

func (h *handlers) createService(c *api.Context, in *ecs.CreateServiceInput) (*ecs.CreateServiceOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	name := aws.ToString(in.ServiceName)
	if !serviceNameRE.MatchString(name) {
		return nil, errInvalid("Service name can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.")
	}
	arn := ecscore.ServiceARN(c, clusterArn, name)
	token := aws.ToString(in.ClientToken)
	hash := ""
	if token != "" {
		req := *in
		req.ClientToken = nil
		hash = requestHash(&req)
	}
	if old, err := ecscore.Services.Get(c.Tx, c.Scope(), arn); err != nil {
		return nil, err
	} else if old != nil && aws.ToString(old.Status) != ecscore.ServiceInactive {
		// A retry with the same client token and parameters gets the service it created.
		if prev, err := replayed(c, "CreateService", token, hash); err == nil && len(prev) == 1 && prev[0] == arn {
			return &ecs.CreateServiceOutput{Service: old}, nil
		}
		return nil, errInvalid("Creation of service was not idempotent.")
	}
	n := 0
	for _, st := range []string{ecscore.ServiceActive, ecscore.ServiceDraining} {
		k, err := ecscore.Services.Count(c.Tx, c.Scope(), store.Query{Parent: clusterArn, Status: st})
		if err != nil {
			return nil, err
		}
		n += k
	}
	if n >= h.Quotas.ServicesPerCluster {
		return nil, errInvalid("You have reached the limit of %d services per cluster.", h.Quotas.ServicesPerCluster)
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, err
	}

	controller := types.DeploymentControllerTypeEcs
	if in.DeploymentController != nil && in.DeploymentController.Type != "" {
		controller = in.DeploymentController.Type
	}
	strategy := in.SchedulingStrategy
	if strategy == "" {
		strategy = types.SchedulingStrategyReplica
	}
	svc := &types.Service{
		ServiceArn:                    aws.String(arn),
		ServiceName:                   aws.String(name),
		ClusterArn:                    aws.String(clusterArn),
		Status:                        aws.String(ecscore.ServiceActive),
		SchedulingStrategy:            strategy,
		DeploymentController:          &types.DeploymentController{Type: controller},
		LoadBalancers:                 nonNilLoadBalancers(in.LoadBalancers),
		ServiceRegistries:             nonNilRegistries(in.ServiceRegistries),
		PlacementConstraints:          nonNilConstraints(in.PlacementConstraints),
		PlacementStrategy:             nonNilStrategies(in.PlacementStrategy),
		NetworkConfiguration:          normalizeNetwork(in.NetworkConfiguration),
		HealthCheckGracePeriodSeconds: in.HealthCheckGracePeriodSeconds,
		EnableECSManagedTags:          in.EnableECSManagedTags,
		EnableExecuteCommand:          in.EnableExecuteCommand,
		PropagateTags:                 in.PropagateTags,
		AvailabilityZoneRebalancing:   in.AvailabilityZoneRebalancing,
		CreatedAt:                     aws.Time(c.Now()),
		CreatedBy:                     aws.String(c.Caller.Arn),
		Events:                        []types.ServiceEvent{},
		Deployments:                   []types.Deployment{},
	}
	if svc.PropagateTags == "" {
		svc.PropagateTags = types.PropagateTagsNone
	}
	if svc.AvailabilityZoneRebalancing == "" {
		svc.AvailabilityZoneRebalancing = types.AvailabilityZoneRebalancingEnabled
		if strategy == types.SchedulingStrategyDaemon {
			svc.AvailabilityZoneRebalancing = types.AvailabilityZoneRebalancingDisabled
		}
	}

	switch strategy {
	case types.SchedulingStrategyDaemon:
		if in.DesiredCount != nil {
			return nil, errInvalid("The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again")
		}
		if len(in.PlacementStrategy) > 0 {
			return nil, errInvalid("The daemon scheduling strategy does not support placement strategies. Remove the placement strategy and try again")
		}
		if controller != types.DeploymentControllerTypeEcs {
			return nil, errInvalid("The daemon scheduling strategy does not support a %s deployment controller.", controller)
		}
	default:
		if in.DesiredCount == nil {
			return nil, errInvalid("desiredCount is required for services with the REPLICA scheduling strategy.")
		}
		svc.DesiredCount = *in.DesiredCount
		if err := h.checkDesiredCount(svc.DesiredCount); err != nil {
			return nil, err
		}
	}

	var td *types.TaskDefinition
	if ref := aws.ToString(in.TaskDefinition); ref != "" {
		if td, err = ecscore.GetTaskDefinition(c, ref); err != nil {
			return nil, err
		}
		svc.TaskDefinition = td.TaskDefinitionArn
	} else if controller != types.DeploymentControllerTypeExternal {
		return nil, errInvalid("Task Definition can not be blank.")
	}

	if td != nil || in.LaunchType != "" || len(in.CapacityProviderStrategy) > 0 {
		launch, err := validateServiceLaunch(c, cl, td, in.LaunchType, in.CapacityProviderStrategy, aws.ToString(in.PlatformVersion), in.NetworkConfiguration)
		if err != nil {
			return nil, err
		}
		applyLaunch(svc, launch, td, aws.ToString(in.PlatformVersion))
		if strategy == types.SchedulingStrategyDaemon && launch.LaunchType == types.LaunchTypeFargate {
			return nil, errInvalid("The daemon scheduling strategy is not supported with the FARGATE launch type.")
		}
	}
	if err := validatePlacement(in.PlacementConstraints, in.PlacementStrategy, svc.LaunchType); err != nil {
		return nil, err
	}
	if td != nil {
		if err := validateLoadBalancers(td, in.LoadBalancers); err != nil {
			return nil, err
		}
		if err := validateTargetGroups(c, td, in.LoadBalancers); err != nil {
			return nil, err
		}
	}
	if err := validateServiceRegistries(c, in.ServiceRegistries); err != nil {
		return nil, err
	}
	if err := applyRole(c, svc, aws.ToString(in.Role), td); err != nil {
		return nil, err
	}
	if svc.DeploymentConfiguration, err = deploymentConfiguration(in.DeploymentConfiguration, strategy, controller); err != nil {
		return nil, err
	}

	switch controller {
	case types.DeploymentControllerTypeEcs:
		set := deploymentSettings{ServiceConnect: in.ServiceConnectConfiguration,
			Volumes: in.VolumeConfigurations, VpcLattice: in.VpcLatticeConfigurations}
		if set.SCResources, err = serviceConnectResources(c, clusterArn, in.ServiceConnectConfiguration); err != nil {
			return nil, err
		}
		dep := newDeployment(c, svc, set)
		svc.Deployments = []types.Deployment{dep}
		if err := recordServiceDeployment(c, svc, &dep, td, nil); err != nil {
			return nil, err
		}
	case types.DeploymentControllerTypeCodeDeploy:
		ts := newTaskSet(c, svc, td, nil)
		ts.Status = aws.String(ecscore.TaskSetPrimary)
		ts.StartedBy = aws.String("CodeDeploy")
		svc.TaskSets = []types.TaskSet{*ts}
	}

	if err := h.serviceLinkedRole(c); err != nil {
		return nil, err
	}
	if err := ecscore.PutService(c.Tx, c.Scope(), svc); err != nil {
		return nil, err
	}
	if err := remember(c, "CreateService", token, hash, []string{arn}); err != nil {
		return nil, err
	}
	if len(in.Tags) > 0 {
		tags := append([]types.Tag(nil), in.Tags...)
		if err := ecscore.Tags.Put(c.Tx, c.Scope(), arn, store.Index{}, &tags); err != nil {
			return nil, err
		}
		svc.Tags = tags
	}
	return &ecs.CreateServiceOutput{Service: svc}, nil
}

func (h *handlers) checkDesiredCount(n int32) error {
	if n < 0 {
		return errInvalid("Desired count must be greater than or equal to 0.")
	}
	if int(n) > h.Quotas.TasksPerService {
		return errInvalid("The desired count of %d exceeds the limit of %d tasks per service.", n, h.Quotas.TasksPerService)
	}
	return nil
}

// validateServiceLaunch applies the launch rules to a service's settings.
func validateServiceLaunch(c *api.Context, cl *types.Cluster, td *types.TaskDefinition, lt types.LaunchType,
	cps []types.CapacityProviderStrategyItem, platformVersion string, nc *types.NetworkConfiguration) (*Launch, error) {
	if td == nil {
		// EXTERNAL services may omit the task definition; check what can be checked.
		if lt != "" && len(cps) > 0 {
			return nil, errInvalid("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
		}
		l := &Launch{LaunchType: lt, Strategy: cps, ExplicitLaunchType: lt != ""}
		if len(cps) > 0 {
			t, err := strategyLaunchType(c, cl, cps)
			if err != nil {
				return nil, err
			}
			l.LaunchType = t
		}
		return l, nil
	}
	return ValidateLaunch(c, LaunchRequest{Cluster: cl, TaskDefinition: td, LaunchType: lt,
		CapacityProviderStrategy: cps, PlatformVersion: platformVersion, NetworkConfiguration: nc})
}

// applyLaunch writes a validated launch onto the service as ECS shows it:
// launchType when one was named, else the strategy; platform fields on Fargate.
func applyLaunch(svc *types.Service, l *Launch, td *types.TaskDefinition, platformVersion string) {
	svc.LaunchType, svc.CapacityProviderStrategy = "", nil
	if l.ExplicitLaunchType {
		svc.LaunchType = l.LaunchType
	} else {
		svc.CapacityProviderStrategy = l.Strategy
	}
	svc.PlatformVersion, svc.PlatformFamily = nil, nil
	if l.LaunchType == types.LaunchTypeFargate {
		if platformVersion == "" {
			platformVersion = "LATEST"
		}
		svc.PlatformVersion = aws.String(platformVersion)
		family := "Linux"
		if td != nil {
			family, _ = fargatePlatform(td, "")
		}
		svc.PlatformFamily = aws.String(family)
	}
}

// applyRole records the service's IAM role. awsvpc services use the service-linked role.
func applyRole(c *api.Context, svc *types.Service, role string, td *types.TaskDefinition) error {
	if role == "" {
		if len(svc.LoadBalancers) > 0 || (td != nil && td.NetworkMode == types.NetworkModeAwsvpc) {
			svc.RoleArn = aws.String(c.ARNPrefix() + "iam::" + c.Account() + ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")
		}
		return nil
	}
	if td != nil && td.NetworkMode == types.NetworkModeAwsvpc {
		return errInvalid("You cannot specify an IAM role for services that require a service linked role.")
	}
	if !strings.HasPrefix(role, "arn:") {
		// A role under a path is given as "/path/name" (CreateService's role).
		role = c.ARNPrefix() + "iam::" + c.Account() + ":role/" + strings.TrimPrefix(role, "/")
	}
	svc.RoleArn = aws.String(role)
	return nil
}

// deploymentConfiguration fills ECS's defaults into a deployment configuration.
func deploymentConfiguration(in *types.DeploymentConfiguration, strategy types.SchedulingStrategy, controller types.DeploymentControllerType) (*types.DeploymentConfiguration, error) {
	out := &types.DeploymentConfiguration{}
	if in != nil {
		cp := *in
		out = &cp
	}
	maxDefault, minDefault := int32(200), int32(100)
	if strategy == types.SchedulingStrategyDaemon {
		maxDefault, minDefault = 100, 0
	}
	if out.MaximumPercent == nil {
		out.MaximumPercent = aws.Int32(maxDefault)
	}
	if out.MinimumHealthyPercent == nil {
		out.MinimumHealthyPercent = aws.Int32(minDefault)
	}
	if err := validatePercents(*out.MinimumHealthyPercent, *out.MaximumPercent); err != nil {
		return nil, err
	}
	if controller == types.DeploymentControllerTypeEcs {
		if out.DeploymentCircuitBreaker == nil {
			out.DeploymentCircuitBreaker = &types.DeploymentCircuitBreaker{}
		}
		if out.DeploymentCircuitBreaker.Rollback && !out.DeploymentCircuitBreaker.Enable {
			return nil, errInvalid("The deployment circuit breaker must be enabled to use rollback.")
		}
		if out.Alarms == nil {
			out.Alarms = &types.DeploymentAlarms{AlarmNames: []string{}}
		}
		if out.Alarms.AlarmNames == nil {
			out.Alarms.AlarmNames = []string{}
		}
		if out.Alarms.Enable && len(out.Alarms.AlarmNames) == 0 {
			return nil, errInvalid("At least one alarm name must be specified when deployment alarms are enabled.")
		}
		if out.Strategy == "" {
			out.Strategy = types.DeploymentStrategyRolling
		}
	}
	return out, nil
}

func validatePercents(minHealthy, maxPercent int32) error {
	if minHealthy < 0 || minHealthy > 100 {
		return errInvalid("minimumHealthyPercent must be between 0 and 100.")
	}
	if maxPercent < minHealthy {
		return errInvalid("maximumPercent must be greater than or equal to minimumHealthyPercent.")
	}
	return nil
}

// validateLoadBalancers checks each load balancer names a container and port of the task definition.
func validateLoadBalancers(td *types.TaskDefinition, lbs []types.LoadBalancer) error {
	if len(lbs) > 5 {
		return errInvalid("The number of load balancers exceeds the limit of 5.")
	}
	for _, lb := range lbs {
		if aws.ToString(lb.TargetGroupArn) == "" && aws.ToString(lb.LoadBalancerName) == "" {
			return errInvalid("Either targetGroupArn or loadBalancerName must be specified for a load balancer.")
		}
		name := aws.ToString(lb.ContainerName)
		var cd *types.ContainerDefinition
		for i := range td.ContainerDefinitions {
			if aws.ToString(td.ContainerDefinitions[i].Name) == name {
				cd = &td.ContainerDefinitions[i]
			}
		}
		if cd == nil {
			return errInvalid("The container %s does not exist in the task definition.", name)
		}
		port := aws.ToInt32(lb.ContainerPort)
		found := false
		for _, pm := range cd.PortMappings {
			found = found || aws.ToInt32(pm.ContainerPort) == port
		}
		if !found {
			return errInvalid("The container %s did not have a container port %d defined.", name, port)
		}
	}
	return nil
}

func nonNilLoadBalancers(v []types.LoadBalancer) []types.LoadBalancer {
	if v == nil {
		return []types.LoadBalancer{}
	}
	return v
}

func nonNilRegistries(v []types.ServiceRegistry) []types.ServiceRegistry {
	if v == nil {
		return []types.ServiceRegistry{}
	}
	return v
}

func nonNilConstraints(v []types.PlacementConstraint) []types.PlacementConstraint {
	if v == nil {
		return []types.PlacementConstraint{}
	}
	return v
}

func nonNilStrategies(v []types.PlacementStrategy) []types.PlacementStrategy {
	if v == nil {
		return []types.PlacementStrategy{}
	}
	return v
}
