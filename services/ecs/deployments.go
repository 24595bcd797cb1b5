package ecs

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// deploymentSettings are what a deployment carries that the service itself
// does not show: Service Connect and launch-time volume configurations.
type deploymentSettings struct {
	ServiceConnect *types.ServiceConnectConfiguration
	Volumes        []types.ServiceVolumeConfiguration
	VpcLattice     []types.VpcLatticeConfiguration

	// SCResources are the Cloud Map services behind ServiceConnect.
	SCResources []types.ServiceConnectServiceResource
}

// PrimaryDeployment returns the service's PRIMARY deployment, or nil.
func PrimaryDeployment(svc *types.Service) *types.Deployment {
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Status) == ecscore.DeploymentPrimary {
			return &svc.Deployments[i]
		}
	}
	return nil
}

// currentSettings are the settings of the service's PRIMARY deployment.
func currentSettings(svc *types.Service) deploymentSettings {
	if d := PrimaryDeployment(svc); d != nil {
		return deploymentSettings{ServiceConnect: d.ServiceConnectConfiguration, SCResources: d.ServiceConnectResources,
			Volumes: d.VolumeConfigurations, VpcLattice: d.VpcLatticeConfigurations}
	}
	return deploymentSettings{}
}

// newDeployment builds the PRIMARY deployment of a service's current configuration.
func newDeployment(c *api.Context, svc *types.Service, set deploymentSettings) types.Deployment {
	now := c.Now()
	id := ecscore.NewDeploymentID()
	d := types.Deployment{
		Id:                          aws.String(id),
		Status:                      aws.String(ecscore.DeploymentPrimary),
		TaskDefinition:              svc.TaskDefinition,
		DesiredCount:                svc.DesiredCount,
		CreatedAt:                   aws.Time(now),
		UpdatedAt:                   aws.Time(now),
		LaunchType:                  svc.LaunchType,
		CapacityProviderStrategy:    svc.CapacityProviderStrategy,
		NetworkConfiguration:        svc.NetworkConfiguration,
		ServiceConnectConfiguration: set.ServiceConnect,
		ServiceConnectResources:     set.SCResources,
		VolumeConfigurations:        set.Volumes,
		VpcLatticeConfigurations:    set.VpcLattice,
		RolloutState:                types.DeploymentRolloutStateInProgress,
		RolloutStateReason:          aws.String("ECS deployment " + id + " in progress."),
	}
	if svc.PlatformFamily != nil {
		d.PlatformFamily = svc.PlatformFamily
		d.PlatformVersion = aws.String(resolvedPlatformVersion(svc))
	}
	return d
}

// resolvedPlatformVersion is what a Fargate service's LATEST means today.
func resolvedPlatformVersion(svc *types.Service) string {
	v := aws.ToString(svc.PlatformVersion)
	if v != "" && v != "LATEST" {
		return v
	}
	if aws.ToString(svc.PlatformFamily) != "Linux" {
		return FargateWindowsPlatformVersion
	}
	return FargatePlatformVersion
}

