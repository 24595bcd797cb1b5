package api

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/store"
)

// Paging describes the page a List/Describe call asks for. Every form of
// the helper (Paginate, PaginateFunc, PaginateKeyed, PaginateByAttr,
// PaginateItems, PaginateSlice, PaginateSorted) runs the same loop: read after the token's position in
// chunks, keep what the filter accepts, stop at Size, and hand back a token
// only when more items follow.
type Paging struct {
	// Listing names what the token is signed for (operation and its
	// arguments), so that a token from another listing is refused.
	Listing string
	// Token is the request's NextToken or Marker; nil or empty is the first page.
	Token *string
	// Size is the page size; 0 or less returns everything that is left.
	Size int
	// Desc lists newest first (store order), or positions or keys descending
	// (PaginateItems, PaginateSorted).
	Desc bool
	// BadToken is the service's own answer to a token it did not issue for
	// this listing; ErrBadToken when nil.
	BadToken error
	// PastEndOK (PaginateSlice) treats a position past the end, left by items
	// removed meanwhile, as an empty last page instead of a bad token.
	PastEndOK bool
}

func (p Paging) bad() error {
	if p.BadToken != nil {
		return p.BadToken
	}
	return ErrBadToken
}

// after is the position the token resumes after (0 for the first page).
func (p Paging) after() (int64, error) {
	pos, err := DecodeToken(p.Listing, aws.ToString(p.Token))
	if err != nil {
		return 0, p.bad()
	}
	return pos, nil
}

// Paginate pages a store collection: documents matching q, in creation order
// (newest first with Desc or q.Desc), that keep accepts (nil keeps all). It
// reads the store in chunks after the token's position, so one page costs
// about what it returns however many documents the collection holds.
func Paginate[T any](tx *store.Tx, sc store.Scope, coll store.Collection[T], q store.Query, p Paging, keep func(*T) bool) ([]*T, *string, error) {
	if p.Desc {
		q.Desc = true
	}
	return PaginateFunc(p, func(after int64, n int) ([]store.Item[T], error) {
		q.AfterSeq, q.Limit = after, n
		return coll.List(tx, sc, q)
	}, keep)
}

// PaginateFunc pages any ordered source. read returns up to n items that come
// after position after (0: from the start), each with its position (never 0);
// fewer than n means the source is exhausted. The token is the position of
// the page's last item.
func PaginateFunc[T any](p Paging, read func(after int64, n int) ([]store.Item[T], error), keep func(*T) bool) ([]*T, *string, error) {
	after, err := p.after()
	if err != nil {
		return nil, nil, err
	}
	out, last, err := scan(p, after, read, keep)
	if err != nil || last == nil {
		return out, nil, err
	}
	return out, aws.String(EncodeToken(p.Listing, last.Seq)), nil
}

// scan is the one paging loop. last is the page's last item when another
// page follows, nil when this page is the last.
func scan[T any](p Paging, after int64, read func(after int64, n int) ([]store.Item[T], error), keep func(*T) bool) (out []*T, last *store.Item[T], err error) {
	// One more than a page tells whether another page follows; with a filter,
	// read more at a time so that rejected items cost fewer reads.
	chunk := p.Size + 1
	if p.Size <= 0 {
		chunk = 1000
	}
	if keep != nil && chunk < 100 {
		chunk = 100
	}
	var shown store.Item[T]
	for {
		items, err := read(after, chunk)
		if err != nil {
			return nil, nil, err
		}
		for _, it := range items {
			after = it.Seq
			if keep != nil && !keep(it.Doc) {
				continue
			}
			if p.Size > 0 && len(out) == p.Size {
				return out, &shown, nil
			}
			out = append(out, it.Doc)
			shown = it
		}
		if len(items) < chunk {
			return out, nil, nil
		}
	}
}

// PaginateItems pages items held in memory, each at a stable position
// (ascending, or descending with Desc; never 0). A token names the last item
// returned, so items added or removed meanwhile do not shift the next page.
func PaginateItems[T any](items []store.Item[T], p Paging, keep func(*T) bool) ([]*T, *string, error) {
	return PaginateFunc(p, func(after int64, n int) ([]store.Item[T], error) {
		i := 0
		if after != 0 {
			i = sort.Search(len(items), func(i int) bool {
				if p.Desc {
					return items[i].Seq < after
				}
				return items[i].Seq > after
			})
		}
		return items[i:min(i+n, len(items))], nil
	}, keep)
}

