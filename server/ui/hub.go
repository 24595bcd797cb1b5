package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// key names one open view: which view of which account and region, and
// the resource it shows (a cluster, service or task ARN; "" for lists).
type key struct {
	Account, Region, View, ID string
}

func (k key) scope() store.Scope { return store.Scope{Account: k.Account, Region: k.Region} }

// sectionData is one section of a view as last sent: item id → JSON.
type sectionData map[string]json.RawMessage

// viewState is one open view shared by every page that shows it: its data
// as last sent, what changed since, and the pages to tell.
type viewState struct {
	key  key
	view *view
	data map[string]sectionData
	// whole marks sections to read again entirely; items marks single items.
	whole map[string]bool
	items map[string]map[string]bool
	subs  map[*subscriber]bool
	// joining pages get the whole view once it is read.
	joining []*subscriber
	loaded  bool
}

func (st *viewState) mark(section, id string) {
	if id == "" {
		st.whole[section] = true
		return
	}
	if st.items[section] == nil {
		st.items[section] = map[string]bool{}
	}
	st.items[section][id] = true
}

func (st *viewState) has(section, id string) bool {
	_, ok := st.data[section][id]
	return ok
}

func (st *viewState) dirty() bool {
	return len(st.whole) > 0 || len(st.items) > 0 || len(st.joining) > 0
}

// subscriber is one open page's event stream.
type subscriber struct {
	ch     chan []byte
	closed bool
}

// hub turns the store's change feed into per-view patches: each change is
// routed to the open views it concerns, each concerned item is read once
// per flush (shared by every page showing it), and only the items whose
// JSON changed are sent. A page's cost is the items that change, not the
// size of what it shows.
type hub struct {
	st       *store.Store
	services map[string]*api.Service
	views    map[string]*view
	log      *slog.Logger
	interval time.Duration

	mu      sync.Mutex
	pending []store.Change
	states  map[key]*viewState
	wake    chan struct{}
	// stopped closes when the hub stops, ending every stream (so that a
	// server shutting down does not wait for open pages).
	stopped  chan struct{}
	stopOnce sync.Once
	listen   sync.Once

	// reads counts documents and sections read for patches (tests).
	reads atomic.Int64
}

func newHub(st *store.Store, services map[string]*api.Service, log *slog.Logger) *hub {
	h := &hub{st: st, services: services, views: allViews(), log: log, interval: 150 * time.Millisecond,
		states: map[key]*viewState{}, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	return h
}

// watched says whether a kind of document can appear in some view.
func watched(kind string) bool {
	if kind == "" || kind == store.LogEventKind {
		return true
	}
	for _, p := range []string{"ecs/", "elbv2/", "autoscaling/", "appautoscaling/", "cloudwatch/alarm"} {
		if strings.HasPrefix(kind, p) {
			return true
		}
	}
	return false
}

// onChange runs on the committing writer: it only queues.
func (h *hub) onChange(cs []store.Change) {
	h.mu.Lock()
	if len(h.states) == 0 {
		h.mu.Unlock()
		return
	}
	n := len(h.pending)
	for _, c := range cs {
		if watched(c.Kind) {
			h.pending = append(h.pending, c)
		}
	}
	queued := len(h.pending) > n
	h.mu.Unlock()
	if queued {
		h.poke()
	}
}

func (h *hub) stop() { h.stopOnce.Do(func() { close(h.stopped) }) }

func (h *hub) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// join opens a page's stream on a view; its first message is the whole view.
func (h *hub) join(k key) (*subscriber, bool) {
	v := h.views[k.View]
	if v == nil {
		return nil, false
	}
	s := &subscriber{ch: make(chan []byte, 64)}
	// The store records changes only once someone listens: a server whose
	// dashboard is never opened pays nothing for it.
	h.listen.Do(func() { h.st.OnChange(h.onChange) })
	h.mu.Lock()
	st := h.states[k]
	if st == nil {
		st = &viewState{key: k, view: v, data: map[string]sectionData{}, whole: map[string]bool{},
			items: map[string]map[string]bool{}, subs: map[*subscriber]bool{}}
		for _, sec := range v.sections {
			st.whole[sec.name] = true
		}
		h.states[k] = st
	}
	st.joining = append(st.joining, s)
	h.mu.Unlock()
	h.poke()
	return s, true
}

// leave closes a page's stream.
func (h *hub) leave(k key, s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.states[k]
	if st == nil {
		return
	}
	delete(st.subs, s)
	for i, j := range st.joining {
		if j == s {
			st.joining = append(st.joining[:i], st.joining[i+1:]...)
			break
		}
	}
	if len(st.subs) == 0 && len(st.joining) == 0 {
		delete(h.states, k)
	}
}

// run flushes until ctx ends, at most once per interval.
func (h *hub) run(ctx context.Context) {
	last := time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		}
		if wait := h.interval - time.Since(last); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		last = time.Now()
		h.flush(ctx)
	}
}

