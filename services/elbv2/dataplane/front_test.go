package dataplane

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// frontServer serves h on a loopback port with the listener ports' server.
func frontServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	px := &proxy{}
	stop := accept(ln, func(c net.Conn, _ *connSet) { px.serveConn(c, h, func() time.Duration { return 5 * time.Second }) })
	t.Cleanup(stop)
	return ln.Addr().String()
}

// rawConn sends raw bytes and reads answers.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawConn{t: t, c: c, br: bufio.NewReader(c)}
}

func (r *rawConn) send(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.c, s); err != nil {
		r.t.Fatal(err)
	}
}

// answer reads one answer to a request of method, with its body.
func (r *rawConn) answer(method string) (*http.Response, string) {
	r.t.Helper()
	resp, err := http.ReadResponse(r.br, &http.Request{Method: method})
	if err != nil {
		r.t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return resp, string(b)
}

// closed reports whether the server closed the connection.
func (r *rawConn) closed() bool {
	r.c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err := r.br.ReadByte()
	return err == io.EOF
}

func echoPath(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, r.URL.Path)
}

func TestFrontKeepAliveAndPipelining(t *testing.T) {
	rc := dialRaw(t, frontServer(t, echoPath))
	rc.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
	for _, want := range []string{"/a", "/b"} {
		resp, body := rc.answer("GET")
		if resp.StatusCode != 200 || body != want || resp.Close || resp.TransferEncoding != nil && want == "" {
			t.Fatalf("answer %q: %d %q close=%v", want, resp.StatusCode, body, resp.Close)
		}
		if resp.Header.Get("Date") == "" {
			t.Errorf("no Date header")
		}
	}
	// Connection: close ends the connection after the answer.
	rc.send("GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if resp, body := rc.answer("GET"); body != "/c" || !resp.Close {
		t.Fatalf("close: %q close=%v", body, resp.Close)
	}
	if !rc.closed() {
		t.Fatal("the connection stayed open after Connection: close")
	}
}

func TestFrontHTTP10(t *testing.T) {
	addr := frontServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush() // no Content-Length: the body ends with the connection
		io.WriteString(w, "old")
	})
	rc := dialRaw(t, addr)
	rc.send("GET / HTTP/1.0\r\n\r\n")
	resp, body := rc.answer("GET")
	if body != "old" || !resp.Close || len(resp.TransferEncoding) > 0 {
		t.Fatalf("HTTP/1.0: %q close=%v te=%v", body, resp.Close, resp.TransferEncoding)
	}
}

func TestFrontFraming(t *testing.T) {
	addr := frontServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/empty":
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		case "/length":
			w.Header().Set("Content-Length", "5")
			io.WriteString(w, "hello")
		case "/sniff":
			io.WriteString(w, "<html><body>hi</body></html>")
		case "/stream":
			io.WriteString(w, "one,")
			w.(http.Flusher).Flush()
			io.WriteString(w, "two")
		case "/trailer":
			w.Header().Set("Trailer", "X-Sum")
			io.WriteString(w, "body")
			w.(http.Flusher).Flush()
			w.Header().Set(http.TrailerPrefix+"X-Sum", "42")
		}
	})
	rc := dialRaw(t, addr)
	get := func(method, path string) (*http.Response, string) {
		rc.send(method + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
		return rc.answer(method)
	}
	if resp, body := get("GET", "/empty"); resp.ContentLength != 0 || body != "" || resp.StatusCode != 200 {
		t.Errorf("empty: %d length %d %q", resp.StatusCode, resp.ContentLength, body)
	}
	if resp, _ := get("GET", "/nocontent"); resp.StatusCode != 204 || resp.Header.Get("Content-Length") != "" {
		t.Errorf("204: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, body := get("GET", "/length"); resp.ContentLength != 5 || body != "hello" {
		t.Errorf("length: %d %q", resp.ContentLength, body)
	}
	if resp, body := get("HEAD", "/length"); resp.ContentLength != 5 || body != "" {
		t.Errorf("HEAD: %d %q", resp.ContentLength, body)
	}
	if resp, _ := get("GET", "/sniff"); !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("sniffed Content-Type %q", resp.Header.Get("Content-Type"))
	}
	if resp, body := get("GET", "/stream"); body != "one,two" || len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
		t.Errorf("stream: %q %v", body, resp.TransferEncoding)
	}
	if resp, body := get("GET", "/trailer"); body != "body" || resp.Trailer.Get("X-Sum") != "42" {
		t.Errorf("trailer: %q %v", body, resp.Trailer)
	}
}

