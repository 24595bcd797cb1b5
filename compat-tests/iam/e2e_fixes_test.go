package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

// CreateServiceLinkedRole stores only the description it is given: the
// Terraform provider reads Description back, and a default filled in by the
// server shows as a change on every plan.
func TestE2EServiceLinkedRoleKeepsGivenDescription(t *testing.T) {
	_, client := coreStart(t)
	cases := []struct{ service, description string }{
		{"ecs.amazonaws.com", ""},
		{"elasticloadbalancing.amazonaws.com", "for the web ALB"},
	}
	for _, c := range cases {
		in := &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(c.service)}
		if c.description != "" {
			in.Description = aws.String(c.description)
		}
		out := harness.Must(client.CreateServiceLinkedRole(harness.Ctx, in))(t)
		got := harness.Must(client.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: out.Role.RoleName}))(t)
		if aws.ToString(out.Role.Description) != c.description || aws.ToString(got.Role.Description) != c.description {
			t.Errorf("%s: created with %q, answered %q, read back %q", c.service, c.description,
				aws.ToString(out.Role.Description), aws.ToString(got.Role.Description))
		}
	}
}
