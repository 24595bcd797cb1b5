// Package apitest is what the services' own tests share: running a handler
// in a store transaction without HTTP, and timing one page of a listing
// against the amount held.
package apitest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Read runs a handler on in inside a read transaction of st, as a request
// made in sc would.
func Read[In, Out any](tb testing.TB, st *store.Store, sc store.Scope, fn func(*api.Context, In) (Out, error), in In) Out {
	tb.Helper()
	return ReadOp(tb, st, sc, "", fn, in)
}

// ReadOp is Read for a handler that reads its operation's name (op) from the
// context, as paging tokens signed for a listing do.
func ReadOp[In, Out any](tb testing.TB, st *store.Store, sc store.Scope, op string, fn func(*api.Context, In) (Out, error), in In) Out {
	tb.Helper()
	var out Out
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Operation: op, Region: sc.Region, Caller: api.Principal{Account: sc.Account}, Tx: tx}
		var err error
		out, err = fn(c, in)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchThirdPage times the third page of a listing (so a token is
// followed) with 1k and with 65k documents held (hold); page reads the page
// after a token and returns its length, which must be want, and the next
// token. The two must cost about the same. With LONGSHORE_PAGE_RATIO set to
// a number of rounds, it times the two in turns instead (ThirdPageRatio) and
// reports their ratio as the metric 65k/1k, which a busy machine skews less.
func BenchThirdPage(b *testing.B, hold func(tb testing.TB, st *store.Store, n int),
	page func(tb testing.TB, st *store.Store, token *string) (int, *string), want int) {
	if rounds, err := strconv.Atoi(os.Getenv("LONGSHORE_PAGE_RATIO")); err == nil && rounds > 0 {
		b.Run("ratio", func(b *testing.B) {
			b.ReportMetric(ThirdPageRatio(b, hold, page, want, rounds), "65k/1k")
		})
		return
	}
	BenchHeld(b, hold, func(b *testing.B, st *store.Store) {
		var token *string
		for i := 0; i < 2; i++ {
			_, token = page(b, st, token)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if got, _ := page(b, st, token); got != want {
				b.Fatalf("a page of %d, want %d", got, want)
			}
		}
	})
}

// BenchHeld runs bench as the sub-benchmarks held=1000 and held=65000, each
// on a store of its own that hold filled with that many documents.
func BenchHeld(b *testing.B, hold func(tb testing.TB, st *store.Store, n int), bench func(b *testing.B, st *store.Store)) {
	for _, n := range []int{1000, 65000} {
		b.Run(fmt.Sprintf("held=%d", n), func(b *testing.B) {
			st, err := store.Open("")
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			hold(b, st, n)
			bench(b, st)
		})
	}
}

// PageCase is one listing's third page, as BenchThirdPage takes it: what is
// held, how a page after a token is read, and the page's length.
type PageCase struct {
	Name string
	Hold func(tb testing.TB, st *store.Store, n int)
	Page func(tb testing.TB, st *store.Store, token *string) (int, *string)
	Want int
}

// Bench times the case with BenchThirdPage.
func (p PageCase) Bench(b *testing.B) { BenchThirdPage(b, p.Hold, p.Page, p.Want) }
