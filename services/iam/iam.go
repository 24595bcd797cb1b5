// Package iam implements AWS Identity and Access Management: users, groups,
// roles, policies and the rest of the model, keyed by account only.
package iam

import (
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Service is IAM with its credential resolver (access keys of IAM users).
type Service struct {
	*api.Service
	// uses remembers when this server's callers last used each access key.
	uses *keyUseLog
}

// New builds the IAM service.
func New() *Service {
	s := &Service{Service: api.NewService("iam"), uses: newKeyUseLog()}
	registerCore(s.Service, s.uses)
	registerExtras(s.Service, s.uses)
	registerSimulation(s.Service)
	managedInPartition(s.Service)
	return s
}

// Resolve finds the IAM user behind an access key id, or returns nil.
func (s *Service) Resolve(tx *store.Tx, accessKeyID string) (*api.Principal, error) {
	return resolveAccessKey(tx, accessKeyID)
}
