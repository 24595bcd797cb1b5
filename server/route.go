package server

import (
	"net/http"
	"strings"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/services/api"
)

// service is a registered service with what identifies its requests on the wire.
type service struct {
	*api.Service
	codec       protocol.Codec
	signingName string
}

// routes finds the service of a request from the signals LocalStack uses, in
// order: the X-Amz-Target prefix (JSON protocols), then for query forms the
// SigV4 scope's service name, then the form's Version.
type routes struct {
	byName    map[string]*service
	byTarget  map[string]*service
	bySigning map[string]*service
	byVersion map[string]*service
}

func newRoutes() *routes {
	return &routes{byName: map[string]*service{}, byTarget: map[string]*service{},
		bySigning: map[string]*service{}, byVersion: map[string]*service{}}
}

// signingNames are the SigV4 service names of models whose metadata does not carry one.
var signingNames = map[string]string{
	"elbv2":      "elasticloadbalancing",
	"cloudwatch": "monitoring",
}

func (rt *routes) add(s *api.Service) {
	md := s.Model.Metadata
	svc := &service{Service: s, codec: protocol.ForModel(s.Model)}
	svc.signingName = md.SigningName
	if n, ok := signingNames[s.Name]; ok {
		svc.signingName = n
	}
	if svc.signingName == "" {
		svc.signingName = md.EndpointPrefix
	}
	rt.byName[s.Name] = svc
	rt.bySigning[svc.signingName] = svc
	if md.TargetPrefix != "" {
		rt.byTarget[md.TargetPrefix] = svc
	}
	if md.Protocol == "query" || md.Protocol == "ec2" {
		rt.byVersion[md.APIVersion] = svc
	}
}

// target splits X-Amz-Target "Prefix.Operation".
func splitTarget(t string) (prefix, op string) {
	i := strings.LastIndexByte(t, '.')
	if i < 0 {
		return t, ""
	}
	return t[:i], t[i+1:]
}

// isForm reports whether a request carries a query-protocol form.
func isForm(r *http.Request) bool {
	if r.Method == http.MethodGet {
		return r.URL.Query().Has("Action")
	}
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || (ct == "" && r.URL.Query().Has("Action"))
}
