package policy

import (
	"strconv"
	"unicode/utf8"
)

// jkind is the type of a JSON value.
type jkind uint8

const (
	jString jkind = iota
	jNumber
	jBool
	jNull
	jObject
	jArray
)

// jnode is a JSON value with the byte offsets of its first and last character,
// which the simulator reports as statement positions. Objects keep their keys
// in document order.
type jnode struct {
	kind  jkind
	str   string // string value, or the literal of a number or boolean
	keys  []string
	vals  []*jnode // object values (parallel to keys) or array elements
	start int
	end   int
}

// get returns the value of key in an object, or nil.
func (n *jnode) get(key string) *jnode {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// isScalar reports whether the value is a string, number or boolean.
func (n *jnode) isScalar() bool { return n.kind == jString || n.kind == jNumber || n.kind == jBool }

// jparser is a small JSON parser that records offsets and refuses duplicate keys.
type jparser struct {
	s   string
	pos int
	// depth guards against stack exhaustion on hostile input.
	depth int
}

type jsonError struct{}

func (jsonError) Error() string { return "invalid JSON" }

func parseJSON(s string) (*jnode, error) {
	p := &jparser{s: s}
	p.skipSpace()
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return nil, jsonError{}
	}
	return n, nil
}

func (p *jparser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jparser) value() (*jnode, error) {
	if p.pos >= len(p.s) {
		return nil, jsonError{}
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		start := p.pos
		str, err := p.string()
		if err != nil {
			return nil, err
		}
		return &jnode{kind: jString, str: str, start: start, end: p.pos - 1}, nil
	case c == 't':
		return p.literal("true", jBool)
	case c == 'f':
		return p.literal("false", jBool)
	case c == 'n':
		return p.literal("null", jNull)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, jsonError{}
}

func (p *jparser) literal(word string, k jkind) (*jnode, error) {
	if len(p.s)-p.pos < len(word) || p.s[p.pos:p.pos+len(word)] != word {
		return nil, jsonError{}
	}
	n := &jnode{kind: k, str: word, start: p.pos, end: p.pos + len(word) - 1}
	p.pos += len(word)
	return n, nil
}

func (p *jparser) number() (*jnode, error) {
	start := p.pos
	if p.s[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if digits() == 0 {
		return nil, jsonError{}
	}
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, jsonError{}
		}
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, jsonError{}
		}
	}
	return &jnode{kind: jNumber, str: p.s[start:p.pos], start: start, end: p.pos - 1}, nil
}

func (p *jparser) string() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '"' {
			str := p.s[start:p.pos]
			p.pos++
			return str, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", jsonError{}
		}
		p.pos++
	}
	buf := []byte(p.s[start:p.pos])
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			if !utf8.Valid(buf) {
				return "", jsonError{}
			}
			return string(buf), nil
		case c < 0x20:
			return "", jsonError{}
		case c == '\\':
			if p.pos+1 >= len(p.s) {
				return "", jsonError{}
			}
			e := p.s[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", jsonError{}
				}
				if r >= 0xD800 && r < 0xDC00 && p.pos+1 < len(p.s) && p.s[p.pos] == '\\' && p.s[p.pos+1] == 'u' {
					p.pos += 2
					r2, ok := p.hex4()
					if !ok {
						return "", jsonError{}
					}
					r = (r-0xD800)<<10 + (r2 - 0xDC00) + 0x10000
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return "", jsonError{}
			}
		default:
			buf = append(buf, c)
			p.pos++
		}
	}
	return "", jsonError{}
}

func (p *jparser) hex4() (rune, bool) {
	if p.pos+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}

const maxDepth = 64

func (p *jparser) object() (*jnode, error) {
	return p.container(jObject, '}', p.objectMember)
}

func (p *jparser) array() (*jnode, error) {
	return p.container(jArray, ']', p.arrayMember)
}

// container parses an object or an array from its opening character: members
// read by member, separated by commas, up to closer.
func (p *jparser) container(kind jkind, closer byte, member func(n *jnode) error) (*jnode, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, jsonError{}
	}
	defer func() { p.depth-- }()
	n := &jnode{kind: kind, start: p.pos}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == closer {
		n.end = p.pos
		p.pos++
		return n, nil
	}
	for {
		p.skipSpace()
		if err := member(n); err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, jsonError{}
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case closer:
			n.end = p.pos
			p.pos++
			return n, nil
		default:
			return nil, jsonError{}
		}
	}
}

// objectMember reads `"key": value` into n, refusing a repeated key.
func (p *jparser) objectMember(n *jnode) error {
	if p.pos >= len(p.s) || p.s[p.pos] != '"' {
		return jsonError{}
	}
	key, err := p.string()
	if err != nil {
		return err
	}
	if n.get(key) != nil {
		return jsonError{}
	}
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != ':' {
		return jsonError{}
	}
	p.pos++
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return err
	}
	n.keys = append(n.keys, key)
	n.vals = append(n.vals, v)
	return nil
}

func (p *jparser) arrayMember(n *jnode) error {
	v, err := p.value()
	if err != nil {
		return err
	}
	n.vals = append(n.vals, v)
	return nil
}

// position converts a byte offset to AWS's line and column: lines count from
// 1 and the column is the one just after the character (AWS reports a
// statement starting at "{" in column 37 as column 38).
func position(s string, off int) Position {
	line, lineStart := 1, 0
	for i := 0; i < off && i < len(s); i++ {
		if s[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	col := utf8.RuneCountInString(s[lineStart:min(off, len(s))]) + 2
	return Position{Line: line, Column: col}
}
