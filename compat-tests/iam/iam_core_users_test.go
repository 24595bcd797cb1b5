package iam_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreUsers(t *testing.T) {
	_, client := coreStart(t)
	out := harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/dev/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}}))(t)
	u := out.User
	if aws.ToString(u.Arn) != "arn:aws:iam::000000000000:user/dev/alice" || aws.ToString(u.Path) != "/dev/" {
		t.Errorf("user %s %s", aws.ToString(u.Arn), aws.ToString(u.Path))
	}
	if !regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`).MatchString(aws.ToString(u.UserId)) {
		t.Errorf("user id %q", aws.ToString(u.UserId))
	}
	if u.CreateDate == nil || time.Since(*u.CreateDate) > time.Minute {
		t.Errorf("create date %v", u.CreateDate)
	}

	_, err := client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("ALICE")})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "User with name ALICE already exists.")

	got := harness.Must(client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("alice")}))(t)
	if aws.ToString(got.User.UserId) != aws.ToString(u.UserId) || len(got.User.Tags) != 1 {
		t.Errorf("GetUser %+v", got.User)
	}
	_, err = client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The user with name nobody cannot be found.")

	// The root caller gets its own identity without a name.
	root := harness.Must(client.GetUser(harness.Ctx, &iam.GetUserInput{}))(t)
	if aws.ToString(root.User.Arn) != "arn:aws:iam::000000000000:root" {
		t.Errorf("root user %s", aws.ToString(root.User.Arn))
	}

	harness.Must(client.UpdateUser(harness.Ctx, &iam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alice2"), NewPath: aws.String("/ops/")}))(t)
	got = harness.Must(client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("alice2")}))(t)
	if aws.ToString(got.User.Arn) != "arn:aws:iam::000000000000:user/ops/alice2" || aws.ToString(got.User.UserId) != aws.ToString(u.UserId) {
		t.Errorf("renamed user %s %s", aws.ToString(got.User.Arn), aws.ToString(got.User.UserId))
	}
	_, err = client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	for _, n := range []string{"u1", "u2", "u3", "u4"} {
		harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String(n)}))(t)
	}
	var names []string
	p := iam.NewListUsersPaginator(client, &iam.ListUsersInput{MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page := harness.Must(p.NextPage(harness.Ctx))(t)
		pages++
		for _, u := range page.Users {
			names = append(names, aws.ToString(u.UserName))
			if u.Tags != nil {
				t.Errorf("ListUsers returned tags for %s", aws.ToString(u.UserName))
			}
		}
	}
	if pages != 3 || len(names) != 5 {
		t.Errorf("paginated %d pages, users %v", pages, names)
	}
	ops := harness.Must(client.ListUsers(harness.Ctx, &iam.ListUsersInput{PathPrefix: aws.String("/ops/")}))(t)
	if len(ops.Users) != 1 || aws.ToString(ops.Users[0].UserName) != "alice2" || ops.IsTruncated {
		t.Errorf("PathPrefix /ops/: %+v", ops.Users)
	}

	if err := iam.NewUserExistsWaiter(client).Wait(harness.Ctx, &iam.GetUserInput{UserName: aws.String("u1")}, 10*time.Second); err != nil {
		t.Errorf("UserExists waiter: %v", err)
	}

	harness.Must(client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("u1")}))(t)
	_, err = client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("u1")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The user with name u1 cannot be found.")
}

func TestCoreUserDeleteConflicts(t *testing.T) {
	_, client := coreStart(t)
	user := aws.String("bob")
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: user}))(t)
	harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}))(t)
	harness.Must(client.AddUserToGroup(harness.Ctx, &iam.AddUserToGroupInput{UserName: user, GroupName: aws.String("devs")}))(t)
	key := harness.Must(client.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: user}))(t)
	harness.Must(client.CreateLoginProfile(harness.Ctx, &iam.CreateLoginProfileInput{UserName: user, Password: aws.String("Passw0rd!Passw0rd")}))(t)
	harness.Must(client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: user, PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMFullAccess")}))(t)
	harness.Must(client.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: user, PolicyName: aws.String("s3"), PolicyDocument: aws.String(coreS3Read)}))(t)

	steps := []struct {
		message string
		fix     func() error
	}{
		{"Cannot delete entity, must delete login profile first.", func() error {
			_, err := client.DeleteLoginProfile(harness.Ctx, &iam.DeleteLoginProfileInput{UserName: user})
			return err
		}},
		{"Cannot delete entity, must delete access keys first.", func() error {
			_, err := client.DeleteAccessKey(harness.Ctx, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: key.AccessKey.AccessKeyId})
			return err
		}},
		{"Cannot delete entity, must remove users from all groups first.", func() error {
			_, err := client.RemoveUserFromGroup(harness.Ctx, &iam.RemoveUserFromGroupInput{UserName: user, GroupName: aws.String("devs")})
			return err
		}},
		{"Cannot delete entity, must detach all policies first.", func() error {
			_, err := client.DetachUserPolicy(harness.Ctx, &iam.DetachUserPolicyInput{UserName: user, PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMFullAccess")})
			return err
		}},
		{"Cannot delete entity, must delete policies first.", func() error {
			_, err := client.DeleteUserPolicy(harness.Ctx, &iam.DeleteUserPolicyInput{UserName: user, PolicyName: aws.String("s3")})
			return err
		}},
	}
	for _, s := range steps {
		_, err := client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: user})
		harness.AssertError(t, err, "DeleteConflict", 409, s.message)
		if err := s.fix(); err != nil {
			t.Fatal(err)
		}
	}
	harness.Must(client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: user}))(t)
}

func TestCoreGroups(t *testing.T) {
	_, client := coreStart(t)
	g := harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("admins"), Path: aws.String("/org/")}))(t)
	if aws.ToString(g.Group.Arn) != "arn:aws:iam::000000000000:group/org/admins" ||
		!regexp.MustCompile(`^AGPA[A-Z2-7]{17}$`).MatchString(aws.ToString(g.Group.GroupId)) {
		t.Errorf("group %s %s", aws.ToString(g.Group.Arn), aws.ToString(g.Group.GroupId))
	}
	_, err := client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "Group with name admins already exists.")
	for _, n := range []string{"ann", "ben"} {
		harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String(n)}))(t)
		harness.Must(client.AddUserToGroup(harness.Ctx, &iam.AddUserToGroupInput{UserName: aws.String(n), GroupName: aws.String("admins")}))(t)
	}
	_, err = client.AddUserToGroup(harness.Ctx, &iam.AddUserToGroupInput{UserName: aws.String("nobody"), GroupName: aws.String("admins")})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	got := harness.Must(client.GetGroup(harness.Ctx, &iam.GetGroupInput{GroupName: aws.String("admins")}))(t)
	if len(got.Users) != 2 || aws.ToString(got.Users[0].UserName) != "ann" {
		t.Errorf("GetGroup users %+v", got.Users)
	}
	// GetGroup pages its users.
	var members int
	gp := iam.NewGetGroupPaginator(client, &iam.GetGroupInput{GroupName: aws.String("admins"), MaxItems: aws.Int32(1)})
	for gp.HasMorePages() {
		members += len(harness.Must(gp.NextPage(harness.Ctx))(t).Users)
	}
	if members != 2 {
		t.Errorf("GetGroup paginator saw %d users", members)
	}
	fu := harness.Must(client.ListGroupsForUser(harness.Ctx, &iam.ListGroupsForUserInput{UserName: aws.String("ben")}))(t)
	if len(fu.Groups) != 1 || aws.ToString(fu.Groups[0].GroupName) != "admins" {
		t.Errorf("ListGroupsForUser %+v", fu.Groups)
	}

	_, err = client.DeleteGroup(harness.Ctx, &iam.DeleteGroupInput{GroupName: aws.String("admins")})
	harness.AssertError(t, err, "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")

	harness.Must(client.UpdateGroup(harness.Ctx, &iam.UpdateGroupInput{GroupName: aws.String("admins"), NewGroupName: aws.String("ops")}))(t)
	fu = harness.Must(client.ListGroupsForUser(harness.Ctx, &iam.ListGroupsForUserInput{UserName: aws.String("ann")}))(t)
	if len(fu.Groups) != 1 || aws.ToString(fu.Groups[0].Arn) != "arn:aws:iam::000000000000:group/org/ops" {
		t.Errorf("after rename %+v", fu.Groups)
	}
	for _, n := range []string{"ann", "ben"} {
		harness.Must(client.RemoveUserFromGroup(harness.Ctx, &iam.RemoveUserFromGroupInput{UserName: aws.String(n), GroupName: aws.String("ops")}))(t)
	}
	_, err = client.RemoveUserFromGroup(harness.Ctx, &iam.RemoveUserFromGroupInput{UserName: aws.String("ann"), GroupName: aws.String("ops")})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("other")}))(t)
	lg := harness.Must(client.ListGroups(harness.Ctx, &iam.ListGroupsInput{PathPrefix: aws.String("/org/")}))(t)
	if len(lg.Groups) != 1 || aws.ToString(lg.Groups[0].GroupName) != "ops" {
		t.Errorf("ListGroups /org/ %+v", lg.Groups)
	}
	var all int
	p := iam.NewListGroupsPaginator(client, &iam.ListGroupsInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		all += len(harness.Must(p.NextPage(harness.Ctx))(t).Groups)
	}
	if all != 2 {
		t.Errorf("ListGroups paginator saw %d", all)
	}
	harness.Must(client.DeleteGroup(harness.Ctx, &iam.DeleteGroupInput{GroupName: aws.String("ops")}))(t)
	_, err = client.GetGroup(harness.Ctx, &iam.GetGroupInput{GroupName: aws.String("ops")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The group with name ops cannot be found.")
}
