package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A trust policy may name only the actions that assume a role and what comes
// with them (the IAM User Guide's trust-policy examples: sts:AssumeRole,
// sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession,
// sts:SetSourceIdentity, sts:SetContext); another action, an STS one included,
// gets MalformedPolicyDocument "AssumeRole policy may only specify STS
// AssumeRole actions." from CreateRole and UpdateAssumeRolePolicy alike.
func TestI13TrustPolicyActions(t *testing.T) {
	_, client := coreStart(t)
	coreCreateRole(t, client, "trusting")
	trust := func(action string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":` + action + `}]}`)
	}
	for _, bad := range []string{`"sts:GetCallerIdentity"`, `["sts:AssumeRole","sts:GetSessionToken"]`, `"s3:GetObject"`, `"sts:Get*"`} {
		_, err := client.UpdateAssumeRolePolicy(harness.Ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("trusting"), PolicyDocument: trust(bad)})
		harness.AssertError(t, err, "MalformedPolicyDocument", 400, "AssumeRole policy may only specify STS AssumeRole actions.")
		_, err = client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("refused"), AssumeRolePolicyDocument: trust(bad)})
		harness.AssertError(t, err, "MalformedPolicyDocument", 400, "AssumeRole policy may only specify STS AssumeRole actions.")
	}
	for _, ok := range []string{`["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]`, `"sts:AssumeRoleWithWebIdentity"`, `"sts:*"`, `"sts:AssumeRole*"`} {
		harness.Must(client.UpdateAssumeRolePolicy(harness.Ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("trusting"), PolicyDocument: trust(ok)}))(t)
	}
}

// RemoveUserFromGroup looks for the user before the group: with neither, AWS
// names the user (LocalStack's AWS-validated
// tests/aws/services/iam/test_iam_groups.snapshot.json,
// test_remove_user_from_unknown_group: "The user with name any-user cannot be found.").
func TestI13RemoveUserFromGroupChecksUserFirst(t *testing.T) {
	_, client := coreStart(t)
	_, err := client.RemoveUserFromGroup(harness.Ctx, &iam.RemoveUserFromGroupInput{UserName: aws.String("any-user"), GroupName: aws.String("no-group")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The user with name any-user cannot be found.")
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("any-user")}))(t)
	_, err = client.RemoveUserFromGroup(harness.Ctx, &iam.RemoveUserFromGroupInput{UserName: aws.String("any-user"), GroupName: aws.String("no-group")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The group with name no-group cannot be found.")
}

// CreateServiceLinkedRole knows Elastic Beanstalk: LocalStack's AWS-validated
// tests/aws/services/iam/test_iam.snapshot.json,
// test_service_role_lifecycle[elasticbeanstalk.amazonaws.com], records the role
// AWSServiceRoleForElasticBeanstalk under /aws-service-role/elasticbeanstalk.amazonaws.com/
// with AWSElasticBeanstalkServiceRolePolicy attached, and refuses a custom suffix
// (test_service_role_lifecycle_custom_suffix_not_allowed).
func TestI13ElasticBeanstalkServiceLinkedRole(t *testing.T) {
	_, client := coreStart(t)
	out := harness.Must(client.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("elasticbeanstalk.amazonaws.com")}))(t)
	r := out.Role
	if aws.ToString(r.RoleName) != "AWSServiceRoleForElasticBeanstalk" || aws.ToString(r.Path) != "/aws-service-role/elasticbeanstalk.amazonaws.com/" ||
		aws.ToString(r.Arn) != "arn:aws:iam::000000000000:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk" {
		t.Errorf("role %s %s %s", aws.ToString(r.RoleName), aws.ToString(r.Path), aws.ToString(r.Arn))
	}
	att := harness.Must(client.ListAttachedRolePolicies(harness.Ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName}))(t)
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/aws-service-role/AWSElasticBeanstalkServiceRolePolicy" {
		t.Errorf("attached %+v", att.AttachedPolicies)
	}
	_, err := client.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("elasticbeanstalk.amazonaws.com"), CustomSuffix: aws.String("x")})
	harness.AssertAPIError(t, err, "InvalidInput")
}
