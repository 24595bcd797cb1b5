// Package dataplane makes ELBv2 load balancers carry traffic: each listener
// is served on a loopback port of its own and, for HTTP listeners, on
// Longshore's main port for requests whose Host is the load balancer's DNS
// name. Application load balancers route by their rules to their target
// groups; network load balancers pass TCP connections through. Targets on a
// reachable address get real health checks, whose outcome the ELBv2 API
// reports.
//
// The plane keeps a routing table built from the store; a committed write of
// an ELBv2 document makes it stale, and the next request (or the background
// loop, which also opens and closes listener ports and health checkers)
// rebuilds it. A request reads no store and its cost does not grow with the
// state held.
package dataplane

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// Config is what the plane is built from.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	ELB    elbv2.Options
	// ListenerPorts serves each listener on its own port (80, 443, ...) on
	// 127.0.0.1 where that port is free, instead of an allocated one.
	ListenerPorts bool
	// Host is the loopback address listener ports bind (default 127.0.0.1).
	Host string
	// Certificate loads the certificate and key a listener's certificate ARN
	// names (ok false: none this machine holds, e.g. an ACM certificate).
	Certificate func(arn string) (cert tls.Certificate, ok bool, err error)
}

// Plane is the running data plane.
type Plane struct {
	cfg Config
	log *slog.Logger
	gen atomic.Uint64 // committed writes of ELBv2 documents seen
	// started is set by Start: only a started plane opens ports and runs checks.
	started atomic.Bool
	wake    chan struct{}
	mu      sync.Mutex // serializes rebuilds
	tab     atomic.Pointer[table]

	// state that outlives rebuilds
	groups   sync.Map // target group ARN -> *groupState
	portsMu  sync.Mutex
	ports    map[string]*servedListener // listener ARN -> its own port
	checksMu sync.Mutex
	checks   map[string]*checker // target key -> health checker
	ctx      context.Context
	proxy    *proxy
	up       *upstream
	// checkClient sends the health checks.
	checkClient *http.Client
}

// table is one immutable view of the load balancers.
type table struct {
	gen       uint64
	byDNS     map[string]*lbEntry // lower-cased DNS name
	listeners map[string]*listenerEntry
	groups    map[string]*groupEntry
	lbs       []*lbEntry
}

// groupEntry is a target group with what its requests need worked out once.
type groupEntry struct {
	*elbv2.PlaneTargetGroup
	algorithm string
	stick     bool // lb_cookie stickiness
	stickFor  time.Duration
	// addrs holds each target's fixed address (loopback ip targets); ""
	// where it is resolved per request (tasks Docker runs, whose published
	// port is known only while they run).
	addrs []string
}

func newGroupEntry(o elbv2.Options, tg *elbv2.PlaneTargetGroup) *groupEntry {
	g := &groupEntry{PlaneTargetGroup: tg, algorithm: tg.Attributes["load_balancing.algorithm.type"],
		stick:    tg.Attributes["stickiness.enabled"] == "true" && tg.Attributes["stickiness.type"] != "app_cookie",
		stickFor: 24 * time.Hour, addrs: make([]string, len(tg.Targets))}
	if n, err := strconv.Atoi(tg.Attributes["stickiness.lb_cookie.duration_seconds"]); err == nil && n > 0 {
		g.stickFor = time.Duration(n) * time.Second
	}
	for i, t := range tg.Targets {
		if elbv2.Reachable(string(tg.TG.TargetType), t.ID) {
			g.addrs[i], _ = o.Dial(tg.TG.TargetType, t.ID, t.Port)
		}
	}
	return g
}

// addr is where target i answers.
func (g *groupEntry) addr(o elbv2.Options, i int) string {
	if a := g.addrs[i]; a != "" {
		return a
	}
	t := g.Targets[i]
	a, _ := o.Dial(g.TG.TargetType, t.ID, t.Port)
	return a
}

type lbEntry struct {
	elbv2.PlaneLoadBalancer
	idle      time.Duration
	listeners []*listenerEntry
}

