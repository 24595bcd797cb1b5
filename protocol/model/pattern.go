package model

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Pattern is a model string pattern made enforceable with Go's RE2 engine.
//
// AWS's patterns are written for Java's (and ECMAScript's) regular expressions:
// \uXXXX escapes, UTF-16 surrogate pairs, POSIX \p{Print}-style classes,
// repeat counts above RE2's 1000, and lookaheads. CompilePattern translates
// each of these; a pattern that begins with lookaheads becomes a main
// expression plus expressions the value must (or must not) start with, which
// is exactly what a lookahead at the start of a whole-value match asserts.
// The few patterns whose inner lookaheads or back-references have no
// mechanical translation are written out by hand in handTranslated.
type Pattern struct {
	all  []*regexp.Regexp // every one must match
	none []*regexp.Regexp // none may match
	// ascii, for a pattern that is one character class repeated (most of
	// AWS's: tag keys and values, names), says which ASCII bytes the class
	// admits, so that an ASCII value is checked without the regexp engine;
	// minLen and maxLen (-1: none) bound how many times it repeats.
	ascii          *[128]bool
	minLen, maxLen int
}

// MatchString reports whether the whole of s satisfies the pattern. A byte
// that is not UTF-8 matches as U+FFFD, as it does once AWS's Java front ends
// have decoded the request: only patterns admitting U+FFFD admit it.
func (p *Pattern) MatchString(s string) bool {
	if p.ascii != nil && len(s) >= p.minLen && (p.maxLen < 0 || len(s) <= p.maxLen) {
		ascii := true
		for i := 0; i < len(s) && ascii; i++ {
			if s[i] >= 0x80 {
				ascii = false
			} else if !p.ascii[s[i]] {
				return false
			}
		}
		if ascii {
			return true
		}
	}
	for _, re := range p.all {
		if !re.MatchString(s) {
			return false
		}
	}
	for _, re := range p.none {
		if re.MatchString(s) {
			return false
		}
	}
	return true
}

// CompilePattern translates a model pattern into a Pattern matching whole values.
func CompilePattern(src string) (*Pattern, error) {
	if h, ok := handTranslated[src]; ok {
		p := &Pattern{}
		for _, e := range h.all {
			re, err := regexp.Compile(e)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: hand translation %q: %w", src, e, err)
			}
			p.all = append(p.all, re)
		}
		for _, e := range h.none {
			re, err := regexp.Compile(e)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: hand translation %q: %w", src, e, err)
			}
			p.none = append(p.none, re)
		}
		return p, nil
	}
	p := &Pattern{}
	rest := src
	// Lookaheads at the start of the value (after an optional ^).
	for {
		body := strings.TrimPrefix(rest, "^")
		neg := strings.HasPrefix(body, "(?!")
		if !neg && !strings.HasPrefix(body, "(?=") {
			break
		}
		end, err := groupEnd(body)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", src, err)
		}
		inner, err := translate(body[3:end])
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", src, err)
		}
		re, err := regexp.Compile(`^(?:` + inner + `)`)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", src, err)
		}
		if neg {
			p.none = append(p.none, re)
		} else {
			p.all = append(p.all, re)
		}
		rest = body[end+1:]
	}
	main, err := translate(rest)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", src, err)
	}
	re, err := regexp.Compile(`^(?:` + main + `)$`)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", src, err)
	}
	p.all = append(p.all, re)
	if len(p.all) == 1 && len(p.none) == 0 {
		p.ascii, p.minLen, p.maxLen = repeatedClass(main)
	}
	return p, nil
}

