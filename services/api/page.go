package api

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/store"
)

// Page keeps the listed items that keep accepts (all when keep is nil), up to
// limit, and returns the token that resumes at the first item left out (nil
// when none is). desc says the items were listed newest first (store.Query.Desc).
func Page[T any](items []store.Item[T], limit int, scope string, desc bool, keep func(*T) bool) ([]*T, *string) {
	var out []*T
	for _, it := range items {
		if keep != nil && !keep(it.Doc) {
			continue
		}
		if len(out) == limit {
			// The token points just before the item, as AfterSeq reads it.
			resume := it.Seq - 1
			if desc {
				resume = it.Seq + 1
			}
			return out, aws.String(EncodeToken(scope, resume))
		}
		out = append(out, it.Doc)
	}
	return out, nil
}
