package loop

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/longshore/longshore/store"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeClock moves only when told; each timer the loop arms is reported on
// armed (by its deadline), which also says the loop is idle.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	armed  chan time.Time
}

type fakeTimer struct {
	at      time.Time
	c       chan time.Time
	stopped bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: t0, armed: make(chan time.Time, 100)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Timer(d time.Duration) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	t := &fakeTimer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	c.armed <- t.at
	return t.c, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// Advance moves the clock and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	var left []*fakeTimer
	for _, t := range c.timers {
		switch {
		case t.stopped:
		case !t.at.After(c.now):
			t.stopped = true
			t.c <- c.now
		default:
			left = append(left, t)
		}
	}
	c.timers = left
}

// idle waits for the loop to arm its next timer and returns the deadline.
func (c *fakeClock) idle(t *testing.T) time.Time {
	t.Helper()
	select {
	case at := <-c.armed:
		return at
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not go idle")
		return time.Time{}
	}
}

// quiet checks that the loop stays idle (runs no step) for a moment.
func (c *fakeClock) quiet(t *testing.T) {
	t.Helper()
	select {
	case at := <-c.armed:
		t.Fatalf("the loop ran again (armed a timer for %v)", at)
	case <-time.After(50 * time.Millisecond):
	}
}

type doc struct{ N int }

var docs = store.Collection[doc]{Kind: "test:doc"}

var scope = store.Scope{Account: "000000000000", Region: "us-east-1"}

