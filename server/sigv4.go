package server

import (
	"net/http"
	"strings"
)

// credential is what the SigV4 credential scope says about a request.
type credential struct {
	AccessKeyID string
	Region      string
	Service     string // signing name, e.g. "sts", "elasticloadbalancing"
}

// parseCredential reads the scope from the Authorization header or, for
// presigned requests, from X-Amz-Credential. Signatures are not verified.
func parseCredential(r *http.Request) credential {
	scope := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		if i := strings.Index(auth, "Credential="); i >= 0 {
			scope = auth[i+len("Credential="):]
			if j := strings.IndexAny(scope, ", "); j >= 0 {
				scope = scope[:j]
			}
		}
	} else if c := r.URL.Query().Get("X-Amz-Credential"); c != "" {
		scope = c
	}
	if scope == "" {
		return credential{}
	}
	// AKID/date/region/service/aws4_request
	parts := strings.Split(scope, "/")
	c := credential{AccessKeyID: parts[0]}
	if len(parts) >= 5 {
		c.Region, c.Service = parts[2], parts[3]
	}
	return c
}

// isAccountID reports whether s is a 12-digit account id.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
