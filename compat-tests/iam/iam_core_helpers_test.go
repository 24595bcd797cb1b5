package iam_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// coreTrustECSTasks lets ECS tasks assume a role.
const coreTrustECSTasks = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// coreS3Read is a small identity policy.
const coreS3Read = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`

func coreStart(t *testing.T) (*longshoretest.Instance, *iam.Client) {
	t.Helper()
	ls := harness.Start(t)
	return ls, iam.NewFromConfig(ls.Config)
}

// coreStatus is the HTTP status of an API error.
func coreStatus(err error) int {
	var se interface{ HTTPStatusCode() int }
	if errors.As(err, &se) {
		return se.HTTPStatusCode()
	}
	return 0
}

// coreWantError checks an error's code, message and HTTP status.
func coreWantError(t *testing.T, err error, code, message string, status int) {
	t.Helper()
	ae := harness.AssertAPIError(t, err, code)
	if message != "" && ae.ErrorMessage() != message {
		t.Errorf("%s message %q, want %q", code, ae.ErrorMessage(), message)
	}
	if status != 0 && coreStatus(err) != status {
		t.Errorf("%s status %d, want %d", code, coreStatus(err), status)
	}
}

// coreMust fails the test on err: coreMust(client.Call(...))(t).
func coreMust[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// coreDecode URL-decodes a policy document as IAM returns it.
func coreDecode(t *testing.T, s *string) string {
	t.Helper()
	d, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", aws.ToString(s), err)
	}
	return d
}

func coreCreateRole(t *testing.T, client *iam.Client, name string) *iam.CreateRoleOutput {
	t.Helper()
	return coreMust(client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks)}))(t)
}