func openStore(t *testing.T) *store.Store {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestWakeUpsCoalesce(t *testing.T) {
	st, ck := openStore(t), newFakeClock()
	entered, gate := make(chan struct{}), make(chan struct{})
	var steps atomic.Int32
	l := New(Config{Store: st, Clock: ck, Every: time.Minute, Step: func(r *Run) (time.Time, error) {
		if steps.Add(1) == 1 {
			close(entered)
			<-gate
		}
		return time.Time{}, nil
	}})
	stop := l.Start(context.Background())
	defer stop()
	<-entered
	for range 5 {
		l.Wake()
	}
	close(gate)
	ck.idle(t) // after the first step
	ck.idle(t) // after the one step the five wake-ups asked for
	ck.quiet(t)
	if n := steps.Load(); n != 2 {
		t.Fatalf("steps = %d, want 2 (one, then one for five coalesced wake-ups)", n)
	}
	l.Wake()
	ck.idle(t)
	if n := steps.Load(); n != 3 {
		t.Fatalf("steps after one more wake-up = %d, want 3", n)
	}
}

func TestNextDueAndSafetyNet(t *testing.T) {
	st, ck := openStore(t), newFakeClock()
	st.Now = func() time.Time { return t0.Add(-time.Hour) } // the loop's clock wins
	var mu sync.Mutex
	var seen []time.Time
	l := New(Config{Store: st, Clock: ck, Every: time.Minute, Scale: 60, Step: func(r *Run) (time.Time, error) {
		if r.Tx.Now != r.Now || r.Scale != 60 {
			t.Errorf("step got tx.Now %v, Now %v, Scale %v", r.Tx.Now, r.Now, r.Scale)
		}
		mu.Lock()
		seen = append(seen, r.Now)
		first := len(seen) == 1
		mu.Unlock()
		if first {
			return r.Now.Add(5 * time.Second), nil
		}
		return time.Time{}, nil
	}})
	stop := l.Start(context.Background())
	defer stop()
	if at := ck.idle(t); !at.Equal(t0.Add(5 * time.Second)) {
		t.Fatalf("armed for %v, want the step's next due %v", at, t0.Add(5*time.Second))
	}
	ck.Advance(4 * time.Second)
	ck.quiet(t)
	ck.Advance(time.Second)
	if at := ck.idle(t); !at.Equal(t0.Add(5*time.Second + time.Minute)) {
		t.Fatalf("armed for %v, want the safety net a minute after the second step", at)
	}
	ck.Advance(time.Minute)
	ck.idle(t)
	mu.Lock()
	defer mu.Unlock()
	want := []time.Time{t0, t0.Add(5 * time.Second), t0.Add(5*time.Second + time.Minute)}
	if len(seen) != len(want) {
		t.Fatalf("steps ran at %v, want %v", seen, want)
	}
	for i := range want {
		if !seen[i].Equal(want[i]) {
			t.Fatalf("steps ran at %v, want %v", seen, want)
		}
	}
}

func TestPanicIsLoggedRolledBackAndTheLoopGoesOn(t *testing.T) {
	st, ck := openStore(t), newFakeClock()
	var logs bytes.Buffer
	var mu sync.Mutex
	var steps, failed atomic.Int32
	l := New(Config{Name: "test worker", Store: st, Clock: ck, Every: time.Second, Failed: func() { failed.Add(1) },
		Log: slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil)),
		Step: func(r *Run) (time.Time, error) {
			n := steps.Add(1)
			if err := docs.Put(r.Tx, scope, "d", store.Index{}, &doc{N: int(n)}); err != nil {
				return time.Time{}, err
			}
			if n == 1 {
				panic("boom")
			}
			return time.Time{}, nil
		}})
	stop := l.Start(context.Background())
	defer stop()
	ck.idle(t)
	// The panicking step rolled back and released the writer.
	if err := st.Read(context.Background(), func(tx *store.Tx) error {
		d, err := docs.Get(tx, scope, "d")
		if d != nil {
			t.Errorf("the panicking step's write was kept: %+v", d)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	if !strings.Contains(out, "test worker failed") || !strings.Contains(out, "panic: boom") {
		t.Fatalf("log = %q, want the panic logged", out)
	}
	ck.Advance(time.Second)
	ck.idle(t)
	if err := st.Read(context.Background(), func(tx *store.Tx) error {
		d, err := docs.Get(tx, scope, "d")
		if err == nil && (d == nil || d.N != 2) {
			t.Errorf("doc after the second step = %+v, want N 2", d)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := failed.Load(); n != 1 {
		t.Fatalf("Failed ran %d times, want 1", n)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestOnceReportsErrors(t *testing.T) {
	st := openStore(t)
	var failed atomic.Int32
	boom := errors.New("boom")
	l := New(Config{Store: st, Clock: newFakeClock(), Failed: func() { failed.Add(1) }, Step: func(r *Run) (time.Time, error) {
		if err := docs.Put(r.Tx, scope, "d", store.Index{}, &doc{N: 1}); err != nil {
			return time.Time{}, err
		}
		return t0.Add(time.Hour), boom
	}})
	if _, err := l.Once(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("Once = %v, want boom", err)
	}
	if failed.Load() != 1 {
		t.Fatal("Failed did not run after a failed step")
	}
	st.Read(context.Background(), func(tx *store.Tx) error {
		if d, _ := docs.Get(tx, scope, "d"); d != nil {
			t.Error("a failed step's write was kept")
		}
		return nil
	})
}

func TestWakeOnWrite(t *testing.T) {
	st, ck := openStore(t), newFakeClock()
	var steps atomic.Int32
	l := New(Config{Store: st, Clock: ck, Every: time.Hour, WakeOnWrite: true, Step: func(r *Run) (time.Time, error) {
		steps.Add(1)
		return time.Time{}, nil
	}})
	stop := l.Start(context.Background())
	defer stop()
	ck.idle(t)
	if err := st.Write(context.Background(), func(tx *store.Tx) error {
		return docs.Put(tx, scope, "d", store.Index{}, &doc{})
	}); err != nil {
		t.Fatal(err)
	}
	ck.idle(t)
	// A transaction that writes nothing wakes nobody.
	st.Write(context.Background(), func(tx *store.Tx) error { _, err := docs.Get(tx, scope, "d"); return err })
	ck.quiet(t)
	if n := steps.Load(); n != 2 {
		t.Fatalf("steps = %d, want 2", n)
	}
}

// With WakeOn, only the writes that made a change it accepts wake the loop,
// and those that wrote what no change names.
func TestWakeOnNarrowsTheWakeUps(t *testing.T) {
	st, ck := openStore(t), newFakeClock()
	var steps atomic.Int32
	l := New(Config{Store: st, Clock: ck, Every: time.Hour, WakeOnWrite: true,
		WakeOn: func(c store.Change) bool { return c.ID != "ignored" },
		Step: func(r *Run) (time.Time, error) {
			steps.Add(1)
			return time.Time{}, nil
		}})
	stop := l.Start(context.Background())
	defer stop()
	ck.idle(t)
	write := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := st.Write(context.Background(), fn); err != nil {
			t.Fatal(err)
		}
	}
	write(func(tx *store.Tx) error { return docs.Put(tx, scope, "ignored", store.Index{}, &doc{}) })
	ck.quiet(t)
	write(func(tx *store.Tx) error { return docs.Put(tx, scope, "d", store.Index{}, &doc{}) })
	ck.idle(t)
	write(func(tx *store.Tx) error { _, err := docs.DeleteRange(tx, scope, "x", "y"); return err })
	ck.idle(t)
	if n := steps.Load(); n != 3 {
		t.Fatalf("steps = %d, want 3", n)
	}
}

func TestStopWaitsForTheRunningStep(t *testing.T) {
	st, ck := openStore(t), newFakeClock()
	entered, gate := make(chan struct{}), make(chan struct{})
	var steps atomic.Int32
	l := New(Config{Store: st, Clock: ck, Step: func(r *Run) (time.Time, error) {
		if steps.Add(1) == 1 {
			close(entered)
			<-gate
		}
		return time.Time{}, nil
	}})
	stop := l.Start(context.Background())
	<-entered
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("stop returned while a step was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(gate)
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("stop did not return")
	}
	l.Wake()
	ck.Advance(time.Hour)
	time.Sleep(20 * time.Millisecond)
	if n := steps.Load(); n != 1 {
		t.Fatalf("steps after stop = %d, want 1", n)
	}
}

func TestScaleAndScopes(t *testing.T) {
	if got := Scale(60).Of(time.Minute); got != time.Second {
		t.Errorf("Scale(60).Of(1m) = %v", got)
	}
	if got := Scale(0).Of(time.Minute); got != time.Minute {
		t.Errorf("Scale(0).Of(1m) = %v", got)
	}
	if Scale(0).Factor() != 1 || Scale(2).Factor() != 2 {
		t.Error("Factor")
	}
	st := openStore(t)
	other := store.Scope{Account: "111111111111", Region: "eu-west-1"}
	st.Write(context.Background(), func(tx *store.Tx) error {
		docs.Put(tx, other, "a", store.Index{}, &doc{})
		docs.Put(tx, scope, "b", store.Index{}, &doc{})
		return store.Collection[doc]{Kind: "test:other"}.Put(tx, scope, "c", store.Index{}, &doc{})
	})
	l := New(Config{Store: st, Step: func(r *Run) (time.Time, error) {
		got, err := r.Scopes(docs.Kind)
		if err != nil || len(got) != 2 || got[0] != scope || got[1] != other {
			t.Errorf("Scopes(doc) = %v, %v", got, err)
		}
		got, err = r.Scopes("test:other", "test:none")
		if err != nil || len(got) != 1 || got[0] != scope {
			t.Errorf("Scopes(other, none) = %v, %v", got, err)
		}
		return time.Time{}, nil
	}})
	if _, err := l.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
}
