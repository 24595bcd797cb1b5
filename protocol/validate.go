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
			w.add(quote(s), "Member must satisfy enum value set: ["+strings.Join(sh.Enum, ", ")+"]")
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

func render(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return quote(v.String())
	case reflect.Slice, reflect.Map:
		return quote(fmt.Sprint(v.Interface()))
	}
	if t, ok := v.Interface().(time.Time); ok {
		return quote(t.String())
	}
	return quote(fmt.Sprint(v.Interface()))
}

func (w *validator) size(sh *model.Shape, n int, v reflect.Value) {
	if sh.Min != nil && float64(n) < *sh.Min {
		w.add(render(v), "Member must have length greater than or equal to "+num(*sh.Min))
	} else if sh.Max != nil && float64(n) > *sh.Max {
		w.add(render(v), "Member must have length less than or equal to "+num(*sh.Max))
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
