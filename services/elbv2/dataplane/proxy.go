package dataplane

import (
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/elbv2"
)

// Status codes ALB answers with when it cannot reach a target.
const (
	statusClientClosed = 460 // the client closed the connection before the response
)

// proxy forwards HTTP requests to targets.
type proxy struct {
	p  *Plane
	rp *httputil.ReverseProxy
	// transports by idle timeout: the timeout is the load balancer's attribute.
	tmu        sync.Mutex
	transports map[time.Duration]*http.Transport
}

// pick is the target chosen for a request, carried to the reverse proxy.
type pick struct {
	addr     string
	listener *listenerEntry
	client   netip.Addr
	idle     time.Duration
}

type pickKey struct{}

func newProxy(p *Plane) *proxy {
	px := &proxy{p: p, transports: map[time.Duration]*http.Transport{}}
	px.rp = &httputil.ReverseProxy{
		Rewrite:       px.rewrite,
		Transport:     px,
		ErrorHandler:  px.fail,
		FlushInterval: -1,
		BufferPool:    &bufferPool{},
	}
	return px
}

// bufferPool reuses the proxy's copy buffers (32 KiB each) across requests.
type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() []byte {
	if v, ok := b.p.Get().(*[]byte); ok {
		return *v
	}
	return make([]byte, 32<<10)
}

func (b *bufferPool) Put(buf []byte) { b.p.Put(&buf) }

// RoundTrip sends the request through the transport of its load balancer's idle timeout.
func (px *proxy) RoundTrip(r *http.Request) (*http.Response, error) {
	pk, _ := r.Context().Value(pickKey{}).(*pick)
	idle := 60 * time.Second
	if pk != nil {
		idle = pk.idle
	}
	return px.transport(idle).RoundTrip(r)
}

func (px *proxy) transport(idle time.Duration) *http.Transport {
	px.tmu.Lock()
	defer px.tmu.Unlock()
	if t, ok := px.transports[idle]; ok {
		return t
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	keepIdle := idle / 2
	if keepIdle > 30*time.Second {
		keepIdle = 30 * time.Second
	}
	t := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &idleConn{Conn: c, idle: idle}, nil
		},
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     keepIdle,
		DisableCompression:  true,
	}
	px.transports[idle] = t
	return t
}

// idleConn fails a read when nothing arrived for the idle timeout since the
// last read or write: ALB's idle timeout.
type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c *idleConn) Read(b []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	return c.Conn.Read(b)
}

func (c *idleConn) Write(b []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	return c.Conn.Write(b)
}

// handler serves requests arriving for a listener.
func (px *proxy) handler(listenerArn string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := px.p.current()
		var le *listenerEntry
		if t != nil {
			le = t.listeners[listenerArn]
		}
		if le == nil {
			errorPage(w, http.StatusServiceUnavailable)
			return
		}
		px.serve(w, r, t, le)
	})
}

func clientAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func (px *proxy) serve(w http.ResponseWriter, r *http.Request, t *table, le *listenerEntry) {
	client := clientAddr(r)
	for _, rule := range le.rules {
		if !rule.match(r, client) {
			continue
		}
		for _, a := range rule.actions {
			switch a.Type {
			case types.ActionTypeEnumForward:
				px.forward(w, r, t, le, client, a)
				return
			case types.ActionTypeEnumRedirect:
				redirect(w, r, le, a.RedirectConfig)
				return
			case types.ActionTypeEnumFixedResponse:
				fixedResponse(w, a.FixedResponseConfig)
				return
			}
			// authenticate-* and jwt-validation actions need an identity
			// provider; they pass requests on unchanged here.
		}
	}
	errorPage(w, http.StatusServiceUnavailable)
}

// errorPage writes ALB's own error page for status.
func errorPage(w http.ResponseWriter, status int) {
	text := http.StatusText(status)
	switch status {
	case statusClientClosed:
		text = "Client Closed Request"
	}
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "awselb/2.0")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n</body>\r\n</html>\r\n", status, text, status, text)
}

func fixedResponse(w http.ResponseWriter, c *types.FixedResponseActionConfig) {
	if c == nil {
		errorPage(w, http.StatusInternalServerError)
		return
	}
	status, err := strconv.Atoi(aws.ToString(c.StatusCode))
	if err != nil {
		status = http.StatusOK
	}
	if ct := aws.ToString(c.ContentType); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Server", "awselb/2.0")
	w.WriteHeader(status)
	io.WriteString(w, aws.ToString(c.MessageBody))
}

