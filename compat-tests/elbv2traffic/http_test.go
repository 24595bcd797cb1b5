package elbv2traffic_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// httpTarget answers the paths TestHTTPThroughTheProxy uses; it closes
// connections idle for 200 ms, sooner than the load balancer keeps them.
func httpTarget(t *testing.T, proceed chan struct{}) (*httptest.Server, int32) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/echo":
			h := sha256.New()
			n, _ := io.Copy(h, r.Body)
			w.Header().Set("X-Length", strconv.FormatInt(n, 10))
			w.Header().Set("X-Sum", hex.EncodeToString(h.Sum(nil)))
			w.Header().Set("X-Secret-Seen", r.Header.Get("X-Secret"))
			w.Header().Set("Connection", "X-Hop")
			w.Header().Set("X-Hop", "1")
			io.WriteString(w, r.Method)
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		case "/stream":
			io.WriteString(w, "first;")
			w.(http.Flusher).Flush()
			select {
			case <-proceed:
				io.WriteString(w, "second")
			case <-time.After(5 * time.Second):
				io.WriteString(w, "the first part was held back")
			}
		case "/trailer":
			w.Header().Set("Trailer", "X-Checksum")
			io.WriteString(w, "body")
			w.Header().Set("X-Checksum", "42")
		case "/ws":
			if r.Header.Get("Upgrade") != "echo" {
				http.Error(w, "no upgrade", http.StatusBadRequest)
				return
			}
			c, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer c.Close()
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
			brw.Flush()
			for {
				line, err := brw.ReadString('\n')
				if err != nil {
					return
				}
				brw.WriteString("echo " + line)
				brw.Flush()
			}
		}
	}))
	srv.Config.IdleTimeout = 200 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	return srv, int32(p)
}

// The proxy carries HTTP as a proxy must, through both doors: request
// bodies of known and unknown length, HEAD and 204, answers streamed as
// they come, trailers, hop-by-hop headers dropped (RFC 9110 7.6.1),
// protocol upgrades (ALB carries WebSockets), and kept-alive connections
// the target closed while idle.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
func TestHTTPThroughTheProxy(t *testing.T) {
	e := start(t)
	proceed := make(chan struct{}, 1)
	_, port := httpTarget(t, proceed)
	lb := e.alb(unique("http"))
	tg := e.ipGroup(unique("http"), types.ProtocolEnumHttp)
	e.register(tg, port)
	ep := e.endpoint(e.listener(lb.LoadBalancerArn, types.ProtocolEnumHttp, 80, forward(tg)))
	doors := []struct{ name, addr, host string }{{"listener port", ep.LocalAddress, ""}, {"main port", e.mainAddr(), aws.ToString(lb.DNSName)}}
	for _, d := range doors {
		t.Run(d.name, func(t *testing.T) {
			e := &env{t: t, ls: e.ls, c: e.c, hc: e.hc}
			req := func(method, path string, body io.Reader, length int64) *http.Request {
				r, err := http.NewRequest(method, "http://"+d.addr+path, body)
				if err != nil {
					t.Fatal(err)
				}
				if d.host != "" {
					r.Host = d.host
				}
				if body != nil {
					r.ContentLength = length
				}
				return r
			}
			big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
			sum := sha256.Sum256(big)
			for _, c := range []struct {
				name   string
				body   io.Reader
				length int64
			}{
				{"small", strings.NewReader("hello"), 5},
				{"large", bytes.NewReader(big), int64(len(big))},
				{"chunked", io.MultiReader(bytes.NewReader(big)), -1},
			} {
				r := req("POST", "/echo", c.body, c.length)
				r.Header.Set("Connection", "X-Secret")
				r.Header.Set("X-Secret", "hop")
				got := e.do(r)
				want := map[string]string{"small": "5", "large": "1048576", "chunked": "1048576"}[c.name]
				if got.status != 200 || got.body != "POST" || got.header.Get("X-Length") != want {
					t.Fatalf("%s body: %d %q length %s", c.name, got.status, got.body, got.header.Get("X-Length"))
				}
				if c.name != "small" && got.header.Get("X-Sum") != hex.EncodeToString(sum[:]) {
					t.Fatalf("%s body arrived changed", c.name)
				}
				if got.header.Get("X-Secret-Seen") != "" || got.header.Get("X-Hop") != "" {
					t.Fatalf("hop-by-hop headers passed: request X-Secret %q, answer X-Hop %q", got.header.Get("X-Secret-Seen"), got.header.Get("X-Hop"))
				}
			}
			if got := e.do(req("HEAD", "/echo", nil, 0)); got.status != 200 || got.body != "" {
				t.Fatalf("HEAD: %d %q", got.status, got.body)
			}
			if got := e.do(req("GET", "/nocontent", nil, 0)); got.status != 204 {
				t.Fatalf("204: %d", got.status)
			}
			// The stream's first part arrives before the target writes the rest.
			resp, err := e.hc.Do(req("GET", "/stream", nil, 0))
			if err != nil {
				t.Fatal(err)
			}
			first := make([]byte, len("first;"))
			if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "first;" {
				t.Fatalf("stream: %q %v", first, err)
			}
			proceed <- struct{}{}
			rest, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(rest) != "second" {
				t.Fatalf("stream rest: %q", rest)
			}
			resp, err = e.hc.Do(req("GET", "/trailer", nil, 0))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != "body" || resp.Trailer.Get("X-Checksum") != "42" {
				t.Fatalf("trailer: %q %v", b, resp.Trailer)
			}
			// The target closes the load balancer's idle connections after
			// 200 ms: later requests, with and without a body, still arrive.
			time.Sleep(400 * time.Millisecond)
			if got := e.do(req("POST", "/echo", strings.NewReader("again"), 5)); got.status != 200 || got.header.Get("X-Length") != "5" {
				t.Fatalf("after the target closed idle connections: %d %q", got.status, got.body)
			}
			time.Sleep(400 * time.Millisecond)
			if got := e.do(req("GET", "/echo", nil, 0)); got.status != 200 {
				t.Fatalf("GET after the target closed idle connections: %d %q", got.status, got.body)
			}
			// A protocol upgrade passes bytes both ways.
			c, err := net.Dial("tcp", d.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			host := d.host
			if host == "" {
				host = d.addr
			}
			io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: "+host+"\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
			br := bufio.NewReader(c)
			up, err := http.ReadResponse(br, nil)
			if err != nil || up.StatusCode != http.StatusSwitchingProtocols || up.Header.Get("Upgrade") != "echo" {
				t.Fatalf("upgrade: %v %v", up, err)
			}
			for _, msg := range []string{"one\n", "two\n"} {
				io.WriteString(c, msg)
				if line, err := br.ReadString('\n'); line != "echo "+msg {
					t.Fatalf("upgraded echo: %q %v", line, err)
				}
			}
		})
	}
}
