// Package policy parses, validates and evaluates IAM policy documents: the
// grammar and error messages of IAM's MalformedPolicyDocument, and AWS's
// evaluation logic (explicit deny over allow, implicit deny, permission
// boundaries, session and resource policies, conditions and variables).
// It is pure: callers look policies up and pass their text in.
package policy

import "github.com/longshore/longshore/protocol/apierror"

// Kind is the kind of policy a document is validated as.
type Kind uint8

const (
	// Identity is an inline policy of a user, group or role (PutRolePolicy…),
	// or a session policy. Version may be absent or 2008-10-17.
	Identity Kind = iota
	// Managed is a customer managed policy (CreatePolicy, CreatePolicyVersion):
	// an identity policy whose Version must be 2012-10-17.
	Managed
	// Resource is a resource-based policy: Principal is required.
	Resource
	// Trust is a role's trust policy (AssumeRolePolicyDocument): Principal is
	// required, Resource is prohibited and actions are STS role actions.
	Trust
)

// Effect is a statement's effect.
type Effect uint8

const (
	// Allow grants.
	Allow Effect = iota
	// Deny refuses, over any Allow.
	Deny
)

// Position is a line and column as the simulator reports them.
type Position struct {
	Line   int
	Column int
}

// Document is a parsed policy.
type Document struct {
	Version    string
	ID         string
	Statements []Statement
}

// Statement is one statement of a policy.
type Statement struct {
	Sid    string
	Effect Effect
	// Principal is nil when the statement has neither Principal nor NotPrincipal.
	Principal    *Principals
	NotPrincipal bool
	// Actions holds Action, or NotAction when NotAction is set.
	Actions   []Pattern
	NotAction bool
	// Resources holds Resource, or NotResource when NotResource is set.
	// HasResource is false when the statement has neither (trust policies).
	Resources   []Pattern
	NotResource bool
	HasResource bool
	Conditions  []Condition
	// Start and End are the positions of the statement's braces.
	Start, End Position
}

// Principals is a Principal or NotPrincipal element.
type Principals struct {
	// Any is "Principal": "*".
	Any bool
	// Entries are the typed principals ("AWS", "Service", "Federated",
	// "CanonicalUser") in document order.
	Entries []PrincipalEntry
}

// PrincipalEntry is one type of principal with its values.
type PrincipalEntry struct {
	Type   string
	Values []string
}

// Pattern is an action or resource pattern with * and ? wildcards and,
// in resources, policy variables.
type Pattern struct {
	Text string
	// lower is Text lower-cased, for actions (matched case-insensitively).
	lower string
	wild  bool // has * or ?
	vars  bool // has ${...}
	tmpl  template
}

func malformed(msg string) *apierror.Error {
	return apierror.New("MalformedPolicyDocument", "%s", msg)
}

// Messages IAM answers with, word for word.
const (
	msgSyntax          = "Syntax errors in policy."
	msgVersion         = "Policy document must be version 2012-10-17 or greater."
	msgLegacy          = "The policy failed legacy parsing"
	msgSidUnique       = "Statement IDs (SID) in a single policy must be unique."
	msgSidAlnum        = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgNoActions       = "Policy statement must contain actions."
	msgNoResources     = "Policy statement must contain resources."
	msgNoPrincipal     = "Policy document should not specify a principal."
	msgMissingPrinc    = "Missing required field Principal"
	msgProhibitedRes   = "Has prohibited field Resource"
	msgVendor          = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon        = "Actions/Condition can contain only one colon."
	msgResourceVendor  = "Resource vendor must be fully qualified and cannot contain regexes."
	msgIAMResourcePath = `IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
)
