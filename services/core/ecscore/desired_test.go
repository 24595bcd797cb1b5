package ecscore

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestComputedDesiredCountRoundsUp(t *testing.T) {
	for _, tc := range []struct {
		desired int32
		scale   *types.Scale
		want    int32
	}{
		{4, nil, 4},
		{4, &types.Scale{Value: 50}, 2},
		{7, &types.Scale{Value: 50}, 4},
		{3, &types.Scale{Value: 33.4}, 2},
		{5, &types.Scale{Value: 0}, 0},
		{5, &types.Scale{Value: 100}, 5},
	} {
		if got := ComputedDesiredCount(tc.desired, tc.scale); got != tc.want {
			t.Errorf("%d × %+v = %d, want %d", tc.desired, tc.scale, got, tc.want)
		}
	}
}

func TestResizeServiceKeepsDeploymentsAndTaskSetsInStep(t *testing.T) {
	then, now := time.Unix(100, 0), time.Unix(200, 0)
	svc := &types.Service{DesiredCount: 2,
		Deployments: []types.Deployment{
			{Status: aws.String(DeploymentPrimary), DesiredCount: 2, UpdatedAt: aws.Time(then)},
			{Status: aws.String(DeploymentActive), DesiredCount: 1, UpdatedAt: aws.Time(then)}},
		CurrentServiceRevisions: []types.ServiceCurrentRevisionSummary{{RequestedTaskCount: 1}, {RequestedTaskCount: 2}},
		TaskSets: []types.TaskSet{
			{Status: aws.String(TaskSetPrimary), Scale: &types.Scale{Value: 50}, ComputedDesiredCount: 1},
			{Status: aws.String(TaskSetDraining), Scale: &types.Scale{Value: 100}, ComputedDesiredCount: 0}},
	}
	ResizeService(svc, 5, now)
	if svc.DesiredCount != 5 || svc.Deployments[0].DesiredCount != 5 || !svc.Deployments[0].UpdatedAt.Equal(now) {
		t.Errorf("primary deployment %+v", svc.Deployments[0])
	}
	if svc.Deployments[1].DesiredCount != 1 || !svc.Deployments[1].UpdatedAt.Equal(then) {
		t.Errorf("active deployment changed: %+v", svc.Deployments[1])
	}
	if svc.CurrentServiceRevisions[0].RequestedTaskCount != 1 || svc.CurrentServiceRevisions[1].RequestedTaskCount != 5 {
		t.Errorf("revisions %+v", svc.CurrentServiceRevisions)
	}
	if svc.TaskSets[0].ComputedDesiredCount != 3 || svc.TaskSets[1].ComputedDesiredCount != 0 {
		t.Errorf("task sets computed %d %d", svc.TaskSets[0].ComputedDesiredCount, svc.TaskSets[1].ComputedDesiredCount)
	}
}
