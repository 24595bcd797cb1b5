package harness

import (
	"fmt"
	"testing"
	"time"
)

// Poll is how often Eventually looks again: short, so that tests which watch
// a state go by (a draining target, a deployment stage) see it.
const Poll = 20 * time.Millisecond

// Wait bounds what the cluster manager does in a few passes at the default
// time scale (tasks starting or stopping, targets registering).
const Wait = 20 * time.Second

// Eventually calls cond until it reports done, and fails the test
// if within passes first, saying what it waited for and what cond last saw.
func Eventually(t testing.TB, within time.Duration, what string, cond func() (done bool, seen string)) {
	t.Helper()
	if seen, ok := poll(within, cond); !ok {
		t.Fatal(timedOut(what, within, seen))
	}
}

// Await is Eventually that reports a timeout as an error rather than ending
// the test, for callers with more to check either way; it says whether cond held.
func Await(t testing.TB, within time.Duration, what string, cond func() (done bool, seen string)) bool {
	t.Helper()
	seen, ok := poll(within, cond)
	if !ok {
		t.Error(timedOut(what, within, seen))
	}
	return ok
}

// poll calls cond every Poll, or, where cond takes longer than that (a
// command line tool), after a pause as long as its last call took.
func poll(within time.Duration, cond func() (bool, string)) (string, bool) {
	deadline := time.Now().Add(within)
	for {
		begun := time.Now()
		done, seen := cond()
		if done {
			return seen, true
		}
		if !time.Now().Before(deadline) {
			return seen, false
		}
		time.Sleep(max(Poll, time.Since(begun)))
	}
}

func timedOut(what string, within time.Duration, seen string) string {
	if seen == "" {
		return fmt.Sprintf("%s: not within %s", what, within)
	}
	return fmt.Sprintf("%s: not within %s; last seen: %s", what, within, seen)
}
