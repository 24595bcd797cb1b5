package ecs

import (
	"encoding/json"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// AgentRegistration is what the ECS agent of an EC2 instance sends when it
// registers: its identity document and the resources it found.
type AgentRegistration struct {
	Cluster          string
	InstanceID       string
	InstanceType     string
	ImageID          string
	AvailabilityZone string
	Architecture     string
	// CPU (units) and Memory (MiB) are the registered resources (0 = the
	// agent's figures for the instance type).
	CPU, Memory int32
	// AutoScalingGroupArn names the group that launched the instance; when a
	// capacity provider of the cluster uses that group, the instance joins it.
	AutoScalingGroupArn string
}

// RegisterAgent registers an EC2 instance as a container instance, as its
// agent does with RegisterContainerInstance, and returns the container
// instance ARN and the cluster ARN.
func RegisterAgent(c *api.Context, r AgentRegistration) (string, string, error) {
	doc, _ := json.Marshal(instanceIdentity{InstanceID: r.InstanceID, InstanceType: r.InstanceType, ImageID: r.ImageID,
		AvailabilityZone: r.AvailabilityZone, Architecture: r.Architecture, Region: c.Region, AccountID: c.Account()})
	in := &ecs.RegisterContainerInstanceInput{Cluster: aws.String(r.Cluster), InstanceIdentityDocument: aws.String(string(doc))}
	if r.CPU > 0 && r.Memory > 0 {
		in.TotalResources = []types.Resource{intResource("CPU", r.CPU), intResource("MEMORY", r.Memory)}
	}
	out, err := registerContainerInstance(c, in)
	if err != nil {
		return "", "", err
	}
	arn := aws.ToString(out.ContainerInstance.ContainerInstanceArn)
	clusterArn := instanceClusterArn(c, arn)
	provider, err := providerOfGroup(c, clusterArn, r.AutoScalingGroupArn)
	if err != nil || provider == "" {
		return arn, clusterArn, err
	}
	ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), arn)
	if err != nil || ci == nil {
		return arn, clusterArn, err
	}
	ci.CapacityProviderName = aws.String(provider)
	return arn, clusterArn, putContainerInstance(c, clusterArn, ci)
}

// providerOfGroup names the cluster's capacity provider backed by an Auto Scaling group ("" when none).
func providerOfGroup(c *api.Context, clusterArn, groupArn string) (string, error) {
	if groupArn == "" {
		return "", nil
	}
	cl, err := ecscore.Clusters.Get(c.Tx, c.Scope(), clusterArn)
	if err != nil || cl == nil {
		return "", err
	}
	items, err := ecscore.CapacityProviders.List(c.Tx, c.Scope(), store.Query{Status: string(types.CapacityProviderStatusActive)})
	if err != nil {
		return "", err
	}
	for _, it := range items {
		p := it.Doc.AutoScalingGroupProvider
		if p != nil && aws.ToString(p.AutoScalingGroupArn) == groupArn && slices.Contains(cl.CapacityProviders, aws.ToString(it.Doc.Name)) {
			return aws.ToString(it.Doc.Name), nil
		}
	}
	return "", nil
}

// DeregisterAgent deregisters a container instance whose EC2 instance is
// gone; the cluster manager stops its tasks.
func DeregisterAgent(c *api.Context, clusterArn, containerInstanceArn string) error {
	ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), containerInstanceArn)
	if err != nil || ci == nil || aws.ToString(ci.Status) == "INACTIVE" {
		return err
	}
	_, err = deregisterContainerInstance(c, &ecs.DeregisterContainerInstanceInput{Cluster: aws.String(clusterArn),
		ContainerInstance: aws.String(containerInstanceArn), Force: aws.Bool(true)})
	return err
}

// SetAgentConnected records whether a container instance's agent is
// connected: it disconnects when its EC2 instance stops (the cluster manager
// then stops its tasks) and reconnects when the instance starts again.
func SetAgentConnected(c *api.Context, containerInstanceArn string, connected bool) error {
	ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), containerInstanceArn)
	if err != nil || ci == nil || aws.ToString(ci.Status) == "INACTIVE" || ci.AgentConnected == connected {
		return err
	}
	ci.AgentConnected = connected
	ci.Version++
	return putContainerInstance(c, instanceClusterArn(c, containerInstanceArn), ci)
}

// DrainAgent sets a container instance DRAINING, as managed draining does
// before its EC2 instance terminates, and returns how many of its tasks have
// not stopped yet.
func DrainAgent(c *api.Context, containerInstanceArn string) (int, error) {
	ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), containerInstanceArn)
	if err != nil || ci == nil || aws.ToString(ci.Status) == "INACTIVE" {
		return 0, err
	}
	if aws.ToString(ci.Status) == "ACTIVE" {
		ci.Status = aws.String("DRAINING")
		ci.Version++
		if err := putContainerInstance(c, instanceClusterArn(c, containerInstanceArn), ci); err != nil {
			return 0, err
		}
	}
	tasks, err := ecscore.Tasks.List(c.Tx, c.Scope(), store.Query{Parent: instanceClusterArn(c, containerInstanceArn), Attr: containerInstanceArn})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tasks {
		if aws.ToString(t.Doc.LastStatus) != "STOPPED" {
			n++
		}
	}
	return n, nil
}

// ManagedDrainingGroup reports whether an active capacity provider with
// managed draining uses an Auto Scaling group.
func ManagedDrainingGroup(c *api.Context, groupArn string) (bool, error) {
	items, err := ecscore.CapacityProviders.List(c.Tx, c.Scope(), store.Query{Status: string(types.CapacityProviderStatusActive)})
	if err != nil {
		return false, err
	}
	for _, it := range items {
		p := it.Doc.AutoScalingGroupProvider
		if p != nil && aws.ToString(p.AutoScalingGroupArn) == groupArn && p.ManagedDraining != types.ManagedDrainingDisabled {
			return true, nil
		}
	}
	return false, nil
}
