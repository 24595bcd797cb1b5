package iam

import (
	"strings"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// providerKind is one kind of identity provider, OpenID Connect or SAML:
// both are account-wide documents under a per-account quota, listed whole.
type providerKind[T any] struct {
	providers store.Collection[T]
	key       func(p *T) string // the provider's store key
	quotaName string            // the quota LimitExceeded names
	quota     int
}

// checkNew refuses a provider whose key is taken (with exists) or one more
// than the account's quota.
func (k providerKind[T]) checkNew(c *api.Context, key string, exists error) error {
	if old, err := k.providers.Get(c.Tx, c.GlobalScope(), key); err != nil {
		return err
	} else if old != nil {
		return exists
	}
	if n, err := k.providers.Count(c.Tx, c.GlobalScope(), store.Query{}); err != nil {
		return err
	} else if n >= k.quota {
		return apierror.New("LimitExceeded", "Cannot exceed quota for %s: %d", k.quotaName, k.quota)
	}
	return nil
}

// delete removes the provider load finds by ARN.
func (k providerKind[T]) delete(c *api.Context, load func(*api.Context, string) (*T, error), arn string) error {
	p, err := load(c, arn)
	if err != nil {
		return err
	}
	_, err = k.providers.Delete(c.Tx, c.GlobalScope(), k.key(p))
	return err
}

// checkProviderARN refuses an ARN that is not an IAM ARN of the resource
// type (oidc-provider, saml-provider) with InvalidInput; whether the account
// holds it is the caller's question.
func checkProviderARN(arn, resource string) error {
	if !iamARNRE.MatchString(arn) || !strings.Contains(arn, ":"+resource+"/") {
		return apierror.New("InvalidInput", "Invalid ARN: %s", arn)
	}
	return nil
}

// listProviders lists every provider of kind k as entry makes it, in
// creation order; none is an empty list.
func listProviders[T, E any](c *api.Context, k providerKind[T], entry func(p *T) E) ([]E, error) {
	items, err := k.providers.List(c.Tx, c.GlobalScope(), store.Query{})
	if err != nil {
		return nil, err
	}
	out := []E{}
	for _, it := range items {
		out = append(out, entry(it.Doc))
	}
	return out, nil
}
