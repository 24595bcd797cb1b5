package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/authz"
	"github.com/longshore/longshore/services/sts"
	"github.com/longshore/longshore/store"
)

// IAM enforcement (Config.EnforceIAM): every request's SigV4 signature is
// verified against the secret of its access key, and the caller's policies
// decide the operation. Each refusal is in the code and words of the
// service's protocol family.

// authFault is why a request is refused before its handler runs.
type authFault uint8

const (
	faultMissing    authFault = iota // no signature at all
	faultIncomplete                  // an unreadable signature
	faultToken                       // unknown or inactive key, wrong session token
	faultSignature                   // the signature does not match
	faultExpired                     // the session has expired
	faultSkew                        // the request time is too far from now
	faultDenied                      // the policies do not allow the request
)

// family is how a protocol words authentication and authorization refusals.
type family uint8

const (
	familyJSON  family = iota // awsJson, Smithy RPC v2 CBOR, restJson
	familyQuery               // awsQuery, and services compatible with it
	familyEC2                 // EC2's query dialect
)

func familyOf(c call) family {
	switch {
	case c.codec == protocol.EC2Query:
		return familyEC2
	case c.codec == protocol.AWSQuery:
		return familyQuery
	case c.svc != nil && c.svc.Model.Metadata.AWSQueryCompatible != nil:
		return familyQuery
	}
	return familyJSON
}

// Messages AWS answers with, word for word.
const (
	msgBadToken     = "The security token included in the request is invalid."
	msgBadSignature = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgExpiredToken = "The security token included in the request is expired"
	msgIncomplete   = "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, and an 'X-Amz-Date' or 'Date' header."
	msgEC2Auth      = "AWS was not able to validate the provided access credentials"
)

// ec2Denial is EC2's UnauthorizedOperation text: reads name no resource
// and carry no encoded message; changes carry the encoded details that
// sts:DecodeAuthorizationMessage reads.
func ec2Denial(c call, msg string, d *authz.Denial) string {
	if d == nil {
		return "You are not authorized to perform this operation."
	}
	if strings.HasPrefix(c.op, "Describe") || strings.HasPrefix(c.op, "Get") || strings.HasPrefix(c.op, "List") {
		return "You are not authorized to perform this operation. User: " + d.Principal + " is not authorized to perform: " + d.Action + " " + d.Reason
	}
	detail, _ := json.Marshal(map[string]any{"allowed": false, "explicitDeny": strings.Contains(d.Reason, "explicit deny"),
		"context": map[string]any{"principal": map[string]string{"arn": d.Principal}, "action": d.Action, "resource": d.Resource}})
	return "You are not authorized to perform this operation. " + msg + ". Encoded authorization failure message: " +
		sts.EncodeAuthorizationMessage(string(detail))
}

// authError builds a refusal in the request's protocol family.
func authError(c call, f authFault, msg string) *apierror.Error {
	return authErrorWith(c, f, msg, nil)
}

