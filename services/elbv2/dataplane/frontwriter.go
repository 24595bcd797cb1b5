package dataplane

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// frontWriter is the http.ResponseWriter of a listener port's request. The
// head goes out with the first body bytes (sniffing a Content-Type when
// none is set, as net/http does) or at the end; a body of unknown length is
// chunked, or ends with the connection for HTTP/1.0.
type frontWriter struct {
	fc         *frontConn
	req        *http.Request
	header     http.Header
	status     int
	headSent   bool
	bodyless   bool  // HEAD, or a status without a body
	chunked    bool  // the body is chunked
	length     int64 // the declared Content-Length, -1: none
	written    int64
	closeAfter bool
	hijacked   bool
}

var errContentLength = errors.New("http: wrote more than the declared Content-Length")

func (w *frontWriter) reset(fc *frontConn, req *http.Request) {
	h := w.header
	if h == nil {
		h = http.Header{}
	} else {
		clear(h)
	}
	*w = frontWriter{fc: fc, req: req, header: h, length: -1}
}

func (w *frontWriter) Header() http.Header { return w.header }

func (w *frontWriter) WriteHeader(code int) {
	if w.headSent || w.status != 0 || code < 200 && code != http.StatusSwitchingProtocols {
		return
	}
	w.status = code
}

func (w *frontWriter) Write(p []byte) (int, error) {
	if !w.headSent {
		w.sendHead(p, false)
	}
	if w.bodyless {
		return len(p), nil
	}
	if w.length >= 0 && w.written+int64(len(p)) > w.length {
		w.closeAfter = true
		return 0, errContentLength
	}
	w.written += int64(len(p))
	bw := w.fc.bw
	if w.chunked {
		if len(p) == 0 {
			return 0, nil
		}
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(len(p)), 16))
		bw.WriteString("\r\n")
		bw.Write(p)
		_, err := bw.WriteString("\r\n")
		return len(p), err
	}
	return bw.Write(p)
}

// FlushError sends what is buffered (http.ResponseController's Flush).
func (w *frontWriter) FlushError() error {
	if !w.headSent {
		w.sendHead(nil, false)
	}
	return w.fc.bw.Flush()
}

func (w *frontWriter) Flush() { w.FlushError() }

// Hijack hands the connection over (a protocol switch).
func (w *frontWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.headSent {
		return nil, nil, http.ErrHijacked
	}
	w.hijacked = true
	return w.fc.c, bufio.NewReadWriter(w.fc.br, w.fc.bw), nil
}

// finish ends the answer: its head if nothing was written, the last chunk
// and trailers of a chunked body, and a flush.
func (w *frontWriter) finish() {
	if !w.headSent {
		w.sendHead(nil, true)
	}
	bw := w.fc.bw
	if w.chunked {
		bw.WriteString("0\r\n")
		for k, vs := range w.header {
			if name, ok := strings.CutPrefix(k, http.TrailerPrefix); ok {
				for _, v := range vs {
					writeField(bw, name, v)
				}
			}
		}
		bw.WriteString("\r\n")
	}
	if w.length >= 0 && w.written != w.length && !w.bodyless {
		w.closeAfter = true
	}
	if bw.Flush() != nil {
		w.closeAfter = true
	}
}

// sendHead writes the status line and headers; first is the body's first
// bytes, done reports that the handler has finished.
func (w *frontWriter) sendHead(first []byte, done bool) {
	w.headSent = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h, req, code := w.header, w.req, w.status
	if cl := h["Content-Length"]; len(cl) > 0 {
		if n, err := strconv.ParseInt(cl[0], 10, 64); err == nil && n >= 0 {
			w.length = n
		} else {
			delete(h, "Content-Length")
		}
	}
	delete(h, "Transfer-Encoding")
	allowed := bodyAllowed(code)
	if !allowed {
		delete(h, "Content-Length")
		w.length = -1
		if code == http.StatusNotModified {
			delete(h, "Content-Type")
		}
	} else if _, typed := h["Content-Type"]; !typed && len(first) > 0 && h.Get("Content-Encoding") == "" {
		h["Content-Type"] = []string{http.DetectContentType(first)}
	}
	switch {
	case req.Method == http.MethodHead || !allowed:
		w.bodyless = true
	case w.length >= 0:
	case done:
		w.length = 0
		h["Content-Length"] = []string{"0"}
	case req.ProtoAtLeast(1, 1):
		w.chunked = true
	default:
		w.closeAfter = true
	}
	if req.Close || !req.ProtoAtLeast(1, 1) || w.closeAfter || h.Get("Connection") == "close" {
		w.closeAfter = true
		h["Connection"] = []string{"close"}
	}
	bw := w.fc.bw
	bw.WriteString("HTTP/1.1 ")
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(code), 10))
	bw.WriteByte(' ')
	if text := statusText(code); text != "" {
		bw.WriteString(text)
	} else {
		bw.WriteString("status code ")
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(code), 10))
	}
	bw.WriteString("\r\n")
	if _, ok := h["Date"]; !ok {
		writeField(bw, "Date", w.fc.px.httpDate())
	}
	for k, vs := range h {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			continue
		}
		for _, v := range vs {
			writeField(bw, k, headerValue(v))
		}
	}
	if w.chunked {
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	bw.WriteString("\r\n")
}

func statusText(code int) string {
	if code == statusClientClosed {
		return "Client Closed Request"
	}
	return http.StatusText(code)
}

// bodyAllowed reports whether a status may carry a body (RFC 9110 6.4.1).
func bodyAllowed(code int) bool {
	return code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified
}

// headerValue keeps a header value on its line.
func headerValue(v string) string {
	if strings.ContainsAny(v, "\r\n") {
		return strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
	}
	return v
}

// httpDate is the Date header, formatted once a second.
func (px *proxy) httpDate() string {
	now := time.Now()
	if d := px.date.Load(); d != nil && d.sec == now.Unix() {
		return d.text
	}
	d := &cachedDate{sec: now.Unix(), text: now.UTC().Format(http.TimeFormat)}
	px.date.Store(d)
	return d.text
}

type cachedDate struct {
	sec  int64
	text string
}
