// Package cli_test drives Longshore with the aws CLI the way users script it:
// one session per service with --endpoint-url, --query, --output table and
// text, waiters, pagination (--max-items, --starting-token) and
// --cli-input-json.
package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// session is one user's shell against one Longshore.
type session struct {
	t   *testing.T
	ls  *longshoretest.Instance
	env []string
	dir string
}

func start(t *testing.T) *session {
	t.Helper()
	t.Parallel()
	return &session{t: t, ls: harness.Start(t), dir: t.TempDir()}
}

// run runs one aws command that must succeed and returns its trimmed output.
func (s *session) run(args ...string) string {
	s.t.Helper()
	out, err := harness.AWSCLI(s.t, s.ls, s.env, args...)
	if err != nil {
		s.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

// text runs a command with --output text.
func (s *session) text(args ...string) string {
	s.t.Helper()
	return s.run(append(args, "--output", "text")...)
}

// decode runs a command and decodes its JSON output into v.
func (s *session) decode(v any, args ...string) {
	s.t.Helper()
	out := s.run(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		s.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// fail runs a command that must fail and checks the error code the CLI prints.
func (s *session) fail(code string, args ...string) {
	s.t.Helper()
	out, err := harness.AWSCLI(s.t, s.ls, s.env, args...)
	if err == nil {
		s.t.Fatalf("aws %s succeeded; want %s:\n%s", strings.Join(args, " "), code, out)
	}
	if !strings.Contains(out, "("+code+")") {
		s.t.Errorf("aws %s: want (%s) in:\n%s", strings.Join(args, " "), code, out)
	}
}

// file writes content into the session's directory and returns a file:// URL
// for --cli-input-json and similar.
func (s *session) file(name, content string) string {
	s.t.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
	return "file://" + p
}

// poll runs a --output text command until it prints want,
// as scripts do where the CLI has no waiter; it fails after 60 s.
func (s *session) poll(what, want string, args ...string) {
	s.t.Helper()
	harness.Eventually(s.t, 60*time.Second, what+": "+want, func() (bool, string) {
		got := s.text(args...)
		return got == want, got
	})
}

// equal fails unless got is want.
func (s *session) equal(what, got, want string) {
	s.t.Helper()
	if got != want {
		s.t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// pages walks a paginated list command with --max-items and
// --starting-token, returning every item the query selects and the number of
// pages. The command's output is JSON with the items under key.
func (s *session) pages(key string, maxItems int, args ...string) (items []string, pages int) {
	s.t.Helper()
	token := ""
	for {
		call := append(append([]string{}, args...), "--max-items", itoa(maxItems))
		if token != "" {
			call = append(call, "--starting-token", token)
		}
		var page map[string]json.RawMessage
		s.decode(&page, call...)
		var got []json.RawMessage
		if raw, ok := page[key]; ok {
			if err := json.Unmarshal(raw, &got); err != nil {
				s.t.Fatalf("%s: %v", key, err)
			}
		}
		if len(got) > maxItems {
			s.t.Errorf("page of %d items with --max-items %d", len(got), maxItems)
		}
		for _, g := range got {
			items = append(items, strings.Trim(string(g), `"`))
		}
		pages++
		token = ""
		if raw, ok := page["NextToken"]; ok {
			_ = json.Unmarshal(raw, &token)
		}
		if token == "" || pages > 50 {
			return items, pages
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// tableHas checks that --output table drew a titled table holding each cell.
func (s *session) tableHas(table string, cells ...string) {
	s.t.Helper()
	if !strings.Contains(table, "+-") || !strings.Contains(table, "|") {
		s.t.Errorf("not a table:\n%s", table)
	}
	for _, c := range cells {
		if !strings.Contains(table, c) {
			s.t.Errorf("table lacks %q:\n%s", c, table)
		}
	}
}

// requireServices skips a session for a service Longshore does not serve yet
// (absent from /_longshore/health); once it is registered, the session runs.
func (s *session) requireServices(names ...string) {
	s.t.Helper()
	r := harness.Raw(s.t, s.ls, "GET", "/_longshore/health", nil, "")
	var health struct {
		Services map[string]json.RawMessage `json:"services"`
	}
	if err := json.Unmarshal([]byte(r.Body), &health); err != nil {
		s.t.Fatalf("health: %v: %s", err, r.Body)
	}
	for _, n := range names {
		if _, ok := health.Services[n]; !ok {
			s.t.Skipf("Longshore does not serve %s yet; skipping this CLI session", n)
		}
	}
}
