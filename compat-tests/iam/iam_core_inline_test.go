package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreInlinePolicies(t *testing.T) {
	_, client := coreStart(t)
	coreCreateRole(t, client, "r")
	coreMust(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	coreMust(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	doc := aws.String(coreS3Read)

	// Role.
	coreMust(client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a"), PolicyDocument: doc}))(t)
	coreMust(client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("b"), PolicyDocument: doc}))(t)
	rp := coreMust(client.GetRolePolicy(harness.Ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a")}))(t)
	if aws.ToString(rp.RoleName) != "r" || coreDecode(t, rp.PolicyDocument) != coreS3Read {
		t.Errorf("GetRolePolicy %+v", rp)
	}
	var names []string
	p := iam.NewListRolePoliciesPaginator(client, &iam.ListRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		names = append(names, coreMust(p.NextPage(harness.Ctx))(t).PolicyNames...)
	}
	if strings.Join(names, ",") != "a,b" {
		t.Errorf("ListRolePolicies %v", names)
	}
	coreMust(client.DeleteRolePolicy(harness.Ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a")}))(t)
	_, err := client.GetRolePolicy(harness.Ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a")})
	coreWantError(t, err, "NoSuchEntity", "The role policy with name a cannot be found.", 404)
	_, err = client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17"`)})
	harness.AssertAPIError(t, err, "MalformedPolicyDocument")
	_, err = client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("a"), PolicyDocument: doc})
	coreWantError(t, err, "NoSuchEntity", "The role with name nope cannot be found.", 404)
	// Inline policies share the role's 10,240-character quota.
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("x", 10300) + `"}]}`
	_, err = client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	coreWantError(t, err, "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role r", 409)

	// User.
	coreMust(client.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("up"), PolicyDocument: doc}))(t)
	up := coreMust(client.GetUserPolicy(harness.Ctx, &iam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("up")}))(t)
	if aws.ToString(up.UserName) != "u" || coreDecode(t, up.PolicyDocument) != coreS3Read {
		t.Errorf("GetUserPolicy %+v", up)
	}
	lu := coreMust(client.ListUserPolicies(harness.Ctx, &iam.ListUserPoliciesInput{UserName: aws.String("u")}))(t)
	if len(lu.PolicyNames) != 1 || lu.PolicyNames[0] != "up" {
		t.Errorf("ListUserPolicies %v", lu.PolicyNames)
	}
	coreMust(client.DeleteUserPolicy(harness.Ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("up")}))(t)
	_, err = client.DeleteUserPolicy(harness.Ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("up")})
	coreWantError(t, err, "NoSuchEntity", "The user policy with name up cannot be found.", 404)

	// Group.
	coreMust(client.PutGroupPolicy(harness.Ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp"), PolicyDocument: doc}))(t)
	gp := coreMust(client.GetGroupPolicy(harness.Ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp")}))(t)
	if aws.ToString(gp.GroupName) != "g" || coreDecode(t, gp.PolicyDocument) != coreS3Read {
		t.Errorf("GetGroupPolicy %+v", gp)
	}
	lg := coreMust(client.ListGroupPolicies(harness.Ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("g")}))(t)
	if len(lg.PolicyNames) != 1 {
		t.Errorf("ListGroupPolicies %v", lg.PolicyNames)
	}
	_, err = client.DeleteGroup(harness.Ctx, &iam.DeleteGroupInput{GroupName: aws.String("g")})
	coreWantError(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
	coreMust(client.DeleteGroupPolicy(harness.Ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp")}))(t)
	_, err = client.GetGroupPolicy(harness.Ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp")})
	coreWantError(t, err, "NoSuchEntity", "The group policy with name gp cannot be found.", 404)
}

func TestCorePermissionsBoundaries(t *testing.T) {
	_, client := coreStart(t)
	boundary := aws.String("arn:aws:iam::aws:policy/PowerUserAccess")
	out := coreMust(client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks), PermissionsBoundary: boundary}))(t)
	if out.Role.PermissionsBoundary == nil || aws.ToString(out.Role.PermissionsBoundary.PermissionsBoundaryArn) != *boundary ||
		out.Role.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Errorf("CreateRole boundary %+v", out.Role.PermissionsBoundary)
	}
	coreMust(client.DeleteRolePermissionsBoundary(harness.Ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("r")}))(t)
	got := coreMust(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))(t)
	if got.Role.PermissionsBoundary != nil {
		t.Errorf("boundary not deleted")
	}
	coreMust(client.PutRolePermissionsBoundary(harness.Ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: boundary}))(t)
	got = coreMust(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))(t)
	if got.Role.PermissionsBoundary == nil {
		t.Errorf("boundary not put")
	}
	_, err := client.PutRolePermissionsBoundary(harness.Ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"),
		PermissionsBoundary: aws.String("arn:aws:iam::000000000000:policy/none")})
	coreWantError(t, err, "NoSuchEntity", "Scope ARN: arn:aws:iam::000000000000:policy/none does not exist or is not attachable.", 404)

	coreMust(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	coreMust(client.PutUserPermissionsBoundary(harness.Ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("u"), PermissionsBoundary: boundary}))(t)
	u := coreMust(client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("u")}))(t)
	if u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != *boundary {
		t.Errorf("user boundary %+v", u.User.PermissionsBoundary)
	}
	pol := coreMust(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: boundary}))(t)
	if aws.ToInt32(pol.Policy.PermissionsBoundaryUsageCount) != 2 {
		t.Errorf("PermissionsBoundaryUsageCount %d", aws.ToInt32(pol.Policy.PermissionsBoundaryUsageCount))
	}
	coreMust(client.DeleteUserPermissionsBoundary(harness.Ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("u")}))(t)
	u = coreMust(client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("u")}))(t)
	if u.User.PermissionsBoundary != nil {
		t.Errorf("user boundary not deleted")
	}
}
