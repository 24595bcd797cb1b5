package policy

import "strings"

// Context holds the request's condition keys and their values. Keys are
// case-insensitive: use Set, or lower-case them yourself.
type Context map[string][]string

// Set stores the values of a context key.
func (c Context) Set(key string, values ...string) { c[strings.ToLower(key)] = values }

// Get returns the values of a context key.
func (c Context) Get(key string) ([]string, bool) {
	v, ok := c[strings.ToLower(key)]
	return v, ok
}
