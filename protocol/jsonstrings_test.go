package protocol

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/model"
)

// Strings read from a body share one copy of it, never the caller's bytes
// (a store codec's are the driver's, valid only during the call), and each
// *string member points at a string of its own.
func TestDecodeJSONStringsOutliveTheBody(t *testing.T) {
	sh := model.MustLoad("ecs").Shapes["Task"]
	body := []byte(`{"taskArn":"arn:a","clusterArn":"arn:c","group":"g\u0041","overrides":{"containerOverrides":[{"name":"web","environment":[{"name":"K","value":"V"}]}]}}`)
	var task types.Task
	if err := DecodeJSON(sh, body, &task); err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'x'
	}
	env := task.Overrides.ContainerOverrides[0].Environment[0]
	got := []string{aws.ToString(task.TaskArn), aws.ToString(task.ClusterArn), aws.ToString(task.Group),
		aws.ToString(task.Overrides.ContainerOverrides[0].Name), aws.ToString(env.Name), aws.ToString(env.Value)}
	if want := []string{"arn:a", "arn:c", "gA", "web", "K", "V"}; !slices.Equal(got, want) {
		t.Fatalf("decoded %q, want %q", got, want)
	}
	*task.TaskArn = "changed"
	if aws.ToString(task.ClusterArn) != "arn:c" || aws.ToString(env.Name) != "K" {
		t.Errorf("members share a string: cluster %q, env %q", aws.ToString(task.ClusterArn), aws.ToString(env.Name))
	}
}
