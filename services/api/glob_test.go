package api

import (
	"strings"
	"testing"
)

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s    string
		escapes bool
		want    bool
	}{
		// EC2 filter values.
		{"10.0.*", "10.0.0.0/16", true, true}, {"10.0.*", "10.1.0.0/16", true, false}, {"*", "", true, true}, {"ma?n", "main", true, true},
		{"ma?n", "man", true, false}, {`a\*b`, "a*b", true, true}, {`a\*b`, "axb", true, false}, {"*-web-*", "prod-web-1", true, true}, {"web", "web2", true, false},
		// ALB host-header and path-pattern values.
		{"*.example.com", "a.example.com", false, true},
		{"*.example.com", "example.com", false, false},
		{"/api/*", "/api/", false, true},
		{"/api/*", "/api", false, false},
		{"/img/*.png", "/img/a/b.png", false, true},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*", "", false, true},
		{"a*b*c", "axxbyyc", false, true},
		{"a*b*c", "axxbyy", false, false},
	} {
		if got := Glob(tc.p, tc.s, tc.escapes); got != tc.want {
			t.Errorf("Glob(%q, %q, %v) = %v", tc.p, tc.s, tc.escapes, got)
		}
	}
}

// Many stars against a long value that fails at its end: the cost stays
// polynomial (a backtracking matcher that retries every star takes
// exponential time here).
func TestGlobManyStars(t *testing.T) {
	p := strings.Repeat("a*", 30) + "b"
	if Glob(p, strings.Repeat("a", 5000), true) {
		t.Fatal("matched")
	}
}