func TestFrontRequestBodies(t *testing.T) {
	addr := frontServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ignore" {
			return
		}
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, string(b))
	})
	rc := dialRaw(t, addr)
	rc.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
	if _, body := rc.answer("POST"); body != "abcde" {
		t.Fatalf("chunked body: %q", body)
	}
	// A body the handler leaves is read before the next request.
	rc.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nxxxxGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
	rc.answer("POST")
	if resp, _ := rc.answer("GET"); resp.StatusCode != 200 {
		t.Fatalf("after an unread body: %d", resp.StatusCode)
	}
	// Expect: 100-continue is answered before the body is sent.
	rc.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
	line, err := rc.br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 ") {
		t.Fatalf("100-continue: %q %v", line, err)
	}
	rc.br.ReadString('\n')
	rc.send("ok")
	if _, body := rc.answer("POST"); body != "ok" {
		t.Fatalf("after 100-continue: %q", body)
	}
	// An unread body past the drain limit closes the connection.
	big := dialRaw(t, addr)
	big.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
	go io.Copy(big.c, io.LimitReader(zeros{}, 10000000))
	big.answer("POST")
	if !big.closed() {
		t.Fatal("the connection stayed open after a large unread body")
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }

func TestFrontBadRequests(t *testing.T) {
	addr := frontServer(t, echoPath)
	rc := dialRaw(t, addr)
	rc.send("NOT A REQUEST\r\n\r\n")
	if resp, body := rc.answer("GET"); resp.StatusCode != 400 || !strings.Contains(body, "400 Bad Request") || resp.Header.Get("Server") != "awselb/2.0" {
		t.Fatalf("malformed: %d %q", resp.StatusCode, body)
	}
	rc = dialRaw(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", maxHeaderBytes+10) + "\r\n\r\n")
	if resp, _ := rc.answer("GET"); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("large header: %d", resp.StatusCode)
	}
}

func TestFrontHijack(t *testing.T) {
	addr := frontServer(t, func(w http.ResponseWriter, r *http.Request) {
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
		brw.Flush()
		line, _ := brw.ReadString('\n')
		brw.WriteString("echo " + line)
		brw.Flush()
	})
	rc := dialRaw(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	if resp, err := http.ReadResponse(rc.br, nil); err != nil || resp.StatusCode != 101 {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	rc.send("hi\n")
	if line, _ := rc.br.ReadString('\n'); line != "echo hi\n" {
		t.Fatalf("after the upgrade: %q", line)
	}
}

// A client that goes away while the handler waits is seen once watched.
func TestFrontWatchSeesClientGo(t *testing.T) {
	seen := make(chan bool, 1)
	addr := frontServer(t, func(w http.ResponseWriter, r *http.Request) {
		fc := w.(*frontWriter).fc
		aborted := make(chan struct{})
		fc.setAbort(func() { close(aborted) })
		fc.watch()
		select {
		case <-aborted:
			seen <- fc.gone.Load()
		case <-time.After(5 * time.Second):
			seen <- false
		}
		fc.setAbort(nil)
	})
	rc := dialRaw(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	time.Sleep(50 * time.Millisecond)
	rc.c.Close()
	if !<-seen {
		t.Fatal("the client's close was not seen")
	}
	// A pipelined request read by the watch is not lost.
	addr = frontServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			w.(*frontWriter).fc.watch()
			time.Sleep(100 * time.Millisecond)
		}
		echoPath(w, r)
	})
	rc = dialRaw(t, addr)
	rc.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
	time.Sleep(30 * time.Millisecond)
	rc.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n")
	for _, want := range []string{"/first", "/second"} {
		if _, body := rc.answer("GET"); body != want {
			t.Fatalf("got %q, want %q", body, want)
		}
	}
}
