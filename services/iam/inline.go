package iam

import (
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	out, pg, err := paginate(c, listing, names, byIndex, marker, maxItems)
	if out == nil {
		out = []string{}
	}
	return out, pg, err
}

func registerInline(s *api.Service) {
	api.Handle(s, "PutUserPolicy", func(c *api.Context, in *iam.PutUserPolicyInput) (*iam.PutUserPolicyOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		if u.InlinePolicies, err = putInline(u.InlinePolicies, aws.ToString(in.PolicyName), aws.ToString(in.PolicyDocument), "user", *u.UserName, maxInlineUser); err != nil {
			return nil, err
		}
		return &iam.PutUserPolicyOutput{}, PutUser(c, u)
	})
	api.Handle(s, "GetUserPolicy", func(c *api.Context, in *iam.GetUserPolicyInput) (*iam.GetUserPolicyOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		i, err := findInline(u.InlinePolicies, aws.ToString(in.PolicyName), "user")
		if err != nil {
			return nil, err
		}
		p := u.InlinePolicies[i]
		return &iam.GetUserPolicyOutput{UserName: u.UserName, PolicyName: aws.String(p.Name), PolicyDocument: aws.String(encodeDocument(p.Document))}, nil
	})
	api.Handle(s, "DeleteUserPolicy", func(c *api.Context, in *iam.DeleteUserPolicyInput) (*iam.DeleteUserPolicyOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		i, err := findInline(u.InlinePolicies, aws.ToString(in.PolicyName), "user")
		if err != nil {
			return nil, err
		}
		u.InlinePolicies = append(u.InlinePolicies[:i:i], u.InlinePolicies[i+1:]...)
		return &iam.DeleteUserPolicyOutput{}, PutUser(c, u)
	})
	api.Handle(s, "ListUserPolicies", func(c *api.Context, in *iam.ListUserPoliciesInput) (*iam.ListUserPoliciesOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		names, pg, err := inlineNames(c, "ListUserPolicies:"+nameKey(*u.UserName), u.InlinePolicies, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListUserPoliciesOutput{PolicyNames: names, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})

	api.Handle(s, "PutGroupPolicy", func(c *api.Context, in *iam.PutGroupPolicyInput) (*iam.PutGroupPolicyOutput, error) {
		g, err := GetGroup(c, aws.ToString(in.GroupName))
		if err != nil {
			return nil, err
		}
		if g.InlinePolicies, err = putInline(g.InlinePolicies, aws.ToString(in.PolicyName), aws.ToString(in.PolicyDocument), "group", *g.GroupName, maxInlineGroup); err != nil {
			return nil, err
		}
		return &iam.PutGroupPolicyOutput{}, PutGroup(c, g)
	})
	api.Handle(s, "GetGroupPolicy", func(c *api.Context, in *iam.GetGroupPolicyInput) (*iam.GetGroupPolicyOutput, error) {
		g, err := GetGroup(c, aws.ToString(in.GroupName))
		if err != nil {
			return nil, err
		}
		i, err := findInline(g.InlinePolicies, aws.ToString(in.PolicyName), "group")
		if err != nil {
			return nil, err
		}
		p := g.InlinePolicies[i]
		return &iam.GetGroupPolicyOutput{GroupName: g.GroupName, PolicyName: aws.String(p.Name), PolicyDocument: aws.String(encodeDocument(p.Document))}, nil
	})
	api.Handle(s, "DeleteGroupPolicy", func(c *api.Context, in *iam.DeleteGroupPolicyInput) (*iam.DeleteGroupPolicyOutput, error) {
		g, err := GetGroup(c, aws.ToString(in.GroupName))
		if err != nil {
			return nil, err
		}
		i, err := findInline(g.InlinePolicies, aws.ToString(in.PolicyName), "group")
		if err != nil {
			return nil, err
		}
		g.InlinePolicies = append(g.InlinePolicies[:i:i], g.InlinePolicies[i+1:]...)
		return &iam.DeleteGroupPolicyOutput{}, PutGroup(c, g)
	})
	api.Handle(s, "ListGroupPolicies", func(c *api.Context, in *iam.ListGroupPoliciesInput) (*iam.ListGroupPoliciesOutput, error) {
		g, err := GetGroup(c, aws.ToString(in.GroupName))
		if err != nil {
			return nil, err
		}
		names, pg, err := inlineNames(c, "ListGroupPolicies:"+nameKey(*g.GroupName), g.InlinePolicies, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListGroupPoliciesOutput{PolicyNames: names, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})

	api.Handle(s, "PutRolePolicy", func(c *api.Context, in *iam.PutRolePolicyInput) (*iam.PutRolePolicyOutput, error) {
		r, err := modifiableRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if r.InlinePolicies, err = putInline(r.InlinePolicies, aws.ToString(in.PolicyName), aws.ToString(in.PolicyDocument), "role", *r.RoleName, maxInlineRole); err != nil {
			return nil, err
		}
		return &iam.PutRolePolicyOutput{}, PutRole(c, r)
	})
	api.Handle(s, "GetRolePolicy", func(c *api.Context, in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
		r, err := GetRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		i, err := findInline(r.InlinePolicies, aws.ToString(in.PolicyName), "role")
		if err != nil {
			return nil, err
		}
		p := r.InlinePolicies[i]
		return &iam.GetRolePolicyOutput{RoleName: r.RoleName, PolicyName: aws.String(p.Name), PolicyDocument: aws.String(encodeDocument(p.Document))}, nil
	})
	api.Handle(s, "DeleteRolePolicy", func(c *api.Context, in *iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error) {
		r, err := modifiableRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		i, err := findInline(r.InlinePolicies, aws.ToString(in.PolicyName), "role")
		if err != nil {
			return nil, err
		}
		r.InlinePolicies = append(r.InlinePolicies[:i:i], r.InlinePolicies[i+1:]...)
		return &iam.DeleteRolePolicyOutput{}, PutRole(c, r)
	})
	api.Handle(s, "ListRolePolicies", func(c *api.Context, in *iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
		r, err := GetRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		names, pg, err := inlineNames(c, "ListRolePolicies:"+nameKey(*r.RoleName), r.InlinePolicies, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListRolePoliciesOutput{PolicyNames: names, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})
}
