package dataplane

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The HTTP server of a listener's own port. It does what forwarding needs
// and no more: one goroutine per connection reads each request and answers
// it before the next (HTTP/1.1 keep-alive; HTTP/1.0 is answered and
// closed). Unlike net/http's server it does not watch every request's
// client: the watch starts only once a target is slow to answer, so a
// request answered at once costs no goroutine beside the connection's.
// Longshore's main port (the Host route) keeps net/http's server.

const (
	// maxHeaderBytes caps a request's line and headers, as net/http's default.
	maxHeaderBytes = 1 << 20
	// maxDrain is the most of an unread request body read to keep the
	// connection; past it the connection closes.
	maxDrain = 256 << 10
	// slowAfter is how long a target may take to start answering before the
	// client is watched for going away (460).
	slowAfter = 10 * time.Millisecond
)

var errHeaderTooLarge = errors.New("request header too large")

// frontConn is one client connection of a listener port.
type frontConn struct {
	px     *proxy
	c      net.Conn
	remote string
	r      frontReader
	br     *bufio.Reader
	bw     *bufio.Writer
	w      frontWriter
	// A watch of the client while a target is slow: one read of a byte,
	// ended by a past deadline.
	watching  bool
	watchFn   func() // watch, made once
	watchDone chan struct{}
	oneByte   [1]byte
	hasByte   bool
	gone      atomic.Bool
	mu        sync.Mutex
	abort     func() // closes the target's connection of the exchange under way
}

// frontReader reads the client: each read must come within the idle
// timeout, and while a request's head is read, no more than remain bytes.
type frontReader struct {
	fc     *frontConn
	idle   time.Duration
	remain int64 // < 0: no limit
}

func (r *frontReader) Read(b []byte) (int, error) {
	fc := r.fc
	if len(b) == 0 {
		return 0, nil
	}
	if r.remain == 0 {
		return 0, errHeaderTooLarge
	}
	if fc.hasByte {
		b[0], fc.hasByte = fc.oneByte[0], false
		if r.remain > 0 {
			r.remain--
		}
		return 1, nil
	}
	if r.remain > 0 && int64(len(b)) > r.remain {
		b = b[:r.remain]
	}
	fc.c.SetReadDeadline(time.Now().Add(r.idle))
	n, err := fc.c.Read(b)
	if r.remain > 0 {
		r.remain -= int64(n)
	}
	return n, err
}

// serveHTTP answers HTTP requests on ln by the listener's rules and returns
// the function that stops accepting and closes the open connections.
func (px *proxy) serveHTTP(ln net.Listener, listenerArn string) func() {
	h := px.handler(listenerArn)
	idle := func() time.Duration { return px.idleOf(listenerArn) }
	return accept(ln, func(c net.Conn, _ *connSet) { px.serveConn(c, h, idle) })
}

// serveConn answers the requests of one connection with h; idle is the
// load balancer's idle timeout.
func (px *proxy) serveConn(c net.Conn, h http.Handler, idle func() time.Duration) {
	fc := &frontConn{px: px, c: c, remote: c.RemoteAddr().String()}
	fc.r.fc = fc
	fc.watchFn = fc.watch
	if br, ok := px.readers.Get().(*bufio.Reader); ok {
		br.Reset(&fc.r)
		fc.br = br
	} else {
		fc.br = bufio.NewReaderSize(&fc.r, 4<<10)
	}
	if bw, ok := px.writers.Get().(*bufio.Writer); ok {
		bw.Reset(c)
		fc.bw = bw
	} else {
		fc.bw = bufio.NewWriterSize(c, 4<<10)
	}
	defer func() {
		if fc.w.hijacked {
			return // the buffers went with the connection
		}
		fc.br.Reset(nil)
		px.readers.Put(fc.br)
		fc.bw.Reset(nil)
		px.writers.Put(fc.bw)
	}()
	for {
		fc.r.idle = idle()
		fc.r.remain = maxHeaderBytes
		req, err := http.ReadRequest(fc.br)
		fc.r.remain = -1
		if err != nil {
			fc.badRequest(err)
			return
		}
		req.RemoteAddr = fc.remote
		if !fc.serve(h, req) {
			return
		}
	}
}

