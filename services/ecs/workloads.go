package ecs

import "github.com/longshore/longshore/services/api"

// registerWorkloads registers services, deployments, service revisions, task
// sets, tasks and express gateway services.
func registerWorkloads(s *api.Service, h *handlers) {
	registerServices(s, h)
	registerServiceDeployments(s)
	registerTaskSets(s, h)
	registerTasks(s, h)
	registerTaskProtection(s)
	registerExpress(s, h)
}
