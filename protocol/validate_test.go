package protocol

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
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
			// AWS lists the values bucketed by Java hash, not in model order; a
			// 2020 response recorded against AWS (in moto's
			// applicationautoscaling/exceptions.py) begins "[appstream, rds, lambda, ...".
			[]string{"Value 'nope' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [appstream, rds, kafka, lambda, dynamodb, cassandra, custom-resource, elasticmapreduce, neptune, ec2, elasticache, ecs, comprehend, sagemaker, workspaces]"}},
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

// TestValidateRendersValuesAsJava checks that list, structure and map values
// print as AWS's Java front ends print them, never as Go values. The form is
// the one CloudWatch Logs answers for too many metric transformations
// (LocalStack's AWS-validated tests/aws/services/logs/test_logs_metric_filters.snapshot.json:
// "Value '[MetricTransformation(metricName=metric1, metricNamespace=namespace1,
// metricValue=1, defaultValue=null, unit=null, dimensions=null), ...]' at 'metricTransformations'")
// and Lambda for a list of strings ("Value '[x86_64, arm64]' at 'architectures'").
func TestValidateRendersValuesAsJava(t *testing.T) {
	tagResource := model.MustLoad("ecs").Operations["TagResource"].Input
	tags := make([]ecstypes.Tag, 51)
	for i := range tags {
		tags[i] = ecstypes.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
	}
	tags[1].Value = nil
	vs := Validate(tagResource, &ecs.TagResourceInput{ResourceArn: aws.String("arn"), Tags: tags})
	if len(vs) != 1 || !strings.HasPrefix(vs[0].Value, "'[Tag(key=k0, value=v), Tag(key=k1, value=null), Tag(key=k2, value=v), ") ||
		!strings.HasSuffix(vs[0].Value, ", Tag(key=k50, value=v)]'") || strings.Contains(vs[0].Value, "0x") {
		t.Fatalf("violations %v", vs)
	}
	// The members print in model order; AWS's recorded message prints unit
	// before dimensions, the model lists dimensions first.
	logs := model.MustLoad("logs")
	in := logs.Operations["PutMetricFilter"].Input
	mt := []logstypes.MetricTransformation{
		{MetricName: aws.String("metric1"), MetricNamespace: aws.String("namespace1"), MetricValue: aws.String("1")},
		{MetricName: aws.String("metric2"), MetricNamespace: aws.String("namespace2"), MetricValue: aws.String("1")},
	}
	vs = Validate(in, &cloudwatchlogs.PutMetricFilterInput{LogGroupName: aws.String("g"), FilterName: aws.String("f"),
		FilterPattern: aws.String(""), MetricTransformations: mt})
	want := "'[MetricTransformation(metricName=metric1, metricNamespace=namespace1, metricValue=1, defaultValue=null, dimensions=null, unit=null), " +
		"MetricTransformation(metricName=metric2, metricNamespace=namespace2, metricValue=1, defaultValue=null, dimensions=null, unit=null)]'"
	if len(vs) != 1 || vs[0].Value != want || vs[0].Path != "metricTransformations" {
		t.Fatalf("violations %v\nwant value %s", vs, want)
	}
}