// repeatedClass returns the ASCII bytes of the character class that expr
// repeats, and the least and most times it may (-1: no most), when expr is
// no more than that (with anchors or groups around it); nil otherwise.
func repeatedClass(expr string) (*[128]bool, int, int) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, 0, 0
	}
	re = re.Simplify()
	for {
		switch {
		case re.Op == syntax.OpCapture:
			re = re.Sub[0]
			continue
		case re.Op == syntax.OpConcat && len(re.Sub) >= 2:
			// ^ and $ around the repetition.
			var core []*syntax.Regexp
			for _, sub := range re.Sub {
				switch sub.Op {
				case syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine:
				default:
					core = append(core, sub)
				}
			}
			if len(core) != 1 {
				return nil, 0, 0
			}
			re = core[0]
			continue
		}
		break
	}
	var lo, hi int
	switch re.Op {
	case syntax.OpStar:
		lo, hi = 0, -1
	case syntax.OpPlus:
		lo, hi = 1, -1
	case syntax.OpRepeat:
		lo, hi = re.Min, re.Max
	default:
		return nil, 0, 0
	}
	if re.Sub[0].Op != syntax.OpCharClass {
		return nil, 0, 0
	}
	class := re.Sub[0].Rune
	var t [128]bool
	for i := 0; i+1 < len(class); i += 2 {
		for c := class[i]; c <= class[i+1] && c < 128; c++ {
			t[c] = true
		}
	}
	return &t, lo, hi
}

