package protocol

import (
	"bytes"
	"encoding/base64"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

// xmlEncoder writes query-protocol responses. ec2 selects EC2's dialect:
// no Result wrapper and a lower-case requestId.
type xmlEncoder struct {
	buf *bytes.Buffer
	ec2 bool
}

// EncodeQueryXML writes an awsQuery response: <OpResponse><OpResult>…</OpResult><ResponseMetadata>.
func EncodeQueryXML(svc *model.Service, op *model.Operation, out any, requestID string) []byte {
	return done(encodeQueryXML(svc, op, out, requestID))
}

func encodeQueryXML(svc *model.Service, op *model.Operation, out any, requestID string) *bytes.Buffer {
	e := &xmlEncoder{buf: scratch()}
	// Piece by piece: a concatenated tag is an allocation per call.
	b := e.buf
	b.WriteByte('<')
	b.WriteString(op.Name)
	b.WriteString(`Response xmlns="`)
	b.WriteString(svc.Metadata.XMLNamespace)
	b.WriteString(`">`)
	if op.Output != nil {
		b.WriteByte('<')
		writeResultWrapper(b, op)
		b.WriteByte('>')
		if v, ok := deref(reflect.ValueOf(out)); ok && out != nil {
			e.result(op.Output, v)
		}
		b.WriteString("</")
		writeResultWrapper(b, op)
		b.WriteByte('>')
	}
	b.WriteString("<ResponseMetadata><RequestId>")
	b.WriteString(requestID)
	b.WriteString("</RequestId></ResponseMetadata></")
	b.WriteString(op.Name)
	b.WriteString("Response>")
	return e.buf
}

// writeResultWrapper writes the name of an operation's result element.
func writeResultWrapper(b *bytes.Buffer, op *model.Operation) {
	if op.ResultWrapper != "" {
		b.WriteString(op.ResultWrapper)
		return
	}
	b.WriteString(op.Name)
	b.WriteString("Result")
}

// EncodeEC2XML writes an ec2 query response: members directly under <OpResponse>.
func EncodeEC2XML(svc *model.Service, op *model.Operation, out any, requestID string) []byte {
	return done(encodeEC2XML(svc, op, out, requestID))
}

func encodeEC2XML(svc *model.Service, op *model.Operation, out any, requestID string) *bytes.Buffer {
	e := &xmlEncoder{buf: scratch(), ec2: true}
	e.buf.WriteString(`<` + op.Name + `Response xmlns="` + svc.Metadata.XMLNamespace + `/">`)
	e.buf.WriteString("<requestId>" + requestID + "</requestId>")
	if op.Output != nil && out != nil {
		if v, ok := deref(reflect.ValueOf(out)); ok {
			e.result(op.Output, v)
		}
	}
	e.buf.WriteString(`</` + op.Name + `Response>`)
	return e.buf
}

// result writes an output's members. A result list that is empty is still
// written (<reservationSet/>), as AWS does: clients then see an empty list,
// not a missing one.
func (e *xmlEncoder) result(sh *model.Shape, v reflect.Value) {
	if v.Kind() != reflect.Struct {
		return
	}
	for _, f := range fieldsOf(sh, v.Type()) {
		fv := v.Field(f.index)
		if f.member.Shape.Type == "list" && !f.member.Shape.Flattened && fv.Kind() == reflect.Slice && fv.Len() == 0 {
			name := f.member.WireName()
			e.buf.WriteString("<" + name + "/>")
			continue
		}
		if isAbsent(fv) {
			continue
		}
		e.element(f.member, f.member.WireName(), fv)
	}
}

func (e *xmlEncoder) members(sh *model.Shape, v reflect.Value) {
	if v.Kind() != reflect.Struct {
		return
	}
	for _, f := range fieldsOf(sh, v.Type()) {
		fv := v.Field(f.index)
		if isAbsent(fv) {
			continue
		}
		e.element(f.member, f.member.WireName(), fv)
	}
}

func (e *xmlEncoder) open(name string)  { e.buf.WriteString("<" + name + ">") }
func (e *xmlEncoder) close(name string) { e.buf.WriteString("</" + name + ">") }

func (e *xmlEncoder) element(m *model.Member, name string, v reflect.Value) {
	v, ok := deref(v)
	if !ok {
		return
	}
	sh := m.Shape
	switch sh.Type {
	case "structure":
		e.open(name)
		e.members(sh, v)
		e.close(name)
	case "list":
		// A member without a location name is <member> in EC2 too (as the SDKs read it).
		item := "member"
		if sh.Member.LocationName != "" {
			item = sh.Member.LocationName
		}
		if sh.Flattened || m.Flattened {
			for i := 0; i < v.Len(); i++ {
				e.element(sh.Member, name, v.Index(i))
			}
			return
		}
		e.open(name)
		for i := 0; i < v.Len(); i++ {
			e.element(sh.Member, item, v.Index(i))
		}
		e.close(name)
	case "map":
		keyName, valName := "key", "value"
		if sh.Key.LocationName != "" {
			keyName = sh.Key.LocationName
		}
		if sh.Value.LocationName != "" {
			valName = sh.Value.LocationName
		}
		flat := sh.Flattened || m.Flattened
		if !flat {
			e.open(name)
		}
		for _, k := range sortedKeys(v) {
			entry := "entry"
			if flat {
				entry = name
			}
			e.open(entry)
			e.open(keyName)
			xmlText(e.buf, k.String())
			e.close(keyName)
			e.element(sh.Value, valName, v.MapIndex(k))
			e.close(entry)
		}
		if !flat {
			e.close(name)
		}
	default:
		e.open(name)
		e.scalar(sh, v)
		e.close(name)
	}
}

func (e *xmlEncoder) scalar(sh *model.Shape, v reflect.Value) {
	switch sh.Type {
	case "string":
		xmlText(e.buf, v.String())
	case "boolean":
		e.buf.WriteString(strconv.FormatBool(v.Bool()))
	case "integer", "long":
		e.buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case "double", "float":
		e.buf.WriteString(strconv.FormatFloat(v.Float(), 'f', -1, 64))
	case "timestamp":
		e.buf.WriteString(FormatISO8601(v.Interface().(time.Time)))
	case "blob":
		e.buf.WriteString(base64.StdEncoding.EncodeToString(v.Bytes()))
	}
}

// FormatISO8601 formats a timestamp as query protocols do, with milliseconds only when present.
func FormatISO8601(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1e6 == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// xmlText escapes what XML text requires and leaves quotes as AWS does. What
// XML cannot hold (control characters, U+FFFE, U+FFFF, bytes that are not
// UTF-8) is written as U+FFFD: the SDKs' XML readers reject the whole answer
// for one such character.
func xmlText(buf *bytes.Buffer, s string) {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if xmlPlain[c] {
			i++
			continue
		}
		size := 1
		var esc string
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '\r':
			esc = "&#xD;"
		case c < utf8.RuneSelf: // a control character
			esc = "\uFFFD"
		default:
			var r rune
			if r, size = utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
				esc = "\uFFFD"
			} else {
				i += size
				continue
			}
		}
		buf.WriteString(s[start:i])
		buf.WriteString(esc)
		i += size
		start = i
	}
	buf.WriteString(s[start:])
}

