package logs

import (
	"strings"

	"github.com/longshore/longshore/protocol/apierror"
)

// compileFilter turns a CloudWatch Logs text filter pattern into a matcher:
// terms must all appear (case-sensitive), "quoted phrases" match as a whole,
// -term excludes, and ?term alternatives match if any appears. An empty
// pattern matches everything. JSON and space-delimited patterns ({ $.x = 1 },
// [a, b]) are refused rather than guessed at.
func compileFilter(pattern string) (func(string) bool, error) {
	pattern = strings.TrimSpace(pattern)
	if pattern == "" || pattern == `""` {
		return func(string) bool { return true }, nil
	}
	if strings.HasPrefix(pattern, "{") || strings.HasPrefix(pattern, "[") || strings.HasPrefix(pattern, "%") {
		return nil, apierror.New("InvalidParameterException", "Longshore supports only text filter patterns (terms, \"phrases\", -term, ?term); got: %s", pattern)
	}
	terms, err := splitTerms(pattern)
	if err != nil {
		return nil, err
	}
	var all, none, any []string
	for _, t := range terms {
		switch {
		case strings.HasPrefix(t, "?") && len(t) > 1:
			any = append(any, t[1:])
		case strings.HasPrefix(t, "-") && len(t) > 1:
			none = append(none, t[1:])
		default:
			all = append(all, t)
		}
	}
	return func(msg string) bool {
		for _, t := range all {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range none {
			if strings.Contains(msg, t) {
				return false
			}
		}
		if len(any) == 0 {
			return true
		}
		for _, t := range any {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return false
	}, nil
}

// splitTerms splits on spaces, keeping quoted phrases (with an optional ? or - before them) whole.
func splitTerms(p string) ([]string, error) {
	var out []string
	for i := 0; i < len(p); {
		if p[i] == ' ' {
			i++
			continue
		}
		prefix := ""
		if (p[i] == '?' || p[i] == '-') && i+1 < len(p) && p[i+1] == '"' {
			prefix = p[i : i+1]
			i++
		}
		if p[i] == '"' {
			end := strings.IndexByte(p[i+1:], '"')
			if end < 0 {
				return nil, apierror.New("InvalidParameterException", "Invalid filter pattern: unbalanced quotes")
			}
			out = append(out, prefix+p[i+1:i+1+end])
			i += end + 2
			continue
		}
		end := strings.IndexByte(p[i:], ' ')
		if end < 0 {
			end = len(p) - i
		}
		out = append(out, p[i:i+end])
		i += end
	}
	return out, nil
}
