package iam_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestModelPatternsWithJavaEscapesAreEnforced checks IAM patterns written
// with \uXXXX escapes and lookaheads, which Go's regexp cannot compile as
// written. Source: the IAM model (../shared/aws-models, iam service-2.json)
// and the API reference of CreateVirtualMFADevice ("Path ... Pattern:
// (\u002F)|(\u002F[\u0021-\u007E]+\u002F)") and CreateAccountAlias
// ("Pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"); the message form is
// the one recorded against AWS in LocalStack's tests/aws/services/sts/test_sts.snapshot.json
// ("1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed
// to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*").
func TestModelPatternsWithJavaEscapesAreEnforced(t *testing.T) {
	_, client := coreStart(t)
	_, err := client.CreateVirtualMFADevice(harness.Ctx, &iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: aws.String("phone"), Path: aws.String("test")})
	harness.AssertError(t, err, "ValidationError", 400,
		`1 validation error detected: Value 'test' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	out := harness.Must(client.ListVirtualMFADevices(harness.Ctx, &iam.ListVirtualMFADevicesInput{}))(t)
	if len(out.VirtualMFADevices) != 0 {
		t.Fatalf("refused device stored: %+v", out.VirtualMFADevices)
	}
	harness.Must(client.CreateVirtualMFADevice(harness.Ctx, &iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: aws.String("phone"), Path: aws.String("/team/")}))(t)

	_, err = client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/a b/")})
	harness.AssertError(t, err, "ValidationError", 400, "")
	_, err = client.ListUsers(harness.Ctx, &iam.ListUsersInput{PathPrefix: aws.String("users")})
	harness.AssertError(t, err, "ValidationError", 400,
		`1 validation error detected: Value 'users' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)

	_, err = client.CreateAccountAlias(harness.Ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("my--alias")})
	harness.AssertError(t, err, "ValidationError", 400,
		`1 validation error detected: Value 'my--alias' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`)
	harness.Must(client.CreateAccountAlias(harness.Ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("my-alias")}))(t)

	// Latin-1 is admitted by [\u0020-\u00FF]-style classes, other scripts are not.
	_, err = client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`),
		Description: aws.String("도구")})
	harness.AssertError(t, err, "ValidationError", 400, "")
}

// TestIAMErrorTextsAsAWS checks error texts of IAM. Sources:
// PermissionsBoundaryType "Policy" in the AWS CLI's awscli/examples/iam/create-user.rst;
// "ARN ... is not valid." (InvalidInput), IAM's answer to a malformed ARN;
// the signing-certificate quota "Cannot exceed quota for CertificatesPerUser: 2",
// asserted by moto's AWS-verified test_iam_signing_certificates (iam_aws_verified).
func TestIAMErrorTextsAsAWS(t *testing.T) {
	_, client := coreStart(t)
	harness.Must(client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks)}))(t)
	_, err := client.PutRolePermissionsBoundary(harness.Ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"),
		PermissionsBoundary: aws.String("not-an-arn-of-any-policy")})
	harness.AssertError(t, err, "InvalidInput", 400, "ARN not-an-arn-of-any-policy is not valid.")
	harness.Must(client.PutRolePermissionsBoundary(harness.Ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"),
		PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")}))(t)
	got := harness.Must(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))(t).Role
	if got.PermissionsBoundary == nil || got.PermissionsBoundary.PermissionsBoundaryType != "Policy" {
		t.Fatalf("boundary %+v", got.PermissionsBoundary)
	}

	extrasCreateUser(t, client, "certs")
	for i := 0; i < 3; i++ {
		body, _ := extrasCert(t, fmt.Sprintf("c%d.example.com", i), time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
		_, err := client.UploadSigningCertificate(harness.Ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("certs"), CertificateBody: aws.String(body)})
		if i < 2 && err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			harness.AssertError(t, err, "LimitExceeded", 409, "Cannot exceed quota for CertificatesPerUser: 2")
		}
	}
}

// TestServiceLinkedRoleForCustomResources checks the service-linked role of
// Application Auto Scaling's custom resources. Source: the Application Auto
// Scaling User Guide, "Service-linked roles" (AWSServiceRoleForApplicationAutoScaling_CustomResource,
// trusted by custom-resource.application-autoscaling.amazonaws.com, with the
// AWS managed policy AWSApplicationAutoScalingCustomResourcePolicy: execute-api:Invoke,
// cloudwatch:PutMetricAlarm, DescribeAlarms and DeleteAlarms, version v1 of 2018-06-04).
func TestServiceLinkedRoleForCustomResources(t *testing.T) {
	_, client := coreStart(t)
	r := harness.Must(client.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{
		AWSServiceName: aws.String("custom-resource.application-autoscaling.amazonaws.com")}))(t).Role
	if aws.ToString(r.RoleName) != "AWSServiceRoleForApplicationAutoScaling_CustomResource" ||
		aws.ToString(r.Path) != "/aws-service-role/custom-resource.application-autoscaling.amazonaws.com/" {
		t.Fatalf("role %s %s", aws.ToString(r.RoleName), aws.ToString(r.Path))
	}
	att := harness.Must(client.ListAttachedRolePolicies(harness.Ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName}))(t)
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/aws-service-role/AWSApplicationAutoScalingCustomResourcePolicy" {
		t.Fatalf("attached %+v", att.AttachedPolicies)
	}
}
