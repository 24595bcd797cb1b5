package iam_test

import (
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
	return harness.Must(client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks)}))(t)
}