// xmlPlain marks the ASCII bytes xmlText writes as they are.
var xmlPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '&' && c != '<' && c != '>'
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// EncodeQueryError renders awsQuery's <ErrorResponse> envelope.
func EncodeQueryError(svc *model.Service, e *apierror.Error, requestID string) []byte {
	var buf bytes.Buffer
	ns := ""
	if svc != nil {
		ns = svc.Metadata.XMLNamespace
	}
	buf.WriteString(`<ErrorResponse xmlns="` + ns + `"><Error><Type>`)
	if e.Receiver {
		buf.WriteString("Receiver")
	} else {
		buf.WriteString("Sender")
	}
	buf.WriteString("</Type><Code>")
	xmlText(&buf, e.Code)
	buf.WriteString("</Code><Message>")
	xmlText(&buf, e.Message)
	buf.WriteString("</Message></Error><RequestId>" + requestID + "</RequestId></ErrorResponse>")
	return buf.Bytes()
}

// EncodeEC2Error renders EC2's <Response><Errors> envelope.
func EncodeEC2Error(e *apierror.Error, requestID string) []byte {
	var buf bytes.Buffer
	buf.WriteString("<Response><Errors><Error><Code>")
	xmlText(&buf, e.Code)
	buf.WriteString("</Code><Message>")
	xmlText(&buf, e.Message)
	buf.WriteString("</Message></Error></Errors><RequestID>" + requestID + "</RequestID></Response>")
	return buf.Bytes()
}
