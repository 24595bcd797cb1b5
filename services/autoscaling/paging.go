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
// name instead of reading every document held. No names is every document.
func pageNamed[T any](c *api.Context, coll store.Collection[T], names []string, p api.Paging, keep func(*T) bool) ([]*T, *string, error) {
	if len(names) == 0 {
		return api.Paginate(c.Tx, c.Scope(), coll, store.Query{}, p, keep)
	}
	qs := make([]store.Query, 0, len(names))
	for _, n := range names {
		qs = append(qs, store.Query{Name: n})
	}
	return pagePicked(c, coll, qs, nil, p, keep)
}

// pagePicked pages the documents that each of qs (an index lookup of a few
// documents) and each of ids pick out, as pageNamed does: only those are
// read, however many the collection holds.
func pagePicked[T any](c *api.Context, coll store.Collection[T], qs []store.Query, ids []string, p api.Paging, keep func(*T) bool) ([]*T, *string, error) {
	seen := map[string]bool{}
	var items []store.Item[T]
	add := func(found []store.Item[T], err error) error {
		for _, it := range found {
			if !seen[it.ID] {
				seen[it.ID] = true
				items = append(items, it)
			}
		}
		return err
	}
	done := map[store.Query]bool{}
	for _, q := range qs {
		if done[q] {
			continue
		}
		done[q] = true
		if err := add(coll.List(c.Tx, c.Scope(), q)); err != nil {
			return nil, nil, err
		}
	}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		// The id's own span of the primary key: the document with its position.
		if err := add(coll.Range(c.Tx, c.Scope(), id, id+"\x00")); err != nil {
			return nil, nil, err
		}
	}
	slices.SortFunc(items, func(a, b store.Item[T]) int {
		if p.Desc {
			return cmp.Compare(b.Seq, a.Seq)
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return api.PaginateItems(items, p, keep)
}