// groupEnd finds the index of the parenthesis closing the group that opens s.
func groupEnd(s string) (int, error) {
	depth, inClass := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if i+1 < len(s) && s[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("unbalanced group")
}

// posixClasses maps Java's POSIX character classes (ASCII-only, as Java
// defines them without UNICODE_CHARACTER_CLASS) to RE2's.
var posixClasses = map[string]string{
	"Lower": "lower", "Upper": "upper", "ASCII": "ascii", "Alpha": "alpha", "Digit": "digit",
	"Alnum": "alnum", "Punct": "punct", "Graph": "graph", "Print": "print", "Blank": "blank",
	"Cntrl": "cntrl", "XDigit": "xdigit", "Space": "space",
}

// maxRepeat is RE2's largest repeat count; unbounded is the count above which
// an upper bound is left to the shape's length constraint rather than spelled
// out as chained repeats.
const (
	maxRepeat = 1000
	unbounded = 5000
)

// translate rewrites one Java regular expression (without lookaheads) into RE2 syntax.
func translate(src string) (string, error) {
	var out strings.Builder
	inClass := false
	atom := -1 // start in out of the last complete atom outside a class
	var groups []int
	for i := 0; i < len(src); {
		c := src[i]
		start := out.Len()
		switch {
		case c == '\\' && i+1 < len(src):
			n := src[i+1]
			switch {
			case n == 'u':
				r, w, err := unicodeEscape(src[i:])
				if err != nil {
					return "", err
				}
				fmt.Fprintf(&out, `\x{%X}`, r)
				i += w
			case n == 'p' || n == 'P':
				j := strings.IndexByte(src[i:], '}')
				if j < 0 || i+2 >= len(src) || src[i+2] != '{' {
					return "", fmt.Errorf("bad \\%c class", n)
				}
				name := src[i+3 : i+j]
				if posix, ok := posixClasses[name]; ok {
					neg := ""
					if n == 'P' {
						neg = "^"
					}
					if inClass {
						out.WriteString("[:" + neg + posix + ":]")
					} else {
						out.WriteString("[[:" + neg + posix + ":]]")
					}
				} else {
					out.WriteString(src[i : i+j+1]) // a Unicode class RE2 knows, e.g. \p{L}
				}
				i += j + 1
			case n >= '1' && n <= '9' && !inClass:
				return "", fmt.Errorf("back-reference \\%c", n)
			default:
				out.WriteString(src[i : i+2])
				i += 2
			}
		case inClass:
			if c == ']' {
				inClass = false
			}
			out.WriteByte(c)
			i++
			if !inClass {
				atom = classStart(out.String())
			}
			continue
		case c == '[':
			inClass = true
			out.WriteByte(c)
			i++
			if i < len(src) && src[i] == '^' {
				out.WriteByte('^')
				i++
			}
			if i < len(src) && src[i] == ']' {
				out.WriteByte(']')
				i++
			}
			continue
		case c == '(':
			if strings.HasPrefix(src[i:], "(?!") || strings.HasPrefix(src[i:], "(?=") ||
				strings.HasPrefix(src[i:], "(?<=") || strings.HasPrefix(src[i:], "(?<!") {
				return "", fmt.Errorf("lookaround inside the pattern")
			}
			groups = append(groups, out.Len())
			out.WriteByte(c)
			i++
			continue
		case c == ')':
			out.WriteByte(c)
			i++
			if len(groups) > 0 {
				atom = groups[len(groups)-1]
				groups = groups[:len(groups)-1]
			}
			continue
		case c == '{':
			j := strings.IndexByte(src[i:], '}')
			if j < 0 {
				out.WriteByte(c)
				i++
				continue
			}
			lo, hi, ok := repeatBounds(src[i+1 : i+j])
			i += j + 1
			if !ok || hi <= maxRepeat || atom < 0 {
				out.WriteString(src[i-j-1 : i])
				continue
			}
			a := out.String()[atom:]
			prefix := out.String()[:atom]
			out.Reset()
			out.WriteString(prefix)
			out.WriteString(bigRepeat(a, lo, hi))
			atom = -1
			continue
		default:
			out.WriteByte(c)
			i++
		}
		if !inClass {
			atom = start
		}
	}
	return out.String(), nil
}

// classStart finds where the character class ending s begins.
func classStart(s string) int {
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		if i > 0 && s[i-1] == '\\' {
			continue
		}
		switch s[i] {
		case ']':
			depth++
		case '[':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// unicodeEscape reads a \uXXXX escape at the start of s, joining a UTF-16
// surrogate pair into one code point. A run of five or six hex digits whose
// value lies beyond the Basic Multilingual Plane (\u10000, \u10FFFF) is read
// as that code point, as the models' authors meant it.
func unicodeEscape(s string) (rune, int, error) {
	hex := 0
	for hex < 6 && 2+hex < len(s) && isHex(s[2+hex]) {
		hex++
	}
	if hex < 4 {
		return 0, 0, fmt.Errorf("bad \\u escape")
	}
	if hex > 4 {
		if v, err := strconv.ParseUint(s[2:2+hex], 16, 32); err == nil && v > 0xFFFF && v <= 0x10FFFF {
			return rune(v), 2 + hex, nil
		}
	}
	v, _ := strconv.ParseUint(s[2:6], 16, 32)
	r := rune(v)
	if r >= 0xD800 && r <= 0xDBFF && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
		if lo, err := strconv.ParseUint(s[8:12], 16, 32); err == nil && lo >= 0xDC00 && lo <= 0xDFFF {
			return 0x10000 + (r-0xD800)<<10 + rune(lo-0xDC00), 12, nil
		}
	}
	return r, 6, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// repeatBounds parses the inside of {m,n}; only bounded forms are of interest.
func repeatBounds(s string) (lo, hi int, ok bool) {
	m, n, found := strings.Cut(s, ",")
	if !found {
		n = m
	}
	lo, err1 := strconv.Atoi(m)
	hi, err2 := strconv.Atoi(n)
	return lo, hi, err1 == nil && err2 == nil && lo <= hi
}

// bigRepeat spells atom{lo,hi} with counts RE2 accepts: chained repeats of at
// most maxRepeat each, or, above unbounded, an open repeat whose upper bound
// the shape's length constraint enforces.
func bigRepeat(atom string, lo, hi int) string {
	g := "(?:" + atom + ")"
	if hi > unbounded {
		if lo > maxRepeat {
			lo = maxRepeat
		}
		return fmt.Sprintf("%s{%d,}", g, lo)
	}
	var b strings.Builder
	for hi > 0 {
		cmax := min(hi, maxRepeat)
		cmin := min(lo, cmax)
		fmt.Fprintf(&b, "%s{%d,%d}", g, cmin, cmax)
		lo -= cmin
		hi -= cmax
	}
	return b.String()
}

// handTranslated holds RE2 equivalents of the model patterns whose inner
// lookaheads or back-references no mechanical rewrite preserves. Each entry
// matches exactly the values its Java pattern matches (with whole-value
// matching).
var handTranslated = map[string]struct{ all, none []string }{
	// IAM account aliases: a letter or digit at both ends, no "--" anywhere.
	`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`: {
		all:  []string{`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`},
		none: []string{`--`},
	},
	// Cloud Map service names: dot-separated DNS labels of at most 127
	// characters in all (the lookahead), or a single ".".
	`((?=^.{1,127}$)^([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*$)|(^\.$)`: {
		all: []string{`^(?:(?:[a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*|\.)$`, `^.{1,127}$`},
	},
	// SSM's ISO 8601 date-time. The back-references \3 (the date separator)
	// and \17 (the time separator) become one alternative per separator; the
	// year's (?!\d{2}\b) becomes a refused prefix; a fraction's (?!:) means a
	// fraction of the minute and seconds after ':' exclude each other.
	`^([\-]?\d{4}(?!\d{2}\b))((-?)((0[1-9]|1[0-2])(\3([12]\d|0[1-9]|3[01]))?|W([0-4]\d|5[0-2])(-?[1-7])?|(00[1-9]|0[1-9]\d|[12]\d{2}|3([0-5]\d|6[1-6])))([T\s]((([01]\d|2[0-3])((:?)[0-5]\d)?|24\:?00)([\.,]\d(?!:))?)?(\17[0-5]\d([\.,]\d)?)?([zZ]|([\-])([01]\d|2[0-3]):?([0-5]\d)?)?)?)?$`: {
		all:  []string{isoDateTime},
		none: []string{`^-?\d{6}\b`},
	},
}

var isoDateTime = func() string {
	date := func(sep string) string {
		return sep + `(?:(?:0[1-9]|1[0-2])(?:` + sep + `(?:[12]\d|0[1-9]|3[01]))?|W(?:[0-4]\d|5[0-2])(?:-?[1-7])?|(?:00[1-9]|0[1-9]\d|[12]\d{2}|3(?:[0-5]\d|6[1-6])))`
	}
	hh := `(?:[01]\d|2[0-3])`
	hours := `(?:` + hh + `:[0-5]\d(?:[\.,]\d|:[0-5]\d(?:[\.,]\d)?)?` +
		`|` + hh + `[0-5]\d(?:[\.,]\d)?(?:[0-5]\d(?:[\.,]\d)?)?` +
		`|` + hh + `(?:[\.,]\d)?` +
		`|24:?00(?:[\.,]\d)?)`
	zone := `(?:[zZ]|-` + hh + `:?(?:[0-5]\d)?)`
	t := `(?:[T\s]` + hours + `?` + zone + `?)?`
	return `^-?\d{4}(?:` + date("-") + t + `|` + date("") + t + `)?$`
}()

// listedOrder is the order in which AWS's validation messages ("Member must
// satisfy enum value set: [...]") list a shape's enum values: the values fall
// into 32 buckets by the low five bits of their Java String.hashCode, listed
// bucket by bucket, in model order within a bucket. Every message recorded
// against AWS that we could find follows it (CloudWatch's StateValue lists
// [INSUFFICIENT_DATA, ALARM, OK]; Application Auto Scaling's ServiceNamespace
// and ScalableDimension lists likewise), so it is applied to every service.
func listedOrder(vals []string) []string {
	out := append([]string(nil), vals...)
	bucket := func(s string) uint32 { return javaHash(s) & 31 }
	sort.SliceStable(out, func(i, j int) bool { return bucket(out[i]) < bucket(out[j]) })
	return out
}

// javaHash is Java's String.hashCode: 31*h + c over the UTF-16 code units.
func javaHash(s string) uint32 {
	var h uint32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + uint32(u)
	}
	return h
}
