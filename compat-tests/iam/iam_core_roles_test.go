package iam_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreRoles(t *testing.T) {
	_, client := coreStart(t)
	out := harness.Must(client.CreateRole(harness.Ctx, &iam.CreateRoleInput{
		RoleName: aws.String("ecsTaskExecutionRole"), Path: aws.String("/app/"), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks),
		Description: aws.String("runs tasks"),
	}))(t)
	r := out.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::000000000000:role/app/ecsTaskExecutionRole" {
		t.Errorf("role arn %s", aws.ToString(r.Arn))
	}
	if !regexp.MustCompile(`^AROA[A-Z2-7]{17}$`).MatchString(aws.ToString(r.RoleId)) {
		t.Errorf("role id %s", aws.ToString(r.RoleId))
	}
	if aws.ToInt32(r.MaxSessionDuration) != 3600 {
		t.Errorf("default MaxSessionDuration %d", aws.ToInt32(r.MaxSessionDuration))
	}
	// IAM returns trust policies URL-encoded.
	if !strings.HasPrefix(aws.ToString(r.AssumeRolePolicyDocument), "%7B%22Version%22%3A%222012-10-17%22") {
		t.Errorf("trust policy not URL-encoded: %s", aws.ToString(r.AssumeRolePolicyDocument))
	}
	if got := coreDecode(t, r.AssumeRolePolicyDocument); got != coreTrustECSTasks {
		t.Errorf("decoded trust policy %s", got)
	}

	_, err := client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("ECSTASKEXECUTIONROLE"), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks)})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "Role with name ECSTASKEXECUTIONROLE already exists.")
	_, err = client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String("{not json")})
	harness.AssertAPIError(t, err, "MalformedPolicyDocument")
	_, err = client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("long"), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks),
		MaxSessionDuration: aws.Int32(50000)})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("bad name!"), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks)})
	harness.AssertAPIError(t, err, "ValidationError")

	got := harness.Must(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("ecsTaskExecutionRole")}))(t)
	if got.Role.RoleLastUsed == nil || got.Role.RoleLastUsed.LastUsedDate != nil {
		t.Errorf("RoleLastUsed of an unused role: %+v", got.Role.RoleLastUsed)
	}
	if aws.ToString(got.Role.Description) != "runs tasks" {
		t.Errorf("description %q", aws.ToString(got.Role.Description))
	}
	_, err = client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("missing")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The role with name missing cannot be found.")

	harness.Must(client.UpdateRole(harness.Ctx, &iam.UpdateRoleInput{RoleName: aws.String("ecsTaskExecutionRole"), MaxSessionDuration: aws.Int32(7200), Description: aws.String("v2")}))(t)
	upd := harness.Must(client.UpdateRoleDescription(harness.Ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("ecsTaskExecutionRole"), Description: aws.String("v3")}))(t)
	if aws.ToString(upd.Role.Description) != "v3" || aws.ToInt32(upd.Role.MaxSessionDuration) != 7200 {
		t.Errorf("after updates: %q %d", aws.ToString(upd.Role.Description), aws.ToInt32(upd.Role.MaxSessionDuration))
	}
	ec2Trust := strings.ReplaceAll(coreTrustECSTasks, "ecs-tasks", "ec2")
	harness.Must(client.UpdateAssumeRolePolicy(harness.Ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("ecsTaskExecutionRole"), PolicyDocument: aws.String(ec2Trust)}))(t)
	got = harness.Must(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("ecsTaskExecutionRole")}))(t)
	if coreDecode(t, got.Role.AssumeRolePolicyDocument) != ec2Trust {
		t.Errorf("trust policy not updated")
	}

	if err := iam.NewRoleExistsWaiter(client).Wait(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("ecsTaskExecutionRole")}, 10*time.Second); err != nil {
		t.Errorf("RoleExists waiter: %v", err)
	}

	for _, n := range []string{"r1", "r2", "r3"} {
		coreCreateRole(t, client, n)
	}
	var names []string
	p := iam.NewListRolesPaginator(client, &iam.ListRolesInput{MaxItems: aws.Int32(3)})
	for p.HasMorePages() {
		page := harness.Must(p.NextPage(harness.Ctx))(t)
		for _, r := range page.Roles {
			names = append(names, aws.ToString(r.RoleName))
			if r.RoleLastUsed != nil || r.Tags != nil {
				t.Errorf("ListRoles returned RoleLastUsed/Tags")
			}
		}
	}
	if strings.Join(names, ",") != "ecsTaskExecutionRole,r1,r2,r3" {
		t.Errorf("ListRoles paginator %v", names)
	}
	app := harness.Must(client.ListRoles(harness.Ctx, &iam.ListRolesInput{PathPrefix: aws.String("/app")}))(t)
	if len(app.Roles) != 1 {
		t.Errorf("PathPrefix /app: %d roles", len(app.Roles))
	}
}

