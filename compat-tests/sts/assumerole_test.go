package sts_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// trustPolicy is a role trust policy with one Allow statement.
func arTrustPolicy(principal, condition string) string {
	stmt := `{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"`
	if condition != "" {
		stmt += `,"Condition":` + condition
	}
	return `{"Version":"2012-10-17","Statement":[` + stmt + `}]}`
}

// iamAs is an IAM client whose credentials are the given access key (a
// 12-digit key selects that account).
func arIAMAs(ls *longshoretest.Instance, key, secret, token string) *iam.Client {
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(key, secret, token)
	return iam.NewFromConfig(cfg)
}

func arSTSAs(ls *longshoretest.Instance, key, secret, token string) *sts.Client {
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(key, secret, token)
	return sts.NewFromConfig(cfg)
}

func arCreateRole(t *testing.T, client *iam.Client, name, trust string, maxSession *int32) string {
	t.Helper()
	out, err := client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String("/app/"),
		AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: maxSession})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

// assertAccessDenied checks AWS's AssumeRole refusal: 403 AccessDenied naming the caller and the role.
func arAssertAccessDenied(t *testing.T, err error, caller, roleArn string) {
	t.Helper()
	ae := harness.AssertAPIError(t, err, "AccessDenied")
	if want := "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn; ae.ErrorMessage() != want {
		t.Errorf("message %q, want %q", ae.ErrorMessage(), want)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden {
		t.Errorf("status: %v", err)
	}
}

func TestAssumeRoleTrustedByAccount(t *testing.T) {
	ls := harness.Start(t)
	iamc := iam.NewFromConfig(ls.Config)
	arn := arCreateRole(t, iamc, "deployer", arTrustPolicy(`{"AWS":"arn:aws:iam::000000000000:root"}`, ""), nil)
	role, err := iamc.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")})
	if err != nil {
		t.Fatal(err)
	}
	if role.Role.RoleLastUsed != nil && role.Role.RoleLastUsed.LastUsedDate != nil {
		t.Fatalf("role used before any AssumeRole: %+v", role.Role.RoleLastUsed)
	}

	before := time.Now().Add(-time.Second)
	out, err := sts.NewFromConfig(ls.Config).AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ci")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.AssumedRoleUser.AssumedRoleId), aws.ToString(role.Role.RoleId)+":ci"; got != want {
		t.Errorf("AssumedRoleId %q, want %q", got, want)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::000000000000:assumed-role/deployer/ci" {
		t.Errorf("assumed role arn %q", got)
	}
	if d := time.Until(*out.Credentials.Expiration); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("default session lasts %v", d)
	}

	role, err = iamc.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")})
	if err != nil {
		t.Fatal(err)
	}
	used := role.Role.RoleLastUsed
	if used == nil || used.LastUsedDate == nil || used.LastUsedDate.Before(before) || aws.ToString(used.Region) != "us-east-1" {
		t.Fatalf("RoleLastUsed %+v", used)
	}
}

