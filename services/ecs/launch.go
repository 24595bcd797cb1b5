package ecs

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// LaunchRequest is how a task or service asks to be launched.
type LaunchRequest struct {
	Cluster                  *types.Cluster
	TaskDefinition           *types.TaskDefinition
	LaunchType               types.LaunchType
	CapacityProviderStrategy []types.CapacityProviderStrategyItem
	PlatformVersion          string
	NetworkConfiguration     *types.NetworkConfiguration
}

// Launch is a validated launch: the effective launch type and strategy.
type Launch struct {
	// LaunchType is the launch type tasks get (a strategy's providers decide it when one is used).
	LaunchType types.LaunchType
	// Strategy is the capacity provider strategy in effect (empty with a launch type).
	Strategy []types.CapacityProviderStrategyItem
	// ExplicitLaunchType is true when the caller named a launch type (or none and no strategy applied).
	ExplicitLaunchType bool
}

func errInvalid(format string, args ...any) error {
	return apierror.New("InvalidParameterException", format, args...)
}

func errSubnetsEmpty() error { return errInvalid("subnets can not be empty.") }

// Fargate's built-in capacity providers.
const (
	ProviderFargate     = "FARGATE"
	ProviderFargateSpot = "FARGATE_SPOT"
)

// ValidateLaunch applies ECS's rules for where a task may run: launch type and
// capacity provider strategy are exclusive; without either the cluster's default
// strategy applies, else EC2; the task definition must be compatible with the
// launch type; awsvpc needs a network configuration with subnets and other modes
// refuse one; platform versions are Fargate's alone.
func ValidateLaunch(c *api.Context, r LaunchRequest) (*Launch, error) {
	out := &Launch{}
	switch {
	case r.LaunchType != "" && len(r.CapacityProviderStrategy) > 0:
		return nil, errInvalid("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	case r.LaunchType != "":
		out.LaunchType, out.ExplicitLaunchType = r.LaunchType, true
	case len(r.CapacityProviderStrategy) > 0:
		out.Strategy = r.CapacityProviderStrategy
	case r.Cluster != nil && len(r.Cluster.DefaultCapacityProviderStrategy) > 0:
		out.Strategy = r.Cluster.DefaultCapacityProviderStrategy
	default:
		out.LaunchType, out.ExplicitLaunchType = types.LaunchTypeEc2, true
	}
	if len(out.Strategy) > 0 {
		lt, err := strategyLaunchType(c, r.Cluster, out.Strategy)
		if err != nil {
			return nil, err
		}
		out.LaunchType = lt
	}
	td := r.TaskDefinition
	if td.Status == types.TaskDefinitionStatusInactive {
		return nil, apierror.New("ClientException", "TaskDefinition is inactive")
	}
	if out.LaunchType != types.LaunchTypeExternal && !slices.Contains(td.Compatibilities, types.Compatibility(out.LaunchType)) {
		return nil, errInvalid("Task definition does not support launch_type %s.", out.LaunchType)
	}
	if r.PlatformVersion != "" && out.LaunchType != types.LaunchTypeFargate {
		return nil, errInvalid("The platform version must be null when specifying an %s launch type.", out.LaunchType)
	}
	if out.LaunchType == types.LaunchTypeFargate && !knownPlatformVersion(td, r.PlatformVersion) {
		return nil, apierror.New("PlatformUnknownException", "The specified platform version doesn't exist.")
	}
	if err := validateNetwork(td, r.NetworkConfiguration); err != nil {
		return nil, err
	}
	if c != nil && c.Tx != nil && td.NetworkMode == types.NetworkModeAwsvpc {
		if _, err := resolveAwsvpcNetwork(c, r.NetworkConfiguration.AwsvpcConfiguration); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func validateNetwork(td *types.TaskDefinition, nc *types.NetworkConfiguration) error {
	if td.NetworkMode == types.NetworkModeAwsvpc {
		if nc == nil || nc.AwsvpcConfiguration == nil {
			return errInvalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(nc.AwsvpcConfiguration.Subnets) == 0 {
			return errSubnetsEmpty()
		}
		if len(nc.AwsvpcConfiguration.Subnets) > 16 {
			return errInvalid("subnets can have at most 16 items.")
		}
		if len(nc.AwsvpcConfiguration.SecurityGroups) > 5 {
			return errInvalid("securityGroups can have at most 5 items.")
		}
		return nil
	}
	if nc != nil && nc.AwsvpcConfiguration != nil {
		return errInvalid("Network Configuration is not valid for the given networkMode of this task definition.")
	}
	return nil
}

func knownPlatformVersion(td *types.TaskDefinition, v string) bool {
	if v == "" || v == "LATEST" {
		return true
	}
	if td.RuntimePlatform != nil && td.RuntimePlatform.OperatingSystemFamily != "" &&
		td.RuntimePlatform.OperatingSystemFamily != types.OSFamilyLinux {
		return v == "1.0.0"
	}
	return v == "1.4.0" || v == "1.3.0"
}

// strategyLaunchType checks a capacity provider strategy against the cluster
// and returns the launch type its providers give tasks.
func strategyLaunchType(c *api.Context, cl *types.Cluster, strategy []types.CapacityProviderStrategyItem) (types.LaunchType, error) {
	if len(strategy) > 20 {
		return "", errInvalid("The capacity provider strategy cannot contain more than 20 capacity providers.")
	}
	fargate, custom := false, false
	bases := 0
	for _, item := range strategy {
		name := aws.ToString(item.CapacityProvider)
		if item.Base > 0 {
			bases++
		}
		if cl == nil || !slices.Contains(cl.CapacityProviders, name) {
			return "", errInvalid("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
		if name == ProviderFargate || name == ProviderFargateSpot {
			fargate = true
		} else {
			custom = true
		}
	}
	if bases > 1 {
		return "", errInvalid("The capacity provider strategy cannot contain more than one capacity provider with a base value greater than zero.")
	}
	if fargate && custom {
		return "", errInvalid("A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.")
	}
	if fargate {
		return types.LaunchTypeFargate, nil
	}
	return types.LaunchTypeEc2, nil
}

// PickCapacityProvider chooses the provider of the n-th task (0-based) launched
// with a strategy: the base of the provider that has one first, then the
// weights in turn. Providers with weight 0 get only their base.
func PickCapacityProvider(strategy []types.CapacityProviderStrategyItem, n int) string {
	if len(strategy) == 0 {
		return ""
	}
	for _, item := range strategy {
		if item.Base > 0 {
			if n < int(item.Base) {
				return aws.ToString(item.CapacityProvider)
			}
			n -= int(item.Base)
			break
		}
	}
	total := 0
	for _, item := range strategy {
		total += int(item.Weight)
	}
	if total == 0 {
		return aws.ToString(strategy[0].CapacityProvider)
	}
	slot := n % total
	for _, item := range strategy {
		if slot < int(item.Weight) {
			return aws.ToString(item.CapacityProvider)
		}
		slot -= int(item.Weight)
	}
	return aws.ToString(strategy[0].CapacityProvider)
}

// normalizeNetwork fills what ECS fills in an awsvpc configuration:
// assignPublicIp DISABLED when not given. It returns a copy.
func normalizeNetwork(nc *types.NetworkConfiguration) *types.NetworkConfiguration {
	if nc == nil || nc.AwsvpcConfiguration == nil {
		return nc
	}
	vpc := *nc.AwsvpcConfiguration
	if vpc.AssignPublicIp == "" {
		vpc.AssignPublicIp = types.AssignPublicIpDisabled
	}
	return &types.NetworkConfiguration{AwsvpcConfiguration: &vpc}
}
