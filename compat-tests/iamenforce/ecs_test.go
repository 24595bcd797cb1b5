package iamenforce_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

const clusterARN = "arn:aws:ecs:us-east-1:" + account + ":cluster/"

// A user allowed only ecs:List* and ecs:Describe* on one cluster reads it and
// is denied, in AWS's words, anything else. The message format is the one
// of the IAM User Guide's "Troubleshoot access denied error messages":
// "User: <arn> is not authorized to perform: <action> on resource: <arn>
// because no identity-based policy allows the <action> action".
func TestReadOnlyOnOneCluster(t *testing.T) {
	ls := start(t)
	root := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, root, "team")
	harness.CreateCluster(t, root, "other")

	doc := policy(
		allow([]string{"ecs:List*", "ecs:Describe*"}, []string{clusterARN + "team", "arn:aws:ecs:*:*:*/team/*"}),
		map[string]any{"Effect": "Allow", "Action": []string{"ecs:ListServices", "ecs:ListTasks"}, "Resource": "*",
			"Condition": map[string]any{"ArnEquals": map[string]any{"ecs:cluster": clusterARN + "team"}}},
	)
	key, secret := user(t, ls, "reader", doc)
	dev := ecs.NewFromConfig(as(ls, key, secret, ""))
	userARN := "arn:aws:iam::" + account + ":user/reader"

	out, err := dev.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"team"}})
	if err != nil || len(out.Clusters) != 1 {
		t.Fatalf("DescribeClusters team: %v %+v", err, out)
	}
	if _, err := dev.ListServices(harness.Ctx, &ecs.ListServicesInput{Cluster: aws.String("team")}); err != nil {
		t.Fatalf("ListServices team: %v", err)
	}

	_, err = dev.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("team"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web:1"), DesiredCount: aws.Int32(1)})
	denied(t, err, "AccessDeniedException", "User: "+userARN+" is not authorized to perform: ecs:CreateService on resource: "+
		"arn:aws:ecs:us-east-1:"+account+":service/team/web because no identity-based policy allows the ecs:CreateService action")

	_, err = dev.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"other"}})
	denied(t, err, "AccessDeniedException", "User: "+userARN+" is not authorized to perform: ecs:DescribeClusters on resource: "+
		clusterARN+"other because no identity-based policy allows the ecs:DescribeClusters action")

	_, err = dev.ListServices(harness.Ctx, &ecs.ListServicesInput{Cluster: aws.String("other")})
	denied(t, err, "AccessDeniedException", "User: "+userARN+" is not authorized to perform: ecs:ListServices on resource: * "+
		"because no identity-based policy allows the ecs:ListServices action")

	// The decision log names the deciding statement.
	resp := harness.Raw(t, ls, "GET", "/_longshore/iam/decisions", nil, "")
	if resp.Status != 200 || !strings.Contains(resp.Body, `"action": "ecs:ListServices"`) || !strings.Contains(resp.Body, `"policy": "inline"`) {
		t.Fatalf("decisions: %d %s", resp.Status, resp.Body)
	}
}

// An explicit Deny wins over an Allow, and says so.
func TestExplicitDeny(t *testing.T) {
	ls := start(t)
	root := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, root, "prod")
	doc := policy(allow("ecs:*", "*"),
		map[string]any{"Sid": "NoDelete", "Effect": "Deny", "Action": "ecs:DeleteCluster", "Resource": "*"})
	key, secret := user(t, ls, "ops", doc)
	dev := ecs.NewFromConfig(as(ls, key, secret, ""))
	_, err := dev.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("prod")})
	denied(t, err, "AccessDeniedException", "User: arn:aws:iam::"+account+":user/ops is not authorized to perform: ecs:DeleteCluster on resource: "+
		clusterARN+"prod with an explicit deny in an identity-based policy")
	if _, err := dev.ListClusters(harness.Ctx, &ecs.ListClustersInput{}); err != nil {
		t.Fatal(err)
	}
	resp := harness.Raw(t, ls, "GET", "/_longshore/iam/decisions", nil, "")
	if !strings.Contains(resp.Body, `"sid": "NoDelete"`) {
		t.Fatalf("decisions lack the deny's Sid: %s", resp.Body)
	}
}

