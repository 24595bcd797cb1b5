package scheduler

import (
	"hash/maphash"
	"sync"

	"github.com/longshore/longshore/store"
)

// docCache keeps the decoded documents of one kind between passes, keyed by
// a hash of their stored JSON, so that a pass decodes only what changed since
// the last one. A pass owns the documents it gets; it forgets those it writes
// (the next pass decodes them again), and after a rollback everything is
// dropped (Reset), since the documents it mutated no longer match the store.
type docCache[T any] struct {
	coll store.Collection[T]
	seed maphash.Seed
	mu   sync.Mutex
	// docs holds, per scope and parent, the documents by id.
	docs map[parentKey]map[string]cached[T]
}

type parentKey struct {
	scope  store.Scope
	parent string
}

type cached[T any] struct {
	hash uint64
	doc  *T
}

func newDocCache[T any](c store.Collection[T]) *docCache[T] {
	return &docCache[T]{coll: c, seed: maphash.MakeSeed(), docs: map[parentKey]map[string]cached[T]{}}
}

// List returns the documents with the given parent in creation order,
// decoding only those whose stored JSON changed, and drops the cached
// documents that are gone.
func (dc *docCache[T]) List(tx *store.Tx, sc store.Scope, parent string) ([]*T, error) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	pk := parentKey{sc, parent}
	known := dc.docs[pk]
	if known == nil {
		known = map[string]cached[T]{}
		dc.docs[pk] = known
	}
	var out []*T
	err := dc.coll.ScanRaw(tx, sc, store.Query{Parent: parent}, func(id string, raw []byte) error {
		h := maphash.Bytes(dc.seed, raw)
		if c, ok := known[id]; ok && c.hash == h {
			out = append(out, c.doc)
			return nil
		}
		doc, err := dc.coll.Decode(raw)
		if err != nil {
			return err
		}
		known[id] = cached[T]{hash: h, doc: doc}
		out = append(out, doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(known) > len(out) {
		seen := make(map[*T]bool, len(out))
		for _, d := range out {
			seen[d] = true
		}
		for id, c := range known {
			if !seen[c.doc] {
				delete(known, id)
			}
		}
	}
	return out, nil
}

// Forget drops one document (written or deleted by the pass).
func (dc *docCache[T]) Forget(sc store.Scope, parent, id string) {
	dc.mu.Lock()
	delete(dc.docs[parentKey{sc, parent}], id)
	dc.mu.Unlock()
}

// Reset drops every document.
func (dc *docCache[T]) Reset() {
	dc.mu.Lock()
	dc.docs = map[parentKey]map[string]cached[T]{}
	dc.mu.Unlock()
}
