package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/compat-tests/harness"
)

// Every kind of IAM entity made with a path carries it in its ARN (IAM User
// Guide, "IAM identifiers": arn:aws:iam::123456789012:role/application_abc/
// component_xyz/RDSAccess), is still found by its name, and a session of a
// role under a path names the role without it: "the assumed-role ARN will
// be arn:aws:sts::{accountId}:assumed-role/{roleName}/{sessionName}"
// (hashicorp/terraform-provider-aws pull request 19957, review).
func TestEntitiesUnderAPath(t *testing.T) {
	ls, client := coreStart(t)
	const prefix = "arn:aws:iam::000000000000:"
	path := aws.String("/app/")
	trust := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`)
	arns := map[string]string{
		"user":             aws.ToString(harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("dev"), Path: path}))(t).User.Arn),
		"group":            aws.ToString(harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("devs"), Path: path}))(t).Group.Arn),
		"role":             aws.ToString(harness.Must(client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("web"), Path: path, AssumeRolePolicyDocument: trust}))(t).Role.Arn),
		"policy":           aws.ToString(harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("read"), Path: path, PolicyDocument: aws.String(coreS3Read)}))(t).Policy.Arn),
		"instance-profile": aws.ToString(harness.Must(client.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("web"), Path: path}))(t).InstanceProfile.Arn),
	}
	names := map[string]string{"user": "dev", "group": "devs", "role": "web", "policy": "read", "instance-profile": "web"}
	for kind, arn := range arns {
		if want := prefix + kind + "/app/" + names[kind]; arn != want {
			t.Errorf("%s ARN %s, want %s", kind, arn, want)
		}
	}
	// Found by name, and the ARNs everywhere else keep the path.
	if u := harness.Must(client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("dev")}))(t).User; aws.ToString(u.Arn) != arns["user"] {
		t.Errorf("GetUser %s", aws.ToString(u.Arn))
	}
	harness.Must(client.AddUserToGroup(harness.Ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("dev")}))(t)
	g := harness.Must(client.GetGroup(harness.Ctx, &iam.GetGroupInput{GroupName: aws.String("devs")}))(t)
	if aws.ToString(g.Group.Arn) != arns["group"] || len(g.Users) != 1 || aws.ToString(g.Users[0].Arn) != arns["user"] {
		t.Errorf("GetGroup %s %+v", aws.ToString(g.Group.Arn), g.Users)
	}
	harness.Must(client.AddRoleToInstanceProfile(harness.Ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("web")}))(t)
	ip := harness.Must(client.GetInstanceProfile(harness.Ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("web")}))(t).InstanceProfile
	if aws.ToString(ip.Arn) != arns["instance-profile"] || len(ip.Roles) != 1 || aws.ToString(ip.Roles[0].Arn) != arns["role"] {
		t.Errorf("GetInstanceProfile %s %+v", aws.ToString(ip.Arn), ip.Roles)
	}
	harness.Must(client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("web"), PolicyArn: aws.String(arns["policy"])}))(t)
	if p := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arns["policy"])}))(t).Policy; aws.ToInt32(p.AttachmentCount) != 1 {
		t.Errorf("GetPolicy attachments %d", aws.ToInt32(p.AttachmentCount))
	}
	// UpdateUser's NewPath moves the user's ARN.
	harness.Must(client.UpdateUser(harness.Ctx, &iam.UpdateUserInput{UserName: aws.String("dev"), NewPath: aws.String("/ops/")}))(t)
	if u := harness.Must(client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("dev")}))(t).User; aws.ToString(u.Arn) != prefix+"user/ops/dev" {
		t.Errorf("after UpdateUser %s", aws.ToString(u.Arn))
	}

	st := sts.NewFromConfig(ls.Config)
	ar := harness.Must(st.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arns["role"]), RoleSessionName: aws.String("deploy")}))(t)
	if got := aws.ToString(ar.AssumedRoleUser.Arn); got != "arn:aws:sts::000000000000:assumed-role/web/deploy" {
		t.Errorf("assumed role %s", got)
	}
	// A role ARN without the role's path names no role.
	_, err := st.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(prefix + "role/web"), RoleSessionName: aws.String("deploy")})
	if err == nil {
		t.Errorf("AssumeRole of role/web without its path succeeded")
	}
	// The user's own key names it with its path.
	key := harness.Must(client.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")}))(t).AccessKey
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*key.AccessKeyId, *key.SecretAccessKey, "")
	if id := harness.Must(sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t); aws.ToString(id.Arn) != prefix+"user/ops/dev" {
		t.Errorf("caller %s", aws.ToString(id.Arn))
	}
}
