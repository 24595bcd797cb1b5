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
	// byArrival holds the codecs of the other protocols the model lists, keyed
	// by how a request in that protocol arrives; codec answers the rest.
	byArrival map[arrival]protocol.Codec
}

// arrival is how a request names its operation, which tells its protocol
// when a service speaks several.
type arrival int

const (
	viaTarget arrival = iota // X-Amz-Target header: awsJson
	viaForm                  // Action in a form: awsQuery
	viaPath                  // /service/<Service>/operation/<Op>: Smithy RPC v2 CBOR
)

// arrivalOf maps a model protocol name to how its requests arrive.
var arrivalOf = map[string]arrival{"json": viaTarget, "query": viaForm, "smithy-rpc-v2-cbor": viaPath}

// codecFor picks the codec for a request that arrived a given way.
func (s *service) codecFor(a arrival) protocol.Codec {
	if c := s.byArrival[a]; c != nil {
		return c
	}
	return s.codec
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
	for _, name := range md.Protocols {
		a, ok := arrivalOf[name]
		c := protocol.ForProtocol(s.Model, name)
		if !ok || c == nil || name == md.Protocol {
			continue
		}
		if svc.byArrival == nil {
			svc.byArrival = map[arrival]protocol.Codec{}
		}
		svc.byArrival[a] = c
		if name == "query" {
			rt.byVersion[md.APIVersion] = svc
		}
	}
	// A service's own codecs (SQS's query form) answer the arrivals they name.
	for name, c := range s.Codecs {
		a, ok := arrivalOf[name]
		if !ok {
			continue
		}
		if svc.byArrival == nil {
			svc.byArrival = map[arrival]protocol.Codec{}
		}
		svc.byArrival[a] = c
		if name == "query" {
			rt.byVersion[md.APIVersion] = svc
		}
	}
}

// splitRPCPath splits a Smithy RPC v2 path ".../service/<Service>/operation/<Op>".
func splitRPCPath(path string) (service, op string, ok bool) {
	i := strings.LastIndex(path, "/service/")
	if i < 0 {
		return "", "", false
	}
	service, rest, found := strings.Cut(path[i+len("/service/"):], "/operation/")
	if !found || service == "" || rest == "" || strings.Contains(rest, "/") {
		return "", "", false
	}
	return service, rest, true
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

// early names the service and codec a request is in from its headers and
// URL alone, before its body is read, so that an error raised before routing
// (an oversized body, bad gzip, a malformed form) comes back in the envelope
// of the request's protocol and its SDK raises a service error. EC2's forms
// get EC2's envelope. The full routing of the read request overrides this.
func (rt *routes) early(r *http.Request, cred credential) (*service, protocol.Codec) {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, _ := splitTarget(target)
		if s := rt.byTarget[prefix]; s != nil {
			return s, s.codecFor(viaTarget)
		}
		return nil, protocol.AWSJSON11
	}
	if isForm(r) || strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		s := rt.bySigning[cred.Service]
		if s == nil && cred.Service == "" {
			s = rt.byVersion[r.URL.Query().Get("Version")]
		}
		if s != nil {
			return s, s.codecFor(viaForm)
		}
		return nil, protocol.AWSQuery
	}
	if r.Method == http.MethodPost {
		if name, _, ok := splitRPCPath(r.URL.Path); ok {
			return rt.byTarget[name], protocol.RPCv2CBOR
		}
	}
	if s := rt.bySigning[cred.Service]; s != nil {
		return s, s.codec
	}
	return nil, nil
}