type listenerEntry struct {
	elbv2.PlaneListener
	lb    *lbEntry
	rules []compiledRule
	// scheme and portText are X-Forwarded-Proto and -Port.
	scheme, portText string
}

// New builds the plane; Start runs it.
func New(cfg Config) *Plane {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	p := &Plane{cfg: cfg, log: cfg.Logger, wake: make(chan struct{}, 1), ports: map[string]*servedListener{}, checks: map[string]*checker{}, ctx: context.Background()}
	p.gen.Store(1)
	p.proxy = &proxy{p: p}
	p.up = newUpstream()
	p.checkClient = newCheckClient()
	cfg.Store.OnChange(func(cs []store.Change) {
		for _, c := range cs {
			if strings.HasPrefix(c.Kind, "elbv2/") {
				p.gen.Add(1)
				select {
				case p.wake <- struct{}{}:
				default:
				}
				return
			}
		}
	})
	return p
}

// Start opens the listeners' ports and runs the health checks until the
// returned function is called.
func (p *Plane) Start(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	p.portsMu.Lock()
	p.ctx = ctx
	p.portsMu.Unlock()
	p.started.Store(true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			if t := p.current(); t != nil {
				p.reconcile(t)
			}
			select {
			case <-ctx.Done():
				return
			case <-p.wake:
				// Coalesce a burst of writes (the cluster manager's) into one
				// rebuild; requests that come first rebuild on their own.
				select {
				case <-ctx.Done():
					return
				case <-time.After(50 * time.Millisecond):
				}
			case <-tick.C:
				p.up.prune(time.Now())
			}
		}
	}()
	return func() {
		p.started.Store(false)
		cancel()
		<-done
		p.portsMu.Lock()
		for arn, s := range p.ports {
			s.close()
			delete(p.ports, arn)
		}
		p.portsMu.Unlock()
		p.checksMu.Lock()
		for k, c := range p.checks {
			c.stop()
			delete(p.checks, k)
		}
		p.checksMu.Unlock()
		p.up.closeIdle()
	}
}

// current returns the routing table, rebuilding it when a write made it
// stale. A table records the write generation it was read at; while a
// rebuild runs, callers wait for it rather than take the stale table.
func (p *Plane) current() *table {
	g := p.gen.Load()
	if t := p.tab.Load(); t != nil && t.gen == g {
		return t
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g = p.gen.Load()
	if t := p.tab.Load(); t != nil && t.gen == g {
		return t
	}
	var st *elbv2.PlaneState
	err := p.cfg.Store.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		st, err = elbv2.ReadPlane(tx, p.cfg.ELB)
		return err
	})
	if err != nil {
		p.log.Error("elbv2 data plane: reading load balancers failed", "error", err)
		return p.tab.Load()
	}
	t := build(st, p.cfg.ELB)
	t.gen = g
	p.tab.Store(t)
	return t
}

func build(st *elbv2.PlaneState, o elbv2.Options) *table {
	t := &table{byDNS: map[string]*lbEntry{}, listeners: map[string]*listenerEntry{}, groups: map[string]*groupEntry{}}
	for arn, tg := range st.TargetGroups {
		t.groups[arn] = newGroupEntry(o, tg)
	}
	for _, lb := range st.LoadBalancers {
		e := &lbEntry{PlaneLoadBalancer: lb, idle: 60 * time.Second}
		if n, err := strconv.Atoi(lb.Attributes["idle_timeout.timeout_seconds"]); err == nil && n > 0 {
			e.idle = time.Duration(n) * time.Second
		}
		for _, l := range lb.Listeners {
			le := &listenerEntry{PlaneListener: l, lb: e, scheme: strings.ToLower(string(l.Protocol)), portText: strconv.Itoa(int(l.Port))}
			for _, r := range l.Rules {
				le.rules = append(le.rules, compileRule(r))
			}
			e.listeners = append(e.listeners, le)
			t.listeners[l.Arn] = le
		}
		t.byDNS[strings.ToLower(lb.DNSName)] = e
		t.lbs = append(t.lbs, e)
	}
	return t
}

