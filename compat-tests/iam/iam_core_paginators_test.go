package iam_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestCorePaginators walks every remaining IAM list through the SDK's
// paginator one item per page and checks each sees every item once.
func TestCorePaginators(t *testing.T) {
	_, client := coreStart(t)
	const n = 3
	var policyArns []string
	coreCreateRole(t, client, "r")
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("p%d", i)
		p := harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(coreS3Read),
			Tags: []types.Tag{{Key: aws.String("k1"), Value: aws.String("v")}, {Key: aws.String("k2"), Value: aws.String("v")}, {Key: aws.String("k3"), Value: aws.String("v")}}}))(t)
		policyArns = append(policyArns, aws.ToString(p.Policy.Arn))
		harness.Must(client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: p.Policy.Arn}))(t)
		harness.Must(client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: p.Policy.Arn}))(t)
		harness.Must(client.AttachGroupPolicy(harness.Ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: p.Policy.Arn}))(t)
		harness.Must(client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(name), PolicyDocument: aws.String(coreS3Read)}))(t)
		harness.Must(client.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String(name), PolicyDocument: aws.String(coreS3Read)}))(t)
		harness.Must(client.PutGroupPolicy(harness.Ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String(name), PolicyDocument: aws.String(coreS3Read)}))(t)
		harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("g" + name)}))(t)
		harness.Must(client.AddUserToGroup(harness.Ctx, &iam.AddUserToGroupInput{UserName: aws.String("u"), GroupName: aws.String("g" + name)}))(t)
		harness.Must(client.TagRole(harness.Ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{{Key: aws.String(name), Value: aws.String("v")}}}))(t)
		harness.Must(client.CreateInstanceProfile(harness.Ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip" + name),
			Tags: []types.Tag{{Key: aws.String("k1"), Value: aws.String("v")}, {Key: aws.String("k2"), Value: aws.String("v")}, {Key: aws.String("k3"), Value: aws.String("v")}}}))(t)
	}
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u2")}))(t)
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u3")}))(t)
	for _, u := range []string{"u2", "u3"} {
		harness.Must(client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: aws.String(u), PolicyArn: aws.String(policyArns[0])}))(t)
	}
	harness.Must(client.AddRoleToInstanceProfile(harness.Ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ipp0"), RoleName: aws.String("r")}))(t)

	one := aws.Int32(1)
	cases := []struct {
		name string
		want int
		walk func() (int, error)
	}{
		{"ListAttachedUserPolicies", n, func() (int, error) {
			p := iam.NewListAttachedUserPoliciesPaginator(client, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("u"), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.AttachedPolicies) })
			})
		}},
		{"ListAttachedGroupPolicies", n, func() (int, error) {
			p := iam.NewListAttachedGroupPoliciesPaginator(client, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("g"), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.AttachedPolicies) })
			})
		}},
		{"ListUserPolicies", n, func() (int, error) {
			p := iam.NewListUserPoliciesPaginator(client, &iam.ListUserPoliciesInput{UserName: aws.String("u"), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.PolicyNames) })
			})
		}},
		{"ListGroupPolicies", n, func() (int, error) {
			p := iam.NewListGroupPoliciesPaginator(client, &iam.ListGroupPoliciesInput{GroupName: aws.String("g"), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.PolicyNames) })
			})
		}},
		{"ListGroupsForUser", n, func() (int, error) {
			p := iam.NewListGroupsForUserPaginator(client, &iam.ListGroupsForUserInput{UserName: aws.String("u"), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.Groups) })
			})
		}},
		{"ListEntitiesForPolicy", 3, func() (int, error) {
			p := iam.NewListEntitiesForPolicyPaginator(client, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(policyArns[0]), MaxItems: one,
				EntityFilter: types.EntityTypeUser})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.PolicyUsers) })
			})
		}},
		{"ListRoleTags", n, func() (int, error) {
			p := iam.NewListRoleTagsPaginator(client, &iam.ListRoleTagsInput{RoleName: aws.String("r"), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.Tags) })
			})
		}},
		{"ListPolicyTags", 3, func() (int, error) {
			p := iam.NewListPolicyTagsPaginator(client, &iam.ListPolicyTagsInput{PolicyArn: aws.String(policyArns[1]), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.Tags) })
			})
		}},
		{"ListInstanceProfileTags", 3, func() (int, error) {
			p := iam.NewListInstanceProfileTagsPaginator(client, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("ipp1"), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.Tags) })
			})
		}},
		{"ListInstanceProfilesForRole", 1, func() (int, error) {
			p := iam.NewListInstanceProfilesForRolePaginator(client, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("r"), MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.InstanceProfiles) })
			})
		}},
		{"ListPolicies Local", n, func() (int, error) {
			p := iam.NewListPoliciesPaginator(client, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: one})
			return coreCount(p.HasMorePages, func() (int, error) {
				o, err := p.NextPage(harness.Ctx)
				return coreLenOr(o, err, func() int { return len(o.Policies) })
			})
		}},
	}
	for _, c := range cases {
		got, err := c.walk()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else if got != c.want {
			t.Errorf("%s: saw %d items, want %d", c.name, got, c.want)
		}
	}
}

// count walks a paginator, adding up each page's items.
func coreCount(more func() bool, next func() (int, error)) (int, error) {
	total := 0
	for pages := 0; more(); pages++ {
		if pages > 100 {
			return total, fmt.Errorf("paginator does not end")
		}
		n, err := next()
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

func coreLenOr[T any](_ T, err error, n func() int) (int, error) {
	if err != nil {
		return 0, err
	}
	return n(), nil
}
