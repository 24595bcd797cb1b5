package ecs

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

func registerTaskSets(s *api.Service, h *handlers) {
	api.Handle(s, "CreateTaskSet", h.createTaskSet)
	api.Handle(s, "DeleteTaskSet", deleteTaskSet)
	api.Handle(s, "DescribeTaskSets", describeTaskSets)
	api.Handle(s, "UpdateTaskSet", updateTaskSet)
	api.Handle(s, "UpdateServicePrimaryTaskSet", updateServicePrimaryTaskSet)
}

// newTaskSet builds a task set of the service's task definition, at 100
// percent (CodeDeploy's first task set); in, when given, overrides the
// service's launch and network settings and the scale.
func newTaskSet(c *api.Context, svc *types.Service, td *types.TaskDefinition, in *ecs.CreateTaskSetInput) *types.TaskSet {
	now := c.Now()
	id := ecscore.NewDeploymentID()
	ts := &types.TaskSet{
		Id:                       aws.String(id),
		TaskSetArn:               aws.String(ecscore.TaskSetARN(c, aws.ToString(svc.ClusterArn), aws.ToString(svc.ServiceName), id)),
		ServiceArn:               svc.ServiceArn,
		ClusterArn:               svc.ClusterArn,
		Status:                   aws.String(ecscore.TaskSetActive),
		TaskDefinition:           td.TaskDefinitionArn,
		LaunchType:               svc.LaunchType,
		CapacityProviderStrategy: svc.CapacityProviderStrategy,
		PlatformVersion:          svc.PlatformVersion,
		PlatformFamily:           svc.PlatformFamily,
		NetworkConfiguration:     svc.NetworkConfiguration,
		LoadBalancers:            svc.LoadBalancers,
		ServiceRegistries:        svc.ServiceRegistries,
		Scale:                    &types.Scale{Value: 100, Unit: types.ScaleUnitPercent},
		StabilityStatus:          types.StabilityStatusStabilizing,
		StabilityStatusAt:        aws.Time(now),
		CreatedAt:                aws.Time(now),
		UpdatedAt:                aws.Time(now),
	}
	if in != nil {
		// CreateTaskSet without a scale starts at 0 percent: AWS CLI's
		// create-task-set example answers "scale": {"value": 0.0, "unit":
		// "PERCENT"} for a call that gives none.
		ts.Scale = &types.Scale{Value: 0, Unit: types.ScaleUnitPercent}
		ts.ExternalId = in.ExternalId
		if in.NetworkConfiguration != nil {
			ts.NetworkConfiguration = in.NetworkConfiguration
		}
		if in.LoadBalancers != nil {
			ts.LoadBalancers = in.LoadBalancers
		}
		if in.ServiceRegistries != nil {
			ts.ServiceRegistries = in.ServiceRegistries
		}
		if in.Scale != nil {
			ts.Scale = in.Scale
		}
	}
	if ts.LoadBalancers == nil {
		ts.LoadBalancers = []types.LoadBalancer{}
	}
	if ts.ServiceRegistries == nil {
		ts.ServiceRegistries = []types.ServiceRegistry{}
	}
	ts.ComputedDesiredCount = ecscore.ComputedDesiredCount(svc.DesiredCount, ts.Scale)
	return ts
}

func validateScale(s *types.Scale) error {
	if s == nil {
		return nil
	}
	if s.Unit != "" && s.Unit != types.ScaleUnitPercent {
		return errInvalid("Scale unit must be PERCENT.")
	}
	if s.Value < 0 || s.Value > 100 {
		return errInvalid("Scale value must be between 0 and 100.")
	}
	if s.Unit == "" {
		s.Unit = types.ScaleUnitPercent
	}
	return nil
}

// taskSetService loads the ACTIVE service of a task set call and checks that
// its deployment controller allows task set management.
func taskSetService(c *api.Context, clusterRef, serviceRef *string) (*types.Cluster, *types.Service, error) {
	cl, err := ecscore.GetCluster(c, clusterRef)
	if err != nil {
		return nil, nil, err
	}
	svc, err := getActiveService(c, aws.ToString(cl.ClusterArn), aws.ToString(serviceRef))
	if err != nil {
		return nil, nil, err
	}
	if svc.DeploymentController == nil || (svc.DeploymentController.Type != types.DeploymentControllerTypeExternal &&
		svc.DeploymentController.Type != types.DeploymentControllerTypeCodeDeploy) {
		return nil, nil, errInvalid("Amazon ECS only supports task set management on services configured to use external deployment controllers.")
	}
	return cl, svc, nil
}

