package iam

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam/policy"
)

// validatePolicyDocument checks an identity-based policy document (inline, or
// managed when managed is set) and returns it decoded.
func validatePolicyDocument(doc string, managed bool) (string, error) {
	doc = decodeDocument(doc)
	kind := policy.Identity
	if managed {
		kind = policy.Managed
	}
	if err := policy.Validate(doc, kind); err != nil {
		return "", err
	}
	return doc, nil
}

// validateTrustPolicy checks a role trust policy document, including that the
// users and roles of this account it names exist, and returns it decoded.
func validateTrustPolicy(c *api.Context, doc string) (string, error) {
	doc = decodeDocument(doc)
	if err := policy.ValidateWith(doc, policy.Trust, func(arn string) bool { return principalExists(c, arn) }); err != nil {
		return "", err
	}
	return doc, nil
}

// principalExists tells whether a user or role ARN names an entity. ARNs of
// other accounts cannot be checked here and are taken as they are.
func principalExists(c *api.Context, arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[4] != c.Account() {
		return true
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	switch {
	case strings.HasPrefix(parts[5], "user/"):
		u, err := Users.Get(c.Tx, c.GlobalScope(), nameKey(name))
		return err == nil && u != nil && aws.ToString(u.Arn) == arn
	case strings.HasPrefix(parts[5], "role/"):
		r, err := Roles.Get(c.Tx, c.GlobalScope(), nameKey(name))
		return err == nil && r != nil && aws.ToString(r.Arn) == arn
	}
	return true
}
