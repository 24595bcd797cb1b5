package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
	"github.com/longshore/longshore/services/api"
)

// recorder carries what the access log says about a request.
type recorder struct {
	http.ResponseWriter
	requestID string
	service   string
	operation string
	errorCode string
	// codec and model, once routing knows them, give a panic's error the
	// envelope of the request's protocol.
	codec  protocol.Codec
	model  *model.Service
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
		r.ResponseWriter.WriteHeader(status)
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

func recordOf(w http.ResponseWriter) *recorder {
	if r, ok := w.(*recorder); ok {
		return r
	}
	return &recorder{ResponseWriter: w, requestID: newRequestID()}
}

// newRequestID returns a random UUID, the format of AWS request ids.
func newRequestID() string { return api.UUID() }

// withAccessLog gives each request an id, turns a panic into a 500
// InternalFailure (logged to log), and writes one access line per request.
func withAccessLog(log *slog.Logger, access accessLog, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, requestID: newRequestID()}
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic", "request_id", rec.requestID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !rec.wrote {
					e := apierror.Internal()
					codec := rec.codec
					if codec == nil {
						codec = protocol.AWSJSON11
					}
					rec.Header().Set("Content-Type", codec.ContentType())
					rec.Header().Set("x-amzn-RequestId", rec.requestID)
					rec.errorCode = e.Code
					rec.WriteHeader(e.Status)
					rec.Write(codec.EncodeError(rec.model, e, rec.requestID))
				}
			}
			if !access.enabled(r.Context()) {
				return
			}
			e := accessEntry{service: rec.service, operation: rec.operation, status: rec.status,
				duration: time.Since(start).Round(time.Microsecond), requestID: rec.requestID, errorCode: rec.errorCode}
			if rec.service == "" {
				e.method, e.path = r.Method, r.URL.Path
			}
			access.write(r.Context(), e)
		}()
		next.ServeHTTP(rec, r)
	})
}
