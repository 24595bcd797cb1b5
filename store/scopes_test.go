package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestChangesCountWrites(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	var before, after, again int64
	s.Write(ctx, func(tx *Tx) (err error) {
		before, err = tx.Changes()
		return err
	})
	s.Write(ctx, func(tx *Tx) error { return counters.Put(tx, sc, "a", Index{}, &counter{N: 1}) })
	s.Write(ctx, func(tx *Tx) (err error) {
		after, err = tx.Changes()
		return err
	})
	s.Write(ctx, func(tx *Tx) (err error) {
		again, err = tx.Changes()
		return err
	})
	if after == before || again != after {
		t.Fatalf("changes: %d before a write, %d after, %d with nothing written since", before, after, again)
	}
	s.Read(ctx, func(tx *Tx) error {
		if _, err := tx.Changes(); err == nil {
			t.Error("a read transaction reported a change count")
		}
		return nil
	})
}

func TestScanRawFiltersByParentInOrder(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	s.Write(ctx, func(tx *Tx) error {
		for _, p := range []struct{ id, parent string }{{"b", "p1"}, {"a", "p1"}, {"c", "p2"}} {
			if err := counters.Put(tx, sc, p.id, Index{Parent: p.parent}, &counter{N: len(p.id)}); err != nil {
				return err
			}
		}
		return counters.Put(tx, Scope{Account: "1", Region: "r"}, "d", Index{Parent: "p1"}, &counter{})
	})
	var got []string
	err := s.Read(ctx, func(tx *Tx) error {
		return counters.ScanRaw(tx, sc, Query{Parent: "p1"}, func(id string, raw []byte) error {
			got = append(got, id+"="+string(raw))
			return nil
		})
	})
	if err != nil || len(got) != 2 || got[0] != `b={"N":1}` || got[1] != `a={"N":1}` {
		t.Fatalf("ScanRaw = %q, %v", got, err)
	}
}

func TestLogEventsQuery(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	s.Write(ctx, func(tx *Tx) error {
		for i, st := range []string{"s1", "s2", "s1", "t1"} {
			if _, err := AppendLogEvent(tx, sc, "g", LogEvent{Stream: st, Timestamp: int64(i * 10), Ingested: 5, Message: st}); err != nil {
				return err
			}
		}
		_, err := AppendLogEvent(tx, sc, "other", LogEvent{Stream: "s1", Message: "x"})
		return err
	})
	count := func(q LogEventQuery) (n int, first int64) {
		t.Helper()
		s.Read(ctx, func(tx *Tx) error {
			evs, err := LogEvents(tx, sc, q)
			if err != nil {
				t.Fatal(err)
			}
			if n = len(evs); n > 0 {
				first = evs[0].Timestamp
			}
			return nil
		})
		return
	}
	start, end := int64(10), int64(30)
	for _, tc := range []struct {
		name  string
		q     LogEventQuery
		n     int
		first int64
	}{
		{"group", LogEventQuery{Group: "g"}, 4, 0},
		{"stream", LogEventQuery{Group: "g", Streams: []string{"s1"}}, 2, 0},
		{"streams", LogEventQuery{Group: "g", Streams: []string{"s2", "t1"}}, 2, 10},
		{"prefix", LogEventQuery{Group: "g", StreamPrefix: "s"}, 3, 0},
		{"time", LogEventQuery{Group: "g", Start: &start, End: &end}, 2, 10},
		{"after", LogEventQuery{Group: "g", After: 2}, 2, 20},
		{"before desc limit", LogEventQuery{Group: "g", Before: 4, Desc: true, Limit: 2}, 2, 20},
	} {
		if n, first := count(tc.q); n != tc.n || first != tc.first {
			t.Errorf("%s: %d events from %d, want %d from %d", tc.name, n, first, tc.n, tc.first)
		}
	}
	s.Write(ctx, func(tx *Tx) error { return DeleteLogEvents(tx, sc, "g", "s1") })
	if n, _ := count(LogEventQuery{Group: "g"}); n != 2 {
		t.Errorf("after deleting a stream: %d events, want 2", n)
	}
	s.Write(ctx, func(tx *Tx) error { return DeleteLogEvents(tx, sc, "g", "") })
	if n, _ := count(LogEventQuery{Group: "g"}); n != 0 {
		t.Errorf("after deleting the group: %d events, want 0", n)
	}
	if n, _ := count(LogEventQuery{Group: "other"}); n != 1 {
		t.Errorf("another group lost its events: %d", n)
	}
}

// Scopes lists each scope holding any of the kinds once, in account and
// region order, seeking from one scope to the next rather than reading every
// document.
func TestScopes(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	others := Collection[counter]{Kind: "test/other"}
	s.Write(ctx, func(tx *Tx) error {
		for i, sc := range []Scope{{"2", "us-east-1"}, {"1", "us-west-2"}, {"1", "eu-west-1"}, {"2", "us-east-1"}, {"1", ""}} {
			for j := 0; j < 3; j++ {
				if err := counters.Put(tx, sc, fmt.Sprint(i, j), Index{}, &counter{}); err != nil {
					return err
				}
			}
		}
		return others.Put(tx, Scope{"0", "x"}, "a", Index{}, &counter{})
	})
	s.Read(ctx, func(tx *Tx) error {
		for _, c := range []struct {
			kinds []string
			want  string
		}{
			{[]string{counters.Kind}, "[{1 } {1 eu-west-1} {1 us-west-2} {2 us-east-1}]"},
			{[]string{counters.Kind, others.Kind}, "[{0 x} {1 } {1 eu-west-1} {1 us-west-2} {2 us-east-1}]"},
			{[]string{"test/none"}, "[]"},
			{nil, "[]"},
		} {
			got, err := Scopes(tx, c.kinds...)
			if err != nil || fmt.Sprint(got) != c.want && !(len(got) == 0 && c.want == "[]") {
				t.Errorf("%v: %v (%v), want %s", c.kinds, got, err, c.want)
			}
		}
		for same, want := range map[bool]string{true: "(kind=? AND account=? AND region>?)", false: "(kind=? AND account>?)"} {
			query, args := nextScopeQuery(counters.Kind, &Scope{"1", "x"}, same)
			plan, err := queryPlan(tx, query, args...)
			if err != nil {
				t.Fatal(err)
			}
			detail := plan[0]
			if !strings.Contains(detail, want) {
				t.Errorf("plan %q does not seek the next scope", detail)
			}
		}
		return nil
	})
}
