package scheduler

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// Target health states as ELBv2 reports them.
const (
	targetHealthy   = "healthy"
	targetInitial   = "initial"
	targetUnhealthy = "unhealthy"
	targetUnused    = "unused"
	targetDraining  = "draining"
	targetTypeIP    = "ip"
	targetTypeInst  = "instance"
)

// taskTarget is one registration of a task in a target group.
type taskTarget struct {
	TargetGroupArn string
	ID             string
	Port           int32
}

// lbPass is what one cluster pass learns about load balancing, read lazily.
type lbPass struct {
	groups   map[string]*elbv2.TargetGroupInfo
	services map[string]*types.Service // by task group ("service:NAME")
	ec2      map[string]string         // container instance ARN → EC2 instance id
	shifts   map[string]*shiftRecord   // by deployment id; nil when none
	// deregistered counts, per service ARN and target group, the targets this
	// pass deregistered; draining counts, per service ARN and task set (or
	// deployment), the tasks that began draining.
	deregistered map[string]map[string]int
	deregister   map[string][]TargetChange
	draining     map[string]map[string]int
}

func (p *clusterPass) lbState() *lbPass {
	if p.lb == nil {
		p.lb = &lbPass{groups: map[string]*elbv2.TargetGroupInfo{}, shifts: map[string]*shiftRecord{},
			deregistered: map[string]map[string]int{}, deregister: map[string][]TargetChange{}, draining: map[string]map[string]int{}}
	}
	return p.lb
}

// targetGroupInfo describes a target group once per pass; nil when it is gone.
func (p *clusterPass) targetGroupInfo(arn string) (*elbv2.TargetGroupInfo, error) {
	lb := p.lbState()
	if info, ok := lb.groups[arn]; ok {
		return info, nil
	}
	info, err := elbv2.DescribeTargetGroup(p.c.Tx, p.c.Scope(), arn, p.r.elb)
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) {
		info, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	lb.groups[arn] = info
	return info, nil
}

// serviceOfTask is the service a task belongs to (nil for a standalone task).
func (p *clusterPass) serviceOfTask(t *types.Task) (*types.Service, error) {
	lb := p.lbState()
	if lb.services == nil {
		lb.services = map[string]*types.Service{}
		items, err := ecscore.Services.List(p.c.Tx, p.c.Scope(), store.Query{Parent: p.arn})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			lb.services["service:"+aws.ToString(it.Doc.ServiceName)] = it.Doc
		}
	}
	return lb.services[aws.ToString(t.Group)], nil
}

// ec2InstanceOf is the EC2 instance id of a container instance.
func (p *clusterPass) ec2InstanceOf(ciArn string) string {
	lb := p.lbState()
	if lb.ec2 == nil {
		lb.ec2 = map[string]string{}
		for _, ci := range p.cis {
			lb.ec2[aws.ToString(ci.ContainerInstanceArn)] = aws.ToString(ci.Ec2InstanceId)
		}
	}
	return lb.ec2[ciArn]
}

