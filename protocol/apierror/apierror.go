// Package apierror is the one error type that handlers return and the
// protocol encoders render in each protocol's envelope.
package apierror

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS API error. A zero Status is filled from the service model
// (the error shape's HTTP status) when the error is encoded.
type Error struct {
	Code    string
	Message string
	Status  int
	// Receiver marks a server-side fault (query envelopes say Receiver instead of Sender).
	Receiver bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New returns an error with the given wire code; its HTTP status comes from the model.
func New(code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg}
}

// WithStatus returns an error with an explicit HTTP status, for codes the model does not list.
func WithStatus(status int, code, format string, args ...any) *Error {
	e := New(code, format, args...)
	e.Status = status
	return e
}

// NotImplemented names an operation Longshore does not implement yet.
func NotImplemented(service, operation string) *Error {
	return WithStatus(http.StatusNotImplemented, "NotImplemented",
		"Longshore does not implement %s:%s yet", service, operation)
}

// Internal hides an unexpected failure behind AWS's InternalFailure.
func Internal() *Error {
	return &Error{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure.",
		Status: http.StatusInternalServerError, Receiver: true}
}

// CodeOf is the code of an API error, "" for any other error or nil, for
// callers that react to one refusal of another service and pass the rest on.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// As extracts an *Error from err, mapping anything else to InternalFailure.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal()
}
