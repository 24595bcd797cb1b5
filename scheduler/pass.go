package scheduler

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/core/placement"
	"github.com/longshore/longshore/services/ecs"
)

// clusterPass is one pass over one cluster inside a write transaction.
type clusterPass struct {
	r       *Runner
	c       *api.Context
	now     time.Time
	cluster *types.Cluster
	arn     string

	tasks     []*types.Task
	dirty     map[*types.Task]bool
	tds       map[string]*types.TaskDefinition
	cis       []*types.ContainerInstance
	instances []*placement.Instance
	byARN     map[string]*placement.Instance
	failures  map[string]int
	next      time.Time
	lb        *lbPass // load balancing and traffic shifting, read lazily
	// waitingAdded counts the tasks that start launches to wait for
	// capacity (in tasks only once it returns).
	waitingAdded int
}

// runCluster reconciles one cluster and returns when it next needs a pass.
func (r *Runner) runCluster(c *api.Context, cl *types.Cluster) (time.Time, error) {
	p := &clusterPass{r: r, c: c, now: c.Now(), cluster: cl, arn: aws.ToString(cl.ClusterArn),
		dirty: map[*types.Task]bool{}, tds: map[string]*types.TaskDefinition{}, failures: map[string]int{}}
	if err := p.load(); err != nil {
		return time.Time{}, err
	}
	if err := p.lifecycle(); err != nil {
		return time.Time{}, err
	}
	var unbound []*types.Task
	p.instances, p.byARN, unbound = accountInstances(p.cis, p.tasks, p.tds)
	for _, t := range unbound {
		p.dirty[t] = true
	}
	if err := p.services(); err != nil {
		return time.Time{}, err
	}
	if err := p.flush(); err != nil {
		return time.Time{}, err
	}
	return p.next, nil
}

func (p *clusterPass) load() error {
	sc := p.c.Scope()
	var err error
	if p.tasks, err = p.r.taskCache.List(p.c.Tx, sc, p.arn); err != nil {
		return err
	}
	for _, t := range p.tasks {
		if _, err := p.taskDefinition(aws.ToString(t.TaskDefinitionArn)); err != nil {
			return err
		}
	}
	p.cis, err = p.r.instanceCache.List(p.c.Tx, sc, p.arn)
	return err
}

func (p *clusterPass) taskDefinition(arn string) (*types.TaskDefinition, error) {
	if td, ok := p.tds[arn]; ok {
		return td, nil
	}
	td, err := ecscore.TaskDefinitions.Get(p.c.Tx, p.c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if td == nil {
		p.r.missing[arn] = true
	}
	p.tds[arn] = td
	return td, nil
}

func (p *clusterPass) wake(at time.Time) {
	if !at.IsZero() && (p.next.IsZero() || at.Before(p.next)) {
		p.next = at
	}
}

// lifecycle advances every task, stops the tasks of lost instances, frees
// what stopped tasks held and forgets STOPPED tasks past their retention.
func (p *clusterPass) lifecycle() error {
	lost := map[string]string{}
	for _, ci := range p.cis {
		if !ci.AgentConnected {
			lost[aws.ToString(ci.ContainerInstanceArn)] = aws.ToString(ci.Ec2InstanceId)
		}
	}
	kept := p.tasks[:0]
	for _, t := range p.tasks {
		if aws.ToString(t.LastStatus) == ecscore.TaskStopped {
			expiry := aws.ToTime(t.StoppedAt).Add(p.r.timings.StoppedRetention)
			if !expiry.After(p.now) {
				if err := p.deleteTask(t); err != nil {
					return err
				}
				continue
			}
			p.wake(expiry)
			kept = append(kept, t)
			continue
		}
		if ec2, ok := lost[aws.ToString(t.ContainerInstanceArn)]; ok && ecscore.Live(t) {
			ecscore.RequestStop(t, types.TaskStopCodeTerminationNotice, "Host EC2 (instance "+ec2+") stopped/terminated.", p.now)
			p.dirty[t] = true
		}
		hold, err := p.drain(t)
		if err != nil {
			return err
		}
		td := p.tds[aws.ToString(t.TaskDefinitionArn)]
		if ecscore.Live(t) {
			err = p.r.runtime.Start(p.c, t, td)
		} else {
			err = p.r.runtime.Stop(p.c, t)
		}
		if err != nil {
			return err
		}
		o, err := p.r.runtime.Observe(p.c, t, td, hold)
		if err != nil {
			return err
		}
		if o.Changed {
			p.dirty[t] = true
		}
		if err := p.discovery(t, o.Changed); err != nil {
			return err
		}
		if o.Stopped {
			if err := ecs.ReleaseTaskResources(p.c, t); err != nil {
				return err
			}
			p.wake(aws.ToTime(t.StoppedAt).Add(p.r.timings.StoppedRetention))
			if o.Failed && strings.HasPrefix(aws.ToString(t.StartedBy), ecscore.DeploymentIDPrefix) {
				p.failures[aws.ToString(t.StartedBy)]++
			}
		}
		p.wake(o.Next)
		kept = append(kept, t)
	}
	p.tasks = kept
	return nil
}

func (p *clusterPass) deleteTask(t *types.Task) error {
	arn := aws.ToString(t.TaskArn)
	p.r.taskCache.Forget(p.c.Scope(), p.arn, arn)
	return ecscore.DeleteTask(p.c.Tx, p.c.Scope(), arn)
}

// flush writes the tasks and instances that changed. (Cluster counts are
// computed when a cluster is described.)
func (p *clusterPass) flush() error {
	sc := p.c.Scope()
	for t := range p.dirty {
		p.r.taskCache.Forget(sc, p.arn, aws.ToString(t.TaskArn))
		if err := ecscore.PutTask(p.c.Tx, sc, t); err != nil {
			return err
		}
	}
	for _, in := range p.instances {
		if writeBack(in) {
			p.r.instanceCache.Forget(sc, p.arn, in.ARN)
			if err := ecscore.PutContainerInstance(p.c.Tx, sc, p.arn, in.Doc); err != nil {
				return err
			}
		}
	}
	return nil
}
