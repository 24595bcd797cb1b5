package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// slogLine is the line slog's TextHandler writes for e at t.
func slogLine(t *testing.T, at time.Time, e accessEntry) string {
	t.Helper()
	var buf bytes.Buffer
	r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
	r.AddAttrs(e.attrs()...)
	if err := slog.NewTextHandler(&buf, nil).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The access log's own writer writes what slog's TextHandler writes for the
// same entry, so readers of the log see one format whichever writes it.
func TestAccessLineIsSlogText(t *testing.T) {
	at := time.Date(2026, 12, 5, 12, 45, 46, 123456789, time.UTC)
	base := accessEntry{service: "iam", operation: "GetRole", status: 200, duration: 52 * time.Microsecond, requestID: "d9a3936a-e7d6-4375-b556-a8705f806d85"}
	cases := map[string]func(e *accessEntry){
		"plain":          func(e *accessEntry) {},
		"error":          func(e *accessEntry) { e.status, e.errorCode = 400, "ValidationError" },
		"no service":     func(e *accessEntry) { e.service, e.operation, e.method, e.path = "", "", "GET", "/_longshore/health" },
		"path to quote":  func(e *accessEntry) { e.service, e.method, e.path = "", "GET", `/a b="c"\d` },
		"control":        func(e *accessEntry) { e.path, e.method = "/x\ty\x00\x7f", "GET" },
		"invalid utf-8":  func(e *accessEntry) { e.path, e.method = "/\xff\xfe", "GET" },
		"replacement":    func(e *accessEntry) { e.path, e.method = "/\uFFFD", "GET" },
		"unicode space":  func(e *accessEntry) { e.path, e.method = "/a\u00a0b", "GET" },
		"unprintable":    func(e *accessEntry) { e.path, e.method = "/a\u200bb", "GET" },
		"printable":      func(e *accessEntry) { e.path, e.method = "/日本/é", "GET" },
		"backslash":      func(e *accessEntry) { e.operation = `a\b` },
		"long duration":  func(e *accessEntry) { e.duration = 90*time.Second + 1500*time.Microsecond },
		"zero duration":  func(e *accessEntry) { e.duration = 0 },
		"whole second":   func(e *accessEntry) {},
		"other zone":     func(e *accessEntry) {},
		"negative state": func(e *accessEntry) { e.status = -1 },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			e, when := base, at
			edit(&e)
			switch name {
			case "whole second":
				when = when.Truncate(time.Second)
			case "other zone":
				when = when.In(time.FixedZone("JST", 9*3600))
			}
			if got, want := string(appendAccessLine(nil, when, e)), slogLine(t, when, e); got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

func FuzzAccessLine(f *testing.F) {
	f.Add("iam", "GetRole", 200, int64(52000), "id", "", "", "", int64(0))
	f.Add("", "", 404, int64(1), "id", "NotFound", "GET", "/a b", int64(999999))
	f.Add("x=y", `"q"`, 0, int64(-5), "", "\x00", "\xff", "\u00a0", int64(1e9))
	f.Fuzz(func(t *testing.T, service, operation string, status int, dur int64, rid, code, method, path string, nanos int64) {
		e := accessEntry{service: service, operation: operation, status: status, duration: time.Duration(dur),
			requestID: rid, errorCode: code, method: method, path: path}
		at := time.Unix(1796474746, nanos%1e9).UTC()
		if got, want := string(appendAccessLine(nil, at, e)), slogLine(t, at, e); got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})
}

// BenchmarkAccessLog is a request's access line through slog's TextHandler
// and through TextAccessLog, both into a LogWriter.
func BenchmarkAccessLog(b *testing.B) {
	e := accessEntry{service: "iam", operation: "GetRole", status: 200, duration: 52 * time.Microsecond, requestID: "d9a3936a-e7d6-4375-b556-a8705f806d85"}
	for name, log := range map[string]func(*LogWriter) accessLog{
		"slog": func(lw *LogWriter) accessLog { return slogAccessLog{NewBufferedLogger(lw, slog.LevelInfo)} },
		"text": func(lw *LogWriter) accessLog { return NewTextAccessLog(lw, slog.LevelInfo) },
	} {
		b.Run(name, func(b *testing.B) {
			lw := NewLogWriter(io.Discard, time.Hour)
			l := log(lw)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if l.enabled(ctx) {
					l.write(ctx, e)
				}
			}
		})
	}
}
