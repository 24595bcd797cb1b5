package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxGroupsPerUser is IAM's quota of groups a user can belong to.
const maxGroupsPerUser = 10

func registerGroups(s *api.Service) {
	api.Handle(s, "CreateGroup", createGroup)
	api.Handle(s, "GetGroup", getGroupOp)
	api.Handle(s, "UpdateGroup", updateGroup)
	api.Handle(s, "DeleteGroup", deleteGroup)
	api.Handle(s, "ListGroups", listGroups)
	api.Handle(s, "AddUserToGroup", addUserToGroup)
	api.Handle(s, "RemoveUserFromGroup", removeUserFromGroup)
	api.Handle(s, "ListGroupsForUser", listGroupsForUser)
}

func createGroup(c *api.Context, in *iam.CreateGroupInput) (*iam.CreateGroupOutput, error) {
	name := aws.ToString(in.GroupName)
	if old, err := Groups.Get(c.Tx, c.GlobalScope(), nameKey(name)); err != nil {
		return nil, err
	} else if old != nil {
		return nil, apierror.New("EntityAlreadyExists", "Group with name %s already exists.", name)
	}
	path := pathOrRoot(in.Path)
	g := &Group{Group: types.Group{GroupName: aws.String(name), Path: aws.String(path), GroupId: aws.String(api.UniqueID("AGPA")),
		Arn: aws.String(entityARN(c.Partition(), c.Account(), "group", path, name)), CreateDate: nowSecond(c)}}
	if err := PutGroup(c, g); err != nil {
		return nil, err
	}
	out := g.Group
	return &iam.CreateGroupOutput{Group: &out}, nil
}

