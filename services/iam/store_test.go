package iam

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

const coreTestAccount = "123456789012"

// coreWithContext runs fn in a write transaction of a fresh in-memory store, as a
// handler of coreTestAccount's root would.
func coreWithContext(t *testing.T, fn func(c *api.Context)) {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		fn(&api.Context{Context: context.Background(), Tx: tx, Region: "us-east-1",
			Caller: api.RootPrincipal(coreTestAccount, "test")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func coreWantCode(t *testing.T, err error, code string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	if err == nil || apierror.As(err).Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
}

func TestPutInline(t *testing.T) {
	small := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 2000) + `"}]}`
	cases := []struct {
		name  string
		have  []InlinePolicy
		put   string
		doc   string
		quota int
		count int
		code  string
	}{
		{"first", nil, "a", small, maxInlineUser, 1, ""},
		{"replace keeps one", []InlinePolicy{{"a", small}}, "a", small, maxInlineUser, 1, ""},
		{"second", []InlinePolicy{{"a", small}}, "b", small, maxInlineUser, 2, ""},
		{"over the user quota", []InlinePolicy{{"a", small}}, "b", big, maxInlineUser, 0, "LimitExceeded"},
		{"within the role quota", []InlinePolicy{{"a", small}}, "b", big, maxInlineRole, 2, ""},
		{"URL-encoded", nil, "a", encodeDocument(small), maxInlineUser, 1, ""},
		{"not JSON", nil, "a", "{", maxInlineUser, 0, "MalformedPolicyDocument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := putInline(c.have, c.put, c.doc, "user", "u", c.quota)
			coreWantCode(t, err, c.code)
			if c.code == "" && (len(out) != c.count || out[len(out)-1].Document == "" || strings.HasPrefix(out[len(out)-1].Document, "%")) {
				t.Errorf("policies %+v", out)
			}
		})
	}
}

func TestCallerUserName(t *testing.T) {
	cases := []struct {
		arn  string
		name string
		ok   bool
	}{
		{"arn:aws:iam::123456789012:user/alice", "alice", true},
		{"arn:aws:iam::123456789012:user/a/b/carol", "carol", true},
		{"arn:aws:iam::123456789012:root", "", false},
		{"arn:aws:sts::123456789012:assumed-role/r/s", "", false},
		{"arn:aws:iam::999999999999:user/alice", "", false},
	}
	for _, c := range cases {
		ctx := &api.Context{Caller: api.Principal{Account: coreTestAccount, Arn: c.arn}}
		name, ok := callerUserName(ctx)
		if name != c.name || ok != c.ok {
			t.Errorf("callerUserName(%s) = %q %v", c.arn, name, ok)
		}
	}
}

func TestRoleLookupsAndUse(t *testing.T) {
	coreWithContext(t, func(c *api.Context) {
		_, err := createRole(c, &iam.CreateRoleInput{RoleName: aws.String("Deployer"), Path: aws.String("/ci/"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
		coreWantCode(t, err, "")
		cases := []struct {
			arn  string
			code string
		}{
			{"arn:aws:iam::123456789012:role/ci/Deployer", ""},
			{"arn:aws:iam::123456789012:role/Deployer", "NoSuchEntity"},
			{"arn:aws:iam::123456789012:role/ci/Other", "NoSuchEntity"},
		}
		for _, tc := range cases {
			_, err := GetRoleByARN(c.Tx, coreTestAccount, tc.arn)
			coreWantCode(t, err, tc.code)
		}
		// Names are unique without regard to case.
		r, err := GetRole(c, "deployer")
		coreWantCode(t, err, "")
		if aws.ToString(r.RoleName) != "Deployer" {
			t.Errorf("GetRole by another case: %s", aws.ToString(r.RoleName))
		}
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		coreWantCode(t, RecordRoleUsed(c.Tx, coreTestAccount, "Deployer", "eu-west-1", at), "")
		coreWantCode(t, RecordRoleUsed(c.Tx, coreTestAccount, "Missing", "eu-west-1", at), "")
		r, _ = GetRole(c, "Deployer")
		if r.RoleLastUsed == nil || !r.RoleLastUsed.LastUsedDate.Equal(at) || aws.ToString(r.RoleLastUsed.Region) != "eu-west-1" {
			t.Errorf("RoleLastUsed %+v", r.RoleLastUsed)
		}
	})
}

func TestPrincipalPolicies(t *testing.T) {
	doc := func(action string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`)
	}
	coreWithContext(t, func(c *api.Context) {
		_, err := createUser(c, &iam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String(awsPolicyARNPrefix + "PowerUserAccess")})
		coreWantCode(t, err, "")
		_, err = createGroup(c, &iam.CreateGroupInput{GroupName: aws.String("g")})
		coreWantCode(t, err, "")
		_, err = addUserToGroup(c, &iam.AddUserToGroupInput{UserName: aws.String("u"), GroupName: aws.String("g")})
		coreWantCode(t, err, "")
		u, _ := GetUser(c, "u")
		u.InlinePolicies, err = putInline(nil, "mine", *doc("s3:GetObject"), "user", "u", maxInlineUser)
		coreWantCode(t, err, "")
		u.AttachedPolicies, err = attach(c, nil, awsPolicyARNPrefix+"AdministratorAccess", types.EntityTypeUser, "u", *u.UserId)
		coreWantCode(t, err, "")
		coreWantCode(t, PutUser(c, u), "")
		g, _ := GetGroup(c, "g")
		g.InlinePolicies, _ = putInline(nil, "team", *doc("ecs:ListClusters"), "group", "g", maxInlineGroup)
		coreWantCode(t, PutGroup(c, g), "")

		set, err := PrincipalPolicies(c.Tx, coreTestAccount, *u.Arn)
		coreWantCode(t, err, "")
		var got []string
		for _, p := range set.Identity {
			got = append(got, string(p.Type)+":"+p.ID)
		}
		want := "user:mine,aws-managed:arn:aws:iam::aws:policy/AdministratorAccess,group:team"
		if strings.Join(got, ",") != want {
			t.Errorf("identity policies %v, want %s", got, want)
		}
		if set.Boundary == nil || set.Boundary.ID != awsPolicyARNPrefix+"PowerUserAccess" || !strings.Contains(set.Boundary.Document, "NotAction") {
			t.Errorf("boundary %+v", set.Boundary)
		}
		_, err = PrincipalPolicies(c.Tx, coreTestAccount, "arn:aws:iam::123456789012:user/other/u")
		coreWantCode(t, err, "NoSuchEntity")
		_, err = PrincipalPolicies(c.Tx, coreTestAccount, "arn:aws:iam::123456789012:role/none")
		coreWantCode(t, err, "NoSuchEntity")
	})
}

func TestResolveAccessKey(t *testing.T) {
	coreWithContext(t, func(c *api.Context) {
		_, err := createUser(c, &iam.CreateUserInput{UserName: aws.String("bot"), Path: aws.String("/svc/")})
		coreWantCode(t, err, "")
		out, err := createAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("bot")})
		coreWantCode(t, err, "")
		id := *out.AccessKey.AccessKeyId
		p, err := resolveAccessKey(c.Tx, id)
		if err != nil || p == nil || p.Arn != "arn:aws:iam::123456789012:user/svc/bot" || p.Account != coreTestAccount || !strings.HasPrefix(p.UserID, "AIDA") {
			t.Fatalf("resolved %+v %v", p, err)
		}
		// A use is written to the key once per change of what
		// GetAccessKeyLastUsed shows (the minute, service, region).
		uses := newKeyUseLog()
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		u, due := uses.note(id, "ecs", "us-east-1", now)
		if !due {
			t.Fatal("first use not due")
		}
		uses.save(c.Tx, id, u)
		if k, _ := AccessKeys.Get(c.Tx, store.Scope{}, id); k == nil || k.LastUsed == nil || aws.ToString(k.LastUsed.ServiceName) != "ecs" ||
			!aws.ToTime(k.LastUsed.LastUsedDate).Equal(time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)) {
			t.Errorf("use not kept with the key: %+v", k)
		}
		if _, due := uses.note(id, "ecs", "us-east-1", now.Add(30*time.Second)); due {
			t.Error("same minute, service and region due a write")
		}
		if _, due := uses.note(id, "iam", "us-east-1", now.Add(40*time.Second)); !due {
			t.Error("another service not due a write")
		}
		_, err = updateAccessKey(c, &iam.UpdateAccessKeyInput{UserName: aws.String("bot"), AccessKeyId: aws.String(id), Status: types.StatusTypeInactive})
		coreWantCode(t, err, "")
		if p, err := resolveAccessKey(c.Tx, id); p != nil || err != nil {
			t.Errorf("inactive key resolved to %+v %v", p, err)
		}
		if p, err := resolveAccessKey(c.Tx, "AKIAUNKNOWNUNKNOWN00"); p != nil || err != nil {
			t.Errorf("unknown key resolved to %+v %v", p, err)
		}
	})
}

func TestEnsureServiceLinkedRole(t *testing.T) {
	coreWithContext(t, func(c *api.Context) {
		r1, err := EnsureServiceLinkedRole(c.Tx, coreTestAccount, "us-east-1", "ecs.amazonaws.com")
		coreWantCode(t, err, "")
		r2, err := EnsureServiceLinkedRole(c.Tx, coreTestAccount, "us-east-1", "ecs.amazonaws.com")
		coreWantCode(t, err, "")
		if aws.ToString(r1.RoleId) != aws.ToString(r2.RoleId) || aws.ToString(r1.Arn) != "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS" {
			t.Errorf("roles %s %s", aws.ToString(r1.Arn), aws.ToString(r2.RoleId))
		}
		_, err = EnsureServiceLinkedRole(c.Tx, coreTestAccount, "us-east-1", "nope.amazonaws.com")
		coreWantCode(t, err, "InvalidInput")
		_, err = deleteRole(c, &iam.DeleteRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
		coreWantCode(t, err, "UnmodifiableEntity")
	})
}
