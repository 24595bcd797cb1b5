package dataplane

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"time"
)

// inlineBody is the largest request body sent before the answer is read;
// longer or streamed bodies go out from a goroutine of their own, since a
// target may answer before it has read them.
const inlineBody = 64 << 10

// exchange sends a request to its target over a kept-alive HTTP/1.1
// connection and relays the answer. It runs on the handler's goroutine and
// writes the request straight from the incoming one: no cloned request or
// header map, no per-request goroutines.
func (px *proxy) exchange(w http.ResponseWriter, r *http.Request, pk pick) {
	cw := watchOf(w, r)
	upgrade := upgradeType(r.Header)
	for attempt := 0; ; attempt++ {
		uc, err := px.p.up.get(r.Context(), pk.addr, pk.idle, attempt > 0)
		if err != nil {
			px.fail(w, r, pk.addr, err)
			return
		}
		// A client that goes away closes the target's connection: the
		// forward fails and is logged as 460.
		cw.start(uc.abort)
		resp, err := px.send(uc, r, pk, upgrade, cw.slow())
		if err != nil {
			cw.end()
			uc.discard()
			// A kept-alive connection the target closed while it was idle
			// fails before any answer; a request without a body can go again
			// on a new one.
			if attempt == 0 && uc.reused && uc.read == 0 && r.ContentLength == 0 && !cw.gone() {
				continue
			}
			px.fail(w, r, pk.addr, err)
			return
		}
		if resp.StatusCode == http.StatusSwitchingProtocols {
			cw.end()
			px.switchProtocols(w, r, uc, resp, upgrade, pk.addr)
			return
		}
		px.relay(w, uc, resp, &cw)
		return
	}
}

// clientWatch ties an exchange to its client: when the client goes away,
// the target's connection is closed. A listener port's connection watches
// its client itself, once a target is slow; on the main port net/http's
// server cancels the request's context.
type clientWatch struct {
	fc   *frontConn
	ctx  context.Context
	stop func() bool
}

func watchOf(w http.ResponseWriter, r *http.Request) clientWatch {
	if fw, ok := w.(*frontWriter); ok {
		return clientWatch{fc: fw.fc}
	}
	return clientWatch{ctx: r.Context()}
}

func (cw *clientWatch) start(abort func()) {
	if cw.fc != nil {
		cw.fc.setAbort(abort)
		return
	}
	cw.stop = context.AfterFunc(cw.ctx, abort)
}

// end ends the watch; false when the client went away (abort may have run).
func (cw *clientWatch) end() bool {
	if cw.fc != nil {
		return cw.fc.setAbort(nil)
	}
	return cw.stop()
}

// slow is what starts watching the client once the target is slow to answer.
func (cw *clientWatch) slow() func() {
	if cw.fc != nil {
		return cw.fc.watchFn
	}
	return nil
}

func (cw *clientWatch) gone() bool {
	if cw.fc != nil {
		return cw.fc.gone.Load()
	}
	return errors.Is(cw.ctx.Err(), context.Canceled)
}

// send writes the request and reads the head of the target's answer,
// passing over interim (1xx) answers. slow, if set, runs once the target
// has taken slowAfter to start answering a request whose body is sent.
func (px *proxy) send(uc *upConn, r *http.Request, pk pick, upgrade string, slow func()) (*http.Response, error) {
	bw := uc.bw
	writeHead(bw, r, pk, upgrade)
	switch {
	case r.ContentLength == 0:
		if err := bw.Flush(); err != nil {
			return nil, err
		}
	case r.ContentLength > 0 && r.ContentLength <= inlineBody:
		if err := px.writeBody(bw, r); err != nil {
			return nil, err
		}
	default:
		done := make(chan error, 1)
		uc.wdone = done
		slow = nil // the client's connection is busy with the body
		go func() {
			err := px.writeBody(bw, r)
			if err != nil {
				uc.abort()
			}
			done <- err
		}()
	}
	uc.onSlow = slow
	defer func() { uc.onSlow = nil }()
	for {
		resp, err := http.ReadResponse(uc.br, r)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode < 100 || resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, nil
		}
	}
}

