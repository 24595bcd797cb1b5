package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/authz"
	"github.com/longshore/longshore/store"
)

// MaxBodyBytes is the largest request body Longshore reads.
const MaxBodyBytes = 10 << 20

// call is one AWS request on its way through the dispatcher.
type call struct {
	svc   *service
	codec protocol.Codec
	op    string
	cred  credential
	input protocol.Input
	raw   []byte // the body as it arrived, which a SigV4 signature covers
	wire  int    // the body's size as sent
}

// requestIDHeader is x-amzn-RequestId as http.Header.Set writes it,
// canonical, so that no call canonicalizes it again.
const requestIDHeader = "X-Amzn-Requestid"

// dispatcher serves AWS API requests: route → decode → validate → handler in one transaction → encode.
type dispatcher struct {
	routes    *routes
	store     *store.Store
	region    string
	resolvers []api.CredentialResolver
	log       *slog.Logger
	// enforce verifies signatures and authorizes calls; nil when IAM
	// enforcement is off.
	enforce *authz.Enforcer
	keys    signingKeys
}

func (d *dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := recordOf(w)
	rid := rec.requestID
	c, err := d.route(r)
	if c.svc != nil {
		rec.service = c.svc.Name
	}
	rec.codec, rec.model = c.codec, nil
	if c.svc != nil {
		rec.model = c.svc.Model
	}
	rec.operation = c.op
	if err != nil {
		d.writeError(w, c, apierror.As(err), rid)
		return
	}
	out, err := d.run(r, c, rid)
	if err != nil {
		d.writeError(w, c, apierror.As(err), rid)
		return
	}
	op := c.svc.Model.Operations[c.op]
	body := c.codec.Encode(c.svc.Model, op, out, rid)
	h := w.Header()
	h.Set("Content-Type", c.codec.ContentType())
	h[requestIDHeader] = []string{rid}
	addProtocolHeaders(h, c.codec)
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	protocol.Recycle(body)
}

