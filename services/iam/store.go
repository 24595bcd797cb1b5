package iam

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// InlinePolicy is a policy embedded in a user, group or role. Document is the
// decoded JSON text (AWS returns it URL-encoded).
type InlinePolicy struct {
	Name     string
	Document string
}

// User is an IAM user: the document GetUser returns plus what other calls return.
type User struct {
	types.User
	InlinePolicies   []InlinePolicy         `json:",omitempty"`
	AttachedPolicies []types.AttachedPolicy `json:",omitempty"`
	// Groups holds the names of the groups the user belongs to, in join order.
	Groups       []string      `json:",omitempty"`
	LoginProfile *LoginProfile `json:",omitempty"`
}

// LoginProfile is a user's console password.
type LoginProfile struct {
	types.LoginProfile
	Password string
}

// Group is an IAM group with its members and policies.
type Group struct {
	types.Group
	InlinePolicies   []InlinePolicy         `json:",omitempty"`
	AttachedPolicies []types.AttachedPolicy `json:",omitempty"`
	// Its members are GroupMembers records.
}

// Role is an IAM role. Its AssumeRolePolicyDocument is stored decoded.
type Role struct {
	types.Role
	InlinePolicies   []InlinePolicy         `json:",omitempty"`
	AttachedPolicies []types.AttachedPolicy `json:",omitempty"`
	// ServiceName is the service of a service-linked role (empty otherwise).
	ServiceName string `json:",omitempty"`
}

// ManagedPolicy is a customer-managed policy with its versions (documents decoded).
// AWS managed policies come from the built-in catalogue in the same shape.
type ManagedPolicy struct {
	types.Policy
	Versions []types.PolicyVersion
	// NextVersion numbers the next version created (v1, v2, ... never reused).
	NextVersion int
}

// InstanceProfile is an instance profile; Roles in the embedded document stays
// empty and RoleNames names the roles, rendered from their current state.
type InstanceProfile struct {
	types.InstanceProfile
	RoleNames []string `json:",omitempty"`
}

// AccessKey is a user's long-term credential. Access keys are stored outside
// any account (store.Scope{}) so that a request's key id alone finds them.
type AccessKey struct {
	types.AccessKey
	Account  string
	UserArn  string
	UserID   string
	LastUsed *types.AccessKeyLastUsed `json:",omitempty"`
}

// Attachment links a managed policy to a user, group or role, as a policy or
// as a permissions boundary. It lets a policy count and list its entities.
type Attachment struct {
	PolicyArn  string
	EntityType types.EntityType // User, Group or Role
	EntityName string
	EntityID   string
	Boundary   bool
}

// Collections. Entities are keyed by lower-cased name because IAM names are
// unique regardless of case; Index.Name holds the path for PathPrefix filters.
var (
	Users            = store.Collection[User]{Kind: "iam/user"}
	Groups           = store.Collection[Group]{Kind: "iam/group"}
	Roles            = store.Collection[Role]{Kind: "iam/role", Codec: newRoleCodec()}
	Policies         = store.Collection[ManagedPolicy]{Kind: "iam/policy"}
	InstanceProfiles = store.Collection[InstanceProfile]{Kind: "iam/instance-profile"}
	AccessKeys       = store.Collection[AccessKey]{Kind: "iam/access-key"}
	Attachments      = store.Collection[Attachment]{Kind: "iam/attachment"}
)

// nameKey is the store id of a named IAM entity.
func nameKey(name string) string { return strings.ToLower(name) }

// GetUser loads a user by name, or fails with NoSuchEntity.
func GetUser(c *api.Context, name string) (*User, error) {
	return getUser(c.Tx, c.Account(), name)
}

func getUser(tx *store.Tx, account, name string) (*User, error) {
	u, err := Users.Get(tx, store.Scope{Account: account}, nameKey(name))
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, apierror.New("NoSuchEntity", "The user with name %s cannot be found.", name)
	}
	return u, nil
}

// PutUser saves a user.
func PutUser(c *api.Context, u *User) error {
	return Users.Put(c.Tx, c.GlobalScope(), nameKey(aws.ToString(u.UserName)),
		store.Index{Name: aws.ToString(u.Path), Attr: aws.ToString(u.UserId)}, u)
}

// GetGroup loads a group by name, or fails with NoSuchEntity.
func GetGroup(c *api.Context, name string) (*Group, error) {
	g, err := Groups.Get(c.Tx, c.GlobalScope(), nameKey(name))
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, apierror.New("NoSuchEntity", "The group with name %s cannot be found.", name)
	}
	return g, nil
}

// PutGroup saves a group.
func PutGroup(c *api.Context, g *Group) error {
	return Groups.Put(c.Tx, c.GlobalScope(), nameKey(aws.ToString(g.GroupName)),
		store.Index{Name: aws.ToString(g.Path), Attr: aws.ToString(g.GroupId)}, g)
}

// GetRole loads a role by name, or fails with NoSuchEntity.
func GetRole(c *api.Context, name string) (*Role, error) {
	return getRole(c.Tx, c.Account(), name)
}

func getRole(tx *store.Tx, account, name string) (*Role, error) {
	r, err := Roles.Get(tx, store.Scope{Account: account}, nameKey(name))
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, apierror.New("NoSuchEntity", "The role with name %s cannot be found.", name)
	}
	return r, nil
}

// GetRoleByName loads a role of account by its name, or fails with NoSuchEntity.
func GetRoleByName(tx *store.Tx, account, name string) (*Role, error) {
	return getRole(tx, account, name)
}

