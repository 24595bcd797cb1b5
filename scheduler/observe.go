package scheduler

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// observe reads what Decide needs of a service besides its document and
// tasks: its targets' health, its deployment alarms, its service
// deployments, its traffic-shift records and hook results, and the
// production listener rules a first traffic-shifting deployment starts from.
func (p *clusterPass) observe(svc *types.Service, tasks []*types.Task) (Observed, error) {
	sc := p.c.Scope()
	svcArn := aws.ToString(svc.ServiceArn)
	o := Observed{Grace: p.r.elb.Scaled(time.Duration(aws.ToInt32(svc.HealthCheckGracePeriodSeconds)) * time.Second),
		HealthPoll: p.healthPoll(), StopRequestDelay: p.r.timings.StartDelay / 2, Scale: p.r.elb.Scaled}
	if lb := p.lb; lb != nil {
		o.Deregistered, o.Draining, o.Drained = lb.deregistered[svcArn], lb.draining[svcArn], lb.deregister[svcArn]
	}
	shift := shifting(svc)
	primary := primaryDeployment(svc)
	if shift || len(svc.LoadBalancers) > 0 {
		o.Shifts = map[string]*shiftRecord{}
		for _, d := range svc.Deployments {
			id := aws.ToString(d.Id)
			if err := p.loadShift(svc, id); err != nil {
				return o, err
			}
			if r := p.lbState().shifts[id]; r != nil {
				o.Shifts[r.DeploymentID] = r
			}
		}
	}
	if hasLoadBalancers(svc) {
		o.Targets = map[string][]TargetObservation{}
		for _, t := range tasks {
			if !ecscore.Running(t) {
				continue
			}
			obs, err := p.observeTargets(svc, t)
			if err != nil {
				return o, err
			}
			o.Targets[aws.ToString(t.TaskArn)] = obs
		}
	}
	// Service deployments change only while a deployment is in progress (or
	// a traffic shift runs).
	inProgress := shift
	for _, d := range svc.Deployments {
		inProgress = inProgress || d.RolloutState == types.DeploymentRolloutStateInProgress
	}
	// The links also tell which revision each deployment runs, whose counts
	// follow the tasks.
	if inProgress || len(svc.CurrentServiceRevisions) > 0 {
		o.Links = map[string]*ecscore.DeploymentLink{}
		if inProgress {
			o.ServiceDeployments = map[string]*types.ServiceDeployment{}
		}
		for _, d := range svc.Deployments {
			id := aws.ToString(d.Id)
			link, err := ecscore.DeploymentLinks.Get(p.c.Tx, sc, id)
			if err != nil {
				return o, err
			}
			if link == nil {
				continue
			}
			o.Links[id] = link
			if _, ok := o.ServiceDeployments[link.ServiceDeploymentArn]; ok || !inProgress {
				continue
			}
			sd, err := ecscore.ServiceDeployments.Get(p.c.Tx, sc, link.ServiceDeploymentArn)
			if err != nil {
				return o, err
			}
			if sd != nil {
				o.ServiceDeployments[link.ServiceDeploymentArn] = sd
			}
		}
	}
	if shift && aws.ToString(svc.Status) == ecscore.ServiceActive && primary != nil {
		if err := p.observeShift(svc, primary, &o); err != nil {
			return o, err
		}
	}
	if p.r.alarms != nil && watchesAlarms(svc) && (!shift || aws.ToString(svc.Status) != ecscore.ServiceActive) {
		o.Alarms = map[string]Alarm{}
		for _, name := range deploymentAlarms(svc).AlarmNames {
			a, ok, err := p.r.alarms(p.c.Tx, sc, name)
			if err != nil {
				return o, err
			}
			if ok {
				o.Alarms[name] = a
			}
		}
	}
	return o, nil
}

// observeShift reads what the traffic shift of a primary deployment needs:
// its lifecycle hook results, the record ids of the service when old ones
// may be forgotten, and for a first deployment the production rules' weights.
func (p *clusterPass) observeShift(svc *types.Service, primary *types.Deployment, o *Observed) error {
	sc := p.c.Scope()
	pid := aws.ToString(primary.Id)
	r := o.Shifts[pid]
	sdArn := ""
	if r != nil {
		sdArn = r.ServiceDeploymentArn
	} else if link := o.Links[pid]; link != nil {
		sdArn = link.ServiceDeploymentArn
	}
	if sdArn != "" {
		items, err := hookResults.List(p.c.Tx, sc, store.Query{Parent: sdArn})
		if err != nil {
			return err
		}
		res := map[types.DeploymentLifecycleHookStage]bool{}
		for _, it := range items {
			res[it.Doc.Stage] = it.Doc.Status == types.DeploymentLifecycleHookStatusFailed
		}
		o.HookResults = map[string]map[types.DeploymentLifecycleHookStage]bool{sdArn: res}
	}
	if r != nil && r.Done && len(svc.Deployments) == 1 {
		items, err := shiftRecords.List(p.c.Tx, sc, store.Query{Parent: aws.ToString(svc.ServiceArn)})
		if err != nil {
			return err
		}
		for _, it := range items {
			o.ShiftIDs = append(o.ShiftIDs, it.ID)
		}
	}
	if r == nil {
		o.RuleWeights = map[string][]elbv2.TargetWeight{}
		for _, lb := range svc.LoadBalancers {
			ac := lb.AdvancedConfiguration
			if ac == nil || ac.ProductionListenerRule == nil || aws.ToString(ac.AlternateTargetGroupArn) == "" {
				continue
			}
			if ws, err := elbv2.RuleForwardWeights(p.c.Tx, sc, *ac.ProductionListenerRule); err == nil {
				o.RuleWeights[*ac.ProductionListenerRule] = ws
			}
		}
	}
	return nil
}