func TestAssumeRoleDeniedByTrustPolicy(t *testing.T) {
	ls := harness.Start(t)
	iamc := iam.NewFromConfig(ls.Config)
	client := sts.NewFromConfig(ls.Config)
	arn := arCreateRole(t, iamc, "ecsTaskRole", arTrustPolicy(`{"Service":"ecs-tasks.amazonaws.com"}`, ""), nil)
	_, err := client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1")})
	arAssertAccessDenied(t, err, "arn:aws:iam::000000000000:root", arn)

	// An explicit Deny wins over the Allow.
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole"},` +
		`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
	arn = arCreateRole(t, iamc, "locked", deny, nil)
	_, err = client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1")})
	arAssertAccessDenied(t, err, "arn:aws:iam::000000000000:root", arn)

	// A role IAM does not have, in this account or in one without any IAM data.
	for _, missing := range []string{"arn:aws:iam::000000000000:role/nobody", "arn:aws:iam::000000000000:role/other/ecsTaskRole", "arn:aws:iam::123456789012:role/app/deployer"} {
		_, err = client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(missing), RoleSessionName: aws.String("s1")})
		arAssertAccessDenied(t, err, "arn:aws:iam::000000000000:root", missing)
	}
	// A refused request records no use.
	role, err := iamc.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("ecsTaskRole")})
	if err != nil {
		t.Fatal(err)
	}
	if u := role.Role.RoleLastUsed; u != nil && u.LastUsedDate != nil {
		t.Errorf("RoleLastUsed after a refusal: %+v", u)
	}
}

func TestAssumeRoleIAMUserPrincipal(t *testing.T) {
	ls := harness.Start(t)
	iamc := iam.NewFromConfig(ls.Config)
	keys := map[string]*iam.CreateAccessKeyOutput{}
	for _, name := range []string{"alice", "bob"} {
		if _, err := iamc.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		k, err := iamc.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = k
	}
	arn := arCreateRole(t, iamc, "admin", arTrustPolicy(`{"AWS":["arn:aws:iam::000000000000:user/alice"]}`,
		`{"StringEquals":{"sts:ExternalId":"ticket-42"}}`), nil)
	as := func(user string) *sts.Client {
		k := keys[user].AccessKey
		return arSTSAs(ls, aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), "")
	}

	// The condition needs the external id.
	_, err := as("alice").AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("a1")})
	arAssertAccessDenied(t, err, "arn:aws:iam::000000000000:user/alice", arn)
	out, err := as("alice").AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("a1"), ExternalId: aws.String("ticket-42")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = as("bob").AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("b1"), ExternalId: aws.String("ticket-42")})
	arAssertAccessDenied(t, err, "arn:aws:iam::000000000000:user/bob", arn)

	// Role chaining: a role that trusts the admin role accepts its sessions.
	chained := arCreateRole(t, iamc, "reader", arTrustPolicy(`{"AWS":"arn:aws:iam::000000000000:role/app/admin"}`, ""), nil)
	c := out.Credentials
	session := arSTSAs(ls, aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	if _, err := session.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(chained), RoleSessionName: aws.String("chain")}); err != nil {
		t.Fatal(err)
	}
	_, err = as("alice").AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(chained), RoleSessionName: aws.String("a1")})
	arAssertAccessDenied(t, err, "arn:aws:iam::000000000000:user/alice", chained)
}

func TestAssumeRoleCrossAccount(t *testing.T) {
	ls := harness.Start(t)
	other := arIAMAs(ls, "111122223333", "x", "")
	arn := arCreateRole(t, other, "partner", arTrustPolicy(`{"AWS":"000000000000"}`, `{"StringEquals":{"aws:PrincipalType":"Account"}}`), nil)
	out, err := sts.NewFromConfig(ls.Config).AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("x1")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::111122223333:assumed-role/partner/x1" {
		t.Errorf("assumed role arn %q", got)
	}
	// The same role name in the caller's own account is another role.
	_, err = sts.NewFromConfig(ls.Config).AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/app/partner"), RoleSessionName: aws.String("x1")})
	arAssertAccessDenied(t, err, "arn:aws:iam::000000000000:root", "arn:aws:iam::000000000000:role/app/partner")
	// A third account is not trusted.
	_, err = arSTSAs(ls, "444455556666", "x", "").AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("x1")})
	arAssertAccessDenied(t, err, "arn:aws:iam::444455556666:root", arn)
}

func TestAssumeRoleMaxSessionDuration(t *testing.T) {
	ls := harness.Start(t)
	iamc := iam.NewFromConfig(ls.Config)
	client := sts.NewFromConfig(ls.Config)
	trust := arTrustPolicy(`{"AWS":"arn:aws:iam::000000000000:root"}`, "")
	short := arCreateRole(t, iamc, "short", trust, nil)
	long := arCreateRole(t, iamc, "long", trust, aws.Int32(7200))
	const msg = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
	cases := []struct {
		role     string
		duration int32
		ok       bool
	}{
		{short, 3600, true},
		{short, 3601, false},
		{long, 7200, true},
		{long, 7201, false},
		{long, 43200, false},
	}
	for _, tc := range cases {
		out, err := client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tc.role), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(tc.duration)})
		if !tc.ok {
			ae := harness.AssertAPIError(t, err, "ValidationError")
			if ae.ErrorMessage() != msg {
				t.Errorf("%s %d: message %q", tc.role, tc.duration, ae.ErrorMessage())
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s %d: %v", tc.role, tc.duration, err)
		}
		if d := time.Until(*out.Credentials.Expiration); d < time.Duration(tc.duration-60)*time.Second || d > time.Duration(tc.duration+60)*time.Second {
			t.Errorf("%s %d: session lasts %v", tc.role, tc.duration, d)
		}
	}
	// Raising the limit with UpdateRole takes effect.
	if _, err := iamc.UpdateRole(harness.Ctx, &iam.UpdateRoleInput{RoleName: aws.String("short"), MaxSessionDuration: aws.Int32(14400)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(short), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(14400)}); err != nil {
		t.Fatal(err)
	}
}

func TestAssumeRoleSessionTags(t *testing.T) {
	ls := harness.Start(t)
	iamc := iam.NewFromConfig(ls.Config)
	arn := arCreateRole(t, iamc, "tagged", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":["sts:AssumeRole","sts:TagSession"],`+
		`"Condition":{"StringEquals":{"aws:RequestTag/team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}]}`, nil)
	client := sts.NewFromConfig(ls.Config)
	assume := func(tags ...ststypes.Tag) error {
		_, err := client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1"), Tags: tags})
		return err
	}
	if err := assume(ststypes.Tag{Key: aws.String("team"), Value: aws.String("blue")}, ststypes.Tag{Key: aws.String("env"), Value: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	arAssertAccessDenied(t, assume(ststypes.Tag{Key: aws.String("team"), Value: aws.String("red")}), "arn:aws:iam::000000000000:root", arn)
	arAssertAccessDenied(t, assume(ststypes.Tag{Key: aws.String("team"), Value: aws.String("blue")}, ststypes.Tag{Key: aws.String("cost"), Value: aws.String("x")}),
		"arn:aws:iam::000000000000:root", arn)

	// Tags and a source identity need sts:TagSession and sts:SetSourceIdentity.
	plain := arCreateRole(t, iamc, "plain", arTrustPolicy(`{"AWS":"000000000000"}`, ""), nil)
	_, err := client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(plain), RoleSessionName: aws.String("s1"),
		Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	ae := harness.AssertAPIError(t, err, "AccessDenied")
	if want := "User: arn:aws:iam::000000000000:root is not authorized to perform: sts:TagSession on resource: " + plain; ae.ErrorMessage() != want {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	_, err = client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String(plain), RoleSessionName: aws.String("s1"), SourceIdentity: aws.String("alice")})
	ae = harness.AssertAPIError(t, err, "AccessDenied")
	if want := "User: arn:aws:iam::000000000000:root is not authorized to perform: sts:SetSourceIdentity on resource: " + plain; ae.ErrorMessage() != want {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}
