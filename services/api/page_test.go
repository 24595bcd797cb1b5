package api

import (
	"testing"

	"github.com/longshore/longshore/store"
)

func TestPageResumesAtTheFirstItemLeftOut(t *testing.T) {
	items := []store.Item[int]{{Seq: 1, Doc: new(int)}, {Seq: 2, Doc: new(int)}, {Seq: 3, Doc: new(int)}, {Seq: 4, Doc: new(int)}}
	for i := range items {
		*items[i].Doc = i + 1
	}
	odd := func(v *int) bool { return *v%2 == 1 }
	page, next := Page(items, 1, "s", false, odd)
	if len(page) != 1 || *page[0] != 1 || next == nil {
		t.Fatalf("page %v next %v", page, next)
	}
	if seq, err := DecodeToken("s", *next); err != nil || seq != 2 {
		t.Fatalf("resume after %d (%v), want 2 so that item 3 comes next", seq, err)
	}
	if page, next := Page(items, 5, "s", false, nil); len(page) != 4 || next != nil {
		t.Fatalf("whole list: %d items, next %v", len(page), next)
	}
	// Newest first: the token resumes below the first item left out.
	desc := []store.Item[int]{items[3], items[2], items[1], items[0]}
	_, next = Page(desc, 2, "s", true, nil)
	if seq, _ := DecodeToken("s", *next); seq != 3 {
		t.Fatalf("descending resume %d, want 3", seq)
	}
}