// flush routes the queued changes, reads what they touched, and sends each
// view's patch to its pages and the whole view to pages that joined.
func (h *hub) flush(ctx context.Context) {
	h.mu.Lock()
	changes := h.pending
	h.pending = nil
	var work []*viewState
	for _, st := range h.states {
		for _, c := range changes {
			if c.Kind == "" {
				for _, sec := range st.view.sections {
					st.whole[sec.name] = true
				}
				continue
			}
			if c.Scope == st.key.scope() || c.Kind == store.LogEventKind && c.Scope.Account == st.key.Account {
				st.view.route(st, c)
			}
		}
		if st.dirty() {
			work = append(work, st)
		}
	}
	// The marks are taken now; changes after this point mark again.
	type job struct {
		st      *viewState
		whole   map[string]bool
		items   map[string]map[string]bool
		joining []*subscriber
	}
	jobs := make([]job, 0, len(work))
	for _, st := range work {
		jobs = append(jobs, job{st, st.whole, st.items, st.joining})
		st.whole, st.items, st.joining = map[string]bool{}, map[string]map[string]bool{}, nil
	}
	h.mu.Unlock()
	if len(jobs) == 0 {
		return
	}
	memo := map[string]any{}
	for _, j := range jobs {
		var patch map[string]*sectionPatch
		err := h.st.Read(ctx, func(tx *store.Tx) error {
			r := &reader{h: h, tx: tx, sc: j.st.key.scope(), ctx: ctx, memo: memo}
			var err error
			patch, err = h.refresh(r, j.st, j.whole, j.items)
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				h.log.Warn("dashboard view not read", "view", j.st.key.View, "id", j.st.key.ID, "error", err)
			}
			// Read it all again next time.
			h.mu.Lock()
			for _, sec := range j.st.view.sections {
				j.st.whole[sec.name] = true
			}
			j.st.joining = append(j.st.joining, j.joining...)
			h.mu.Unlock()
			continue
		}
		h.mu.Lock()
		j.st.loaded = true
		if len(patch) > 0 {
			msg := event("patch", map[string]any{"sections": patch})
			for s := range j.st.subs {
				h.send(j.st, s, msg)
			}
		}
		if len(j.joining) > 0 {
			msg := event("snapshot", map[string]any{"sections": j.st.data})
			for _, s := range j.joining {
				j.st.subs[s] = true
				h.send(j.st, s, msg)
			}
		}
		h.mu.Unlock()
	}
}

// send queues a message for a page; a page too slow to keep up is closed
// and reconnects to a fresh view.
func (h *hub) send(st *viewState, s *subscriber, msg []byte) {
	if s.closed {
		return
	}
	select {
	case s.ch <- msg:
	default:
		s.closed = true
		close(s.ch)
		delete(st.subs, s)
	}
}

// sectionPatch is what changed in one section.
type sectionPatch struct {
	Set map[string]json.RawMessage `json:"set,omitempty"`
	Del []string                   `json:"del,omitempty"`
}

// refresh reads the marked sections and items and returns what changed.
func (h *hub) refresh(r *reader, st *viewState, whole map[string]bool, items map[string]map[string]bool) (map[string]*sectionPatch, error) {
	patch := map[string]*sectionPatch{}
	at := func(sec string) *sectionPatch {
		if patch[sec] == nil {
			patch[sec] = &sectionPatch{Set: map[string]json.RawMessage{}}
		}
		return patch[sec]
	}
	set := func(sec, id string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if old, ok := st.data[sec][id]; ok && bytes.Equal(old, b) {
			return nil
		}
		if st.data[sec] == nil {
			st.data[sec] = sectionData{}
		}
		st.data[sec][id] = b
		at(sec).Set[id] = b
		return nil
	}
	del := func(sec, id string) {
		if _, ok := st.data[sec][id]; ok {
			delete(st.data[sec], id)
			at(sec).Del = append(at(sec).Del, id)
		}
	}
	for _, sec := range st.view.sections {
		if whole[sec.name] {
			h.reads.Add(1)
			all, err := sec.load(r, st.key)
			if err != nil {
				return nil, err
			}
			if st.data[sec.name] == nil {
				st.data[sec.name] = sectionData{}
			}
			for id := range st.data[sec.name] {
				if _, ok := all[id]; !ok {
					del(sec.name, id)
				}
			}
			for id, v := range all {
				if err := set(sec.name, id, v); err != nil {
					return nil, err
				}
			}
			continue
		}
		for id := range items[sec.name] {
			h.reads.Add(1)
			v, err := sec.item(r, st.key, id)
			if err != nil {
				return nil, err
			}
			if v == nil {
				del(sec.name, id)
				continue
			}
			if err := set(sec.name, id, v); err != nil {
				return nil, err
			}
		}
	}
	for name, p := range patch {
		if len(p.Set) == 0 && len(p.Del) == 0 {
			delete(patch, name)
		}
	}
	return patch, nil
}

// event is one Server-Sent Event.
func event(name string, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{}`)
	}
	var buf bytes.Buffer
	buf.WriteString("event: ")
	buf.WriteString(name)
	buf.WriteString("\ndata: ")
	buf.Write(b)
	buf.WriteString("\n\n")
	return buf.Bytes()
}

// reader reads documents for one flush; a document read for one view is
// not read again for another in the same flush.
type reader struct {
	h    *hub
	tx   *store.Tx
	sc   store.Scope
	ctx  context.Context
	memo map[string]any
}

// call runs a read-only handler of a service as the account's root.
func (r *reader) call(service, op string, in any) (any, error) {
	s := r.h.services[service]
	if s == nil || s.Handlers[op] == nil {
		return nil, nil
	}
	c := &api.Context{Context: r.ctx, Service: service, Operation: op, Region: r.sc.Region,
		Caller: api.RootPrincipal(r.sc.Account, ""), Tx: r.tx}
	return s.Handlers[op].Call(c, in)
}

// cached reads a document once per flush.
func cached[T any](r *reader, coll store.Collection[T], id string) (*T, error) {
	k := coll.Kind + "\x00" + r.sc.Account + "\x00" + r.sc.Region + "\x00" + id
	if v, ok := r.memo[k]; ok {
		return v.(*T), nil
	}
	doc, err := coll.Get(r.tx, r.sc, id)
	if err != nil {
		return nil, err
	}
	r.memo[k] = doc
	return doc, nil
}
