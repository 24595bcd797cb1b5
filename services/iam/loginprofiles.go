package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

func registerLoginProfiles(s *api.Service) {
	api.Handle(s, "CreateLoginProfile", createLoginProfile)
	api.Handle(s, "GetLoginProfile", getLoginProfile)
	api.Handle(s, "UpdateLoginProfile", updateLoginProfile)
	api.Handle(s, "DeleteLoginProfile", deleteLoginProfile)
	api.Handle(s, "ChangePassword", changePassword)
}

// checkPassword is where a console password that breaks the account's
// password policy would be refused (PasswordPolicyViolation); no policy is
// enforced yet.
func checkPassword(c *api.Context, user, password string) error { return nil }

func noLoginProfile(user string) error {
	return apierror.New("NoSuchEntity", "Login Profile for User %s cannot be found.", user)
}

func createLoginProfile(c *api.Context, in *iam.CreateLoginProfileInput) (*iam.CreateLoginProfileOutput, error) {
	u, err := targetUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	if u.LoginProfile != nil {
		return nil, apierror.New("EntityAlreadyExists", "Login Profile for user %s already exists.", *u.UserName)
	}
	if in.Password == nil {
		return nil, apierror.New("ValidationError", "Password is required to create a login profile.")
	}
	if err := checkPassword(c, *u.UserName, *in.Password); err != nil {
		return nil, err
	}
	u.LoginProfile = &LoginProfile{LoginProfile: types.LoginProfile{UserName: u.UserName, CreateDate: nowSecond(c),
		PasswordResetRequired: in.PasswordResetRequired}, Password: *in.Password}
	if err := PutUser(c, u); err != nil {
		return nil, err
	}
	out := u.LoginProfile.LoginProfile
	return &iam.CreateLoginProfileOutput{LoginProfile: &out}, nil
}

func getLoginProfile(c *api.Context, in *iam.GetLoginProfileInput) (*iam.GetLoginProfileOutput, error) {
	u, err := targetUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	if u.LoginProfile == nil {
		return nil, noLoginProfile(*u.UserName)
	}
	out := u.LoginProfile.LoginProfile
	return &iam.GetLoginProfileOutput{LoginProfile: &out}, nil
}

func updateLoginProfile(c *api.Context, in *iam.UpdateLoginProfileInput) (*iam.UpdateLoginProfileOutput, error) {
	u, err := targetUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	if u.LoginProfile == nil {
		return nil, noLoginProfile(*u.UserName)
	}
	if in.Password != nil {
		if err := checkPassword(c, *u.UserName, *in.Password); err != nil {
			return nil, err
		}
		u.LoginProfile.Password = *in.Password
	}
	if in.PasswordResetRequired != nil {
		u.LoginProfile.PasswordResetRequired = *in.PasswordResetRequired
	}
	return &iam.UpdateLoginProfileOutput{}, PutUser(c, u)
}

func deleteLoginProfile(c *api.Context, in *iam.DeleteLoginProfileInput) (*iam.DeleteLoginProfileOutput, error) {
	u, err := targetUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	if u.LoginProfile == nil {
		return nil, noLoginProfile(*u.UserName)
	}
	u.LoginProfile = nil
	return &iam.DeleteLoginProfileOutput{}, PutUser(c, u)
}

func changePassword(c *api.Context, in *iam.ChangePasswordInput) (*iam.ChangePasswordOutput, error) {
	name, ok := callerUserName(c)
	if !ok {
		return nil, apierror.New("InvalidUserType", "Only IAM Users can change their own password.")
	}
	u, err := GetUser(c, name)
	if err != nil {
		return nil, err
	}
	if u.LoginProfile == nil {
		return nil, noLoginProfile(name)
	}
	if u.LoginProfile.Password != aws.ToString(in.OldPassword) {
		return nil, apierror.WithStatus(403, "AccessDenied", "The old password is incorrect.")
	}
	if err := checkPassword(c, name, aws.ToString(in.NewPassword)); err != nil {
		return nil, err
	}
	u.LoginProfile.Password = aws.ToString(in.NewPassword)
	u.LoginProfile.PasswordResetRequired = false
	return &iam.ChangePasswordOutput{}, PutUser(c, u)
}
