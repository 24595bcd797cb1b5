package iam

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxAttachedPolicies is IAM's default quota of managed policies per user, group or role.
const maxAttachedPolicies = 10

func attachmentID(t types.EntityType, name, arn string, boundary bool) string {
	kind := "p"
	if boundary {
		kind = "b"
	}
	return string(t) + ":" + nameKey(name) + ":" + kind + ":" + arn
}

func addAttachment(c *api.Context, arn string, t types.EntityType, name, id string, boundary bool) error {
	status := attachPolicy
	if boundary {
		status = attachBoundary
	}
	return Attachments.Put(c.Tx, c.GlobalScope(), attachmentID(t, name, arn, boundary),
		store.Index{Parent: arn, Status: status, Attr: string(t), Name: nameKey(name)},
		&Attachment{PolicyArn: arn, EntityType: t, EntityName: name, EntityID: id, Boundary: boundary})
}

func removeAttachment(c *api.Context, arn string, t types.EntityType, name string, boundary bool) error {
	_, err := Attachments.Delete(c.Tx, c.GlobalScope(), attachmentID(t, name, arn, boundary))
	return err
}

// renameAttachments moves every attachment of an entity to its new name.
func renameAttachments(c *api.Context, t types.EntityType, oldName, newName string) error {
	items, err := Attachments.List(c.Tx, c.GlobalScope(), store.Query{Attr: string(t), Name: nameKey(oldName)})
	if err != nil {
		return err
	}
	for _, it := range items {
		a := it.Doc
		if err := removeAttachment(c, a.PolicyArn, t, oldName, a.Boundary); err != nil {
			return err
		}
		if err := addAttachment(c, a.PolicyArn, t, newName, a.EntityID, a.Boundary); err != nil {
			return err
		}
	}
	return nil
}

// setBoundary checks a permissions boundary ARN and records its use.
func setBoundary(c *api.Context, t types.EntityType, name, id, arn string) (*types.AttachedPermissionsBoundary, error) {
	if _, err := GetPolicy(c, arn); err != nil {
		return nil, apierror.New("NoSuchEntity", "Scope ARN: %s does not exist or is not attachable.", arn)
	}
	if err := addAttachment(c, arn, t, name, id, true); err != nil {
		return nil, err
	}
	return &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String(arn),
		PermissionsBoundaryType: types.PermissionsBoundaryAttachmentTypePolicy}, nil
}

// policyPathOf is the path inside a managed policy's ARN.
func policyPathOf(arn string) string {
	i := strings.Index(arn, ":policy/")
	if i < 0 {
		return "/"
	}
	rest := arn[i+len(":policy"):]
	return rest[:strings.LastIndex(rest, "/")+1]
}

// attach adds a managed policy to an entity's list, enforcing IAM's rules.
func attach(c *api.Context, list []types.AttachedPolicy, arn string, t types.EntityType, name, id string) ([]types.AttachedPolicy, error) {
	p, err := GetPolicy(c, arn)
	if err != nil {
		return nil, err
	}
	if !p.IsAttachable {
		return nil, apierror.New("PolicyNotAttachable", "Policy %s is not attachable.", arn)
	}
	for _, a := range list {
		if aws.ToString(a.PolicyArn) == arn {
			return list, nil
		}
	}
	if len(list) >= maxAttachedPolicies {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for PoliciesPer%s: %d", t, maxAttachedPolicies)
	}
	if err := addAttachment(c, arn, t, name, id, false); err != nil {
		return nil, err
	}
	return append(list, types.AttachedPolicy{PolicyArn: aws.String(arn), PolicyName: p.PolicyName}), nil
}

// detach removes a managed policy from an entity's list.
func detach(c *api.Context, list []types.AttachedPolicy, arn string, t types.EntityType, name string) ([]types.AttachedPolicy, error) {
	for i, a := range list {
		if aws.ToString(a.PolicyArn) == arn {
			if err := removeAttachment(c, arn, t, name, false); err != nil {
				return nil, err
			}
			return append(list[:i:i], list[i+1:]...), nil
		}
	}
	return nil, apierror.New("NoSuchEntity", "Policy %s was not found.", arn)
}

