// Package authz is IAM enforcement: who signed a request (IAM users' access
// keys, STS temporary credentials, each account's root) and whether the
// policies that apply to them allow the request's action on its resources,
// with AWS's reasons when they do not. The server calls it only when
// enforcement is on.
package authz

import (
	"errors"
	"log/slog"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
	"github.com/longshore/longshore/services/iam/policy"
	"github.com/longshore/longshore/services/sts"
	"github.com/longshore/longshore/store"
)

// Enforcer authenticates and authorizes requests.
type Enforcer struct {
	log      *slog.Logger
	table    *Table
	services map[string]*api.Service
	fields   fields
	// gen counts IAM and STS writes; identities resolved under an older
	// generation are resolved again.
	gen       atomic.Uint64
	mu        sync.Mutex
	ids       map[string]*Identity
	decisions ring
}

// maxIdentities bounds the identity cache; it is emptied when full.
const maxIdentities = 4096

// New builds an enforcer over the services a server speaks (SetServices
// gives them when they are built after it).
func New(log *slog.Logger, services []*api.Service) (*Enforcer, error) {
	t, err := LoadTable()
	if err != nil {
		return nil, err
	}
	e := &Enforcer{log: log, table: t, ids: map[string]*Identity{}}
	e.SetServices(services)
	e.decisions.buf = make([]Decision, ringSize)
	return e, nil
}

// SetServices names the services whose operations read resource tags.
func (e *Enforcer) SetServices(services []*api.Service) {
	m := map[string]*api.Service{}
	for _, s := range services {
		m[s.Name] = s
	}
	e.services = m
}

// RoleCheck decides an action of a role's session (the ECS agent acting
// with a task's execution role) and returns AWS's denial message, or ""
// when the role's policies allow it. A role that does not exist may do
// nothing.
func (e *Enforcer) RoleCheck(c *api.Context, roleArn, session, action, resource string) string {
	account := c.Account()
	key := "role\x00" + roleArn
	id := e.Cached(key)
	if id == nil {
		id = &Identity{Kind: Session, SourceArn: roleArn}
		id.Principal.Account = account
		if err := e.policies(c.Tx, id, nil); err != nil {
			return err.Error()
		}
		id.gen = e.gen.Load()
		e.mu.Lock()
		if len(e.ids) >= maxIdentities {
			e.ids = map[string]*Identity{}
		}
		e.ids[key] = id
		e.mu.Unlock()
	}
	sess := *id
	name := roleArn[strings.LastIndex(roleArn, "/")+1:]
	sess.Principal = api.Principal{Account: account, Arn: c.ARNPrefix() + "sts::" + account + ":assumed-role/" + name + "/" + session}
	sess.principal = policy.Principal{ARN: sess.Principal.Arn, Account: account, RoleARN: roleArn}
	sess.static = nil
	ctx := e.baseContext(Request{Identity: &sess, Region: c.Region, Now: c.Now(), Secure: true})
	if err := e.decide(&sess, action, resource, ctx); err != nil {
		return err.Error()
	}
	return ""
}

// Table returns the authorization table.
func (e *Enforcer) Table() *Table { return e.table }

// Invalidate drops every resolved identity: IAM or STS state changed.
func (e *Enforcer) Invalidate() { e.gen.Add(1) }

// Kind is what kind of identity signed a request.
type Kind uint8

const (
	// Root is an account's root: unrestricted.
	Root Kind = iota
	// User is an IAM user's access key.
	User
	// Session is STS temporary credentials.
	Session
)

// Identity is the principal behind an access key, with its secret and the
// policies that apply to it, resolved once per generation.
type Identity struct {
	gen        uint64
	Kind       Kind
	Principal  api.Principal
	Secret     string
	Token      string
	Expiration time.Time
	// Inactive is a deactivated access key.
	Inactive bool
	// SourceArn is the user or role whose policies apply.
	SourceArn string
	UserName  string
	Tags      map[string]string
	sets      policy.PolicySets
	// resourceTags: a policy reads aws:ResourceTag (or a service's), so the
	// resource's tags are looked up.
	resourceTags bool
	// principal is the evaluator's view of the caller.
	principal policy.Principal
	// static is staticContext, built once the identity is resolved.
	static policy.Context
}

