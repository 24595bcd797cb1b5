package api

import "context"

// ControlRoute is one JSON endpoint under /_longshore (Path is relative to
// it): what simulates what has no AWS API.
type ControlRoute struct {
	Method, Path string
	Handle       func(ctx context.Context, body []byte) (any, error)
}