// redirect answers with the redirect's URL, its #{...} placeholders replaced
// by the request's parts.
func redirect(w http.ResponseWriter, r *http.Request, le *listenerEntry, c *types.RedirectActionConfig) {
	if c == nil {
		errorPage(w, http.StatusInternalServerError)
		return
	}
	proto := strings.ToLower(string(le.Protocol))
	port := strconv.Itoa(int(le.Port))
	host := requestHost(r)
	path := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	query := r.URL.RawQuery
	sub := func(s string) string {
		return strings.NewReplacer("#{protocol}", proto, "#{host}", host, "#{port}", port, "#{path}", path, "#{query}", query).Replace(s)
	}
	toProto := strings.ToLower(sub(aws.ToString(c.Protocol)))
	toHost := sub(aws.ToString(c.Host))
	toPort := sub(aws.ToString(c.Port))
	toPath := sub(aws.ToString(c.Path))
	if !strings.HasPrefix(toPath, "/") {
		toPath = "/" + toPath
	}
	u := toProto + "://" + toHost
	if !(toProto == "http" && toPort == "80" || toProto == "https" && toPort == "443" || toPort == "") {
		u += ":" + toPort
	}
	u += toPath
	if q := sub(aws.ToString(c.Query)); q != "" {
		u += "?" + q
	}
	status := http.StatusFound
	if c.StatusCode == types.RedirectActionStatusCodeEnumHttp301 {
		status = http.StatusMovedPermanently
	}
	w.Header().Set("Location", u)
	w.Header().Set("Server", "awselb/2.0")
	w.WriteHeader(status)
}

// Cookie names ALB uses for stickiness.
const (
	cookieTarget = "AWSALB"     // target stickiness (lb_cookie)
	cookieCORS   = "AWSALBCORS" // the same, for cross-origin requests
	cookieGroup  = "AWSALBTG"   // target group stickiness of a weighted forward
)

func encodeSticky(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeSticky(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return ""
	}
	return string(b)
}

func stickyCookie(w http.ResponseWriter, name, value string, d time.Duration) {
	w.Header().Add("Set-Cookie", (&http.Cookie{Name: name, Value: encodeSticky(value), Path: "/", Expires: time.Now().Add(d)}).String())
	if name == cookieTarget {
		w.Header().Add("Set-Cookie", (&http.Cookie{Name: cookieCORS, Value: encodeSticky(value), Path: "/", Expires: time.Now().Add(d),
			SameSite: http.SameSiteNoneMode, Secure: true}).String())
	}
}

// chooseGroup picks a target group of a forward action by weight, or the
// one the group stickiness cookie names.
func chooseGroup(w http.ResponseWriter, r *http.Request, a types.Action) string {
	fc := a.ForwardConfig
	if fc == nil || len(fc.TargetGroups) == 0 {
		return aws.ToString(a.TargetGroupArn)
	}
	if len(fc.TargetGroups) == 1 {
		return aws.ToString(fc.TargetGroups[0].TargetGroupArn)
	}
	sticky := r != nil && fc.TargetGroupStickinessConfig != nil && aws.ToBool(fc.TargetGroupStickinessConfig.Enabled)
	if sticky {
		if want := decodeSticky(r, cookieGroup); want != "" {
			for _, tg := range fc.TargetGroups {
				if aws.ToString(tg.TargetGroupArn) == want && aws.ToInt32(tg.Weight) > 0 {
					return want
				}
			}
		}
	}
	total := 0
	for _, tg := range fc.TargetGroups {
		total += int(aws.ToInt32(tg.Weight))
	}
	chosen := aws.ToString(fc.TargetGroups[0].TargetGroupArn)
	if total > 0 {
		n := rand.IntN(total)
		for _, tg := range fc.TargetGroups {
			n -= int(aws.ToInt32(tg.Weight))
			if n < 0 {
				chosen = aws.ToString(tg.TargetGroupArn)
				break
			}
		}
	}
	if sticky {
		d := time.Duration(aws.ToInt32(fc.TargetGroupStickinessConfig.DurationSeconds)) * time.Second
		if d <= 0 {
			d = time.Hour
		}
		stickyCookie(w, cookieGroup, chosen, d)
	}
	return chosen
}

// routable lists a group's targets that take new requests: the healthy ones,
// or, when none is healthy, every registered one (ALB fails open). Draining
// targets take none.
func routable(tg *elbv2.PlaneTargetGroup, now time.Time) []elbv2.PlaneTarget {
	var healthy, all []elbv2.PlaneTarget
	for _, t := range tg.Targets {
		if t.Draining {
			continue
		}
		all = append(all, t)
		if st, _ := t.Health(now); st == string(types.TargetHealthStateEnumHealthy) || st == string(types.TargetHealthStateEnumUnavailable) {
			healthy = append(healthy, t)
		}
	}
	if len(healthy) > 0 {
		return healthy
	}
	return all
}

// targetAddr is where a target answers: its address (ip targets), the port
// Docker published for an ECS task, or, for other instance targets, its port
// on this machine.
func targetAddr(o elbv2.Options, tg *elbv2.PlaneTargetGroup, t elbv2.PlaneTarget) string {
	addr, _ := o.Dial(tg.TG.TargetType, t.ID, t.Port)
	return addr
}

