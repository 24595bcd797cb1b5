package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/store"
)

type pageDoc struct{ N int }

// countingCodec counts the documents the store decodes.
type countingCodec struct{ decoded *int }

func (c countingCodec) Marshal(v any) ([]byte, error) { return json.Marshal(v) }
func (c countingCodec) Unmarshal(data []byte, v any) error {
	*c.decoded++
	return json.Unmarshal(data, v)
}

var testScope = store.Scope{Account: "123456789012", Region: "us-east-1"}

// withDocs runs fn in a read transaction over a collection holding n documents N = 0..n-1.
func withDocs(tb testing.TB, n int, fn func(tx *store.Tx, coll store.Collection[pageDoc], decoded *int)) {
	tb.Helper()
	s, err := store.Open("")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	decoded := new(int)
	coll := store.Collection[pageDoc]{Kind: "test/page", Codec: countingCodec{decoded}}
	err = s.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			if err := coll.Put(tx, testScope, strconv.Itoa(i), store.Index{}, &pageDoc{N: i}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	err = s.Read(context.Background(), func(tx *store.Tx) error {
		*decoded = 0
		fn(tx, coll, decoded)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// pageAll follows tokens to the end and returns the documents and the page sizes.
func pageAll(t *testing.T, p Paging, next func(p Paging) ([]*pageDoc, *string, error)) (got, sizes []int) {
	t.Helper()
	for pages := 0; ; pages++ {
		page, token, err := next(p)
		if err != nil {
			t.Fatal(err)
		}
		if pages > 1000 || len(page) > p.Size || (token != nil && len(page) != p.Size) {
			t.Fatalf("page %d of %d items, token %v", pages, len(page), token)
		}
		sizes = append(sizes, len(page))
		for _, d := range page {
			got = append(got, d.N)
		}
		if token == nil {
			return got, sizes
		}
		p.Token = token
	}
}

func TestPaginateChunksAcrossFilteredOutDocuments(t *testing.T) {
	withDocs(t, 1000, func(tx *store.Tx, coll store.Collection[pageDoc], decoded *int) {
		// Only every 150th document passes: most chunks hold nothing to keep.
		sparse := func(d *pageDoc) bool { return d.N%150 == 0 }
		got, sizes := pageAll(t, Paging{Listing: "l", Size: 2}, func(p Paging) ([]*pageDoc, *string, error) {
			return Paginate(tx, testScope, coll, store.Query{}, p, sparse)
		})
		if fmt.Sprint(got) != "[0 150 300 450 600 750 900]" || fmt.Sprint(sizes) != "[2 2 2 1]" {
			t.Errorf("got %v in pages %v", got, sizes)
		}
		// Without a filter a page reads one more document than it returns.
		*decoded = 0
		page, token, err := Paginate(tx, testScope, coll, store.Query{}, Paging{Listing: "l", Size: 10}, nil)
		if err != nil || len(page) != 10 || token == nil {
			t.Fatalf("page %d token %v err %v", len(page), token, err)
		}
		if *decoded != 11 {
			t.Errorf("decoded %d documents for a page of 10, want 11", *decoded)
		}
	})
}

func TestPaginateDescending(t *testing.T) {
	withDocs(t, 25, func(tx *store.Tx, coll store.Collection[pageDoc], _ *int) {
		odd := func(d *pageDoc) bool { return d.N%2 == 1 }
		got, _ := pageAll(t, Paging{Listing: "l", Size: 4, Desc: true}, func(p Paging) ([]*pageDoc, *string, error) {
			return Paginate(tx, testScope, coll, store.Query{}, p, odd)
		})
		if fmt.Sprint(got) != "[23 21 19 17 15 13 11 9 7 5 3 1]" {
			t.Errorf("newest first: %v", got)
		}
	})
}

func TestPaginateExactPageBoundaryHasNoToken(t *testing.T) {
	withDocs(t, 10, func(tx *store.Tx, coll store.Collection[pageDoc], _ *int) {
		for _, tt := range []struct {
			name  string
			size  int
			keep  func(*pageDoc) bool
			pages string
		}{
			{"two full pages", 5, nil, "[5 5]"},
			{"one full page", 10, nil, "[10]"},
			{"everything", 0, nil, "[10]"},
			// The documents after the fifth kept one are all filtered out.
			{"filtered tail", 5, func(d *pageDoc) bool { return d.N < 5 }, "[5]"},
		} {
			size := tt.size
			if size == 0 {
				size = 10
			}
			var sizes []int
			p := Paging{Listing: "l", Size: tt.size}
			for {
				page, token, err := Paginate(tx, testScope, coll, store.Query{}, p, tt.keep)
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(page))
				if token == nil || len(sizes) > 5 {
					break
				}
				p.Token = token
			}
			if fmt.Sprint(sizes) != tt.pages {
				t.Errorf("%s: pages %v, want %s", tt.name, sizes, tt.pages)
			}
		}
	})
}

func TestPaginateRefusesABadToken(t *testing.T) {
	withDocs(t, 5, func(tx *store.Tx, coll store.Collection[pageDoc], _ *int) {
		serviceErr := errors.New("InvalidNextToken: The token is invalid.")
		_, token, _ := Paginate(tx, testScope, coll, store.Query{}, Paging{Listing: "mine", Size: 2}, nil)
		for _, tt := range []struct {
			name  string
			p     Paging
			want  error
			slice bool
		}{
			{"forged", Paging{Listing: "mine", Token: aws.String("bm90LWEtdG9rZW4"), BadToken: serviceErr}, serviceErr, false},
			{"other listing", Paging{Listing: "other", Token: token, BadToken: serviceErr}, serviceErr, false},
			{"default error", Paging{Listing: "other", Token: token}, ErrBadToken, false},
			{"slice: forged", Paging{Listing: "mine", Token: aws.String("x"), BadToken: serviceErr}, serviceErr, true},
			{"slice: past the end", Paging{Listing: "mine", Token: aws.String(EncodeToken("mine", 9)), BadToken: serviceErr}, serviceErr, true},
		} {
			var err error
			if tt.slice {
				_, _, err = PaginateSlice([]int{1, 2, 3}, tt.p, nil)
			} else {
				_, _, err = Paginate(tx, testScope, coll, store.Query{}, tt.p, nil)
			}
			if err != tt.want {
				t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
			}
		}
	})
}

func TestPaginateSlice(t *testing.T) {
	items := []int{0, 1, 2, 3, 4, 5, 6}
	even := func(v *int) bool { return *v%2 == 0 }
	var got []int
	p := Paging{Listing: "s", Size: 2}
	for pages := 0; ; pages++ {
		page, token, err := PaginateSlice(items, p, even)
		if err != nil || pages > 5 {
			t.Fatal(err)
		}
		got = append(got, page...)
		if token == nil {
			break
		}
		p.Token = token
	}
	if fmt.Sprint(got) != "[0 2 4 6]" {
		t.Errorf("got %v", got)
	}
	// A position left past the end by removed items is an empty last page when allowed.
	token := aws.String(EncodeToken("s", 7))
	if page, next, err := PaginateSlice(items[:3], Paging{Listing: "s", Token: token, PastEndOK: true}, nil); err != nil || len(page) != 0 || next != nil {
		t.Errorf("past the end: %v %v %v", page, next, err)
	}
	// An empty page keeps the input's nil-ness, which encoders tell apart.
	if page, _, _ := PaginateSlice([]int(nil), Paging{Listing: "s"}, nil); page != nil {
		t.Errorf("nil input gave %#v", page)
	}
	if page, _, _ := PaginateSlice([]int{}, Paging{Listing: "s"}, nil); page == nil {
		t.Errorf("empty input gave nil")
	}
}

func TestPaginateItemsResumesAfterTheLastItemShown(t *testing.T) {
	items := []store.Item[pageDoc]{{Seq: 3, Doc: &pageDoc{3}}, {Seq: 5, Doc: &pageDoc{5}}, {Seq: 8, Doc: &pageDoc{8}}, {Seq: 9, Doc: &pageDoc{9}}}
	page, token, err := PaginateItems(items, Paging{Listing: "i", Size: 2}, nil)
	if err != nil || len(page) != 2 || token == nil {
		t.Fatalf("first page %d token %v err %v", len(page), token, err)
	}
	// The item shown last (5) is removed: the next page still starts at 8.
	rest := append(items[:1:1], items[2:]...)
	page, token, _ = PaginateItems(rest, Paging{Listing: "i", Size: 2, Token: token}, nil)
	if len(page) != 2 || page[0].N != 8 || token != nil {
		t.Errorf("second page %v token %v", page, token)
	}
	desc := []store.Item[pageDoc]{items[3], items[2], items[1], items[0]}
	_, token, _ = PaginateItems(desc, Paging{Listing: "i", Size: 3, Desc: true}, nil)
	if page, _, _ := PaginateItems(desc, Paging{Listing: "i", Size: 3, Desc: true, Token: token}, nil); len(page) != 1 || page[0].N != 3 {
		t.Errorf("descending second page %v", page)
	}
}

// BenchmarkPaginate reads one page of 100 from the middle of a collection of
// 1k and of 65k documents: the cost of a page does not grow with the number held.
func BenchmarkPaginate(b *testing.B) {
	for _, n := range []int{1 << 10, 65 << 10} {
		b.Run(fmt.Sprintf("held=%d", n), func(b *testing.B) {
			withDocs(b, n, func(tx *store.Tx, coll store.Collection[pageDoc], decoded *int) {
				// A token in the middle, and a filter that keeps every other document.
				token := aws.String(EncodeToken("b", int64(n/2)))
				even := func(d *pageDoc) bool { return d.N%2 == 0 }
				b.ResetTimer()
				*decoded = 0
				for i := 0; i < b.N; i++ {
					page, _, err := Paginate(tx, testScope, coll, store.Query{}, Paging{Listing: "b", Token: token, Size: 100}, even)
					if err != nil || len(page) != 100 {
						b.Fatalf("page %d err %v", len(page), err)
					}
				}
				b.ReportMetric(float64(*decoded)/float64(b.N), "decoded/op")
			})
		})
	}
}

func TestPaginateSortedResumesAfterTheLastKeyShown(t *testing.T) {
	key := func(s *string) string { return *s }
	items := []string{"a", "c", "e", "g"}
	page, token, err := PaginateSorted(items, key, Paging{Listing: "k", Size: 2}, nil)
	if err != nil || fmt.Sprint(page) != "[a c]" || token == nil {
		t.Fatalf("first page %v token %v err %v", page, token, err)
	}
	// "0" and "b" arrive ahead and "c" leaves: the next page starts after "c" still.
	page, token, _ = PaginateSorted([]string{"0", "a", "b", "e", "g", "h"}, key, Paging{Listing: "k", Size: 2, Token: token}, nil)
	if fmt.Sprint(page) != "[e g]" || token == nil {
		t.Errorf("second page %v token %v", page, token)
	}
	desc := []string{"g", "e", "c", "a"}
	_, token, _ = PaginateSorted(desc, key, Paging{Listing: "k", Size: 3, Desc: true}, nil)
	if page, next, _ := PaginateSorted(desc, key, Paging{Listing: "k", Size: 3, Desc: true, Token: token}, nil); fmt.Sprint(page) != "[a]" || next != nil {
		t.Errorf("descending second page %v next %v", page, next)
	}
	bad := errors.New("bad")
	if _, _, err := PaginateSorted(items, key, Paging{Listing: "other", Token: token, BadToken: bad}, nil); err != bad {
		t.Errorf("token of another listing: %v", err)
	}
}

// PaginateKeyed reads chunks after the token's key, skips what keep refuses,
// and hands a token only when more follow.
func TestPaginateKeyed(t *testing.T) {
	src := []string{"a", "b", "c", "d", "e", "f", "g"}
	reads := 0
	read := func(after string, n int) ([]*string, error) {
		reads++
		var out []*string
		for i := range src {
			if src[i] > after && len(out) < n {
				out = append(out, &src[i])
			}
		}
		return out, nil
	}
	key := func(s *string) string { return *s }
	noC := func(s *string) bool { return *s != "c" }
	var got []string
	var token *string
	for pages := 0; ; pages++ {
		page, next, err := PaginateKeyed(Paging{Listing: "k", Size: 2, Token: token}, read, key, noC)
		if err != nil || pages > 4 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, s := range page {
			got = append(got, *s)
		}
		if token = next; token == nil {
			break
		}
	}
	if fmt.Sprint(got) != "[a b d e f g]" {
		t.Errorf("pages hold %v", got)
	}
	// A page that ends the source exactly has no token.
	page, next, _ := PaginateKeyed(Paging{Listing: "k", Size: 7}, read, key, nil)
	if len(page) != 7 || next != nil {
		t.Errorf("whole source in one page: %d items, token %v", len(page), next)
	}
	reads = 0
	if page, _, _ := PaginateKeyed(Paging{Listing: "k", Size: 1}, read, key, nil); len(page) != 1 || reads != 1 {
		t.Errorf("one-item page: %d items in %d reads", len(page), reads)
	}
	bad := errors.New("bad")
	_, token, _ = PaginateKeyed(Paging{Listing: "k", Size: 1}, read, key, nil)
	for _, tok := range []*string{token, aws.String("forged")} {
		if _, _, err := PaginateKeyed(Paging{Listing: "other", Token: tok, BadToken: bad}, read, key, nil); err != bad {
			t.Errorf("token %v of another listing: %v", *tok, err)
		}
	}
}

// PaginateByAttr walks Attr order with ties in creation order (reversed
// descending), across pages that split a run of equal Attrs.
func TestPaginateByAttrSplitsTies(t *testing.T) {
	s, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	coll := store.Collection[pageDoc]{Kind: "test/attr"}
	// N is the creation order; attr is N's group: b b a b a c a.
	groups := []string{"b", "b", "a", "b", "a", "c", "a"}
	attr := func(d *pageDoc) string { return groups[d.N] }
	err = s.Write(context.Background(), func(tx *store.Tx) error {
		for i := range groups {
			d := &pageDoc{N: i}
			if err := coll.Put(tx, testScope, strconv.Itoa(i), store.Index{Attr: attr(d)}, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		desc bool
		keep func(*pageDoc) bool
		want string
	}{
		{false, nil, "[2 4 6 0 1 3 5]"},
		{true, nil, "[5 3 1 0 6 4 2]"},
		{false, func(d *pageDoc) bool { return d.N != 4 }, "[2 6 0 1 3 5]"},
	} {
		var got []int
		var token *string
		for pages := 0; ; pages++ {
			var page []*pageDoc
			err := s.Read(context.Background(), func(tx *store.Tx) error {
				var err error
				page, token, err = PaginateByAttr(tx, testScope, coll, store.Query{}, attr, Paging{Listing: "l", Size: 2, Token: token, Desc: c.desc}, c.keep)
				return err
			})
			if err != nil || pages > 4 {
				t.Fatalf("page %d: %v", pages, err)
			}
			for _, d := range page {
				got = append(got, d.N)
			}
			if token == nil {
				break
			}
		}
		if fmt.Sprint(got) != c.want {
			t.Errorf("desc=%v: %v, want %s", c.desc, got, c.want)
		}
	}
}

// PaginateAny pages the union of its queries in creation order, each
// document once, with the tokens Paginate gives, ascending and descending,
// with and without a filter; a document that two queries match is listed
// once.
func TestPaginateAnyMergesInCreationOrder(t *testing.T) {
	s, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	coll := store.Collection[pageDoc]{Kind: "test/any"}
	err = s.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < 300; i++ {
			ix := store.Index{Parent: strconv.Itoa(i % 3), Name: strconv.Itoa(i % 5)}
			if err := coll.Put(tx, testScope, strconv.Itoa(i), ix, &pageDoc{N: i}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	qs := []store.Query{{Parent: "0"}, {Parent: "1"}, {Name: "2"}}
	for _, desc := range []bool{false, true} {
		for _, keep := range []func(*pageDoc) bool{nil, func(d *pageDoc) bool { return d.N%7 != 0 }} {
			var want []int
			for i := 0; i < 300; i++ {
				if (i%3 != 2 || i%5 == 2) && (keep == nil || keep(&pageDoc{N: i})) {
					want = append(want, i)
				}
			}
			if desc {
				slices.Reverse(want)
			}
			s.Read(context.Background(), func(tx *store.Tx) error {
				got, _ := pageAll(t, Paging{Listing: "any", Size: 7, Desc: desc}, func(p Paging) ([]*pageDoc, *string, error) {
					return PaginateAny(tx, testScope, coll, qs, p, keep)
				})
				if !slices.Equal(got, want) {
					t.Errorf("desc %v, filtered %v: got %v, want %v", desc, keep != nil, got, want)
				}
				return nil
			})
		}
	}
}
