package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type counter struct{ N int }

var counters = Collection[counter]{Kind: "test/counter"}

var sc = Scope{Account: "000000000000", Region: "us-east-1"}

func openFor(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Parallel read-modify-write transactions must never lose an update.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	for name, path := range map[string]string{"memory": "", "file": filepath.Join(t.TempDir(), "db.sqlite")} {
		t.Run(name, func(t *testing.T) {
			s := openFor(t, path)
			ctx := context.Background()
			const writers, each = 8, 50
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						err := s.Write(ctx, func(tx *Tx) error {
							c, err := counters.Get(tx, sc, "c")
							if err != nil {
								return err
							}
							if c == nil {
								c = &counter{}
							}
							c.N++
							return counters.Put(tx, sc, "c", Index{}, c)
						})
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			var got *counter
			s.Read(ctx, func(tx *Tx) (err error) { got, err = counters.Get(tx, sc, "c"); return })
			if got == nil || got.N != writers*each {
				t.Fatalf("counter = %+v, want %d", got, writers*each)
			}
		})
	}
}

func TestFailedWriteChangesNothing(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Write(ctx, func(tx *Tx) error {
		if err := counters.Put(tx, sc, "a", Index{}, &counter{N: 1}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	s.Read(ctx, func(tx *Tx) error {
		if c, _ := counters.Get(tx, sc, "a"); c != nil {
			t.Errorf("rolled-back write is visible: %+v", c)
		}
		return nil
	})
}

func TestStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	ctx := context.Background()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, func(tx *Tx) error { return counters.Put(tx, sc, "kept", Index{Name: "k"}, &counter{N: 42}) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openFor(t, path)
	s.Read(ctx, func(tx *Tx) error {
		c, err := counters.Get(tx, sc, "kept")
		if err != nil || c == nil || c.N != 42 {
			t.Fatalf("after restart: %+v %v", c, err)
		}
		return nil
	})
}

func TestListFiltersAndPages(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	s.Write(ctx, func(tx *Tx) error {
		for i, name := range []string{"web-1", "web-2", "api-1", "web-3"} {
			status := "ACTIVE"
			if i == 1 {
				status = "INACTIVE"
			}
			if err := counters.Put(tx, sc, name, Index{Parent: "p", Name: name, Status: status}, &counter{N: i}); err != nil {
				return err
			}
		}
		// Another account's documents are invisible.
		return counters.Put(tx, Scope{Account: "111122223333", Region: "us-east-1"}, "web-9", Index{Parent: "p", Name: "web-9"}, &counter{})
	})
	s.Read(ctx, func(tx *Tx) error {
		items, err := counters.List(tx, sc, Query{Parent: "p", NamePrefix: "web-", Status: "ACTIVE"})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 || items[0].ID != "web-1" || items[1].ID != "web-3" {
			t.Fatalf("filtered list: %+v", items)
		}
		page, _ := counters.List(tx, sc, Query{Limit: 2})
		rest, _ := counters.List(tx, sc, Query{AfterSeq: page[1].Seq})
		if len(page) != 2 || len(rest) != 2 || rest[0].ID != "api-1" {
			t.Fatalf("pages: %+v / %+v", page, rest)
		}
		n, _ := counters.Count(tx, sc, Query{Status: "ACTIVE"})
		if n != 3 {
			t.Fatalf("count %d", n)
		}
		by, err := counters.CountByStatus(tx, sc, Query{Parent: "p", Status: "ignored"})
		if err != nil || len(by) != 2 || by["ACTIVE"] != 3 || by["INACTIVE"] != 1 {
			t.Fatalf("count by status: %v %v", by, err)
		}
		return nil
	})
	// A replaced document keeps its place in list order.
	s.Write(ctx, func(tx *Tx) error { return counters.Put(tx, sc, "web-1", Index{Name: "web-1"}, &counter{N: 100}) })
	s.Read(ctx, func(tx *Tx) error {
		items, _ := counters.List(tx, sc, Query{})
		if items[0].ID != "web-1" || items[0].Doc.N != 100 {
			t.Fatalf("order after replace: %+v", items[0])
		}
		return nil
	})
}

func TestTransactionHasOneNow(t *testing.T) {
	s := openFor(t, "")
	fixed := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	s.Now = func() time.Time { return fixed }
	s.Write(context.Background(), func(tx *Tx) error {
		if !tx.Now.Equal(fixed) {
			t.Fatalf("now %v", tx.Now)
		}
		return nil
	})
}

func TestResetEmptiesEverything(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	s.Write(ctx, func(tx *Tx) error { return counters.Put(tx, sc, "x", Index{}, &counter{}) })
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	s.Read(ctx, func(tx *Tx) error {
		if n, _ := counters.Count(tx, sc, Query{}); n != 0 {
			t.Fatalf("%d left after reset", n)
		}
		return nil
	})
}

func BenchmarkPutGet(b *testing.B) {
	s, err := Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		err := s.Write(ctx, func(tx *Tx) error {
			if err := counters.Put(tx, sc, "c", Index{Name: "c"}, &counter{N: i}); err != nil {
				return err
			}
			_, err := counters.Get(tx, sc, "c")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead reads one document under a context that can be cancelled,
// as a request's can.
func BenchmarkRead(b *testing.B) {
	s, err := Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Write(ctx, func(tx *Tx) error { return counters.Put(tx, sc, "c", Index{}, &counter{N: 1}) })
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Read(ctx, func(tx *Tx) error { _, err := counters.Get(tx, sc, "c"); return err }); err != nil {
			b.Fatal(err)
		}
	}
}

// A transaction whose context ends stops at its next statement, and a write
// stopped so changes nothing.
func TestCancelledTransactionStops(t *testing.T) {
	s := openFor(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	err := s.Write(ctx, func(tx *Tx) error {
		if err := counters.Put(tx, sc, "a", Index{}, &counter{N: 1}); err != nil {
			return err
		}
		cancel()
		return counters.Put(tx, sc, "b", Index{}, &counter{N: 2})
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("write after cancel: %v", err)
	}
	s.Read(context.Background(), func(tx *Tx) error {
		if n, _ := counters.Count(tx, sc, Query{}); n != 0 {
			t.Errorf("%d documents after a cancelled write", n)
		}
		return nil
	})
	if err := s.Read(ctx, func(tx *Tx) error { _, err := counters.Get(tx, sc, "a"); return err }); !errors.Is(err, context.Canceled) {
		t.Fatalf("read with a cancelled context: %v", err)
	}
}

// Readers beyond the connections wait for one, and give up when their
// context ends.
func TestReadersWaitForAConnection(t *testing.T) {
	s := openFor(t, "")
	hold, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for range maxReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Read(context.Background(), func(tx *Tx) error {
				_, err := counters.Get(tx, sc, "a")
				hold <- struct{}{}
				<-release
				return err
			})
		}()
	}
	for range maxReaders {
		<-hold
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Read(ctx, func(tx *Tx) error { _, err := counters.Get(tx, sc, "a"); return err }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("read with every connection busy: %v", err)
	}
	done := make(chan error)
	go func() {
		done <- s.Read(context.Background(), func(tx *Tx) error { _, err := counters.Get(tx, sc, "a"); return err })
	}()
	close(release)
	wg.Wait()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Replacing a document replaces its index columns too, whether they change
// or not, and keeps its place in list order.
func TestPutReplacesIndexColumns(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	put := func(id string, ix Index, n int) {
		t.Helper()
		if err := s.Write(ctx, func(tx *Tx) error { return counters.Put(tx, sc, id, ix, &counter{N: n}) }); err != nil {
			t.Fatal(err)
		}
	}
	put("a", Index{Parent: "p", Name: "a", Status: "ACTIVE", Attr: "x"}, 1)
	put("b", Index{Parent: "p", Name: "b", Status: "ACTIVE", Attr: "x"}, 2)
	put("a", Index{Parent: "p", Name: "a", Status: "ACTIVE", Attr: "x"}, 3) // the document alone changes
	put("b", Index{Parent: "q", Name: "b2", Status: "DONE", Attr: "y"}, 4)  // every column changes
	s.Read(ctx, func(tx *Tx) error {
		for _, c := range []struct {
			q    Query
			want string
		}{
			{Query{Parent: "p", Status: "ACTIVE", Attr: "x"}, "a:3"},
			{Query{Parent: "q", Name: "b2", Status: "DONE", Attr: "y"}, "b:4"},
			{Query{Name: "b"}, ""},
			{Query{}, "a:3 b:4"},
		} {
			items, err := counters.List(tx, sc, c.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				got = append(got, fmt.Sprintf("%s:%d", it.ID, it.Doc.N))
			}
			if strings.Join(got, " ") != c.want {
				t.Errorf("List(%+v) = %v, want %s", c.q, got, c.want)
			}
		}
		return nil
	})
}

// A read runs while a write transaction is open and sees the state before
// it, in memory (whose file the unix-excl VFS locks for this process alone)
// as in a file.
func TestReadsDoNotWaitForAWrite(t *testing.T) {
	for name, path := range map[string]string{"memory": "", "file": filepath.Join(t.TempDir(), "db.sqlite")} {
		t.Run(name, func(t *testing.T) {
			s := openFor(t, path)
			ctx := context.Background()
			put := func(tx *Tx, n int) error { return counters.Put(tx, sc, "c", Index{}, &counter{N: n}) }
			if err := s.Write(ctx, func(tx *Tx) error { return put(tx, 1) }); err != nil {
				t.Fatal(err)
			}
			wrote, release := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- s.Write(ctx, func(tx *Tx) error {
					if err := put(tx, 2); err != nil {
						return err
					}
					close(wrote)
					<-release
					return nil
				})
			}()
			<-wrote
			read := make(chan int, 1)
			go func() {
				s.Read(ctx, func(tx *Tx) error {
					c, err := counters.Get(tx, sc, "c")
					if err != nil || c == nil {
						read <- -1
						return err
					}
					read <- c.N
					return nil
				})
			}()
			select {
			case n := <-read:
				if n != 1 {
					t.Errorf("read %d during the write, want 1", n)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("a read waited for a write transaction")
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}
