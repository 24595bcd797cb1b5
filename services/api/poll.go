package api

import (
	"context"
	"time"
)

// Poll is what a handler returns when it has nothing to answer yet and the
// caller asked it to wait (SQS's long polling). Its transaction is rolled
// back, and the dispatcher runs the handler again, in a new transaction,
// once Wake is closed or Until has come, whichever is first; Context.PollStart
// tells the handler when the first run began. No transaction or lock is
// held while waiting.
type Poll struct {
	Wake  <-chan struct{}
	Until time.Time
}

func (p *Poll) Error() string { return "poll: nothing to answer yet" }

// Wait blocks until Wake, Until (measured from now) or ctx ends; false when ctx ended.
func (p *Poll) Wait(ctx context.Context, now time.Time) bool {
	d := p.Until.Sub(now)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.Wake:
	case <-t.C:
	case <-ctx.Done():
		return false
	}
	return true
}
