package policy

import (
	"net/netip"
	"strings"
)

// Decision is the simulator's EvalDecision.
type Decision string

const (
	// Allowed: an Allow applies and no Deny does.
	Allowed Decision = "allowed"
	// ExplicitDeny: a Deny statement applies.
	ExplicitDeny Decision = "explicitDeny"
	// ImplicitDeny: nothing allows the request.
	ImplicitDeny Decision = "implicitDeny"
)

// Principal is who makes a request, for Principal elements of resource and
// trust policies.
type Principal struct {
	// ARN is the caller's ARN: a user, the account root, an assumed-role session.
	ARN     string
	Account string
	// RoleARN is the role of an assumed-role session, which a principal naming
	// the role matches.
	RoleARN string
	// Service is a service principal such as "ecs-tasks.amazonaws.com".
	Service string
	// Federated is the identity provider of a federated caller.
	Federated string
}

// Request is what is being authorized.
type Request struct {
	Action   string
	Resource string
	// Principal is the caller; nil matches no Principal element but "*".
	Principal *Principal
	// ResourceAccount owns the resource; when it differs from the principal's
	// account both an identity policy and a resource policy must allow.
	ResourceAccount string
	Context         Context
}

// Policy is a parsed policy with the identity the simulator reports.
type Policy struct {
	// ID is the SourcePolicyId (a policy name, ARN or "PolicyInputList.1").
	ID string
	// Type is the SourcePolicyType: user, group, role, aws-managed, user-managed, resource or none.
	Type string
	Doc  *Document
}

// PolicySets are the policies that apply to one request.
type PolicySets struct {
	Identity []Policy
	Resource []Policy
	// Boundary is the permissions boundary; nil when there is none.
	Boundary []Policy
	// Session holds session policies; nil when there are none.
	Session []Policy
}

// Match is a statement that decided a result.
type Match struct {
	PolicyID   string
	PolicyType string
	Start, End Position
}

// Result is the outcome of an evaluation.
type Result struct {
	Decision Decision
	// Matched are the Deny statements of an explicit deny, or the Allow
	// statements of an allowed request.
	Matched []Match
	// Missing lists condition keys (and variables) the policies used that the
	// request context lacks.
	Missing []string
	// AllowedByBoundary is whether the permissions boundary allows the request
	// (true when there is no boundary).
	AllowedByBoundary bool
	// IdentityDecision and ResourceDecision are the decisions of the identity
	// policies and the resource policies alone.
	IdentityDecision Decision
	ResourceDecision Decision
}

// recorder collects matched statements and missing keys; nil records nothing.
type recorder struct {
	allows  []Match
	denies  []Match
	missing []string
}

func (r *recorder) miss(key string) {
	for _, k := range r.missing {
		if strings.EqualFold(k, key) {
			return
		}
	}
	r.missing = append(r.missing, key)
}

// setOutcome is what one set of policies says.
type setOutcome struct{ allow, deny bool }

// Decide returns only the decision; it does not allocate.
func Decide(req Request, sets PolicySets) Decision {
	return decide(&req, &sets, nil).Decision
}

// Evaluate decides a request as AWS does: an explicit Deny in any policy
// wins; otherwise an identity policy Allow (within the permissions boundary
// and the session policies, when there are any) or a resource policy Allow
// grants; otherwise the request is implicitly denied.
func Evaluate(req Request, sets PolicySets) Result {
	rec := &recorder{}
	res := decide(&req, &sets, rec)
	switch res.Decision {
	case ExplicitDeny:
		res.Matched = rec.denies
	case Allowed:
		res.Matched = rec.allows
	}
	res.Missing = rec.missing
	return res
}

func decide(req *Request, sets *PolicySets, rec *recorder) Result {
	id := evalSet(sets.Identity, req, false, rec)
	rs := evalSet(sets.Resource, req, true, rec)
	var bd, ss setOutcome
	if sets.Boundary != nil {
		bd = evalSet(sets.Boundary, req, false, rec)
	}
	if sets.Session != nil {
		ss = evalSet(sets.Session, req, false, rec)
	}
	res := Result{AllowedByBoundary: sets.Boundary == nil || (bd.allow && !bd.deny),
		IdentityDecision: decisionOf(id), ResourceDecision: decisionOf(rs)}
	if id.deny || rs.deny || bd.deny || ss.deny {
		res.Decision = ExplicitDeny
		return res
	}
	identityOK := id.allow && (sets.Boundary == nil || bd.allow) && (sets.Session == nil || ss.allow)
	cross := req.ResourceAccount != "" && req.Principal != nil && req.Principal.Account != "" &&
		req.Principal.Account != req.ResourceAccount
	allowed := identityOK || rs.allow
	if cross {
		allowed = identityOK && rs.allow
	}
	if allowed {
		res.Decision = Allowed
	} else {
		res.Decision = ImplicitDeny
	}
	return res
}

func decisionOf(o setOutcome) Decision {
	switch {
	case o.deny:
		return ExplicitDeny
	case o.allow:
		return Allowed
	}
	return ImplicitDeny
}

