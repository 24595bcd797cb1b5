package protocol

import (
	"encoding/base64"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/longshore/longshore/protocol/model"
)

// jsonReader decodes an awsJson body straight into an SDK struct, walking the
// model shape as it reads: no intermediate map[string]any, and members the
// model does not know are skipped.
type jsonReader struct {
	b   []byte
	pos int
	// share says strings read are slices of whole, b as a string, copied
	// at the first (see shared).
	share bool
	whole string
	// Slabs of the values behind pointer members.
	strs  slab[string]
	i32s  slab[int32]
	i64s  slab[int64]
	bools slab[bool]
}

func (r *jsonReader) fail(format string, args ...any) error {
	return serializationError(format, args...)
}

func (r *jsonReader) ws() {
	for r.pos < len(r.b) {
		switch r.b[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (r *jsonReader) peek() byte {
	r.ws()
	if r.pos >= len(r.b) {
		return 0
	}
	return r.b[r.pos]
}

func (r *jsonReader) expect(c byte) error {
	if r.peek() != c {
		return r.fail("Unexpected character at offset %d: expected '%c'.", r.pos, c)
	}
	r.pos++
	return nil
}

// literal consumes null, true or false.
func (r *jsonReader) literal(word string) bool {
	if len(r.b)-r.pos >= len(word) && string(r.b[r.pos:r.pos+len(word)]) == word {
		r.pos += len(word)
		return true
	}
	return false
}

// kind names the JSON value that starts at the next byte, for error messages.
func (r *jsonReader) kind() string {
	switch r.peek() {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case 0:
		return "the end of the body"
	}
	return "a number"
}

// value reads one value of shape sh into v. depth bounds nesting.
func (r *jsonReader) value(sh *model.Shape, v reflect.Value, depth int) error {
	if depth > maxDepth {
		return r.fail("The request body is nested too deeply.")
	}
	c := r.peek()
	if c == 'n' {
		if !r.literal("null") {
			return r.fail("Invalid literal at offset %d.", r.pos)
		}
		return nil // null is the same as absent
	}
	mismatch := func() error {
		return r.fail("Expected %s for %s, got %s.", sh.Type, sh.Name, r.kind())
	}
	switch sh.Type {
	case "structure":
		if c != '{' {
			return mismatch()
		}
		t := v.Type()
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if sh.Document || t.Kind() != reflect.Struct {
			return r.skip(depth) // unions and documents are not decoded into SDK interfaces here
		}
		sv := settable(v)
		byWire := planOf(sh, t).byWire
		for more, err := r.first(); more || err != nil; more, err = r.next() {
			if err != nil {
				return err
			}
			key, err := r.key()
			if err != nil {
				return err
			}
			if f := byWire[string(key)]; f != nil {
				err = r.value(f.member.Shape, sv.Field(f.index), depth+1)
			} else {
				err = r.skip(depth + 1)
			}
			if err != nil {
				return err
			}
		}
		return nil
	case "list":
		if c != '[' {
			return mismatch()
		}
		sv := settable(v)
		if sv.Kind() != reflect.Slice {
			return r.skip(depth)
		}
		r.pos++
		// Elements are read in place, into a slice grown as it fills:
		// reflect.Append would allocate a slice header for every element.
		sv.SetZero()
		sv.Grow(4)
		if r.peek() == ']' {
			r.pos++
			return nil
		}
		for {
			n := sv.Len()
			if n == sv.Cap() {
				sv.Grow(1)
			}
			sv.SetLen(n + 1)
			if err := r.value(sh.Member.Shape, sv.Index(n), depth+1); err != nil {
				return err
			}
			switch r.peek() {
			case ',':
				r.pos++
			case ']':
				r.pos++
				return nil
			default:
				return r.fail("Unexpected character at offset %d in an array.", r.pos)
			}
		}
	case "map":
		if c != '{' {
			return mismatch()
		}
		sv := settable(v)
		if sv.Kind() != reflect.Map {
			return r.skip(depth)
		}
		out := reflect.MakeMap(sv.Type())
		// One key and one value are reused: SetMapIndex copies them in.
		k, val := reflect.New(sv.Type().Key()).Elem(), reflect.New(sv.Type().Elem()).Elem()
		for more, err := r.first(); more || err != nil; more, err = r.next() {
			if err != nil {
				return err
			}
			key, at, err := r.keyAt()
			if err != nil {
				return err
			}
			val.SetZero()
			if err := r.value(sh.Value.Shape, val, depth+1); err != nil {
				return err
			}
			k.SetString(r.text(key, at))
			out.SetMapIndex(k, val)
		}
		sv.Set(out)
	case "string":
		if c != '"' {
			return mismatch()
		}
		s, err := r.str()
		if err != nil {
			return err
		}
		if nilPointer(v, stringPtrType) {
			v.Set(reflect.ValueOf(r.strs.ptr(s)))
			return nil
		}
		settable(v).SetString(s)
	case "boolean":
		var b bool
		switch {
		case r.literal("true"):
			b = true
		case r.literal("false"):
		default:
			return mismatch()
		}
		if nilPointer(v, boolPtrType) {
			v.Set(reflect.ValueOf(r.bools.ptr(b)))
			return nil
		}
		settable(v).SetBool(b)
	case "integer", "long":
		n, ok := r.numberText()
		if !ok {
			return mismatch()
		}
		i, ok := smallInt(n)
		if !ok {
			var err error
			if i, err = strconv.ParseInt(string(n), 10, 64); err != nil {
				i, ok = 0, false
			} else {
				ok = true
			}
		}
		if !ok || (sh.Type == "integer" && (i > math.MaxInt32 || i < math.MinInt32)) {
			return r.fail("NUMBER_VALUE %s can not be converted to %s.", n, sh.Type)
		}
		switch {
		case nilPointer(v, int32PtrType):
			v.Set(reflect.ValueOf(r.i32s.ptr(int32(i))))
		case nilPointer(v, int64PtrType):
			v.Set(reflect.ValueOf(r.i64s.ptr(i)))
		default:
			settable(v).SetInt(i)
		}
	case "double", "float":
		f, err := r.float()
		if err != nil {
			return mismatch()
		}
		settable(v).SetFloat(f)
	case "timestamp":
		t, err := r.timestamp()
		if err != nil {
			return r.fail("Expected a timestamp for %s.", sh.Name)
		}
		settable(v).Set(reflect.ValueOf(t))
	case "blob":
		if c != '"' {
			return mismatch()
		}
		s, err := r.str()
		if err != nil {
			return err
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return r.fail("Invalid base64 value for %s.", sh.Name)
		}
		settable(v).SetBytes(b)
	default:
		return r.skip(depth)
	}
	return nil
}

// first opens an object and reports whether a member follows.
func (r *jsonReader) first() (bool, error) {
	if err := r.expect('{'); err != nil {
		return false, err
	}
	if r.peek() == '}' {
		r.pos++
		return false, nil
	}
	return true, nil
}

// next moves past a member's value and reports whether another member follows.
func (r *jsonReader) next() (bool, error) {
	switch r.peek() {
	case ',':
		r.pos++
		return true, nil
	case '}':
		r.pos++
		return false, nil
	}
	return false, r.fail("Unexpected character at offset %d in an object.", r.pos)
}

// key reads a member name and its colon. The bytes are only valid until the next read.
func (r *jsonReader) key() ([]byte, error) {
	k, _, err := r.keyAt()
	return k, err
}

// keyAt is key, also giving the offset of the name in b, or -1 when the
// name had escapes (and is not a slice of b).
func (r *jsonReader) keyAt() ([]byte, int, error) {
	if r.peek() != '"' {
		return nil, -1, r.fail("Expected a member name at offset %d.", r.pos)
	}
	start := r.pos + 1
	end := start
	for end < len(r.b) && plain[r.b[end]] {
		end++
	}
	var k []byte
	at := -1
	if end < len(r.b) && r.b[end] == '"' {
		k, r.pos, at = r.b[start:end], end+1, start
	} else {
		s, err := r.str()
		if err != nil {
			return nil, -1, err
		}
		k = []byte(s)
	}
	if err := r.expect(':'); err != nil {
		return nil, -1, err
	}
	return k, at, nil
}

// text returns k, found at b[at:] (at -1: not a slice of b), as a string.
func (r *jsonReader) text(k []byte, at int) string {
	if at >= 0 && r.share {
		return r.shared(at, at+len(k))
	}
	return string(k)
}

// shared returns b[from:to] as a slice of whole, copying b the first time.
func (r *jsonReader) shared(from, to int) string {
	if r.whole == "" {
		r.whole = string(r.b)
	}
	return r.whole[from:to]
}

// slab hands out pointers to values it keeps in blocks allocated a few at
// a time: the SDK's *string, *int32, *bool... members would otherwise cost an
// allocation each. A pointer kept keeps its block alive.
type slab[T any] []T

func (b *slab[T]) ptr(v T) *T {
	if len(*b) == cap(*b) {
		*b = make([]T, 0, 16)
	}
	*b = append(*b, v)
	return &(*b)[len(*b)-1]
}

var (
	stringPtrType reflect.Type = reflect.TypeFor[*string]()
	int32PtrType  reflect.Type = reflect.TypeFor[*int32]()
	int64PtrType  reflect.Type = reflect.TypeFor[*int64]()
	boolPtrType   reflect.Type = reflect.TypeFor[*bool]()
)

// nilPointer reports whether v is an unset pointer member of type t, which
// the reader then sets from a slab.
func nilPointer(v reflect.Value, t reflect.Type) bool {
	return v.Kind() == reflect.Pointer && v.IsNil() && v.Type() == t
}

// skip reads and discards one well-formed value.
func (r *jsonReader) skip(depth int) error {
	if depth > maxDepth {
		return r.fail("The request body is nested too deeply.")
	}
	switch r.peek() {
	case '{':
		for more, err := r.first(); more || err != nil; more, err = r.next() {
			if err != nil {
				return err
			}
			if _, err := r.key(); err != nil {
				return err
			}
			if err := r.skip(depth + 1); err != nil {
				return err
			}
		}
		return nil
	case '[':
		r.pos++
		if r.peek() == ']' {
			r.pos++
			return nil
		}
		for {
			if err := r.skip(depth + 1); err != nil {
				return err
			}
			switch r.peek() {
			case ',':
				r.pos++
			case ']':
				r.pos++
				return nil
			default:
				return r.fail("Unexpected character at offset %d in an array.", r.pos)
			}
		}
	case '"':
		return r.skipString()
	case 't', 'f', 'n':
		if r.literal("true") || r.literal("false") || r.literal("null") {
			return nil
		}
	default:
		if _, ok := r.numberText(); ok {
			return nil
		}
	}
	return r.fail("Invalid JSON value at offset %d.", r.pos)
}

// skipString moves past a string without building it; a string with
// escapes or errors takes str's way.
func (r *jsonReader) skipString() error {
	start := r.pos
	r.pos++
	for r.pos < len(r.b) && plain[r.b[r.pos]] {
		r.pos++
	}
	if r.pos < len(r.b) && r.b[r.pos] == '"' {
		r.pos++
		return nil
	}
	r.pos = start
	_, err := r.str()
	return err
}

// plain marks the bytes a string holds as they are: not a quote, a
// backslash or a control character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// smallInt parses an integer of at most 18 digits, the common case, without
// the string strconv needs; ok is false for anything else.
func smallInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// number reads a JSON number's text.
func (r *jsonReader) number() (string, bool) {
	b, ok := r.numberText()
	return string(b), ok
}

// numberText reads a JSON number's text; the bytes are only valid until the next read.
func (r *jsonReader) numberText() ([]byte, bool) {
	r.ws()
	start := r.pos
	if r.pos < len(r.b) && r.b[r.pos] == '-' {
		r.pos++
	}
	digits := 0
	for r.pos < len(r.b) {
		c := r.b[r.pos]
		if (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || ((c == '+' || c == '-') && r.pos > start && (r.b[r.pos-1] == 'e' || r.b[r.pos-1] == 'E')) {
			if c >= '0' && c <= '9' {
				digits++
			}
			r.pos++
			continue
		}
		break
	}
	if digits == 0 {
		r.pos = start
		return nil, false
	}
	return r.b[start:r.pos], true
}

// float reads a number, or the strings AWS uses for special values.
func (r *jsonReader) float() (float64, error) {
	if r.peek() == '"' {
		s, err := r.str()
		if err != nil {
			return 0, err
		}
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		return 0, errNotNumber
	}
	n, ok := r.number()
	if !ok {
		return 0, errNotNumber
	}
	return strconv.ParseFloat(n, 64)
}

var errNotNumber = serializationError("not a number")

// timestamp reads epoch seconds (fractional allowed) or an RFC 3339 string.
func (r *jsonReader) timestamp() (time.Time, error) {
	if r.peek() == '"' {
		s, err := r.str()
		if err != nil {
			return time.Time{}, err
		}
		return time.Parse(time.RFC3339Nano, s)
	}
	n, ok := r.number()
	if !ok {
		return time.Time{}, errNotNumber
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return time.Time{}, err
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC(), nil
}

// str reads a JSON string, resolving escapes.
func (r *jsonReader) str() (string, error) {
	if err := r.expect('"'); err != nil {
		return "", err
	}
	start := r.pos
	// Fast path: no escapes.
	for r.pos < len(r.b) && plain[r.b[r.pos]] {
		r.pos++
	}
	if r.pos < len(r.b) && r.b[r.pos] == '"' {
		var s string
		if r.share {
			s = r.shared(start, r.pos)
		} else {
			s = string(r.b[start:r.pos])
		}
		r.pos++
		return s, nil
	}
	// Escapes only shorten a string: its raw length bounds the text, so
	// the text is built in one allocation.
	end := r.pos
	for end < len(r.b) && r.b[end] != '"' {
		if r.b[end] == '\\' {
			end++
		}
		end++
	}
	var buf strings.Builder
	buf.Grow(min(end, len(r.b)) - start)
	buf.Write(r.b[start:r.pos])
	for r.pos < len(r.b) {
		c := r.b[r.pos]
		switch {
		case c == '"':
			r.pos++
			return buf.String(), nil
		case c < 0x20:
			return "", r.fail("Invalid control character in a string at offset %d.", r.pos)
		case c != '\\':
			buf.WriteByte(c)
			r.pos++
			continue
		}
		r.pos++
		if r.pos >= len(r.b) {
			break
		}
		e := r.b[r.pos]
		r.pos++
		switch e {
		case '"', '\\', '/':
			buf.WriteByte(e)
		case 'b':
			buf.WriteByte('\b')
		case 'f':
			buf.WriteByte('\f')
		case 'n':
			buf.WriteByte('\n')
		case 'r':
			buf.WriteByte('\r')
		case 't':
			buf.WriteByte('\t')
		case 'u':
			rn, ok := r.hex4()
			if !ok {
				return "", r.fail("Invalid \\u escape at offset %d.", r.pos)
			}
			if utf16.IsSurrogate(rn) {
				// A pair is one rune; a surrogate alone is U+FFFD, and
				// the escape after it is read on its own.
				pair := utf8.RuneError
				if r.pos+1 < len(r.b) && r.b[r.pos] == '\\' && r.b[r.pos+1] == 'u' {
					at := r.pos
					r.pos += 2
					if lo, ok := r.hex4(); ok {
						pair = utf16.DecodeRune(rn, lo)
					}
					if pair == utf8.RuneError {
						r.pos = at
					}
				}
				rn = pair
			}
			buf.WriteRune(rn)
		default:
			return "", r.fail("Invalid escape at offset %d.", r.pos-1)
		}
	}
	return "", r.fail("Unterminated string.")
}

func (r *jsonReader) hex4() (rune, bool) {
	if r.pos+4 > len(r.b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(r.b[r.pos:r.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	r.pos += 4
	return rune(n), true
}
