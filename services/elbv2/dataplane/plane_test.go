package dataplane

import (
	"context"
	"testing"

	"github.com/longshore/longshore/store"
)

// The routing table is read again after a write of an ELBv2 document, and
// only then: the cluster manager's and other services' writes leave it.
func TestTableFollowsELBv2Writes(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p := New(Config{Store: st})
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	put := func(kind string) {
		t.Helper()
		c := store.Collection[map[string]string]{Kind: kind}
		if err := st.Write(context.Background(), func(tx *store.Tx) error {
			return c.Put(tx, sc, "doc", store.Index{}, &map[string]string{"k": "v"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	first := p.current()
	if first == nil {
		t.Fatal("no table")
	}
	put("ecs/task")
	if p.current() != first {
		t.Fatal("an ECS write rebuilt the table")
	}
	put("elbv2/tags")
	if p.current() == first {
		t.Fatal("an ELBv2 write left the table as it was")
	}
}
