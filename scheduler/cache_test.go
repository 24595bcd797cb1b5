package scheduler

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
)

func TestDocCacheDecodesOnlyChanges(t *testing.T) {
	h := newHarness(t)
	dc := newDocCache(ecscore.Tasks)
	put := func(id, status string) {
		task := &types.Task{TaskArn: aws.String(id), ClusterArn: aws.String(testCluster), LastStatus: aws.String(status)}
		h.write(func(c *api.Context) error {
			return ecscore.PutTask(c.Tx, testScope, task)
		})
	}
	list := func() []*types.Task {
		var out []*types.Task
		h.write(func(c *api.Context) (err error) { out, err = dc.List(c.Tx, testScope, testCluster); return })
		return out
	}
	put("a", "PENDING")
	put("b", "PENDING")
	first := list()
	second := list()
	if len(second) != 2 || first[0] != second[0] || first[1] != second[1] {
		t.Fatal("unchanged documents were decoded again")
	}
	put("b", "RUNNING")
	third := list()
	if third[0] != first[0] || third[1] == first[1] || aws.ToString(third[1].LastStatus) != "RUNNING" {
		t.Fatal("a changed document was not decoded again")
	}
	h.write(func(c *api.Context) error { _, err := ecscore.Tasks.Delete(c.Tx, testScope, "a"); return err })
	if got := list(); len(got) != 1 || len(dc.docs[parentKey{testScope, testCluster}]) != 1 {
		t.Fatalf("deleted document still cached: %d listed", len(got))
	}
}
