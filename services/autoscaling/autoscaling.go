// Package autoscaling implements Amazon EC2 Auto Scaling (awsQuery,
// 2011-01-01): groups that launch simulated EC2 instances from launch
// templates, keep them at their desired capacity, and register those whose
// user data names an ECS cluster as container instances. It also runs ECS
// managed scaling for the capacity providers backed by its groups.
package autoscaling

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// groupDoc is a stored group: the SDK document (without its instances,
// which live in Members) and what the engine needs to word its activities.
type groupDoc struct {
	Group types.AutoScalingGroup
	// Cause is why the desired capacity last changed, in AWS's words; the
	// activities that follow quote it.
	Cause string
	// CooldownUntil is when simple scaling policies may run again.
	CooldownUntil time.Time
	// Deleting is set by DeleteAutoScalingGroup with ForceDelete while the
	// instances terminate.
	Deleting bool
}

// Collections of the service, keyed by group name (groups), instance id
// (members), activity id (activities) or "group/name" (the rest).
var (
	Groups          = store.Collection[groupDoc]{Kind: "autoscaling/group"}
	Members         = store.Collection[member]{Kind: "autoscaling/instance"}
	Activities      = store.Collection[types.Activity]{Kind: "autoscaling/activity"}
	Hooks           = store.Collection[types.LifecycleHook]{Kind: "autoscaling/hook"}
	Policies        = store.Collection[types.ScalingPolicy]{Kind: "autoscaling/policy"}
	ScheduledAction = store.Collection[scheduledDoc]{Kind: "autoscaling/scheduled"}
	Refreshes       = store.Collection[refreshDoc]{Kind: "autoscaling/refresh"}
)

// New builds the Auto Scaling service.
func New() *api.Service {
	s := api.NewService("autoscaling")
	registerGroups(s)
	registerInstances(s)
	registerTags(s)
	registerHooks(s)
	registerPolicies(s)
	registerScheduled(s)
	registerActivities(s)
	registerCatalog(s)
	registerWarmPools(s)
	registerRefreshes(s)
	registerLoadBalancers(s)
	registerLaunchConfigs(s)
	registerLaunchInstances(s)
	return s
}
