package iam

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// roleCodec stores a Role as encoding/json does, so existing databases read
// the same, and reads it back without reflection: GetRole's decode was a tenth
// of its server CPU with encoding/json. The reader handles the documents
// encoding/json writes; anything else (a key in another case, a duplicate key,
// an escape it does not expect, a malformed document) is decoded again by
// encoding/json, whose result and errors are the rule.
type roleCodec struct{}

func (roleCodec) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

func (roleCodec) Unmarshal(data []byte, v any) error {
	r, ok := v.(*Role)
	if !ok {
		return json.Unmarshal(data, v)
	}
	*r = Role{}
	d := docReader{b: data}
	if d.role(r) && d.end() {
		return nil
	}
	*r = Role{}
	return json.Unmarshal(data, r)
}

// docReader reads the JSON encoding/json writes of a stored document. Each
// method returns false where it meets what it does not handle.
type docReader struct {
	b []byte
	i int
}

func (d *docReader) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// end reports whether only white space is left.
func (d *docReader) end() bool {
	d.ws()
	return d.i == len(d.b)
}

func (d *docReader) byte(c byte) bool {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// null consumes a null.
func (d *docReader) null() bool {
	d.ws()
	if bytes.HasPrefix(d.b[d.i:], []byte("null")) {
		d.i += 4
		return true
	}
	return false
}

// raw returns a string's bytes with their quotes, and whether it holds no
// escape, control character or invalid UTF-8 (its text is then the bytes).
func (d *docReader) raw() (quoted []byte, plain bool, ok bool) {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false, false
	}
	start := d.i
	plain = true
	ascii := true
	for j := d.i + 1; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			d.i = j + 1
			if !ascii && plain {
				plain = utf8.Valid(d.b[start+1 : j])
			}
			return d.b[start:d.i], plain, true
		case c == '\\':
			plain = false
			j++ // the escaped byte cannot end the string
		case c < 0x20:
			return nil, false, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false, false
}

// str reads a string.
func (d *docReader) str() (string, bool) {
	q, plain, ok := d.raw()
	if !ok {
		return "", false
	}
	if plain {
		return string(q[1 : len(q)-1]), true
	}
	return unescape(q[1 : len(q)-1])
}

