package store

import (
	"sync"
	"sync/atomic"
)

// docCache keeps the stored bytes of documents read by id, so that a read
// that finds its document here runs no SQL at all (ReadCached).
//
// Every committed write that puts or deletes documents moves gen twice:
// to odd before its COMMIT, after dropping the documents it wrote and
// noting them in the log of recent changes, and back to even once
// committed. A cached document is thus the latest committed one whenever
// gen is even. A read transaction notes gen when it starts (g0); if gen is
// unchanged when it ends, every document it read, cached or not, is the
// state at g0. If gen moved, the read is still sound unless a document it
// took from the cache changed meanwhile (its SQL statements may have seen
// the newer state); then it runs again without the cache.
type docCache struct {
	gen atomic.Uint64

	mu      sync.Mutex
	entries map[kindScope]map[string][]byte
	size    int // bytes held
	// log holds the changes of recent commits: a ring, lost being the
	// newest generation overwritten in it.
	log  [logSize]change
	next int
	lost uint64
	// derived holds values computed from whole kinds of a scope (Derive),
	// dropped by any commit that writes one of those kinds there; byDep
	// finds them from the kind.
	derived map[derivedKey]derivedValue
	byDep   map[kindScope]map[derivedKey]struct{}
}

type derivedKey struct {
	name string
	sc   Scope
}

type derivedValue struct {
	v    any
	deps []kindScope
}

type kindScope struct {
	kind string
	sc   Scope
}

// docKey names one document; an empty id stands for every document of its
// kind and scope, an empty kind for every document (Reset).
type docKey struct {
	kindScope
	id string
}

type change struct {
	gen uint64
	key docKey
}

const (
	logSize = 1024
	// maxCacheBytes bounds the documents held; beyond it some are dropped.
	maxCacheBytes = 32 << 20
	// maxCachedDoc is the largest document kept.
	maxCachedDoc = 1 << 20
	// maxDerived bounds the derived values held; beyond it all are dropped.
	maxDerived = 4096
)

func newDocCache() *docCache {
	return &docCache{entries: map[kindScope]map[string][]byte{},
		derived: map[derivedKey]derivedValue{}, byDep: map[kindScope]map[derivedKey]struct{}{}}
}

// get returns a cached document's bytes, which nobody may change.
func (c *docCache) get(k docKey) ([]byte, bool) {
	c.mu.Lock()
	doc, ok := c.entries[k.kindScope][k.id]
	c.mu.Unlock()
	return doc, ok
}

// fill caches documents read at generation g0, unless a commit began since.
func (c *docCache) fill(g0 uint64, docs []cachedDoc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != g0 {
		return
	}
	for _, d := range docs {
		if len(d.doc) > maxCachedDoc {
			continue
		}
		for c.size+len(d.doc) > maxCacheBytes && c.size > 0 {
			c.evict()
		}
		ids := c.entries[d.key.kindScope]
		if ids == nil {
			ids = map[string][]byte{}
			c.entries[d.key.kindScope] = ids
		}
		c.size += len(d.doc) - len(ids[d.key.id])
		ids[d.key.id] = d.doc
	}
}

// evict drops documents of one kind and scope (the map's order is random).
func (c *docCache) evict() {
	for ks, ids := range c.entries {
		for id, doc := range ids {
			delete(ids, id)
			c.size -= len(doc)
			if c.size <= maxCacheBytes/2 {
				return
			}
		}
		delete(c.entries, ks)
		return
	}
}

