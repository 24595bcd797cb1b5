package iam

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/store"
)

// awsPolicyARNPrefix starts the ARN of every AWS managed policy.
const awsPolicyARNPrefix = "arn:aws:iam::aws:policy/"

func noSuchPolicy(arn string) error {
	return apierror.New("NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
}

// getPolicy finds a managed policy of account (or of AWS) by ARN, with its counts.
func getPolicy(tx *store.Tx, account, arn string) (*ManagedPolicy, error) {
	p, err := findPolicy(tx, account, arn)
	if err != nil {
		return nil, err
	}
	n, b, err := policyCounts(tx, store.Scope{Account: account}, arn)
	p.AttachmentCount, p.PermissionsBoundaryUsageCount = aws.Int32(int32(n)), aws.Int32(int32(b))
	return p, err
}

// findPolicy is getPolicy without the counts, which cost an index entry per
// attachment: for the callers that only need the policy's document or to
// know that it exists (authorization, attaching, listing its entities).
func findPolicy(tx *store.Tx, account, arn string) (*ManagedPolicy, error) {
	norm := anyPartition(arn)
	var p *ManagedPolicy
	if strings.HasPrefix(norm, awsPolicyARNPrefix) {
		p = awsManagedPolicy(norm)
	} else {
		prefix := "arn:aws:iam::" + account + ":policy/"
		if !strings.HasPrefix(norm, prefix) {
			return nil, noSuchPolicy(arn)
		}
		name := arn[strings.LastIndex(arn, "/")+1:]
		var err error
		if p, err = Policies.Get(tx, store.Scope{Account: account}, nameKey(name)); err != nil {
			return nil, err
		}
		if p != nil && aws.ToString(p.Arn) != arn {
			p = nil
		}
	}
	if p == nil {
		return nil, noSuchPolicy(arn)
	}
	return p, nil
}

// defaultDocument is the decoded document of a managed policy's default version.
func (p *ManagedPolicy) defaultDocument() string {
	for _, v := range p.Versions {
		if v.IsDefaultVersion {
			return aws.ToString(v.Document)
		}
	}
	return ""
}

// PolicyDocument is one policy that applies to a principal, decoded.
type PolicyDocument struct {
	// ID is the inline policy's name or the managed policy's ARN.
	ID       string
	Type     types.PolicySourceType
	Document string
}

// PrincipalPolicySet is every identity policy of a user or role (a user's
// groups' policies included) and its permissions boundary.
type PrincipalPolicySet struct {
	Identity []PolicyDocument
	// Boundary is the permissions boundary's document; nil when there is none.
	Boundary *PolicyDocument
}

// PrincipalPolicies gathers the policies of the user or role with the given ARN
// in account. A missing principal is NoSuchEntity.
func PrincipalPolicies(tx *store.Tx, account, arn string) (*PrincipalPolicySet, error) {
	name := arn[strings.LastIndex(arn, "/")+1:]
	set := &PrincipalPolicySet{}
	sc := store.Scope{Account: account}
	addManaged := func(list []types.AttachedPolicy) error {
		for _, a := range list {
			p, err := findPolicy(tx, account, aws.ToString(a.PolicyArn))
			if err != nil {
				return err
			}
			set.Identity = append(set.Identity, PolicyDocument{ID: aws.ToString(a.PolicyArn), Type: managedSourceType(aws.ToString(a.PolicyArn)), Document: p.defaultDocument()})
		}
		return nil
	}
	addInline := func(list []InlinePolicy, t types.PolicySourceType) {
		for _, ip := range list {
			set.Identity = append(set.Identity, PolicyDocument{ID: ip.Name, Type: t, Document: ip.Document})
		}
	}
	var boundary *types.AttachedPermissionsBoundary
	switch {
	case strings.Contains(arn, ":user/"):
		u, err := getUser(tx, account, name)
		if err != nil {
			return nil, err
		}
		if anyPartition(aws.ToString(u.Arn)) != anyPartition(arn) {
			return nil, apierror.New("NoSuchEntity", "The user with name %s cannot be found.", name)
		}
		addInline(u.InlinePolicies, types.PolicySourceTypeUser)
		if err := addManaged(u.AttachedPolicies); err != nil {
			return nil, err
		}
		for _, gn := range u.Groups {
			g, err := Groups.Get(tx, sc, nameKey(gn))
			if err != nil {
				return nil, err
			}
			if g == nil {
				continue
			}
			addInline(g.InlinePolicies, types.PolicySourceTypeGroup)
			if err := addManaged(g.AttachedPolicies); err != nil {
				return nil, err
			}
		}
		boundary = u.PermissionsBoundary
	case strings.Contains(arn, ":role/"):
		r, err := GetRoleByARN(tx, account, arn)
		if err != nil {
			return nil, err
		}
		addInline(r.InlinePolicies, types.PolicySourceTypeRole)
		if err := addManaged(r.AttachedPolicies); err != nil {
			return nil, err
		}
		boundary = r.PermissionsBoundary
	default:
		return nil, apierror.New("NoSuchEntity", "The entity %s cannot be found.", arn)
	}
	if boundary != nil {
		barn := aws.ToString(boundary.PermissionsBoundaryArn)
		p, err := findPolicy(tx, account, barn)
		if err != nil {
			return nil, err
		}
		set.Boundary = &PolicyDocument{ID: barn, Type: managedSourceType(barn), Document: p.defaultDocument()}
	}
	return set, nil
}

func managedSourceType(arn string) types.PolicySourceType {
	if strings.HasPrefix(arn, awsPolicyARNPrefix) {
		return types.PolicySourceTypeAwsManaged
	}
	return types.PolicySourceTypeUserManaged
}

// Attachment kinds (the Status column of Attachments).
const (
	attachPolicy   = "policy"
	attachBoundary = "boundary"
)

// ManagedPolicyDocument returns the default version's document of the managed
// policy with the given ARN (an AWS managed policy or one of account's).
func ManagedPolicyDocument(tx *store.Tx, account, arn string) (string, error) {
	p, err := findPolicy(tx, account, arn)
	if err != nil {
		return "", err
	}
	return p.defaultDocument(), nil
}
