// Package iamenforce_test checks IAM enforcement (--enforce-iam) through the
// real SDK clients: signatures verified in every protocol, calls allowed or
// denied as the caller's policies say, with AWS's codes and messages.
package iamenforce_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
	"github.com/longshore/longshore/services"
)

const account = "000000000000"

// start runs Longshore with enforcement on and no background work.
func start(t *testing.T) *longshoretest.Instance {
	t.Helper()
	return longshoretest.StartWith(t, longshoretest.Options{EnforceIAM: true, Services: func(cfg services.Config) *services.Set {
		full := services.New(cfg)
		return &services.Set{Services: full.Services, Resolvers: full.Resolvers, Control: full.Control}
	}})
}

// as is the instance's config signed with other credentials.
func as(ls *longshoretest.Instance, key, secret, token string) aws.Config {
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(key, secret, token)
	return cfg
}

// policy renders a policy document.
func policy(statements ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b)
}

func allow(actions any, resources any) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": actions, "Resource": resources}
}

// user creates an IAM user with an inline policy (if any) and returns its access key.
func user(t *testing.T, ls *longshoretest.Instance, name, doc string) (key, secret string) {
	t.Helper()
	root := iam.NewFromConfig(ls.Config)
	if _, err := root.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if doc != "" {
		if _, err := root.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: aws.String(name),
			PolicyName: aws.String("inline"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := root.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return *out.AccessKey.AccessKeyId, *out.AccessKey.SecretAccessKey
}

// ecsServiceLinkedRole creates ECS's service-linked role, as the account's
// first cluster does.
func ecsServiceLinkedRole(t *testing.T, ls *longshoretest.Instance) {
	t.Helper()
	if _, err := iam.NewFromConfig(ls.Config).CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{
		AWSServiceName: aws.String("ecs.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
}

// denied checks an AccessDenied error's code and exact message.
func denied(t *testing.T, err error, code, message string) {
	t.Helper()
	ae := harness.AssertAPIError(t, err, code)
	if ae.ErrorMessage() != message {
		t.Fatalf("%s message:\n got %q\nwant %q", code, ae.ErrorMessage(), message)
	}
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

func copyBody(w io.Writer, resp *http.Response) (int64, error) { return io.Copy(w, resp.Body) }
