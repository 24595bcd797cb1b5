// Package elbv2 implements Elastic Load Balancing v2: load balancers, target
// groups, listeners, rules and target health.
package elbv2

import (
	"time"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// DefaultSpeedup makes AWS's durations a hundred times shorter, so that SDK
// and CLI waiters succeed on their first polls: a target with the default
// health check (5 checks 30 s apart) is healthy in 1.5 s.
const DefaultSpeedup = 100

// Options tune the service.
type Options struct {
	// TimeScale makes simulated time that many times faster still, as for the
	// rest of Longshore (0 or 1 keeps the defaults).
	TimeScale float64
	// TargetGroupServices lists the ARNs of the ECS services whose load
	// balancers name a target group; DeleteTargetGroup refuses to delete a
	// group that a service still uses. Nil: no service uses any.
	TargetGroupServices func(tx *store.Tx, sc store.Scope, targetGroupArn string) ([]string, error)
	// TaskAddress resolves a target's AWS-side address (an ECS task's
	// private IP, or an EC2 instance ID, and port) to where it really
	// answers on this machine: the Docker runtime's published ports. Such
	// targets get real health checks and carry traffic. Nil: none resolves.
	TaskAddress func(host string, port int32) (string, bool)
}

// Scaled turns an AWS duration (a health-check interval, the deregistration
// delay, provisioning) into Longshore's.
func (o Options) Scaled(d time.Duration) time.Duration {
	s := float64(DefaultSpeedup)
	if o.TimeScale > 0 {
		s *= o.TimeScale
	}
	return time.Duration(float64(d) / s)
}

// New builds the ELBv2 service with default options.
func New() *api.Service { return NewWith(Options{}) }

// NewWith builds the ELBv2 service.
func NewWith(o Options) *api.Service {
	s := api.NewService("elbv2")
	h := &handlers{opts: o}
	h.registerLoadBalancers(s)
	h.registerTargetGroups(s)
	h.registerTargets(s)
	h.registerListeners(s)
	h.registerRules(s)
	h.registerAttributes(s)
	h.registerTags(s)
	h.registerCatalogue(s)
	h.registerTrustStores(s)
	return s
}

// handlers carries the options every handler needs.
type handlers struct {
	opts Options
}
