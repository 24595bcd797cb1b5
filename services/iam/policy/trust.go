package policy

import "strings"

// Messages of IAM's trust policy parser, which differ from those of
// permissions policies.
const (
	msgTrustJSON           = "This policy contains invalid Json"
	msgTrustVersion        = "The policy must contain a valid version string"
	msgTrustEmpty          = "Could not parse the policy: Statement is empty!"
	msgTrustSidUnique      = "The Statement Ids in the policy are not unique"
	msgTrustNoEffect       = "Missing required field Effect"
	msgTrustEmptyPrincipal = "Missing required field Principal cannot be empty!"
	msgTrustPrincipalObj   = "Principal must be a JSON object."
	msgTrustAllowNotPrinc  = "Allow with NotPrincipal is not allowed."
	msgTrustNotPrincipal   = "AssumeRole policy must not contain NotPrincipal field."
	msgTrustNoAction       = "Missing required field Action"
	msgTrustActions        = "AssumeRole policy may only specify STS AssumeRole actions."
	msgTrustNotResource    = "AssumeRole policy must not contain resources."
)

// trustChecks applies the trust policy parser's rules, in its order, to a
// document; it returns IAM's message or "".
func trustChecks(root *jnode, jsonErr error) string {
	if jsonErr != nil || root.kind != jObject {
		return msgTrustJSON
	}
	if v := root.get("Version"); v != nil && (v.kind != jString || (v.str != "2012-10-17" && v.str != "2008-10-17")) {
		return msgTrustVersion
	}
	sn := root.get("Statement")
	var list []*jnode
	switch {
	case sn == nil:
	case sn.kind == jObject:
		list = []*jnode{sn}
	case sn.kind == jArray:
		list = sn.vals
	default:
		return msgSyntax
	}
	if len(list) == 0 {
		return msgTrustEmpty
	}
	sids := map[string]bool{}
	for _, n := range list {
		if n.kind != jObject {
			return msgSyntax
		}
		if msg := trustStatement(n); msg != "" {
			return msg
		}
		if sid := n.get("Sid"); sid != nil && sid.kind == jString && sid.str != "" {
			if sids[sid.str] {
				return msgTrustSidUnique
			}
			sids[sid.str] = true
		}
	}
	return ""
}

func trustStatement(n *jnode) string {
	eff := n.get("Effect")
	switch {
	case eff == nil:
		return msgTrustNoEffect
	case eff.kind != jString:
		return msgSyntax
	case eff.str != "Allow" && eff.str != "Deny":
		return "Invalid effect: " + eff.str
	}
	if n.get("NotPrincipal") != nil {
		if eff.str == "Allow" {
			return msgTrustAllowNotPrinc
		}
		return msgTrustNotPrincipal
	}
	p := n.get("Principal")
	switch {
	case p == nil:
		return msgMissingPrinc
	case p.kind == jString:
		return msgTrustPrincipalObj
	case p.kind != jObject:
		return msgSyntax
	case len(p.keys) == 0:
		return msgTrustEmptyPrincipal
	}
	for _, k := range p.keys {
		if k != "AWS" && k != "Service" && k != "Federated" {
			return `Invalid principal in policy: "` + k + `"`
		}
	}
	if c := n.get("Condition"); c != nil {
		if _, ok := conditions(c); !ok {
			return msgSyntax
		}
	}
	a, na := n.get("Action"), n.get("NotAction")
	switch {
	case a != nil && na != nil:
		return msgSyntax
	case a == nil && na == nil:
		return msgTrustNoAction
	}
	if a == nil {
		a = na
	}
	actions, ok := stringList(a)
	if !ok {
		return msgSyntax
	}
	if len(actions) == 0 {
		return msgTrustNoAction
	}
	for _, act := range actions {
		if !trustAction(act) {
			return msgTrustActions
		}
	}
	if n.get("Resource") != nil {
		return msgProhibitedRes
	}
	if n.get("NotResource") != nil {
		return msgTrustNotResource
	}
	return ""
}

// trustActions are the actions a trust policy may name: the ways to assume a
// role and what may come with them (the IAM User Guide's trust-policy
// examples: sts:AssumeRole, sts:AssumeRoleWithSAML,
// sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity,
// sts:SetContext).
var trustActions = []string{"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
	"sts:tagsession", "sts:setsourceidentity", "sts:setcontext"}

// trustAction tells whether a trust policy's action (a wildcard pattern, case
// insensitive) names at least one of trustActions; other STS actions such as
// sts:GetCallerIdentity are refused.
func trustAction(act string) bool {
	if !strings.HasPrefix(strings.ToLower(act), "sts:") {
		return false
	}
	for _, a := range trustActions {
		if wildMatch(act, a, true) {
			return true
		}
	}
	return false
}
