// Package ui is Longshore's dashboard: a page served from the binary at
// /_longshore/ui/ that draws clusters, services, tasks, load balancers,
// Auto Scaling groups and alarms, and a JSON API under /_longshore/ui/api/
// that serves one view's data per request and pushes its changes as
// Server-Sent Events. It reads through the store and the services' own
// Describe handlers and changes nothing: the page acts through the AWS APIs
// and the control endpoints.
package ui

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

//go:embed static
var static embed.FS

// Prefix is where the dashboard is served.
const Prefix = "/_longshore/ui"

// Config is what the dashboard reads from.
type Config struct {
	Store    *store.Store
	Services []*api.Service
	Region   string // the server's default region
	Logger   *slog.Logger
}

// UI is the dashboard's handler and its change hub.
type UI struct {
	cfg   Config
	hub   *hub
	files http.Handler
}

// New builds the dashboard; Start runs its change hub.
func New(cfg Config) *UI {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	svcs := map[string]*api.Service{}
	for _, s := range cfg.Services {
		svcs[s.Name] = s
	}
	sub, _ := fs.Sub(static, "static")
	return &UI{cfg: cfg, hub: newHub(cfg.Store, svcs, cfg.Logger), files: http.FileServerFS(sub)}
}

// Start runs the hub that pushes changes to open pages until ctx ends or
// the returned function is called.
func (u *UI) Start(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		u.hub.run(ctx)
		u.hub.stop()
	}()
	return func() { cancel(); <-done }
}

// Mount returns next with the dashboard's paths served by the dashboard.
func (u *UI) Mount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == Prefix || strings.HasPrefix(r.URL.Path, Prefix+"/") {
			u.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP serves the page, its files and its API.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, Prefix)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "MethodNotAllowed", "message": "The dashboard only reads; act through the AWS APIs and control endpoints."})
		return
	}
	switch {
	case path == "":
		http.Redirect(w, r, Prefix+"/", http.StatusMovedPermanently)
	case path == "/api/scopes":
		u.scopes(w, r)
	case path == "/api/view":
		u.snapshot(w, r)
	case path == "/api/events":
		u.events(w, r)
	case strings.HasPrefix(path, "/api/"):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "NotFound", "message": "no dashboard endpoint " + path})
	default:
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:")
		r2 := r.Clone(r.Context())
		r2.URL.Path = path
		u.files.ServeHTTP(w, r2)
	}
}

var (
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// keyOf reads and checks a view request.
func (u *UI) keyOf(r *http.Request) (key, string) {
	q := r.URL.Query()
	k := key{Account: q.Get("account"), Region: q.Get("region"), View: q.Get("view"), ID: q.Get("id")}
	if k.Account == "" {
		k.Account = api.DefaultAccount
	}
	if k.Region == "" {
		k.Region = u.cfg.Region
	}
	switch {
	case !accountPattern.MatchString(k.Account):
		return k, "account must be 12 digits"
	case !regionPattern.MatchString(k.Region):
		return k, "region is not a region name"
	case u.hub.views[k.View] == nil:
		return k, "view must be one of clusters, cluster, service, task, lbs, asgs, alarms"
	case (k.View == "cluster" || k.View == "service" || k.View == "task") && !strings.HasPrefix(k.ID, "arn:"):
		return k, "id must be the ARN of the " + k.View
	}
	return k, ""
}

// snapshot answers one view's data in one request.
func (u *UI) snapshot(w http.ResponseWriter, r *http.Request) {
	k, bad := u.keyOf(r)
	if bad != "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "ValidationError", "message": bad})
		return
	}
	out := map[string]map[string]any{}
	err := u.cfg.Store.Read(r.Context(), func(tx *store.Tx) error {
		rd := &reader{h: u.hub, tx: tx, sc: k.scope(), ctx: r.Context(), memo: map[string]any{}}
		for _, sec := range u.hub.views[k.View].sections {
			items, err := sec.load(rd, k)
			if err != nil {
				return err
			}
			out[sec.name] = items
		}
		return nil
	})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "InternalFailure", "message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sections": out})
}

// events streams a view: the whole view first, then its patches.
func (u *UI) events(w http.ResponseWriter, r *http.Request) {
	k, bad := u.keyOf(r)
	if bad != "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "ValidationError", "message": bad})
		return
	}
	s, _ := u.hub.join(k)
	defer u.hub.leave(k, s)
	rc := http.NewResponseController(w)
	// A stream outlives the server's request read timeout, whose expiry
	// would cancel the request's context: the request is read, so lift it.
	rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write([]byte("retry: 1000\n\n")) {
		return
	}
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-u.hub.stopped:
			return
		case msg, ok := <-s.ch:
			if !ok || !write(msg) {
				return
			}
		case <-ping.C:
			if !write([]byte(": ping\n\n")) {
				return
			}
		}
	}
}

// scopes lists the accounts and regions that hold something to show, the
// default ones first.
func (u *UI) scopes(w http.ResponseWriter, r *http.Request) {
	type scope struct {
		Account string `json:"account"`
		Region  string `json:"region"`
	}
	out := []scope{{api.DefaultAccount, u.cfg.Region}}
	err := u.cfg.Store.Read(r.Context(), func(tx *store.Tx) error {
		scs, err := store.Scopes(tx, "ecs/cluster", "elbv2/loadbalancer", "autoscaling/group", "cloudwatch/alarm")
		for _, sc := range scs {
			if sc != (store.Scope{Account: api.DefaultAccount, Region: u.cfg.Region}) {
				out = append(out, scope{sc.Account, sc.Region})
			}
		}
		return err
	})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "InternalFailure", "message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"scopes": out, "defaultRegion": u.cfg.Region})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
