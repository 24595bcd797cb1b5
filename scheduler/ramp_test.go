package scheduler

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// TestBinpackRampFillsInstancesInTurn is the 100,000-task benchmark in
// small: 2,000 tasks of 4 services binpacked on 40 m5.xlarge instances.
func TestBinpackRampFillsInstancesInTurn(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"cluster":"default","instanceType":"m5.xlarge","count":40}`)
	if _, err := h.r.ControlRoutes(testRegion)[0].Handle(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	td := h.smallTaskDefinition()
	var arns []string
	for i := range 4 {
		arns = append(arns, h.service(fmt.Sprintf("svc-%d", i), td, 500, types.LaunchTypeEc2, func(s *types.Service) {
			s.PlacementStrategy = []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")}}
		}))
	}
	var heap heapWatch
	h.converge(t, &heap, arns...)
	h.pass() // instance counts follow the last state change
	perInstance := map[string]int{}
	for _, task := range h.tasks() {
		perInstance[aws.ToString(task.ContainerInstanceArn)]++
	}
	// 100 tasks of 40 CPU units fill an instance's 4,096: binpack uses 20 instances, full.
	if len(perInstance) != 20 {
		t.Fatalf("tasks on %d instances, want 20 full ones", len(perInstance))
	}
	h.write(func(c *api.Context) error {
		items, err := ecscore.ContainerInstances.List(c.Tx, testScope, store.Query{Parent: testCluster})
		for _, it := range items {
			ci := it.Doc
			n := perInstance[aws.ToString(ci.ContainerInstanceArn)]
			if int(ci.RunningTasksCount) != n || ci.RemainingResources[0].IntegerValue != int32(4096-40*n) ||
				ci.RemainingResources[1].IntegerValue < 0 {
				t.Fatalf("instance with %d tasks: running %d remaining %+v", n, ci.RunningTasksCount, ci.RemainingResources[:2])
			}
		}
		return err
	})
}
