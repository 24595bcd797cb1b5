package api

// Glob matches s against an AWS wildcard pattern: * matches any run of
// characters, ? one character. With escapes (EC2's filters), a backslash
// makes the next character literal. It backtracks only to the last star, so
// a match costs at most len(pattern)×len(s) steps, whatever the pattern.
func Glob(pattern, s string, escapes bool) bool {
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		if p < len(pattern) {
			c, w := pattern[p], 1
			switch {
			case escapes && c == '\\' && p+1 < len(pattern):
				c, w = pattern[p+1], 2
			case c == '*':
				star, mark = p, i
				p++
				continue
			case c == '?':
				p, i = p+1, i+1
				continue
			}
			if c == s[i] {
				p, i = p+w, i+1
				continue
			}
		}
		if star < 0 {
			return false
		}
		p, mark = star+1, mark+1
		i = mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
