package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// AWS managed policies are arn:aws-cn:iam::aws:policy/... in China and
// arn:aws-us-gov:iam::aws:policy/... in GovCloud (IAM User Guide, "IAM
// identifiers": the partition is aws-cn in China, aws-us-gov in GovCloud;
// China deployments attach arn:aws-cn:iam::aws:policy/service-role/
// AmazonECSTaskExecutionRolePolicy). IAM names them in the partition of the
// request, and an attachment made in one is the same attachment everywhere.
func TestManagedPoliciesInEachPartition(t *testing.T) {
	ls, client := coreStart(t)
	const name = "service-role/AmazonECSTaskExecutionRolePolicy"
	for _, tc := range []struct{ region, partition string }{{"cn-north-1", "aws-cn"}, {"us-gov-west-1", "aws-us-gov"}} {
		cfg := ls.Config.Copy()
		cfg.Region = tc.region
		im := iam.NewFromConfig(cfg)
		prefix := "arn:" + tc.partition + ":iam::aws:policy/"
		list := harness.Must(im.ListPolicies(harness.Ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(5)}))(t)
		for _, p := range list.Policies {
			if !strings.HasPrefix(aws.ToString(p.Arn), prefix) {
				t.Errorf("%s: ListPolicies %s", tc.region, aws.ToString(p.Arn))
			}
		}
		p := harness.Must(im.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String(prefix + name)}))(t).Policy
		if aws.ToString(p.Arn) != prefix+name {
			t.Errorf("%s: GetPolicy %s", tc.region, aws.ToString(p.Arn))
		}
		role := "exec-" + tc.region
		harness.Must(im.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(coreTrustECSTasks)}))(t)
		harness.Must(im.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(prefix + name)}))(t)
		att := harness.Must(im.ListAttachedRolePolicies(harness.Ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)}))(t)
		if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != prefix+name {
			t.Errorf("%s: attached %+v", tc.region, att.AttachedPolicies)
		}
		// The same attachment seen through us-east-1, in its partition.
		att = harness.Must(client.ListAttachedRolePolicies(harness.Ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)}))(t)
		if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/"+name {
			t.Errorf("%s: attached seen from us-east-1 %+v", tc.region, att.AttachedPolicies)
		}
		// A service-linked role's policy, and a policy that does not exist.
		slr := harness.Must(im.CreateServiceLinkedRole(harness.Ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("ecs.amazonaws.com"),
			Description: aws.String(tc.region)}))(t).Role
		att = harness.Must(im.ListAttachedRolePolicies(harness.Ctx, &iam.ListAttachedRolePoliciesInput{RoleName: slr.RoleName}))(t)
		if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != prefix+"aws-service-role/AmazonECSServiceRolePolicy" {
			t.Errorf("%s: service-linked role's policies %+v", tc.region, att.AttachedPolicies)
		}
		harness.Must(im.DeleteServiceLinkedRole(harness.Ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: slr.RoleName}))(t)
		_, err := im.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String(prefix + "NoSuchPolicy")})
		harness.AssertError(t, err, "NoSuchEntity", 404, "Policy "+prefix+"NoSuchPolicy was not found.")
	}
	p := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/" + name)}))(t).Policy
	if aws.ToInt32(p.AttachmentCount) != 2 {
		t.Errorf("attachments counted across partitions: %d, want 2", aws.ToInt32(p.AttachmentCount))
	}
}
