package server

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/longshore/longshore/protocol/apierror"
)

type serviceHealth struct {
	Operations  int `json:"operations"`
	Implemented int `json:"implemented"`
}

type health struct {
	Version  string                   `json:"version"`
	Services map[string]serviceHealth `json:"services"`
}

// control mounts the endpoints under /_longshore/: health, reset, and the
// services' own (simulated failures, load, instances).
func (s *Server) control(r *mux.Router) {
	r.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		h := health{Version: Version, Services: map[string]serviceHealth{}}
		for _, svc := range s.svcs.Services {
			h.Services[svc.Name] = serviceHealth{Operations: len(svc.Model.Operations), Implemented: svc.Implemented()}
		}
		writeJSON(w, http.StatusOK, h)
	}).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		if err := s.Store.Reset(r.Context()); err != nil {
			s.log.Error("reset failed", "error", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		if s.enforce != nil {
			s.enforce.Invalidate()
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
	}).Methods(http.MethodPost)
	r.HandleFunc("/iam/decisions", s.decisions).Methods(http.MethodGet)
	for _, c := range s.svcs.Control {
		c := c
		r.HandleFunc(c.Path, func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			out, err := c.Handle(r.Context(), body)
			if err != nil {
				e := apierror.As(err)
				status := e.Status
				if status == 0 {
					status = http.StatusBadRequest
				}
				writeJSON(w, status, map[string]string{"error": e.Code, "message": e.Message})
				return
			}
			writeJSON(w, http.StatusOK, out)
		}).Methods(c.Method)
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "NotFound", "message": "no control endpoint " + r.Method + " " + r.URL.Path})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
