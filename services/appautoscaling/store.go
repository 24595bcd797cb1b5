package appautoscaling

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// The Application Auto Scaling collections.
var (
	// Targets: id = targetKey, Parent = namespace, Name = resource id, Attr = dimension.
	Targets = store.Collection[targetRecord]{Kind: "appautoscaling/target"}
	// Policies: id = targetKey + policy name, Parent = namespace, Name = resource id,
	// Status = policy name, Attr = policy ARN.
	Policies = store.Collection[policyRecord]{Kind: "appautoscaling/policy"}
	// Scheduled: id = targetKey + action name, Parent = namespace, Name = resource id, Status = action name.
	Scheduled = store.Collection[scheduledRecord]{Kind: "appautoscaling/scheduled-action"}
	// Activities: id = activity id, Parent = namespace, Name = resource id, Attr = dimension.
	Activities = store.Collection[types.ScalingActivity]{Kind: "appautoscaling/activity"}
	// Tags: id = scalable target ARN.
	Tags = store.Collection[map[string]string]{Kind: "appautoscaling/tags"}
)

// targetRecord is a scalable target and the scaling state Longshore keeps for it.
type targetRecord struct {
	Target types.ScalableTarget
	// Capacity is the current capacity of targets Longshore does not run (all but ECS services).
	Capacity int32
	// LastScaleOut and LastScaleIn are when dynamic scaling last changed the capacity.
	LastScaleOut, LastScaleIn time.Time
	// LastNotScaled is the reason code of the last not-scaled activity, until the target scales.
	LastNotScaled string
}

// policyRecord is a scaling policy and when it last scaled.
type policyRecord struct {
	Policy       types.ScalingPolicy
	LastScaledAt time.Time
}

// scheduledRecord is a scheduled action and how far its schedule has been
// followed. Schedules run on a clock that starts at Anchor (the last put) and
// goes time-scale times faster than real time.
type scheduledRecord struct {
	Action      types.ScheduledAction
	Anchor      time.Time
	LastVirtual time.Time
}

// targetKey identifies a scalable target within a scope.
func targetKey(ns types.ServiceNamespace, dim types.ScalableDimension, resourceID string) string {
	return string(ns) + "|" + string(dim) + "|" + resourceID
}

// targetItemKey identifies a named item of a scalable target (a scaling
// policy or a scheduled action) within a scope.
func targetItemKey(ns types.ServiceNamespace, dim types.ScalableDimension, resourceID, name string) string {
	return targetKey(ns, dim, resourceID) + "|" + name
}

func targetIndex(t *types.ScalableTarget) store.Index {
	return store.Index{Parent: string(t.ServiceNamespace), Name: aws.ToString(t.ResourceId), Attr: string(t.ScalableDimension)}
}

func policyIndex(p *types.ScalingPolicy) store.Index {
	return store.Index{Parent: string(p.ServiceNamespace), Name: aws.ToString(p.ResourceId), Status: aws.ToString(p.PolicyName), Attr: aws.ToString(p.PolicyARN)}
}

func scheduledIndex(a *types.ScheduledAction) store.Index {
	return store.Index{Parent: string(a.ServiceNamespace), Name: aws.ToString(a.ResourceId), Status: aws.ToString(a.ScheduledActionName)}
}

// uuid returns a random version 4 UUID.
func uuid() string {
	h := []byte(api.HexID(32))
	h[12] = '4'
	h[16] = "89ab"[h[16]%4]
	s := string(h)
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// targetARN builds a scalable target ARN.
func targetARN(sc store.Scope) string {
	return "arn:" + api.Partition(sc.Region) + ":application-autoscaling:" + sc.Region + ":" + sc.Account + ":scalable-target/" + api.HexID(36)
}

// policyARN builds a scaling policy ARN, as AWS does under the autoscaling service.
func policyARN(sc store.Scope, ns types.ServiceNamespace, resourceID, name string) string {
	return "arn:" + api.Partition(sc.Region) + ":autoscaling:" + sc.Region + ":" + sc.Account + ":scalingPolicy:" + uuid() + ":resource/" + string(ns) + "/" + resourceID + ":policyName/" + name
}

// scheduledActionARN builds a scheduled action ARN.
func scheduledActionARN(sc store.Scope, ns types.ServiceNamespace, resourceID, name string) string {
	return "arn:" + api.Partition(sc.Region) + ":autoscaling:" + sc.Region + ":" + sc.Account + ":scheduledAction:" + uuid() + ":resource/" + string(ns) + "/" + resourceID + ":scheduledActionName/" + name
}
