package docker

import (
	"testing"

	"github.com/docker/docker/api/types/container"

	"github.com/longshore/longshore/compat-tests/harness"
)

// foreignContainer creates (without starting) a container that Longshore did
// not start but whose ECS label names taskArn; the test removes it at the end.
func foreignContainer(t *testing.T, taskArn string) string {
	t.Helper()
	resp, err := cli.ContainerCreate(harness.Ctx, &container.Config{Image: testImage,
		Labels: map[string]string{"com.amazonaws.ecs.task-arn": taskArn + "-not-longshore"}}, nil, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.ContainerRemove(harness.Ctx, resp.ID, container.RemoveOptions{Force: true}) })
	return resp.ID
}
