package iamenforce_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

// In the China regions resources are arn:aws-cn ARNs (IAM User Guide, "IAM
// identifiers": "aws-cn" for China), and policies name them so: a policy
// on arn:aws-cn:ecs:cn-north-1:...:cluster/team allows that cluster only,
// and the denial names the other in the same partition.
func TestEnforcementInChina(t *testing.T) {
	ls := start(t)
	cn := ls.Config.Copy()
	cn.Region = "cn-north-1"
	root := ecs.NewFromConfig(cn)
	harness.CreateCluster(t, root, "team")
	harness.CreateCluster(t, root, "other")
	prefix := "arn:aws-cn:ecs:cn-north-1:" + account + ":cluster/"
	rootIAM := iam.NewFromConfig(cn)
	if _, err := rootIAM.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
		t.Fatal(err)
	}
	if _, err := rootIAM.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(policy(allow("ecs:DescribeClusters", prefix+"team")))}); err != nil {
		t.Fatal(err)
	}
	key, err := rootIAM.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := as(ls, *key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")
	cfg.Region = "cn-north-1"
	dev := ecs.NewFromConfig(cfg)
	if out, err := dev.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"team"}}); err != nil || len(out.Clusters) != 1 {
		t.Fatalf("allowed DescribeClusters: %v %+v", err, out)
	}
	_, err = dev.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"other"}})
	denied(t, err, "AccessDeniedException", "User: arn:aws-cn:iam::"+account+":user/reader is not authorized to perform: ecs:DescribeClusters on resource: "+
		prefix+"other because no identity-based policy allows the ecs:DescribeClusters action")
}

// IAM evaluates an action on a user, group, role or instance profile
// against the entity's ARN, path included (IAM User Guide, "IAM
// identifiers": arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob),
// even when the request names it by name. Its denials name such an entity
// by kind and name, as the AWS Cloud9 User Guide's troubleshooting page
// quotes one: "not authorized to perform: iam:GetInstanceProfile on
// resource: instance profile AWSCloud9SSMInstanceProfile".
func TestEnforcementOnEntitiesWithPaths(t *testing.T) {
	ls := start(t)
	root := iam.NewFromConfig(ls.Config)
	trust := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	for _, r := range []struct{ name, path string }{{"web", "/app/"}, {"plain", "/"}} {
		if _, err := root.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), Path: aws.String(r.path), AssumeRolePolicyDocument: trust}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := root.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("dev"), Path: aws.String("/team/")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(policy(allow("iam:GetRole", "arn:aws:iam::"+account+":role/app/*"),
			allow("iam:GetUser", "arn:aws:iam::"+account+":user/team/*")))}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	dev := iam.NewFromConfig(as(ls, *key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	if _, err := dev.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("web")}); err != nil {
		t.Fatalf("GetRole of a role under /app/: %v", err)
	}
	_, err = dev.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("plain")})
	denied(t, err, "AccessDenied", "User: arn:aws:iam::"+account+":user/team/dev is not authorized to perform: iam:GetRole on resource: "+
		"role plain because no identity-based policy allows the iam:GetRole action")
	// GetUser without a name is about the caller, under its path.
	if _, err := dev.GetUser(harness.Ctx, &iam.GetUserInput{}); err != nil {
		t.Fatalf("GetUser of oneself: %v", err)
	}
}