// unescape decodes a string's escapes as encoding/json does (a lone
// surrogate becomes U+FFFD); text that is not UTF-8 is not handled.
func unescape(s []byte) (string, bool) {
	if !utf8.Valid(s) {
		return "", false
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '\\' {
				j++
			}
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		if i+1 >= len(s) {
			return "", false
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := hex4(s[i+2:])
			if r < 0 {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if r2 := hex4(s[i+2:]); r2 >= 0 {
						if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
							b = utf8.AppendRune(b, dec)
							i += 6
							continue
						}
					}
				}
				r = unicode.ReplacementChar
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return string(b), true
}

// hex4 is the rune of four hex digits, or -1.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// strPtr reads a string or null into *p.
func (d *docReader) strPtr(p **string) bool {
	if d.null() {
		*p = nil
		return true
	}
	s, ok := d.str()
	if ok {
		*p = &s
	}
	return ok
}

// timePtr reads a timestamp as time.Time's UnmarshalJSON does, or null.
func (d *docReader) timePtr(p **time.Time) bool {
	if d.null() {
		*p = nil
		return true
	}
	q, plain, ok := d.raw()
	if !ok || !plain {
		return false
	}
	t := new(time.Time)
	if t.UnmarshalJSON(q) != nil {
		return false
	}
	*p = t
	return true
}

// int32Ptr reads a whole number or null.
func (d *docReader) int32Ptr(p **int32) bool {
	if d.null() {
		*p = nil
		return true
	}
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	if d.i-digits > 1 && d.b[digits] == '0' {
		return false // a leading zero is not JSON
	}
	n, err := strconv.ParseInt(string(d.b[start:d.i]), 10, 32)
	if err != nil || (d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E')) {
		return false
	}
	v := int32(n)
	*p = &v
	return true
}

// object reads an object, calling field with each key (read past its colon);
// field reads the value. A key seen twice is not handled: encoding/json
// merges it into the first value.
func (d *docReader) object(field func(key string) bool) bool {
	if !d.byte('{') {
		return false
	}
	if d.byte('}') {
		return true
	}
	var seen [16]string
	n := 0
	for {
		q, plain, ok := d.raw()
		if !ok || !plain || !d.byte(':') {
			return false
		}
		key := fieldName(q[1 : len(q)-1])
		if key == "" || n == len(seen) {
			return false
		}
		for _, k := range seen[:n] {
			if k == key {
				return false
			}
		}
		if !field(key) {
			return false
		}
		seen[n] = key
		n++
		if d.byte('}') {
			return true
		}
		if !d.byte(',') {
			return false
		}
	}
}

// fieldNames are the keys the reader knows; fieldName returns the constant
// for a key (or "" for another), so a key is not copied out of the document.
var fieldNames = []string{"Arn", "CreateDate", "Path", "RoleId", "RoleName", "AssumeRolePolicyDocument",
	"Description", "MaxSessionDuration", "PermissionsBoundary", "RoleLastUsed", "SourceRoleTemplate", "Tags",
	"InlinePolicies", "AttachedPolicies", "ServiceName", "PermissionsBoundaryArn", "PermissionsBoundaryType",
	"LastUsedDate", "Region", "Key", "Value", "Name", "Document", "PolicyArn", "PolicyName"}

func fieldName(key []byte) string {
	for _, f := range fieldNames {
		if f == string(key) {
			return f
		}
	}
	return ""
}

// array reads an array or null (null is false in isNull), calling elem for each element.
func (d *docReader) array(elem func() bool) (isNull bool, ok bool) {
	if d.null() {
		return true, true
	}
	if !d.byte('[') {
		return false, false
	}
	if d.byte(']') {
		return false, true
	}
	for {
		if !elem() {
			return false, false
		}
		if d.byte(']') {
			return false, true
		}
		if !d.byte(',') {
			return false, false
		}
	}
}

func (d *docReader) role(r *Role) bool {
	return d.object(func(key string) bool {
		switch key {
		case "Arn":
			return d.strPtr(&r.Arn)
		case "CreateDate":
			return d.timePtr(&r.CreateDate)
		case "Path":
			return d.strPtr(&r.Path)
		case "RoleId":
			return d.strPtr(&r.RoleId)
		case "RoleName":
			return d.strPtr(&r.RoleName)
		case "AssumeRolePolicyDocument":
			return d.strPtr(&r.AssumeRolePolicyDocument)
		case "Description":
			return d.strPtr(&r.Description)
		case "MaxSessionDuration":
			return d.int32Ptr(&r.MaxSessionDuration)
		case "PermissionsBoundary":
			if d.null() {
				return true
			}
			b := new(types.AttachedPermissionsBoundary)
			r.PermissionsBoundary = b
			return d.object(func(key string) bool {
				switch key {
				case "PermissionsBoundaryArn":
					return d.strPtr(&b.PermissionsBoundaryArn)
				case "PermissionsBoundaryType":
					s, ok := d.str()
					b.PermissionsBoundaryType = types.PermissionsBoundaryAttachmentType(s)
					return ok
				}
				return false
			})
		case "RoleLastUsed":
			if d.null() {
				return true
			}
			u := new(types.RoleLastUsed)
			r.RoleLastUsed = u
			return d.object(func(key string) bool {
				switch key {
				case "LastUsedDate":
					return d.timePtr(&u.LastUsedDate)
				case "Region":
					return d.strPtr(&u.Region)
				}
				return false
			})
		case "SourceRoleTemplate":
			return d.null() // a template is left to encoding/json
		case "Tags":
			tags := make([]types.Tag, 0)
			isNull, ok := d.array(func() bool {
				var t types.Tag
				if !d.object(func(key string) bool {
					switch key {
					case "Key":
						return d.strPtr(&t.Key)
					case "Value":
						return d.strPtr(&t.Value)
					}
					return false
				}) {
					return false
				}
				tags = append(tags, t)
				return true
			})
			if !isNull {
				r.Tags = tags
			}
			return ok
		case "InlinePolicies":
			ps := make([]InlinePolicy, 0)
			isNull, ok := d.array(func() bool {
				var p InlinePolicy
				if !d.object(func(key string) bool {
					var ok bool
					switch key {
					case "Name":
						if d.null() {
							return true
						}
						p.Name, ok = d.str()
					case "Document":
						if d.null() {
							return true
						}
						p.Document, ok = d.str()
					}
					return ok
				}) {
					return false
				}
				ps = append(ps, p)
				return true
			})
			if !isNull {
				r.InlinePolicies = ps
			}
			return ok
		case "AttachedPolicies":
			ps := make([]types.AttachedPolicy, 0)
			isNull, ok := d.array(func() bool {
				var p types.AttachedPolicy
				if !d.object(func(key string) bool {
					switch key {
					case "PolicyArn":
						return d.strPtr(&p.PolicyArn)
					case "PolicyName":
						return d.strPtr(&p.PolicyName)
					}
					return false
				}) {
					return false
				}
				ps = append(ps, p)
				return true
			})
			if !isNull {
				r.AttachedPolicies = ps
			}
			return ok
		case "ServiceName":
			if d.null() {
				return true
			}
			var ok bool
			r.ServiceName, ok = d.str()
			return ok
		}
		return false
	})
}
