package sts_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestIdentitiesFollowTheRegionsPartition checks that STS identities,
// assumed roles, federated users and IAM entities take the partition of the
// region the request is signed for. Source: the IAM User Guide's "IAM
// identifiers" (ARN format arn:partition:service:region:account:resource;
// "aws-cn" for China, "aws-us-gov" for AWS GovCloud (US)), and the AWS SDKs'
// partitions.json (aws-iso for us-iso-*, aws-iso-b for us-isob-*).
func TestIdentitiesFollowTheRegionsPartition(t *testing.T) {
	ls := harness.Start(t)
	for _, tc := range []struct{ region, partition string }{
		{"us-east-1", "aws"}, {"cn-north-1", "aws-cn"}, {"cn-northwest-1", "aws-cn"}, {"us-gov-west-1", "aws-us-gov"},
		{"us-iso-east-1", "aws-iso"}, {"us-isob-east-1", "aws-iso-b"},
	} {
		cfg := ls.Config.Copy()
		cfg.Region = tc.region
		p := "arn:" + tc.partition + ":"
		st, im := sts.NewFromConfig(cfg), iam.NewFromConfig(cfg)
		id := harness.Must(st.GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
		if aws.ToString(id.Arn) != p+"iam::000000000000:root" {
			t.Errorf("%s: caller %s", tc.region, aws.ToString(id.Arn))
		}
		name := "role-" + tc.region
		role := harness.Must(im.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + p + `iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`)}))(t).Role
		if aws.ToString(role.Arn) != p+"iam::000000000000:role/"+name {
			t.Errorf("%s: role %s", tc.region, aws.ToString(role.Arn))
		}
		pol := harness.Must(im.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("pol-" + tc.region),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}))(t).Policy
		if aws.ToString(pol.Arn) != p+"iam::000000000000:policy/pol-"+tc.region {
			t.Errorf("%s: policy %s", tc.region, aws.ToString(pol.Arn))
		}
		harness.Must(im.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: pol.Arn}))(t)
		user := harness.Must(im.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("user-" + tc.region)}))(t).User
		if aws.ToString(user.Arn) != p+"iam::000000000000:user/user-"+tc.region {
			t.Errorf("%s: user %s", tc.region, aws.ToString(user.Arn))
		}
		ar := harness.Must(st.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: aws.String("sess")}))(t)
		if aws.ToString(ar.AssumedRoleUser.Arn) != p+"sts::000000000000:assumed-role/"+name+"/sess" {
			t.Errorf("%s: assumed role %s", tc.region, aws.ToString(ar.AssumedRoleUser.Arn))
		}
		fed := harness.Must(st.GetFederationToken(harness.Ctx, &sts.GetFederationTokenInput{Name: aws.String("fed")}))(t)
		if aws.ToString(fed.FederatedUser.Arn) != p+"sts::000000000000:federated-user/fed" {
			t.Errorf("%s: federated user %s", tc.region, aws.ToString(fed.FederatedUser.Arn))
		}
	}
}

// TestGetAccessKeyInfoNamesTheKeysAccount checks that GetAccessKeyInfo
// answers the account owning an IAM user's access key, whoever asks. Source:
// the STS API reference of GetAccessKeyInfo ("Returns the account identifier
// for the specified access key ID").
func TestGetAccessKeyInfoNamesTheKeysAccount(t *testing.T) {
	ls := harness.Start(t)
	other := ls.Config.Copy()
	other.Credentials = credentials.NewStaticCredentialsProvider("111122223333", "x", "")
	im := iam.NewFromConfig(other)
	harness.Must(im.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("dev")}))(t)
	key := harness.Must(im.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")}))(t).AccessKey
	out := harness.Must(sts.NewFromConfig(ls.Config).GetAccessKeyInfo(harness.Ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: key.AccessKeyId}))(t)
	if aws.ToString(out.Account) != "111122223333" {
		t.Fatalf("account %s", aws.ToString(out.Account))
	}
}
