package policy

// wildMatch reports whether s matches pattern, where * matches any run of
// characters and ? exactly one. With fold, ASCII letters match regardless of
// case (actions); without, matching is exact (resources, StringLike). It
// does not allocate.
func wildMatch(pattern, s string, fold bool) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			c := pattern[p]
			switch {
			case c == '*':
				starP, starI = p, i
				p++
				continue
			case c == '?':
				// ? matches one character, not one byte.
				i += runeLen(s, i)
				p++
				continue
			case c == s[i] || (fold && lower(c) == lower(s[i])):
				p++
				i++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starI++
		p, i = starP+1, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func runeLen(s string, i int) int {
	c := s[i]
	switch {
	case c < 0x80:
		return 1
	case c < 0xE0:
		return min(2, len(s)-i)
	case c < 0xF0:
		return min(3, len(s)-i)
	}
	return min(4, len(s)-i)
}

// equalFold compares ASCII case-insensitively without allocating.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

// matchAction matches an action name against an action pattern.
func (p *Pattern) matchAction(action string) bool {
	if p.Text == "*" {
		return true
	}
	if !p.wild {
		return equalFold(p.Text, action)
	}
	return wildMatch(p.lower, action, true)
}

// arnMatch compares ARNs field by field (partition, service, region, account,
// resource) with wildcards, as ArnLike and ArnEquals do.
func arnMatch(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	for field := 0; field < 5; field++ {
		pi, ai := indexByte(pattern, ':'), indexByte(arn, ':')
		if pi < 0 || ai < 0 {
			return false
		}
		if field == 0 {
			if pattern[:pi] != "arn" && pattern[:pi] != "*" || arn[:ai] != "arn" {
				return false
			}
		} else if !wildMatch(pattern[:pi], arn[:ai], false) {
			return false
		}
		pattern, arn = pattern[pi+1:], arn[ai+1:]
	}
	return wildMatch(pattern, arn, false)
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
