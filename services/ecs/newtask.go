package ecs

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
)

// TaskSpec says which task NewTask builds. Callers validate the request
// (ValidateTaskLaunch) and, on EC2, place the task before building it.
type TaskSpec struct {
	// ClusterArn is the cluster the task runs in.
	ClusterArn string
	// TaskDefinition is the resolved definition the task runs.
	TaskDefinition *types.TaskDefinition
	// LaunchType is FARGATE, EC2 or EXTERNAL (a capacity provider's launch type
	// when CapacityProviderName is set).
	LaunchType types.LaunchType
	// CapacityProviderName is the provider the task was launched through ("" for a launch type).
	CapacityProviderName string
	// PlatformVersion as asked ("" or LATEST resolve to the current version on Fargate).
	PlatformVersion string
	// Group defaults to "family:FAMILY"; services use "service:NAME".
	Group string
	// StartedBy is free text; services put their deployment id ("ecs-svc/…").
	StartedBy string
	Overrides *types.TaskOverride
	// NetworkConfiguration is required for the awsvpc network mode.
	NetworkConfiguration *types.NetworkConfiguration
	// Subnet picks one of the awsvpc subnets; "" takes the first.
	Subnet string
	// ContainerInstanceArn is the EC2 instance the task is placed on ("" on Fargate).
	ContainerInstanceArn string
	// AvailabilityZone of the container instance; Fargate tasks take the subnet's zone.
	AvailabilityZone     string
	EnableExecuteCommand bool
	// Tags are stored under the task ARN in Tags and returned on the task.
	Tags []types.Tag
}

// Fargate platform versions.
const (
	// FargatePlatformVersion is what LATEST means for Linux tasks.
	FargatePlatformVersion = "1.4.0"
	// FargateWindowsPlatformVersion is what LATEST means for Windows tasks.
	FargateWindowsPlatformVersion = "1.0.0"
)

// NewTask builds a task as ECS returns it right after RunTask: lastStatus
// PROVISIONING, desiredStatus RUNNING, version 1, a task ARN with a 32-hex id,
// containers with their own ARNs in PENDING, and for awsvpc an
// ElasticNetworkInterface attachment (PRECREATED) whose private address is
// created in the subnet through EC2 (createTaskInterface). It stores the task in Tasks
// (indexed by TaskIndex) and its tags in Tags, and returns it with its tags.
// RunTask, StartTask and the cluster manager all create tasks through it;
// ReleaseTaskResources deletes the ENI when the task is gone.
func NewTask(c *api.Context, spec TaskSpec) (*types.Task, error) {
	td := spec.TaskDefinition
	id := api.HexID(32)
	arn := ecscore.TaskARN(c, spec.ClusterArn, id)
	now := c.Now()
	group := spec.Group
	if group == "" {
		group = "family:" + aws.ToString(td.Family)
	}
	t := &types.Task{
		TaskArn:              aws.String(arn),
		ClusterArn:           aws.String(spec.ClusterArn),
		TaskDefinitionArn:    td.TaskDefinitionArn,
		LaunchType:           spec.LaunchType,
		Group:                aws.String(group),
		LastStatus:           aws.String(ecscore.TaskProvisioning),
		DesiredStatus:        aws.String(ecscore.TaskRunning),
		CreatedAt:            aws.Time(now),
		Version:              1,
		HealthStatus:         types.HealthStatusUnknown,
		EnableExecuteCommand: spec.EnableExecuteCommand,
		Overrides:            normalizedOverrides(td, spec.Overrides),
		AvailabilityZone:     nonEmpty(spec.AvailabilityZone),
	}
	if spec.StartedBy != "" {
		t.StartedBy = aws.String(spec.StartedBy)
	}
	if spec.CapacityProviderName != "" {
		t.CapacityProviderName = aws.String(spec.CapacityProviderName)
	}
	if spec.ContainerInstanceArn != "" {
		t.ContainerInstanceArn = aws.String(spec.ContainerInstanceArn)
		if t.AvailabilityZone == nil {
			if ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), spec.ContainerInstanceArn); err != nil {
				return nil, err
			} else if ci != nil {
				t.AvailabilityZone = attributeValue(ci.Attributes, "ecs.availability-zone")
			}
		}
	}
	t.Cpu, t.Memory = taskResources(td, spec.Overrides)

	if spec.LaunchType == types.LaunchTypeFargate {
		family, version := fargatePlatform(td, spec.PlatformVersion)
		t.PlatformFamily = aws.String(family)
		t.PlatformVersion = aws.String(version)
		size := int32(20)
		if td.EphemeralStorage != nil && td.EphemeralStorage.SizeInGiB > 0 {
			size = td.EphemeralStorage.SizeInGiB
		}
		if spec.Overrides != nil && spec.Overrides.EphemeralStorage != nil && spec.Overrides.EphemeralStorage.SizeInGiB > 0 {
			size = spec.Overrides.EphemeralStorage.SizeInGiB
		}
		t.EphemeralStorage = &types.EphemeralStorage{SizeInGiB: size}
		t.FargateEphemeralStorage = &types.TaskEphemeralStorage{SizeInGiB: size}
		arch := "x86_64"
		if td.RuntimePlatform != nil && td.RuntimePlatform.CpuArchitecture == types.CPUArchitectureArm64 {
			arch = "arm64"
		}
		t.Attributes = []types.Attribute{{Name: aws.String("ecs.cpu-architecture"), Value: aws.String(arch)}}
	}

	var eni *types.NetworkInterface
	if td.NetworkMode == types.NetworkModeAwsvpc {
		att, ni, zone, err := newENIAttachment(c, spec)
		if err != nil {
			return nil, err
		}
		t.Attachments = []types.Attachment{*att}
		eni = ni
		if spec.LaunchType == types.LaunchTypeFargate || t.AvailabilityZone == nil {
			t.AvailabilityZone = aws.String(zone)
		}
	}

	for _, cd := range td.ContainerDefinitions {
		t.Containers = append(t.Containers, newContainer(c, spec, id, arn, cd, eni))
	}

	if err := ecscore.PutTask(c.Tx, c.Scope(), t); err != nil {
		return nil, err
	}
	if len(spec.Tags) > 0 {
		tags := append([]types.Tag(nil), spec.Tags...)
		if err := ecscore.Tags.Put(c.Tx, c.Scope(), arn, ecscore.TaskTagIndex(spec.ClusterArn), &tags); err != nil {
			return nil, err
		}
		t.Tags = tags
	}
	return t, nil
}