// beginCommit runs before a COMMIT that changes keys: it drops them, logs
// them and makes gen odd. endCommit makes it even again.
func (c *docCache) beginCommit(keys []docKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.gen.Add(1)
	for _, k := range keys {
		if k.kind == "" {
			c.dropDerived()
		} else if ds := c.byDep[k.kindScope]; ds != nil {
			for dk := range ds {
				delete(c.derived, dk)
			}
			delete(c.byDep, k.kindScope)
		}
		switch {
		case k.kind == "":
			c.entries = map[kindScope]map[string][]byte{}
			c.size = 0
		case k.id == "":
			for _, doc := range c.entries[k.kindScope] {
				c.size -= len(doc)
			}
			delete(c.entries, k.kindScope)
		default:
			if doc, ok := c.entries[k.kindScope][k.id]; ok {
				c.size -= len(doc)
				delete(c.entries[k.kindScope], k.id)
			}
		}
		if old := c.log[c.next]; old.gen > c.lost {
			c.lost = old.gen
		}
		c.log[c.next] = change{gen: g, key: k}
		c.next = (c.next + 1) % logSize
	}
}

func (c *docCache) endCommit() { c.gen.Add(1) }

// changedSince reports whether any of keys (an empty id: any document of
// its kind and scope) may have changed in a commit after generation g0.
func (c *docCache) changedSince(g0 uint64, keys []docKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changedSinceLocked(g0, keys)
}

func (c *docCache) changedSinceLocked(g0 uint64, keys []docKey) bool {
	if c.lost > g0 {
		return true
	}
	for _, ch := range c.log {
		if ch.gen <= g0 {
			continue
		}
		for _, k := range keys {
			if ch.key.kind == "" || ch.key.kindScope == k.kindScope && (ch.key.id == "" || k.id == "" || ch.key.id == k.id) {
				return true
			}
		}
	}
	return false
}

// cachedDoc is a document a read transaction found, to cache once it ends.
type cachedDoc struct {
	key docKey
	doc []byte
}

// readCache is a read transaction's use of the cache.
type readCache struct {
	g0      uint64
	served  []docKey    // documents answered from the cache
	fetched []cachedDoc // documents read through SQL
}

func (c *docCache) dropDerived() {
	c.derived = map[derivedKey]derivedValue{}
	c.byDep = map[kindScope]map[derivedKey]struct{}{}
}

// Derive returns what compute derives from the documents of kinds in sc
// (a cluster's counts of its tasks and services), named by name, which
// must say everything compute depends on besides them. In a ReadCached
// transaction the value is kept until a commit writes a document of one of
// those kinds in sc, and later reads take it without running compute: a
// derived value costs nothing while its documents stay unchanged. The value
// is shared by every read that takes it, so nobody may change it (a value
// type, or one never written to). Elsewhere compute simply runs.
func Derive[V any](tx *Tx, sc Scope, name string, kinds []string, compute func() (V, error)) (V, error) {
	rc := tx.cached
	if rc == nil {
		return compute()
	}
	c := tx.store.cache
	dk := derivedKey{name, sc}
	c.mu.Lock()
	d, ok := c.derived[dk]
	c.mu.Unlock()
	if v, isV := d.v.(V); ok && isV {
		// Held means no commit wrote its kinds since it was computed; a
		// commit during this read is caught as for a cached document.
		for _, ks := range d.deps {
			rc.served = append(rc.served, docKey{kindScope: ks})
		}
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	deps := make([]kindScope, len(kinds))
	for i, k := range kinds {
		deps[i] = kindScope{k, sc}
	}
	served := make([]docKey, len(deps))
	for i, ks := range deps {
		served[i] = docKey{kindScope: ks}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// compute read the state at rc.g0 unless a commit since then wrote its
	// kinds (it may have seen that commit, or not): keep it only if none did.
	if c.gen.Load() != rc.g0 && c.changedSinceLocked(rc.g0, served) {
		return v, nil
	}
	if len(c.derived) >= maxDerived {
		c.dropDerived()
	}
	c.derived[dk] = derivedValue{v: v, deps: deps}
	for _, ks := range deps {
		if c.byDep[ks] == nil {
			c.byDep[ks] = map[derivedKey]struct{}{}
		}
		c.byDep[ks][dk] = struct{}{}
	}
	return v, nil
}