// writeHead writes the request line and headers as the target gets them:
// hop-by-hop headers dropped, the Host kept, and ALB's X-Forwarded-For,
// -Proto and -Port and X-Amzn-Trace-Id set.
func writeHead(bw *bufio.Writer, r *http.Request, pk pick, upgrade string) {
	uri := r.RequestURI
	if uri == "" || uri[0] != '/' && uri != "*" {
		uri = r.URL.RequestURI()
	}
	host := r.Host
	if host == "" {
		host = pk.addr
	}
	bw.WriteString(r.Method)
	bw.WriteByte(' ')
	bw.WriteString(uri)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(host)
	bw.WriteString("\r\n")
	conn := r.Header["Connection"]
	for k, vs := range r.Header {
		if skipRequestHeader(k) || len(conn) > 0 && listed(conn, k) {
			continue
		}
		for _, v := range vs {
			writeField(bw, k, v)
		}
	}
	bw.WriteString("X-Forwarded-For: ")
	for _, v := range r.Header["X-Forwarded-For"] {
		if v != "" {
			bw.WriteString(v)
			bw.WriteString(", ")
		}
	}
	if pk.client.IsValid() {
		bw.Write(pk.client.AppendTo(bw.AvailableBuffer()))
	} else {
		bw.WriteString(r.RemoteAddr)
	}
	bw.WriteString("\r\n")
	writeField(bw, "X-Forwarded-Proto", pk.listener.scheme)
	writeField(bw, "X-Forwarded-Port", pk.listener.portText)
	tid := ""
	if vs := r.Header["X-Amzn-Trace-Id"]; len(vs) > 0 {
		tid = vs[0]
	}
	if strings.Contains(tid, "Root=") {
		writeField(bw, "X-Amzn-Trace-Id", tid)
	} else {
		writeTraceID(bw, tid)
	}
	if upgrade != "" {
		writeField(bw, "Connection", "Upgrade")
		writeField(bw, "Upgrade", upgrade)
	}
	switch {
	case r.ContentLength > 0:
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), r.ContentLength, 10))
		bw.WriteString("\r\n")
	case r.ContentLength < 0:
		writeField(bw, "Transfer-Encoding", "chunked")
	}
	bw.WriteString("\r\n")
}

func writeField(bw *bufio.Writer, k, v string) {
	bw.WriteString(k)
	bw.WriteString(": ")
	bw.WriteString(v)
	bw.WriteString("\r\n")
}

// writeTraceID writes a new X-Amzn-Trace-Id: Root=1-<epoch seconds, 8 hex
// digits>-<96 random bits, 24 hex digits>, keeping any fields the client sent.
func writeTraceID(bw *bufio.Writer, prior string) {
	b := append(bw.AvailableBuffer(), "X-Amzn-Trace-Id: Root=1-"...)
	b = appendHex(b, uint64(time.Now().Unix()), 8)
	b = append(b, '-')
	b = appendHex(b, rand.Uint64(), 16)
	b = appendHex(b, uint64(rand.Uint32()), 8)
	if prior != "" {
		b = append(b, ';')
		b = append(b, prior...)
	}
	b = append(b, "\r\n"...)
	bw.Write(b)
}

func appendHex(b []byte, v uint64, digits int) []byte {
	const hex = "0123456789abcdef"
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hex[(v>>(4*uint(i)))&0xf])
	}
	return b
}

// writeBody writes the request body, chunked when its length is unknown,
// and flushes.
func (px *proxy) writeBody(bw *bufio.Writer, r *http.Request) error {
	if r.ContentLength > 0 {
		if _, err := io.Copy(bw, r.Body); err != nil {
			return err
		}
		return bw.Flush()
	}
	buf := px.getBuffer()
	defer px.putBuffer(buf)
	cw := httputil.NewChunkedWriter(bw)
	if _, err := io.CopyBuffer(cw, r.Body, *buf); err != nil {
		return err
	}
	cw.Close()
	for k, vs := range r.Trailer {
		for _, v := range vs {
			writeField(bw, k, v)
		}
	}
	bw.WriteString("\r\n")
	return bw.Flush()
}

// skipRequestHeader names the headers not passed on as they came: the
// hop-by-hop ones, and those the proxy writes itself.
func skipRequestHeader(k string) bool {
	switch k {
	case "Host", "Content-Length", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Amzn-Trace-Id":
		return true
	}
	return hopByHop(k)
}

func hopByHop(k string) bool {
	switch k {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

// listed reports whether a Connection header names k, making it hop-by-hop.
func listed(conn []string, k string) bool {
	for _, v := range conn {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), k) {
				return true
			}
		}
	}
	return false
}

// upgradeType is the protocol a request asks to switch to ("" for none).
func upgradeType(h http.Header) string {
	conn := h["Connection"]
	if len(conn) == 0 || !listed(conn, "Upgrade") {
		return ""
	}
	return h.Get("Upgrade")
}

