package model

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
)

// TestEveryModelPatternCompiles compiles the pattern of every shape of every
// embedded model and fails on any that would go unenforced.
func TestEveryModelPatternCompiles(t *testing.T) {
	dirs, err := fs.ReadDir(files, "models")
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, n := range Names {
		named[n] = true
	}
	total := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		if !named[d.Name()] {
			t.Errorf("model folder %s is not in Names", d.Name())
		}
		data, err := files.ReadFile("models/" + d.Name() + "/service-2.json")
		if err != nil {
			t.Fatal(err)
		}
		var raw rawModel
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		for name, sh := range raw.Shapes {
			if sh.Pattern == "" {
				continue
			}
			total++
			if _, err := CompilePattern(sh.Pattern); err != nil {
				t.Errorf("%s %s: %v", d.Name(), name, err)
			}
		}
		svc, err := Load(d.Name())
		if err != nil {
			t.Fatal(err)
		}
		for name, err := range svc.PatternErrors {
			t.Errorf("%s %s: pattern dropped: %v", d.Name(), name, err)
		}
		for name, sh := range svc.Shapes {
			if sh.PatternText != "" && sh.Pattern == nil {
				t.Errorf("%s %s: pattern %q not enforced", d.Name(), name, sh.PatternText)
			}
		}
	}
	if total == 0 {
		t.Fatal("no patterns found")
	}
}

// TestTranslatedPatterns checks the translations of the Java constructs RE2
// lacks against values the Java patterns accept and refuse.
func TestTranslatedPatterns(t *testing.T) {
	cases := []struct {
		pattern string
		ok, bad []string
	}{
		// IAM pathType: \u escapes.
		{`(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, []string{"/", "/a/", "/division_abc/sub/"}, []string{"test", "/a", "a/", "/a b/", "/\u00e9/", "/\xff/"}},
		// Surrogate pairs and a class reaching U+FFFD.
		{`[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*`, []string{"", "abc", "\U0001F600", "\ufffd", "a\xffb"}, []string{"a\x00", "\x01"}},
		// STS arnType: \u10000-\u10FFFF.
		{`[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`, []string{"arn:aws:iam::1:role/x", "\U0001F600"}, []string{"", "a\x00b", "\u0080"}},
		// Java's ASCII-only POSIX class.
		{`\p{Print}+`, []string{"my policy-1"}, []string{"", "a\tb", "caf\u00e9"}},
		// A leading negative lookahead.
		{`(?!((^[ ]+.*)|(.*([\u0000-\u001f]|[\u007f-\u009f]|[:/|])+.*)|(.*[ ]+$))).+`, []string{"scale-out", "a b"}, []string{"", " a", "a ", "a:b", "a/b", "a|b", "a\nb"}},
		{`^(?!\s*$).+`, []string{"x", " x"}, []string{"", "   "}},
		// A leading positive lookahead with a length.
		{`^(?=.{20,2048}$)arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[a-zA-Z0-9/_+=.@-]+`,
			[]string{"arn:aws:secretsmanager:us-east-1:123456789012:secret:x"},
			[]string{"arn:aws:secretsmanager:us-east-1:123456789012:secret:" + strings.Repeat("x", 2048), "arn:aws:s3:::x"}},
		// Repeat counts above RE2's limit.
		{`^https:\/\/[-a-zA-Z0-9@:%._\+~#=]{1,253}\.s3(\.[a-z\d-]{9,16})?\.amazonaws\.com\/.{1,2000}`,
			[]string{"https://b.s3.amazonaws.com/" + strings.Repeat("k", 2000)},
			[]string{"https://b.s3.amazonaws.com/" + strings.Repeat("k", 2001), "https://b.s3.amazonaws.com/"}},
		{`^.{1,100000}$`, []string{"a", strings.Repeat("a", 5000)}, []string{"", "a\nb"}},
		// IAM account alias: an inner lookahead.
		{`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, []string{"abc", "my-alias-1"}, []string{"ab", "a--b", "-ab", "ab-", "Abc"}},
		// SSM's ISO 8601 date-time with back-references.
		{`^([\-]?\d{4}(?!\d{2}\b))((-?)((0[1-9]|1[0-2])(\3([12]\d|0[1-9]|3[01]))?|W([0-4]\d|5[0-2])(-?[1-7])?|(00[1-9]|0[1-9]\d|[12]\d{2}|3([0-5]\d|6[1-6])))([T\s]((([01]\d|2[0-3])((:?)[0-5]\d)?|24\:?00)([\.,]\d(?!:))?)?(\17[0-5]\d([\.,]\d)?)?([zZ]|([\-])([01]\d|2[0-3]):?([0-5]\d)?)?)?)?$`,
			[]string{"2024", "2024-01", "2024-01-15", "20240115", "2024-01-15T10:30", "2024-01-15T10:30:45Z", "20240115T103045", "2024-W05-3", "2024-032", "2024-01-15T24:00"},
			[]string{"202401", "2024-0115", "202401-15", "2024-01-15T10:3045", "2024-01-15T1030:45", "2024-13", "2024-01-15T10:30.5:45"}},
	}
	for _, c := range cases {
		p, err := CompilePattern(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		for _, v := range c.ok {
			if !p.MatchString(v) {
				t.Errorf("%s: %q refused", c.pattern, v)
			}
		}
		for _, v := range c.bad {
			if p.MatchString(v) {
				t.Errorf("%s: %q accepted", c.pattern, v)
			}
		}
	}
}

// A pattern checked byte by byte for ASCII values (one character class
// repeated) answers as its regular expression does, for every model
// pattern that takes that path and values of every ASCII byte.
func TestRepeatedClassAgreesWithRegexp(t *testing.T) {
	var values []string
	for c := 0; c < 128; c++ {
		values = append(values, string(rune(c)), "ab"+string(rune(c)), string(rune(c))+"Z9")
	}
	values = append(values, "", "team", "aws:cloudformation:stack-name", "a b", "é", "ab\xff", "x\u00a0y")
	for _, n := range []int{1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1024, 1025, 2048, 2049} {
		values = append(values, strings.Repeat("a", n), strings.Repeat("1", n))
	}
	fast := 0
	for _, name := range Names {
		data, err := files.ReadFile("models/" + name + "/service-2.json")
		if err != nil {
			t.Fatal(err)
		}
		var raw rawModel
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		for shape, sh := range raw.Shapes {
			if sh.Pattern == "" {
				continue
			}
			p, err := CompilePattern(sh.Pattern)
			if err != nil || p.ascii == nil {
				continue
			}
			fast++
			slow := &Pattern{all: p.all, none: p.none} // no ascii: the regexp alone
			for _, v := range values {
				if got, want := p.MatchString(v), slow.MatchString(v); got != want {
					t.Errorf("%s %s %q: %q matches %v, its regexp %v", name, shape, sh.Pattern, v, got, want)
				}
			}
		}
	}
	if fast == 0 {
		t.Fatal("no pattern is checked byte by byte")
	}
	t.Logf("%d patterns checked byte by byte", fast)
}
