package iam_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreAccessKeys(t *testing.T) {
	ls, client := coreStart(t)
	u := harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("ci"), Path: aws.String("/bots/")}))(t).User
	k1 := harness.Must(client.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")}))(t).AccessKey
	if !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(aws.ToString(k1.AccessKeyId)) || len(aws.ToString(k1.SecretAccessKey)) != 40 ||
		k1.Status != types.StatusTypeActive || aws.ToString(k1.UserName) != "ci" {
		t.Errorf("access key %+v", k1)
	}
	k2 := harness.Must(client.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")}))(t).AccessKey
	_, err := client.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")})
	harness.AssertError(t, err, "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")

	var ids []string
	p := iam.NewListAccessKeysPaginator(client, &iam.ListAccessKeysInput{UserName: aws.String("ci"), MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		for _, m := range harness.Must(p.NextPage(harness.Ctx))(t).AccessKeyMetadata {
			ids = append(ids, aws.ToString(m.AccessKeyId))
		}
	}
	if len(ids) != 2 || ids[0] != aws.ToString(k1.AccessKeyId) {
		t.Errorf("ListAccessKeys %v", ids)
	}

	never := harness.Must(client.GetAccessKeyLastUsed(harness.Ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k2.AccessKeyId}))(t)
	if aws.ToString(never.UserName) != "ci" || never.AccessKeyLastUsed.LastUsedDate != nil || aws.ToString(never.AccessKeyLastUsed.ServiceName) != "N/A" {
		t.Errorf("unused key %+v", never.AccessKeyLastUsed)
	}

	// A request signed with the user's key is the user.
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*k1.AccessKeyId, *k1.SecretAccessKey, "")
	id := harness.Must(sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(id.Arn) != "arn:aws:iam::000000000000:user/bots/ci" || aws.ToString(id.UserId) != aws.ToString(u.UserId) ||
		aws.ToString(id.Account) != "000000000000" {
		t.Errorf("caller %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}
	// The user's own calls default to the user.
	userClient := iam.NewFromConfig(cfg)
	me := harness.Must(userClient.GetUser(harness.Ctx, &iam.GetUserInput{}))(t)
	if aws.ToString(me.User.UserName) != "ci" {
		t.Errorf("GetUser as the user: %s", aws.ToString(me.User.UserName))
	}
	mine := harness.Must(userClient.ListAccessKeys(harness.Ctx, &iam.ListAccessKeysInput{}))(t)
	if len(mine.AccessKeyMetadata) != 2 {
		t.Errorf("ListAccessKeys as the user: %d", len(mine.AccessKeyMetadata))
	}
	used := harness.Must(client.GetAccessKeyLastUsed(harness.Ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k1.AccessKeyId}))(t)
	if used.AccessKeyLastUsed.LastUsedDate == nil || time.Since(*used.AccessKeyLastUsed.LastUsedDate) > time.Minute {
		t.Errorf("last used %+v", used.AccessKeyLastUsed)
	}

	// An inactive key no longer names the user.
	harness.Must(client.UpdateAccessKey(harness.Ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ci"), AccessKeyId: k1.AccessKeyId, Status: types.StatusTypeInactive}))(t)
	lk := harness.Must(client.ListAccessKeys(harness.Ctx, &iam.ListAccessKeysInput{UserName: aws.String("ci")}))(t)
	if lk.AccessKeyMetadata[0].Status != types.StatusTypeInactive {
		t.Errorf("status %s", lk.AccessKeyMetadata[0].Status)
	}
	id = harness.Must(sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(id.Arn) == "arn:aws:iam::000000000000:user/bots/ci" {
		t.Errorf("inactive key still resolves to the user")
	}

	_, err = client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("ci")})
	harness.AssertError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete access keys first.")
	_, err = client.DeleteAccessKey(harness.Ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("ci"), AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.")
	for _, k := range []*string{k1.AccessKeyId, k2.AccessKeyId} {
		harness.Must(client.DeleteAccessKey(harness.Ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("ci"), AccessKeyId: k}))(t)
	}
	harness.Must(client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("ci")}))(t)
}

func TestCoreLoginProfiles(t *testing.T) {
	ls, client := coreStart(t)
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("dev")}))(t)
	lp := harness.Must(client.CreateLoginProfile(harness.Ctx, &iam.CreateLoginProfileInput{UserName: aws.String("dev"), Password: aws.String("First-Passw0rd"), PasswordResetRequired: true}))(t)
	if aws.ToString(lp.LoginProfile.UserName) != "dev" || !lp.LoginProfile.PasswordResetRequired || lp.LoginProfile.CreateDate == nil {
		t.Errorf("login profile %+v", lp.LoginProfile)
	}
	_, err := client.CreateLoginProfile(harness.Ctx, &iam.CreateLoginProfileInput{UserName: aws.String("dev"), Password: aws.String("x-Passw0rd")})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "Login Profile for user dev already exists.")
	harness.Must(client.UpdateLoginProfile(harness.Ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("dev"), PasswordResetRequired: aws.Bool(false)}))(t)
	got := harness.Must(client.GetLoginProfile(harness.Ctx, &iam.GetLoginProfileInput{UserName: aws.String("dev")}))(t)
	if got.LoginProfile.PasswordResetRequired {
		t.Errorf("PasswordResetRequired not updated")
	}

	// ChangePassword is the calling user's own.
	_, err = client.ChangePassword(harness.Ctx, &iam.ChangePasswordInput{OldPassword: aws.String("First-Passw0rd"), NewPassword: aws.String("Second-Passw0rd")})
	harness.AssertAPIError(t, err, "InvalidUserType")
	key := harness.Must(client.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")}))(t).AccessKey
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*key.AccessKeyId, *key.SecretAccessKey, "")
	self := iam.NewFromConfig(cfg)
	_, err = self.ChangePassword(harness.Ctx, &iam.ChangePasswordInput{OldPassword: aws.String("wrong"), NewPassword: aws.String("Second-Passw0rd")})
	harness.AssertAPIError(t, err, "AccessDenied")
	harness.Must(self.ChangePassword(harness.Ctx, &iam.ChangePasswordInput{OldPassword: aws.String("First-Passw0rd"), NewPassword: aws.String("Second-Passw0rd")}))(t)
	_, err = self.ChangePassword(harness.Ctx, &iam.ChangePasswordInput{OldPassword: aws.String("First-Passw0rd"), NewPassword: aws.String("Third-Passw0rd")})
	harness.AssertAPIError(t, err, "AccessDenied")

	harness.Must(client.DeleteLoginProfile(harness.Ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("dev")}))(t)
	_, err = client.GetLoginProfile(harness.Ctx, &iam.GetLoginProfileInput{UserName: aws.String("dev")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "Login Profile for User dev cannot be found.")
}
