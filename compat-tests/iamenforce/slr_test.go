package iamenforce_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

const asgRoleARN = "arn:aws:iam::" + account + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"

// groupInput is a group of no instances from a launch template made by root.
func groupInput(t *testing.T, ls *longshoretest.Instance, name string) *autoscaling.CreateAutoScalingGroupInput {
	t.Helper()
	lt, err := ec2.NewFromConfig(ls.Config).CreateLaunchTemplate(harness.Ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0c1f44b7c2f3b0a77"), InstanceType: ec2types.InstanceTypeT3Micro}})
	if err != nil {
		t.Fatal(err)
	}
	return &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(0), MaxSize: aws.Int32(1),
		VPCZoneIdentifier: aws.String(strings.Join(harness.DefaultSubnets(t, ls.Config), ",")),
		LaunchTemplate:    &astypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId}}
}

// Without enforcement, ECS and Auto Scaling make their service-linked roles
// on first use, as they do for a caller who may: "When you call the
// CreateCluster API operation, Amazon ECS attempts to create the Amazon ECS
// service-linked role for your account" (ECS API reference, CreateCluster);
// "By default, Amazon EC2 Auto Scaling uses a service-linked role named
// AWSServiceRoleForAutoScaling, which it creates if it does not exist"
// (Auto Scaling API reference, CreateAutoScalingGroup). A group given a
// role that does not exist is refused: "ValidationError: ARN specified for
// Service-Linked Role does not exist." (terraform-aws-modules/
// terraform-aws-autoscaling, examples/asg_service_linked_role/README.md).
func TestServiceLinkedRolesMadeOnFirstUse(t *testing.T) {
	ls := harness.Start(t)
	im := iam.NewFromConfig(ls.Config)
	harness.CreateCluster(t, ecs.NewFromConfig(ls.Config), "apps")
	r, err := im.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
	if err != nil || aws.ToString(r.Role.Arn) != "arn:aws:iam::"+account+":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS" {
		t.Fatalf("ECS's role after CreateCluster: %v %+v", err, r)
	}

	as := autoscaling.NewFromConfig(ls.Config)
	missing := groupInput(t, ls, "missing")
	missing.ServiceLinkedRoleARN = aws.String(asgRoleARN + "_nope")
	_, err = as.CreateAutoScalingGroup(harness.Ctx, missing)
	harness.AssertError(t, err, "ValidationError", 400, "ARN specified for Service-Linked Role does not exist.")
	if _, err := im.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForAutoScaling")}); err == nil {
		t.Fatal("the refused group made the default role")
	}

	if _, err := as.CreateAutoScalingGroup(harness.Ctx, groupInput(t, ls, "web")); err != nil {
		t.Fatal(err)
	}
	r, err = im.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForAutoScaling")})
	if err != nil || aws.ToString(r.Role.Arn) != asgRoleARN {
		t.Fatalf("Auto Scaling's role after CreateAutoScalingGroup: %v %+v", err, r)
	}
	_, err = as.UpdateAutoScalingGroup(harness.Ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"),
		ServiceLinkedRoleARN: aws.String(asgRoleARN + "_nope")})
	harness.AssertError(t, err, "ValidationError", 400, "ARN specified for Service-Linked Role does not exist.")
	// A custom-suffix role made first serves a group that names it.
	if _, err := im.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("autoscaling.amazonaws.com"),
		CustomSuffix: aws.String("kms")}); err != nil {
		t.Fatal(err)
	}
	custom := groupInput(t, ls, "custom")
	custom.ServiceLinkedRoleARN = aws.String(asgRoleARN + "_kms")
	if _, err := as.CreateAutoScalingGroup(harness.Ctx, custom); err != nil {
		t.Fatalf("group with a custom-suffix role: %v", err)
	}
}

// With enforcement, a caller who may not iam:CreateServiceLinkedRole cannot
// make the first group: IAM's own denial, as services word it when they
// create a role on a caller's behalf ("User: ... is not authorized to
// perform: iam:CreateServiceLinkedRole on resource: arn:aws:iam::###:role/
// aws-service-role/events.amazonaws.com/AWSServiceRoleForCloudWatchEvents
// because no identity-based policy allows the iam:CreateServiceLinkedRole
// action", aws-samples/amazon-cloudwatch-auto-alarms issue 47); the Auto
// Scaling user guide lists the permission as needed "to create the default
// service-linked role if that role does not yet exist" (Amazon EC2 Auto
// Scaling API permissions). Once the role exists, no such permission is
// needed. ECS's services refuse in ECS's words when its role is missing
// (aws-samples/aws-modern-application-workshop issue 69: "An error occurred
// (InvalidParameterException) when calling the CreateService operation:
// Unable to assume the service linked role. Please verify that the ECS
// service linked role exists.").
func TestServiceLinkedRolesUnderEnforcement(t *testing.T) {
	ls := start(t)
	asgOnly := policy(allow("autoscaling:CreateAutoScalingGroup", "*"))
	key, secret := user(t, ls, "plain", asgOnly)
	plain := autoscaling.NewFromConfig(as(ls, key, secret, ""))
	_, err := plain.CreateAutoScalingGroup(harness.Ctx, groupInput(t, ls, "first"))
	denied(t, err, "AccessDenied", "User: arn:aws:iam::"+account+":user/plain is not authorized to perform: iam:CreateServiceLinkedRole on resource: "+
		asgRoleARN+" because no identity-based policy allows the iam:CreateServiceLinkedRole action")

	key2, secret2 := user(t, ls, "admin", policy(allow("autoscaling:CreateAutoScalingGroup", "*"),
		map[string]any{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": asgRoleARN,
			"Condition": map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": "autoscaling.amazonaws.com"}}}))
	if _, err := autoscaling.NewFromConfig(as(ls, key2, secret2, "")).CreateAutoScalingGroup(harness.Ctx, groupInput(t, ls, "second")); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(ls.Config).GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForAutoScaling")}); err != nil {
		t.Fatalf("the service-linked role was not made: %v", err)
	}
	if _, err := plain.CreateAutoScalingGroup(harness.Ctx, groupInput(t, ls, "third")); err != nil {
		t.Fatalf("once the role exists: %v", err)
	}

	// ECS: the cluster was made with the role, which is then deleted.
	root := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, root, "apps")
	harness.RegisterTaskDefinition(t, root, harness.FargateDefinition("web", "web", "nginx"))
	if _, err := iam.NewFromConfig(ls.Config).DeleteServiceLinkedRole(harness.Ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String("AWSServiceRoleForECS")}); err != nil {
		t.Fatal(err)
	}
	key3, secret3 := user(t, ls, "deployer", policy(allow("ecs:CreateService", "*")))
	_, err = ecs.NewFromConfig(as(ls, key3, secret3, "")).CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("apps"),
		ServiceName: aws.String("web"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(0)})
	denied(t, err, "InvalidParameterException", "Unable to assume the service linked role. Please verify that the ECS service linked role exists.")
}
