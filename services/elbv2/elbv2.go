// Package elbv2 implements Elastic Load Balancing v2: load balancers, target
// groups, listeners, rules and target health.
package elbv2

import "github.com/longshore/longshore/services/api"

// New builds the ELBv2 service.
func New() *api.Service {
	return api.NewService("elbv2")
}
