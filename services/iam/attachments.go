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
	err := Attachments.Put(c.Tx, c.GlobalScope(), attachmentID(t, name, arn, boundary),
		store.Index{Parent: arn, Status: status, Attr: string(t), Name: nameKey(name)},
		&Attachment{PolicyArn: arn, EntityType: t, EntityName: name, EntityID: id, Boundary: boundary})
	if err != nil {
		return err
	}
	return reindexPolicy(c, arn)
}

func removeAttachment(c *api.Context, arn string, t types.EntityType, name string, boundary bool) error {
	if _, err := Attachments.Delete(c.Tx, c.GlobalScope(), attachmentID(t, name, arn, boundary)); err != nil {
		return err
	}
	return reindexPolicy(c, arn)
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
	if parts := strings.SplitN(arn, ":", 6); len(parts) < 6 || parts[0] != "arn" {
		return nil, invalidARN(arn)
	}
	if _, err := findPolicy(c.Tx, c.Account(), arn); err != nil {
		return nil, apierror.New("NoSuchEntity", "Scope ARN: %s does not exist or is not attachable.", arn)
	}
	if err := addAttachment(c, arn, t, name, id, true); err != nil {
		return nil, err
	}
	return &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String(arn),
		PermissionsBoundaryType: boundaryTypePolicy}, nil
}

// boundaryTypePolicy is the PermissionsBoundaryType IAM answers: "Policy"
// (the AWS CLI's awscli/examples/iam/create-user.rst), not the model's
// PermissionsBoundaryPolicy.
const boundaryTypePolicy types.PermissionsBoundaryAttachmentType = "Policy"

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
	p, err := findPolicy(c.Tx, c.Account(), arn)
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
	return paginateList(c, listing, sel, func(i int, _ types.AttachedPolicy) int64 { return idx[i] }, marker, maxItems)
}

// checkRolePolicyAttachable refuses to attach a service role policy to a role
// a customer created.
func checkRolePolicyAttachable(c *api.Context, arn string) error {
	if strings.HasPrefix(arn, awsPolicyARNPrefix+"aws-service-role/") {
		if _, err := findPolicy(c.Tx, c.Account(), arn); err == nil {
			return apierror.New("PolicyNotAttachable", "Cannot attach a Service Role Policy to a Customer Role.")
		}
	}
	return nil
}

func registerAttachments(s *api.Service) {
	api.Handle(s, "AttachUserPolicy", func(c *api.Context, in *iam.AttachUserPolicyInput) (*iam.AttachUserPolicyOutput, error) {
		return &iam.AttachUserPolicyOutput{}, userPrincipal.attachPolicy(c, in.UserName, in.PolicyArn)
	})
	api.Handle(s, "DetachUserPolicy", func(c *api.Context, in *iam.DetachUserPolicyInput) (*iam.DetachUserPolicyOutput, error) {
		return &iam.DetachUserPolicyOutput{}, userPrincipal.detachPolicy(c, in.UserName, in.PolicyArn)
	})
	api.Handle(s, "ListAttachedUserPolicies", func(c *api.Context, in *iam.ListAttachedUserPoliciesInput) (*iam.ListAttachedUserPoliciesOutput, error) {
		page, pg, err := userPrincipal.listAttachedPolicies(c, in.UserName, in.PathPrefix, in.Marker, in.MaxItems)
		return &iam.ListAttachedUserPoliciesOutput{AttachedPolicies: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})
	api.Handle(s, "AttachGroupPolicy", func(c *api.Context, in *iam.AttachGroupPolicyInput) (*iam.AttachGroupPolicyOutput, error) {
		return &iam.AttachGroupPolicyOutput{}, groupPrincipal.attachPolicy(c, in.GroupName, in.PolicyArn)
	})
	api.Handle(s, "DetachGroupPolicy", func(c *api.Context, in *iam.DetachGroupPolicyInput) (*iam.DetachGroupPolicyOutput, error) {
		return &iam.DetachGroupPolicyOutput{}, groupPrincipal.detachPolicy(c, in.GroupName, in.PolicyArn)
	})
	api.Handle(s, "ListAttachedGroupPolicies", func(c *api.Context, in *iam.ListAttachedGroupPoliciesInput) (*iam.ListAttachedGroupPoliciesOutput, error) {
		page, pg, err := groupPrincipal.listAttachedPolicies(c, in.GroupName, in.PathPrefix, in.Marker, in.MaxItems)
		return &iam.ListAttachedGroupPoliciesOutput{AttachedPolicies: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})
	api.Handle(s, "AttachRolePolicy", func(c *api.Context, in *iam.AttachRolePolicyInput) (*iam.AttachRolePolicyOutput, error) {
		return &iam.AttachRolePolicyOutput{}, rolePrincipal.attachPolicy(c, in.RoleName, in.PolicyArn)
	})
	api.Handle(s, "DetachRolePolicy", func(c *api.Context, in *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
		return &iam.DetachRolePolicyOutput{}, rolePrincipal.detachPolicy(c, in.RoleName, in.PolicyArn)
	})
	api.Handle(s, "ListAttachedRolePolicies", func(c *api.Context, in *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
		page, pg, err := rolePrincipal.listAttachedPolicies(c, in.RoleName, in.PathPrefix, in.Marker, in.MaxItems)
		return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})

	api.Handle(s, "PutUserPermissionsBoundary", func(c *api.Context, in *iam.PutUserPermissionsBoundaryInput) (*iam.PutUserPermissionsBoundaryOutput, error) {
		return &iam.PutUserPermissionsBoundaryOutput{}, userPrincipal.putBoundary(c, in.UserName, in.PermissionsBoundary)
	})
	api.Handle(s, "DeleteUserPermissionsBoundary", func(c *api.Context, in *iam.DeleteUserPermissionsBoundaryInput) (*iam.DeleteUserPermissionsBoundaryOutput, error) {
		return &iam.DeleteUserPermissionsBoundaryOutput{}, userPrincipal.deleteBoundary(c, in.UserName)
	})
	api.Handle(s, "PutRolePermissionsBoundary", func(c *api.Context, in *iam.PutRolePermissionsBoundaryInput) (*iam.PutRolePermissionsBoundaryOutput, error) {
		return &iam.PutRolePermissionsBoundaryOutput{}, rolePrincipal.putBoundary(c, in.RoleName, in.PermissionsBoundary)
	})
	api.Handle(s, "DeleteRolePermissionsBoundary", func(c *api.Context, in *iam.DeleteRolePermissionsBoundaryInput) (*iam.DeleteRolePermissionsBoundaryOutput, error) {
		return &iam.DeleteRolePermissionsBoundaryOutput{}, rolePrincipal.deleteBoundary(c, in.RoleName)
	})
}