// authErrorWith is authError for a denial, whose parts EC2 words apart.
func authErrorWith(c call, f authFault, msg string, denial *authz.Denial) *apierror.Error {
	fam := familyOf(c)
	type entry struct {
		status int
		code   string
		msg    string
	}
	var e entry
	switch fam {
	case familyJSON:
		e = [...]entry{
			faultMissing:    {http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token"},
			faultIncomplete: {http.StatusBadRequest, "IncompleteSignatureException", msgIncomplete},
			faultToken:      {http.StatusBadRequest, "UnrecognizedClientException", msgBadToken},
			faultSignature:  {http.StatusBadRequest, "InvalidSignatureException", msgBadSignature},
			faultExpired:    {http.StatusBadRequest, "ExpiredTokenException", msgExpiredToken},
			faultSkew:       {http.StatusBadRequest, "InvalidSignatureException", ""},
			faultDenied:     {http.StatusBadRequest, "AccessDeniedException", ""},
		}[f]
	case familyQuery:
		e = [...]entry{
			faultMissing:    {http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token"},
			faultIncomplete: {http.StatusBadRequest, "IncompleteSignature", msgIncomplete},
			faultToken:      {http.StatusForbidden, "InvalidClientTokenId", msgBadToken},
			faultSignature:  {http.StatusForbidden, "SignatureDoesNotMatch", msgBadSignature},
			faultExpired:    {http.StatusForbidden, "ExpiredToken", msgExpiredToken},
			faultSkew:       {http.StatusForbidden, "SignatureDoesNotMatch", ""},
			faultDenied:     {http.StatusForbidden, "AccessDenied", ""},
		}[f]
	case familyEC2:
		e = [...]entry{
			faultMissing:    {http.StatusUnauthorized, "AuthFailure", msgEC2Auth},
			faultIncomplete: {http.StatusUnauthorized, "AuthFailure", msgEC2Auth},
			faultToken:      {http.StatusUnauthorized, "AuthFailure", msgEC2Auth},
			faultSignature:  {http.StatusUnauthorized, "AuthFailure", msgEC2Auth},
			faultExpired:    {http.StatusBadRequest, "RequestExpired", "Request has expired."},
			faultSkew:       {http.StatusBadRequest, "RequestExpired", "Request has expired."},
			faultDenied:     {http.StatusForbidden, "UnauthorizedOperation", ""},
		}[f]
		if f == faultDenied {
			msg = ec2Denial(c, msg, denial)
		}
	}
	if e.msg != "" {
		msg = e.msg
	}
	return apierror.WithStatus(e.status, e.code, "%s", msg)
}

// authenticate verifies the request's signature and returns its caller.
// It runs before the input is decoded, as AWS's front door does; an
// identity not yet resolved is read in a transaction of its own.
func (d *dispatcher) authenticate(r *http.Request, c call) (api.Principal, *authz.Identity, error) {
	sig, se := parseSignature(r)
	if _, rule := d.enforce.Table().Action(c.svc.Name, c.svc.signingName, c.op); rule != nil && rule.Unsigned && se == sigMissing {
		var p api.Principal
		err := d.store.Read(r.Context(), func(tx *store.Tx) (err error) {
			p, err = d.principal(tx, c.cred)
			return err
		})
		return p, nil, err
	}
	if key := c.cred.AccessKeyID; key == "test" || isAccountID(key) {
		// An account's root: any secret (and any signature), unrestricted.
		account := api.DefaultAccount
		if isAccountID(key) {
			account = key
		}
		return api.RootPrincipal(account, key), nil, nil
	}
	switch se {
	case sigMissing:
		return api.Principal{}, nil, authError(c, faultMissing, "")
	case sigMalformed:
		return api.Principal{}, nil, authError(c, faultIncomplete, "")
	}
	key := sig.AccessKeyID
	id := d.enforce.Cached(key)
	if id == nil {
		// The key's use is noted when the handler runs (GetAccessKeyLastUsed).
		err := d.store.Read(r.Context(), func(tx *store.Tx) (err error) {
			id, err = d.enforce.Identify(tx, key)
			return err
		})
		if err != nil {
			return api.Principal{}, nil, err
		}
	}
	if id == nil || id.Inactive || id.Token != "" && sig.SessionToken != id.Token {
		return api.Principal{}, nil, authError(c, faultToken, "")
	}
	now := d.store.Now()
	if id.Kind == authz.Session && !id.Expiration.IsZero() && now.After(id.Expiration) {
		return api.Principal{}, nil, authError(c, faultExpired, "")
	}
	if e := sig.checkTime(now); e != sigOK {
		return api.Principal{}, nil, authError(c, faultSkew, sig.skewMessage(e, now))
	}
	if !sig.verify(r, c.raw, id.Secret, &d.keys) {
		return api.Principal{}, nil, authError(c, faultSignature, "")
	}
	return id.Principal, id, nil
}

// authorize is the dispatcher's authorization step: it runs in the
// handler's transaction, after the input is decoded and before the handler.
func (d *dispatcher) authorize(ctx *api.Context, r *http.Request, c call, id *authz.Identity, in any) error {
	err := d.enforce.Authorize(ctx, authz.Request{Identity: id, Service: c.svc.Service, SigningName: c.svc.signingName,
		Operation: c.op, Region: ctx.Region, Input: in, SourceIP: authz.SourceIP(r.RemoteAddr), Secure: r.TLS != nil, Now: ctx.Now()})
	var denial *authz.Denial
	if errors.As(err, &denial) {
		return authErrorWith(c, faultDenied, denial.Message, denial)
	}
	return err
}

// decisions serves GET /_longshore/iam/decisions: the latest authorization
// decisions, newest first.
func (s *Server) decisions(w http.ResponseWriter, _ *http.Request) {
	if s.enforce == nil {
		writeJSON(w, http.StatusOK, map[string]any{"enforcing": false, "decisions": []authz.Decision{}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"enforcing": true, "decisions": s.enforce.Decisions()})
}
