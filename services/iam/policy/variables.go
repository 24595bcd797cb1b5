package policy

import "strings"

// segment is a literal piece of a value or a policy variable.
type segment struct {
	lit string
	// key is the lower-cased context key of a variable; empty for literals.
	key        string
	name       string // the key as written
	def        string
	hasDefault bool
}

// template is a value with policy variables (${aws:username}, ${*}, …).
type template []segment

// parseTemplate splits s into literals and variables. Escapes ${*}, ${?} and
// ${$} become literal characters. A malformed ${ is kept literally.
func parseTemplate(s string) template {
	var t template
	lit := strings.Builder{}
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		lit.WriteString(s[:i])
		body := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		switch body {
		case "*", "?", "$":
			lit.WriteString(body)
			continue
		}
		seg := segment{}
		if k := strings.IndexByte(body, ','); k >= 0 {
			def := strings.TrimSpace(body[k+1:])
			if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
				seg.def, seg.hasDefault = def[1:len(def)-1], true
			}
			body = strings.TrimSpace(body[:k])
		}
		seg.key, seg.name = strings.ToLower(body), body
		if lit.Len() > 0 {
			t = append(t, segment{lit: lit.String()})
			lit.Reset()
		}
		t = append(t, seg)
	}
	lit.WriteString(s)
	if lit.Len() > 0 {
		t = append(t, segment{lit: lit.String()})
	}
	return t
}

// hasVars reports whether any segment is a variable.
func (t template) hasVars() bool {
	for _, s := range t {
		if s.key != "" {
			return true
		}
	}
	return false
}

// expand substitutes variables from ctx. ok is false when a variable has no
// value and no default; missing then names it.
func (t template) expand(ctx Context) (out string, ok bool, missing string) {
	if len(t) == 1 && t[0].key == "" {
		return t[0].lit, true, ""
	}
	if len(t) == 0 {
		return "", true, ""
	}
	var b strings.Builder
	for _, s := range t {
		if s.key == "" {
			b.WriteString(s.lit)
			continue
		}
		if v := ctx[s.key]; len(v) > 0 {
			b.WriteString(v[0])
		} else if s.hasDefault {
			b.WriteString(s.def)
		} else {
			return "", false, s.name
		}
	}
	return b.String(), true, ""
}

// keys lists the context keys a template refers to.
func (t template) keys(add func(string)) {
	for _, s := range t {
		if s.key != "" {
			add(s.name)
		}
	}
}
