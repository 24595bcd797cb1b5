package dataplane

import (
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Status codes ALB answers with when it cannot reach a target.
const (
	statusClientClosed = 460 // the client closed the connection before the response
)

// proxy answers HTTP requests by the listener's rules and forwards them to
// targets (exchange.go) over kept-alive connections (upstream.go).
type proxy struct {
	p *Plane
	// buffers are copy buffers of 32 KiB; readers and writers the bufio
	// buffers of listener ports' connections.
	buffers, readers, writers sync.Pool
	date                      atomic.Pointer[cachedDate]
}

// pick is the target chosen for a request.
type pick struct {
	addr     string
	listener *listenerEntry
	client   netip.Addr
	idle     time.Duration
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
	body := fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n</body>\r\n</html>\r\n", status, text, status, text)
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "awselb/2.0")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
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
	body := aws.ToString(c.MessageBody)
	w.Header().Set("Server", "awselb/2.0")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// redirect answers with the redirect's URL, its #{...} placeholders replaced
// by the request's parts.
func redirect(w http.ResponseWriter, r *http.Request, le *listenerEntry, c *types.RedirectActionConfig) {
	if c == nil {
		errorPage(w, http.StatusInternalServerError)
		return
	}
	proto, port := le.scheme, le.portText
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
