package terraform_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// iamConfig is what a platform team writes for people and CI: users in
// groups, access keys, a customer managed policy, inline policies, GitHub's
// OIDC provider with a role CI assumes, and the ECS service-linked role.
const iamConfig = `
data "aws_caller_identity" "me" {}

data "aws_iam_policy_document" "read_buckets" {
  statement {
    sid       = "ReadBuckets"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::team-*", "arn:aws:s3:::team-*/*"]
  }
}

resource "aws_iam_group" "developers" {
  name = "developers"
  path = "/teams/"
}

resource "aws_iam_group" "oncall" {
  name = "oncall"
}

resource "aws_iam_user" "alice" {
  name = "alice"
  path = "/teams/"
  tags = { team = "web" }
}

resource "aws_iam_user" "bob" {
  name          = "bob"
  force_destroy = true
}

resource "aws_iam_group_membership" "developers" {
  name  = "developers-membership"
  group = aws_iam_group.developers.name
  users = [aws_iam_user.alice.name, aws_iam_user.bob.name]
}

resource "aws_iam_user_group_membership" "alice_oncall" {
  user   = aws_iam_user.alice.name
  groups = [aws_iam_group.oncall.name]
}

resource "aws_iam_access_key" "alice" {
  user = aws_iam_user.alice.name
}

resource "aws_iam_policy" "read_buckets" {
  name        = "read-team-buckets"
  path        = "/teams/"
  description = "Read the team buckets"
  policy      = data.aws_iam_policy_document.read_buckets.json
  tags        = { team = "web" }
}

resource "aws_iam_group_policy_attachment" "developers_read" {
  group      = aws_iam_group.developers.name
  policy_arn = aws_iam_policy.read_buckets.arn
}

resource "aws_iam_user_policy_attachment" "bob_s3" {
  user       = aws_iam_user.bob.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}

resource "aws_iam_user_policy" "alice_logs" {
  name = "read-logs"
  user = aws_iam_user.alice.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:GetLogEvents"], Resource = "*" }]
  })
}

resource "aws_iam_group_policy" "oncall_ecs" {
  name  = "describe-ecs"
  group = aws_iam_group.oncall.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ecs:Describe*", "ecs:List*"], Resource = "*" }]
  })
}

resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
  tags            = { purpose = "ci" }
}

resource "aws_iam_role" "ci" {
  name                 = "github-deploy"
  max_session_duration = 7200
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:example/web:*" }
      }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "ci_read" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.read_buckets.arn
}

resource "aws_iam_service_linked_role" "ecs" {
  aws_service_name = "ecs.amazonaws.com"
}

output "account" {
  value = data.aws_caller_identity.me.account_id
}
`

// An IAM-only configuration applies, plans clean (with a second policy
// version made outside Terraform) and destroys to nothing.
func TestTerraformIAM(t *testing.T) {
	t.Parallel()
	ls := harness.Start(t)
	tf := harness.StartTerraform(t, ls, iamConfig)
	c := iam.NewFromConfig(ls.Config)
	tf.ApplyPlanDestroy(func() {
		checkIAMApplied(t, c)
		// A second version of the same document, made outside Terraform, is
		// no change for the provider, and destroy must delete it first.
		policyArn := "arn:aws:iam::000000000000:policy/teams/read-team-buckets"
		v, err := c.CreatePolicyVersion(harness.Ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(policyArn), SetAsDefault: true,
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"ReadBuckets","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::team-*","arn:aws:s3:::team-*/*"]}]}`)})
		if err != nil || aws.ToString(v.PolicyVersion.VersionId) != "v2" {
			t.Fatalf("CreatePolicyVersion: %+v %v", v, err)
		}
	})
	checkIAMEmpty(t, c)
}

func checkIAMApplied(t *testing.T, c *iam.Client) {
	t.Helper()
	ctx := harness.Ctx
	g, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("developers")})
	if err != nil || len(g.Users) != 2 || aws.ToString(g.Group.Arn) != "arn:aws:iam::000000000000:group/teams/developers" {
		t.Errorf("developers group: %+v %v", g, err)
	}
	groups, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("alice")})
	if err != nil || len(groups.Groups) != 2 {
		t.Errorf("alice's groups: %+v %v", groups, err)
	}
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("alice")})
	if err != nil || len(keys.AccessKeyMetadata) != 1 || keys.AccessKeyMetadata[0].Status != iamtypes.StatusTypeActive {
		t.Errorf("alice's keys: %+v %v", keys, err)
	}
	p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::000000000000:policy/teams/read-team-buckets")})
	if err != nil || aws.ToString(p.Policy.DefaultVersionId) != "v1" || aws.ToInt32(p.Policy.AttachmentCount) != 2 {
		t.Errorf("policy: %+v %v", p, err)
	}
	r, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
	if err != nil || aws.ToString(r.Role.Path) != "/aws-service-role/ecs.amazonaws.com/" {
		t.Errorf("service-linked role: %+v %v", r, err)
	}
	oidc, err := c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(oidc.OpenIDConnectProviderList) != 1 ||
		aws.ToString(oidc.OpenIDConnectProviderList[0].Arn) != "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("OIDC providers: %+v %v", oidc, err)
	}
}

// checkIAMEmpty lists every kind of entity the configuration made.
func checkIAMEmpty(t *testing.T, c *iam.Client) {
	t.Helper()
	ctx := harness.Ctx
	users, err := c.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil || len(users.Users) != 0 {
		t.Errorf("users left: %+v %v", users, err)
	}
	groups, err := c.ListGroups(ctx, &iam.ListGroupsInput{})
	if err != nil || len(groups.Groups) != 0 {
		t.Errorf("groups left: %+v %v", groups, err)
	}
	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(roles.Roles) != 0 {
		t.Errorf("roles left: %+v %v", roles, err)
	}
	policies, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
	if err != nil || len(policies.Policies) != 0 {
		t.Errorf("policies left: %+v %v", policies, err)
	}
	oidc, err := c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(oidc.OpenIDConnectProviderList) != 0 {
		t.Errorf("OIDC providers left: %+v %v", oidc, err)
	}
}
