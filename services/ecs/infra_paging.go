package ecs

import (
	"github.com/aws/aws-sdk-go-v2/aws"

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

// listPage lists one page of a collection in creation order, keeping the
// documents keep accepts (nil keeps all). The token scope ties a token to
// one listing so that a token from another listing is refused.
func listPage[T any](c *api.Context, coll store.Collection[T], q store.Query, scope string,
	token *string, size int, keep func(*T) bool) ([]*T, *string, error) {
	after, err := api.DecodeToken(scope, aws.ToString(token))
	if err != nil {
		return nil, nil, errBadNextToken()
	}
	q.AfterSeq = after
	items, err := coll.List(c.Tx, c.Scope(), q)
	if err != nil {
		return nil, nil, err
	}
	var out []*T
	for i, it := range items {
		if keep != nil && !keep(it.Doc) {
			continue
		}
		if len(out) == size {
			return out, aws.String(api.EncodeToken(scope, items[i-1].Seq)), nil
		}
		out = append(out, it.Doc)
	}
	return out, nil, nil
}