// Cached returns the identity behind an access key id if it is resolved
// and current, or nil.
func (e *Enforcer) Cached(keyID string) *Identity {
	gen := e.gen.Load()
	e.mu.Lock()
	id, ok := e.ids[keyID]
	e.mu.Unlock()
	if ok && id.gen == gen {
		return id
	}
	return nil
}

// Identify returns the identity behind an access key id, or nil when no
// user key or session has it.
func (e *Enforcer) Identify(tx *store.Tx, keyID string) (*Identity, error) {
	if id := e.Cached(keyID); id != nil {
		return id, nil
	}
	gen := e.gen.Load()
	id, err := e.resolve(tx, keyID)
	if err != nil || id == nil {
		return nil, err
	}
	id.gen = gen
	id.static = id.staticContext()
	e.mu.Lock()
	if len(e.ids) >= maxIdentities {
		e.ids = map[string]*Identity{}
	}
	e.ids[keyID] = id
	e.mu.Unlock()
	return id, nil
}

func (e *Enforcer) resolve(tx *store.Tx, keyID string) (*Identity, error) {
	switch {
	case strings.HasPrefix(keyID, "AKIA"):
		k, err := iam.AccessKeys.Get(tx, store.Scope{}, keyID)
		if err != nil || k == nil {
			return nil, err
		}
		u, err := iam.Users.Get(tx, store.Scope{Account: k.Account}, strings.ToLower(aws.ToString(k.UserName)))
		if err != nil || u == nil {
			return nil, err
		}
		arn := aws.ToString(u.Arn)
		id := &Identity{Kind: User, Secret: aws.ToString(k.SecretAccessKey), Inactive: k.Status != iamtypes.StatusTypeActive,
			SourceArn: arn, UserName: aws.ToString(u.UserName),
			Principal: api.Principal{Account: k.Account, Arn: arn, UserID: aws.ToString(u.UserId), AccessKeyID: keyID}}
		id.principal = policy.Principal{ARN: arn, Account: k.Account}
		return id, e.policies(tx, id, nil)
	case strings.HasPrefix(keyID, "ASIA"):
		s, err := sts.LookupSession(tx, keyID)
		if err != nil || s == nil {
			return nil, err
		}
		id := &Identity{Kind: Session, Secret: s.SecretAccessKey, Token: s.SessionToken, Expiration: s.Expiration,
			SourceArn: s.SourceArn, Principal: api.Principal{Account: s.Account, Arn: s.Arn, UserID: s.UserID, AccessKeyID: keyID}}
		if id.SourceArn == "" {
			id.SourceArn = sourceOf(s.Arn)
		}
		id.principal = policy.Principal{ARN: s.Arn, Account: s.Account}
		if strings.Contains(id.SourceArn, ":role/") {
			id.principal.RoleARN = id.SourceArn
		}
		if strings.Contains(id.SourceArn, ":user/") {
			id.UserName = id.SourceArn[strings.LastIndex(id.SourceArn, "/")+1:]
		}
		return id, e.policies(tx, id, s)
	}
	return nil, nil
}

// sourceOf is the role of an assumed-role session ARN recorded before
// sessions kept it (the role's path is not known then).
func sourceOf(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) == 6 && strings.HasPrefix(f[5], "assumed-role/") {
		role := strings.TrimPrefix(f[5], "assumed-role/")
		if i := strings.IndexByte(role, '/'); i >= 0 {
			role = role[:i]
		}
		return "arn:" + f[1] + ":iam::" + f[4] + ":role/" + role
	}
	return ""
}