// PaginateSlice pages a slice held in memory (a computed or filtered list, a
// fixed catalogue); the token is the offset of the next item.
func PaginateSlice[T any](items []T, p Paging, keep func(*T) bool) ([]T, *string, error) {
	after, err := p.after()
	if err != nil {
		return nil, nil, err
	}
	if after < 0 || after > int64(len(items)) {
		if after < 0 || !p.PastEndOK {
			return nil, nil, p.bad()
		}
		after = int64(len(items))
	}
	page, last, err := scanSlice(items, p, int(after), keep)
	if err != nil || last == nil {
		return page, nil, err
	}
	return page, aws.String(EncodeToken(p.Listing, last.Seq)), nil
}

// PaginateSorted pages a slice held in memory in key order (ascending, or
// descending with Desc; keys unique). The token carries the last key shown,
// so items added or removed meanwhile do not shift the next page.
func PaginateSorted[T any](items []T, key func(*T) string, p Paging, keep func(*T) bool) ([]T, *string, error) {
	after, err := DecodeCursor(p.Listing, aws.ToString(p.Token))
	if err != nil {
		return nil, nil, p.bad()
	}
	start := 0
	if after != "" {
		start = sort.Search(len(items), func(i int) bool {
			if p.Desc {
				return key(&items[i]) < after
			}
			return key(&items[i]) > after
		})
	}
	page, last, err := scanSlice(items, p, start, keep)
	if err != nil || last == nil {
		return page, nil, err
	}
	return page, aws.String(EncodeCursor(p.Listing, key(last.Doc))), nil
}

// scanSlice runs the paging loop over items from index from; an item's
// position is its index plus one.
func scanSlice[T any](items []T, p Paging, from int, keep func(*T) bool) ([]T, *store.Item[T], error) {
	page, last, err := scan(p, int64(from), func(after int64, n int) ([]store.Item[T], error) {
		from := int(after)
		to := min(from+n, len(items))
		chunk := make([]store.Item[T], 0, max(to-from, 0))
		for i := from; i < to; i++ {
			chunk = append(chunk, store.Item[T]{Seq: int64(i) + 1, Doc: &items[i]})
		}
		return chunk, nil
	}, keep)
	if err != nil {
		return nil, nil, err
	}
	// Empty stays as the input was: nil for nil, empty for empty.
	out := items[:0:0]
	for _, v := range page {
		out = append(out, *v)
	}
	return out, last, nil
}

// PaginateKeyed pages a source kept in key order (a name, or an order key
// held in the store's Attr): read returns up to n items that come after key
// after ("" from the start), in order; fewer than n means the source is
// exhausted. It reads in chunks from the token's position like Paginate, and
// its token carries the last key shown, as PaginateSorted's does.
func PaginateKeyed[T any](p Paging, read func(after string, n int) ([]*T, error), key func(*T) string, keep func(*T) bool) ([]*T, *string, error) {
	after, err := DecodeCursor(p.Listing, aws.ToString(p.Token))
	if err != nil {
		return nil, nil, p.bad()
	}
	chunk := p.Size + 1
	if p.Size <= 0 {
		chunk = 1000
	}
	if keep != nil && chunk < 100 {
		chunk = 100
	}
	var out []*T
	var shown string
	for {
		items, err := read(after, chunk)
		if err != nil {
			return nil, nil, err
		}
		for _, it := range items {
			after = key(it)
			if keep != nil && !keep(it) {
				continue
			}
			if p.Size > 0 && len(out) == p.Size {
				return out, aws.String(EncodeCursor(p.Listing, shown)), nil
			}
			out = append(out, it)
			shown = after
		}
		if len(items) < chunk {
			return out, nil, nil
		}
	}
}