// route identifies the service, operation and codec and reads the input.
func (d *dispatcher) route(r *http.Request) (call, error) {
	c := call{cred: parseCredential(r)}
	c.svc, c.codec = d.routes.early(r, c.cred)
	if r.ContentLength > MaxBodyBytes {
		return c, apierror.WithStatus(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body exceeds the maximum of %d bytes.", MaxBodyBytes)
	}
	body, err := readBody(r.Body, r.ContentLength)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return c, apierror.WithStatus(http.StatusBadRequest, "RequestTimeout", "Your socket connection to the server was not read from or written to within the timeout period.")
	}
	if err != nil {
		return c, apierror.WithStatus(http.StatusBadRequest, "IncompleteBody", "The request body could not be read.")
	}
	if len(body) > MaxBodyBytes {
		return c, apierror.WithStatus(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body exceeds the maximum of %d bytes.", MaxBodyBytes)
	}
	c.raw = body
	c.wire = len(body)
	if body, err = decodeContentEncoding(r, body); err != nil {
		return c, err
	}
	c.input.Body = body
	c.input.Path = r.URL.Path

	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, op := splitTarget(target)
		c.op = op
		c.svc = d.routes.byTarget[prefix]
		if c.svc == nil {
			c.codec = protocol.AWSJSON11
			return c, unknownService(prefix)
		}
		c.codec = c.svc.codecFor(viaTarget)
		if _, ok := c.svc.Model.Operations[op]; !ok {
			return c, apierror.WithStatus(http.StatusBadRequest, "UnknownOperationException", "Operation %s is not supported by %s.", op, c.svc.Name)
		}
		return c, nil
	}

	if r.Method == http.MethodPost && !isForm(r) {
		if name, op, ok := splitRPCPath(r.URL.Path); ok {
			c.op = op
			c.codec = protocol.RPCv2CBOR
			if c.svc = d.routes.byTarget[name]; c.svc == nil {
				return c, unknownService(name)
			}
			if c.codec = c.svc.codecFor(viaPath); c.codec != protocol.RPCv2CBOR {
				c.codec = protocol.RPCv2CBOR
				return c, apierror.WithStatus(http.StatusNotFound, "UnknownOperationException", "%s does not speak Smithy RPC v2 CBOR.", c.svc.Name)
			}
			if _, ok := c.svc.Model.Operations[op]; !ok {
				return c, apierror.WithStatus(http.StatusNotFound, "UnknownOperationException", "Operation %s is not supported by %s.", op, c.svc.Name)
			}
			return c, nil
		}
	}

	if isForm(r) {
		if c.codec == nil || c.codec == protocol.RPCv2CBOR {
			c.codec = protocol.AWSQuery
		}
		var form url.Values
		var err error
		switch {
		case r.Method == http.MethodGet:
			form, err = url.ParseQuery(r.URL.RawQuery)
		case r.URL.RawQuery == "":
			// The SDKs' form: the body alone, parsed once.
			form, err = url.ParseQuery(string(body))
		default:
			form, err = url.ParseQuery(r.URL.RawQuery)
			if err == nil {
				var bodyForm url.Values
				bodyForm, err = url.ParseQuery(string(body))
				for k, vs := range bodyForm {
					form[k] = append(form[k], vs...)
				}
			}
		}
		if err != nil {
			return c, apierror.WithStatus(http.StatusBadRequest, "MalformedQueryString", "The query string is malformed: %v", err)
		}
		c.input.Form = form
		c.op = form.Get("Action")
		version := form.Get("Version")
		if c.cred.Service != "" {
			c.svc = d.routes.bySigning[c.cred.Service]
			if c.svc == nil {
				return c, unknownService(c.cred.Service)
			}
		} else {
			c.svc = d.routes.byVersion[version]
			if c.svc == nil {
				return c, unknownService("API version " + version)
			}
		}
		c.codec = c.svc.codecFor(viaForm)
		if c.op == "" {
			return c, apierror.WithStatus(http.StatusBadRequest, "MissingAction", "Missing Action")
		}
		if _, ok := c.svc.Model.Operations[c.op]; !ok {
			return c, apierror.WithStatus(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version %s", c.op, c.svc.Model.Metadata.APIVersion)
		}
		return c, nil
	}

	if c.cred.Service != "" {
		if s := d.routes.bySigning[c.cred.Service]; s != nil {
			c.svc, c.codec = s, s.codec
			return c, apierror.WithStatus(http.StatusBadRequest, "UnknownOperationException", "The request names no operation of %s.", s.Name)
		}
		return c, unknownService(c.cred.Service)
	}
	return c, unknownService("")
}

// readBody reads a body of up to MaxBodyBytes+1 bytes, as io.ReadAll
// would, into a buffer sized by its Content-Length when it has one.
func readBody(body io.Reader, size int64) ([]byte, error) {
	if size < 0 || size > MaxBodyBytes {
		size = 512
	}
	r := io.LimitReader(body, MaxBodyBytes+1)
	b := make([]byte, 0, size+1) // the extra byte sees EOF without growing
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

func unknownService(name string) *apierror.Error {
	if name == "" {
		return apierror.WithStatus(http.StatusBadRequest, "UnknownService",
			"Longshore could not tell which AWS service this request is for (no X-Amz-Target, Action or SigV4 scope).")
	}
	return apierror.WithStatus(http.StatusBadRequest, "UnknownService", "Longshore does not speak the %s service.", name)
}

// run decodes and validates the input and runs the handler in one transaction.
func (d *dispatcher) run(r *http.Request, c call, rid string) (out any, err error) {
	h := c.svc.Handlers[c.op]
	if h == nil {
		return nil, apierror.NotImplemented(c.svc.Name, c.op)
	}
	if h.MaxRequestBytes > 0 && c.wire > h.MaxRequestBytes {
		return nil, apierror.WithStatus(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request size %d exceeded %d bytes", c.wire, h.MaxRequestBytes)
	}
	var caller api.Principal
	var id *authz.Identity
	if d.enforce != nil {
		if caller, id, err = d.authenticate(r, c); err != nil {
			return nil, err
		}
	}
	op := c.svc.Model.Operations[c.op]
	in := reflect.New(h.InputType).Interface()
	if err := c.codec.Decode(op, &c.input, in); err != nil {
		return nil, err
	}
	if !c.svc.SkipValidation {
		if vs := protocol.Validate(op.Input, in); len(vs) > 0 {
			return nil, c.svc.ValidationError(vs)
		}
	}
	region := c.cred.Region
	if region == "" {
		region = d.region
	}
	runTx := d.store.Write
	if h.ReadOnly {
		// A read-only handler only reads: it may run twice, so it may read
		// documents from the store's cache.
		runTx = d.store.ReadCached
	}
	var pollStart time.Time
	for {
		err = runTx(r.Context(), func(tx *store.Tx) (err error) {
			defer func() {
				if p := recover(); p != nil {
					d.log.Error("handler panic", "service", c.svc.Name, "operation", c.op, "request_id", rid,
						"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					err = apierror.Internal()
				}
			}()
			if pollStart.IsZero() {
				pollStart = tx.Now
			}
			ctx := &api.Context{Context: r.Context(), Service: c.svc.Name, Operation: c.op, Region: region,
				RequestID: rid, Tx: tx, Endpoint: endpointOf(r), PollStart: pollStart}
			if d.enforce != nil {
				ctx.Caller = caller
				err = d.authorize(ctx, r, c, id, in)
			} else {
				ctx.Caller, err = d.principal(tx, c.cred)
			}
			if err != nil {
				return err
			}
			// A principal's ARN is in the partition of the region it calls.
			ctx.Caller.Arn = api.InPartition(ctx.Caller.Arn, api.Partition(region))
			out, err = h.Call(ctx, in)
			return err
		})
		// A handler that found nothing yet asks to run again later (long
		// polling): wait outside any transaction, then run it again.
		var poll *api.Poll
		if !errors.As(err, &poll) {
			break
		}
		if !poll.Wait(r.Context(), d.store.Now()) {
			return nil, apierror.WithStatus(http.StatusBadRequest, "RequestCanceled", "The request was canceled.")
		}
	}
	if d.enforce != nil && err == nil && !h.ReadOnly && c.svc.Name == "iam" {
		d.enforce.Invalidate() // policies, keys or tags may have changed
	}
	var ae *apierror.Error
	if err != nil && !errors.As(err, &ae) {
		d.log.Error("request failed", "service", c.svc.Name, "operation", c.op, "request_id", rid, "error", err)
	}
	return out, err
}

// principal resolves the caller: a known access key (IAM user, STS session)
// names its own identity; a 12-digit key id is the account; anything else is
// the root of the default account.
func (d *dispatcher) principal(tx *store.Tx, cred credential) (api.Principal, error) {
	key := cred.AccessKeyID
	if len(key) == 20 && (strings.HasPrefix(key, "ASIA") || strings.HasPrefix(key, "AKIA")) {
		for _, resolve := range d.resolvers {
			p, err := resolve(tx, key)
			if err != nil {
				return api.Principal{}, err
			}
			if p != nil {
				p.AccessKeyID = key
				return *p, nil
			}
		}
	}
	account := api.DefaultAccount
	if isAccountID(key) {
		account = key
	}
	return api.RootPrincipal(account, key), nil
}

func (d *dispatcher) writeError(w http.ResponseWriter, c call, e *apierror.Error, rid string) {
	codec := c.codec
	if codec == nil {
		codec = protocol.AWSJSON11
	}
	status := e.Status
	var m *model.Service
	if c.svc != nil {
		m = c.svc.Model
		if sh := m.ErrorShape(e.Code); sh != nil && status == 0 {
			status = sh.HTTPStatus
			e.Receiver = !sh.SenderFault
		}
	}
	if status == 0 {
		status = http.StatusBadRequest
	}
	body := codec.EncodeError(m, e, rid)
	h := w.Header()
	h.Set("Content-Type", codec.ContentType())
	h[requestIDHeader] = []string{rid}
	if codec == protocol.AWSJSON11 || codec == protocol.AWSJSON10 {
		typ := e.Code
		if m != nil && m.Metadata.AWSQueryCompatible != nil {
			if sh := m.ErrorShape(e.Code); sh != nil {
				typ = sh.Name // the query code goes in x-amzn-query-error
			}
		}
		h.Set("X-Amzn-ErrorType", typ)
	}
	addProtocolHeaders(h, codec)
	if m != nil && m.Metadata.AWSQueryCompatible != nil && codec != protocol.AWSQuery {
		fault := "Sender"
		if e.Receiver {
			fault = "Receiver"
		}
		h.Set("x-amzn-query-error", e.Code+";"+fault)
	}
	if rec, ok := w.(*recorder); ok {
		rec.errorCode = e.Code
	}
	w.WriteHeader(status)
	w.Write(body)
}

// addProtocolHeaders adds the headers a codec's responses always carry (RPC v2's Smithy-Protocol).
func addProtocolHeaders(h http.Header, codec protocol.Codec) {
	if hc, ok := codec.(interface{ ResponseHeaders(http.Header) }); ok {
		hc.ResponseHeaders(h)
	}
}

// endpointOf is the scheme and host a request reached Longshore at.
func endpointOf(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
