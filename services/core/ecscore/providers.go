package ecscore

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// PickProvider chooses the capacity provider of a service's next task from
// the tasks each provider already runs: a provider below its base first,
// then the one whose share (beyond its base) falls furthest behind its
// weight. Ties go to the provider listed first.
func PickProvider(strategy []types.CapacityProviderStrategyItem, running map[string]int) string {
	for _, it := range strategy {
		if running[aws.ToString(it.CapacityProvider)] < int(it.Base) {
			return aws.ToString(it.CapacityProvider)
		}
	}
	best, bestScore := "", 0.0
	for _, it := range strategy {
		if it.Weight <= 0 {
			continue
		}
		name := aws.ToString(it.CapacityProvider)
		score := float64(running[name]-int(it.Base)+1) / float64(it.Weight)
		if best == "" || score < bestScore {
			best, bestScore = name, score
		}
	}
	if best == "" && len(strategy) > 0 {
		best = aws.ToString(strategy[0].CapacityProvider)
	}
	return best
}
