package ecs

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// scanPage lists one page of a collection in q's order, keeping documents that
// keep accepts (nil keeps all). It reads the store in chunks, so a page of a
// large listing decodes only about what it returns. The token is the position
// of the page's last document, signed for scope so that a token from another
// listing, or a forged one, is refused.
func scanPage[T any](c *api.Context, coll store.Collection[T], q store.Query, scope string,
	token *string, size int, keep func(*T) bool) ([]*T, *string, error) {
	after, err := api.DecodeToken(scope, aws.ToString(token))
	if err != nil {
		return nil, nil, errBadNextToken()
	}
	chunk := size + 1
	if keep != nil && chunk < 100 {
		chunk = 100
	}
	var out []*T
	var last int64
	for {
		q.AfterSeq, q.Limit = after, chunk
		items, err := coll.List(c.Tx, c.Scope(), q)
		if err != nil {
			return nil, nil, err
		}
		for _, it := range items {
			after = it.Seq
			if keep != nil && !keep(it.Doc) {
				continue
			}
			if len(out) == size {
				return out, aws.String(api.EncodeToken(scope, last)), nil
			}
			out = append(out, it.Doc)
			last = it.Seq
		}
		if len(items) < chunk {
			return out, nil, nil
		}
	}
}
