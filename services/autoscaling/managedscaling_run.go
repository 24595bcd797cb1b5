package autoscaling

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/services/core/catalog"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/core/placement"
	"github.com/longshore/longshore/store"
)

// ScaleInDelay is how long the reservation must stay below the target before
// managed scaling removes instances: the 15 one-minute datapoints of the
// target tracking policy's low alarm.
const ScaleInDelay = 15 * time.Minute

// managedPolicyPrefix names the target tracking policy ECS puts on a group.
const managedPolicyPrefix = "ECSManagedAutoScalingPolicy-"

// scaleInGate says when a reservation below target has lasted long enough to scale in.
type scaleInGate struct {
	below time.Time
}

// observe records one evaluation and reports whether scale-in may happen now.
func (g *scaleInGate) observe(now time.Time, below bool, delay time.Duration) bool {
	if !below {
		g.below = time.Time{}
		return false
	}
	if g.below.IsZero() {
		g.below = now
	}
	return !now.Before(g.below.Add(delay))
}

// managedScaling is ECS managed scaling: per capacity provider, the
// reservation metric and the group's desired capacity.
type managedScaling struct {
	gates     map[string]*scaleInGate
	published map[string]publishedReservation
}

// publishedReservation is the last CapacityProviderReservation datapoint a
// capacity provider published.
type publishedReservation struct {
	bucket time.Time
	value  float64
}

func newManagedScaling() *managedScaling {
	return &managedScaling{gates: map[string]*scaleInGate{}, published: map[string]publishedReservation{}}
}