// badRequest answers a request that could not be read, unless the client
// just went away or stayed idle.
func (fc *frontConn) badRequest(err error) {
	status := http.StatusBadRequest
	var ne net.Error
	switch {
	case errors.Is(err, errHeaderTooLarge):
		status = http.StatusRequestHeaderFieldsTooLarge
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne):
		return
	}
	fc.w.reset(fc, &http.Request{Method: http.MethodGet, ProtoMajor: 1, ProtoMinor: 1, Close: true})
	errorPage(&fc.w, status)
	fc.w.finish()
}

// serve answers one request; false when the connection is done.
func (fc *frontConn) serve(h http.Handler, req *http.Request) (keep bool) {
	w := &fc.w
	w.reset(fc, req)
	if req.Body != http.NoBody && strings.EqualFold(req.Header.Get("Expect"), "100-continue") && req.ProtoAtLeast(1, 1) {
		// The body will be forwarded whatever the answer: ask for it now.
		fc.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if fc.bw.Flush() != nil {
			return false
		}
	}
	defer func() {
		if v := recover(); v != nil {
			keep = false
			fc.unwatch()
			if v != http.ErrAbortHandler {
				panic(v)
			}
		}
	}()
	h.ServeHTTP(w, req)
	if w.hijacked {
		return false
	}
	w.finish()
	fc.unwatch()
	if w.closeAfter || req.Close || !req.ProtoAtLeast(1, 1) || fc.gone.Load() {
		return false
	}
	// What the handler left of the body goes, within limits, before the next request.
	if req.Body != http.NoBody {
		n, err := io.CopyN(io.Discard, req.Body, maxDrain+1)
		if err != io.EOF || n > maxDrain {
			fc.linger()
			return false
		}
	}
	return true
}

// linger closes the sending half and waits a moment before the connection
// closes with a request body unread, so that the close does not reset the
// connection before the client has read the answer (as net/http's server).
func (fc *frontConn) linger() {
	if cw, ok := fc.c.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		time.Sleep(500 * time.Millisecond)
	}
}

// watch starts reading the client while a target is slow to answer: a
// client that goes away aborts the exchange. A byte the client sends in the
// meantime (a pipelined request) is kept for the next read.
func (fc *frontConn) watch() {
	if fc.watching {
		return
	}
	fc.watching = true
	fc.watchDone = make(chan struct{})
	fc.c.SetReadDeadline(time.Time{})
	go func() {
		defer close(fc.watchDone)
		n, err := fc.c.Read(fc.oneByte[:])
		if n > 0 {
			fc.hasByte = true
		}
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			fc.gone.Store(true)
			fc.mu.Lock()
			abort := fc.abort
			fc.mu.Unlock()
			if abort != nil {
				abort()
			}
		}
	}()
}

// unwatch ends the watch, if any, before the connection is read again.
func (fc *frontConn) unwatch() {
	if !fc.watching {
		return
	}
	fc.c.SetReadDeadline(time.Unix(1, 0))
	<-fc.watchDone
	fc.watching = false
}

// setAbort names what closes the exchange's target connection if the client
// goes away (nil at the end of the exchange); false when it has gone.
func (fc *frontConn) setAbort(abort func()) bool {
	fc.mu.Lock()
	fc.abort = abort
	fc.mu.Unlock()
	return !fc.gone.Load()
}

// idleOf is the idle timeout of the listener's load balancer.
func (px *proxy) idleOf(listenerArn string) time.Duration {
	if t := px.p.current(); t != nil {
		if le := t.listeners[listenerArn]; le != nil {
			return le.lb.idle
		}
	}
	return 60 * time.Second
}