// GetRoleByARN loads a role of account by its ARN (the path must match too;
// the partition need not, the account's entities serving every region),
// or fails with NoSuchEntity. STS uses it, having no IAM context.
func GetRoleByARN(tx *store.Tx, account, arn string) (*Role, error) {
	name := arn[strings.LastIndex(arn, "/")+1:]
	r, err := getRole(tx, account, name)
	if err != nil {
		return nil, err
	}
	if anyPartition(aws.ToString(r.Arn)) != anyPartition(arn) {
		return nil, apierror.New("NoSuchEntity", "The role with name %s cannot be found.", name)
	}
	return r, nil
}

// PutRole saves a role.
func PutRole(c *api.Context, r *Role) error {
	return putRole(c.Tx, c.Account(), r)
}

func putRole(tx *store.Tx, account string, r *Role) error {
	return Roles.Put(tx, store.Scope{Account: account}, nameKey(aws.ToString(r.RoleName)),
		store.Index{Name: aws.ToString(r.Path), Attr: aws.ToString(r.RoleId), Status: r.ServiceName}, r)
}

// RecordRoleUsed sets a role's RoleLastUsed (AssumeRole calls it). A role that
// does not exist is ignored.
func RecordRoleUsed(tx *store.Tx, account, roleName, region string, at time.Time) error {
	r, err := Roles.Get(tx, store.Scope{Account: account}, nameKey(roleName))
	if err != nil || r == nil {
		return err
	}
	r.RoleLastUsed = &types.RoleLastUsed{LastUsedDate: aws.Time(at.UTC().Truncate(time.Second)), Region: aws.String(region)}
	return putRole(tx, account, r)
}

// GetPolicy loads a managed policy by ARN: a customer-managed policy of the
// caller's account or an AWS managed one from the catalogue, with its
// attachment counts. A missing policy is NoSuchEntity.
func GetPolicy(c *api.Context, arn string) (*ManagedPolicy, error) {
	return getPolicy(c.Tx, c.Account(), arn)
}

// PutPolicy saves a customer-managed policy. Index.Parent holds how it is
// used (policyUse), so that ListPolicies with OnlyAttached reads only the
// attached ones.
func PutPolicy(c *api.Context, p *ManagedPolicy) error {
	n, b, err := policyInUse(c.Tx, c.GlobalScope(), aws.ToString(p.Arn))
	if err != nil {
		return err
	}
	return Policies.Put(c.Tx, c.GlobalScope(), nameKey(aws.ToString(p.PolicyName)),
		store.Index{Name: aws.ToString(p.Path), Attr: aws.ToString(p.PolicyId), Parent: policyUse(n, b)}, p)
}

// The uses of a managed policy (the Index.Parent of a customer managed one).
const (
	usePolicy   = "policy"   // attached as a permissions policy only
	useBoundary = "boundary" // a permissions boundary only
	useBoth     = "both"     // both
)

// policyUse is the use of a policy attached n times as a policy and b times
// as a boundary; "" when not attached.
func policyUse(n, b int) string {
	switch {
	case n > 0 && b > 0:
		return useBoth
	case n > 0:
		return usePolicy
	case b > 0:
		return useBoundary
	}
	return ""
}

// reindexPolicy refreshes the use of the account's customer managed policy
// arn after an attachment changed (AWS managed policies are not stored).
func reindexPolicy(c *api.Context, arn string) error {
	if strings.HasPrefix(anyPartition(arn), awsPolicyARNPrefix) {
		return nil
	}
	p, err := Policies.Get(c.Tx, c.GlobalScope(), nameKey(arn[strings.LastIndex(arn, "/")+1:]))
	if err != nil || p == nil || aws.ToString(p.Arn) != arn {
		return err
	}
	return PutPolicy(c, p)
}

// GetInstanceProfile loads an instance profile by name, or fails with NoSuchEntity.
func GetInstanceProfile(c *api.Context, name string) (*InstanceProfile, error) {
	p, err := InstanceProfiles.Get(c.Tx, c.GlobalScope(), nameKey(name))
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, apierror.New("NoSuchEntity", "Instance Profile %s cannot be found.", name)
	}
	return p, nil
}

// PutInstanceProfile saves an instance profile. Index.Parent holds its role
// (an instance profile holds at most one), so that a role's profiles are
// found without reading every profile.
func PutInstanceProfile(c *api.Context, p *InstanceProfile) error {
	ix := store.Index{Name: aws.ToString(p.Path), Attr: aws.ToString(p.InstanceProfileId)}
	if len(p.RoleNames) > 0 {
		ix.Parent = nameKey(p.RoleNames[0])
	}
	return InstanceProfiles.Put(c.Tx, c.GlobalScope(), nameKey(aws.ToString(p.InstanceProfileName)), ix, p)
}

// UserDependent reports whether a user still owns something (an MFA device,
// an SSH key, a certificate ...) that blocks DeleteUser; it returns AWS's
// DeleteConflict message, or "" when nothing blocks.
type UserDependent func(c *api.Context, userName string) (conflict string, err error)

// userDependents are the DeleteUser checks, in the order they are asked.
func userDependents() []UserDependent {
	return []UserDependent{mfaDependent, serviceCredentialDependent, signingCertificateDependent, sshKeyDependent}
}

// SummaryCounter adds entries (e.g. "MFADevices": 2) to GetAccountSummary.
type SummaryCounter func(c *api.Context) (map[string]int32, error)

// summaryCounters fill GetAccountSummary beyond the users, groups, roles and policies.
func summaryCounters() []SummaryCounter {
	return []SummaryCounter{tokenVersionSummary, mfaSummary, providerSummary, serverCertificateSummary, signingCertificateSummary}
}
