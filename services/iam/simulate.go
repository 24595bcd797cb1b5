package iam

import "github.com/longshore/longshore/services/api"

// registerSimulation registers the policy simulator and context-key operations.
func registerSimulation(s *api.Service) {
	api.Handle(s, "SimulateCustomPolicy", simulateCustomPolicy)
	api.Handle(s, "SimulatePrincipalPolicy", simulatePrincipalPolicy)
	api.Handle(s, "GetContextKeysForCustomPolicy", getContextKeysForCustomPolicy)
	api.Handle(s, "GetContextKeysForPrincipalPolicy", getContextKeysForPrincipalPolicy)
}
