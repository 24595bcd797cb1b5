package autoscaling

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/catalog"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/store"
)

// agent is the ECS agent of an EC2 instance that registered in a cluster.
type agent struct {
	InstanceID           string
	ClusterArn           string
	ContainerInstanceArn string
	Disconnected         bool
}

// Agents are the registered ECS agents, keyed by EC2 instance id.
var Agents = store.Collection[agent]{Kind: "autoscaling/ecs-agent"}

// agents plays the ECS agent of every EC2 instance of a scope, whoever
// launched it: an instance whose user data names a cluster registers in it
// once it has booted, disconnects while stopped, and is deregistered once it
// shuts down or is gone. (Warm pool instances stay out, as their agent is
// not started.)
func (e *Engine) agents(c *api.Context) error {
	if EC2 == nil {
		return nil
	}
	instances, err := EC2.Instances(c)
	if err != nil {
		return err
	}
	known, err := Agents.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return err
	}
	byID := map[string]*agent{}
	for _, it := range known {
		byID[it.ID] = it.Doc
	}
	seen := map[string]bool{}
	for _, inst := range instances {
		id := inst.ID
		seen[id] = true
		a := byID[id]
		switch inst.State {
		case "running":
			if a == nil {
				if err := e.registerInstance(c, inst); err != nil {
					return err
				}
			} else if a.Disconnected {
				if err := e.setConnected(c, a, true); err != nil {
					return err
				}
			}
		case "stopping", "stopped":
			if a != nil && !a.Disconnected {
				if err := e.setConnected(c, a, false); err != nil {
					return err
				}
			}
		default:
			if a != nil && inst.State != "pending" {
				if err := e.forgetAgent(c, a); err != nil {
					return err
				}
			}
		}
	}
	for id, a := range byID {
		if !seen[id] {
			if err := e.forgetAgent(c, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// registerInstance registers a booted instance whose user data names a cluster.
func (e *Engine) registerInstance(c *api.Context, inst Machine) error {
	if c.Now().Before(inst.LaunchTime.Add(e.scaled(e.Timings.Agent))) {
		return nil
	}
	cluster := ClusterFromUserData(inst.UserData)
	if cluster == "" {
		return nil
	}
	id := inst.ID
	m, err := Members.Get(c.Tx, c.Scope(), id)
	if err != nil {
		return err
	}
	if m != nil && m.Warm {
		return nil
	}
	r := ecs.AgentRegistration{Cluster: cluster, InstanceID: id, InstanceType: inst.InstanceType, ImageID: inst.ImageID,
		Architecture: inst.Architecture, AvailabilityZone: inst.AvailabilityZone}
	if it, ok := catalog.LookupInstanceType(r.InstanceType); ok {
		r.CPU, r.Memory = it.RegisteredCPU(), it.RegisteredMemory()
	}
	if m != nil {
		if doc, err := loadGroup(c, m.Group); err != nil {
			return err
		} else if doc != nil {
			r.AutoScalingGroupArn = aws.ToString(doc.Group.AutoScalingGroupARN)
		}
	}
	arn, clusterArn, err := ecs.RegisterAgent(c, r)
	var ae *apierror.Error
	if errors.As(err, &ae) {
		// No such cluster (yet): the agent keeps trying, as on EC2.
		return nil
	}
	if err != nil {
		return err
	}
	if err := Agents.Put(c.Tx, c.Scope(), id, store.Index{Parent: clusterArn},
		&agent{InstanceID: id, ClusterArn: clusterArn, ContainerInstanceArn: arn}); err != nil {
		return err
	}
	if m != nil {
		m.ContainerInstanceArn, m.ClusterArn = arn, clusterArn
		return putMember(c, m)
	}
	return nil
}

func (e *Engine) setConnected(c *api.Context, a *agent, connected bool) error {
	if err := ecs.SetAgentConnected(c, a.ContainerInstanceArn, connected); err != nil {
		return err
	}
	a.Disconnected = !connected
	return Agents.Put(c.Tx, c.Scope(), a.InstanceID, store.Index{Parent: a.ClusterArn}, a)
}

// forgetAgent deregisters the container instance of an instance that is gone.
func (e *Engine) forgetAgent(c *api.Context, a *agent) error {
	err := ecs.DeregisterAgent(c, a.ClusterArn, a.ContainerInstanceArn)
	var ae *apierror.Error
	if err != nil && !errors.As(err, &ae) {
		return err
	}
	_, err = Agents.Delete(c.Tx, c.Scope(), a.InstanceID)
	return err
}