// targetsOf lists where a service's task is (or was) registered: for each of
// the service's load balancers, the deployment's target group; for a task of
// a task set, its task set's load balancers.
func (p *clusterPass) targetsOf(svc *types.Service, t *types.Task) ([]taskTarget, error) {
	var out []taskTarget
	var err error
	if usesTaskSets(svc) {
		if ts := taskSetOf(svc, aws.ToString(t.StartedBy)); ts != nil {
			for _, lb := range ts.LoadBalancers {
				if out, err = p.appendTarget(out, lb, aws.ToString(lb.TargetGroupArn), t); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	}
	for i, lb := range svc.LoadBalancers {
		if err := p.loadShift(svc, aws.ToString(t.StartedBy)); err != nil {
			return nil, err
		}
		tgArn := targetGroupOf(svc, i, aws.ToString(t.StartedBy), p.lbState().shifts)
		if out, err = p.appendTarget(out, lb, tgArn, t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// appendTarget adds a task's target in a target group for one load balancer
// of its service or task set: its ENI address and container port (ip
// targets) or its instance and host port (instance targets).
func (p *clusterPass) appendTarget(out []taskTarget, lb types.LoadBalancer, tgArn string, t *types.Task) ([]taskTarget, error) {
	if tgArn == "" {
		return out, nil
	}
	info, err := p.targetGroupInfo(tgArn)
	if err != nil || info == nil {
		return out, err
	}
	port := aws.ToInt32(lb.ContainerPort)
	switch info.TargetType {
	case targetTypeIP:
		if addr := ENIAddress(t); addr != "" {
			out = append(out, taskTarget{tgArn, addr, port})
		}
	case targetTypeInst:
		id := p.ec2InstanceOf(aws.ToString(t.ContainerInstanceArn))
		host := HostPort(t, aws.ToString(lb.ContainerName), port)
		if id != "" && host > 0 {
			out = append(out, taskTarget{tgArn, id, host})
		}
	}
	return out, nil
}

// ENIAddress is the private IPv4 address of a task's network interface.
func ENIAddress(t *types.Task) string {
	for _, a := range t.Attachments {
		if aws.ToString(a.Type) != "ElasticNetworkInterface" {
			continue
		}
		for _, d := range a.Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				return aws.ToString(d.Value)
			}
		}
	}
	return ""
}

// HostPort is the host port a container's port is bound to (dynamic ports
// included); 0 when it is not bound.
func HostPort(t *types.Task, container string, containerPort int32) int32 {
	for _, c := range t.Containers {
		if aws.ToString(c.Name) != container {
			continue
		}
		for _, b := range c.NetworkBindings {
			if aws.ToInt32(b.ContainerPort) == containerPort {
				return aws.ToInt32(b.HostPort)
			}
		}
	}
	return 0
}

// drain is the load balancer part of a task's lifecycle: a stopping task
// of a service behind load balancers is deregistered (drainTargets decides
// which targets) and held in DEACTIVATING until its targets have drained.
// It returns until when to hold the task.
func (p *clusterPass) drain(t *types.Task) (time.Time, error) {
	last := aws.ToString(t.LastStatus)
	if aws.ToString(t.DesiredStatus) != ecscore.TaskStopped || (last != ecscore.TaskRunning && last != ecscore.TaskDeactivating) {
		return time.Time{}, nil
	}
	svc, err := p.serviceOfTask(t)
	if err != nil || svc == nil || !hasLoadBalancers(svc) {
		return time.Time{}, err
	}
	obs, err := p.observeTargets(svc, t)
	if err != nil {
		return time.Time{}, err
	}
	deregister, hold := drainTargets(obs)
	sc := p.c.Scope()
	svcArn := aws.ToString(svc.ServiceArn)
	for _, tc := range deregister {
		until, err := elbv2.DeregisterTaskTarget(p.c.Tx, sc, tc.TargetGroupArn, tc.ID, tc.Port, p.r.elb)
		if err != nil {
			return hold, err
		}
		lb := p.lbState()
		if lb.deregistered[svcArn] == nil {
			lb.deregistered[svcArn] = map[string]int{}
		}
		lb.deregistered[svcArn][tc.TargetGroupArn]++
		lb.deregister[svcArn] = append(lb.deregister[svcArn], tc)
		hold = later(hold, until)
	}
	if len(deregister) > 0 {
		lb := p.lbState()
		if lb.draining[svcArn] == nil {
			lb.draining[svcArn] = map[string]int{}
		}
		lb.draining[svcArn][aws.ToString(t.StartedBy)]++
	}
	return hold, nil
}

// drainTargets decides, for a stopping task, which of its targets to
// deregister (those registered and not draining yet) and until when the
// targets already draining hold it.
func drainTargets(obs []TargetObservation) (deregister []TargetChange, hold time.Time) {
	for _, o := range obs {
		if !o.Registered {
			continue
		}
		if o.State != targetDraining {
			deregister = append(deregister, TargetChange{o.TargetGroupArn, o.ID, o.Port})
			continue
		}
		hold = later(hold, o.DrainingUntil)
	}
	return deregister, hold
}

// observeTargets reads where a service's task is registered and the health of each target.
func (p *clusterPass) observeTargets(svc *types.Service, t *types.Task) ([]TargetObservation, error) {
	targets, err := p.targetsOf(svc, t)
	if err != nil || len(targets) == 0 {
		return nil, err
	}
	out := make([]TargetObservation, 0, len(targets))
	for _, tt := range targets {
		st, err := elbv2.TargetHealth(p.c.Tx, p.c.Scope(), tt.TargetGroupArn, tt.ID, tt.Port, p.r.elb)
		if err != nil {
			return nil, err
		}
		out = append(out, TargetObservation{taskTarget: tt, Registered: st.Registered, State: st.State, DrainingUntil: st.DrainingUntil})
	}
	return out, nil
}

// Event texts of ECS's load balancer integration. Registrations are the
// service's, or a task set's (prefix); deregistrations the service's;
// draining names the task set (or deployment) of the tasks.
func registeredMessage(prefix string, n int, tgArn string) string {
	return fmt.Sprintf("%s registered %d targets in (target-group %s)", prefix, n, tgArn)
}

func deregisteredMessage(svc *types.Service, n int, tgArn string) string {
	return fmt.Sprintf("%s deregistered %d targets in (target-group %s)", svcPrefix(svc), n, tgArn)
}

func drainingMessage(svc *types.Service, startedBy string, n int) string {
	return fmt.Sprintf("%s has begun draining connections on %d tasks.", taskPrefix(svc, startedBy), n)
}

func unhealthyMessage(svc *types.Service, taskID string, port int32, tgArn string) string {
	return fmt.Sprintf("%s (task %s) (port %d) is unhealthy in (target-group %s) due to (reason Health checks failed).",
		svcPrefix(svc), taskID, port, tgArn)
}

// ELBHealthStopReason is the stopped reason of a task replaced because its
// target failed the load balancer's health checks.
func ELBHealthStopReason(tgArn string) string {
	return "Task failed ELB health checks in (target-group " + tgArn + ")"
}

// healthPoll is how often a pass looks again at targets that are not healthy yet.
func (p *clusterPass) healthPoll() time.Duration {
	return max(p.r.elb.Scaled(5*time.Second), 20*time.Millisecond)
}

func addCountEvents(svc *types.Service, now time.Time, newID func() string, counts map[string]int, msg func(*types.Service, int, string) string) {
	arns := make([]string, 0, len(counts))
	for arn := range counts {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		addEvent(svc, now, newID(), msg(svc, counts[arn], arn))
	}
}
