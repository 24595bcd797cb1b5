package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// readCached reads one counter through the cache.
func readCached(t *testing.T, s *Store, id string) *counter {
	t.Helper()
	var got *counter
	if err := s.ReadCached(context.Background(), func(tx *Tx) (err error) {
		got, err = counters.Get(tx, sc, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func write(t *testing.T, s *Store, fn func(tx *Tx) error) {
	t.Helper()
	if err := s.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// Every way of writing a document leaves the cache answering what is stored.
func TestCacheFollowsWrites(t *testing.T) {
	s := openFor(t, "")
	n := func(id string) int {
		t.Helper()
		c := readCached(t, s, id)
		if c == nil {
			return -1
		}
		return c.N
	}
	write(t, s, func(tx *Tx) error { return counters.Put(tx, sc, "a", Index{}, &counter{N: 1}) })
	for i := 0; i < 2; i++ { // the second read is answered from the cache
		if got := n("a"); got != 1 {
			t.Fatalf("read %d: %d, want 1", i, got)
		}
	}
	if g, ok := s.cache.get(docKey{kindScope{counters.Kind, sc}, "a"}); !ok || len(g) == 0 {
		t.Fatal("the document read is not cached")
	}
	write(t, s, func(tx *Tx) error { return counters.Put(tx, sc, "a", Index{Status: "X"}, &counter{N: 2}) })
	if got := n("a"); got != 2 {
		t.Fatalf("after a put: %d, want 2", got)
	}
	write(t, s, func(tx *Tx) error { _, err := counters.Delete(tx, sc, "a"); return err })
	if got := n("a"); got != -1 {
		t.Fatalf("after a delete: %d, want none", got)
	}
	write(t, s, func(tx *Tx) error { return counters.Put(tx, sc, "b", Index{}, &counter{N: 3}) })
	n("b")
	write(t, s, func(tx *Tx) error { _, err := counters.DeleteRange(tx, sc, "a", "z"); return err })
	if got := n("b"); got != -1 {
		t.Fatalf("after a range delete: %d, want none", got)
	}
	write(t, s, func(tx *Tx) error { return counters.Put(tx, sc, "c", Index{}, &counter{N: 4}) })
	n("c")
	if err := s.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := n("c"); got != -1 {
		t.Fatalf("after a reset: %d, want none", got)
	}
	// A write that rolls back changes nothing, cached or not.
	write(t, s, func(tx *Tx) error { return counters.Put(tx, sc, "d", Index{}, &counter{N: 5}) })
	n("d")
	s.Write(context.Background(), func(tx *Tx) error {
		counters.Put(tx, sc, "d", Index{}, &counter{N: 6})
		return errors.New("boom")
	})
	if got := n("d"); got != 5 {
		t.Fatalf("after a rolled-back write: %d, want 5", got)
	}
}

// A read that took a document from the cache runs again when that document
// changes before it ends, so that what it returns is one state of the store.
func TestCachedReadRunsAgainWhenItsDocumentChanges(t *testing.T) {
	s := openFor(t, "")
	write(t, s, func(tx *Tx) error {
		counters.Put(tx, sc, "a", Index{}, &counter{N: 1})
		return counters.Put(tx, sc, "b", Index{}, &counter{N: 1})
	})
	readCached(t, s, "a") // cache a
	runs := 0
	var a, b *counter
	err := s.ReadCached(context.Background(), func(tx *Tx) (err error) {
		runs++
		if a, err = counters.Get(tx, sc, "a"); err != nil {
			return err
		}
		if runs == 1 { // another writer changes both between our two reads
			done := make(chan error)
			go func() {
				done <- s.Write(context.Background(), func(tx *Tx) error {
					counters.Put(tx, sc, "a", Index{}, &counter{N: 2})
					return counters.Put(tx, sc, "b", Index{}, &counter{N: 2})
				})
			}()
			if err := <-done; err != nil {
				return err
			}
		}
		b, err = counters.Get(tx, sc, "b")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 || a.N != 2 || b.N != 2 {
		t.Fatalf("runs %d, a %d, b %d; want 2 runs seeing 2 and 2", runs, a.N, b.N)
	}
}

// Readers through the cache never see half of a write, whatever the timing.
func TestCachedReadsSeeWholeWrites(t *testing.T) {
	s := openFor(t, "")
	write(t, s, func(tx *Tx) error {
		counters.Put(tx, sc, "a", Index{}, &counter{})
		return counters.Put(tx, sc, "b", Index{}, &counter{})
	})
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for !stop.Load() {
				var x, y *counter
				err := s.ReadCached(context.Background(), func(tx *Tx) (err error) {
					first, second := "a", "b"
					if r%2 == 1 {
						first, second = second, first
					}
					if x, err = counters.Get(tx, sc, first); err != nil {
						return err
					}
					if r == 2 { // a listing between the two reads
						if _, err = counters.List(tx, sc, Query{}); err != nil {
							return err
						}
					}
					y, err = counters.Get(tx, sc, second)
					return err
				})
				if err == nil && x.N != y.N {
					err = errors.New("a read saw half of a write")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(r)
	}
	deadline := time.Now().Add(time.Second)
	for i := 1; time.Now().Before(deadline); i++ {
		write(t, s, func(tx *Tx) error {
			if err := counters.Put(tx, sc, "a", Index{}, &counter{N: i}); err != nil {
				return err
			}
			return counters.Put(tx, sc, "b", Index{}, &counter{N: i})
		})
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// A derived value is computed once while its kinds stay unchanged, and
// again after a commit writes one of them in its scope.
func TestDerivedFollowsWrites(t *testing.T) {
	s := openFor(t, "")
	other := Scope{Account: sc.Account, Region: "eu-west-1"}
	runs := 0
	count := func() int {
		t.Helper()
		var n int
		if err := s.ReadCached(context.Background(), func(tx *Tx) (err error) {
			n, err = Derive(tx, sc, "count", []string{counters.Kind}, func() (int, error) {
				runs++
				return counters.Count(tx, sc, Query{})
			})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	expect := func(want, wantRuns int) {
		t.Helper()
		if got := count(); got != want || runs != wantRuns {
			t.Fatalf("count %d after %d runs, want %d after %d", got, runs, want, wantRuns)
		}
	}
	expect(0, 1)
	expect(0, 1)
	write(t, s, func(tx *Tx) error { return counters.Put(tx, sc, "a", Index{}, &counter{N: 1}) })
	expect(1, 2)
	expect(1, 2)
	// Another scope, or another kind, leaves it be.
	write(t, s, func(tx *Tx) error { return counters.Put(tx, other, "a", Index{}, &counter{N: 1}) })
	write(t, s, func(tx *Tx) error {
		return Collection[counter]{Kind: "test/other"}.Put(tx, sc, "a", Index{}, &counter{N: 1})
	})
	expect(1, 2)
	write(t, s, func(tx *Tx) error { _, err := counters.Delete(tx, sc, "a"); return err })
	expect(0, 3)
	if err := s.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	expect(0, 4)
	// A write, outside the cache, always computes.
	write(t, s, func(tx *Tx) error {
		_, err := Derive(tx, sc, "count", []string{counters.Kind}, func() (int, error) { runs++; return 0, nil })
		return err
	})
	expect(0, 5) // the write's own run; the read takes the value held
}

// A value computed while a commit wrote its kind is not kept: the read may
// have seen the state before that commit.
func TestDerivedNotKeptAcrossACommit(t *testing.T) {
	s := openFor(t, "")
	runs := 0
	read := func(during func()) int {
		t.Helper()
		var n int
		if err := s.ReadCached(context.Background(), func(tx *Tx) (err error) {
			n, err = Derive(tx, sc, "count", []string{counters.Kind}, func() (int, error) {
				runs++
				n, err := counters.Count(tx, sc, Query{})
				if during != nil {
					during()
					during = nil
				}
				return n, err
			})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	read(func() {
		write(t, s, func(tx *Tx) error { return counters.Put(tx, sc, "a", Index{}, &counter{N: 1}) })
	})
	// The first read's count (0) was not kept: the second computes.
	if got := read(nil); got != 1 || runs != 2 {
		t.Fatalf("count %d after %d runs, want 1 after 2", got, runs)
	}
}

// A read that took a derived value runs again when a commit writes its kind
// meanwhile.
func TestDerivedReadRunsAgain(t *testing.T) {
	s := openFor(t, "")
	runs := 0
	read := func(during func()) int {
		t.Helper()
		var n int
		if err := s.ReadCached(context.Background(), func(tx *Tx) (err error) {
			n, err = Derive(tx, sc, "count", []string{counters.Kind}, func() (int, error) {
				runs++
				return counters.Count(tx, sc, Query{})
			})
			if during != nil {
				during()
				during = nil
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	read(nil)
	got := read(func() {
		write(t, s, func(tx *Tx) error { return counters.Put(tx, sc, "a", Index{}, &counter{N: 1}) })
	})
	if got != 1 || runs != 2 {
		t.Fatalf("count %d after %d runs, want 1 after 2", got, runs)
	}
}