// ReleaseTaskResources frees what NewTask allocated for a task (its ENI,
// deleted from EC2, and the ENI's private address) and forgets its scale-in protection, which a stopped task
// no longer has. The cluster manager calls it when a task is STOPPED.
func ReleaseTaskResources(c *api.Context, t *types.Task) error {
	if _, err := ecscore.TaskProtections.Delete(c.Tx, c.Scope(), aws.ToString(t.TaskArn)); err != nil {
		return err
	}
	for _, att := range t.Attachments {
		if aws.ToString(att.Type) != "ElasticNetworkInterface" {
			continue
		}
		eni := aws.ToString(detailValue(att.Details, "networkInterfaceId"))
		if err := releaseTaskInterface(c, eni); err != nil {
			return err
		}
	}
	return nil
}

// newENIAttachment allocates the task's network interface in its subnet.
func newENIAttachment(c *api.Context, spec TaskSpec) (*types.Attachment, *types.NetworkInterface, string, error) {
	subnet := spec.Subnet
	if subnet == "" && spec.NetworkConfiguration != nil && spec.NetworkConfiguration.AwsvpcConfiguration != nil &&
		len(spec.NetworkConfiguration.AwsvpcConfiguration.Subnets) > 0 {
		subnet = spec.NetworkConfiguration.AwsvpcConfiguration.Subnets[0]
	}
	if subnet == "" {
		return nil, nil, "", errSubnetsEmpty()
	}
	attID := api.UUID()
	var cfg *types.AwsVpcConfiguration
	if spec.NetworkConfiguration != nil {
		cfg = spec.NetworkConfiguration.AwsvpcConfiguration
	}
	ni, err := createTaskInterface(c, cfg, subnet, attID)
	if err != nil {
		return nil, nil, "", err
	}
	att := &types.Attachment{
		Id:     aws.String(attID),
		Type:   aws.String("ElasticNetworkInterface"),
		Status: aws.String("PRECREATED"),
		Details: []types.KeyValuePair{
			kv("subnetId", subnet),
			kv("networkInterfaceId", ni.ID),
			kv("macAddress", ni.MAC),
			kv("privateDnsName", ni.PrivateDNSName),
			kv("privateIPv4Address", ni.PrivateIP),
		},
	}
	return att, &types.NetworkInterface{AttachmentId: aws.String(attID), PrivateIpv4Address: aws.String(ni.PrivateIP)}, ni.Zone, nil
}

