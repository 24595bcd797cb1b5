package iam_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreTags(t *testing.T) {
	_, client := coreStart(t)
	coreCreateRole(t, client, "r")
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	pol := harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(coreS3Read),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}))(t).Policy
	tag := func(k, v string) []types.Tag { return []types.Tag{{Key: aws.String(k), Value: aws.String(v)}} }

	harness.Must(client.TagRole(harness.Ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: tag("team", "a")}))(t)
	// Keys compare without case: this replaces the value.
	harness.Must(client.TagRole(harness.Ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: tag("TEAM", "b")}))(t)
	rt := harness.Must(client.ListRoleTags(harness.Ctx, &iam.ListRoleTagsInput{RoleName: aws.String("r")}))(t)
	if len(rt.Tags) != 1 || aws.ToString(rt.Tags[0].Value) != "b" {
		t.Errorf("role tags %+v", rt.Tags)
	}
	got := harness.Must(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))(t)
	if len(got.Role.Tags) != 1 {
		t.Errorf("GetRole tags %+v", got.Role.Tags)
	}
	harness.Must(client.UntagRole(harness.Ctx, &iam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"TEAM"}}))(t)
	rt = harness.Must(client.ListRoleTags(harness.Ctx, &iam.ListRoleTagsInput{RoleName: aws.String("r")}))(t)
	if len(rt.Tags) != 0 {
		t.Errorf("role tags after untag %+v", rt.Tags)
	}
	_, err := client.TagRole(harness.Ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: tag("aws:reserved", "x")})
	harness.AssertAPIError(t, err, "InvalidInput")
	_, err = client.TagRole(harness.Ctx, &iam.TagRoleInput{RoleName: aws.String("missing"), Tags: tag("a", "b")})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	var many []types.Tag
	for i := 0; i < 50; i++ {
		many = append(many, types.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")})
	}
	harness.Must(client.TagUser(harness.Ctx, &iam.TagUserInput{UserName: aws.String("u"), Tags: many}))(t)
	_, err = client.TagUser(harness.Ctx, &iam.TagUserInput{UserName: aws.String("u"), Tags: tag("one", "more")})
	harness.AssertAPIError(t, err, "LimitExceeded")
	var n int
	p := iam.NewListUserTagsPaginator(client, &iam.ListUserTagsInput{UserName: aws.String("u"), MaxItems: aws.Int32(20)})
	for p.HasMorePages() {
		n += len(harness.Must(p.NextPage(harness.Ctx))(t).Tags)
	}
	if n != 50 {
		t.Errorf("user tags %d", n)
	}
	harness.Must(client.UntagUser(harness.Ctx, &iam.UntagUserInput{UserName: aws.String("u"), TagKeys: []string{"k00", "k01"}}))(t)
	ut := harness.Must(client.ListUserTags(harness.Ctx, &iam.ListUserTagsInput{UserName: aws.String("u"), MaxItems: aws.Int32(100)}))(t)
	if len(ut.Tags) != 48 {
		t.Errorf("user tags after untag %d", len(ut.Tags))
	}

	harness.Must(client.TagPolicy(harness.Ctx, &iam.TagPolicyInput{PolicyArn: pol.Arn, Tags: tag("owner", "me")}))(t)
	pt := harness.Must(client.ListPolicyTags(harness.Ctx, &iam.ListPolicyTagsInput{PolicyArn: pol.Arn}))(t)
	if len(pt.Tags) != 2 {
		t.Errorf("policy tags %+v", pt.Tags)
	}
	harness.Must(client.UntagPolicy(harness.Ctx, &iam.UntagPolicyInput{PolicyArn: pol.Arn, TagKeys: []string{"env"}}))(t)
	pt = harness.Must(client.ListPolicyTags(harness.Ctx, &iam.ListPolicyTagsInput{PolicyArn: pol.Arn}))(t)
	if len(pt.Tags) != 1 || aws.ToString(pt.Tags[0].Key) != "owner" {
		t.Errorf("policy tags after untag %+v", pt.Tags)
	}
}
