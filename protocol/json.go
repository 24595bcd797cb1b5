package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
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
	body = bytes.TrimSpace(body)
	if len(body) == 0 || sh == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return serializationError("Unable to parse the request body as JSON: %v", err)
	}
	if dec.More() {
		return serializationError("Unexpected content after the JSON document.")
	}
	if _, ok := doc.(map[string]any); !ok {
		return serializationError("Start of structure or map expected, got %s.", jsonKind(doc))
	}
	return assignJSON(sh, doc, reflect.ValueOf(in).Elem(), 0)
}

const maxDepth = 64

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return "a value"
}

func assignJSON(sh *model.Shape, doc any, v reflect.Value, depth int) error {
	if doc == nil {
		return nil // null is the same as absent
	}
	if depth > maxDepth {
		return serializationError("The request body is nested too deeply.")
	}
	mismatch := func() error {
		return serializationError("Expected %s for %s, got %s.", sh.Type, sh.Name, jsonKind(doc))
	}
	switch sh.Type {
	case "structure":
		obj, ok := doc.(map[string]any)
		if !ok {
			return mismatch()
		}
		if sh.Document {
			return nil
		}
		t := v.Type()
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil // unions and documents are not decoded into SDK interfaces here
		}
		sv := settable(v)
		for _, f := range fieldsOf(sh, t) {
			raw, ok := obj[f.member.WireName()]
			if !ok {
				continue
			}
			if err := assignJSON(f.member.Shape, raw, sv.Field(f.index), depth+1); err != nil {
				return err
			}
		}
	case "list":
		arr, ok := doc.([]any)
		if !ok {
			return mismatch()
		}
		sv := settable(v)
		if sv.Kind() != reflect.Slice {
			return nil
		}
		out := reflect.MakeSlice(sv.Type(), len(arr), len(arr))
		for i, item := range arr {
			if err := assignJSON(sh.Member.Shape, item, out.Index(i), depth+1); err != nil {
				return err
			}
		}
		sv.Set(out)
	case "map":
		obj, ok := doc.(map[string]any)
		if !ok {
			return mismatch()
		}
		sv := settable(v)
		if sv.Kind() != reflect.Map {
			return nil
		}
		out := reflect.MakeMapWithSize(sv.Type(), len(obj))
		for k, item := range obj {
			key := reflect.New(sv.Type().Key()).Elem()
			key.SetString(k)
			val := reflect.New(sv.Type().Elem()).Elem()
			if err := assignJSON(sh.Value.Shape, item, val, depth+1); err != nil {
				return err
			}
			out.SetMapIndex(key, val)
		}
		sv.Set(out)
	case "string":
		s, ok := doc.(string)
		if !ok {
			return mismatch()
		}
		settable(v).SetString(s)
	case "boolean":
		b, ok := doc.(bool)
		if !ok {
			return mismatch()
		}
		settable(v).SetBool(b)
	case "integer", "long":
		n, ok := doc.(json.Number)
		if !ok {
			return mismatch()
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || (sh.Type == "integer" && (i > math.MaxInt32 || i < math.MinInt32)) {
			return serializationError("NUMBER_VALUE %s can not be converted to %s.", n, sh.Type)
		}
		settable(v).SetInt(i)
	case "double", "float":
		f, err := jsonFloat(doc)
		if err != nil {
			return mismatch()
		}
		settable(v).SetFloat(f)
	case "timestamp":
		t, err := jsonTime(doc)
		if err != nil {
			return serializationError("Expected a timestamp for %s: %v", sh.Name, err)
		}
		settable(v).Set(reflect.ValueOf(t))
	case "blob":
		s, ok := doc.(string)
		if !ok {
			return mismatch()
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return serializationError("Invalid base64 value for %s.", sh.Name)
		}
		settable(v).SetBytes(b)
	}
	return nil
}

func jsonFloat(doc any) (float64, error) {
	switch x := doc.(type) {
	case json.Number:
		return strconv.ParseFloat(string(x), 64)
	case string:
		switch x {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("not a number")
}

func jsonTime(doc any) (time.Time, error) {
	switch x := doc.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return time.Time{}, err
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC(), nil
	case string:
		return time.Parse(time.RFC3339Nano, x)
	}
	return time.Time{}, fmt.Errorf("not a timestamp")
}

// EncodeJSON writes an SDK output struct as an awsJson document.
func EncodeJSON(sh *model.Shape, out any) []byte {
	var buf bytes.Buffer
	if sh == nil || out == nil {
		return []byte("{}")
	}
	v, ok := deref(reflect.ValueOf(out))
	if !ok {
		return []byte("{}")
	}
	writeJSON(&buf, sh, v)
	return buf.Bytes()
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
				writeJSONString(buf, f.member.WireName())
				buf.WriteByte(':')
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
		writeJSONFloat(buf, v.Float())
	case "timestamp":
		t := v.Interface().(time.Time)
		writeJSONFloat(buf, float64(t.UnixMilli())/1e3)
	case "blob":
		buf.WriteByte('"')
		buf.WriteString(base64.StdEncoding.EncodeToString(v.Bytes()))
		buf.WriteByte('"')
	default:
		buf.WriteString("null")
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