// findTaskSet returns the index of a task set by id or ARN, or -1.
func findTaskSet(svc *types.Service, ref string) int {
	for i, ts := range svc.TaskSets {
		if aws.ToString(ts.Id) == ref || aws.ToString(ts.TaskSetArn) == ref {
			return i
		}
	}
	return -1
}

func errTaskSetNotFound() error {
	return apierror.New("TaskSetNotFoundException", "The specified task set does not exist.")
}

func (h *handlers) createTaskSet(c *api.Context, in *ecs.CreateTaskSetInput) (*ecs.CreateTaskSetOutput, error) {
	cl, svc, err := taskSetService(c, in.Cluster, in.Service)
	if err != nil {
		return nil, err
	}
	live := 0
	for _, ts := range svc.TaskSets {
		if aws.ToString(ts.Status) != ecscore.TaskSetDraining {
			live++
		}
	}
	if live >= h.Quotas.TaskSetsPerService {
		return nil, errInvalid("%d deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.", live)
	}
	td, err := ecscore.GetTaskDefinition(c, aws.ToString(in.TaskDefinition))
	if err != nil {
		return nil, err
	}
	if err := validateScale(in.Scale); err != nil {
		return nil, err
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, err
	}
	lt, cps := in.LaunchType, in.CapacityProviderStrategy
	if lt == "" && len(cps) == 0 {
		lt, cps = svc.LaunchType, svc.CapacityProviderStrategy
	}
	nc := normalizeNetwork(in.NetworkConfiguration)
	if nc == nil {
		nc = svc.NetworkConfiguration
	}
	launch, err := ValidateLaunch(c, LaunchRequest{Cluster: cl, TaskDefinition: td, LaunchType: lt,
		CapacityProviderStrategy: cps, PlatformVersion: aws.ToString(in.PlatformVersion), NetworkConfiguration: nc})
	if err != nil {
		return nil, err
	}
	if in.LoadBalancers != nil {
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
	ts := newTaskSet(c, svc, td, in)
	probe := &types.Service{}
	applyLaunch(probe, launch, td, aws.ToString(in.PlatformVersion))
	ts.LaunchType, ts.CapacityProviderStrategy = probe.LaunchType, probe.CapacityProviderStrategy
	ts.PlatformVersion, ts.PlatformFamily = probe.PlatformVersion, probe.PlatformFamily
	ts.NetworkConfiguration = nc
	if svc.DeploymentController.Type == types.DeploymentControllerTypeCodeDeploy {
		ts.StartedBy = aws.String("CodeDeploy")
	}
	svc.TaskSets = append(svc.TaskSets, *ts)
	if err := ecscore.PutService(c.Tx, c.Scope(), svc); err != nil {
		return nil, err
	}
	if len(in.Tags) > 0 {
		tags := append([]types.Tag(nil), in.Tags...)
		if err := ecscore.Tags.Put(c.Tx, c.Scope(), aws.ToString(ts.TaskSetArn), store.Index{}, &tags); err != nil {
			return nil, err
		}
		ts.Tags = tags
	}
	return &ecs.CreateTaskSetOutput{TaskSet: ts}, nil
}

func deleteTaskSet(c *api.Context, in *ecs.DeleteTaskSetInput) (*ecs.DeleteTaskSetOutput, error) {
	_, svc, err := taskSetService(c, in.Cluster, in.Service)
	if err != nil {
		return nil, err
	}
	i := findTaskSet(svc, aws.ToString(in.TaskSet))
	if i < 0 {
		return nil, errTaskSetNotFound()
	}
	ts := &svc.TaskSets[i]
	if aws.ToString(ts.Status) == ecscore.TaskSetPrimary && !aws.ToBool(in.Force) {
		return nil, errInvalid("The task set is the primary task set of the service. Use force to delete it.")
	}
	ts.Status = aws.String(ecscore.TaskSetDraining)
	ts.ComputedDesiredCount = 0
	ts.UpdatedAt = aws.Time(c.Now())
	out := *ts
	if err := ecscore.PutService(c.Tx, c.Scope(), svc); err != nil {
		return nil, err
	}
	return &ecs.DeleteTaskSetOutput{TaskSet: &out}, nil
}

func describeTaskSets(c *api.Context, in *ecs.DescribeTaskSetsInput) (*ecs.DescribeTaskSetsOutput, error) {
	_, svc, err := taskSetService(c, in.Cluster, in.Service)
	if err != nil {
		return nil, err
	}
	withTags := false
	for _, f := range in.Include {
		withTags = withTags || f == types.TaskSetFieldTags
	}
	out := &ecs.DescribeTaskSetsOutput{TaskSets: []types.TaskSet{}, Failures: []types.Failure{}}
	pick := func(ts types.TaskSet) error {
		if withTags {
			tags, err := ResourceTags(c, aws.ToString(ts.TaskSetArn))
			if err != nil {
				return err
			}
			ts.Tags = tags
		}
		out.TaskSets = append(out.TaskSets, ts)
		return nil
	}
	if len(in.TaskSets) == 0 {
		for _, ts := range svc.TaskSets {
			if err := pick(ts); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for _, ref := range in.TaskSets {
		i := findTaskSet(svc, ref)
		if i < 0 {
			out.Failures = append(out.Failures, missing(ref))
			continue
		}
		if err := pick(svc.TaskSets[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func updateTaskSet(c *api.Context, in *ecs.UpdateTaskSetInput) (*ecs.UpdateTaskSetOutput, error) {
	_, svc, err := taskSetService(c, in.Cluster, in.Service)
	if err != nil {
		return nil, err
	}
	i := findTaskSet(svc, aws.ToString(in.TaskSet))
	if i < 0 {
		return nil, errTaskSetNotFound()
	}
	if in.Scale == nil {
		return nil, errInvalid("Scale cannot be empty.")
	}
	if err := validateScale(in.Scale); err != nil {
		return nil, err
	}
	ts := &svc.TaskSets[i]
	if aws.ToString(ts.Status) == ecscore.TaskSetDraining {
		return nil, errInvalid("The task set is draining and cannot be updated.")
	}
	ts.Scale = in.Scale
	ts.ComputedDesiredCount = ecscore.ComputedDesiredCount(svc.DesiredCount, ts.Scale)
	ts.StabilityStatus = types.StabilityStatusStabilizing
	ts.StabilityStatusAt = aws.Time(c.Now())
	ts.UpdatedAt = aws.Time(c.Now())
	out := *ts
	if err := ecscore.PutService(c.Tx, c.Scope(), svc); err != nil {
		return nil, err
	}
	return &ecs.UpdateTaskSetOutput{TaskSet: &out}, nil
}

func updateServicePrimaryTaskSet(c *api.Context, in *ecs.UpdateServicePrimaryTaskSetInput) (*ecs.UpdateServicePrimaryTaskSetOutput, error) {
	_, svc, err := taskSetService(c, in.Cluster, in.Service)
	if err != nil {
		return nil, err
	}
	i := findTaskSet(svc, aws.ToString(in.PrimaryTaskSet))
	if i < 0 {
		return nil, errTaskSetNotFound()
	}
	if aws.ToString(svc.TaskSets[i].Status) == ecscore.TaskSetDraining {
		return nil, errInvalid("A draining task set cannot be made the primary task set.")
	}
	now := c.Now()
	for j := range svc.TaskSets {
		ts := &svc.TaskSets[j]
		switch {
		case j == i:
			ts.Status = aws.String(ecscore.TaskSetPrimary)
			ts.UpdatedAt = aws.Time(now)
		case aws.ToString(ts.Status) == ecscore.TaskSetPrimary:
			ts.Status = aws.String(ecscore.TaskSetActive)
			ts.UpdatedAt = aws.Time(now)
		}
	}
	primary := svc.TaskSets[i]
	svc.TaskDefinition = primary.TaskDefinition
	svc.LaunchType, svc.CapacityProviderStrategy = primary.LaunchType, primary.CapacityProviderStrategy
	svc.PlatformVersion, svc.PlatformFamily = primary.PlatformVersion, primary.PlatformFamily
	svc.NetworkConfiguration = primary.NetworkConfiguration
	svc.LoadBalancers, svc.ServiceRegistries = primary.LoadBalancers, primary.ServiceRegistries
	if err := ecscore.PutService(c.Tx, c.Scope(), svc); err != nil {
		return nil, err
	}
	return &ecs.UpdateServicePrimaryTaskSetOutput{TaskSet: &primary}, nil
}
