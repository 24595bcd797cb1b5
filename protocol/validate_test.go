package protocol

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/model"
)

func TestValidateReportsInAWSWording(t *testing.T) {
	createRole := model.MustLoad("iam").Operations["CreateRole"].Input
	register := model.MustLoad("application-autoscaling").Operations["RegisterScalableTarget"].Input
	cases := []struct {
		name  string
		shape *model.Shape
		in    any
		want  []string
	}{
		{"valid", createRole, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String("{}")}, nil},
		{"missing required", createRole, &iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String("{}")},
			[]string{"Value null at 'roleName' failed to satisfy constraint: Member must not be null"}},
		{"pattern and length", createRole, &iam.CreateRoleInput{RoleName: aws.String(strings.Repeat("x", 65)), AssumeRolePolicyDocument: aws.String("{}")},
			[]string{"Value '" + strings.Repeat("x", 65) + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"}},
		{"range", createRole, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String("{}"), MaxSessionDuration: aws.Int32(60)},
			[]string{"Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"}},
		{"nested list member", createRole, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String("{}"),
			Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}, {Value: aws.String("c")}}},
			[]string{"Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null"}},
		{"enum", register, &applicationautoscaling.RegisterScalableTargetInput{ServiceNamespace: "nope", ResourceId: aws.String("service/c/s"),
			ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount},
			[]string{"Value 'nope' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [ecs, elasticmapreduce"}},
		{"missing enum", register, &applicationautoscaling.RegisterScalableTargetInput{ResourceId: aws.String("service/c/s"),
			ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount},
			[]string{"Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := Validate(c.shape, c.in)
			if len(vs) != len(c.want) {
				t.Fatalf("violations %v, want %d", vs, len(c.want))
			}
			for i, w := range c.want {
				if !strings.HasPrefix(vs[i].String(), w) {
					t.Errorf("got  %s\nwant %s", vs[i], w)
				}
			}
		})
	}
	msg := ValidationMessage([]Violation{{Path: "a", Value: "null", Constraint: "Member must not be null"}, {Path: "b", Value: "'x'", Constraint: "c"}})
	if msg != "2 validation errors detected: Value null at 'a' failed to satisfy constraint: Member must not be null; Value 'x' at 'b' failed to satisfy constraint: c" {
		t.Errorf("message %q", msg)
	}
}
