package ec2

import (
	"strings"

	"github.com/longshore/longshore/protocol"

	"net/http"
	"reflect"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// handle registers an EC2 handler: the account's default network exists
// before it runs, and DryRun answers as EC2 does without changing anything.
func handle[In, Out any](s *api.Service, op string, fn func(*api.Context, *In) (*Out, error)) {
	shape := s.Model.Operations[op].Input
	api.Handle(s, op, func(c *api.Context, in *In) (*Out, error) {
		if vs := withoutEnumChecks(protocol.Validate(shape, in)); len(vs) > 0 {
			return nil, validationError(vs)
		}
		if err := EnsureDefaults(c.Tx, c.Account(), c.Region); err != nil {
			return nil, err
		}
		if dryRun(in) {
			return nil, apierror.WithStatus(http.StatusPreconditionFailed, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
		}
		return fn(c, in)
	})
}

func withoutEnumChecks(vs []protocol.Violation) []protocol.Violation {
	var out []protocol.Violation
	for _, v := range vs {
		if !strings.HasPrefix(v.Constraint, "Member must satisfy enum value set") {
			out = append(out, v)
		}
	}
	return out
}

func dryRun(in any) bool {
	v := reflect.ValueOf(in).Elem()
	f := v.FieldByName("DryRun")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return false
	}
	return f.Elem().Kind() == reflect.Bool && f.Elem().Bool()
}
