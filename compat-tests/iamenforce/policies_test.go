package iamenforce_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A permissions boundary cuts an action the identity policy allows; the
// denial says "because no permissions boundary allows" (IAM User Guide,
// "Access denied error message examples").
func TestPermissionsBoundary(t *testing.T) {
	ls := start(t)
	root := iam.NewFromConfig(ls.Config)
	pol, err := root.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("ReadOnlyBoundary"),
		PolicyDocument: aws.String(policy(allow([]string{"ecs:List*", "ecs:Describe*"}, "*")))})
	if err != nil {
		t.Fatal(err)
	}
	key, secret := user(t, ls, "bounded", policy(allow("ecs:*", "*")))
	ecsServiceLinkedRole(t, ls)
	if _, err := root.PutUserPermissionsBoundary(harness.Ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"),
		PermissionsBoundary: pol.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	dev := ecs.NewFromConfig(as(ls, key, secret, ""))
	if _, err := dev.ListClusters(harness.Ctx, &ecs.ListClustersInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = dev.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")})
	denied(t, err, "AccessDeniedException", "User: arn:aws:iam::"+account+":user/bounded is not authorized to perform: ecs:CreateCluster on resource: * "+
		"because no permissions boundary allows the ecs:CreateCluster action")

	// Removing the boundary takes effect at once.
	if _, err := root.DeleteUserPermissionsBoundary(harness.Ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("bounded")}); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")}); err != nil {
		t.Fatalf("without the boundary: %v", err)
	}
}

// A session policy passed to AssumeRole narrows the role: the session may
// do only what both the role's policies and the session policy allow.
func TestSessionPolicy(t *testing.T) {
	ls := start(t)
	root := iam.NewFromConfig(ls.Config)
	harness.CreateCluster(t, ecs.NewFromConfig(ls.Config), "apps")
	if _, err := root.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("admin"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("admin"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(policy(allow("ecs:*", "*")))}); err != nil {
		t.Fatal(err)
	}
	key, secret := user(t, ls, "assumer", policy(allow("sts:AssumeRole", "*")))
	out, err := sts.NewFromConfig(as(ls, key, secret, "")).AssumeRole(harness.Ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/admin"), RoleSessionName: aws.String("narrow"),
		Policy: aws.String(policy(allow("ecs:Describe*", "*")))})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	sess := ecs.NewFromConfig(as(ls, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
	if _, err := sess.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"apps"}}); err != nil {
		t.Fatal(err)
	}
	_, err = sess.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("apps")})
	denied(t, err, "AccessDeniedException", "User: arn:aws:sts::"+account+":assumed-role/admin/narrow is not authorized to perform: ecs:DeleteCluster on resource: "+
		clusterARN+"apps because no session policy allows the ecs:DeleteCluster action")

	// The role's own session, without a session policy, may.
	out, err = sts.NewFromConfig(as(ls, key, secret, "")).AssumeRole(harness.Ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/admin"), RoleSessionName: aws.String("wide")})
	if err != nil {
		t.Fatal(err)
	}
	c = out.Credentials
	wide := ecs.NewFromConfig(as(ls, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
	if _, err := wide.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("apps")}); err != nil {
		t.Fatal(err)
	}
}

// aws:ResourceTag (and the service's own elasticloadbalancing-style key,
// here ecs:ResourceTag) is read from the resource's tags.
func TestResourceTagCondition(t *testing.T) {
	ls := start(t)
	root := ecs.NewFromConfig(ls.Config)
	for _, c := range []struct{ name, env string }{{"dev", "dev"}, {"prod", "prod"}} {
		if _, err := root.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String(c.name),
			Tags: []ecstypes.Tag{{Key: aws.String("env"), Value: aws.String(c.env)}}}); err != nil {
			t.Fatal(err)
		}
	}
	doc := policy(map[string]any{"Effect": "Allow", "Action": "ecs:UpdateClusterSettings", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/env": "dev"}}})
	key, secret := user(t, ls, "devops", doc)
	dev := ecs.NewFromConfig(as(ls, key, secret, ""))
	settings := []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}
	if _, err := dev.UpdateClusterSettings(harness.Ctx, &ecs.UpdateClusterSettingsInput{Cluster: aws.String("dev"), Settings: settings}); err != nil {
		t.Fatalf("dev-tagged cluster: %v", err)
	}
	_, err := dev.UpdateClusterSettings(harness.Ctx, &ecs.UpdateClusterSettingsInput{Cluster: aws.String("prod"), Settings: settings})
	harness.AssertAPIError(t, err, "AccessDeniedException")
}

