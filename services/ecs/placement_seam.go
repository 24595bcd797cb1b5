package ecs

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
)

// PlacementRequest asks the cluster manager where count EC2 tasks of a task
// definition fit in a cluster.
type PlacementRequest struct {
	ClusterArn     string
	TaskDefinition *types.TaskDefinition
	Overrides      *types.TaskOverride
	Count          int
	Group          string
	Constraints    []types.PlacementConstraint
	Strategy       []types.PlacementStrategy
	// CapacityProviderName limits placement to that provider's instances ("" = any).
	CapacityProviderName string
}

// Placement is where one task goes.
type Placement struct {
	ContainerInstanceArn string
	AvailabilityZone     string
}

// Placer places EC2 tasks on container instances, returning one Placement per
// task that fits and failures (AWS's reasons: RESOURCE:CPU, RESOURCE:MEMORY,
// RESOURCE:PORTS, MemberOf placement constraint unsatisfied, AGENT …) for the
// rest. The cluster manager provides it (the ecs package cannot import the
// scheduler). With no Placer, RunTask creates EC2 tasks without a container
// instance and leaves placement to the cluster manager.
type Placer func(c *api.Context, r PlacementRequest) ([]Placement, []types.Failure, error)

// validatePlacement checks placement constraints and strategies as ECS does.
func validatePlacement(constraints []types.PlacementConstraint, strategy []types.PlacementStrategy, launchType types.LaunchType) error {
	if launchType == types.LaunchTypeFargate && (len(constraints) > 0 || len(strategy) > 0) {
		return errInvalid("Task placement is not supported with launch type FARGATE.")
	}
	if len(constraints) > 10 {
		return errInvalid("The number of placement constraints exceeds the limit of 10.")
	}
	if len(strategy) > 5 {
		return errInvalid("The number of placement strategies exceeds the limit of 5.")
	}
	for _, pc := range constraints {
		switch pc.Type {
		case types.PlacementConstraintTypeDistinctInstance:
			if aws.ToString(pc.Expression) != "" {
				return errInvalid("Expression is not supported for placement constraint type distinctInstance.")
			}
		case types.PlacementConstraintTypeMemberOf:
			if aws.ToString(pc.Expression) == "" {
				return errInvalid("Expression must be provided for placement constraint type memberOf.")
			}
		default:
			return errInvalid("Placement constraint type is required.")
		}
	}
	for _, ps := range strategy {
		field := aws.ToString(ps.Field)
		switch ps.Type {
		case types.PlacementStrategyTypeRandom:
			if field != "" {
				return errInvalid("Field is not supported for placement strategy type random.")
			}
		case types.PlacementStrategyTypeSpread:
			if field == "" {
				return errInvalid("Field must be provided for placement strategy type spread.")
			}
		case types.PlacementStrategyTypeBinpack:
			if field != "cpu" && field != "memory" && field != "CPU" && field != "MEMORY" {
				return errInvalid("Invalid field for placement strategy type binpack: %s. Valid fields are cpu and memory.", field)
			}
		default:
			return errInvalid("Placement strategy type is required.")
		}
	}
	return nil
}
