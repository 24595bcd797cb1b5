package protocol

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

var textSeeds = []string{"", "plain", `quote " and \ backslash`, "<a&b>", "line\nfeed\r\ncr\ttab", "\x00\x01\x1f\x7f",
	"\xff\xfe invalid", "é日本😀", "\uFFFD", "\uFFFE\uFFFF", "]]>", "&amp;"}

// FuzzWriteJSONString: whatever a string holds, writeJSONString writes
// JSON that encoding/json reads, and valid UTF-8 reads back unchanged.
func FuzzWriteJSONString(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		writeJSONString(&buf, s)
		var got string
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%q wrote %q, which encoding/json rejects: %v", s, buf.Bytes(), err)
		}
		if utf8.ValidString(s) && got != s {
			t.Fatalf("%q read back as %q", s, got)
		}
	})
}

// FuzzXMLText: whatever a string holds, xmlText writes text that
// encoding/xml (the SDKs' reader) parses, and a string of characters XML
// allows reads back unchanged.
func FuzzXMLText(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		buf.WriteString("<v>")
		xmlText(&buf, s)
		buf.WriteString("</v>")
		var got string
		if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%q wrote %q, which encoding/xml rejects: %v", s, buf.Bytes(), err)
		}
		if xmlChars(s) && got != s {
			t.Fatalf("%q read back as %q", s, got)
		}
	})
}

// xmlChars reports whether s is valid UTF-8 of characters XML 1.0 allows.
func xmlChars(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return false
		}
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
	}
	return true
}

// BenchmarkXMLText is the text of an answer's elements: ASCII, and
// ASCII with other scripts.
func BenchmarkXMLText(b *testing.B) {
	for name, s := range map[string]string{
		"ascii":   strings.Repeat("arn:aws:iam::000000000000:role/bench-role <x> ", 10),
		"unicode": strings.Repeat("rôle 日本 <x> ", 20),
	} {
		b.Run(name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				xmlText(&buf, s)
			}
		})
	}
}
