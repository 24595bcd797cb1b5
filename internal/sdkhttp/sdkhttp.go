// Package sdkhttp is the HTTP client the project's own SDK clients use
// against Longshore, with the workaround DESIGN.md describes for smithy-go's
// request body.
package sdkhttp

import (
	"io"
	"net/http"
)

// Client returns an HTTP client that works around smithy-go's request body:
// its WriteTo returns io.EOF once closed, which net/http takes as a write
// error and closes the connection while the response is being read. Hiding
// WriteTo behind a plain io.ReadCloser avoids it.
func Client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: plainBody{tr}}
}

type plainBody struct{ next http.RoundTripper }

func (p plainBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return p.next.RoundTrip(r)
	}
	plain := *r
	plain.Body = struct{ io.ReadCloser }{r.Body}
	return p.next.RoundTrip(&plain)
}
