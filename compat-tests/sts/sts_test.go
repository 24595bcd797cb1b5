package sts_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestSTSGetCallerIdentity(t *testing.T) {
	ls := harness.Start(t)
	out, err := sts.NewFromConfig(ls.Config).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "000000000000" || aws.ToString(out.Arn) != "arn:aws:iam::000000000000:root" {
		t.Fatalf("identity %s %s", aws.ToString(out.Account), aws.ToString(out.Arn))
	}

	// A 12-digit access key id is the account.
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("111122223333", "x", "")
	out, err = sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "111122223333" || aws.ToString(out.UserId) != "111122223333" {
		t.Fatalf("identity %s %s", aws.ToString(out.Account), aws.ToString(out.UserId))
	}
}

func TestSTSAssumeRoleCredentialsAreAccepted(t *testing.T) {
	ls := harness.Start(t)
	client := sts.NewFromConfig(ls.Config)
	// As on AWS, the role must exist and trust the caller (here account 000000000000's root).
	arCreateRole(t, arIAMAs(ls, "123456789012", "x", ""), "deployer", arTrustPolicy(`{"AWS":"arn:aws:iam::000000000000:root"}`, ""), nil)
	out, err := client.AssumeRole(harness.Ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/app/deployer"), RoleSessionName: aws.String("ci"),
		DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`).MatchString(aws.ToString(c.AccessKeyId)) {
		t.Errorf("access key id %q", aws.ToString(c.AccessKeyId))
	}
	if len(aws.ToString(c.SecretAccessKey)) != 40 || aws.ToString(c.SessionToken) == "" {
		t.Errorf("secret/token missing")
	}
	if d := time.Until(*c.Expiration); d < 14*60e9 || d > 16*60e9 {
		t.Errorf("expiration %v from now", d)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::123456789012:assumed-role/deployer/ci" {
		t.Errorf("assumed role arn %q", got)
	}
	if !regexp.MustCompile(`^AROA[A-Z2-7]{17}:ci$`).MatchString(aws.ToString(out.AssumedRoleUser.AssumedRoleId)) {
		t.Errorf("assumed role id %q", aws.ToString(out.AssumedRoleUser.AssumedRoleId))
	}

	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != "123456789012" || aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) ||
		aws.ToString(id.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
		t.Errorf("caller with session credentials: %s %s %s", aws.ToString(id.Account), aws.ToString(id.Arn), aws.ToString(id.UserId))
	}

	info, err := client.GetAccessKeyInfo(harness.Ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: c.AccessKeyId})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(info.Account) != "123456789012" {
		t.Errorf("GetAccessKeyInfo account %s", aws.ToString(info.Account))
	}

	// Session credentials cannot get a session token.
	_, err = sts.NewFromConfig(cfg).GetSessionToken(harness.Ctx, &sts.GetSessionTokenInput{})
	harness.AssertAPIError(t, err, "AccessDenied")
}

func TestSTSGetSessionToken(t *testing.T) {
	ls := harness.Start(t)
	out, err := sts.NewFromConfig(ls.Config).GetSessionToken(harness.Ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := ls.Config.Copy()
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:iam::000000000000:root" {
		t.Errorf("session caller %s", aws.ToString(id.Arn))
	}
}

func TestSTSValidation(t *testing.T) {
	ls := harness.Start(t)
	// Raw requests skip the SDK's own checks and meet the model's.
	r := harness.Query(t, ls, "sts", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=xy&DurationSeconds=100")
	if r.Status != 400 {
		t.Errorf("status %d", r.Status)
	}
	harness.Contains(t, r.Body, "<Code>ValidationError</Code>")
	harness.Contains(t, r.Body, "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
	harness.Contains(t, r.Body, "<Type>Sender</Type>")
	if r.Header.Get("x-amzn-RequestId") == "" || !strings.Contains(r.Body, "<RequestId>"+r.Header.Get("x-amzn-RequestId")+"</RequestId>") {
		t.Errorf("request id missing: %v %s", r.Header, r.Body)
	}

	_, err := sts.NewFromConfig(ls.Config).AssumeRole(harness.Ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/r"),
		RoleSessionName: aws.String("bad name with spaces")})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestSTSCLI(t *testing.T) {
	ls := harness.Start(t)
	out, err := harness.AWSCLI(t, ls, nil, "sts", "get-caller-identity")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var id struct{ Account, Arn string }
	if err := json.Unmarshal([]byte(out), &id); err != nil || id.Account != "000000000000" {
		t.Fatalf("%v: %s", err, out)
	}
	out, err = harness.AWSCLI(t, ls, []string{"AWS_ACCESS_KEY_ID=111122223333"}, "sts", "get-caller-identity", "--query", "Account", "--output", "text")
	if err != nil || strings.TrimSpace(out) != "111122223333" {
		t.Fatalf("%v: %q", err, out)
	}
}
