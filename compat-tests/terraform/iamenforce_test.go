package terraform_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// Terraform with a least-privilege user's keys: it reads the cluster the
// user may describe, and its create fails with AWS's AccessDenied text.
//
// With --enforce-iam (longshoretest.Options.EnforceIAM).
func TestTerraformLeastPrivilege(t *testing.T) {
	t.Parallel()
	ls := longshoretest.StartWith(t, longshoretest.Options{EnforceIAM: true})
	harness.CreateCluster(t, ecs.NewFromConfig(ls.Config), "team")
	root := iam.NewFromConfig(ls.Config)
	if _, err := root.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("tf")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: aws.String("tf"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:List*","ecs:Describe*"],` +
			`"Resource":"arn:aws:ecs:us-east-1:000000000000:cluster/team"}]}`)}); err != nil {
		t.Fatal(err)
	}
	ak, err := root.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("tf")})
	if err != nil {
		t.Fatal(err)
	}
	key, secret := aws.ToString(ak.AccessKey.AccessKeyId), aws.ToString(ak.AccessKey.SecretAccessKey)
	tf := harness.StartTerraform(t, ls, `
provider "aws" {
  alias                       = "dev"
  region                      = "us-east-1"
  access_key                  = "`+key+`"
  secret_key                  = "`+secret+`"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints {
    ecs = "`+ls.URL+`"
  }
}

data "aws_ecs_cluster" "team" {
  provider     = aws.dev
  cluster_name = "team"
}

output "team" {
  value = data.aws_ecs_cluster.team.arn
}

resource "aws_ecs_cluster" "other" {
  provider = aws.dev
  name     = "other"
}
`)
	out, code := tf.Run("apply", "-auto-approve", "-input=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	want := "AccessDeniedException: User: arn:aws:iam::000000000000:user/tf is not authorized to perform: ecs:CreateCluster on resource: * " +
		"because no identity-based policy allows the ecs:CreateCluster action"
	if code == 0 || !strings.Contains(flat, want) {
		t.Fatalf("apply (exit %d) does not show the denial:\n%s", code, out)
	}
	if !strings.Contains(flat, "data.aws_ecs_cluster.team: Read complete") {
		t.Fatalf("the allowed read did not complete:\n%s", out)
	}
}
