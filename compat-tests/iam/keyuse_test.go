package iam_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/compat-tests/harness"
)

// GetAccessKeyLastUsed answers when a key was last used (to the minute),
// with which service and in which region, and "N/A" for both before any use
// (awscli examples, iam get-access-key-last-used: "Region": "us-east-1",
// "ServiceName": "iam", "LastUsedDate": "2015-06-16T22:45:00Z"; IAM API
// reference, AccessKeyLastUsed: "N/A" when the key has not been used).
func TestAccessKeyLastUsedNamesServiceAndRegion(t *testing.T) {
	ls, client := coreStart(t)
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("ci")}))(t)
	key := harness.Must(client.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")}))(t).AccessKey
	lastUsed := func() *types.AccessKeyLastUsed {
		return harness.Must(client.GetAccessKeyLastUsed(harness.Ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: key.AccessKeyId}))(t).AccessKeyLastUsed
	}
	if lu := lastUsed(); lu.LastUsedDate != nil || aws.ToString(lu.ServiceName) != "N/A" || aws.ToString(lu.Region) != "N/A" {
		t.Fatalf("before any use: %s %s %v", aws.ToString(lu.ServiceName), aws.ToString(lu.Region), lu.LastUsedDate)
	}
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*key.AccessKeyId, *key.SecretAccessKey, "")
	cfg.Region = "eu-west-1"
	before := time.Now().UTC().Truncate(time.Minute)
	harness.Must(ecs.NewFromConfig(cfg).ListClusters(harness.Ctx, &ecs.ListClustersInput{}))(t)
	lu := lastUsed()
	at := aws.ToTime(lu.LastUsedDate)
	if aws.ToString(lu.ServiceName) != "ecs" || aws.ToString(lu.Region) != "eu-west-1" || at.Before(before) || at.After(time.Now()) || at.Second() != 0 {
		t.Fatalf("after ListClusters in eu-west-1: %s %s %v", aws.ToString(lu.ServiceName), aws.ToString(lu.Region), at)
	}
	cfg.Region = "us-east-1"
	harness.Must(sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
	if lu := lastUsed(); aws.ToString(lu.ServiceName) != "sts" || aws.ToString(lu.Region) != "us-east-1" {
		t.Fatalf("after GetCallerIdentity: %s %s", aws.ToString(lu.ServiceName), aws.ToString(lu.Region))
	}
	// The key's own IAM calls are IAM's, also through a read-only operation.
	harness.Must(iam.NewFromConfig(cfg).ListAccessKeys(harness.Ctx, &iam.ListAccessKeysInput{}))(t)
	if lu := lastUsed(); aws.ToString(lu.ServiceName) != "iam" {
		t.Fatalf("after ListAccessKeys: %s %s", aws.ToString(lu.ServiceName), aws.ToString(lu.Region))
	}
}
