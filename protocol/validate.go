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
	var out []Violation
	v, ok := deref(reflect.ValueOf(in))
	if !ok || sh == nil {
		return nil
	}
	validateValue(sh, v, "", &out, 0)
	return out
}

// maxViolations keeps error messages bounded, as AWS's do.
const maxViolations = 10

func validateValue(sh *model.Shape, v reflect.Value, path string, out *[]Violation, depth int) {
	if len(*out) >= maxViolations || depth > maxDepth {
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
			p := join(path, f.name)
			absent := isAbsent(fv)
			if sh.Required[f.member.Name] && absent && isNilable(fv) && fv.Type() != plainString {
				*out = append(*out, Violation{Path: p, Value: "null", Constraint: "Member must not be null"})
				continue
			}
			if absent {
				continue
			}
			validateValue(f.member.Shape, fv, p, out, depth+1)
		}
	case "list":
		checkSize(sh, v.Len(), v, path, out)
		for i := 0; i < v.Len(); i++ {
			validateValue(sh.Member.Shape, v.Index(i), path+"."+strconv.Itoa(i+1)+".member", out, depth+1)
		}
	case "map":
		checkSize(sh, v.Len(), v, path, out)
		for _, k := range sortedKeys(v) {
			validateValue(sh.Key.Shape, k, path+".key", out, depth+1)
			validateValue(sh.Value.Shape, v.MapIndex(k), path+"."+k.String()+".value", out, depth+1)
		}
	case "string":
		s := v.String()
		if !sh.IsEnumValue(s) {
			*out = append(*out, Violation{Path: path, Value: quote(s), Constraint: "Member must satisfy enum value set: [" + strings.Join(sh.Enum, ", ") + "]"})
			return
		}
		checkSize(sh, utf8.RuneCountInString(s), v, path, out)
		if sh.Pattern != nil && !sh.Pattern.MatchString(s) {
			*out = append(*out, Violation{Path: path, Value: quote(s), Constraint: "Member must satisfy regular expression pattern: " + sh.PatternText})
		}
	case "integer", "long":
		checkRange(sh, float64(v.Int()), strconv.FormatInt(v.Int(), 10), path, out)
	case "double", "float":
		checkRange(sh, v.Float(), strconv.FormatFloat(v.Float(), 'f', -1, 64), path, out)
	case "blob":
		checkSize(sh, v.Len(), v, path, out)
	}
}

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

func checkSize(sh *model.Shape, n int, v reflect.Value, path string, out *[]Violation) {
	if sh.Min != nil && float64(n) < *sh.Min {
		*out = append(*out, Violation{Path: path, Value: render(v), Constraint: "Member must have length greater than or equal to " + num(*sh.Min)})
	} else if sh.Max != nil && float64(n) > *sh.Max {
		*out = append(*out, Violation{Path: path, Value: render(v), Constraint: "Member must have length less than or equal to " + num(*sh.Max)})
	}
}

func checkRange(sh *model.Shape, f float64, text, path string, out *[]Violation) {
	if sh.Min != nil && f < *sh.Min {
		*out = append(*out, Violation{Path: path, Value: quote(text), Constraint: "Member must have value greater than or equal to " + num(*sh.Min)})
	} else if sh.Max != nil && f > *sh.Max {
		*out = append(*out, Violation{Path: path, Value: quote(text), Constraint: "Member must have value less than or equal to " + num(*sh.Max)})
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
