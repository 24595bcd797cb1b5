package ecs

import (
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// errInvalidParameter is ECS's InvalidParameterException.
func errInvalidParameter(format string, args ...any) error {
	return apierror.New("InvalidParameterException", format, args...)
}

// errClient is ECS's ClientException.
func errClient(format string, args ...any) error {
	return apierror.New("ClientException", format, args...)
}

// errBadNextToken is ECS's answer to a token it did not issue.
func errBadNextToken() error {
	return errInvalidParameter("Invalid nextToken: the token is not valid for this request.")
}

// pageSize bounds maxResults for a List call: def when absent, 1..limit otherwise.
func pageSize(maxResults *int32, def, limit int) (int, error) {
	if maxResults == nil {
		return def, nil
	}
	n := int(*maxResults)
	if n < 1 || n > limit {
		return 0, errInvalidParameter("maxResults must be between 1 and %d.", limit)
	}
	return n, nil
}

// scanPage lists one page of a collection in q's order with ECS's answer to a
// bad token, keeping the documents keep accepts (nil keeps all). The scope
// ties a token to one listing so that a token from another one is refused.
func scanPage[T any](c *api.Context, coll store.Collection[T], q store.Query, scope string,
	token *string, size int, keep func(*T) bool) ([]*T, *string, error) {
	return api.Paginate(c.Tx, c.Scope(), coll, q, ecsPaging(scope, token, size), keep)
}

// ecsPaging is a page of an ECS listing.
func ecsPaging(scope string, token *string, size int) api.Paging {
	return api.Paging{Listing: scope, Token: token, Size: size, BadToken: errBadNextToken()}
}
