package protocol

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

// queryDecoder reads awsQuery (and ec2 query) forms: structures as Name.Field,
// lists as Name.member.N (ec2 and flattened lists: Name.N), maps as Name.entry.N.key/value.
//
// The form's keys are first split at their dots into a tree, once, so that the
// cost of a request is linear in its size whatever its keys look like: a key
// is cut at most maxKeySegments segments deep (deeper than any member path
// the decoder can follow), and keys whose first segment names no member of
// the input are never split at all.
type queryDecoder struct {
	root *qnode
	ec2  bool
}

// qnode is one dotted segment of the form's keys.
type qnode struct {
	children map[string]*qnode
	value    string
	set      bool // a key ends here
}

// maxKeySegments bounds the segments of a key that can name a member: each
// level of nesting adds at most three (Name.entry.N.key), and the decoder
// refuses nesting beyond maxDepth.
const maxKeySegments = 3*maxDepth + 4

func (n *qnode) child(seg string) *qnode {
	if n == nil {
		return nil
	}
	return n.children[seg]
}

// DecodeQuery fills in (a pointer to an SDK input struct) from a query form.
func DecodeQuery(sh *model.Shape, form url.Values, ec2 bool, in any) error {
	if sh == nil {
		return nil
	}
	d := &queryDecoder{root: &qnode{}, ec2: ec2}
	top := make(map[string]bool, len(sh.Members))
	for _, m := range sh.Members {
		top[d.memberName(m)] = true
	}
	for k, vs := range form {
		first, _, _ := strings.Cut(k, ".")
		if !top[first] {
			continue
		}
		d.insert(k, vs)
	}
	return d.structure(sh, d.root, "", reflect.ValueOf(in).Elem(), 0)
}

