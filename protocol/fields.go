// Package protocol holds Longshore's model-driven wire codecs. The codecs walk
// a model shape and an aws-sdk-go-v2 input or output struct side by side: the
// SDK's structs match the model member by member (the Go field is the member
// name with its first letter upper-cased), so they serve as handler types.
package protocol

import (
	"bytes"
	"reflect"
	"sort"
	"sync"

	"github.com/longshore/longshore/protocol/model"
)

// field binds a structure member to the Go struct field that holds it.
type field struct {
	member *model.Member
	index  int
	name   string // lowerCamel member name, for validation paths
	// jsonKey is the member's awsJson key with its colon, "wireName":,
	// escaped once here rather than on every encode.
	jsonKey string
}

// plan is how one Go struct type holds a structure shape's members.
type plan struct {
	typ    reflect.Type
	fields []field
	byWire map[string]*field
}

// planOf returns the plan for a structure shape and Go struct type. Most shapes
// meet one Go type, kept in the shape's own slot; others fall back to a map.
func planOf(sh *model.Shape, t reflect.Type) *plan {
	if p, ok := sh.Plan.Load().(*plan); ok && p.typ == t {
		return p
	}
	key := planKey{sh, t}
	if p, ok := plans.Load(key); ok {
		return p.(*plan)
	}
	p := &plan{typ: t, fields: make([]field, 0, len(sh.Members))}
	for _, m := range sh.Members {
		sf, ok := t.FieldByName(upperFirst(m.Name))
		if !ok || len(sf.Index) != 1 {
			continue
		}
		p.fields = append(p.fields, field{member: m, index: sf.Index[0], name: lowerFirst(m.Name)})
	}
	p.byWire = make(map[string]*field, len(p.fields))
	var kb bytes.Buffer
	for i := range p.fields {
		f := &p.fields[i]
		p.byWire[f.member.WireName()] = f
		kb.Reset()
		writeJSONString(&kb, f.member.WireName())
		kb.WriteByte(':')
		f.jsonKey = kb.String()
	}
	plans.Store(key, p)
	sh.Plan.CompareAndSwap(nil, p)
	return p
}

type planKey struct {
	shape *model.Shape
	typ   reflect.Type
}

var plans sync.Map // planKey -> *plan

// fieldsOf returns the members of a structure shape that the Go struct type holds.
func fieldsOf(sh *model.Shape, t reflect.Type) []field { return planOf(sh, t).fields }

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]-'A'+'a') + s[1:]
}

// deref follows pointers and interfaces; ok is false for a nil value.
func deref(v reflect.Value) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	return v, true
}

// settable allocates pointers on the way down and returns the value to set.
func settable(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	return v
}

// isAbsent reports whether a member value is unset: a nil pointer, slice, map or
// interface, or an empty string (the SDK's unset enum).
func isAbsent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	case reflect.String:
		return v.Len() == 0
	}
	return false
}

// isNilable reports whether absence of the member can be seen in Go (plain values cannot).
func isNilable(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map, reflect.String:
		return true
	}
	return false
}

// sortedKeys returns a map's keys in order, so that responses are deterministic.
func sortedKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	return keys
}
