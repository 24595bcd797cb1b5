package store

import (
	"context"
	"fmt"
	"testing"
)

// IDPage walks the ids under a prefix in order, either way, from a position.
func TestIDPage(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	err := s.Write(ctx, func(tx *Tx) error {
		// Written out of id order: the page follows ids, not creation.
		for _, id := range []string{"g:c", "g:a", "h:a", "g:b", "g", "f:z", "g:d"} {
			if err := counters.Put(tx, sc, id, Index{}, &counter{}); err != nil {
				return err
			}
		}
		return counters.Put(tx, Scope{Account: "111111111111", Region: "us-east-1"}, "g:0", Index{}, &counter{})
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		prefix, after string
		desc          bool
		limit         int
		want          string
	}{
		{"g:", "", false, 0, "[g:a g:b g:c g:d]"},
		{"g:", "g:a", false, 2, "[g:b g:c]"},
		{"g:", "", true, 3, "[g:d g:c g:b]"},
		{"g:", "g:c", true, 0, "[g:b g:a]"},
		{"", "g:d", false, 0, "[h:a]"},
		{"x", "", false, 0, "[]"},
		// A token outside the prefix's ids: all of them, or none.
		{"g:", "f", false, 0, "[g:a g:b g:c g:d]"},
		{"g:", "h", false, 0, "[]"},
		{"g:", "h", true, 0, "[g:d g:c g:b g:a]"},
		{"g:", "f", true, 0, "[]"},
	}
	for _, c := range cases {
		err := s.Read(ctx, func(tx *Tx) error {
			items, err := counters.IDPage(tx, sc, c.prefix, c.after, c.desc, c.limit)
			ids := []string{}
			for _, it := range items {
				ids = append(ids, it.ID)
			}
			if got := fmt.Sprint(ids); got != c.want {
				t.Errorf("%+v: %s", c, got)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