// reconcile opens ports for new listeners, closes those of removed ones, and
// starts or stops health checkers to match the registrations.
func (p *Plane) reconcile(t *table) {
	if !p.started.Load() {
		return
	}
	p.portsMu.Lock()
	for arn, s := range p.ports {
		if le, ok := t.listeners[arn]; !ok || le.Port != s.port || le.Protocol != s.protocol || strings.Join(le.Certificates, ",") != s.certs {
			s.close()
			delete(p.ports, arn)
		}
	}
	for arn, le := range t.listeners {
		if _, ok := p.ports[arn]; ok {
			continue
		}
		s, err := p.serve(le)
		if err != nil {
			p.log.Warn("elbv2 data plane: cannot serve listener", "listener", arn, "error", err)
			continue
		}
		p.ports[arn] = s
	}
	p.portsMu.Unlock()
	p.reconcileChecks(t)
}

// HostRoute returns the handler for a request on the main port whose Host is
// a load balancer's DNS name, optionally with a listener's port.
func (p *Plane) HostRoute(host string) (http.Handler, bool) {
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		name, port = host[:i], host[i+1:]
	}
	// Only names shaped like a load balancer's cost a table lookup; the API's
	// own requests pass straight through.
	lower := strings.ToLower(name)
	if !strings.Contains(lower, ".elb.") || !api.HasDNSSuffix(lower) {
		return nil, false
	}
	t := p.current()
	if t == nil {
		return nil, false
	}
	lb, ok := t.byDNS[lower]
	if !ok {
		return nil, false
	}
	le := pickListener(lb, port)
	if le == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no HTTP listener of load balancer "+lb.Name+" on port "+port, http.StatusServiceUnavailable)
		}), true
	}
	return p.proxy.handler(le.Arn), true
}

// pickListener is the HTTP(S) listener a Host names: its port, or without a
// port 80, then 443, then the first.
func pickListener(lb *lbEntry, port string) *listenerEntry {
	var http []*listenerEntry
	for _, le := range lb.listeners {
		if le.Protocol == types.ProtocolEnumHttp || le.Protocol == types.ProtocolEnumHttps {
			http = append(http, le)
		}
	}
	if port != "" {
		for _, le := range http {
			if strconv.Itoa(int(le.Port)) == port {
				return le
			}
		}
		return nil
	}
	for _, want := range []int32{80, 443} {
		for _, le := range http {
			if le.Port == want {
				return le
			}
		}
	}
	if len(http) > 0 {
		return http[0]
	}
	return nil
}

// Endpoint is one listener and where it answers locally.
type Endpoint struct {
	LoadBalancerArn  string `json:"loadBalancerArn"`
	LoadBalancerName string `json:"loadBalancerName"`
	DNSName          string `json:"dnsName"`
	Type             string `json:"type"`
	ListenerArn      string `json:"listenerArn"`
	Protocol         string `json:"protocol"`
	Port             int32  `json:"port"`
	// LocalAddress is the listener's own loopback address (host:port).
	LocalAddress string `json:"localAddress"`
	// HostHeader reaches the listener through Longshore's main port (HTTP listeners).
	HostHeader string `json:"hostHeader,omitempty"`
	// Served reports that the listener carries traffic (false: e.g. UDP).
	Served bool `json:"served"`
}

// Endpoints lists every listener with its local address.
func (p *Plane) Endpoints() []Endpoint {
	t := p.current()
	if t == nil {
		return []Endpoint{}
	}
	p.reconcile(t)
	out := []Endpoint{}
	p.portsMu.Lock()
	defer p.portsMu.Unlock()
	for _, lb := range t.lbs {
		for _, le := range lb.listeners {
			e := Endpoint{LoadBalancerArn: lb.Arn, LoadBalancerName: lb.Name, DNSName: lb.DNSName, Type: string(lb.Type),
				ListenerArn: le.Arn, Protocol: string(le.Protocol), Port: le.Port}
			if s, ok := p.ports[le.Arn]; ok {
				e.LocalAddress, e.Served = s.addr, true
			}
			if le.Protocol == types.ProtocolEnumHttp || le.Protocol == types.ProtocolEnumHttps {
				e.HostHeader = fmt.Sprintf("%s:%d", lb.DNSName, le.Port)
			}
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LoadBalancerName < out[j].LoadBalancerName })
	return out
}

