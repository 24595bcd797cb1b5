package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A replaced document whose index columns change, in any combination, is
// found by its new values alone.
func TestPutMovesChangedColumns(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	base := Index{Parent: "p0", Name: "n0", Status: "s0", Attr: "a0"}
	for mask := 1; mask < 16; mask++ {
		id := fmt.Sprint("doc", mask)
		now := base
		for bit, col := range []*string{&now.Parent, &now.Name, &now.Status, &now.Attr} {
			if mask&(1<<bit) != 0 {
				*col = fmt.Sprint((*col)[:1], mask)
			}
		}
		err := s.Write(ctx, func(tx *Tx) error {
			if err := counters.Put(tx, sc, id, base, &counter{N: 1}); err != nil {
				return err
			}
			return counters.Put(tx, sc, id, now, &counter{N: 2})
		})
		if err != nil {
			t.Fatal(err)
		}
		s.Read(ctx, func(tx *Tx) error {
			for _, q := range []Query{{Parent: now.Parent, Status: now.Status}, {Name: now.Name, Status: now.Status}, {Attr: now.Attr}} {
				items, err := counters.List(tx, sc, q)
				found := false
				for _, it := range items {
					found = found || (it.ID == id && it.Doc.N == 2)
				}
				if err != nil || !found {
					t.Errorf("%+v: %s not found by %+v (%v)", now, id, q, err)
				}
			}
			return nil
		})
	}
	s.Read(ctx, func(tx *Tx) error {
		// Each document moved at least one column: none is left at all four old values.
		if n, err := counters.Count(tx, sc, Query{Parent: "p0", Name: "n0", Status: "s0", Attr: "a0"}); err != nil || n != 0 {
			t.Errorf("%d documents left at the old values (%v)", n, err)
		}
		return nil
	})
}

// A Put that moves one index column (an alarm's due time, a task's status)
// rewrites that index's entry and not the entries of the others: the commit
// writes about three pages (the row, the old and the new leaf of the index)
// where rewriting all four indexes wrote over six.
func TestPutOfOneColumnWritesItsIndexAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite")
	s := openFor(t, path)
	ctx := context.Background()
	const n = 3000
	key := func(i int) string { return fmt.Sprintf("%06d", i*7919%n) }
	err := s.Write(ctx, func(tx *Tx) error {
		for i := 0; i < n; i++ {
			ix := Index{Parent: "parent " + key(i), Name: "name " + key(i), Status: "RUNNING", Attr: "attr " + key(i)}
			if err := counters.Put(tx, sc, key(i), ix, &counter{N: i}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	execOnWriter(t, s, "PRAGMA wal_checkpoint(TRUNCATE)")
	const commits = 30
	for c := 0; c < commits; c++ {
		i := c * 97
		err := s.Write(ctx, func(tx *Tx) error {
			ix := Index{Parent: "parent " + key(i), Name: "name " + key(i), Status: "RUNNING", Attr: "attr moved " + key(i)}
			return counters.Put(tx, sc, key(i), ix, &counter{N: i})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	var pageSize int64
	s.Read(ctx, func(tx *Tx) error { return tx.queryRow(`PRAGMA page_size`).Scan(&pageSize) })
	perCommit := float64((st.Size()-32)/(pageSize+24)) / commits
	if perCommit > 5 {
		t.Errorf("%.2f pages per commit that moves one attr", perCommit)
	}
	t.Logf("%.2f pages per commit", perCommit)
}

// moveIndex reads the columns it compares through the primary key alone.
func TestIndexColumnsPlanSeeksTheKey(t *testing.T) {
	s := openFor(t, "")
	err := s.Read(context.Background(), func(tx *Tx) error {
		plan, err := queryPlan(tx, indexColumnsQuery, "k", "a", "r", "id")
		if err != nil {
			return err
		}
		if got := strings.Join(plan, "; "); !strings.Contains(got, "(kind=? AND account=? AND region=? AND id=?)") || strings.Contains(got, "SCAN") {
			t.Errorf("plan %q does not seek the key", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
