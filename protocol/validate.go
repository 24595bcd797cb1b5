package protocol

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/longshore/longshore/protocol/model"
)

// Violation is one broken model constraint, in AWS's validation wording.
type Violation struct {
	Path       string // e.g. "tags.1.member.key"
	Value      string // rendered as AWS renders it: 'x' or null
	Constraint string // e.g. "Member must not be null"
}

func (v Violation) String() string {
	return fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", v.Value, v.Path, v.Constraint)
}

// ValidationMessage joins violations the way AWS's front ends do.
func ValidationMessage(vs []Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	noun := "errors"
	if len(vs) == 1 {
		noun = "error"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(vs), noun, strings.Join(parts, "; "))
}

// Validate checks a decoded input against the model's constraints: required
// members, enums, lengths, ranges and patterns. Plain (non-pointer) members
// cannot be told apart from zero and are never reported missing.
func Validate(sh *model.Shape, in any) []Violation {
	v, ok := deref(reflect.ValueOf(in))
	if !ok || sh == nil {
		return nil
	}
	w := &validator{}
	w.value(sh, v, 0)
	return w.out
}

// validator walks a value, keeping the member path as segments so that the
// path string is only built when a violation is reported.
type validator struct {
	path []string
	out  []Violation
}

func (w *validator) add(value, constraint string) {
	w.out = append(w.out, Violation{Path: strings.Join(w.path, "."), Value: value, Constraint: constraint})
}

// maxViolations keeps error messages bounded, as AWS's do.
const maxViolations = 10

func (w *validator) value(sh *model.Shape, v reflect.Value, depth int) {
	if len(w.out) >= maxViolations || depth > maxDepth {
		return
	}
	v, ok := deref(v)
	if !ok {
		return
	}
	switch sh.Type {
	case "structure":
		if v.Kind() != reflect.Struct {
			return
		}
		for _, f := range fieldsOf(sh, v.Type()) {
			fv := v.Field(f.index)
			absent := isAbsent(fv)
			if !absent || sh.Required[f.member.Name] {
				w.path = append(w.path, f.name)
				if absent {
					if isNilable(fv) && fv.Type() != plainString {
						w.add("null", "Member must not be null")
					}
				} else {
					w.value(f.member.Shape, fv, depth+1)
				}
				w.path = w.path[:len(w.path)-1]
			}
		}
	case "list":
		w.size(sh, v.Len(), v)
		if !needsCheck(sh.Member.Shape) {
			return
		}
		for i := 0; i < v.Len(); i++ {
			w.path = append(w.path, strconv.Itoa(i+1), "member")
			w.value(sh.Member.Shape, v.Index(i), depth+1)
			w.path = w.path[:len(w.path)-2]
		}
	case "map":
		w.size(sh, v.Len(), v)
		if !needsCheck(sh.Key.Shape) && !needsCheck(sh.Value.Shape) {
			return
		}
		for _, k := range sortedKeys(v) {
			w.path = append(w.path, "key")
			w.value(sh.Key.Shape, k, depth+1)
			w.path[len(w.path)-1] = k.String()
			w.path = append(w.path, "value")
			w.value(sh.Value.Shape, v.MapIndex(k), depth+1)
			w.path = w.path[:len(w.path)-2]
		}
	case "string":
		s := v.String()
		if !sh.IsEnumValue(s) {
			w.add(quote(s), "Member must satisfy enum value set: ["+strings.Join(sh.EnumListed, ", ")+"]")
			return
		}
		if sh.Min != nil || sh.Max != nil {
			w.size(sh, utf8.RuneCountInString(s), v)
		}
		if sh.Pattern != nil && !sh.Pattern.MatchString(s) {
			w.add(quote(s), "Member must satisfy regular expression pattern: "+sh.PatternText)
		}
	case "integer", "long":
		if sh.Min != nil || sh.Max != nil {
			w.rangeOf(sh, float64(v.Int()), strconv.FormatInt(v.Int(), 10))
		}
	case "double", "float":
		if sh.Min != nil || sh.Max != nil {
			w.rangeOf(sh, v.Float(), strconv.FormatFloat(v.Float(), 'f', -1, 64))
		}
	case "blob":
		w.size(sh, v.Len(), v)
	}
}