// RegisterTaskDefinition needs iam:PassRole on its task role, with
// iam:PassedToService ecs-tasks.amazonaws.com (ECS developer guide, "Task IAM
// role"). The denial's text is the one users quote from RegisterTaskDefinition
// (ministryofjustice/modernisation-platform pull request 8443).
func TestPassRole(t *testing.T) {
	ls := start(t)
	iamRoot := iam.NewFromConfig(ls.Config)
	for _, name := range []string{"app", "admin"} {
		if _, err := iamRoot.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	roleARN := "arn:aws:iam::" + account + ":role/"
	doc := policy(allow("ecs:RegisterTaskDefinition", "*"),
		map[string]any{"Effect": "Allow", "Action": "iam:PassRole", "Resource": roleARN + "app",
			"Condition": map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ecs-tasks.amazonaws.com"}}})
	key, secret := user(t, ls, "deployer", doc)
	dev := ecs.NewFromConfig(as(ls, key, secret, ""))

	in := harness.FargateDefinition("web", "web", "nginx")
	in.TaskRoleArn = aws.String(roleARN + "app")
	if _, err := dev.RegisterTaskDefinition(harness.Ctx, in); err != nil {
		t.Fatalf("passing the allowed role: %v", err)
	}
	in = harness.FargateDefinition("web", "web", "nginx")
	in.TaskRoleArn = aws.String(roleARN + "admin")
	_, err := dev.RegisterTaskDefinition(harness.Ctx, in)
	denied(t, err, "AccessDeniedException", "User: arn:aws:iam::"+account+":user/deployer is not authorized to perform: iam:PassRole on resource: "+
		roleARN+"admin because no identity-based policy allows the iam:PassRole action")
}

// A condition on aws:RequestTag: the user may create clusters only tagged team=blue.
func TestRequestTagCondition(t *testing.T) {
	ls := start(t)
	doc := policy(map[string]any{"Effect": "Allow", "Action": "ecs:CreateCluster", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "blue"}}})
	key, secret := user(t, ls, "tagger", doc)
	ecsServiceLinkedRole(t, ls)
	dev := ecs.NewFromConfig(as(ls, key, secret, ""))
	if _, err := dev.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("blue"),
		Tags: []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}); err != nil {
		t.Fatalf("tagged create: %v", err)
	}
	_, err := dev.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("red"),
		Tags: []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
	denied(t, err, "AccessDeniedException", "User: arn:aws:iam::"+account+":user/tagger is not authorized to perform: ecs:CreateCluster on resource: * "+
		"because no identity-based policy allows the ecs:CreateCluster action")
}

// ECS needs its service-linked role: in an account without it, a caller who
// may not create it gets ECS's InvalidParameterException; one who may
// (iam:CreateServiceLinkedRole with iam:AWSServiceName) has it made. The
// text is ECS's, as users quote it (awslabs/fargatecli issue 35).
func TestServiceLinkedRole(t *testing.T) {
	ls := start(t)
	key, secret := user(t, ls, "plain", policy(allow("ecs:CreateCluster", "*")))
	plain := ecs.NewFromConfig(as(ls, key, secret, ""))
	_, err := plain.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("a")})
	denied(t, err, "InvalidParameterException", "Unable to assume the service linked role. Please verify that the ECS service linked role exists.")

	key2, secret2 := user(t, ls, "admin", policy(allow("ecs:CreateCluster", "*"),
		map[string]any{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": "ecs.amazonaws.com"}}}))
	if _, err := ecs.NewFromConfig(as(ls, key2, secret2, "")).CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(ls.Config).GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForECS")}); err != nil {
		t.Fatalf("the service-linked role was not made: %v", err)
	}
	if _, err := plain.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("a")}); err != nil {
		t.Fatalf("once the role exists: %v", err)
	}
}

// RunInstances with an instance profile passes the profile's role to EC2:
// the caller needs iam:PassRole on it (EC2 user guide, "IAM roles for Amazon
// EC2": "permission to pass the role"), and EC2 refuses in its own words.
func TestPassRoleThroughInstanceProfile(t *testing.T) {
	ls := start(t)
	root := iam.NewFromConfig(ls.Config)
	if _, err := root.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("web"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AddRoleToInstanceProfile(harness.Ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	key, secret := user(t, ls, "launcher", policy(allow([]string{"ec2:RunInstances", "ec2:Describe*"}, "*")))
	dev := ec2.NewFromConfig(as(ls, key, secret, ""))
	_, err := dev.RunInstances(harness.Ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12345678"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro, IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("web")}})
	ae := harness.AssertAPIError(t, err, "UnauthorizedOperation")
	want := "You are not authorized to perform this operation. User: arn:aws:iam::" + account + ":user/launcher is not authorized to perform: iam:PassRole on resource: arn:aws:iam::" +
		account + ":role/web because no identity-based policy allows the iam:PassRole action. Encoded authorization failure message: "
	if !strings.HasPrefix(ae.ErrorMessage(), want) {
		t.Fatalf("got %q\nwant prefix %q", ae.ErrorMessage(), want)
	}
}
