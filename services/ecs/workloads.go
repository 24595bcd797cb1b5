package ecs

import "github.com/longshore/longshore/services/api"

// registerWorkloads registers services, deployments, service revisions, task
// sets, tasks and express gateway services.
func registerWorkloads(s *api.Service) {
	registerServices(s)
	registerServiceDeployments(s)
	registerTaskSets(s)
	registerTasks(s)
	registerTaskProtection(s)
	registerExpress(s)
}
