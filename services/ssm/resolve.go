package ssm

import (
	"strings"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Resolve returns the value of a parameter for another service in its own
// transaction (ECS resolving a container's secrets): name may be a name, a
// name with a :version or :label selector, or the parameter's ARN.
// SecureString values come back decrypted. Errors are ParameterNotFound and
// ParameterVersionNotFound.
func Resolve(tx *store.Tx, account, region, nameOrARN string) (string, error) {
	c := &api.Context{Region: region, Caller: api.RootPrincipal(account, ""), Tx: tx}
	var lastErr error
	for _, name := range candidateNames(nameOrARN) {
		v, _, err := lookup(c, name)
		if err == nil {
			return v.Value, nil
		}
		lastErr = err
	}
	return "", lastErr
}

// candidateNames are the names an ARN may stand for: arn:…:parameter/x is
// the parameter "x" or "/x"; arn:…:parameter/a/b is "/a/b".
func candidateNames(s string) []string {
	if !strings.HasPrefix(s, "arn:") {
		return []string{s}
	}
	i := strings.Index(s, ":parameter/")
	if i < 0 {
		return []string{s}
	}
	rest := s[i+len(":parameter"):]
	if strings.Count(rest, "/") == 1 {
		return []string{rest[1:], rest}
	}
	return []string{rest}
}

// nameFromInput accepts a parameter ARN wherever a name is taken.
func nameFromInput(c *api.Context, s string) string {
	names := candidateNames(s)
	if len(names) == 1 {
		return names[0]
	}
	for _, n := range names {
		base, _ := splitSelector(n)
		if p, _ := parameters.Get(c.Tx, c.Scope(), base); p != nil {
			return n
		}
	}
	return names[0]
}