// aws:PrincipalTag and policy variables: a user tagged team=blue may tag
// what it creates only with its own team.
func TestPrincipalTagVariable(t *testing.T) {
	ls := start(t)
	ecsServiceLinkedRole(t, ls)
	doc := policy(map[string]any{"Effect": "Allow", "Action": "ecs:CreateCluster", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "${aws:PrincipalTag/team}"}}})
	key, secret := user(t, ls, "blue", doc)
	if _, err := iam.NewFromConfig(ls.Config).TagUser(harness.Ctx, &iam.TagUserInput{UserName: aws.String("blue"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}); err != nil {
		t.Fatal(err)
	}
	dev := ecs.NewFromConfig(as(ls, key, secret, ""))
	tagged := func(team string) error {
		_, err := dev.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String(team),
			Tags: []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String(team)}}})
		return err
	}
	if err := tagged("blue"); err != nil {
		t.Fatalf("own team: %v", err)
	}
	harness.AssertAPIError(t, tagged("red"), "AccessDeniedException")
}

// sts:AssumeRole within an account: a trust policy that names the user
// allows it alone; one that trusts only the account needs the user's own
// policies to allow sts:AssumeRole too (IAM User Guide, policy evaluation
// logic: a resource-based policy that names the principal needs no
// identity-based policy; one that names the account does).
func TestAssumeRoleTrust(t *testing.T) {
	ls := start(t)
	root := iam.NewFromConfig(ls.Config)
	key, secret := user(t, ls, "nopolicy", "")
	trust := func(principal string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`)
	}
	for name, p := range map[string]string{"named": "arn:aws:iam::" + account + ":user/nopolicy", "account": "arn:aws:iam::" + account + ":root"} {
		if _, err := root.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: trust(p)}); err != nil {
			t.Fatal(err)
		}
	}
	client := sts.NewFromConfig(as(ls, key, secret, ""))
	if _, err := client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/named"),
		RoleSessionName: aws.String("s1")}); err != nil {
		t.Fatalf("trust naming the user: %v", err)
	}
	_, err := client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/account"),
		RoleSessionName: aws.String("s2")})
	denied(t, err, "AccessDenied", "User: arn:aws:iam::"+account+":user/nopolicy is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::"+
		account+":role/account because no identity-based policy allows the sts:AssumeRole action")
}

// aws:SourceIp and aws:SecureTransport come from the connection: a local
// caller over plain HTTP.
func TestConnectionKeys(t *testing.T) {
	ls := start(t)
	doc := policy(
		map[string]any{"Effect": "Allow", "Action": "ecs:ListClusters", "Resource": "*",
			"Condition": map[string]any{"IpAddress": map[string]any{"aws:SourceIp": "127.0.0.0/8"}}},
		map[string]any{"Effect": "Allow", "Action": "ecs:DescribeClusters", "Resource": "*"},
		map[string]any{"Sid": "TLSOnly", "Effect": "Deny", "Action": "ecs:DescribeClusters", "Resource": "*",
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
	)
	key, secret := user(t, ls, "net", doc)
	dev := ecs.NewFromConfig(as(ls, key, secret, ""))
	if _, err := dev.ListClusters(harness.Ctx, &ecs.ListClustersInput{}); err != nil {
		t.Fatalf("from loopback: %v", err)
	}
	_, err := dev.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"default"}})
	denied(t, err, "AccessDeniedException", "User: arn:aws:iam::"+account+":user/net is not authorized to perform: ecs:DescribeClusters on resource: "+
		clusterARN+"default with an explicit deny in an identity-based policy")
}
