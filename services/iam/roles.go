package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// defaultMaxSessionDuration is a role's MaxSessionDuration when none is given (seconds).
const defaultMaxSessionDuration = 3600

func registerRoles(s *api.Service) {
	api.Handle(s, "CreateRole", createRole)
	api.Handle(s, "GetRole", getRoleOp)
	api.Handle(s, "UpdateRole", updateRole)
	api.Handle(s, "UpdateRoleDescription", updateRoleDescription)
	api.Handle(s, "UpdateAssumeRolePolicy", updateAssumeRolePolicy)
	api.Handle(s, "DeleteRole", deleteRole)
	api.Handle(s, "ListRoles", listRoles)
}

// roleDocument is a role as GetRole returns it: trust policy URL-encoded.
func roleDocument(r *Role) *types.Role {
	out := r.Role
	out.AssumeRolePolicyDocument = aws.String(encodeDocument(aws.ToString(r.AssumeRolePolicyDocument)))
	if out.RoleLastUsed == nil {
		out.RoleLastUsed = &types.RoleLastUsed{}
	}
	return &out
}

// roleSummary is a role as lists return it (no boundary, last use or tags).
func roleSummary(r *Role) types.Role {
	out := roleDocument(r)
	out.PermissionsBoundary, out.RoleLastUsed, out.Tags = nil, nil, nil
	return *out
}

// modifiableRole loads a role that the caller may change: not a service-linked role.
func modifiableRole(c *api.Context, name string) (*Role, error) {
	r, err := GetRole(c, name)
	if err != nil {
		return nil, err
	}
	if r.ServiceName != "" {
		return nil, protectedRole(*r.RoleName)
	}
	return r, nil
}

func protectedRole(name string) error {
	return apierror.New("UnmodifiableEntity", "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", name)
}

func roleExists(c *api.Context, name string) error {
	if old, err := Roles.Get(c.Tx, c.GlobalScope(), nameKey(name)); err != nil {
		return err
	} else if old != nil {
		return apierror.New("EntityAlreadyExists", "Role with name %s already exists.", name)
	}
	return nil
}

func createRole(c *api.Context, in *iam.CreateRoleInput) (*iam.CreateRoleOutput, error) {
	name := aws.ToString(in.RoleName)
	if err := roleExists(c, name); err != nil {
		return nil, err
	}
	doc, err := validateTrustPolicy(c, aws.ToString(in.AssumeRolePolicyDocument))
	if err != nil {
		return nil, err
	}
	if err := checkNewTags(in.Tags); err != nil {
		return nil, err
	}
	path := pathOrRoot(in.Path)
	r := &Role{Role: types.Role{
		RoleName: aws.String(name), Path: aws.String(path), RoleId: aws.String(api.UniqueID("AROA")),
		Arn: aws.String(entityARN(c.Partition(), c.Account(), "role", path, name)), CreateDate: nowSecond(c),
		AssumeRolePolicyDocument: aws.String(doc), Description: in.Description, Tags: in.Tags,
		MaxSessionDuration: aws.Int32(defaultMaxSessionDuration),
	}}
	if in.MaxSessionDuration != nil {
		r.MaxSessionDuration = in.MaxSessionDuration
	}
	if in.PermissionsBoundary != nil {
		if r.PermissionsBoundary, err = setBoundary(c, types.EntityTypeRole, name, *r.RoleId, *in.PermissionsBoundary); err != nil {
			return nil, err
		}
	}
	if err := PutRole(c, r); err != nil {
		return nil, err
	}
	out := roleDocument(r)
	out.RoleLastUsed = nil
	return &iam.CreateRoleOutput{Role: out}, nil
}

func getRoleOp(c *api.Context, in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
	r, err := GetRole(c, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	return &iam.GetRoleOutput{Role: roleDocument(r)}, nil
}

// updateRole changes a role's description and session length; AWS allows
// this on service-linked roles too.
func updateRole(c *api.Context, in *iam.UpdateRoleInput) (*iam.UpdateRoleOutput, error) {
	r, err := GetRole(c, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if in.Description != nil {
		r.Description = in.Description
	}
	if in.MaxSessionDuration != nil {
		r.MaxSessionDuration = in.MaxSessionDuration
	}
	return &iam.UpdateRoleOutput{}, PutRole(c, r)
}

func updateRoleDescription(c *api.Context, in *iam.UpdateRoleDescriptionInput) (*iam.UpdateRoleDescriptionOutput, error) {
	r, err := GetRole(c, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	r.Description = in.Description
	if err := PutRole(c, r); err != nil {
		return nil, err
	}
	return &iam.UpdateRoleDescriptionOutput{Role: roleDocument(r)}, nil
}

func updateAssumeRolePolicy(c *api.Context, in *iam.UpdateAssumeRolePolicyInput) (*iam.UpdateAssumeRolePolicyOutput, error) {
	r, err := modifiableRole(c, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	doc, err := validateTrustPolicy(c, aws.ToString(in.PolicyDocument))
	if err != nil {
		return nil, err
	}
	r.AssumeRolePolicyDocument = aws.String(doc)
	return &iam.UpdateAssumeRolePolicyOutput{}, PutRole(c, r)
}

func deleteRole(c *api.Context, in *iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error) {
	r, err := modifiableRole(c, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	profiles, err := instanceProfilesForRole(c, *r.RoleName)
	if err != nil {
		return nil, err
	}
	switch {
	case len(profiles) > 0:
		return nil, apierror.New("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
	case len(r.AttachedPolicies) > 0:
		return nil, apierror.New("DeleteConflict", "Cannot delete entity, must detach all policies first.")
	case len(r.InlinePolicies) > 0:
		return nil, apierror.New("DeleteConflict", "Cannot delete entity, must delete policies first.")
	}
	if err := purgeRole(c, r); err != nil {
		return nil, err
	}
	return &iam.DeleteRoleOutput{}, nil
}

// purgeRole removes a role and its boundary record.
func purgeRole(c *api.Context, r *Role) error {
	if r.PermissionsBoundary != nil {
		if err := removeAttachment(c, aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn), types.EntityTypeRole, *r.RoleName, true); err != nil {
			return err
		}
	}
	_, err := Roles.Delete(c.Tx, c.GlobalScope(), nameKey(*r.RoleName))
	return err
}

func listRoles(c *api.Context, in *iam.ListRolesInput) (*iam.ListRolesOutput, error) {
	page, pg, err := pageStored(c, "ListRoles", Roles, pathQuery(in.PathPrefix), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	roles := make([]types.Role, 0, len(page))
	for _, r := range page {
		roles = append(roles, roleSummary(r))
	}
	return &iam.ListRolesOutput{Roles: roles, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}
