package scheduler

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/core/placement"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// services reconciles every service of the cluster and carries out the plans.
func (p *clusterPass) services() error {
	items, err := ecscore.Services.List(p.c.Tx, p.c.Scope(), store.Query{Parent: p.arn})
	if err != nil {
		return err
	}
	byGroup := map[string][]*types.Task{}
	for _, t := range p.tasks {
		if g := aws.ToString(t.Group); strings.HasPrefix(g, "service:") {
			byGroup[g] = append(byGroup[g], t)
		}
	}
	status := map[string]string{}
	var daemonHosts []string
	for _, in := range p.instances {
		st := in.Status
		if !in.AgentConnected {
			st = "DISCONNECTED"
		}
		status[in.ARN] = st
		if st == instanceActive {
			daemonHosts = append(daemonHosts, in.ARN)
		}
	}
	byName := map[string]*types.Service{}
	for _, it := range items {
		byName["service:"+aws.ToString(it.Doc.ServiceName)] = it.Doc
	}
	if err := p.placeWaiting(byName); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, it := range items {
		svc := it.Doc
		group := "service:" + aws.ToString(svc.ServiceName)
		if aws.ToString(svc.Status) == ecscore.ServiceInactive && len(liveOf(byGroup[group])) == 0 {
			continue
		}
		seen[group] = true
		if err := p.service(svc, byGroup[group], status, daemonHosts); err != nil {
			return err
		}
	}
	// Tasks of services that no longer exist stop.
	for g, ts := range byGroup {
		if seen[g] {
			continue
		}
		for _, t := range liveOf(ts) {
			if strings.HasPrefix(aws.ToString(t.StartedBy), ecscore.DeploymentIDPrefix) {
				p.stop(t, types.TaskStopCodeServiceSchedulerInitiated, scalingActivityText+aws.ToString(t.StartedBy)+")")
			}
		}
	}
	return nil
}

func liveOf(ts []*types.Task) []*types.Task {
	var out []*types.Task
	for _, t := range ts {
		if ecscore.Live(t) {
			out = append(out, t)
		}
	}
	return out
}

func (p *clusterPass) stop(t *types.Task, code types.TaskStopCode, reason string) {
	if ecscore.RequestStop(t, code, reason, p.now) {
		p.dirty[t] = true
		p.wake(p.now)
	}
}

// service observes one service, decides its plan (Decide) and applies it.
func (p *clusterPass) service(svc *types.Service, tasks []*types.Task, status map[string]string, daemonHosts []string) error {
	before, _ := json.Marshal(svc)
	draining := aws.ToString(svc.Status) == ecscore.ServiceDraining
	obs, err := p.observe(svc, tasks)
	if err != nil {
		return err
	}
	plan := Decide(Input{Service: svc, Tasks: tasks, Instances: status, DaemonInstances: daemonHosts,
		Failures: p.failures, Now: p.now, NewID: api.UUID, NewDeploymentID: ecscore.NewDeploymentID, Observed: obs})
	if tasks, err = p.apply(svc, tasks, &plan); err != nil {
		return err
	}
	setCounts(svc, tasks, p.now)
	links := obs.Links
	for _, l := range plan.Writes.Links {
		if links == nil {
			links = map[string]*ecscore.DeploymentLink{}
		}
		links[l.DeploymentID] = l
	}
	setRevisionCounts(svc, links)
	if draining && aws.ToString(svc.Status) == ecscore.ServiceInactive {
		if err := ecs.ReleaseServiceConnect(p.c, svc); err != nil {
			return err
		}
	}
	after, _ := json.Marshal(svc)
	if bytes.Equal(before, after) {
		return nil
	}
	return ecscore.PutService(p.c.Tx, p.c.Scope(), svc)
}