// relay copies the target's answer to the client, then keeps the connection
// for another request when the exchange ended cleanly.
func (px *proxy) relay(w http.ResponseWriter, uc *upConn, resp *http.Response, cw *clientWatch) {
	h := w.Header()
	conn := resp.Header["Connection"]
	for k, vs := range resp.Header {
		if hopByHop(k) || len(conn) > 0 && listed(conn, k) {
			continue
		}
		if old, ok := h[k]; ok {
			h[k] = append(old, vs...)
		} else {
			h[k] = vs
		}
	}
	if len(resp.Trailer) > 0 {
		keys := make([]string, 0, len(resp.Trailer))
		for k := range resp.Trailer {
			keys = append(keys, k)
		}
		h["Trailer"] = []string{strings.Join(keys, ", ")}
	}
	w.WriteHeader(resp.StatusCode)
	// An answer of unknown length (a stream, server-sent events) reaches the
	// client as it comes; others through the server's buffer.
	var flush func() error
	if resp.ContentLength < 0 || isEventStream(resp.Header) {
		flush = http.NewResponseController(w).Flush
	}
	if err := px.copyBody(w, resp.Body, flush); err != nil {
		cw.end()
		uc.discard()
		// The answer has begun: all that is left is to cut the client off.
		px.p.log.Debug("elbv2 data plane: answer cut off", "target", uc.addr, "error", err)
		panic(http.ErrAbortHandler)
	}
	for k, vs := range resp.Trailer {
		h[http.TrailerPrefix+k] = vs
	}
	if !cw.end() || resp.Close || uc.finishBody() != nil {
		uc.discard()
		return
	}
	px.p.up.put(uc)
}

func isEventStream(h http.Header) bool {
	ct := h.Get("Content-Type")
	return len(ct) >= 17 && strings.EqualFold(ct[:17], "text/event-stream")
}

// copyBody copies src to w, flushing after each write when flush is set.
func (px *proxy) copyBody(w io.Writer, src io.Reader, flush func() error) error {
	buf := px.getBuffer()
	defer px.putBuffer(buf)
	for {
		n, rerr := src.Read(*buf)
		if n > 0 {
			if _, err := w.Write((*buf)[:n]); err != nil {
				return err
			}
			if flush != nil {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

func (px *proxy) getBuffer() *[]byte {
	if b, ok := px.buffers.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 32<<10)
	return &b
}

func (px *proxy) putBuffer(b *[]byte) { px.buffers.Put(b) }

// switchProtocols completes an upgrade (WebSocket) the target accepted: the
// client's connection is taken over and bytes flow both ways until either
// side closes or the idle timeout passes.
func (px *proxy) switchProtocols(w http.ResponseWriter, r *http.Request, uc *upConn, resp *http.Response, upgrade, addr string) {
	defer uc.discard()
	if upgrade == "" || !strings.EqualFold(upgradeType(resp.Header), upgrade) {
		px.fail(w, r, addr, errors.New("the target switched protocols unasked"))
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		px.fail(w, r, addr, err)
		return
	}
	defer conn.Close()
	brw.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
	resp.Header.Write(brw)
	brw.WriteString("\r\n")
	if n := uc.br.Buffered(); n > 0 {
		b, _ := uc.br.Peek(n)
		brw.Write(b)
	}
	if brw.Flush() != nil {
		return
	}
	if n := brw.Reader.Buffered(); n > 0 {
		b, _ := brw.Reader.Peek(n)
		if _, err := uc.idleConn.Write(b); err != nil {
			return
		}
	}
	done := make(chan struct{}, 2)
	go func() { io.Copy(uc.idleConn, conn); done <- struct{}{} }()
	go func() { io.Copy(conn, uc.idleConn); done <- struct{}{} }()
	<-done
	conn.Close()
	uc.Conn.Close()
	<-done
}

// fail maps a failed forward to ALB's answer: 460 when the client went away,
// 504 when the target was idle past the timeout, 502 otherwise (refused,
// reset, malformed).
func (px *proxy) fail(w http.ResponseWriter, r *http.Request, target string, err error) {
	var ne net.Error
	status := http.StatusBadGateway
	cw := watchOf(w, r)
	switch {
	case cw.gone():
		status = statusClientClosed
	case errors.As(err, &ne) && ne.Timeout():
		status = http.StatusGatewayTimeout
	}
	errorPage(w, status)
	px.p.log.Info("elbv2 data plane: forward failed", "status", status, "target", target, "path", r.URL.Path, "error", err)
}
