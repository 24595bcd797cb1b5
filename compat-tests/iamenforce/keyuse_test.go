package iamenforce_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

// With enforcement on, an allowed call notes its key's use as it does with
// enforcement off: GetAccessKeyLastUsed names the service and region of the
// last request (awscli examples, iam get-access-key-last-used).
func TestAccessKeyLastUsedUnderEnforcement(t *testing.T) {
	ls := start(t)
	key, secret := user(t, ls, "lister", policy(allow("ecs:ListClusters", "*")))
	for i := 0; i < 3; i++ { // a cached identity notes its use too
		cfg := as(ls, key, secret, "")
		cfg.Region = "ap-southeast-2"
		if _, err := ecs.NewFromConfig(cfg).ListClusters(harness.Ctx, &ecs.ListClustersInput{}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := iam.NewFromConfig(ls.Config).GetAccessKeyLastUsed(harness.Ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	if lu := out.AccessKeyLastUsed; aws.ToString(lu.ServiceName) != "ecs" || aws.ToString(lu.Region) != "ap-southeast-2" || lu.LastUsedDate == nil {
		t.Fatalf("last used: %s %s %v", aws.ToString(lu.ServiceName), aws.ToString(lu.Region), lu.LastUsedDate)
	}
}
