package policy

import (
	"net/url"
	"strings"
)

var statementFields = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true, "Action": true, "NotAction": true,
	"Resource": true, "NotResource": true, "Condition": true,
}

// Parse parses a policy document and checks the grammar every kind of policy
// shares. The error is an *apierror.Error with code MalformedPolicyDocument.
// Documents may be URL-encoded, as IAM returns them.
func Parse(doc string) (*Document, error) {
	return parse(doc, kindAny)
}

// Validate checks a policy document as IAM does before storing it as kind,
// returning a MalformedPolicyDocument *apierror.Error with IAM's message.
func Validate(doc string, kind Kind) error {
	_, err := parse(doc, kind)
	return err
}

// ParseAs is Parse followed by the checks of kind (Validate that keeps the document).
func ParseAs(doc string, kind Kind) (*Document, error) {
	return parse(doc, kind)
}

// kindAny skips the checks that depend on the kind of policy.
const kindAny Kind = 255

// rawStatement keeps a statement's JSON beside its parsed form for the
// checks that run after the grammar.
type rawStatement struct {
	n  *jnode
	st *Statement
}

func parse(doc string, kind Kind) (*Document, error) {
	if strings.HasPrefix(doc, "%7B") || strings.HasPrefix(doc, "%7b") {
		if d, err := url.QueryUnescape(doc); err == nil {
			doc = d
		}
	}
	root, err := parseJSON(doc)
	if kind == Trust {
		if msg := trustChecks(root, err); msg != "" {
			return nil, malformed(msg)
		}
	}
	if err != nil || root.kind != jObject {
		return nil, malformed(msgSyntax)
	}
	d, raws, ok := grammar(doc, root)
	if !ok {
		return nil, malformed(msgSyntax)
	}
	if kind == Managed && d.Version != "2012-10-17" {
		return nil, malformed(msgVersion)
	}
	resourceErr, legacyOK := checkLegacy(raws)
	if !legacyOK {
		return nil, malformed(msgLegacy)
	}
	seen := map[string]bool{}
	for _, r := range raws {
		if r.st.Sid == "" {
			continue
		}
		if seen[r.st.Sid] {
			return nil, malformed(msgSidUnique)
		}
		seen[r.st.Sid] = true
	}
	if kind == Identity || kind == Managed {
		for _, r := range raws {
			if !isAlnum(r.st.Sid) {
				return nil, malformed(msgSidAlnum)
			}
		}
	}
	for _, r := range raws {
		if len(r.st.Actions) == 0 {
			return nil, malformed(msgNoActions)
		}
	}
	if resourceErr != "" {
		return nil, malformed(resourceErr)
	}
	for _, r := range raws {
		for _, a := range r.st.Actions {
			if msg := checkActionVendor(a.Text); msg != "" {
				return nil, malformed(msg)
			}
		}
	}
	if err := checkKind(d, raws, kind); err != nil {
		return nil, err
	}
	return d, nil
}

// grammar checks the document's structure and builds the Document.
func grammar(doc string, root *jnode) (*Document, []rawStatement, bool) {
	d := &Document{}
	for i, k := range root.keys {
		v := root.vals[i]
		switch k {
		case "Version":
			if v.kind != jString || (v.str != "2012-10-17" && v.str != "2008-10-17") {
				return nil, nil, false
			}
			d.Version = v.str
		case "Id":
			if v.kind != jString {
				return nil, nil, false
			}
			d.ID = v.str
		case "Statement":
		default:
			return nil, nil, false
		}
	}
	sn := root.get("Statement")
	if sn == nil {
		return nil, nil, false
	}
	var list []*jnode
	switch sn.kind {
	case jObject:
		list = []*jnode{sn}
	case jArray:
		list = sn.vals
	default:
		return nil, nil, false
	}
	if len(list) == 0 {
		return nil, nil, false
	}
	d.Statements = make([]Statement, len(list))
	raws := make([]rawStatement, len(list))
	for i, n := range list {
		st := &d.Statements[i]
		if !statementGrammar(n, st) {
			return nil, nil, false
		}
		st.Start, st.End = position(doc, n.start), position(doc, n.end)
		raws[i] = rawStatement{n: n, st: st}
	}
	return d, raws, true
}