func getGroupOp(c *api.Context, in *iam.GetGroupInput) (*iam.GetGroupOutput, error) {
	g, err := GetGroup(c, aws.ToString(in.GroupName))
	if err != nil {
		return nil, err
	}
	// The members in join order from the Marker's position: only the page's
	// users are read.
	members, pg, err := pageStored(c, "GetGroup:"+nameKey(*g.GroupName), GroupMembers, store.Query{Parent: aws.ToString(g.GroupId)}, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	page := make([]types.User, 0, len(members))
	for _, m := range members {
		u, err := GetUser(c, m.UserName)
		if err != nil {
			return nil, err
		}
		page = append(page, userSummary(u))
	}
	out := g.Group
	return &iam.GetGroupOutput{Group: &out, Users: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

func updateGroup(c *api.Context, in *iam.UpdateGroupInput) (*iam.UpdateGroupOutput, error) {
	g, err := GetGroup(c, aws.ToString(in.GroupName))
	if err != nil {
		return nil, err
	}
	oldName := *g.GroupName
	if in.NewPath != nil {
		g.Path = in.NewPath
	}
	if in.NewGroupName != nil && *in.NewGroupName != oldName {
		newName := *in.NewGroupName
		if nameKey(newName) != nameKey(oldName) {
			if other, err := Groups.Get(c.Tx, c.GlobalScope(), nameKey(newName)); err != nil {
				return nil, err
			} else if other != nil {
				return nil, apierror.New("EntityAlreadyExists", "Group with name %s already exists.", newName)
			}
		}
		members, err := groupMembers(c, g)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			u, err := GetUser(c, m)
			if err != nil {
				return nil, err
			}
			renameIn(u.Groups, oldName, newName)
			if err := PutUser(c, u); err != nil {
				return nil, err
			}
		}
		if err := renameAttachments(c, types.EntityTypeGroup, oldName, newName); err != nil {
			return nil, err
		}
		if _, err := Groups.Delete(c.Tx, c.GlobalScope(), nameKey(oldName)); err != nil {
			return nil, err
		}
		g.GroupName = aws.String(newName)
	}
	g.Arn = aws.String(entityARN(c.Partition(), c.Account(), "group", *g.Path, *g.GroupName))
	return &iam.UpdateGroupOutput{}, PutGroup(c, g)
}

func deleteGroup(c *api.Context, in *iam.DeleteGroupInput) (*iam.DeleteGroupOutput, error) {
	g, err := GetGroup(c, aws.ToString(in.GroupName))
	if err != nil {
		return nil, err
	}
	members, err := hasMembers(c, g)
	if err != nil {
		return nil, err
	}
	switch {
	case members:
		return nil, apierror.New("DeleteConflict", "Cannot delete entity, must remove users from group first.")
	case len(g.AttachedPolicies) > 0:
		return nil, apierror.New("DeleteConflict", "Cannot delete entity, must detach all policies first.")
	case len(g.InlinePolicies) > 0:
		return nil, apierror.New("DeleteConflict", "Cannot delete entity, must delete policies first.")
	}
	_, err = Groups.Delete(c.Tx, c.GlobalScope(), nameKey(*g.GroupName))
	return &iam.DeleteGroupOutput{}, err
}

func listGroups(c *api.Context, in *iam.ListGroupsInput) (*iam.ListGroupsOutput, error) {
	page, pg, err := pageStored(c, "ListGroups", Groups, pathQuery(in.PathPrefix), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	groups := make([]types.Group, 0, len(page))
	for _, g := range page {
		groups = append(groups, g.Group)
	}
	return &iam.ListGroupsOutput{Groups: groups, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

func addUserToGroup(c *api.Context, in *iam.AddUserToGroupInput) (*iam.AddUserToGroupOutput, error) {
	return &iam.AddUserToGroupOutput{}, changeMembership(c, in.GroupName, in.UserName, func(g *Group, u *User) (bool, error) {
		if nameIndex(u.Groups, *g.GroupName) >= 0 {
			return false, nil
		}
		if len(u.Groups) >= maxGroupsPerUser {
			return false, apierror.New("LimitExceeded", "Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		u.Groups = append(u.Groups, *g.GroupName)
		return true, putMember(c, g, u)
	})
}

func removeUserFromGroup(c *api.Context, in *iam.RemoveUserFromGroupInput) (*iam.RemoveUserFromGroupOutput, error) {
	// AWS looks for the user before the group: with neither, it names the user
	// (LocalStack's AWS-validated test_iam_groups.snapshot.json,
	// test_remove_user_from_unknown_group).
	if _, err := GetUser(c, aws.ToString(in.UserName)); err != nil {
		return nil, err
	}
	return &iam.RemoveUserFromGroupOutput{}, changeMembership(c, in.GroupName, in.UserName, func(g *Group, u *User) (bool, error) {
		var member bool
		if u.Groups, member = withoutName(u.Groups, *g.GroupName); !member {
			return false, apierror.New("NoSuchEntity", "The user with name %s cannot be found.", aws.ToString(in.UserName))
		}
		return true, deleteMember(c, g, u)
	})
}

// changeMembership loads a group and a user and lets edit change both sides
// of the membership (the group's side is its GroupMembers record); when edit
// reports a change, the user is saved.
func changeMembership(c *api.Context, groupName, userName *string, edit func(*Group, *User) (changed bool, err error)) error {
	g, err := GetGroup(c, aws.ToString(groupName))
	if err != nil {
		return err
	}
	u, err := GetUser(c, aws.ToString(userName))
	if err != nil {
		return err
	}
	if changed, err := edit(g, u); err != nil || !changed {
		return err
	}
	return PutUser(c, u)
}

func listGroupsForUser(c *api.Context, in *iam.ListGroupsForUserInput) (*iam.ListGroupsForUserOutput, error) {
	u, err := GetUser(c, aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	groups, err := loadAll(c, u.Groups, GetGroup, func(g *Group) types.Group { return g.Group })
	if err != nil {
		return nil, err
	}
	page, pg, err := paginateList(c, "ListGroupsForUser:"+nameKey(*u.UserName), groups, byIndex, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListGroupsForUserOutput{Groups: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

// loadAll loads each named entity and shows it as view, failing on the first
// that cannot be loaded.
func loadAll[T, V any](c *api.Context, names []string, load func(*api.Context, string) (*T, error), view func(*T) V) ([]V, error) {
	var out []V
	for _, name := range names {
		v, err := load(c, name)
		if err != nil {
			return nil, err
		}
		out = append(out, view(v))
	}
	return out, nil
}
