package ecs

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// missing is ECS's failure for a reference it does not know.
func missing(arn string) types.Failure {
	return types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")}
}

// describeByARN loads each ARN from a collection; an unknown one becomes a
// MISSING failure rather than an error, as ECS's Describe calls answer.
func describeByARN[T any](c *api.Context, coll store.Collection[T], arns []string) ([]T, []types.Failure, error) {
	found, failures := []T{}, []types.Failure{}
	for _, arn := range arns {
		doc, err := coll.Get(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, nil, err
		}
		if doc == nil {
			failures = append(failures, missing(arn))
			continue
		}
		found = append(found, *doc)
	}
	return found, failures, nil
}