// EndpointsRoute is the control endpoint GET /_longshore/elbv2/endpoints.
func (p *Plane) EndpointsRoute() (method, path string, handle func(context.Context, []byte) (any, error)) {
	return http.MethodGet, "/elbv2/endpoints", func(context.Context, []byte) (any, error) {
		return map[string]any{"endpoints": p.Endpoints()}, nil
	}
}

// servedListener is a listener's own port.
type servedListener struct {
	port     int32
	protocol types.ProtocolEnum
	addr     string
	certs    string // the certificate ARNs it was opened with
	close    func()
}

func (p *Plane) serve(le *listenerEntry) (*servedListener, error) {
	var ln net.Listener
	var err error
	if p.cfg.ListenerPorts {
		ln, err = net.Listen("tcp", net.JoinHostPort(p.cfg.Host, strconv.Itoa(int(le.Port))))
		if err != nil {
			p.log.Info("elbv2 data plane: listener port busy; allocating another", "port", le.Port, "error", err)
		}
	}
	if ln == nil {
		if ln, err = net.Listen("tcp", net.JoinHostPort(p.cfg.Host, "0")); err != nil {
			return nil, err
		}
	}
	s := &servedListener{port: le.Port, protocol: le.Protocol, addr: ln.Addr().String(), certs: strings.Join(le.Certificates, ",")}
	switch le.Protocol {
	case types.ProtocolEnumHttp, types.ProtocolEnumHttps:
		if le.Protocol == types.ProtocolEnumHttps {
			if certs := p.certificates(le); len(certs) > 0 {
				ln = tls.NewListener(ln, &tls.Config{Certificates: certs, MinVersion: tls.VersionTLS12})
			} else {
				p.log.Info("elbv2 data plane: HTTPS listener served over plain HTTP: none of its certificates is an IAM server certificate",
					"listener", le.Arn, "address", s.addr)
			}
		}
		s.close = p.proxy.serveHTTP(ln, le.Arn)
	case types.ProtocolEnumTcp, types.ProtocolEnumTls, types.ProtocolEnumTcpUdp:
		if le.Protocol == types.ProtocolEnumTls {
			p.log.Info("elbv2 data plane: TLS listener passed through as TCP", "listener", le.Arn, "address", s.addr)
		}
		s.close = p.serveTCP(ln, le.Arn)
	default:
		ln.Close()
		return nil, fmt.Errorf("protocol %s is not served", le.Protocol)
	}
	p.log.Info("elbv2 data plane: serving listener", "loadBalancer", le.lb.Name, "port", le.Port, "protocol", le.Protocol, "address", s.addr)
	return s, nil
}

// certificates loads the listener's certificates that this machine holds,
// the default first (Go's TLS server picks among them by SNI).
func (p *Plane) certificates(le *listenerEntry) []tls.Certificate {
	if p.cfg.Certificate == nil {
		return nil
	}
	var out []tls.Certificate
	for _, arn := range le.Certificates {
		c, ok, err := p.cfg.Certificate(arn)
		if err != nil {
			p.log.Warn("elbv2 data plane: loading a listener certificate failed", "certificate", arn, "error", err)
		}
		if ok {
			out = append(out, c)
		}
	}
	return out
}

// groupState is what outlives table rebuilds for a target group: the
// round-robin position and the requests outstanding per target (counted
// while the group routes by least outstanding requests).
type groupState struct {
	next        atomic.Uint64
	mu          sync.Mutex
	outstanding map[string]int
}

func (p *Plane) group(arn string) *groupState {
	if g, ok := p.groups.Load(arn); ok {
		return g.(*groupState)
	}
	g, _ := p.groups.LoadOrStore(arn, &groupState{outstanding: map[string]int{}})
	return g.(*groupState)
}