func newContainer(c *api.Context, spec TaskSpec, taskID, taskArn string, cd types.ContainerDefinition, eni *types.NetworkInterface) types.Container {
	ct := types.Container{
		ContainerArn: aws.String(ecscore.ARN(c, "container", ecscore.NameFromARN(spec.ClusterArn), taskID, api.UUID())),
		TaskArn:      aws.String(taskArn),
		Name:         cd.Name,
		Image:        cd.Image,
		LastStatus:   aws.String(ecscore.ContainerPending),
		HealthStatus: types.HealthStatusUnknown,
		Cpu:          aws.String(strconv.Itoa(int(cd.Cpu))),
	}
	memory, reservation := cd.Memory, cd.MemoryReservation
	if o := containerOverride(spec.Overrides, aws.ToString(cd.Name)); o != nil {
		if o.Cpu != nil {
			ct.Cpu = aws.String(strconv.Itoa(int(*o.Cpu)))
		}
		if o.Memory != nil {
			memory = o.Memory
		}
		if o.MemoryReservation != nil {
			reservation = o.MemoryReservation
		}
	}
	if memory != nil {
		ct.Memory = aws.String(strconv.Itoa(int(*memory)))
	}
	if reservation != nil {
		ct.MemoryReservation = aws.String(strconv.Itoa(int(*reservation)))
	}
	if eni != nil {
		ct.NetworkInterfaces = []types.NetworkInterface{*eni}
	}
	if spec.EnableExecuteCommand {
		ct.ManagedAgents = []types.ManagedAgent{{Name: types.ManagedAgentNameExecuteCommandAgent, LastStatus: aws.String(ecscore.ContainerPending)}}
	}
	return ct
}

// normalizedOverrides is the task's overrides as ECS echoes them: one entry
// per container (its name alone when nothing is overridden).
func normalizedOverrides(td *types.TaskDefinition, in *types.TaskOverride) *types.TaskOverride {
	out := &types.TaskOverride{InferenceAcceleratorOverrides: []types.InferenceAcceleratorOverride{}}
	if in != nil {
		cp := *in
		out = &cp
		if out.InferenceAcceleratorOverrides == nil {
			out.InferenceAcceleratorOverrides = []types.InferenceAcceleratorOverride{}
		}
	}
	given := map[string]bool{}
	for _, o := range out.ContainerOverrides {
		given[aws.ToString(o.Name)] = true
	}
	overrides := append([]types.ContainerOverride(nil), out.ContainerOverrides...)
	for _, cd := range td.ContainerDefinitions {
		if !given[aws.ToString(cd.Name)] {
			overrides = append(overrides, types.ContainerOverride{Name: cd.Name})
		}
	}
	out.ContainerOverrides = overrides
	return out
}

func containerOverride(o *types.TaskOverride, name string) *types.ContainerOverride {
	if o == nil {
		return nil
	}
	for i := range o.ContainerOverrides {
		if aws.ToString(o.ContainerOverrides[i].Name) == name {
			return &o.ContainerOverrides[i]
		}
	}
	return nil
}

// taskResources is the task's cpu and memory: the task-level values (or their
// overrides), else the sums over its containers.
func taskResources(td *types.TaskDefinition, o *types.TaskOverride) (cpu, memory *string) {
	cpu, memory = td.Cpu, td.Memory
	if o != nil && o.Cpu != nil {
		cpu = o.Cpu
	}
	if o != nil && o.Memory != nil {
		memory = o.Memory
	}
	if cpu == nil {
		var sum int32
		for _, cd := range td.ContainerDefinitions {
			sum += cd.Cpu
		}
		if sum > 0 {
			cpu = aws.String(strconv.Itoa(int(sum)))
		}
	}
	if memory == nil {
		var sum int32
		for _, cd := range td.ContainerDefinitions {
			if cd.Memory != nil {
				sum += *cd.Memory
			} else if cd.MemoryReservation != nil {
				sum += *cd.MemoryReservation
			}
		}
		if sum > 0 {
			memory = aws.String(strconv.Itoa(int(sum)))
		}
	}
	return cpu, memory
}

// fargatePlatform resolves the platform family and version of a Fargate task.
func fargatePlatform(td *types.TaskDefinition, asked string) (family, version string) {
	family, latest := "Linux", FargatePlatformVersion
	if td.RuntimePlatform != nil && td.RuntimePlatform.OperatingSystemFamily != "" &&
		td.RuntimePlatform.OperatingSystemFamily != types.OSFamilyLinux {
		family, latest = string(td.RuntimePlatform.OperatingSystemFamily), FargateWindowsPlatformVersion
	}
	if asked == "" || asked == "LATEST" {
		return family, latest
	}
	return family, asked
}

func kv(name, value string) types.KeyValuePair {
	return types.KeyValuePair{Name: aws.String(name), Value: aws.String(value)}
}

func detailValue(details []types.KeyValuePair, name string) *string {
	for _, d := range details {
		if aws.ToString(d.Name) == name {
			return d.Value
		}
	}
	return nil
}

func attributeValue(attrs []types.Attribute, name string) *string {
	for _, a := range attrs {
		if aws.ToString(a.Name) == name {
			return a.Value
		}
	}
	return nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
