package harness

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// recorder keeps what a helper reports instead of failing the test.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper()           {}
func (r *recorder) Fatal(args ...any) { r.failures = append(r.failures, "fatal: "+fmt.Sprint(args...)) }
func (r *recorder) Error(args ...any) { r.failures = append(r.failures, "error: "+fmt.Sprint(args...)) }

func TestEventuallyReturnsOnceCondHolds(t *testing.T) {
	r := &recorder{TB: t}
	calls := 0
	Eventually(r, time.Second, "three calls", func() (bool, string) {
		calls++
		return calls == 3, fmt.Sprint(calls)
	})
	if calls != 3 || len(r.failures) != 0 {
		t.Errorf("calls %d, failures %v", calls, r.failures)
	}
}

func TestEventuallySaysWhatItLastSaw(t *testing.T) {
	r := &recorder{TB: t}
	begun := time.Now()
	calls := 0
	Eventually(r, 100*time.Millisecond, "the service to be stable", func() (bool, string) {
		calls++
		return false, fmt.Sprintf("running %d", calls)
	})
	if took := time.Since(begun); took < 100*time.Millisecond || took > time.Second {
		t.Errorf("gave up after %s", took)
	}
	want := fmt.Sprintf("fatal: the service to be stable: not within 100ms; last seen: running %d", calls)
	if len(r.failures) != 1 || r.failures[0] != want {
		t.Errorf("failures %q, want %q", r.failures, want)
	}
	if calls < 2 {
		t.Errorf("polled %d times", calls)
	}
}

func TestAwaitReportsAnErrorAndGoesOn(t *testing.T) {
	r := &recorder{TB: t}
	if Await(r, 50*time.Millisecond, "never", func() (bool, string) { return false, "" }) {
		t.Error("Await held")
	}
	if len(r.failures) != 1 || !strings.HasPrefix(r.failures[0], "error: never: not within 50ms") || strings.Contains(r.failures[0], "last seen") {
		t.Errorf("failures %q", r.failures)
	}
	if !Await(r, 50*time.Millisecond, "at once", func() (bool, string) { return true, "" }) || len(r.failures) != 1 {
		t.Errorf("Await of a holding condition: %q", r.failures)
	}
}

// A slow condition (a command line tool) is not called back to back.
func TestEventuallyPausesAsLongAsASlowCondTakes(t *testing.T) {
	r := &recorder{TB: t}
	calls := 0
	Eventually(r, 300*time.Millisecond, "slow", func() (bool, string) {
		calls++
		time.Sleep(50 * time.Millisecond)
		return false, ""
	})
	if calls > 4 {
		t.Errorf("%d calls of a 50 ms condition within 300 ms", calls)
	}
}
