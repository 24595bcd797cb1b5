package scheduler

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/core/placement"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/store"
)

// ReasonCapacityTimeout is the stopped reason of a task that waited for
// capacity longer than Timings.CapacityWait.
const ReasonCapacityTimeout = "Task stopped because no capacity became available for it within the time allowed."

// MaxWaitingTasks is how many tasks of a cluster may wait for capacity at
// once, as on ECS; beyond it tasks fail to place as without a provider.
const MaxWaitingTasks = 100

// AutoScalingProvider reports whether a capacity provider name may be one
// backed by an Auto Scaling group (anything but the FARGATE ones).
func AutoScalingProvider(name string) bool {
	return name != "" && !strings.HasPrefix(name, "FARGATE")
}

// ProviderWaits reports whether tasks launched through a capacity provider
// wait for capacity rather than fail to place: as on ECS, only through an
// Auto Scaling group provider with managed scaling turned on.
func ProviderWaits(tx *store.Tx, sc store.Scope, name string) (bool, error) {
	if !AutoScalingProvider(name) {
		return false, nil
	}
	cp, err := ecscore.CapacityProviders.Get(tx, sc, name)
	if err != nil || cp == nil || cp.AutoScalingGroupProvider == nil {
		return false, err
	}
	ms := cp.AutoScalingGroupProvider.ManagedScaling
	return cp.Status == types.CapacityProviderStatusActive && ms != nil && ms.Status == types.ManagedScalingStatusEnabled, nil
}

// countWaiting counts the tasks waiting for capacity.
func countWaiting(ts []*types.Task) int {
	n := 0
	for _, t := range ts {
		if WaitingForCapacity(t) {
			n++
		}
	}
	return n
}

// providerWaits is ProviderWaits for this pass, within MaxWaitingTasks.
func (p *clusterPass) providerWaits(name string) (bool, error) {
	if countWaiting(p.tasks)+p.waitingAdded >= MaxWaitingTasks {
		return false, nil
	}
	return ProviderWaits(p.c.Tx, p.c.Scope(), name)
}

// WaitingForCapacity reports whether a task was launched through an Auto
// Scaling group capacity provider and waits, PROVISIONING, for an instance
// with room: as on ECS, it stays so until one registers.
func WaitingForCapacity(t *types.Task) bool {
	return ecscore.Live(t) && aws.ToString(t.LastStatus) == ecscore.TaskProvisioning && aws.ToString(t.ContainerInstanceArn) == "" &&
		t.LaunchType != types.LaunchTypeFargate && t.LaunchType != types.LaunchTypeExternal &&
		AutoScalingProvider(aws.ToString(t.CapacityProviderName))
}

// providerCandidates are the instances a task of a capacity provider may be
// placed on: those of that provider and those registered without one.
func providerCandidates(all []*placement.Instance, provider string) []*placement.Instance {
	if provider == "" {
		return all
	}
	out := make([]*placement.Instance, 0, len(all))
	for _, in := range all {
		if name := aws.ToString(in.Doc.CapacityProviderName); name == "" || name == provider {
			out = append(out, in)
		}
	}
	return out
}

// placeWaiting places the tasks waiting for capacity, oldest first, on the
// instances that now have room; a placed task goes on from PROVISIONING as a
// new one would (ECS's createdAt is when a task enters PENDING). Tasks that
// waited past Timings.CapacityWait stop.
func (p *clusterPass) placeWaiting(services map[string]*types.Service) error {
	var waiting []*types.Task
	for _, t := range p.tasks {
		if WaitingForCapacity(t) {
			waiting = append(waiting, t)
		}
	}
	slices.SortStableFunc(waiting, func(a, b *types.Task) int { return aws.ToTime(a.CreatedAt).Compare(aws.ToTime(b.CreatedAt)) })
	for _, t := range waiting {
		if limit := p.r.timings.CapacityWait; limit > 0 {
			deadline := aws.ToTime(t.CreatedAt).Add(limit)
			if !deadline.After(p.now) {
				p.stop(t, types.TaskStopCodeTaskFailedToStart, ReasonCapacityTimeout)
				continue
			}
			p.wake(deadline)
		}
		td := p.tds[aws.ToString(t.TaskDefinitionArn)]
		if td == nil {
			continue
		}
		group := aws.ToString(t.Group)
		opts := placement.Options{Constraints: taskDefinitionConstraints(td), RequiresAttributes: td.RequiresAttributes}
		if svc := services[group]; svc != nil {
			opts.Constraints = append(opts.Constraints, svc.PlacementConstraints...)
			opts.Strategies = svc.PlacementStrategy
		}
		cands := providerCandidates(p.instances, aws.ToString(t.CapacityProviderName))
		if len(cands) == 0 {
			continue
		}
		a, _, err := p.r.placer.place(placement.DemandOf(td, group), cands, opts)
		if err != nil || a == nil {
			continue // still no room (or a constraint that does not parse): keep waiting
		}
		t.ContainerInstanceArn = aws.String(a.Instance.ARN)
		if t.AvailabilityZone == nil {
			if zone := a.Instance.Attributes["ecs.availability-zone"]; zone != "" {
				t.AvailabilityZone = aws.String(zone)
			}
		}
		if len(a.HostPorts) > 0 {
			bindPorts(t, td, a.HostPorts)
		}
		t.CreatedAt = aws.Time(p.now)
		t.Version++
		a.Instance.Tasks = append(a.Instance.Tasks, t)
		p.dirty[t] = true
		p.wake(p.now)
	}
	return nil
}

// waitForCapacity launches a service task that fits on no instance yet
// without one: it waits, PROVISIONING, for an instance of its capacity
// provider to register.
func (p *clusterPass) waitForCapacity(spec ecs.TaskSpec) (*types.Task, error) {
	spec.ContainerInstanceArn, spec.AvailabilityZone = "", ""
	return ecs.NewTask(p.c, spec)
}
