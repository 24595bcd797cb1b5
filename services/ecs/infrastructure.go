package ecs

import "github.com/longshore/longshore/services/api"

// registerInfrastructure registers clusters, capacity providers, task
// definitions, container instances and their agent calls, account settings,
// attributes, tags and daemons.
func registerInfrastructure(s *api.Service) {}
