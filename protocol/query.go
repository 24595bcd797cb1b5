package protocol

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

// queryDecoder reads awsQuery (and ec2 query) forms: structures as Name.Field,
// lists as Name.member.N (ec2 and flattened lists: Name.N), maps as Name.entry.N.key/value.
type queryDecoder struct {
	form     url.Values
	prefixes map[string]bool
	ec2      bool
}

// DecodeQuery fills in (a pointer to an SDK input struct) from a query form.
func DecodeQuery(sh *model.Shape, form url.Values, ec2 bool, in any) error {
	if sh == nil {
		return nil
	}
	d := &queryDecoder{form: form, prefixes: make(map[string]bool, len(form)*2), ec2: ec2}
	for k := range form {
		d.prefixes[k] = true
		for i := 0; i < len(k); i++ {
			if k[i] == '.' {
				d.prefixes[k[:i]] = true
			}
		}
	}
	return d.structure(sh, "", reflect.ValueOf(in).Elem(), 0)
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

func (d *queryDecoder) structure(sh *model.Shape, prefix string, v reflect.Value, depth int) error {
	t := v.Type()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	sv := settable(v)
	for _, f := range fieldsOf(sh, t) {
		key := join(prefix, d.memberName(f.member))
		if !d.prefixes[key] {
			continue
		}
		if err := d.value(f.member, key, sv.Field(f.index), depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (d *queryDecoder) value(m *model.Member, key string, v reflect.Value, depth int) error {
	if depth > maxDepth {
		return apierror.New("ValidationError", "The request is nested too deeply.")
	}
	sh := m.Shape
	switch sh.Type {
	case "structure":
		return d.structure(sh, key, v, depth)
	case "list":
		sv := settable(v)
		if sv.Kind() != reflect.Slice {
			return nil
		}
		elem := key + ".member."
		if d.ec2 || sh.Flattened || m.Flattened {
			elem = key + "."
		} else if sh.Member.LocationName != "" {
			elem = key + "." + sh.Member.LocationName + "."
		}
		out := reflect.MakeSlice(sv.Type(), 0, 4)
		for n := 1; ; n++ {
			k := elem + strconv.Itoa(n)
			if !d.prefixes[k] {
				break
			}
			item := reflect.New(sv.Type().Elem()).Elem()
			if err := d.value(sh.Member, k, item, depth+1); err != nil {
				return err
			}
			out = reflect.Append(out, item)
		}
		sv.Set(out)
	case "map":
		sv := settable(v)
		if sv.Kind() != reflect.Map {
			return nil
		}
		entry := key + ".entry."
		if sh.Flattened || m.Flattened {
			entry = key + "."
		}
		keyName, valName := "key", "value"
		if sh.Key.LocationName != "" {
			keyName = sh.Key.LocationName
		}
		if sh.Value.LocationName != "" {
			valName = sh.Value.LocationName
		}
		out := reflect.MakeMap(sv.Type())
		for n := 1; ; n++ {
			e := entry + strconv.Itoa(n)
			if !d.prefixes[e] {
				break
			}
			k := reflect.New(sv.Type().Key()).Elem()
			k.SetString(d.form.Get(e + "." + keyName))
			val := reflect.New(sv.Type().Elem()).Elem()
			if err := d.value(sh.Value, e+"."+valName, val, depth+1); err != nil {
				return err
			}
			out.SetMapIndex(k, val)
		}
		sv.Set(out)
	default:
		if _, ok := d.form[key]; !ok {
			return nil
		}
		return setScalar(sh, key, d.form.Get(key), v)
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
