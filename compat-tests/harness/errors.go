package harness

import (
	"errors"
	"testing"
)

// Must fails the test on err and otherwise returns v:
// harness.Must(client.Call(ctx, in))(t).
func Must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// Status is the HTTP status of an API error (0 for another error).
func Status(err error) int {
	var se interface{ HTTPStatusCode() int }
	if errors.As(err, &se) {
		return se.HTTPStatusCode()
	}
	return 0
}

// AssertError checks an API error's code and, where given (non-zero), its
// HTTP status and message.
func AssertError(t testing.TB, err error, code string, status int, message string) {
	t.Helper()
	ae := AssertAPIError(t, err, code)
	if status != 0 && Status(err) != status {
		t.Errorf("%s: status %d, want %d", code, Status(err), status)
	}
	if message != "" && ae.ErrorMessage() != message {
		t.Errorf("%s: message %q, want %q", code, ae.ErrorMessage(), message)
	}
}

// Refused checks that the call named what was refused with the API error code
// and, where given, message.
func Refused(t testing.TB, what string, err error, code, message string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: accepted", what)
		return
	}
	ae := AssertAPIError(t, err, code)
	if message != "" && ae.ErrorMessage() != message {
		t.Errorf("%s: message %q, want %q", what, ae.ErrorMessage(), message)
	}
}
