// Package server is Longshore's transport: the listener, routing of each
// request to its service and protocol, the access log, and the control
// endpoints under /_longshore/.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/server/ui"
	"github.com/longshore/longshore/services"
	"github.com/longshore/longshore/services/authz"
	"github.com/longshore/longshore/store"
)

// Version is Longshore's version, reported by the health endpoint.
var Version = "0.1.0"

// Config is how Longshore is started.
type Config struct {
	Listen string // address, default 127.0.0.1:4566
	DB     string // SQLite file; empty = in memory
	Region string // default region for unsigned requests
	Logger *slog.Logger
	// AccessLog writes a line per request; nil writes them through Logger.
	AccessLog *TextAccessLog
	// Services replaces the standard service set (tests of the protocol layer).
	Services func(services.Config) *services.Set
	// TaskStartDelay, TaskStopDelay and TimeScale time simulated tasks (zero = defaults).
	TaskStartDelay, TaskStopDelay time.Duration
	TimeScale                     float64
	// Runtime runs ECS tasks: "simulated" (default) or "docker".
	Runtime string
	// EnforceIAM verifies SigV4 signatures and authorizes every call with
	// the caller's IAM policies (off: any caller may do anything).
	EnforceIAM bool
	// ELBv2ListenerPorts serves load balancer listeners on their own ports where free.
	ELBv2ListenerPorts bool
	// HeaderTimeout, BodyTimeout and IdleTimeout bound how long a connection
	// may take to send a request's headers, then its body, and how long it
	// may stay idle between requests (zero = the defaults below).
	HeaderTimeout, BodyTimeout, IdleTimeout time.Duration
}

// The default connection timeouts. A client that stalls is cut off like an
// AWS endpoint cuts it off, instead of holding a connection and a goroutine
// forever: Application Load Balancers close connections idle for 60 s by
// default (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout),
// and S3 answers RequestTimeout to a body that stops arriving for about 20 s.
const (
	DefaultHeaderTimeout = 20 * time.Second
	DefaultBodyTimeout   = 60 * time.Second
	DefaultIdleTimeout   = 60 * time.Second
)

// Server is a running Longshore.
type Server struct {
	Store   *store.Store
	Handler http.Handler
	log     *slog.Logger
	svcs    *services.Set
	enforce *authz.Enforcer // nil unless Config.EnforceIAM
	ui      *ui.UI
	// the connection timeouts, defaults applied
	headerTimeout, bodyTimeout, idleTimeout time.Duration
}

// New opens the store and wires every service behind one handler.
func New(cfg Config) (*Server, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return nil, err
	}
	build := services.New
	if cfg.Services != nil {
		build = cfg.Services
	}
	var enforce *authz.Enforcer
	var execRole scheduler.RoleCheck
	if cfg.EnforceIAM {
		if enforce, err = authz.New(cfg.Logger, nil); err != nil {
			st.Close()
			return nil, err
		}
		execRole = enforce.RoleCheck
	}
	set := build(services.Config{Store: st, Region: cfg.Region, Logger: cfg.Logger,
		TaskStartDelay: cfg.TaskStartDelay, TaskStopDelay: cfg.TaskStopDelay, TimeScale: cfg.TimeScale, Runtime: cfg.Runtime, ExecutionRole: execRole,
		ELBv2ListenerPorts: cfg.ELBv2ListenerPorts})
	rt := newRoutes()
	for _, s := range set.Services {
		rt.add(s)
	}
	d := &dispatcher{routes: rt, store: st, region: cfg.Region, resolvers: set.Resolvers, log: cfg.Logger}
	s := &Server{Store: st, log: cfg.Logger, svcs: set,
		headerTimeout: orDefault(cfg.HeaderTimeout, DefaultHeaderTimeout),
		bodyTimeout:   orDefault(cfg.BodyTimeout, DefaultBodyTimeout),
		idleTimeout:   orDefault(cfg.IdleTimeout, DefaultIdleTimeout)}
	if enforce != nil {
		enforce.SetServices(set.Services)
		d.enforce, s.enforce = enforce, enforce
	}
	m := mux.NewRouter()
	m.SkipClean(true)
	s.control(m.PathPrefix(controlPrefix).Subrouter())
	m.PathPrefix("/").Handler(d)
	var access accessLog = slogAccessLog{cfg.Logger}
	if cfg.AccessLog != nil {
		access = cfg.AccessLog
	}
	s.Handler = withAccessLog(cfg.Logger, access, controlOr(m, d))
	// The dashboard, /_longshore/ui/ (its event streams stay out of the access log).
	s.ui = ui.New(ui.Config{Store: st, Services: set.Services, Region: cfg.Region, Logger: cfg.Logger})
	s.Handler = s.ui.Mount(s.Handler)
	if set.HostRoute != nil {
		s.Handler = byHost(set.HostRoute, s.Handler)
	}
	set.Serving(s.Handler)
	return s, nil
}

// Start begins the background work (the cluster manager, the dashboard's
// change feed) and returns a stop function.
func (s *Server) Start(ctx context.Context) func() {
	stopUI := s.ui.Start(ctx)
	stop := s.svcs.Start(ctx)
	return func() { stop(); stopUI() }
}
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// HTTPServer returns an http.Server serving s with its connection timeouts:
// headers must arrive within the header timeout, the body within the body
// timeout after them (net/http's ReadTimeout spans both), and an idle
// keep-alive connection is closed after the idle timeout.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{Handler: s.Handler, ReadHeaderTimeout: s.headerTimeout,
		ReadTimeout: s.headerTimeout + s.bodyTimeout, IdleTimeout: s.idleTimeout}
}

// Close releases the store.
func (s *Server) Close() error { return s.Store.Close() }

// Run serves until ctx is cancelled, then finishes in-flight requests and closes the store.
// ready, if not nil, receives the bound address once the listener is open.
func Run(ctx context.Context, cfg Config, ready func(addr string)) error {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:4566"
	}
	s, err := New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		s.Close()
		return err
	}
	stop := s.Start(ctx)
	hs := s.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("longshore listening", "addr", ln.Addr().String(), "db", dbName(cfg.DB), "region", cfg.Region, "version", Version,
		"dashboard", "http://"+ln.Addr().String()+ui.Prefix+"/")
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if e := hs.Shutdown(shutdown); e != nil && err == nil {
		err = e
	}
	stop()
	if e := s.Close(); e != nil && err == nil {
		err = e
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	s.log.Info("longshore stopped")
	return err
}

func dbName(path string) string {
	if path == "" {
		return ":memory:"
	}
	return path
}

const controlPrefix = "/_longshore"

// controlOr sends requests under the control prefix through the router and
// the rest, the AWS APIs, straight to the dispatcher, the router's catch-all:
// the router copies the request twice on its way.
func controlOr(router, dispatch http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, controlPrefix) {
			router.ServeHTTP(w, r)
			return
		}
		dispatch.ServeHTTP(w, r)
	})
}

// byHost sends a request whose Host a service claims (a load balancer's DNS
// name) to that service's handler, before any AWS routing; others go to next.
func byHost(route func(string) (http.Handler, bool), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := route(r.Host); ok {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