func TestCoreRoleDeleteConflicts(t *testing.T) {
	_, client := coreStart(t)
	role := aws.String("svc")
	coreCreateRole(t, client, "svc")
	harness.Must(client.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("svc-profile")}))(t)
	harness.Must(client.AddRoleToInstanceProfile(harness.Ctx, &iam.AddRoleToInstanceProfileInput{RoleName: role, InstanceProfileName: aws.String("svc-profile")}))(t)
	policyArn := aws.String("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
	harness.Must(client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: role, PolicyArn: policyArn}))(t)
	harness.Must(client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: role, PolicyName: aws.String("s3"), PolicyDocument: aws.String(coreS3Read)}))(t)

	steps := []struct {
		message string
		fix     func() error
	}{
		{"Cannot delete entity, must remove roles from instance profile first.", func() error {
			_, err := client.RemoveRoleFromInstanceProfile(harness.Ctx, &iam.RemoveRoleFromInstanceProfileInput{RoleName: role, InstanceProfileName: aws.String("svc-profile")})
			return err
		}},
		{"Cannot delete entity, must detach all policies first.", func() error {
			_, err := client.DetachRolePolicy(harness.Ctx, &iam.DetachRolePolicyInput{RoleName: role, PolicyArn: policyArn})
			return err
		}},
		{"Cannot delete entity, must delete policies first.", func() error {
			_, err := client.DeleteRolePolicy(harness.Ctx, &iam.DeleteRolePolicyInput{RoleName: role, PolicyName: aws.String("s3")})
			return err
		}},
	}
	for _, s := range steps {
		_, err := client.DeleteRole(harness.Ctx, &iam.DeleteRoleInput{RoleName: role})
		harness.AssertError(t, err, "DeleteConflict", 409, s.message)
		if err := s.fix(); err != nil {
			t.Fatal(err)
		}
	}
	harness.Must(client.DeleteRole(harness.Ctx, &iam.DeleteRoleInput{RoleName: role}))(t)
	_, err := client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: role})
	harness.AssertAPIError(t, err, "NoSuchEntity")
}

func TestCoreInvalidMarker(t *testing.T) {
	_, client := coreStart(t)
	coreCreateRole(t, client, "a")
	_, err := client.ListRoles(harness.Ctx, &iam.ListRolesInput{Marker: aws.String("not-a-marker")})
	harness.AssertError(t, err, "ValidationError", 400, "Invalid Marker.")
	// A marker from one listing is not valid for another.
	coreCreateRole(t, client, "b")
	page := harness.Must(client.ListRoles(harness.Ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1)}))(t)
	if !page.IsTruncated || page.Marker == nil {
		t.Fatalf("first page not truncated")
	}
	_, err = client.ListUsers(harness.Ctx, &iam.ListUsersInput{Marker: page.Marker})
	harness.AssertAPIError(t, err, "ValidationError")
	next := harness.Must(client.ListRoles(harness.Ctx, &iam.ListRolesInput{Marker: page.Marker}))(t)
	if len(next.Roles) != 1 || aws.ToString(next.Roles[0].RoleName) != "b" || next.IsTruncated {
		t.Errorf("second page %+v", next.Roles)
	}
}

func TestCoreAccountsAreSeparate(t *testing.T) {
	ls, client := coreStart(t)
	coreCreateRole(t, client, "shared-name")
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("111122223333", "x", "")
	other := iam.NewFromConfig(cfg)
	list := harness.Must(other.ListRoles(harness.Ctx, &iam.ListRolesInput{}))(t)
	if len(list.Roles) != 0 {
		t.Errorf("another account sees %d roles", len(list.Roles))
	}
	r := coreCreateRole(t, other, "shared-name")
	if aws.ToString(r.Role.Arn) != "arn:aws:iam::111122223333:role/shared-name" {
		t.Errorf("role arn in the other account %s", aws.ToString(r.Role.Arn))
	}
	// IAM is global: any region sees the same roles.
	west := ls.Config.Copy()
	west.Region = "eu-west-1"
	got := harness.Must(iam.NewFromConfig(west).GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("shared-name")}))(t)
	if aws.ToString(got.Role.Arn) != "arn:aws:iam::000000000000:role/shared-name" {
		t.Errorf("role from eu-west-1 %s", aws.ToString(got.Role.Arn))
	}
}
