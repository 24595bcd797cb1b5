package autoscaling

import (
	"cmp"
	"slices"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// pageNamed pages the documents of a collection that names pick out (by its
// Name column) in creation order (newest first with p.Desc), as Paginate
// lists the whole collection and with the same tokens: each is read by its
// name instead of reading every document held.
func pageNamed[T any](c *api.Context, coll store.Collection[T], names []string, p api.Paging, keep func(*T) bool) ([]*T, *string, error) {
	seen := map[string]bool{}
	var items []store.Item[T]
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		found, err := coll.List(c.Tx, c.Scope(), store.Query{Name: n})
		if err != nil {
			return nil, nil, err
		}
		items = append(items, found...)
	}
	slices.SortFunc(items, func(a, b store.Item[T]) int {
		if p.Desc {
			return cmp.Compare(b.Seq, a.Seq)
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return api.PaginateItems(items, p, keep)
}