// apply carries out a service's plan and returns the service's tasks with
// those it started. It decides nothing: where tasks go is placement's, and
// what ECS refuses is reported as ECS reports it.
func (p *clusterPass) apply(svc *types.Service, tasks []*types.Task, plan *Plan) ([]*types.Task, error) {
	sc := p.c.Scope()
	p.wake(plan.Next)
	for _, tc := range plan.Register {
		if err := elbv2.RegisterTaskTarget(p.c.Tx, sc, tc.TargetGroupArn, tc.ID, tc.Port, p.r.elb); err != nil {
			return tasks, err
		}
	}
	for _, w := range plan.Weights {
		if err := p.setWeights(w); err != nil {
			return tasks, err
		}
	}
	svcArn := aws.ToString(svc.ServiceArn)
	for _, r := range plan.Writes.Shifts {
		p.lbState().shifts[r.DeploymentID] = r
		if err := shiftRecords.Put(p.c.Tx, sc, r.DeploymentID, store.Index{Parent: svcArn}, r); err != nil {
			return tasks, err
		}
	}
	for _, id := range plan.Writes.DeleteShifts {
		delete(p.lbState().shifts, id)
		if _, err := shiftRecords.Delete(p.c.Tx, sc, id); err != nil {
			return tasks, err
		}
	}
	for _, sd := range plan.Writes.ServiceDeployments {
		if err := ecscore.PutServiceDeployment(p.c.Tx, sc, sd); err != nil {
			return tasks, err
		}
	}
	for _, l := range plan.Writes.Links {
		if err := ecscore.PutDeploymentLink(p.c.Tx, sc, svcArn, l); err != nil {
			return tasks, err
		}
	}
	for _, s := range plan.Stop {
		if ecscore.RequestStop(s.Task, s.Code, s.Reason, p.now) {
			p.dirty[s.Task] = true
		}
	}
	// A task set's starts are its own events; a deployment's are the service's.
	var prefixes []string
	started := map[string][]string{}
	for _, s := range plan.Start {
		ts, err := p.start(svc, s, tasks)
		if err != nil {
			return tasks, err
		}
		prefix := svcPrefix(svc)
		if s.TaskSet != "" {
			prefix = taskSetPrefix(svc, s.TaskSet)
		}
		for _, t := range ts {
			tasks = append(tasks, t)
			p.tasks = append(p.tasks, t)
			if started[prefix] == nil {
				prefixes = append(prefixes, prefix)
			}
			started[prefix] = append(started[prefix], TaskID(aws.ToString(t.TaskArn)))
		}
	}
	for _, prefix := range prefixes {
		for _, msg := range prefixedTaskEvents(prefix, "started", started[prefix]) {
			addEvent(svc, p.now, api.UUID(), msg)
		}
	}
	for _, arn := range plan.GoneTaskSets {
		if _, err := ecscore.Tags.Delete(p.c.Tx, sc, arn); err != nil {
			return tasks, err
		}
	}
	if len(prefixes) > 0 || len(plan.Stop) > 0 {
		p.wake(p.now.Add(p.r.timings.StartDelay / 4))
	}
	return tasks, nil
}

// start launches the tasks of one StartTasks, placing EC2 tasks. A task that
// fits nowhere is left for a later pass, with ECS's event.
func (p *clusterPass) start(svc *types.Service, s StartTasks, tasks []*types.Task) ([]*types.Task, error) {
	dep := s.Deployment
	p.waitingAdded = 0 // the tasks started before are in p.tasks by now
	td, err := p.taskDefinition(aws.ToString(dep.TaskDefinition))
	if err != nil {
		return nil, err
	}
	if td == nil {
		return nil, nil
	}
	live := liveOf(tasks)
	launchType := dep.LaunchType
	strategy := dep.CapacityProviderStrategy
	fargate := launchType == types.LaunchTypeFargate
	if len(strategy) > 0 {
		fargate = strings.HasPrefix(aws.ToString(strategy[0].CapacityProvider), "FARGATE")
		launchType = types.LaunchTypeEc2
		if fargate {
			launchType = types.LaunchTypeFargate
		}
	}
	if launchType == "" {
		launchType = types.LaunchTypeEc2
	}
	subnets := subnetsOf(dep.NetworkConfiguration)
	group := "service:" + aws.ToString(svc.ServiceName)
	var out []*types.Task
	inSubnet := subnetCounts(live)
	byProvider := map[string]int{}
	for _, t := range live {
		byProvider[aws.ToString(t.CapacityProviderName)]++
	}
	for i := 0; i < s.Count; i++ {
		if p.r.budget <= 0 {
			p.wake(p.now) // the rest on the next pass
			break
		}
		p.r.budget--
		spec := ecs.TaskSpec{ClusterArn: p.arn, TaskDefinition: td, LaunchType: launchType,
			PlatformVersion: aws.ToString(dep.PlatformVersion), Group: group, StartedBy: aws.ToString(dep.Id),
			NetworkConfiguration: dep.NetworkConfiguration, EnableExecuteCommand: svc.EnableExecuteCommand}
		if len(strategy) > 0 {
			spec.CapacityProviderName = ecscore.PickProvider(strategy, byProvider)
			byProvider[spec.CapacityProviderName]++
		}
		if len(subnets) > 0 {
			spec.Subnet = leastUsedSubnet(subnets, inSubnet)
			inSubnet[spec.Subnet]++
		}
		var ports []int32
		if !fargate {
			a, reason, err := p.place(svc, td, group, s.Instance, spec.CapacityProviderName)
			if err != nil {
				return nil, err
			}
			if a == nil && s.Instance == "" {
				wait, err := p.providerWaits(spec.CapacityProviderName)
				if err != nil {
					return out, err
				}
				if wait {
					t, err := p.waitForCapacity(spec)
					if err != nil {
						return out, err
					}
					p.waitingAdded++
					out = append(out, t)
					continue
				}
			}
			if a == nil {
				msg := unableToPlaceMessage(svc, reason)
				if len(svc.Events) == 0 || aws.ToString(svc.Events[0].Message) != msg {
					addEvent(svc, p.now, api.UUID(), msg)
				}
				p.wake(p.now.Add(p.r.timings.Resync))
				break
			}
			spec.ContainerInstanceArn = a.Instance.ARN
			spec.AvailabilityZone = a.Instance.Attributes["ecs.availability-zone"]
			ports = a.HostPorts
		}
		t, err := ecs.NewTask(p.c, spec)
		var refused *apierror.Error
		if errors.As(err, &refused) {
			// ECS refuses the launch (no free address in the subnet …): say
			// so in the events and try again later, as ECS does.
			msg := svcPrefix(svc) + " was unable to place a task. Reason: " + refused.Message
			if len(svc.Events) == 0 || aws.ToString(svc.Events[0].Message) != msg {
				addEvent(svc, p.now, api.UUID(), msg)
			}
			p.wake(p.now.Add(p.r.timings.Resync))
			break
		}
		if err != nil {
			return out, err
		}
		if len(ports) > 0 {
			bindPorts(t, td, ports)
			p.dirty[t] = true
		}
		if in := p.byARN[spec.ContainerInstanceArn]; in != nil {
			in.Tasks = append(in.Tasks, t)
		}
		out = append(out, t)
	}
	return out, nil
}

