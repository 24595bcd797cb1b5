package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreInlinePolicies(t *testing.T) {
	_, client := coreStart(t)
	coreCreateRole(t, client, "r")
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	doc := aws.String(coreS3Read)

	// Role.
	harness.Must(client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a"), PolicyDocument: doc}))(t)
	harness.Must(client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("b"), PolicyDocument: doc}))(t)
	rp := harness.Must(client.GetRolePolicy(harness.Ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a")}))(t)
	if aws.ToString(rp.RoleName) != "r" || coreDecode(t, rp.PolicyDocument) != coreS3Read {
		t.Errorf("GetRolePolicy %+v", rp)
	}
	var names []string
	p := iam.NewListRolePoliciesPaginator(client, &iam.ListRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		names = append(names, harness.Must(p.NextPage(harness.Ctx))(t).PolicyNames...)
	}
	if strings.Join(names, ",") != "a,b" {
		t.Errorf("ListRolePolicies %v", names)
	}
	harness.Must(client.DeleteRolePolicy(harness.Ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a")}))(t)
	_, err := client.GetRolePolicy(harness.Ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("a")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The role policy with name a cannot be found.")
	_, err = client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17"`)})
	harness.AssertAPIError(t, err, "MalformedPolicyDocument")
	_, err = client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("a"), PolicyDocument: doc})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The role with name nope cannot be found.")
	// Inline policies share the role's 10,240-character quota.
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("x", 10300) + `"}]}`
	_, err = client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	harness.AssertError(t, err, "LimitExceeded", 409, "Maximum policy size of 10240 bytes exceeded for role r")

	// User.
	harness.Must(client.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("up"), PolicyDocument: doc}))(t)
	up := harness.Must(client.GetUserPolicy(harness.Ctx, &iam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("up")}))(t)
	if aws.ToString(up.UserName) != "u" || coreDecode(t, up.PolicyDocument) != coreS3Read {
		t.Errorf("GetUserPolicy %+v", up)
	}
	lu := harness.Must(client.ListUserPolicies(harness.Ctx, &iam.ListUserPoliciesInput{UserName: aws.String("u")}))(t)
	if len(lu.PolicyNames) != 1 || lu.PolicyNames[0] != "up" {
		t.Errorf("ListUserPolicies %v", lu.PolicyNames)
	}
	harness.Must(client.DeleteUserPolicy(harness.Ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("up")}))(t)
	_, err = client.DeleteUserPolicy(harness.Ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("up")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The user policy with name up cannot be found.")

	// Group.
	harness.Must(client.PutGroupPolicy(harness.Ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp"), PolicyDocument: doc}))(t)
	gp := harness.Must(client.GetGroupPolicy(harness.Ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp")}))(t)
	if aws.ToString(gp.GroupName) != "g" || coreDecode(t, gp.PolicyDocument) != coreS3Read {
		t.Errorf("GetGroupPolicy %+v", gp)
	}
	lg := harness.Must(client.ListGroupPolicies(harness.Ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("g")}))(t)
	if len(lg.PolicyNames) != 1 {
		t.Errorf("ListGroupPolicies %v", lg.PolicyNames)
	}
	_, err = client.DeleteGroup(harness.Ctx, &iam.DeleteGroupInput{GroupName: aws.String("g")})
	harness.AssertError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
	harness.Must(client.DeleteGroupPolicy(harness.Ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp")}))(t)
	_, err = client.GetGroupPolicy(harness.Ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The group policy with name gp cannot be found.")
}

func TestCorePermissionsBoundaries(t *testing.T) {
	_, client := coreStart(t)
	boundary := aws.String("arn:aws:iam::aws:policy/PowerUserAccess")
	out := harness.Must(client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks), PermissionsBoundary: boundary}))(t)
	if out.Role.PermissionsBoundary == nil || aws.ToString(out.Role.PermissionsBoundary.PermissionsBoundaryArn) != *boundary ||
		out.Role.PermissionsBoundary.PermissionsBoundaryType != "Policy" {
		t.Errorf("CreateRole boundary %+v", out.Role.PermissionsBoundary)
	}
	harness.Must(client.DeleteRolePermissionsBoundary(harness.Ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("r")}))(t)
	got := harness.Must(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))(t)
	if got.Role.PermissionsBoundary != nil {
		t.Errorf("boundary not deleted")
	}
	harness.Must(client.PutRolePermissionsBoundary(harness.Ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: boundary}))(t)
	got = harness.Must(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))(t)
	if got.Role.PermissionsBoundary == nil {
		t.Errorf("boundary not put")
	}
	_, err := client.PutRolePermissionsBoundary(harness.Ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"),
		PermissionsBoundary: aws.String("arn:aws:iam::000000000000:policy/none")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "Scope ARN: arn:aws:iam::000000000000:policy/none does not exist or is not attachable.")

	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	harness.Must(client.PutUserPermissionsBoundary(harness.Ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("u"), PermissionsBoundary: boundary}))(t)
	u := harness.Must(client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("u")}))(t)
	if u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != *boundary {
		t.Errorf("user boundary %+v", u.User.PermissionsBoundary)
	}
	pol := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: boundary}))(t)
	if aws.ToInt32(pol.Policy.PermissionsBoundaryUsageCount) != 2 {
		t.Errorf("PermissionsBoundaryUsageCount %d", aws.ToInt32(pol.Policy.PermissionsBoundaryUsageCount))
	}
	harness.Must(client.DeleteUserPermissionsBoundary(harness.Ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("u")}))(t)
	u = harness.Must(client.GetUser(harness.Ctx, &iam.GetUserInput{UserName: aws.String("u")}))(t)
	if u.User.PermissionsBoundary != nil {
		t.Errorf("user boundary not deleted")
	}
}
