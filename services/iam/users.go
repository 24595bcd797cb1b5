package iam

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

func registerUsers(s *api.Service) {
	api.Handle(s, "CreateUser", createUser)
	api.Handle(s, "GetUser", getUserOp)
	api.Handle(s, "UpdateUser", updateUser)
	api.Handle(s, "DeleteUser", deleteUser)
	api.Handle(s, "ListUsers", listUsers)
}

// userSummary is a user as list operations return it (no tags, no boundary).
func userSummary(u *User) types.User {
	out := u.User
	out.Tags, out.PermissionsBoundary = nil, nil
	return out
}

func createUser(c *api.Context, in *iam.CreateUserInput) (*iam.CreateUserOutput, error) {
	name := aws.ToString(in.UserName)
	if old, err := Users.Get(c.Tx, c.GlobalScope(), nameKey(name)); err != nil {
		return nil, err
	} else if old != nil {
		return nil, apierror.New("EntityAlreadyExists", "User with name %s already exists.", name)
	}
	if err := checkNewTags(in.Tags); err != nil {
		return nil, err
	}
	path := pathOrRoot(in.Path)
	u := &User{User: types.User{
		UserName: aws.String(name), Path: aws.String(path), UserId: aws.String(api.UniqueID("AIDA")),
		Arn: aws.String(entityARN(c.Partition(), c.Account(), "user", path, name)), CreateDate: nowSecond(c), Tags: in.Tags,
	}}
	if in.PermissionsBoundary != nil {
		b, err := setBoundary(c, types.EntityTypeUser, name, *u.UserId, aws.ToString(in.PermissionsBoundary))
		if err != nil {
			return nil, err
		}
		u.PermissionsBoundary = b
	}
	if err := PutUser(c, u); err != nil {
		return nil, err
	}
	out := u.User
	return &iam.CreateUserOutput{User: &out}, nil
}

func getUserOp(c *api.Context, in *iam.GetUserInput) (*iam.GetUserOutput, error) {
	name := aws.ToString(in.UserName)
	if name == "" {
		var ok bool
		if name, ok = callerUserName(c); !ok {
			if !strings.HasSuffix(c.Caller.Arn, ":root") {
				return nil, apierror.New("ValidationError", "Must specify userName when calling with non-User credentials")
			}
			// The root user has no name; IAM describes it by account.
			return &iam.GetUserOutput{User: &types.User{UserId: aws.String(c.Account()), Arn: aws.String(c.Caller.Arn),
				CreateDate: aws.Time(c.Now().UTC().Truncate(24 * time.Hour))}}, nil
		}
	}
	u, err := GetUser(c, name)
	if err != nil {
		return nil, err
	}
	out := u.User
	return &iam.GetUserOutput{User: &out}, nil
}

// callerUserName is the name of the IAM user making the request, if it is one.
func callerUserName(c *api.Context) (string, bool) {
	arn := c.Caller.Arn
	prefix := c.ARNPrefix() + "iam::" + c.Account() + ":user/"
	if len(arn) <= len(prefix) || arn[:len(prefix)] != prefix {
		return "", false
	}
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:], true
		}
	}
	return "", false
}

func updateUser(c *api.Context, in *iam.UpdateUserInput) (*iam.UpdateUserOutput, error) {
	u, err := GetUser(c, aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	oldName := aws.ToString(u.UserName)
	if in.NewPath != nil {
		u.Path = in.NewPath
	}
	newName := oldName
	if in.NewUserName != nil && *in.NewUserName != oldName {
		newName = *in.NewUserName
		if nameKey(newName) != nameKey(oldName) {
			if other, err := Users.Get(c.Tx, c.GlobalScope(), nameKey(newName)); err != nil {
				return nil, err
			} else if other != nil {
				return nil, apierror.New("EntityAlreadyExists", "User with name %s already exists.", newName)
			}
		}
		if err := renameUserReferences(c, u, newName); err != nil {
			return nil, err
		}
		if _, err := Users.Delete(c.Tx, c.GlobalScope(), nameKey(oldName)); err != nil {
			return nil, err
		}
		u.UserName = aws.String(newName)
		if u.LoginProfile != nil {
			u.LoginProfile.UserName = aws.String(newName)
		}
	}
	u.Arn = aws.String(entityARN(c.Partition(), c.Account(), "user", aws.ToString(u.Path), newName))
	return &iam.UpdateUserOutput{}, PutUser(c, u)
}

// renameUserReferences moves a user's group memberships, keys and attachments to a new name.
func renameUserReferences(c *api.Context, u *User, newName string) error {
	oldName := aws.ToString(u.UserName)
	for _, gn := range u.Groups {
		g, err := GetGroup(c, gn)
		if err != nil {
			return err
		}
		renamed := *u
		renamed.UserName = aws.String(newName)
		if err := putMember(c, g, &renamed); err != nil {
			return err
		}
	}
	keys, err := userAccessKeys(c, oldName)
	if err != nil {
		return err
	}
	for _, k := range keys {
		k.UserName = aws.String(newName)
		if err := putAccessKey(c, k); err != nil {
			return err
		}
	}
	if err := renameUserExtras(c, oldName, newName); err != nil {
		return err
	}
	return renameAttachments(c, types.EntityTypeUser, oldName, newName)
}

func deleteUser(c *api.Context, in *iam.DeleteUserInput) (*iam.DeleteUserOutput, error) {
	u, err := GetUser(c, aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	name := aws.ToString(u.UserName)
	keys, err := userAccessKeys(c, name)
	if err != nil {
		return nil, err
	}
	conflict := ""
	switch {
	case u.LoginProfile != nil:
		conflict = "Cannot delete entity, must delete login profile first."
	case len(keys) > 0:
		conflict = "Cannot delete entity, must delete access keys first."
	case len(u.Groups) > 0:
		conflict = "Cannot delete entity, must remove users from all groups first."
	case len(u.AttachedPolicies) > 0:
		conflict = "Cannot delete entity, must detach all policies first."
	case len(u.InlinePolicies) > 0:
		conflict = "Cannot delete entity, must delete policies first."
	}
	for _, dep := range userDependents() {
		if conflict != "" {
			break
		}
		if conflict, err = dep(c, name); err != nil {
			return nil, err
		}
	}
	if conflict != "" {
		return nil, apierror.New("DeleteConflict", "%s", conflict)
	}
	if u.PermissionsBoundary != nil {
		if err := removeAttachment(c, aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn), types.EntityTypeUser, name, true); err != nil {
			return nil, err
		}
	}
	_, err = Users.Delete(c.Tx, c.GlobalScope(), nameKey(name))
	return &iam.DeleteUserOutput{}, err
}

func listUsers(c *api.Context, in *iam.ListUsersInput) (*iam.ListUsersOutput, error) {
	page, pg, err := pageStored(c, "ListUsers", Users, pathQuery(in.PathPrefix), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	users := make([]types.User, 0, len(page))
	for _, u := range page {
		users = append(users, userSummary(u))
	}
	return &iam.ListUsersOutput{Users: users, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}