// recordServiceDeployment writes the service revision and service deployment
// of a new deployment, and points the service at them. Earlier service
// deployments still in flight are stopped, as a new deployment supersedes them.
func recordServiceDeployment(c *api.Context, svc *types.Service, dep *types.Deployment, td *types.TaskDefinition, source []types.ServiceRevisionSummary) error {
	now := c.Now()
	clusterArn, serviceArn, name := aws.ToString(svc.ClusterArn), aws.ToString(svc.ServiceArn), aws.ToString(svc.ServiceName)
	// A revision is named by its deployment's number (ecs-svc/N → .../N), which clients match on.
	revID := strings.TrimPrefix(aws.ToString(dep.Id), "ecs-svc/")
	if revID == "" {
		revID = ecscore.NewRevisionID()
	}
	rev := &types.ServiceRevision{
		ServiceRevisionArn:          aws.String(ecscore.ServiceRevisionARN(c, clusterArn, name, revID)),
		ServiceArn:                  svc.ServiceArn,
		ClusterArn:                  svc.ClusterArn,
		TaskDefinition:              svc.TaskDefinition,
		CapacityProviderStrategy:    svc.CapacityProviderStrategy,
		LaunchType:                  svc.LaunchType,
		PlatformVersion:             dep.PlatformVersion,
		PlatformFamily:              dep.PlatformFamily,
		LoadBalancers:               svc.LoadBalancers,
		ServiceRegistries:           svc.ServiceRegistries,
		NetworkConfiguration:        svc.NetworkConfiguration,
		ServiceConnectConfiguration: dep.ServiceConnectConfiguration,
		VolumeConfigurations:        dep.VolumeConfigurations,
		VpcLatticeConfigurations:    dep.VpcLatticeConfigurations,
		CreatedAt:                   aws.Time(now),
	}
	if td != nil {
		for _, cd := range td.ContainerDefinitions {
			rev.ContainerImages = append(rev.ContainerImages, types.ContainerImage{ContainerName: cd.Name, Image: cd.Image})
		}
	}
	if err := ecscore.ServiceRevisions.Put(c.Tx, c.Scope(), aws.ToString(rev.ServiceRevisionArn), store.Index{Parent: serviceArn}, rev); err != nil {
		return err
	}

	// Deployments still in flight are superseded by this one.
	inflight, err := ecscore.ServiceDeployments.List(c.Tx, c.Scope(), store.Query{Parent: serviceArn})
	if err != nil {
		return err
	}
	for _, it := range inflight {
		sd := it.Doc
		if sd.Status == types.ServiceDeploymentStatusPending || sd.Status == types.ServiceDeploymentStatusInProgress {
			sd.Status = types.ServiceDeploymentStatusStopped
			sd.StatusReason = aws.String("Service deployment stopped because a newer service deployment started.")
			sd.StoppedAt = aws.Time(now)
			sd.UpdatedAt = aws.Time(now)
			if err := ecscore.PutServiceDeployment(c.Tx, c.Scope(), sd); err != nil {
				return err
			}
		}
	}

	cfg := svc.DeploymentConfiguration
	sd := &types.ServiceDeployment{
		ServiceDeploymentArn:    aws.String(ecscore.ServiceDeploymentARN(c, clusterArn, name, api.RandomString(deploymentIDAlphabet, 21))),
		ServiceArn:              svc.ServiceArn,
		ClusterArn:              svc.ClusterArn,
		CreatedAt:               aws.Time(now),
		StartedAt:               aws.Time(now),
		UpdatedAt:               aws.Time(now),
		Status:                  types.ServiceDeploymentStatusInProgress,
		DeploymentConfiguration: cfg,
		SourceServiceRevisions:  source,
		TargetServiceRevision: &types.ServiceRevisionSummary{
			Arn:                rev.ServiceRevisionArn,
			RequestedTaskCount: dep.DesiredCount,
		},
		DeploymentCircuitBreaker: circuitBreakerMonitor(cfg, dep.DesiredCount),
		Alarms:                   alarmMonitor(cfg),
	}
	if sd.SourceServiceRevisions == nil {
		sd.SourceServiceRevisions = []types.ServiceRevisionSummary{}
	}
	if err := ecscore.PutServiceDeployment(c.Tx, c.Scope(), sd); err != nil {
		return err
	}
	link := &ecscore.DeploymentLink{DeploymentID: aws.ToString(dep.Id), ServiceDeploymentArn: aws.ToString(sd.ServiceDeploymentArn),
		ServiceRevisionArn: aws.ToString(rev.ServiceRevisionArn)}
	if err := ecscore.PutDeploymentLink(c.Tx, c.Scope(), serviceArn, link); err != nil {
		return err
	}
	svc.CurrentServiceDeployment = sd.ServiceDeploymentArn
	svc.CurrentServiceRevisions = append(currentRevisionsFrom(source), types.ServiceCurrentRevisionSummary{
		Arn: rev.ServiceRevisionArn, RequestedTaskCount: dep.DesiredCount})
	return nil
}

const deploymentIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

func currentRevisionsFrom(source []types.ServiceRevisionSummary) []types.ServiceCurrentRevisionSummary {
	out := []types.ServiceCurrentRevisionSummary{}
	for _, s := range source {
		out = append(out, types.ServiceCurrentRevisionSummary{Arn: s.Arn, RequestedTaskCount: s.RequestedTaskCount,
			RunningTaskCount: s.RunningTaskCount, PendingTaskCount: s.PendingTaskCount})
	}
	return out
}

// CircuitBreakerThreshold is ECS's failed-task threshold for a deployment of
// desired tasks: half the desired count, at least 3 and at most 200.
func CircuitBreakerThreshold(desired int32) int32 {
	t := (desired + 1) / 2
	if t < 3 {
		t = 3
	}
	if t > 200 {
		t = 200
	}
	return t
}

func circuitBreakerMonitor(cfg *types.DeploymentConfiguration, desired int32) *types.ServiceDeploymentCircuitBreaker {
	cb := &types.ServiceDeploymentCircuitBreaker{Status: types.ServiceDeploymentRollbackMonitorsStatusDisabled}
	if cfg != nil && cfg.DeploymentCircuitBreaker != nil && cfg.DeploymentCircuitBreaker.Enable {
		cb.Status = types.ServiceDeploymentRollbackMonitorsStatusMonitoring
		cb.Threshold = CircuitBreakerThreshold(desired)
	}
	return cb
}

func alarmMonitor(cfg *types.DeploymentConfiguration) *types.ServiceDeploymentAlarms {
	a := &types.ServiceDeploymentAlarms{Status: types.ServiceDeploymentRollbackMonitorsStatusDisabled}
	if cfg != nil && cfg.Alarms != nil && cfg.Alarms.Enable {
		a.Status = types.ServiceDeploymentRollbackMonitorsStatusMonitoring
		a.AlarmNames = cfg.Alarms.AlarmNames
	}
	return a
}

// sourceRevisions summarises the revisions a new deployment replaces: those of
// the service's current deployments.
func sourceRevisions(c *api.Context, svc *types.Service) ([]types.ServiceRevisionSummary, error) {
	out := []types.ServiceRevisionSummary{}
	for _, d := range svc.Deployments {
		link, err := ecscore.DeploymentLinks.Get(c.Tx, c.Scope(), aws.ToString(d.Id))
		if err != nil {
			return nil, err
		}
		if link == nil {
			continue
		}
		out = append(out, types.ServiceRevisionSummary{Arn: aws.String(link.ServiceRevisionArn),
			RequestedTaskCount: d.DesiredCount, RunningTaskCount: d.RunningCount, PendingTaskCount: d.PendingCount})
	}
	return out, nil
}

// startDeployment makes a new PRIMARY deployment of the service's current
// configuration; the previous PRIMARY becomes ACTIVE and is drained by the
// cluster manager.
func startDeployment(c *api.Context, svc *types.Service, td *types.TaskDefinition, set deploymentSettings) error {
	source, err := sourceRevisions(c, svc)
	if err != nil {
		return err
	}
	now := c.Now()
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Status) == ecscore.DeploymentPrimary {
			svc.Deployments[i].Status = aws.String(ecscore.DeploymentActive)
			svc.Deployments[i].UpdatedAt = aws.Time(now)
		}
	}
	dep := newDeployment(c, svc, set)
	svc.Deployments = append([]types.Deployment{dep}, svc.Deployments...)
	return recordServiceDeployment(c, svc, &dep, td, source)
}

// timeIn reports whether t lies in the optional [after, before] window.
func timeIn(t *time.Time, after, before *time.Time) bool {
	if t == nil {
		return after == nil && before == nil
	}
	if after != nil && t.Before(*after) {
		return false
	}
	return before == nil || !t.After(*before)
}