// insert adds one key to the tree, walking it once from left to right.
func (d *queryDecoder) insert(k string, vs []string) {
	n := d.root
	for segs := 0; ; segs++ {
		if segs == maxKeySegments {
			return // deeper than any member path: an unknown parameter
		}
		seg, rest, more := strings.Cut(k, ".")
		c := n.children[seg]
		if c == nil {
			if n.children == nil {
				n.children = make(map[string]*qnode, 2)
			}
			c = &qnode{}
			n.children[seg] = c
		}
		n = c
		if !more {
			break
		}
		k = rest
	}
	if len(vs) > 0 {
		n.value, n.set = vs[0], true
	}
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (d *queryDecoder) memberName(m *model.Member) string {
	if d.ec2 {
		if m.QueryName != "" {
			return m.QueryName
		}
		if m.LocationName != "" {
			return upperFirst(m.LocationName)
		}
		return upperFirst(m.Name)
	}
	return m.WireName()
}

func (d *queryDecoder) structure(sh *model.Shape, n *qnode, prefix string, v reflect.Value, depth int) error {
	t := v.Type()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	sv := settable(v)
	for _, f := range fieldsOf(sh, t) {
		name := d.memberName(f.member)
		c := n.child(name)
		if c == nil {
			continue
		}
		if err := d.value(f.member, c, join(prefix, name), sv.Field(f.index), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// items returns the numbered children of a list or map node in index order.
// The query protocol numbers members from 1 without gaps (Smithy's awsQuery
// specification: a "1" indexed incrementing counter); a form numbered any
// other way is refused rather than read in part.
func (d *queryDecoder) items(n *qnode, key string) ([]*qnode, error) {
	if n == nil || len(n.children) == 0 {
		return nil, nil
	}
	type item struct {
		i int
		n *qnode
	}
	out := make([]item, 0, len(n.children))
	for seg, c := range n.children {
		i, err := strconv.Atoi(seg)
		if err != nil || i < 1 || strconv.Itoa(i) != seg {
			return nil, d.badIndex(key, key+"."+seg)
		}
		out = append(out, item{i, c})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].i < out[b].i })
	nodes := make([]*qnode, len(out))
	for j, it := range out {
		if it.i != j+1 {
			return nil, d.badIndex(key, key+"."+strconv.Itoa(j+1))
		}
		nodes[j] = it.n
	}
	return nodes, nil
}

// badIndex is the error of a list or map numbered other than 1, 2, 3...
func (d *queryDecoder) badIndex(key, at string) error {
	if d.ec2 {
		return apierror.New("InvalidParameterValue", "The list parameter %s must be numbered from 1 without gaps; %s is missing or invalid.", key, at)
	}
	return apierror.New("ValidationError", "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must be numbered from 1 without gaps (%s is missing or invalid)", lowerFirst(key), at)
}

func (d *queryDecoder) value(m *model.Member, n *qnode, key string, v reflect.Value, depth int) error {
	if depth > maxDepth {
		return apierror.New("ValidationError", "The request is nested too deeply.")
	}
	sh := m.Shape
	switch sh.Type {
	case "structure":
		return d.structure(sh, n, key, v, depth)
	case "list":
		sv := settable(v)
		if sv.Kind() != reflect.Slice {
			return nil
		}
		elems, elemKey := n.child("member"), key+".member"
		if d.ec2 || sh.Flattened || m.Flattened {
			elems, elemKey = n, key
		} else if sh.Member.LocationName != "" {
			elems, elemKey = n.child(sh.Member.LocationName), key+"."+sh.Member.LocationName
		}
		items, err := d.items(elems, elemKey)
		if err != nil {
			return err
		}
		out := reflect.MakeSlice(sv.Type(), len(items), len(items))
		for i, it := range items {
			if err := d.value(sh.Member, it, elemKey+"."+strconv.Itoa(i+1), out.Index(i), depth+1); err != nil {
				return err
			}
		}
		sv.Set(out)
	case "map":
		sv := settable(v)
		if sv.Kind() != reflect.Map {
			return nil
		}
		entries, entryKey := n.child("entry"), key+".entry"
		if sh.Flattened || m.Flattened {
			entries, entryKey = n, key
		}
		keyName, valName := "key", "value"
		if sh.Key.LocationName != "" {
			keyName = sh.Key.LocationName
		}
		if sh.Value.LocationName != "" {
			valName = sh.Value.LocationName
		}
		items, err := d.items(entries, entryKey)
		if err != nil {
			return err
		}
		out := reflect.MakeMapWithSize(sv.Type(), len(items))
		for i, e := range items {
			ek := entryKey + "." + strconv.Itoa(i+1)
			k := reflect.New(sv.Type().Key()).Elem()
			if kn := e.child(keyName); kn != nil {
				k.SetString(kn.value)
			}
			val := reflect.New(sv.Type().Elem()).Elem()
			if vn := e.child(valName); vn != nil {
				if err := d.value(sh.Value, vn, ek+"."+valName, val, depth+1); err != nil {
					return err
				}
			}
			out.SetMapIndex(k, val)
		}
		sv.Set(out)
	default:
		if !n.set {
			return nil
		}
		return setScalar(sh, key, n.value, v)
	}
	return nil
}

// setScalar parses one query value into a scalar Go field.
func setScalar(sh *model.Shape, key, s string, v reflect.Value) error {
	bad := func(want string) error {
		return apierror.New("ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be %s", s, lowerFirst(key), want)
	}
	switch sh.Type {
	case "string":
		settable(v).SetString(s)
	case "boolean":
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad("a boolean")
		}
		settable(v).SetBool(b)
	case "integer", "long":
		bits := 64
		if sh.Type == "integer" {
			bits = 32
		}
		i, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return bad("an integer")
		}
		settable(v).SetInt(i)
	case "double", "float":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad("a number")
		}
		settable(v).SetFloat(f)
	case "timestamp":
		t, err := parseQueryTime(s)
		if err != nil {
			return bad("a timestamp")
		}
		settable(v).Set(reflect.ValueOf(t))
	case "blob":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return bad("base64-encoded")
		}
		settable(v).SetBytes(b)
	}
	return nil
}

func parseQueryTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eE") {
		return time.UnixMilli(int64(f * 1e3)).UTC(), nil
	}
	return time.Parse("2006-01-02T15:04:05Z0700", s)
}