// PaginateByAttr pages a collection in Attr order (q.ByAttr is set for it;
// descending with p.Desc or q.Desc), documents of equal Attr in creation
// order, from the token's position: only the page is read however many
// documents are held. attr is the Attr a document is stored with; the token
// carries it with the document's position, so Attr need not be unique.
func PaginateByAttr[T any](tx *store.Tx, sc store.Scope, coll store.Collection[T], q store.Query, attr func(*T) string, p Paging, keep func(*T) bool) ([]*T, *string, error) {
	q.ByAttr = true
	if p.Desc {
		q.Desc = true
	}
	return PaginateByPosition(p, attr, func(pos *Position, n int) ([]store.Item[T], error) {
		q := q
		q.Limit = n
		var items []store.Item[T]
		if pos != nil {
			// The rest of the token's Attr after its document, then the Attrs beyond it.
			tie := q
			tie.Attr, tie.AfterSeq = pos.Order, pos.Seq
			var err error
			if items, err = coll.List(tx, sc, tie); err != nil {
				return nil, err
			}
			q.AttrAfter, q.Limit = pos.Order, n-len(items)
		}
		if q.Limit > 0 {
			more, err := coll.List(tx, sc, q)
			if err != nil {
				return nil, err
			}
			items = append(items, more...)
		}
		return items, nil
	}, keep)
}

// Position is where a page of PaginateByPosition resumes: after the
// document at Seq whose place in the listing's order is Order.
type Position struct {
	Seq   int64
	Order string
}

// PaginateByPosition pages documents that list reads in an order (order is
// a document's place in it; documents of one place in creation order): up
// to n after pos (nil from the start). Its tokens carry the position and
// the place of the last document shown, so places need not be unique.
func PaginateByPosition[T any](p Paging, order func(*T) string, list func(pos *Position, n int) ([]store.Item[T], error), keep func(*T) bool) ([]*T, *string, error) {
	read := func(after string, n int) ([]*store.Item[T], error) {
		var pos *Position
		if seq, o, ok := strings.Cut(after, " "); ok {
			at, err := strconv.ParseInt(seq, 10, 64)
			if err != nil {
				return nil, p.bad()
			}
			pos = &Position{Seq: at, Order: o}
		}
		items, err := list(pos, n)
		if err != nil {
			return nil, err
		}
		out := make([]*store.Item[T], len(items))
		for i := range items {
			out[i] = &items[i]
		}
		return out, nil
	}
	key := func(it *store.Item[T]) string { return strconv.FormatInt(it.Seq, 10) + " " + order(it.Doc) }
	var keepItem func(*store.Item[T]) bool
	if keep != nil {
		keepItem = func(it *store.Item[T]) bool { return keep(it.Doc) }
	}
	items, next, err := PaginateKeyed(p, read, key, keepItem)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*T, len(items))
	for i, it := range items {
		out[i] = it.Doc
	}
	return out, next, nil
}

// PaginateAny pages the documents matching any of qs (a filter with several
// values, one query for each), in creation order (newest first with Desc)
// and each once, as Paginate pages one query: a chunk reads each query's
// next rows after the token's position through its index and merges them
// by position, so a page costs about what it returns times len(qs), however
// many documents the collection holds. The tokens are Paginate's.
func PaginateAny[T any](tx *store.Tx, sc store.Scope, coll store.Collection[T], qs []store.Query, p Paging, keep func(*T) bool) ([]*T, *string, error) {
	if len(qs) == 1 {
		return Paginate(tx, sc, coll, qs[0], p, keep)
	}
	return PaginateFunc(p, func(after int64, n int) ([]store.Item[T], error) {
		var merged []store.Item[T]
		for _, q := range qs {
			q.Desc = q.Desc || p.Desc
			q.AfterSeq, q.Limit = after, n
			items, err := coll.List(tx, sc, q)
			if err != nil {
				return nil, err
			}
			merged = append(merged, items...)
		}
		// Each query's rows are its first n after the position, so the
		// union's first n are among them; fewer than n in all means every
		// query is exhausted.
		sort.Slice(merged, func(i, j int) bool {
			if p.Desc {
				return merged[i].Seq > merged[j].Seq
			}
			return merged[i].Seq < merged[j].Seq
		})
		merged = slices.CompactFunc(merged, func(a, b store.Item[T]) bool { return a.Seq == b.Seq })
		return merged[:min(n, len(merged))], nil
	}, keep)
}

// ValueQueries is the store queries of a filter's values, for PaginateAny:
// one for each distinct value (query builds it). An empty value, which no
// document holds in an index column and a query would not filter on, is
// left out; with none left the queries match nothing.
func ValueQueries(values []string, query func(string) store.Query) []store.Query {
	values = slices.Clone(values)
	slices.Sort(values)
	values = slices.Compact(values)
	var qs []store.Query
	for _, v := range values {
		if v != "" {
			qs = append(qs, query(v))
		}
	}
	if len(qs) == 0 {
		qs = []store.Query{query("\x00")}
	}
	return qs
}