// needsCheck reports whether values of a shape can break a constraint at all.
func needsCheck(sh *model.Shape) bool {
	switch sh.Type {
	case "structure", "list", "map":
		return true
	}
	return sh.Min != nil || sh.Max != nil || sh.Pattern != nil || len(sh.Enum) > 0
}

// plainString is a non-enum string member, whose absence Go cannot see.
var plainString = reflect.TypeOf("")

func quote(s string) string { return "'" + s + "'" }

// render shows a value as AWS's Java front ends print it in a validation
// message: the value's toString in quotes. A list prints as [a, b], a map as
// {k=v}, a structure as its shape's name with its members in model order,
// Tag(key=k, value=null), never as Go values (CloudWatch Logs' recorded
// "Value '[MetricTransformation(metricName=metric1, ..., dimensions=null)]'").
func render(sh *model.Shape, v reflect.Value) string {
	var b strings.Builder
	javaString(&b, sh, v, 0)
	return quote(b.String())
}

func javaString(b *strings.Builder, sh *model.Shape, v reflect.Value, depth int) {
	v, ok := deref(v)
	if !ok || depth > maxDepth {
		b.WriteString("null")
		return
	}
	if t, ok := v.Interface().(time.Time); ok {
		b.WriteString(t.UTC().Format("Mon Jan 02 15:04:05 MST 2006"))
		return
	}
	switch {
	case sh != nil && sh.Type == "structure" && v.Kind() == reflect.Struct:
		b.WriteString(sh.Name + "(")
		for i, f := range fieldsOf(sh, v.Type()) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.name + "=")
			fv := v.Field(f.index)
			if isAbsent(fv) && isNilable(fv) {
				b.WriteString("null")
				continue
			}
			javaString(b, f.member.Shape, fv, depth+1)
		}
		b.WriteString(")")
	case sh != nil && sh.Type == "blob" || v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		fmt.Fprintf(b, "java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]", v.Len(), v.Len())
	case v.Kind() == reflect.Slice || v.Kind() == reflect.Array:
		var elem *model.Shape
		if sh != nil && sh.Member != nil {
			elem = sh.Member.Shape
		}
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			javaString(b, elem, v.Index(i), depth+1)
		}
		b.WriteString("]")
	case v.Kind() == reflect.Map:
		var key, val *model.Shape
		if sh != nil && sh.Key != nil && sh.Value != nil {
			key, val = sh.Key.Shape, sh.Value.Shape
		}
		b.WriteString("{")
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b.WriteString(", ")
			}
			javaString(b, key, k, depth+1)
			b.WriteString("=")
			javaString(b, val, v.MapIndex(k), depth+1)
		}
		b.WriteString("}")
	case v.Kind() == reflect.String:
		b.WriteString(v.String())
	case v.Kind() == reflect.Float32 || v.Kind() == reflect.Float64:
		b.WriteString(javaDouble(v.Float()))
	case v.Kind() == reflect.Struct || v.Kind() == reflect.Interface:
		b.WriteString("null") // a union or document the model does not describe here
	default:
		fmt.Fprint(b, v.Interface())
	}
}

// javaDouble prints a double as Java's Double.toString does for ordinary magnitudes: 1.0, 0.5.
func javaDouble(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEIN") {
		s += ".0"
	}
	return s
}

func (w *validator) size(sh *model.Shape, n int, v reflect.Value) {
	if sh.Min != nil && float64(n) < *sh.Min {
		w.add(render(sh, v), "Member must have length greater than or equal to "+num(*sh.Min))
	} else if sh.Max != nil && float64(n) > *sh.Max {
		w.add(render(sh, v), "Member must have length less than or equal to "+num(*sh.Max))
	}
}

func (w *validator) rangeOf(sh *model.Shape, f float64, text string) {
	if sh.Min != nil && f < *sh.Min {
		w.add(quote(text), "Member must have value greater than or equal to "+num(*sh.Min))
	} else if sh.Max != nil && f > *sh.Max {
		w.add(quote(text), "Member must have value less than or equal to "+num(*sh.Max))
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