// policies resolves the identity's policy sets and principal tags.
func (e *Enforcer) policies(tx *store.Tx, id *Identity, s *sts.Session) error {
	account := id.Principal.Account
	id.Tags = map[string]string{}
	if src := id.SourceArn; src != "" && !isRootArn(src) {
		set, err := iam.PrincipalPolicies(tx, account, src)
		if err != nil {
			// A deleted user or role keeps its credentials but no permissions.
			set = &iam.PrincipalPolicySet{}
		}
		for _, pd := range set.Identity {
			if err := addPolicy(&id.sets.Identity, pd.ID, "identity", pd.Document); err != nil {
				e.log.Warn("iam enforcement: unreadable policy ignored", "principal", src, "policy", pd.ID, "error", err)
			}
		}
		if set.Boundary != nil {
			id.sets.Boundary = []policy.Policy{}
			if err := addPolicy(&id.sets.Boundary, set.Boundary.ID, "boundary", set.Boundary.Document); err != nil {
				e.log.Warn("iam enforcement: unreadable boundary ignored", "principal", src, "error", err)
			}
		}
		name := strings.ToLower(src[strings.LastIndex(src, "/")+1:])
		switch {
		case strings.Contains(src, ":user/"):
			if u, err := iam.Users.Get(tx, store.Scope{Account: account}, name); err == nil && u != nil {
				for _, t := range u.Tags {
					id.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
		case strings.Contains(src, ":role/"):
			if r, err := iam.Roles.Get(tx, store.Scope{Account: account}, name); err == nil && r != nil {
				for _, t := range r.Tags {
					id.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
		}
	} else if id.Kind == Session && isRootArn(src) {
		id.Kind = Root // a root user's session token
	}
	if s != nil {
		for k, v := range s.Tags {
			id.Tags[k] = v
		}
		federated := strings.Contains(s.Arn, ":federated-user/")
		if s.Policy != "" || len(s.PolicyArns) > 0 || federated {
			id.sets.Session = []policy.Policy{}
			if s.Policy != "" {
				if err := addPolicy(&id.sets.Session, "session policy", "session", s.Policy); err != nil {
					e.log.Warn("iam enforcement: unreadable session policy ignored", "principal", s.Arn, "error", err)
				}
			}
			for _, arn := range s.PolicyArns {
				doc, err := iam.ManagedPolicyDocument(tx, account, arn)
				if err == nil {
					err = addPolicy(&id.sets.Session, arn, "session", doc)
				}
				if err != nil {
					e.log.Warn("iam enforcement: session policy ignored", "principal", s.Arn, "policy", arn, "error", err)
				}
			}
		}
	}
	for _, set := range [][]policy.Policy{id.sets.Identity, id.sets.Boundary, id.sets.Session} {
		for _, p := range set {
			for _, k := range p.Doc.ContextKeys() {
				if strings.Contains(strings.ToLower(k), ":resourcetag/") {
					id.resourceTags = true
				}
			}
		}
	}
	return nil
}

func addPolicy(list *[]policy.Policy, id, typ, doc string) error {
	d, err := policy.ParseCached(doc)
	if err != nil {
		return err
	}
	*list = append(*list, policy.Policy{ID: id, Type: typ, Doc: d})
	return nil
}

func isRootArn(arn string) bool { return strings.HasSuffix(arn, ":root") }

// Request is one call to authorize.
type Request struct {
	Identity *Identity
	Service  *api.Service
	// SigningName is the service's SigV4 name, the action prefix of services
	// the table does not list.
	SigningName string
	Operation   string
	Region      string
	Input       any
	SourceIP    string
	Secure      bool
	Now         time.Time
}

// Denial is a refused request with AWS's message and its parts.
type Denial struct {
	Message                             string
	Principal, Action, Resource, Reason string
	// Explicit: a Deny statement decided.
	Explicit bool
}

func (d *Denial) Error() string { return d.Message }

// Authorize decides a request. A denial is a *Denial; ctx is the handler
// context the resource tags are read in.
func (e *Enforcer) Authorize(ctx *api.Context, req Request) error {
	id := req.Identity
	action, rule := e.table.Action(req.Service.Name, req.SigningName, req.Operation)
	if id == nil || id.Kind == Root {
		if rule != nil && rule.SLR != nil && e.needsSLR(rule.SLR, req) {
			// Root may do anything, and AWS makes the role it needs.
			if _, err := iam.EnsureServiceLinkedRole(ctx.Tx, ctx.Caller.Account, req.Region, rule.SLR.Service); err != nil {
				return err
			}
		}
		return nil
	}
	if rule != nil && rule.Free {
		return nil
	}
	account := id.Principal.Account
	base := e.baseContext(req)
	resources := []string{"*"}
	// labels are how IAM's denials name its entities ("role NAME").
	var labels map[string]string
	if rule != nil && len(rule.Res) > 0 {
		resources = resources[:0]
		for _, r := range rule.Res {
			if r.IAM != "" && labels == nil {
				labels = map[string]string{}
			}
			resources = append(resources, e.resourceARNs(ctx, id, r.Resource, req, labels)...)
		}
		if len(resources) == 0 {
			resources = []string{"*"}
		}
	}
	if rule != nil {
		for key, r := range rule.Keys {
			var vals []string
			if strings.HasPrefix(r.Name, "=") {
				vals = e.fields.strs(req.Input, r.Name[1:])
			} else {
				vals = e.fields.arns(r.Resource, req.Input, req.Region, account)
			}
			if len(vals) > 0 {
				base.Set(key, vals...)
			}
		}
		if rule.RequestTags != "" {
			if tags, ok := e.fields.tags(req.Input, rule.RequestTags); ok && len(tags) > 0 {
				keys := make([]string, 0, len(tags))
				for k, v := range tags {
					base.Set("aws:RequestTag/"+k, v)
					keys = append(keys, k)
				}
				base.Set("aws:TagKeys", keys...)
			}
		}
	}
	prefix := action[:strings.IndexByte(action, ':')]
	for _, res := range resources {
		c := base
		if id.resourceTags && res != "*" {
			c = e.withResourceTags(ctx, req.Service.Name, prefix, res, base)
		}
		if err := e.decide(id, action, res, c); err != nil {
			var d *Denial
			if rule != nil && rule.Trust && errors.As(err, &d) && !d.Explicit && trustNames(ctx, id, res) {
				continue // the role's trust policy names the caller: no identity policy is needed
			}
			if label := labels[res]; label != "" && errors.As(err, &d) {
				d.Message = strings.Replace(d.Message, " on resource: "+res+" ", " on resource: "+label+" ", 1)
			}
			return err
		}
	}
	if rule != nil && rule.SLR != nil && e.needsSLR(rule.SLR, req) {
		if err := e.serviceLinkedRole(ctx, id, rule.SLR, req); err != nil {
			return err
		}
	}
	if rule != nil {
		for _, p := range rule.Pass {
			for _, role := range e.passedRoles(ctx, p, req, account) {
				c := e.baseContext(req)
				c.Set("iam:PassedToService", p.To)
				if err := e.decide(id, "iam:PassRole", role, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// trustNames reports whether a role of the caller's own account trusts the
// caller by name (its user or role ARN) in an Allow statement: IAM then
// needs no identity policy to allow sts:AssumeRole, whereas a trust policy
// naming only the account leaves the decision to identity policies.
func trustNames(ctx *api.Context, id *Identity, roleArn string) bool {
	r, err := iam.GetRoleByARN(ctx.Tx, id.Principal.Account, roleArn)
	if err != nil || r == nil {
		return false
	}
	doc, err := policy.ParseCached(aws.ToString(r.AssumeRolePolicyDocument))
	if err != nil {
		return false
	}
	for _, st := range doc.Statements {
		if st.Effect != policy.Allow || st.Principal == nil || st.NotPrincipal {
			continue
		}
		for _, pe := range st.Principal.Entries {
			if pe.Type != "AWS" {
				continue
			}
			for _, v := range pe.Values {
				if v == id.Principal.Arn || id.principal.RoleARN != "" && v == id.principal.RoleARN {
					return true
				}
			}
		}
	}
	return false
}

// serviceLinkedRole creates the service-linked role an operation needs when
// the account lacks it and the caller may create it; otherwise the call
// fails with the service's refusal.
func (e *Enforcer) serviceLinkedRole(ctx *api.Context, id *Identity, slr *SLRRule, req Request) error {
	account := id.Principal.Account
	r, err := iam.Roles.Get(ctx.Tx, store.Scope{Account: account}, strings.ToLower(slr.Role))
	if err != nil || r != nil {
		return err
	}
	c := e.baseContext(req)
	c.Set("iam:AWSServiceName", slr.Service)
	arn := "arn:" + api.Partition(req.Region) + ":iam::" + account + ":role/aws-service-role/" + slr.Service + "/" + slr.Role
	if err := e.decide(id, "iam:CreateServiceLinkedRole", arn, c); err != nil {
		if slr.Code == "" {
			return err
		}
		return apierror.New(slr.Code, "%s", slr.Message)
	}
	_, err = iam.EnsureServiceLinkedRole(ctx.Tx, account, req.Region, slr.Service)
	return err
}

// needsSLR reports whether a request uses the service-linked role of its
// rule, rather than one its input names.
func (e *Enforcer) needsSLR(slr *SLRRule, req Request) bool {
	return slr.Unless == "" || len(e.fields.strs(req.Input, slr.Unless)) == 0
}

// baseContext holds the global condition keys of a request.
func (e *Enforcer) baseContext(req Request) policy.Context {
	id := req.Identity
	static := id.static
	if static == nil {
		static = id.staticContext()
	}
	c := make(policy.Context, len(static)+8)
	for k, v := range static {
		c[k] = v
	}
	now := req.Now.UTC()
	// Keys written lower-case, as Context.Set stores them.
	c["aws:currenttime"] = []string{now.Format(time.RFC3339)}
	c["aws:epochtime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	if req.Secure {
		c["aws:securetransport"] = trueValue
	} else {
		c["aws:securetransport"] = falseValue
	}
	if req.SourceIP != "" {
		c["aws:sourceip"] = []string{req.SourceIP}
	}
	c["aws:requestedregion"] = []string{req.Region}
	return c
}

// Shared values of aws:SecureTransport; contexts are only read.
var (
	trueValue  = []string{"true"}
	falseValue = []string{"false"}
)

// staticContext holds the condition keys that are the same for every
// request of an identity: who it is and its principal tags.
func (id *Identity) staticContext() policy.Context {
	c := policy.Context{}
	c.Set("aws:PrincipalAccount", id.Principal.Account)
	c.Set("aws:userid", id.Principal.UserID)
	c.Set("aws:PrincipalArn", id.Principal.Arn)
	c.Set("aws:PrincipalType", "User")
	if id.Kind == Session {
		if id.principal.RoleARN != "" {
			c.Set("aws:PrincipalArn", id.principal.RoleARN)
			c.Set("aws:PrincipalType", "AssumedRole")
		} else if strings.Contains(id.Principal.Arn, ":federated-user/") {
			c.Set("aws:PrincipalType", "FederatedUser")
		}
	}
	if id.UserName != "" {
		c.Set("aws:username", id.UserName)
	}
	for k, v := range id.Tags {
		c.Set("aws:PrincipalTag/"+k, v)
	}
	return c
}

// withResourceTags adds aws:ResourceTag/<k> and <prefix>:ResourceTag/<k>.
func (e *Enforcer) withResourceTags(ctx *api.Context, svcName, prefix, arn string, base policy.Context) policy.Context {
	tags := e.resourceTags(ctx, svcName, arn)
	if len(tags) == 0 {
		return base
	}
	c := make(policy.Context, len(base)+2*len(tags))
	for k, v := range base {
		c[k] = v
	}
	for k, v := range tags {
		c.Set("aws:ResourceTag/"+k, v)
		c.Set(prefix+":ResourceTag/"+k, v)
	}
	return c
}

// resourceTags reads a resource's tags through its service's own tag
// operation, in the request's transaction; a missing resource has none.
func (e *Enforcer) resourceTags(ctx *api.Context, svcName, arn string) map[string]string {
	rules := e.table.Services[svcName]
	svc := e.services[svcName]
	if rules == nil || rules.Tags == nil || svc == nil {
		return nil
	}
	h := svc.Handlers[rules.Tags.Op]
	if h == nil {
		return nil
	}
	in := reflect.New(h.InputType)
	idx := e.fields.field(h.InputType, rules.Tags.In)
	if idx == nil {
		return nil
	}
	f := in.Elem().FieldByIndex(idx)
	switch {
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String:
		f.Set(reflect.ValueOf(&arn))
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		f.Set(reflect.ValueOf([]string{arn}))
	default:
		return nil
	}
	sub := *ctx
	sub.Operation = rules.Tags.Op
	out, err := h.Call(&sub, in.Interface())
	if err != nil || out == nil {
		return nil
	}
	tags, _ := e.fields.tags(out, rules.Tags.Out)
	return tags
}

// passedRoles are the role ARNs a PassRole rule finds in a request.
func (e *Enforcer) passedRoles(ctx *api.Context, p PassRule, req Request, account string) []string {
	var out []string
	partition := api.Partition(req.Region)
	for _, v := range e.fields.strs(req.Input, p.Member) {
		if p.Profile {
			for _, arn := range profileRoles(ctx, v, account) {
				out = append(out, api.InPartition(arn, partition))
			}
			continue
		}
		out = append(out, roleARN(ctx.Tx, account, partition, v))
	}
	return out
}

// profileRoles are the role ARNs of an instance profile named by name or ARN.
func profileRoles(ctx *api.Context, v, account string) []string {
	name := v[strings.LastIndex(v, "/")+1:]
	p, err := iam.InstanceProfiles.Get(ctx.Tx, store.Scope{Account: account}, strings.ToLower(name))
	if err != nil || p == nil {
		return nil
	}
	var out []string
	for _, rn := range p.RoleNames {
		r, err := iam.Roles.Get(ctx.Tx, store.Scope{Account: account}, strings.ToLower(rn))
		if err == nil && r != nil {
			out = append(out, aws.ToString(r.Arn))
		}
	}
	return out
}

// decide evaluates one action on one resource and records the decision.
func (e *Enforcer) decide(id *Identity, action, resource string, c policy.Context) error {
	req := policy.Request{Action: action, Resource: resource, Principal: &id.principal, Context: c}
	res := policy.Evaluate(req, id.sets)
	d := Decision{Time: time.Now().UTC(), Principal: id.Principal.Arn, Action: action, Resource: resource, Result: string(res.Decision)}
	if len(res.Matched) > 0 {
		m := res.Matched[0]
		d.Policy, d.PolicyType, d.Sid = m.PolicyID, m.PolicyType, sidOf(id, m)
	}
	var denial error
	if res.Decision != policy.Allowed {
		d.Reason = reason(action, res)
		denial = &Denial{Message: "User: " + id.Principal.Arn + " is not authorized to perform: " + action + " on resource: " + resource + " " + d.Reason,
			Principal: id.Principal.Arn, Action: action, Resource: resource, Reason: d.Reason, Explicit: res.Decision == policy.ExplicitDeny}
	}
	e.decisions.add(d)
	e.log.Debug("iam decision", "principal", d.Principal, "action", action, "resource", resource, "result", d.Result,
		"policy", d.Policy, "sid", d.Sid, "reason", d.Reason)
	return denial
}

// reason is AWS's explanation of a denial.
func reason(action string, res policy.Result) string {
	if res.Decision == policy.ExplicitDeny {
		where := "an identity-based policy"
		if len(res.Matched) > 0 {
			switch res.Matched[0].PolicyType {
			case "boundary":
				where = "a permissions boundary"
			case "session":
				where = "a session policy"
			}
		}
		return "with an explicit deny in " + where
	}
	switch {
	case res.IdentityDecision != policy.Allowed:
		return "because no identity-based policy allows the " + action + " action"
	case !res.AllowedByBoundary:
		return "because no permissions boundary allows the " + action + " action"
	default:
		return "because no session policy allows the " + action + " action"
	}
}

// sidOf finds the Sid of a matched statement.
func sidOf(id *Identity, m policy.Match) string {
	for _, set := range [][]policy.Policy{id.sets.Identity, id.sets.Boundary, id.sets.Session} {
		for _, p := range set {
			if p.ID != m.PolicyID || p.Type != m.PolicyType {
				continue
			}
			for _, st := range p.Doc.Statements {
				if st.Start == m.Start {
					return st.Sid
				}
			}
		}
	}
	return ""
}

// Decision is one authorization decision, as /_longshore/iam/decisions lists it.
type Decision struct {
	Time       time.Time `json:"time"`
	Principal  string    `json:"principal"`
	Action     string    `json:"action"`
	Resource   string    `json:"resource"`
	Result     string    `json:"result"`
	Policy     string    `json:"policy,omitempty"`
	PolicyType string    `json:"policyType,omitempty"`
	Sid        string    `json:"sid,omitempty"`
	Reason     string    `json:"reason,omitempty"`
}

// ringSize bounds the decisions kept.
const ringSize = 512

// ring keeps the latest decisions.
type ring struct {
	mu   sync.Mutex
	buf  []Decision
	next int
	full bool
}

func (r *ring) add(d Decision) {
	r.mu.Lock()
	r.buf[r.next] = d
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

// Decisions returns the recent decisions, newest first.
func (e *Enforcer) Decisions() []Decision {
	r := &e.decisions
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.next
	if r.full {
		n = len(r.buf)
	}
	out := make([]Decision, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, r.buf[(r.next-i+len(r.buf))%len(r.buf)])
	}
	return out
}

// SourceIP returns the address part of a remote address.
func SourceIP(remote string) string {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap().String()
	}
	return remote
}
