package iam

import "github.com/longshore/longshore/services/api"

// registerSimulation registers the policy simulator and context-key operations.
func registerSimulation(s *api.Service) {}