func statementGrammar(n *jnode, st *Statement) bool {
	if n.kind != jObject {
		return false
	}
	for _, k := range n.keys {
		if !statementFields[k] {
			return false
		}
	}
	if (n.get("Action") != nil && n.get("NotAction") != nil) ||
		(n.get("Resource") != nil && n.get("NotResource") != nil) ||
		(n.get("Principal") != nil && n.get("NotPrincipal") != nil) {
		return false
	}
	if sid := n.get("Sid"); sid != nil {
		if sid.kind != jString {
			return false
		}
		st.Sid = sid.str
	}
	eff := n.get("Effect")
	if eff == nil || eff.kind != jString {
		return false
	}
	switch strings.ToLower(eff.str) {
	case "allow":
		st.Effect = Allow
	case "deny":
		st.Effect = Deny
	default:
		return false
	}
	var ok bool
	if a := n.get("Action"); a != nil {
		st.Actions, ok = patterns(a, true)
	} else if a := n.get("NotAction"); a != nil {
		st.NotAction = true
		st.Actions, ok = patterns(a, true)
	} else {
		ok = true
	}
	if !ok {
		return false
	}
	if r := n.get("Resource"); r != nil {
		st.HasResource = true
		st.Resources, ok = patterns(r, false)
	} else if r := n.get("NotResource"); r != nil {
		st.HasResource, st.NotResource = true, true
		st.Resources, ok = patterns(r, false)
	}
	if !ok {
		return false
	}
	if p := n.get("Principal"); p != nil {
		st.Principal, ok = principals(p)
	} else if p := n.get("NotPrincipal"); p != nil {
		st.NotPrincipal = true
		st.Principal, ok = principals(p)
	}
	if !ok {
		return false
	}
	if c := n.get("Condition"); c != nil {
		st.Conditions, ok = conditions(c)
		if !ok {
			return false
		}
	}
	return true
}

// strings returns a string or list of strings.
func stringList(n *jnode) ([]string, bool) {
	switch n.kind {
	case jString:
		return []string{n.str}, true
	case jArray:
		out := make([]string, len(n.vals))
		for i, v := range n.vals {
			if v.kind != jString {
				return nil, false
			}
			out[i] = v.str
		}
		return out, true
	}
	return nil, false
}

func patterns(n *jnode, action bool) ([]Pattern, bool) {
	list, ok := stringList(n)
	if !ok {
		return nil, false
	}
	out := make([]Pattern, len(list))
	for i, s := range list {
		out[i] = newPattern(s, action)
	}
	return out, true
}

func newPattern(s string, action bool) Pattern {
	p := Pattern{Text: s, wild: strings.ContainsAny(s, "*?")}
	if action {
		p.lower = strings.ToLower(s)
	} else {
		p.vars = strings.Contains(s, "${")
		if p.vars {
			p.tmpl = parseTemplate(s)
		}
	}
	return p
}

func principals(n *jnode) (*Principals, bool) {
	if n.kind == jString {
		if n.str != "*" {
			return nil, false
		}
		return &Principals{Any: true}, true
	}
	if n.kind != jObject {
		return nil, false
	}
	p := &Principals{}
	for i, k := range n.keys {
		switch k {
		case "AWS", "Service", "Federated", "CanonicalUser":
		default:
			return nil, false
		}
		vals, ok := stringList(n.vals[i])
		if !ok {
			return nil, false
		}
		p.Entries = append(p.Entries, PrincipalEntry{Type: k, Values: vals})
	}
	return p, true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// checkActionVendor checks that an action names its service.
func checkActionVendor(a string) string {
	parts := strings.Split(a, ":")
	if len(parts) == 1 && parts[0] != "*" {
		return msgVendor
	}
	if len(parts) > 2 {
		return msgOneColon
	}
	if parts[0] != "*" {
		for i := 0; i < len(parts[0]); i++ {
			c := parts[0][i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.') {
				return "Vendor " + parts[0] + " is not valid"
			}
		}
	}
	return ""
}
