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

// Deps are what the Auto Scaling service is built from.
type Deps struct {
	// EC2 is the compute groups launch on.
	EC2 Compute
	// MaxGroups is the quota of groups per account and region (0: AWS's default).
	MaxGroups int
	// Roles are IAM's roles, which groups use; nil checks none.
	Roles Roles
}

// handlers are the handlers that need the service's dependencies.
type handlers struct {
	Deps
}

// New builds the Auto Scaling service.
func New(d Deps) *api.Service {
	if d.MaxGroups <= 0 {
		d.MaxGroups = DefaultMaxGroups
	}
	h := &handlers{Deps: d}
	s := api.NewService("autoscaling")
	registerGroups(s, h)
	registerInstances(s, h)
	registerTags(s)
	registerHooks(s)
	registerPolicies(s)
	registerScheduled(s)
	registerActivities(s)
	registerCatalog(s, h)
	registerWarmPools(s)
	registerRefreshes(s, h)
	registerLoadBalancers(s)
	registerLaunchConfigs(s, h)
	registerLaunchInstances(s, h)
	return s
}