// run evaluates every capacity provider of a scope that uses one of its groups.
func (ms *managedScaling) run(c *api.Context, e *Engine) error {
	providers, err := ecscore.CapacityProviders.List(c.Tx, c.Scope(), store.Query{Status: string(ecstypes.CapacityProviderStatusActive)})
	if err != nil || len(providers) == 0 {
		return err
	}
	clusters, err := ecscore.Clusters.List(c.Tx, c.Scope(), store.Query{Status: "ACTIVE"})
	if err != nil {
		return err
	}
	for _, p := range providers {
		cp := p.Doc
		asg := cp.AutoScalingGroupProvider
		if asg == nil {
			continue
		}
		for _, cl := range clusters {
			if !containsString(cl.Doc.CapacityProviders, aws.ToString(cp.Name)) {
				continue
			}
			if err := ms.provider(c, e, cp, cl.Doc); err != nil {
				return err
			}
		}
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// provider runs managed scaling and termination protection for one provider in one cluster.
func (ms *managedScaling) provider(c *api.Context, e *Engine, cp *ecstypes.CapacityProvider, cl *ecstypes.Cluster) error {
	asg := cp.AutoScalingGroupProvider
	groupArn := aws.ToString(asg.AutoScalingGroupArn)
	doc, err := loadGroup(c, GroupNameFromARN(groupArn))
	if err != nil || doc == nil || doc.Deleting || aws.ToString(doc.Group.AutoScalingGroupARN) != groupArn {
		return err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	view, err := ms.observe(c, e.EC2, doc, cp, clusterArn)
	if err != nil {
		return err
	}
	if asg.ManagedTerminationProtection == ecstypes.ManagedTerminationProtectionEnabled {
		if err := protectBusy(c, view); err != nil {
			return err
		}
	}
	msc := asg.ManagedScaling
	if msc == nil || msc.Status != ecstypes.ManagedScalingStatusEnabled {
		return nil
	}
	m := InstancesNeeded(view.input)
	n := view.input.Running
	reservation := Reservation(m, n)
	key := c.Scope().Account + "/" + c.Region + "/" + clusterArn + "/" + aws.ToString(cp.Name)
	bucket := c.Now().Truncate(max(e.scaled(time.Minute), time.Millisecond))
	// A new minute gets a datapoint, and so does a change within the minute:
	// on a scaled clock a group can fill within one minute, and the tasks
	// that waited for it must still show in the metric.
	if last := ms.published[key]; bucket.After(last.bucket) || reservation != last.value {
		if err := cloudwatch.Publish(c.Tx, c.Scope(), cloudwatch.Datum{Namespace: "AWS/ECS/ManagedScaling", MetricName: "CapacityProviderReservation",
			Dimensions: []cwtypes.Dimension{{Name: aws.String("CapacityProviderName"), Value: cp.Name}, {Name: aws.String("ClusterName"), Value: cl.ClusterName}},
			Time:       bucket, Value: reservation, Unit: cwtypes.StandardUnitPercent}); err != nil {
			return err
		}
		ms.published[key] = publishedReservation{bucket: bucket, value: reservation}
	}
	policy, err := ensureManagedPolicy(c, doc, cp, cl)
	if err != nil {
		return err
	}
	settings := ScalingSettings{TargetCapacity: aws.ToInt32(msc.TargetCapacity), MinimumScalingStepSize: aws.ToInt32(msc.MinimumScalingStepSize),
		MaximumScalingStepSize: aws.ToInt32(msc.MaximumScalingStepSize), GroupMin: aws.ToInt32(doc.Group.MinSize), GroupMax: aws.ToInt32(doc.Group.MaxSize)}
	next := NextCapacity(m, n, settings)
	desired := aws.ToInt32(doc.Group.DesiredCapacity)
	gate := ms.gates[key]
	if gate == nil {
		gate = &scaleInGate{}
		ms.gates[key] = gate
	}
	canScaleIn := gate.observe(c.Now(), reservation < float64(settings.TargetCapacity), e.scaled(ScaleInDelay))
	alarm := "TargetTracking-" + aws.ToString(doc.Group.AutoScalingGroupName) + "-Alarm"
	id := strings.TrimPrefix(aws.ToString(policy.PolicyName), managedPolicyPrefix)
	switch {
	case next > desired && int32(n) >= desired:
		return changeDesired(c, doc, next, "a monitor alarm "+alarm+"High-"+id+" in state ALARM triggered policy "+aws.ToString(policy.PolicyName))
	case next < desired && canScaleIn && !suspended(&doc.Group, "AlarmNotification"):
		gate.below = time.Time{}
		return changeDesired(c, doc, next, "a monitor alarm "+alarm+"Low-"+id+" in state ALARM triggered policy "+aws.ToString(policy.PolicyName))
	}
	return nil
}

// providerView is a provider's group as managed scaling sees it.
type providerView struct {
	input ReservationInput
	// registered maps container instance ARNs of the group to their members, and busy marks those with tasks.
	registered map[string]*member
	busy       map[string]bool
}

// observe gathers M's inputs: the group's instances, their tasks, and the
// tasks waiting for this provider (PROVISIONING tasks without an instance,
// and the tasks services still lack).
func (ms *managedScaling) observe(c *api.Context, ec Compute, doc *groupDoc, cp *ecstypes.CapacityProvider, clusterArn string) (*providerView, error) {
	name := aws.ToString(cp.Name)
	members, err := groupMembers(c, aws.ToString(doc.Group.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	v := &providerView{registered: map[string]*member{}, busy: map[string]bool{}}
	itype := ""
	for _, m := range members {
		if !counted(m) {
			continue
		}
		v.input.Running++
		itype = aws.ToString(m.InstanceType)
		if m.ContainerInstanceArn != "" && m.ClusterArn == clusterArn {
			v.registered[m.ContainerInstanceArn] = m
		} else if m.ContainerInstanceArn == "" {
			v.input.Booting++
		}
	}
	if itype == "" {
		if t, err := groupTemplate(c, ec, &doc.Group); err == nil {
			itype = instanceType(&doc.Group, t)
		}
	}
	v.input.New = binOf(itype)
	services, err := ecscore.Services.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn})
	if err != nil {
		return nil, err
	}
	daemons := map[string]bool{}
	for _, s := range services {
		if s.Doc.SchedulingStrategy == ecstypes.SchedulingStrategyDaemon {
			daemons["service:"+aws.ToString(s.Doc.ServiceName)] = true
		}
	}
	tasks, err := ecscore.Tasks.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn})
	if err != nil {
		return nil, err
	}
	tds := map[string]*ecstypes.TaskDefinition{}
	taskDef := func(arn string) (*ecstypes.TaskDefinition, error) {
		if td, ok := tds[arn]; ok {
			return td, nil
		}
		td, err := ecscore.TaskDefinitions.Get(c.Tx, c.Scope(), arn)
		tds[arn] = td
		return td, err
	}
	used := map[string]*Bin{}
	liveByGroup := map[string]map[string]int{}
	distinct := distinctGroups(services)
	v.input.New.Distinct = distinct
	for _, it := range tasks {
		t := it.Doc
		if aws.ToString(t.LastStatus) == ecscore.TaskStopped {
			continue
		}
		group := aws.ToString(t.Group)
		if ecscore.Live(t) {
			if liveByGroup[group] == nil {
				liveByGroup[group] = map[string]int{}
			}
			liveByGroup[group][aws.ToString(t.CapacityProviderName)]++
		}
		ci := aws.ToString(t.ContainerInstanceArn)
		if ci == "" {
			if ecscore.Live(t) && aws.ToString(t.CapacityProviderName) == name && aws.ToString(t.LastStatus) == ecscore.TaskProvisioning {
				td, err := taskDef(aws.ToString(t.TaskDefinitionArn))
				if err != nil {
					return nil, err
				}
				if td != nil {
					v.input.Waiting = append(v.input.Waiting, demandOf(td, t))
				}
			}
			continue
		}
		if _, ok := v.registered[ci]; !ok {
			continue
		}
		if !daemons[group] {
			v.busy[ci] = true
		}
		b := used[ci]
		if b == nil {
			b = &Bin{}
			used[ci] = b
		}
		cpu, _ := strconv.ParseInt(aws.ToString(t.Cpu), 10, 64)
		mem, _ := strconv.ParseInt(aws.ToString(t.Memory), 10, 64)
		b.CPU += cpu
		b.Memory += mem
		if distinct[group] {
			if b.Groups == nil {
				b.Groups = map[string]bool{}
			}
			b.Groups[group] = true
		}
		for _, a := range t.Attachments {
			if aws.ToString(a.Type) == "ElasticNetworkInterface" {
				b.ENIs++
			}
		}
	}
	// Services short of tasks wait for capacity too; a strategy shares them out by base and weight.
	for _, s := range services {
		svc := s.Doc
		if aws.ToString(svc.Status) != "ACTIVE" || svc.SchedulingStrategy == ecstypes.SchedulingStrategyDaemon {
			continue
		}
		strategy := svc.CapacityProviderStrategy
		if !usesProvider(strategy, name) {
			continue
		}
		group := "service:" + aws.ToString(svc.ServiceName)
		byProvider := map[string]int{}
		live := 0
		for p, n := range liveByGroup[group] {
			byProvider[p] = n
			live += n
		}
		missing := int(svc.DesiredCount) - live
		if missing <= 0 {
			continue
		}
		td, err := taskDef(aws.ToString(svc.TaskDefinition))
		if err != nil {
			return nil, err
		}
		if td == nil {
			continue
		}
		for range missing {
			p := ecscore.PickProvider(strategy, byProvider)
			byProvider[p]++
			if p == name {
				v.input.Waiting = append(v.input.Waiting, placement.DemandOf(td, group))
			}
		}
	}
	for arn, m := range v.registered {
		if v.busy[arn] {
			v.input.Busy++
		}
		room := binOf(aws.ToString(m.InstanceType))
		room.Distinct = distinct
		if u := used[arn]; u != nil {
			room.CPU -= u.CPU
			room.Memory -= u.Memory
			room.ENIs -= u.ENIs
			room.Groups = u.Groups
		}
		v.input.Free = append(v.input.Free, room)
		v.input.FreeBusy = append(v.input.FreeBusy, v.busy[arn])
	}
	return v, nil
}

// distinctGroups are the task groups of services placed one task per instance.
func distinctGroups(services []store.Item[ecstypes.Service]) map[string]bool {
	out := map[string]bool{}
	for _, s := range services {
		for _, pc := range s.Doc.PlacementConstraints {
			if pc.Type == ecstypes.PlacementConstraintTypeDistinctInstance {
				out["service:"+aws.ToString(s.Doc.ServiceName)] = true
			}
		}
	}
	return out
}

func usesProvider(strategy []ecstypes.CapacityProviderStrategyItem, name string) bool {
	for _, it := range strategy {
		if aws.ToString(it.CapacityProvider) == name {
			return true
		}
	}
	return false
}

// demandOf is a task's demand with its own cpu and memory (overrides included).
func demandOf(td *ecstypes.TaskDefinition, t *ecstypes.Task) placement.Demand {
	d := placement.DemandOf(td, aws.ToString(t.Group))
	if v, err := strconv.ParseInt(aws.ToString(t.Cpu), 10, 64); err == nil {
		d.CPU = v
	}
	if v, err := strconv.ParseInt(aws.ToString(t.Memory), 10, 64); err == nil {
		d.Memory = v
	}
	return d
}

// binOf is the room an instance type offers tasks, as its agent registers it.
func binOf(instanceType string) Bin {
	it, ok := catalog.LookupInstanceType(instanceType)
	if !ok {
		return Bin{CPU: 2048, Memory: 3896, ENIs: 2}
	}
	return Bin{CPU: int64(it.RegisteredCPU()), Memory: int64(it.RegisteredMemory()), ENIs: it.TaskENIs()}
}

// protectBusy is managed termination protection: instances that run tasks
// are protected from scale-in, idle ones are not.
func protectBusy(c *api.Context, v *providerView) error {
	for arn, m := range v.registered {
		want := v.busy[arn]
		if aws.ToBool(m.ProtectedFromScaleIn) != want {
			m.ProtectedFromScaleIn = aws.Bool(want)
			if err := putMember(c, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// ensureManagedPolicy returns the target tracking policy ECS keeps on a
// provider's group, creating it on first use.
func ensureManagedPolicy(c *api.Context, doc *groupDoc, cp *ecstypes.CapacityProvider, cl *ecstypes.Cluster) (*types.ScalingPolicy, error) {
	group := aws.ToString(doc.Group.AutoScalingGroupName)
	items, err := Policies.List(c.Tx, c.Scope(), store.Query{Parent: group})
	if err != nil {
		return nil, err
	}
	target := float64(aws.ToInt32(cp.AutoScalingGroupProvider.ManagedScaling.TargetCapacity))
	for _, it := range items {
		if strings.HasPrefix(aws.ToString(it.Doc.PolicyName), managedPolicyPrefix) {
			p := it.Doc
			if tt := p.TargetTrackingConfiguration; tt != nil && aws.ToFloat64(tt.TargetValue) != target {
				tt.TargetValue = aws.Float64(target)
				if err := Policies.Put(c.Tx, c.Scope(), it.ID, store.Index{Parent: group, Name: aws.ToString(p.PolicyName), Attr: aws.ToString(p.PolicyARN)}, p); err != nil {
					return nil, err
				}
			}
			return p, nil
		}
	}
	name := managedPolicyPrefix + newUUID()
	p := &types.ScalingPolicy{AutoScalingGroupName: aws.String(group), PolicyName: aws.String(name), PolicyARN: aws.String(policyARN(c, group, name)),
		PolicyType: aws.String(PolicyTargetTracking), Enabled: aws.Bool(true), StepAdjustments: []types.StepAdjustment{}, Alarms: []types.Alarm{},
		TargetTrackingConfiguration: &types.TargetTrackingConfiguration{TargetValue: aws.Float64(target), DisableScaleIn: aws.Bool(false),
			CustomizedMetricSpecification: &types.CustomizedMetricSpecification{Namespace: aws.String("AWS/ECS/ManagedScaling"),
				MetricName: aws.String("CapacityProviderReservation"), Statistic: types.MetricStatisticAverage,
				Dimensions: []types.MetricDimension{{Name: aws.String("CapacityProviderName"), Value: cp.Name}, {Name: aws.String("ClusterName"), Value: cl.ClusterName}}}}}
	return p, Policies.Put(c.Tx, c.Scope(), policyKey(group, name), store.Index{Parent: group, Name: name, Attr: aws.ToString(p.PolicyARN)}, p)
}
