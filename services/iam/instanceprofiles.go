package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxRolesPerInstanceProfile is IAM's fixed limit of roles in an instance profile.
const maxRolesPerInstanceProfile = 1

func registerInstanceProfiles(s *api.Service) {
	api.Handle(s, "CreateInstanceProfile", createInstanceProfile)
	api.Handle(s, "GetInstanceProfile", getInstanceProfileOp)
	api.Handle(s, "DeleteInstanceProfile", deleteInstanceProfile)
	api.Handle(s, "ListInstanceProfiles", listInstanceProfiles)
	api.Handle(s, "ListInstanceProfilesForRole", listInstanceProfilesForRole)
	api.Handle(s, "AddRoleToInstanceProfile", addRoleToInstanceProfile)
	api.Handle(s, "RemoveRoleFromInstanceProfile", removeRoleFromInstanceProfile)
}

// profileDocument renders an instance profile with its roles' current state.
func profileDocument(c *api.Context, p *InstanceProfile, withTags bool) (types.InstanceProfile, error) {
	out := p.InstanceProfile
	out.Roles = []types.Role{}
	for _, rn := range p.RoleNames {
		r, err := Roles.Get(c.Tx, c.GlobalScope(), nameKey(rn))
		if err != nil {
			return out, err
		}
		if r != nil {
			out.Roles = append(out.Roles, roleSummary(r))
		}
	}
	if !withTags {
		out.Tags = nil
	}
	return out, nil
}

func createInstanceProfile(c *api.Context, in *iam.CreateInstanceProfileInput) (*iam.CreateInstanceProfileOutput, error) {
	name := aws.ToString(in.InstanceProfileName)
	if old, err := InstanceProfiles.Get(c.Tx, c.GlobalScope(), nameKey(name)); err != nil {
		return nil, err
	} else if old != nil {
		return nil, apierror.New("EntityAlreadyExists", "Instance Profile %s already exists.", name)
	}
	if err := checkNewTags(in.Tags); err != nil {
		return nil, err
	}
	path := pathOrRoot(in.Path)
	p := &InstanceProfile{InstanceProfile: types.InstanceProfile{
		InstanceProfileName: aws.String(name), Path: aws.String(path), InstanceProfileId: aws.String(api.UniqueID("AIPA")),
		Arn: aws.String(entityARN(c.Partition(), c.Account(), "instance-profile", path, name)), CreateDate: nowSecond(c), Tags: in.Tags,
	}}
	if err := PutInstanceProfile(c, p); err != nil {
		return nil, err
	}
	out, err := profileDocument(c, p, true)
	return &iam.CreateInstanceProfileOutput{InstanceProfile: &out}, err
}

func getInstanceProfileOp(c *api.Context, in *iam.GetInstanceProfileInput) (*iam.GetInstanceProfileOutput, error) {
	p, err := GetInstanceProfile(c, aws.ToString(in.InstanceProfileName))
	if err != nil {
		return nil, err
	}
	out, err := profileDocument(c, p, true)
	return &iam.GetInstanceProfileOutput{InstanceProfile: &out}, err
}

func deleteInstanceProfile(c *api.Context, in *iam.DeleteInstanceProfileInput) (*iam.DeleteInstanceProfileOutput, error) {
	p, err := GetInstanceProfile(c, aws.ToString(in.InstanceProfileName))
	if err != nil {
		return nil, err
	}
	if len(p.RoleNames) > 0 {
		return nil, apierror.New("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
	}
	_, err = InstanceProfiles.Delete(c.Tx, c.GlobalScope(), nameKey(*p.InstanceProfileName))
	return &iam.DeleteInstanceProfileOutput{}, err
}

// profilePage renders a page of the instance profiles q selects.
func profilePage(c *api.Context, listing string, q store.Query, marker *string, maxItems *int32) ([]types.InstanceProfile, paging, error) {
	page, pg, err := pageStored(c, listing, InstanceProfiles, q, marker, maxItems)
	if err != nil {
		return nil, pg, err
	}
	out := []types.InstanceProfile{}
	for _, p := range page {
		doc, err := profileDocument(c, p, false)
		if err != nil {
			return nil, pg, err
		}
		out = append(out, doc)
	}
	return out, pg, nil
}

func listInstanceProfiles(c *api.Context, in *iam.ListInstanceProfilesInput) (*iam.ListInstanceProfilesOutput, error) {
	out, pg, err := profilePage(c, "ListInstanceProfiles", pathQuery(in.PathPrefix), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListInstanceProfilesOutput{InstanceProfiles: out, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

// instanceProfilesForRole lists the instance profiles that hold a role.
func instanceProfilesForRole(c *api.Context, role string) ([]store.Item[InstanceProfile], error) {
	return InstanceProfiles.List(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(role)})
}

func listInstanceProfilesForRole(c *api.Context, in *iam.ListInstanceProfilesForRoleInput) (*iam.ListInstanceProfilesForRoleOutput, error) {
	r, err := GetRole(c, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	out, pg, err := profilePage(c, "ListInstanceProfilesForRole:"+nameKey(*r.RoleName), store.Query{Parent: nameKey(*r.RoleName)}, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListInstanceProfilesForRoleOutput{InstanceProfiles: out, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

func addRoleToInstanceProfile(c *api.Context, in *iam.AddRoleToInstanceProfileInput) (*iam.AddRoleToInstanceProfileOutput, error) {
	p, err := GetInstanceProfile(c, aws.ToString(in.InstanceProfileName))
	if err != nil {
		return nil, err
	}
	r, err := GetRole(c, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if nameIndex(p.RoleNames, *r.RoleName) >= 0 {
		return nil, apierror.New("EntityAlreadyExists", "Role %s already exists in instance profile %s.", *r.RoleName, *p.InstanceProfileName)
	}
	if len(p.RoleNames) >= maxRolesPerInstanceProfile {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", maxRolesPerInstanceProfile)
	}
	p.RoleNames = append(p.RoleNames, *r.RoleName)
	return &iam.AddRoleToInstanceProfileOutput{}, PutInstanceProfile(c, p)
}

func removeRoleFromInstanceProfile(c *api.Context, in *iam.RemoveRoleFromInstanceProfileInput) (*iam.RemoveRoleFromInstanceProfileOutput, error) {
	p, err := GetInstanceProfile(c, aws.ToString(in.InstanceProfileName))
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.RoleName)
	var held bool
	if p.RoleNames, held = withoutName(p.RoleNames, name); held {
		return &iam.RemoveRoleFromInstanceProfileOutput{}, PutInstanceProfile(c, p)
	}
	if _, err := GetRole(c, name); err != nil {
		return nil, err
	}
	return nil, apierror.New("NoSuchEntity", "The role with name %s cannot be found.", name)
}
