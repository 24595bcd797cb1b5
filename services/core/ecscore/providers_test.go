package ecscore

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestPickProviderBaseThenWeight(t *testing.T) {
	strategy := []types.CapacityProviderStrategyItem{
		{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1},
		{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
	}
	running := map[string]int{}
	var order []string
	for range 9 {
		p := PickProvider(strategy, running)
		running[p]++
		order = append(order, p)
	}
	if running["FARGATE"] != 3 || running["FARGATE_SPOT"] != 6 || order[0] != "FARGATE" {
		t.Fatalf("order %v counts %v", order, running)
	}
	// A replacement restores the base first.
	running["FARGATE"] = 0
	if p := PickProvider(strategy, running); p != "FARGATE" {
		t.Fatalf("replacement went to %s", p)
	}
	if p := PickProvider([]types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("A")}}, nil); p != "A" {
		t.Fatalf("zero weights: %s", p)
	}
}