func evalSet(ps []Policy, req *Request, resourcePolicy bool, rec *recorder) setOutcome {
	var out setOutcome
	for i := range ps {
		p := &ps[i]
		if p.Doc == nil {
			continue
		}
		vars := p.Doc.Version == "2012-10-17"
		for j := range p.Doc.Statements {
			st := &p.Doc.Statements[j]
			if st.Effect == Allow && out.allow && rec == nil {
				continue // already allowed; only a Deny can change the outcome
			}
			if !st.applies(req, resourcePolicy, vars, rec) {
				continue
			}
			if st.Effect == Deny {
				out.deny = true
				if rec != nil {
					rec.denies = append(rec.denies, Match{PolicyID: p.ID, PolicyType: p.Type, Start: st.Start, End: st.End})
				}
			} else {
				out.allow = true
				if rec != nil {
					rec.allows = append(rec.allows, Match{PolicyID: p.ID, PolicyType: p.Type, Start: st.Start, End: st.End})
				}
			}
		}
	}
	return out
}

// applies reports whether a statement covers the request.
func (st *Statement) applies(req *Request, resourcePolicy, vars bool, rec *recorder) bool {
	if !st.matchesAction(req.Action) {
		return false
	}
	if st.HasResource && !st.matchesResource(req, vars, rec) {
		return false
	}
	if resourcePolicy && st.Principal != nil && st.Principal.matches(req.Principal) == st.NotPrincipal {
		return false
	}
	var missing func(string)
	if rec != nil {
		missing = rec.miss
	}
	for i := range st.Conditions {
		c := &st.Conditions[i]
		if !vars {
			// Policy language 2008-10-17 has no variables: values are literal.
			c = c.literal()
		}
		if !c.eval(req.Context, missing) {
			// Keep reading the other conditions so that every missing key is reported.
			if rec == nil {
				return false
			}
			for k := i + 1; k < len(st.Conditions); k++ {
				st.Conditions[k].eval(req.Context, missing)
			}
			return false
		}
	}
	return true
}

func (st *Statement) matchesAction(action string) bool {
	for i := range st.Actions {
		if st.Actions[i].matchAction(action) {
			return !st.NotAction
		}
	}
	return st.NotAction
}

func (st *Statement) matchesResource(req *Request, vars bool, rec *recorder) bool {
	for i := range st.Resources {
		p := &st.Resources[i]
		text := p.Text
		if p.vars && vars {
			s, ok, miss := p.tmpl.expand(req.Context)
			if !ok {
				if rec != nil {
					rec.miss(miss)
				}
				continue
			}
			text = s
		}
		if text == "*" || (text == req.Resource) || (strings.ContainsAny(text, "*?") && wildMatch(text, req.Resource, false)) {
			return !st.NotResource
		}
	}
	return st.NotResource
}

// literal returns the condition with its variables read as text.
func (c *Condition) literal() *Condition {
	if !c.hasVars() {
		return c
	}
	cp := *c
	cp.tmpl = make([]template, len(c.Values))
	cp.lits = c.Values
	cp.valid = make([]bool, len(c.Values))
	cp.nums, cp.times, cp.nets = nil, nil, nil
	switch {
	case c.nums != nil:
		cp.nums = make([]float64, len(c.Values))
	case c.times != nil:
		cp.times = make([]int64, len(c.Values))
	case c.nets != nil:
		cp.nets = make([]netip.Prefix, len(c.Values))
	}
	for i, v := range c.Values {
		cp.tmpl[i] = template{{lit: v}}
		cp.compileValue(i, v)
	}
	return &cp
}

func (c *Condition) hasVars() bool {
	for _, t := range c.tmpl {
		if t.hasVars() {
			return true
		}
	}
	return false
}

// matches reports whether the principal is one of these.
func (p *Principals) matches(pr *Principal) bool {
	if p.Any {
		return true
	}
	for _, e := range p.Entries {
		for _, v := range e.Values {
			if v == "*" && e.Type == "AWS" {
				return true
			}
			if pr == nil {
				continue
			}
			switch e.Type {
			case "AWS":
				if pr.ARN == "" {
					continue
				}
				if len(v) == 12 && accountID.MatchString(v) {
					if v == pr.Account {
						return true
					}
					continue
				}
				if acct, ok := rootAccount(v); ok {
					if acct == pr.Account {
						return true
					}
					continue
				}
				if v == pr.ARN || (pr.RoleARN != "" && v == pr.RoleARN) {
					return true
				}
			case "Service":
				if pr.Service != "" && equalFold(v, pr.Service) {
					return true
				}
			case "Federated":
				if pr.Federated != "" && v == pr.Federated {
					return true
				}
			}
		}
	}
	return false
}

// rootAccount returns the account of "arn:aws:iam::ACCOUNT:root".
func rootAccount(arn string) (string, bool) {
	if !strings.HasPrefix(arn, "arn:") || !strings.HasSuffix(arn, ":root") {
		return "", false
	}
	f := strings.Split(arn, ":")
	if len(f) != 6 || f[2] != "iam" {
		return "", false
	}
	return f[4], true
}
