package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
)

// AttrRange reads the Attrs in a range in order, AttrPage those under a
// prefix from a position; ParentPage walks the
// parents under a prefix in (parent, creation) order, either way, from a
// position.
func TestAttrRangeAndParentPage(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	rows := []struct{ id, parent, attr string }{
		{"1", "a 2", "5"}, {"2", "a 1", "3"}, {"3", "b 1", "1"}, {"4", "a 2", "3"}, {"5", "a 3", "9"}, {"6", "ab 1", "3"}, {"7", "a 1", "4"},
	}
	err := s.Write(ctx, func(tx *Tx) error {
		for _, r := range rows {
			if err := counters.Put(tx, sc, r.id, Index{Parent: r.parent, Attr: r.attr}, &counter{}); err != nil {
				return err
			}
		}
		return counters.Put(tx, Scope{Account: "111111111111", Region: "us-east-1"}, "0", Index{Parent: "a 1", Attr: "3"}, &counter{})
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(items []Item[counter], err error) string {
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, it := range items {
			out = append(out, it.ID)
		}
		return fmt.Sprint(out)
	}
	seq := map[string]int64{}
	s.Read(ctx, func(tx *Tx) error {
		items, _ := counters.List(tx, sc, Query{})
		for _, it := range items {
			seq[it.ID] = it.Seq
		}
		return nil
	})
	s.Read(ctx, func(tx *Tx) error {
		if got := ids(counters.AttrRange(tx, sc, "3", "5")); got != "[2 4 6 7]" {
			t.Errorf("attr range [3, 5): %s", got)
		}
		if got := ids(counters.AttrRange(tx, sc, "", "3")); got != "[3]" {
			t.Errorf("attr range [, 3): %s", got)
		}
		for prefix, want := range map[string]string{"": "9", "3": "3", "4": "4", "2": "", "99": ""} {
			if got, err := counters.LastAttr(tx, sc, prefix); err != nil || got[0] != want {
				t.Errorf("last attr with prefix %q: %q, %v; want %q", prefix, got, err, want)
			}
		}
		for prefix, want := range map[string]bool{"": true, "3": true, "9": true, "2": false, "99": false} {
			if got, err := counters.Exists(tx, sc, Query{AttrPrefix: prefix}); err != nil || got != want {
				t.Errorf("exists with attr prefix %q: %v, %v; want %v", prefix, got, err, want)
			}
		}
		// Several prefixes in one statement, each answered on its own.
		if got, err := counters.LastAttr(tx, sc, "3", "2", "4", ""); err != nil || fmt.Sprint(got) != "[3  4 9]" {
			t.Errorf("last attrs: %q, %v", got, err)
		}
		cases := []struct {
			prefix, after string
			afterID       string
			desc          bool
			limit         int
			want          string
		}{
			{"a ", "", "", false, 0, "[2 7 1 4 5]"},
			{"a ", "", "", true, 0, "[5 4 1 7 2]"},
			{"a ", "a 2", "1", false, 0, "[4 5]"},
			{"a ", "a 2", "4", true, 2, "[1 7]"},
			{"a ", "a 1", "7", false, 1, "[1]"},
			{"b ", "", "", false, 0, "[3]"},
			{"", "ab 1", "6", false, 0, "[3]"},
			{"c", "", "", false, 0, "[]"},
		}
		attrPages := []struct {
			prefix, after string
			limit         int
			want          string
		}{
			{"3", "", 0, "[2 4 6]"},
			{"3", "3", 0, "[]"},
			{"", "3", 2, "[7 1]"},
			{"", "", 3, "[3 2 4]"},
			{"4", "1", 0, "[7]"},
			{"5", "9", 0, "[]"},
		}
		for _, c := range attrPages {
			if got := ids(counters.AttrPage(tx, sc, c.prefix, c.after, c.limit)); got != c.want {
				t.Errorf("attr page %+v: %s", c, got)
			}
		}
		for _, c := range cases {
			if got := ids(counters.ParentPage(tx, sc, c.prefix, c.after, seq[c.afterID], c.desc, c.limit)); got != c.want {
				t.Errorf("%+v: %s", c, got)
			}
		}
		return nil
	})
}

// AttrValues lists each Attr value under a prefix once, in order, from a
// position, and only the scope's.
func TestAttrValues(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	rows := []struct{ id, attr string }{
		{"1", "a 2"}, {"2", "a 1"}, {"3", "b 1"}, {"4", "a 2"}, {"5", "a 3"}, {"6", "ab 1"}, {"7", "a 1"}, {"8", ""},
	}
	err := s.Write(ctx, func(tx *Tx) error {
		for _, r := range rows {
			if err := counters.Put(tx, sc, r.id, Index{Attr: r.attr}, &counter{}); err != nil {
				return err
			}
		}
		return counters.Put(tx, Scope{Account: "111111111111", Region: "us-east-1"}, "0", Index{Attr: "a 0"}, &counter{})
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		prefix, after string
		limit         int
		want          string
	}{
		{"a ", "", 0, "[a 1 a 2 a 3]"},
		{"a ", "", 2, "[a 1 a 2]"},
		{"a ", "a 1", 1, "[a 2]"},
		{"a ", "a 2", 0, "[a 3]"},
		{"a ", "a 3", 0, "[]"},
		{"a ", "a", 0, "[a 1 a 2 a 3]"},
		{"a ", "b", 0, "[]"},
		{"a", "", 0, "[a 1 a 2 a 3 ab 1]"},
		{"", "a 3", 0, "[ab 1 b 1]"},
		{"c", "", 0, "[]"},
	}
	s.Read(ctx, func(tx *Tx) error {
		for _, c := range cases {
			got, err := counters.AttrValues(tx, sc, c.prefix, c.after, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(append([]string{}, got...)) != c.want {
				t.Errorf("%+v: %q", c, got)
			}
		}
		return nil
	})
}

// NamePage walks the names under a prefix in (name, creation) order, either
// way, from a position; a position outside the prefix bounds nothing.
func TestNamePage(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	rows := []struct{ id, name string }{
		{"1", "a 2"}, {"2", "a 1"}, {"3", "b 1"}, {"4", "a 2"}, {"5", "a 3"}, {"6", "ab 1"}, {"7", "a 1"}, {"8", ""},
	}
	var seq []int64
	err := s.Write(ctx, func(tx *Tx) error {
		for _, r := range rows {
			if err := counters.Put(tx, sc, r.id, Index{Name: r.name}, &counter{}); err != nil {
				return err
			}
		}
		items, err := counters.List(tx, sc, Query{})
		for _, it := range items {
			seq = append(seq, it.Seq)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		prefix, after string
		afterSeq      int64
		desc          bool
		limit         int
		want          string
	}{
		{"a ", "", 0, false, 0, "[2 7 1 4 5]"},
		{"a ", "", 0, true, 0, "[5 4 1 7 2]"},
		{"a ", "a 2", seq[0], false, 0, "[4 5]"},
		{"a ", "a 2", seq[3], true, 2, "[1 7]"},
		{"a ", "a 1", math.MaxInt64, false, 0, "[1 4 5]"},
		{"a ", "a 0", 0, false, 0, "[2 7 1 4 5]"},
		{"a ", "ab", 0, true, 0, "[5 4 1 7 2]"},
		{"a ", "a 9", 0, false, 0, "[]"},
		{"", "", 0, false, 0, "[2 7 1 4 5 6 3]"},
		{"c", "", 0, false, 0, "[]"},
	}
	s.Read(ctx, func(tx *Tx) error {
		for _, c := range cases {
			items, err := counters.NamePage(tx, sc, c.prefix, c.after, c.afterSeq, c.desc, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, it := range items {
				got = append(got, it.ID)
			}
			if fmt.Sprint(got) != c.want {
				t.Errorf("%+v: %v", c, got)
			}
		}
		return nil
	})
}

// Each reads only its rows through an index: no scan of the kind, no sort.
func TestOrderPagePlans(t *testing.T) {
	s := openFor(t, "")
	queries := map[string]func() (string, []any){
		"attr range":       func() (string, []any) { return counters.attrRangeQuery(sc, "a", "b") },
		"last attr":        func() (string, []any) { return counters.lastAttrQuery(sc, []string{"a"}) },
		"last attrs":       func() (string, []any) { return counters.lastAttrQuery(sc, []string{"ACTIVE a ", "INACTIVE a "}) },
		"attr values":      func() (string, []any) { return counters.attrValuesQuery(sc, "a ", "", 101) },
		"attr values on":   func() (string, []any) { return counters.attrValuesQuery(sc, "a ", "a 5", 101) },
		"parent page":      func() (string, []any) { return counters.columnPageQuery("parent", sc, "p ", "", 0, false, 101) },
		"parent page on":   func() (string, []any) { return counters.columnPageQuery("parent", sc, "p ", "p 5", 10, false, 101) },
		"parent page desc": func() (string, []any) { return counters.columnPageQuery("parent", sc, "p ", "p 5", 10, true, 101) },
		// CloudWatch's alarms of one state from a token's name, its history
		// of one type newest first.
		"name page": func() (string, []any) { return counters.columnPageQuery("name", sc, "M ALARM ", "", 0, false, 101) },
		"name page on": func() (string, []any) {
			return counters.columnPageQuery("name", sc, "M ALARM ", "M ALARM web", math.MaxInt64, false, 101)
		},
		"name page desc": func() (string, []any) {
			return counters.columnPageQuery("name", sc, "Action ", "Action 2026", 10, true, 101)
		},
		"attr page": func() (string, []any) { return counters.attrPageQuery(sc, "String ", "", 101) },
		// Whether an ECS family has a revision of a status: the first entry
		// of its range, not every one of them sorted.
		"attr exists":  func() (string, []any) { return counters.existsQuery(sc, Query{AttrPrefix: "ACTIVE web "}) },
		"attr page on": func() (string, []any) { return counters.attrPageQuery(sc, "String ", "String /a/b", 101) },
	}
	err := s.Read(context.Background(), func(tx *Tx) error {
		for name, q := range queries {
			query, args := q()
			plan, err := queryPlan(tx, query, args...)
			if err != nil {
				return err
			}
			got := strings.Join(plan, "; ")
			want := "(kind=? AND account=? AND region=? AND attr>? AND attr<?)"
			if col, _, _ := strings.Cut(name, " "); col != "attr" && col != "last" {
				want = "INDEX resources_" + map[string]string{"parent": "parent_seq", "name": "name"}[col] +
					" (kind=? AND account=? AND region=? AND " + col + ">? AND " + col + "<?)"
			}
			if !strings.Contains(got, want) || strings.Contains(got, "TEMP B-TREE") {
				t.Errorf("%s: plan %q reads more than its rows", name, got)
			}
			// Each prefix's last attr is one seek of its own.
			if name == "last attrs" && strings.Count(got, want) != 2 {
				t.Errorf("%s: plan %q does not seek each prefix", name, got)
			}
			// Attr values are read from index entries alone, no document.
			if strings.HasPrefix(name, "attr values") && !strings.Contains(got, "USING COVERING INDEX resources_attr") {
				t.Errorf("%s: plan %q reads documents", name, got)
			}
			if testing.Verbose() {
				t.Log(name, got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