// pageAttached is a page of an entity's attached policies under a path prefix.
func pageAttached(c *api.Context, listing string, list []types.AttachedPolicy, prefix, marker *string, maxItems *int32) ([]types.AttachedPolicy, paging, error) {
	var idx []int64
	var sel []types.AttachedPolicy
	for i, a := range list {
		if hasPathPrefix(policyPathOf(aws.ToString(a.PolicyArn)), prefix) {
			sel = append(sel, a)
			idx = append(idx, int64(i)+1)
		}
	}
	out, pg, err := paginate(c, listing, sel, func(i int, _ types.AttachedPolicy) int64 { return idx[i] }, marker, maxItems)
	if out == nil {
		out = []types.AttachedPolicy{}
	}
	return out, pg, err
}

func registerAttachments(s *api.Service) {
	api.Handle(s, "AttachUserPolicy", func(c *api.Context, in *iam.AttachUserPolicyInput) (*iam.AttachUserPolicyOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		if u.AttachedPolicies, err = attach(c, u.AttachedPolicies, aws.ToString(in.PolicyArn), types.EntityTypeUser, *u.UserName, *u.UserId); err != nil {
			return nil, err
		}
		return &iam.AttachUserPolicyOutput{}, PutUser(c, u)
	})
	api.Handle(s, "DetachUserPolicy", func(c *api.Context, in *iam.DetachUserPolicyInput) (*iam.DetachUserPolicyOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		if u.AttachedPolicies, err = detach(c, u.AttachedPolicies, aws.ToString(in.PolicyArn), types.EntityTypeUser, *u.UserName); err != nil {
			return nil, err
		}
		return &iam.DetachUserPolicyOutput{}, PutUser(c, u)
	})
	api.Handle(s, "ListAttachedUserPolicies", func(c *api.Context, in *iam.ListAttachedUserPoliciesInput) (*iam.ListAttachedUserPoliciesOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		page, pg, err := pageAttached(c, "ListAttachedUserPolicies:"+nameKey(*u.UserName), u.AttachedPolicies, in.PathPrefix, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListAttachedUserPoliciesOutput{AttachedPolicies: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})
	api.Handle(s, "AttachGroupPolicy", func(c *api.Context, in *iam.AttachGroupPolicyInput) (*iam.AttachGroupPolicyOutput, error) {
		g, err := GetGroup(c, aws.ToString(in.GroupName))
		if err != nil {
			return nil, err
		}
		if g.AttachedPolicies, err = attach(c, g.AttachedPolicies, aws.ToString(in.PolicyArn), types.EntityTypeGroup, *g.GroupName, *g.GroupId); err != nil {
			return nil, err
		}
		return &iam.AttachGroupPolicyOutput{}, PutGroup(c, g)
	})
	api.Handle(s, "DetachGroupPolicy", func(c *api.Context, in *iam.DetachGroupPolicyInput) (*iam.DetachGroupPolicyOutput, error) {
		g, err := GetGroup(c, aws.ToString(in.GroupName))
		if err != nil {
			return nil, err
		}
		if g.AttachedPolicies, err = detach(c, g.AttachedPolicies, aws.ToString(in.PolicyArn), types.EntityTypeGroup, *g.GroupName); err != nil {
			return nil, err
		}
		return &iam.DetachGroupPolicyOutput{}, PutGroup(c, g)
	})
	api.Handle(s, "ListAttachedGroupPolicies", func(c *api.Context, in *iam.ListAttachedGroupPoliciesInput) (*iam.ListAttachedGroupPoliciesOutput, error) {
		g, err := GetGroup(c, aws.ToString(in.GroupName))
		if err != nil {
			return nil, err
		}
		page, pg, err := pageAttached(c, "ListAttachedGroupPolicies:"+nameKey(*g.GroupName), g.AttachedPolicies, in.PathPrefix, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListAttachedGroupPoliciesOutput{AttachedPolicies: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})
	api.Handle(s, "AttachRolePolicy", func(c *api.Context, in *iam.AttachRolePolicyInput) (*iam.AttachRolePolicyOutput, error) {
		r, err := modifiableRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		arn := aws.ToString(in.PolicyArn)
		if strings.HasPrefix(arn, awsPolicyARNPrefix+"aws-service-role/") {
			if _, err := GetPolicy(c, arn); err == nil {
				return nil, apierror.New("PolicyNotAttachable", "Cannot attach a Service Role Policy to a Customer Role.")
			}
		}
		if r.AttachedPolicies, err = attach(c, r.AttachedPolicies, arn, types.EntityTypeRole, *r.RoleName, *r.RoleId); err != nil {
			return nil, err
		}
		return &iam.AttachRolePolicyOutput{}, PutRole(c, r)
	})
	api.Handle(s, "DetachRolePolicy", func(c *api.Context, in *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
		r, err := modifiableRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if r.AttachedPolicies, err = detach(c, r.AttachedPolicies, aws.ToString(in.PolicyArn), types.EntityTypeRole, *r.RoleName); err != nil {
			return nil, err
		}
		return &iam.DetachRolePolicyOutput{}, PutRole(c, r)
	})
	api.Handle(s, "ListAttachedRolePolicies", func(c *api.Context, in *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
		r, err := GetRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		page, pg, err := pageAttached(c, "ListAttachedRolePolicies:"+nameKey(*r.RoleName), r.AttachedPolicies, in.PathPrefix, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})

	api.Handle(s, "PutUserPermissionsBoundary", func(c *api.Context, in *iam.PutUserPermissionsBoundaryInput) (*iam.PutUserPermissionsBoundaryOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		if u.PermissionsBoundary != nil {
			if err := removeAttachment(c, aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn), types.EntityTypeUser, *u.UserName, true); err != nil {
				return nil, err
			}
		}
		if u.PermissionsBoundary, err = setBoundary(c, types.EntityTypeUser, *u.UserName, *u.UserId, aws.ToString(in.PermissionsBoundary)); err != nil {
			return nil, err
		}
		return &iam.PutUserPermissionsBoundaryOutput{}, PutUser(c, u)
	})
	api.Handle(s, "DeleteUserPermissionsBoundary", func(c *api.Context, in *iam.DeleteUserPermissionsBoundaryInput) (*iam.DeleteUserPermissionsBoundaryOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		if u.PermissionsBoundary == nil {
			return &iam.DeleteUserPermissionsBoundaryOutput{}, nil
		}
		if err := removeAttachment(c, aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn), types.EntityTypeUser, *u.UserName, true); err != nil {
			return nil, err
		}
		u.PermissionsBoundary = nil
		return &iam.DeleteUserPermissionsBoundaryOutput{}, PutUser(c, u)
	})
	api.Handle(s, "PutRolePermissionsBoundary", func(c *api.Context, in *iam.PutRolePermissionsBoundaryInput) (*iam.PutRolePermissionsBoundaryOutput, error) {
		r, err := modifiableRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if r.PermissionsBoundary != nil {
			if err := removeAttachment(c, aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn), types.EntityTypeRole, *r.RoleName, true); err != nil {
				return nil, err
			}
		}
		if r.PermissionsBoundary, err = setBoundary(c, types.EntityTypeRole, *r.RoleName, *r.RoleId, aws.ToString(in.PermissionsBoundary)); err != nil {
			return nil, err
		}
		return &iam.PutRolePermissionsBoundaryOutput{}, PutRole(c, r)
	})
	api.Handle(s, "DeleteRolePermissionsBoundary", func(c *api.Context, in *iam.DeleteRolePermissionsBoundaryInput) (*iam.DeleteRolePermissionsBoundaryOutput, error) {
		r, err := modifiableRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if r.PermissionsBoundary == nil {
			return &iam.DeleteRolePermissionsBoundaryOutput{}, nil
		}
		if err := removeAttachment(c, aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn), types.EntityTypeRole, *r.RoleName, true); err != nil {
			return nil, err
		}
		r.PermissionsBoundary = nil
		return &iam.DeleteRolePermissionsBoundaryOutput{}, PutRole(c, r)
	})
}
