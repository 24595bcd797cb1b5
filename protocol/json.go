package protocol

import (
	"bytes"
	"encoding/base64"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

// serializationError is awsJson's answer to a body it cannot read.
func serializationError(format string, args ...any) *apierror.Error {
	return apierror.WithStatus(400, "SerializationException", format, args...)
}

// DecodeJSON fills in (a pointer to an SDK input struct) from an awsJson body.
func DecodeJSON(sh *model.Shape, body []byte, in any) error {
	r := &jsonReader{b: body}
	// One copy of the body, made at the first string read, backs every
	// string read from it: a string without escapes is a slice of it, not
	// an allocation of its own.
	r.share = len(body) <= maxSharedBody
	if r.peek() == 0 || sh == nil {
		return nil
	}
	if r.peek() != '{' {
		return serializationError("Start of structure or map expected, got %s.", r.kind())
	}
	if err := r.value(sh, reflect.ValueOf(in).Elem(), 0); err != nil {
		return err
	}
	if r.peek() != 0 {
		return serializationError("Unexpected content after the JSON document.")
	}
	return nil
}

const maxDepth = 64

// maxSharedBody bounds the documents whose strings share one copy of them: a
// string kept from a larger one would keep all of it alive.
const maxSharedBody = 64 << 10

// EncodeJSON writes an SDK output struct as an awsJson document.
func EncodeJSON(sh *model.Shape, out any) []byte { return done(encodeJSON(sh, out)) }

// encodeJSON writes the document in scratch memory.
func encodeJSON(sh *model.Shape, out any) *bytes.Buffer {
	buf := scratch()
	writeDocument(buf, sh, out)
	return buf
}

// writeDocument writes out's awsJson document, {} when there is none.
func writeDocument(buf *bytes.Buffer, sh *model.Shape, out any) {
	if sh == nil || out == nil {
		buf.WriteString("{}")
		return
	}
	v, ok := deref(reflect.ValueOf(out))
	if !ok {
		buf.WriteString("{}")
		return
	}
	writeJSON(buf, sh, v)
}

func writeJSON(buf *bytes.Buffer, sh *model.Shape, v reflect.Value) {
	v, ok := deref(v)
	if !ok {
		buf.WriteString("null")
		return
	}
	switch sh.Type {
	case "structure":
		buf.WriteByte('{')
		if v.Kind() == reflect.Struct {
			first := true
			for _, f := range fieldsOf(sh, v.Type()) {
				fv := v.Field(f.index)
				if isAbsent(fv) {
					continue
				}
				if !first {
					buf.WriteByte(',')
				}
				first = false
				buf.WriteString(f.jsonKey)
				writeJSON(buf, f.member.Shape, fv)
			}
		}
		buf.WriteByte('}')
	case "list":
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSON(buf, sh.Member.Shape, v.Index(i))
		}
		buf.WriteByte(']')
	case "map":
		buf.WriteByte('{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, k.String())
			buf.WriteByte(':')
			writeJSON(buf, sh.Value.Shape, v.MapIndex(k))
		}
		buf.WriteByte('}')
	case "string":
		writeJSONString(buf, v.String())
	case "boolean":
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case "integer", "long":
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case "double", "float":
		writeJSONDouble(buf, v.Float())
	case "timestamp":
		var t time.Time
		if v.CanAddr() {
			t = *v.Addr().Interface().(*time.Time) // no copy to the heap
		} else {
			t = v.Interface().(time.Time)
		}
		writeJSONFloat(buf, float64(t.UnixMilli())/1e3)
	case "blob":
		buf.WriteByte('"')
		buf.WriteString(base64.StdEncoding.EncodeToString(v.Bytes()))
		buf.WriteByte('"')
	default:
		buf.WriteString("null")
	}
}

// writeJSONDouble writes a double as AWS's services do: integral values keep
// a fraction (100.0), which is what the AWS CLI then prints.
func writeJSONDouble(buf *bytes.Buffer, f float64) {
	writeJSONFloat(buf, f)
	if !math.IsNaN(f) && !math.IsInf(f, 0) && f == math.Trunc(f) {
		buf.WriteString(".0")
	}
}

func writeJSONFloat(buf *bytes.Buffer, f float64) {
	switch {
	case math.IsNaN(f):
		buf.WriteString(`"NaN"`)
	case math.IsInf(f, 1):
		buf.WriteString(`"Infinity"`)
	case math.IsInf(f, -1):
		buf.WriteString(`"-Infinity"`)
	default:
		buf.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
	}
}

const hexDigits = "0123456789abcdef"

// writeJSONString writes s as a JSON string, escaping what JSON requires.
func writeJSONString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hexDigits[c>>4])
				buf.WriteByte(hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// EncodeJSONError renders an error as awsJson's {"__type", "message"} body.
func EncodeJSONError(e *apierror.Error) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"__type":`)
	writeJSONString(&buf, e.Code)
	buf.WriteString(`,"message":`)
	writeJSONString(&buf, e.Message)
	buf.WriteByte('}')
	return buf.Bytes()
}
