package ecs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestValidationMessagePrintsValuesAsAWS checks that a list of structures in
// a validation message prints as AWS's Java front ends print it,
// ShapeName(member=value, ...), never Go pointers. Source: the form AWS
// answers for a list of structures, recorded in LocalStack's AWS-validated
// tests/aws/services/logs/test_logs_metric_filters.snapshot.json ("Value
// '[MetricTransformation(metricName=metric1, ..., dimensions=null), ...]' at
// 'metricTransformations' failed to satisfy constraint: Member must have length
// less than or equal to 1"), and the ECS model's Tags (max 50).
func TestValidationMessagePrintsValuesAsAWS(t *testing.T) {
	client := infraClient(t)
	cl := harness.CreateCluster(t, client, "tags51")
	tags := make([]types.Tag, 51)
	for i := range tags {
		tags[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String(fmt.Sprintf("v%d", i))}
	}
	_, err := client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: cl.ClusterArn, Tags: tags})
	ae := harness.AssertAPIError(t, err, "InvalidParameterException")
	msg := ae.ErrorMessage()
	if !strings.HasPrefix(msg, "1 validation error detected: Value '[Tag(key=k0, value=v0), Tag(key=k1, value=v1), ") ||
		!strings.HasSuffix(msg, "Tag(key=k50, value=v50)]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50") ||
		strings.Contains(msg, "0x") {
		t.Fatalf("message %q", msg)
	}
	out := harness.Must(client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: cl.ClusterArn}))(t)
	if len(out.Tags) != 0 {
		t.Fatalf("refused tags stored: %v", out.Tags)
	}
}
