package server

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a writer that counts its writes.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	return b.buf.Write(p)
}

func (b *syncBuffer) get() (string, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String(), b.writes
}

func TestLogWriterHoldsLinesUntilItsInterval(t *testing.T) {
	out := &syncBuffer{}
	lw := NewLogWriter(out, 30*time.Millisecond)
	log := NewBufferedLogger(lw, slog.LevelInfo)
	log.Info("request", "n", 1)
	log.Info("request", "n", 2)
	log.Debug("hidden")
	if s, _ := out.get(); s != "" {
		t.Fatalf("written before the interval: %q", s)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		s, writes := out.get()
		if s != "" {
			if writes != 1 || strings.Count(s, "\n") != 2 || !strings.Contains(s, "n=1") || !strings.Contains(s, "n=2") ||
				strings.Index(s, "n=1") > strings.Index(s, "n=2") {
				t.Fatalf("%d writes of %q", writes, s)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("lines never written")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// An error is written at once, after the lines held before it.
	log.Info("before")
	log.Error("failed")
	if s, _ := out.get(); !strings.Contains(s, "msg=before") || !strings.HasSuffix(s, "msg=failed\n") {
		t.Fatalf("error not written at once: %q", s)
	}
	// Close writes what is held, and later lines at once.
	log.Info("last")
	lw.Close()
	log.Info("after")
	if s, _ := out.get(); !strings.Contains(s, "msg=last\n") || !strings.HasSuffix(s, "msg=after\n") {
		t.Fatalf("not written at close: %q", s)
	}
}

func TestLogWriterWritesWhenFull(t *testing.T) {
	out := &syncBuffer{}
	lw := NewLogWriter(out, time.Hour)
	defer lw.Close()
	line := strings.Repeat("x", 1000) + "\n"
	for range 100 {
		lw.Write([]byte(line))
	}
	s, writes := out.get()
	if writes == 0 || len(s)%len(line) != 0 || len(s) > 100*len(line) {
		t.Fatalf("%d writes of %d bytes", writes, len(s))
	}
	lw.Flush()
	if s, _ := out.get(); len(s) != 100*len(line) {
		t.Fatalf("%d bytes after flush", len(s))
	}
	big := strings.Repeat("y", 100<<10) + "\n"
	lw.Write([]byte(big))
	if s, _ := out.get(); !strings.HasSuffix(s, big) {
		t.Fatal("a line longer than the buffer not written at once")
	}
}
