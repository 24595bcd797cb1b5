package store

import "sync/atomic"

// Change names one document a committed write transaction put or deleted,
// or one log stream it appended to (Kind LogEventKind, ID the stream, Parent
// the group). A Change with an empty Kind means everything may have changed
// (Reset).
type Change struct {
	Kind    string
	Scope   Scope
	ID      string
	Parent  string // the Parent index column of a put document ("" for a delete)
	Deleted bool
}

// LogEventKind is the Kind of the Change an appended log event makes.
const LogEventKind = "logs/event"

// changeFeed holds the OnChange subscribers; on is set once there is one,
// so transactions record nothing while nobody listens.
type changeFeed struct {
	on atomic.Bool
}

// OnChange registers fn to receive, after every committed write transaction
// that wrote something, the changes it made in write order (repeats
// included). fn runs on the committing goroutine, after the writer is
// released: it must return quickly and must not write.
func (s *Store) OnChange(fn func([]Change)) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.onChange = append(s.onChange, fn)
	s.feed.on.Store(true)
}

// OnCommit registers fn to run after every committed write transaction that
// wrote something, with the changes it made (as OnChange gives them) and
// whether they name everything it wrote: a range of documents deleted, log
// events deleted or a Reset make named false, and fn must then suppose that
// anything changed. Like OnChange's, fn runs on the committing goroutine,
// must return quickly and must not write.
func (s *Store) OnCommit(fn func(changes []Change, named bool)) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.onCommit = append(s.onCommit, fn)
	s.feed.on.Store(true)
}

// record notes a change when someone listens.
func (t *Tx) record(c Change) {
	if t.store.feed.on.Load() {
		t.changes = append(t.changes, c)
	}
}

// publish hands a committed transaction's changes to the subscribers.
func (s *Store) publish(changes []Change, named bool) {
	s.hookMu.Lock()
	hooks, commits := s.onChange, s.onCommit
	s.hookMu.Unlock()
	for _, fn := range commits {
		fn(changes, named)
	}
	if len(changes) == 0 {
		return
	}
	for _, fn := range hooks {
		fn(changes)
	}
}
