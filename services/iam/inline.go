package iam

import (
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// Aggregate inline policy size quotas (characters, whitespace not counted).
const (
	maxInlineUser  = 2048
	maxInlineGroup = 5120
	maxInlineRole  = 10240
)

// putInline adds or replaces an inline policy, enforcing the entity's size quota.
func putInline(list []InlinePolicy, name, doc, kind, entity string, quota int) ([]InlinePolicy, error) {
	decoded, err := validatePolicyDocument(doc, false)
	if err != nil {
		return nil, err
	}
	out := append([]InlinePolicy(nil), list...)
	replaced := false
	for i := range out {
		if out[i].Name == name {
			out[i].Document = decoded
			replaced = true
		}
	}
	if !replaced {
		out = append(out, InlinePolicy{Name: name, Document: decoded})
	}
	size := 0
	for _, p := range out {
		size += len(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, p.Document))
	}
	if size > quota {
		return nil, apierror.New("LimitExceeded", "Maximum policy size of %d bytes exceeded for %s %s", quota, kind, entity)
	}
	return out, nil
}

func findInline(list []InlinePolicy, name, kind string) (int, error) {
	for i, p := range list {
		if p.Name == name {
			return i, nil
		}
	}
	return -1, apierror.New("NoSuchEntity", "The %s policy with name %s cannot be found.", kind, name)
}

func inlineNames(c *api.Context, listing string, list []InlinePolicy, marker *string, maxItems *int32) ([]string, paging, error) {
	names := make([]string, 0, len(list))
	for _, p := range list {
		names = append(names, p.Name)
	}
	return paginateList(c, listing, names, byIndex, marker, maxItems)
}

func registerInline(s *api.Service) {
	api.Handle(s, "PutUserPolicy", func(c *api.Context, in *iam.PutUserPolicyInput) (*iam.PutUserPolicyOutput, error) {
		return &iam.PutUserPolicyOutput{}, userPrincipal.putInlinePolicy(c, in.UserName, in.PolicyName, in.PolicyDocument)
	})
	api.Handle(s, "GetUserPolicy", func(c *api.Context, in *iam.GetUserPolicyInput) (*iam.GetUserPolicyOutput, error) {
		user, policy, doc, err := userPrincipal.getInlinePolicy(c, in.UserName, in.PolicyName)
		return &iam.GetUserPolicyOutput{UserName: user, PolicyName: policy, PolicyDocument: doc}, err
	})
	api.Handle(s, "DeleteUserPolicy", func(c *api.Context, in *iam.DeleteUserPolicyInput) (*iam.DeleteUserPolicyOutput, error) {
		return &iam.DeleteUserPolicyOutput{}, userPrincipal.deleteInlinePolicy(c, in.UserName, in.PolicyName)
	})
	api.Handle(s, "ListUserPolicies", func(c *api.Context, in *iam.ListUserPoliciesInput) (*iam.ListUserPoliciesOutput, error) {
		names, pg, err := userPrincipal.listInlinePolicies(c, in.UserName, in.Marker, in.MaxItems)
		return &iam.ListUserPoliciesOutput{PolicyNames: names, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})

	api.Handle(s, "PutGroupPolicy", func(c *api.Context, in *iam.PutGroupPolicyInput) (*iam.PutGroupPolicyOutput, error) {
		return &iam.PutGroupPolicyOutput{}, groupPrincipal.putInlinePolicy(c, in.GroupName, in.PolicyName, in.PolicyDocument)
	})
	api.Handle(s, "GetGroupPolicy", func(c *api.Context, in *iam.GetGroupPolicyInput) (*iam.GetGroupPolicyOutput, error) {
		group, policy, doc, err := groupPrincipal.getInlinePolicy(c, in.GroupName, in.PolicyName)
		return &iam.GetGroupPolicyOutput{GroupName: group, PolicyName: policy, PolicyDocument: doc}, err
	})
	api.Handle(s, "DeleteGroupPolicy", func(c *api.Context, in *iam.DeleteGroupPolicyInput) (*iam.DeleteGroupPolicyOutput, error) {
		return &iam.DeleteGroupPolicyOutput{}, groupPrincipal.deleteInlinePolicy(c, in.GroupName, in.PolicyName)
	})
	api.Handle(s, "ListGroupPolicies", func(c *api.Context, in *iam.ListGroupPoliciesInput) (*iam.ListGroupPoliciesOutput, error) {
		names, pg, err := groupPrincipal.listInlinePolicies(c, in.GroupName, in.Marker, in.MaxItems)
		return &iam.ListGroupPoliciesOutput{PolicyNames: names, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})

	api.Handle(s, "PutRolePolicy", func(c *api.Context, in *iam.PutRolePolicyInput) (*iam.PutRolePolicyOutput, error) {
		return &iam.PutRolePolicyOutput{}, rolePrincipal.putInlinePolicy(c, in.RoleName, in.PolicyName, in.PolicyDocument)
	})
	api.Handle(s, "GetRolePolicy", func(c *api.Context, in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
		role, policy, doc, err := rolePrincipal.getInlinePolicy(c, in.RoleName, in.PolicyName)
		return &iam.GetRolePolicyOutput{RoleName: role, PolicyName: policy, PolicyDocument: doc}, err
	})
	api.Handle(s, "DeleteRolePolicy", func(c *api.Context, in *iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error) {
		return &iam.DeleteRolePolicyOutput{}, rolePrincipal.deleteInlinePolicy(c, in.RoleName, in.PolicyName)
	})
	api.Handle(s, "ListRolePolicies", func(c *api.Context, in *iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
		names, pg, err := rolePrincipal.listInlinePolicies(c, in.RoleName, in.Marker, in.MaxItems)
		return &iam.ListRolePoliciesOutput{PolicyNames: names, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})
}
