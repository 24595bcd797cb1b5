package appautoscaling

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// ecsServiceARN maps "service/CLUSTER/SERVICE" to the ECS service ARN.
func ecsServiceARN(sc store.Scope, resourceID string) string {
	return "arn:" + api.Partition(sc.Region) + ":ecs:" + sc.Region + ":" + sc.Account + ":" + resourceID
}

// ecsService loads the ECS service behind a resource ID; nil when there is no ACTIVE one.
func ecsService(tx *store.Tx, sc store.Scope, resourceID string) (*ecstypes.Service, error) {
	svc, err := ecscore.Services.Get(tx, sc, ecsServiceARN(sc, resourceID))
	if err != nil || svc == nil {
		return nil, err
	}
	if aws.ToString(svc.Status) != ecscore.ServiceActive {
		return nil, nil
	}
	return svc, nil
}

// currentCapacity is a target's capacity now: an ECS service's desired count,
// or the capacity Longshore keeps for targets it does not run.
func currentCapacity(tx *store.Tx, sc store.Scope, rec *targetRecord) (int32, error) {
	t := &rec.Target
	if t.ServiceNamespace == types.ServiceNamespaceEcs {
		svc, err := ecsService(tx, sc, aws.ToString(t.ResourceId))
		if err != nil || svc == nil {
			return 0, err
		}
		return svc.DesiredCount, nil
	}
	return rec.Capacity, nil
}

// setCapacity changes a target's capacity. For an ECS service it sets the
// service's desired count through ecscore.SetDesiredCount, which keeps its
// deployments and task sets consistent; the cluster manager then carries it out.
func setCapacity(tx *store.Tx, sc store.Scope, rec *targetRecord, n int32, now time.Time) error {
	t := &rec.Target
	if t.ServiceNamespace != types.ServiceNamespaceEcs {
		return nil
	}
	svc, err := ecsService(tx, sc, aws.ToString(t.ResourceId))
	if err != nil || svc == nil {
		return err
	}
	return ecscore.SetDesiredCount(tx, sc, svc, n, now)
}

// capacityNoun is how activities name a dimension's capacity ("desired count" for ECS).
func capacityNoun(dim types.ScalableDimension) string {
	switch {
	case dim == types.ScalableDimensionECSServiceDesiredCount:
		return "desired count"
	case strings.HasSuffix(string(dim), "ReadCapacityUnits"):
		return "read capacity units"
	case strings.HasSuffix(string(dim), "WriteCapacityUnits"):
		return "write capacity units"
	}
	return "desired capacity"
}

// fulfilledBy is the service activities say carried out a change.
func fulfilledBy(ns types.ServiceNamespace) string { return string(ns) }
