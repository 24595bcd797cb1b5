package server

import (
	"context"
	"log/slog"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// accessEntry is one line of the access log: a request and how it ended.
type accessEntry struct {
	service, operation string
	status             int
	duration           time.Duration
	requestID          string
	errorCode          string // the AWS error code answered, if any
	method, path       string // set for requests no service took
}

// accessLog writes the access log, at info level.
type accessLog interface {
	enabled(ctx context.Context) bool
	write(ctx context.Context, e accessEntry)
}

// slogAccessLog writes the access log through a slog.Logger.
type slogAccessLog struct{ log *slog.Logger }

func (l slogAccessLog) enabled(ctx context.Context) bool { return l.log.Enabled(ctx, slog.LevelInfo) }

func (l slogAccessLog) write(ctx context.Context, e accessEntry) {
	l.log.LogAttrs(ctx, slog.LevelInfo, "request", e.attrs()...)
}

func (e accessEntry) attrs() []slog.Attr {
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("service", e.service), slog.String("operation", e.operation), slog.Int("status", e.status),
		slog.Duration("duration", e.duration), slog.String("request_id", e.requestID))
	if e.errorCode != "" {
		attrs = append(attrs, slog.String("error", e.errorCode))
	}
	if e.method != "" {
		attrs = append(attrs, slog.String("method", e.method), slog.String("path", e.path))
	}
	return attrs
}

// TextAccessLog writes the access log's lines through a LogWriter in the
// text that slog's TextHandler writes for them, byte for byte, without
// slog's work per attribute: a line is written on every request, and
// through slog it was a twentieth of a GetRole's server CPU.
type TextAccessLog struct {
	lw    *LogWriter
	level slog.Leveler
}

// NewTextAccessLog writes access log lines through lw when level lets info through.
func NewTextAccessLog(lw *LogWriter, level slog.Leveler) *TextAccessLog {
	return &TextAccessLog{lw: lw, level: level}
}

func (l *TextAccessLog) enabled(context.Context) bool { return l.level.Level() <= slog.LevelInfo }

func (l *TextAccessLog) write(_ context.Context, e accessEntry) {
	var arr [256]byte
	l.lw.Write(appendAccessLine(arr[:0], time.Now(), e))
}

// appendAccessLine appends e as slog's TextHandler writes a record at info
// level with message "request", at t.
func appendAccessLine(b []byte, t time.Time, e accessEntry) []byte {
	b = append(b, "time="...)
	b = appendRFC3339Millis(b, t)
	b = append(b, " level=INFO msg=request service="...)
	b = appendLogText(b, e.service)
	b = append(b, " operation="...)
	b = appendLogText(b, e.operation)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(e.status), 10)
	b = append(b, " duration="...)
	b = append(b, e.duration.String()...)
	b = append(b, " request_id="...)
	b = appendLogText(b, e.requestID)
	if e.errorCode != "" {
		b = append(b, " error="...)
		b = appendLogText(b, e.errorCode)
	}
	if e.method != "" {
		b = append(b, " method="...)
		b = appendLogText(b, e.method)
		b = append(b, " path="...)
		b = appendLogText(b, e.path)
	}
	return append(b, '\n')
}

// appendRFC3339Millis writes t as slog's text does: RFC 3339 with exactly
// three digits of milliseconds, truncated.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefix = len("2006-01-02T15:04:05.000")
	n := len(b)
	// RFC3339Nano drops trailing zeros: a tenth of a millisecond added
	// keeps four digits, and the fourth is cut.
	b = t.Truncate(time.Millisecond).Add(time.Millisecond/10).AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefix], b[n+prefix+1:]...)
}

// appendLogText writes s bare, or quoted where slog's text would quote it:
// when it is empty or holds a space, '=', '"', a control character, or a
// rune that is invalid, a space or unprintable.
func appendLogText(b []byte, s string) []byte {
	if logTextNeedsQuotes(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func logTextNeedsQuotes(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '=' || c == '"' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}
