package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreAccountAuthorizationDetails(t *testing.T) {
	_, client := coreStart(t)
	coreCreateRole(t, client, "task")
	harness.Must(client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("task"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")}))(t)
	harness.Must(client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("task"), PolicyName: aws.String("s3"), PolicyDocument: aws.String(coreS3Read)}))(t)
	harness.Must(client.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")}))(t)
	harness.Must(client.AddRoleToInstanceProfile(harness.Ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ip"), RoleName: aws.String("task")}))(t)
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	harness.Must(client.AddUserToGroup(harness.Ctx, &iam.AddUserToGroupInput{UserName: aws.String("u"), GroupName: aws.String("g")}))(t)
	harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("local"), PolicyDocument: aws.String(coreS3Read)}))(t)

	all := harness.Must(client.GetAccountAuthorizationDetails(harness.Ctx, &iam.GetAccountAuthorizationDetailsInput{}))(t)
	if len(all.UserDetailList) != 1 || len(all.GroupDetailList) != 1 || len(all.RoleDetailList) != 1 || len(all.Policies) != 2 {
		t.Fatalf("details: %d users %d groups %d roles %d policies", len(all.UserDetailList), len(all.GroupDetailList), len(all.RoleDetailList), len(all.Policies))
	}
	rd := all.RoleDetailList[0]
	if len(rd.RolePolicyList) != 1 || coreDecode(t, rd.RolePolicyList[0].PolicyDocument) != coreS3Read || len(rd.AttachedManagedPolicies) != 1 ||
		len(rd.InstanceProfileList) != 1 || coreDecode(t, rd.AssumeRolePolicyDocument) != coreTrustECSTasks {
		t.Errorf("role detail %+v", rd)
	}
	if len(all.UserDetailList[0].GroupList) != 1 || all.UserDetailList[0].GroupList[0] != "g" {
		t.Errorf("user groups %+v", all.UserDetailList[0].GroupList)
	}

	roles := harness.Must(client.GetAccountAuthorizationDetails(harness.Ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeRole}}))(t)
	if len(roles.RoleDetailList) != 1 || len(roles.UserDetailList) != 0 || len(roles.Policies) != 0 {
		t.Errorf("Filter Role: %+v", roles)
	}
	awsOnly := harness.Must(client.GetAccountAuthorizationDetails(harness.Ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeAWSManagedPolicy}}))(t)
	if len(awsOnly.Policies) != 1 || aws.ToString(awsOnly.Policies[0].PolicyName) != "AmazonECSTaskExecutionRolePolicy" ||
		len(awsOnly.Policies[0].PolicyVersionList) != 1 || aws.ToInt32(awsOnly.Policies[0].AttachmentCount) != 1 {
		t.Errorf("Filter AWSManagedPolicy: %+v", awsOnly.Policies)
	}

	var entities int
	p := iam.NewGetAccountAuthorizationDetailsPaginator(client, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page := harness.Must(p.NextPage(harness.Ctx))(t)
		entities += len(page.UserDetailList) + len(page.GroupDetailList) + len(page.RoleDetailList) + len(page.Policies)
	}
	if entities != 5 {
		t.Errorf("paginated details saw %d entities", entities)
	}
}

func TestCoreAccountSummary(t *testing.T) {
	_, client := coreStart(t)
	coreCreateRole(t, client, "a")
	coreCreateRole(t, client, "b")
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(coreS3Read)}))(t)
	harness.Must(client.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")}))(t)
	m := harness.Must(client.GetAccountSummary(harness.Ctx, &iam.GetAccountSummaryInput{}))(t).SummaryMap
	want := map[string]int32{"Roles": 2, "Users": 1, "Groups": 0, "Policies": 1, "InstanceProfiles": 1, "RolesQuota": 1000, "UsersQuota": 5000,
		"AttachedPoliciesPerRoleQuota": 10, "VersionsPerPolicyQuota": 5, "AccessKeysPerUserQuota": 2, "PolicyVersionsInUse": 1}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("SummaryMap[%s] = %d, want %d", k, m[k], v)
		}
	}
}
