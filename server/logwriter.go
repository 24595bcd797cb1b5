package server

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// LogWriter gathers log lines and writes them to w together: after at most
// its interval, when its buffer fills, on Flush and on Close. An access log
// line per request written straight to stderr costs a system call each; this
// costs one per interval. Lines are written whole and in order.
type LogWriter struct {
	w        io.Writer
	interval time.Duration
	limit    int

	mu      sync.Mutex
	buf     []byte
	timer   *time.Timer
	pending bool // timer armed for the lines in buf
	closed  bool
}

// NewLogWriter buffers lines for w, writing them within interval of the first
// one held (at most 100 ms is sensible: a tailing reader sees them late by that).
func NewLogWriter(w io.Writer, interval time.Duration) *LogWriter {
	lw := &LogWriter{w: w, interval: interval, limit: 64 << 10}
	lw.buf = make([]byte, 0, lw.limit)
	lw.timer = time.AfterFunc(time.Hour, func() { lw.Flush() })
	lw.timer.Stop()
	return lw
}

// Write holds p (one or more whole lines, as slog's handlers write them).
func (lw *LogWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.closed {
		return lw.w.Write(p)
	}
	if len(lw.buf)+len(p) > lw.limit {
		if err := lw.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > lw.limit {
			return lw.w.Write(p)
		}
	}
	lw.buf = append(lw.buf, p...)
	if !lw.pending {
		lw.pending = true
		lw.timer.Reset(lw.interval)
	}
	return len(p), nil
}

// Flush writes the lines held.
func (lw *LogWriter) Flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.flushLocked()
}

func (lw *LogWriter) flushLocked() error {
	lw.pending = false
	if len(lw.buf) == 0 {
		return nil
	}
	_, err := lw.w.Write(lw.buf)
	lw.buf = lw.buf[:0]
	return err
}

// Close writes the lines held; later lines are written at once.
func (lw *LogWriter) Close() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.timer.Stop()
	lw.closed = true
	return lw.flushLocked()
}

// NewBufferedLogger is a text logger at level writing through lw, as the
// command runs it: records at error level and above are written at once,
// with the lines held before them.
func NewBufferedLogger(lw *LogWriter, level slog.Leveler) *slog.Logger {
	return slog.New(flushOnError{slog.NewTextHandler(lw, &slog.HandlerOptions{Level: level}), lw})
}

// flushOnError flushes its writer after a record at error level or above.
type flushOnError struct {
	slog.Handler
	lw *LogWriter
}

func (h flushOnError) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelError {
		if ferr := h.lw.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushOnError) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnError{h.Handler.WithAttrs(attrs), h.lw}
}

func (h flushOnError) WithGroup(name string) slog.Handler {
	return flushOnError{h.Handler.WithGroup(name), h.lw}
}