func (px *proxy) forward(w http.ResponseWriter, r *http.Request, t *table, le *listenerEntry, client netip.Addr, a types.Action) {
	tgArn := chooseGroup(w, r, a)
	tg := t.groups[tgArn]
	if tg == nil {
		errorPage(w, http.StatusServiceUnavailable)
		return
	}
	targets := routable(tg, time.Now().UTC())
	if len(targets) == 0 {
		errorPage(w, http.StatusServiceUnavailable)
		return
	}
	gs := px.p.group(tgArn)
	var chosen *elbv2.PlaneTarget
	stick := tg.Attributes["stickiness.enabled"] == "true" && tg.Attributes["stickiness.type"] != "app_cookie"
	if stick {
		if want := decodeSticky(r, cookieTarget); want != "" {
			for i := range targets {
				if targetAddr(px.p.cfg.ELB, tg, targets[i]) == want {
					chosen = &targets[i]
					break
				}
			}
		}
	}
	if chosen == nil {
		chosen = gs.choose(px.p.cfg.ELB, tg, targets)
	}
	addr := targetAddr(px.p.cfg.ELB, tg, *chosen)
	if stick {
		d := 24 * time.Hour
		if n, err := strconv.Atoi(tg.Attributes["stickiness.lb_cookie.duration_seconds"]); err == nil && n > 0 {
			d = time.Duration(n) * time.Second
		}
		stickyCookie(w, cookieTarget, addr, d)
	}
	gs.begin(addr)
	defer gs.end(addr)
	pk := &pick{addr: addr, listener: le, client: client, idle: le.lb.idle}
	px.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), pickKey{}, pk)))
}

// choose applies the group's algorithm: round_robin by default,
// least_outstanding_requests when the attribute says so.
func (g *groupState) choose(o elbv2.Options, tg *elbv2.PlaneTargetGroup, ts []elbv2.PlaneTarget) *elbv2.PlaneTarget {
	n := g.next.Add(1)
	if tg.Attributes["load_balancing.algorithm.type"] == "least_outstanding_requests" {
		g.mu.Lock()
		best, bestN := -1, 0
		for k := range ts {
			i := (int(n) + k) % len(ts)
			o := g.outstanding[targetAddr(o, tg, ts[i])]
			if best < 0 || o < bestN {
				best, bestN = i, o
			}
		}
		g.mu.Unlock()
		return &ts[best]
	}
	if tg.Attributes["load_balancing.algorithm.type"] == "weighted_random" {
		return &ts[rand.IntN(len(ts))]
	}
	return &ts[int(n%uint64(len(ts)))]
}

func (g *groupState) begin(addr string) {
	g.mu.Lock()
	g.outstanding[addr]++
	g.mu.Unlock()
}

func (g *groupState) end(addr string) {
	g.mu.Lock()
	if g.outstanding[addr]--; g.outstanding[addr] <= 0 {
		delete(g.outstanding, addr)
	}
	g.mu.Unlock()
}

// rewrite points the request at its target and sets ALB's headers.
func (px *proxy) rewrite(pr *httputil.ProxyRequest) {
	pk, _ := pr.In.Context().Value(pickKey{}).(*pick)
	if pk == nil {
		return
	}
	pr.Out.URL.Scheme = "http"
	pr.Out.URL.Host = pk.addr
	pr.Out.Host = pr.In.Host
	xff := pk.client.String()
	if prior := strings.Join(pr.In.Header.Values("X-Forwarded-For"), ", "); prior != "" {
		xff = prior + ", " + xff
	}
	pr.Out.Header.Set("X-Forwarded-For", xff)
	pr.Out.Header.Set("X-Forwarded-Proto", strings.ToLower(string(pk.listener.Protocol)))
	pr.Out.Header.Set("X-Forwarded-Port", strconv.Itoa(int(pk.listener.Port)))
	if tid := pr.In.Header.Get("X-Amzn-Trace-Id"); tid != "" && strings.Contains(tid, "Root=") {
		pr.Out.Header.Set("X-Amzn-Trace-Id", tid)
	} else {
		pr.Out.Header.Set("X-Amzn-Trace-Id", traceID(tid))
	}
}

// traceID is a new X-Amzn-Trace-Id: Root=1-<epoch seconds hex>-<96 random bits hex>,
// keeping any fields the client sent.
func traceID(prior string) string {
	var b [12]byte
	crand.Read(b[:])
	id := fmt.Sprintf("Root=1-%08x-%s", time.Now().Unix(), hex.EncodeToString(b[:]))
	if prior != "" {
		id += ";" + prior
	}
	return id
}

// fail maps a failed forward to ALB's answer: 460 when the client went away,
// 504 when the target was idle past the timeout, 502 otherwise (refused,
// reset, malformed).
func (px *proxy) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ne net.Error
	status := http.StatusBadGateway
	switch {
	case errors.Is(r.Context().Err(), context.Canceled):
		status = statusClientClosed
	case errors.As(err, &ne) && ne.Timeout():
		status = http.StatusGatewayTimeout
	}
	errorPage(w, status)
	target := ""
	if pk, _ := r.Context().Value(pickKey{}).(*pick); pk != nil {
		target = pk.addr
	}
	px.p.log.Info("elbv2 data plane: forward failed", "status", status, "target", target, "path", r.URL.Path, "error", err)
}
