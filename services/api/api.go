// Package api is what service packages build on: the request context a
// handler receives, typed handler registration, and pagination tokens.
// Handlers see SDK input/output structs and a store transaction, never HTTP.
package api

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
	"github.com/longshore/longshore/store"
)

// DefaultAccount is the account of callers whose access key is not a 12-digit account id.
const DefaultAccount = "000000000000"

// Principal is the identity behind a request's credentials.
type Principal struct {
	Account string
	Arn     string
	UserID  string
	// Source is the access key id the request was signed with.
	AccessKeyID string
}

// Context is one request as a handler sees it.
type Context struct {
	context.Context
	Service   string // model name, e.g. "ecs"
	Operation string
	Region    string
	RequestID string
	Caller    Principal
	Tx        *store.Tx
	// Endpoint is the scheme and host the request reached Longshore at
	// (SQS builds queue URLs on it).
	Endpoint string
	// PollStart is when the first run of a polling request began (see Poll).
	PollStart time.Time
}

// Account is the caller's account.
func (c *Context) Account() string { return c.Caller.Account }

// Now is the transaction's fixed time.
func (c *Context) Now() time.Time { return c.Tx.Now }

// Scope keys regional resources of the caller's account.
func (c *Context) Scope() store.Scope {
	return store.Scope{Account: c.Caller.Account, Region: c.Region}
}

// GlobalScope keys account-wide resources (IAM).
func (c *Context) GlobalScope() store.Scope { return store.Scope{Account: c.Caller.Account} }

// Handler runs one operation.
type Handler struct {
	InputType reflect.Type
	Call      func(*Context, any) (any, error)
	// ReadOnly handlers run in a read transaction.
	ReadOnly bool
	// MaxRequestBytes, when set, is the largest request payload (as sent,
	// before any Content-Encoding is undone) the operation accepts; larger
	// ones are refused with 413 RequestEntityTooLarge before decoding.
	MaxRequestBytes int
}

// Service is one AWS service as Longshore speaks it.
type Service struct {
	Name     string // model folder name
	Model    *model.Service
	Handlers map[string]*Handler
	// ValidationError turns model-constraint violations into the service's own error.
	ValidationError func([]protocol.Violation) *apierror.Error
	// SkipValidation turns model-constraint checks off (protocol round-trip tests only).
	SkipValidation bool
	// Codecs are the service's own codecs for protocols, by model protocol
	// name ("query"), used for requests arriving in that protocol.
	Codecs map[string]protocol.Codec
}

// NewService starts a service definition from its embedded model.
func NewService(name string) *Service {
	return &Service{Name: name, Model: model.MustLoad(name), Handlers: map[string]*Handler{},
		ValidationError: func(vs []protocol.Violation) *apierror.Error {
			return apierror.New("ValidationError", "%s", protocol.ValidationMessage(vs))
		}}
}

// Handle registers a typed handler for an operation of the model. Operations
// named Describe*, List* and Get* run in read transactions unless marked otherwise.
func Handle[In, Out any](s *Service, op string, fn func(*Context, *In) (*Out, error)) *Handler {
	if _, ok := s.Model.Operations[op]; !ok {
		panic("api: " + s.Name + " has no operation " + op)
	}
	h := &Handler{
		InputType: reflect.TypeFor[In](),
		Call: func(c *Context, in any) (any, error) {
			out, err := fn(c, in.(*In))
			if err != nil {
				return nil, err
			}
			return out, nil
		},
		ReadOnly: strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "List") || strings.HasPrefix(op, "Get"),
	}
	s.Handlers[op] = h
	return h
}

// Writes marks a handler whose name looks read-only but which writes.
func (h *Handler) Writes() *Handler { h.ReadOnly = false; return h }

// LimitRequest sets the largest request payload the operation accepts.
func (h *Handler) LimitRequest(bytes int) *Handler { h.MaxRequestBytes = bytes; return h }

// Implemented counts the operations with handlers.
func (s *Service) Implemented() int { return len(s.Handlers) }

// CredentialResolver finds the principal behind an access key id that a service
// issued (an IAM user's key, an STS session), or returns nil.
type CredentialResolver func(tx *store.Tx, accessKeyID string) (*Principal, error)

// RootPrincipal is the root user of an account, the identity of unknown keys.
func RootPrincipal(account, accessKeyID string) Principal {
	return Principal{Account: account, Arn: "arn:aws:iam::" + account + ":root", UserID: account, AccessKeyID: accessKeyID}
}
