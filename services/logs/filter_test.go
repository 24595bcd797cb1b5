package logs

import "testing"

func TestCompileFilter(t *testing.T) {
	cases := []struct {
		pattern, msg string
		want         bool
	}{
		{"", "anything", true},
		{"ERROR", "an ERROR here", true},
		{"ERROR", "an error here", false},
		{"ERROR timeout", "ERROR: timeout after 3s", true},
		{"ERROR timeout", "ERROR: refused", false},
		{`"connection refused"`, "dial: connection refused", true},
		{`"connection refused"`, "connection was refused", false},
		{"ERROR -retry", "ERROR will retry", false},
		{"ERROR -retry", "ERROR fatal", true},
		{"?WARN ?ERROR", "WARN disk", true},
		{"?WARN ?ERROR", "INFO ok", false},
		{`?"a b" ?c`, "x a b y", true},
	}
	for _, c := range cases {
		m, err := compileFilter(c.pattern)
		if err != nil {
			t.Fatalf("%q: %v", c.pattern, err)
		}
		if got := m(c.msg); got != c.want {
			t.Errorf("%q on %q = %v, want %v", c.pattern, c.msg, got, c.want)
		}
	}
	for _, bad := range []string{`{ $.level = "ERROR" }`, `"open`} {
		if _, err := compileFilter(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
