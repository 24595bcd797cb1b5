package policy

import "sync"

// cache keeps parsed documents by their text: stored policies are parsed
// once however often they are evaluated. Documents are read-only once parsed.
var cache struct {
	sync.Mutex
	docs map[string]*Document
}

// maxCached bounds the cache; it is emptied when full.
const maxCached = 4096

// ParseCached is Parse, remembering documents that parse.
func ParseCached(doc string) (*Document, error) {
	cache.Lock()
	d, ok := cache.docs[doc]
	cache.Unlock()
	if ok {
		return d, nil
	}
	d, err := Parse(doc)
	if err != nil {
		return nil, err
	}
	cache.Lock()
	if cache.docs == nil || len(cache.docs) >= maxCached {
		cache.docs = make(map[string]*Document)
	}
	cache.docs[doc] = d
	cache.Unlock()
	return d, nil
}
