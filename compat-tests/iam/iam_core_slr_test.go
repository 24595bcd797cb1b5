package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreServiceLinkedRoles(t *testing.T) {
	_, client := coreStart(t)
	cases := []struct{ service, name, policy string }{
		{"ecs.amazonaws.com", "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy"},
		{"elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing", "AWSElasticLoadBalancingServiceRolePolicy"},
		{"ecs.application-autoscaling.amazonaws.com", "AWSServiceRoleForApplicationAutoScaling_ECSService", "AWSApplicationAutoscalingECSServicePolicy"},
		{"autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy"},
	}
	for _, c := range cases {
		out := harness.Must(client.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(c.service)}))(t)
		r := out.Role
		path := "/aws-service-role/" + c.service + "/"
		if aws.ToString(r.RoleName) != c.name || aws.ToString(r.Path) != path ||
			aws.ToString(r.Arn) != "arn:aws:iam::000000000000:role"+path+c.name {
			t.Errorf("%s: role %s %s %s", c.service, aws.ToString(r.RoleName), aws.ToString(r.Path), aws.ToString(r.Arn))
		}
		if doc := coreDecode(t, r.AssumeRolePolicyDocument); !strings.Contains(doc, `"Service":["`+c.service+`"]`) || !strings.Contains(doc, "sts:AssumeRole") {
			t.Errorf("%s: trust policy %s", c.service, doc)
		}
		att := harness.Must(client.ListAttachedRolePolicies(harness.Ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName}))(t)
		if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/aws-service-role/"+c.policy {
			t.Errorf("%s: attached %+v", c.service, att.AttachedPolicies)
		}
	}

	_, err := client.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("ecs.amazonaws.com")})
	harness.AssertError(t, err, "InvalidInput", 400, "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.")
	_, err = client.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("ecs.amazonaws.com"), CustomSuffix: aws.String("x")})
	harness.AssertAPIError(t, err, "InvalidInput")
	custom := harness.Must(client.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("autoscaling.amazonaws.com"),
		CustomSuffix: aws.String("spot"), Description: aws.String("spot fleet")}))(t)
	if aws.ToString(custom.Role.RoleName) != "AWSServiceRoleForAutoScaling_spot" || aws.ToString(custom.Role.Description) != "spot fleet" {
		t.Errorf("custom suffix role %s %q", aws.ToString(custom.Role.RoleName), aws.ToString(custom.Role.Description))
	}

	// Service-linked roles are only modifiable by AWS.
	protected := "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS"
	_, err = client.DeleteRole(harness.Ctx, &iam.DeleteRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
	harness.AssertError(t, err, "UnmodifiableEntity", 400, protected)
	_, err = client.DetachRolePolicy(harness.Ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("AWSServiceRoleForECS"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy")})
	harness.AssertError(t, err, "UnmodifiableEntity", 400, protected)
	_, err = client.UpdateAssumeRolePolicy(harness.Ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("AWSServiceRoleForECS"), PolicyDocument: aws.String(coreTrustECSTasks)})
	harness.AssertAPIError(t, err, "UnmodifiableEntity")

	// Its description stays editable.
	upd := harness.Must(client.UpdateRoleDescription(harness.Ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("AWSServiceRoleForECS"), Description: aws.String("mine")}))(t)
	if aws.ToString(upd.Role.Description) != "mine" {
		t.Errorf("SLR description %q", aws.ToString(upd.Role.Description))
	}

	del := harness.Must(client.DeleteServiceLinkedRole(harness.Ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String("AWSServiceRoleForECS")}))(t)
	if !strings.HasPrefix(aws.ToString(del.DeletionTaskId), "task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/") {
		t.Errorf("deletion task %s", aws.ToString(del.DeletionTaskId))
	}
	st := harness.Must(client.GetServiceLinkedRoleDeletionStatus(harness.Ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId}))(t)
	if st.Status != types.DeletionTaskStatusTypeSucceeded {
		t.Errorf("deletion status %s", st.Status)
	}
	_, err = client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	pol := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy")}))(t)
	if aws.ToInt32(pol.Policy.AttachmentCount) != 0 {
		t.Errorf("AttachmentCount after deletion %d", aws.ToInt32(pol.Policy.AttachmentCount))
	}
	_, err = client.GetServiceLinkedRoleDeletionStatus(harness.Ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{
		DeletionTaskId: aws.String("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/00000000-0000-4000-a000-000000000000")})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	// Deleting it again: it is gone.
	_, err = client.DeleteServiceLinkedRole(harness.Ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	// A recreated role is allowed once the old one is gone.
	harness.Must(client.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("ecs.amazonaws.com")}))(t)
}