// place finds an instance for one task of a service (on host when set, else
// on the instances of its capacity provider).
// When none fits it returns the wording of ECS's event.
func (p *clusterPass) place(svc *types.Service, td *types.TaskDefinition, group, host, provider string) (*placement.Assignment, string, error) {
	cands := providerCandidates(p.instances, provider)
	if host != "" {
		cands = []*placement.Instance{p.byARN[host]}
	}
	opts := placement.Options{Constraints: append(taskDefinitionConstraints(td), svc.PlacementConstraints...),
		Strategies: svc.PlacementStrategy, RequiresAttributes: td.RequiresAttributes}
	a, failures, err := p.r.placer.place(placement.DemandOf(td, group), cands, opts)
	if errors.Is(err, placement.ErrNoInstances) {
		return nil, "Reason: No Container Instances were found in your cluster.", nil
	}
	if err != nil {
		// A constraint that does not parse blocks this service only.
		return nil, "Reason: " + err.Error() + ".", nil
	}
	if a == nil {
		return nil, closestMatchDetail(failures[0].Arn, failures[0].Reason), nil
	}
	return a, "", nil
}

func subnetsOf(nc *types.NetworkConfiguration) []string {
	if nc == nil || nc.AwsvpcConfiguration == nil {
		return nil
	}
	return nc.AwsvpcConfiguration.Subnets
}

// subnetCounts counts the tasks in each subnet.
func subnetCounts(live []*types.Task) map[string]int {
	n := map[string]int{}
	for _, t := range live {
		for _, a := range t.Attachments {
			for _, d := range a.Details {
				if aws.ToString(d.Name) == "subnetId" {
					n[aws.ToString(d.Value)]++
				}
			}
		}
	}
	return n
}

// leastUsedSubnet spreads tasks over the subnets given: the first subnet
// holding the fewest tasks.
func leastUsedSubnet(subnets []string, n map[string]int) string {
	best := subnets[0]
	for _, s := range subnets[1:] {
		if n[s] < n[best] {
			best = s
		}
	}
	return best
}

// taskDefinitionConstraints are a task definition's memberOf constraints as placement constraints.
func taskDefinitionConstraints(td *types.TaskDefinition) []types.PlacementConstraint {
	var out []types.PlacementConstraint
	for _, c := range td.PlacementConstraints {
		out = append(out, types.PlacementConstraint{Type: types.PlacementConstraintType(c.Type), Expression: c.Expression})
	}
	return out
}
