// Package control holds the ECS control endpoints under /_longshore: what
// simulates what has no API (EC2 instances joining a cluster, lost agents,
// crashing containers, container output, lifecycle hook results). What they
// need of the cluster manager comes in through Config as function values.
package control

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/catalog"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/store"
)

// Config is what the control endpoints need besides the store.
type Config struct {
	Store *store.Store
	// Region is the server's region, for bodies that name none.
	Region string
	// LogStream says where a container of a task writes through the awslogs
	// driver now (an InvalidParameterException when it cannot write).
	LogStream func(c *api.Context, t *types.Task, td *types.TaskDefinition, container string) (LogStream, error)
	// RecordHookResult checks and stores a lifecycle hook's result for a
	// service deployment.
	RecordHookResult func(tx *store.Tx, sc store.Scope, sd *types.ServiceDeployment, stage types.DeploymentLifecycleHookStage, status types.DeploymentLifecycleHookStatus) error
	// Wake asks the cluster manager for a pass.
	Wake func()
}

// LogStream is where a container writes: the group and stream, in the
// region of In (the context to write with).
type LogStream struct {
	Group, Stream string
	In            *api.Context
}

// Routes are the ECS control endpoints, in a fixed order.
func Routes(cfg Config) []api.ControlRoute {
	return []api.ControlRoute{
		{Method: "POST", Path: "/ecs/container-instances", Handle: cfg.in(cfg.registerInstances)},
		{Method: "POST", Path: "/ecs/container-instances/fail", Handle: cfg.in(cfg.failInstance)},
		{Method: "POST", Path: "/ecs/tasks/fail", Handle: cfg.in(cfg.failTask)},
		{Method: "POST", Path: "/ecs/lifecycle-hooks", Handle: cfg.setLifecycleHook},
		{Method: "POST", Path: "/ecs/tasks/logs", Handle: cfg.in(cfg.appendTaskLogs)},
	}
}

// controlRequest is what every control body may carry besides its own fields.
type controlRequest struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Cluster string `json:"cluster"`
}

func badRequest(format string, args ...any) error {
	return apierror.WithStatus(400, "InvalidParameterException", format, args...)
}

// in decodes the body and runs fn in a write transaction of the
// account and region it names (default 000000000000 and the server's region).
func (cfg Config) in(fn func(c *api.Context, body []byte) (any, error)) func(context.Context, []byte) (any, error) {
	return func(ctx context.Context, body []byte) (any, error) {
		var req controlRequest
		if len(body) == 0 {
			body = []byte("{}")
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, badRequest("The request body is not valid JSON: %s", err.Error())
		}
		if req.Account == "" {
			req.Account = api.DefaultAccount
		}
		if req.Region == "" {
			req.Region = cfg.Region
		}
		var out any
		err := cfg.Store.Write(ctx, func(tx *store.Tx) error {
			c := &api.Context{Context: ctx, Service: "ecs", Operation: "Control", Region: req.Region,
				Caller: api.RootPrincipal(req.Account, ""), Tx: tx}
			var err error
			out, err = fn(c, body)
			return err
		})
		return out, err
	}
}

type registerInstancesRequest struct {
	controlRequest
	InstanceType     string            `json:"instanceType"`
	AvailabilityZone string            `json:"availabilityZone"`
	Count            *int              `json:"count"`
	Attributes       map[string]string `json:"attributes"`
}

// RegisterInstancesResult is the answer of POST /ecs/container-instances.
type RegisterInstancesResult struct {
	ContainerInstanceArns []string `json:"containerInstanceArns"`
	Ec2InstanceIds        []string `json:"ec2InstanceIds"`
}

func (cfg Config) registerInstances(c *api.Context, body []byte) (any, error) {
	var req registerInstancesRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, badRequest("The request body is not valid JSON: %s", err.Error())
	}
	cl, err := ecscore.GetCluster(c, aws.String(req.Cluster))
	if err != nil {
		return nil, err
	}
	if req.InstanceType == "" {
		req.InstanceType = "m5.large"
	}
	it, ok := catalog.LookupInstanceType(req.InstanceType)
	if !ok {
		return nil, badRequest("Unknown instance type %s.", req.InstanceType)
	}
	count := 1
	if req.Count != nil {
		count = *req.Count
	}
	if count < 1 || count > 1000 {
		return nil, badRequest("count must be between 1 and 1000.")
	}
	zones := ecs.AvailabilityZones(c.Region)
	if req.AvailabilityZone != "" {
		if !strings.HasPrefix(req.AvailabilityZone, c.Region) {
			return nil, badRequest("Availability zone %s is not in region %s.", req.AvailabilityZone, c.Region)
		}
		zones = []string{req.AvailabilityZone}
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	out := RegisterInstancesResult{ContainerInstanceArns: []string{}, Ec2InstanceIds: []string{}}
	for i := range count {
		ci := simulatedInstance(c, clusterArn, req.InstanceType, it, zones[i%len(zones)], req.Attributes)
		arn := aws.ToString(ci.ContainerInstanceArn)
		if err := ecscore.PutContainerInstance(c.Tx, c.Scope(), clusterArn, ci); err != nil {
			return nil, err
		}
		out.ContainerInstanceArns = append(out.ContainerInstanceArns, arn)
		out.Ec2InstanceIds = append(out.Ec2InstanceIds, aws.ToString(ci.Ec2InstanceId))
	}
	return out, nil
}

// capabilityAttributes are the attributes the ECS agent reports on Amazon Linux 2023.
var capabilityAttributes = []string{
	"com.amazonaws.ecs.capability.docker-remote-api.1.17", "com.amazonaws.ecs.capability.docker-remote-api.1.18",
	"com.amazonaws.ecs.capability.docker-remote-api.1.19", "com.amazonaws.ecs.capability.docker-remote-api.1.21",
	"com.amazonaws.ecs.capability.docker-remote-api.1.22", "com.amazonaws.ecs.capability.docker-remote-api.1.23",
	"com.amazonaws.ecs.capability.docker-remote-api.1.24", "com.amazonaws.ecs.capability.docker-remote-api.1.25",
	"com.amazonaws.ecs.capability.docker-remote-api.1.26", "com.amazonaws.ecs.capability.docker-remote-api.1.27",
	"com.amazonaws.ecs.capability.docker-remote-api.1.28", "com.amazonaws.ecs.capability.docker-remote-api.1.29",
	"com.amazonaws.ecs.capability.docker-remote-api.1.30", "com.amazonaws.ecs.capability.docker-remote-api.1.31",
	"com.amazonaws.ecs.capability.docker-remote-api.1.32", "com.amazonaws.ecs.capability.docker-remote-api.1.44",
	"com.amazonaws.ecs.capability.logging-driver.awslogs", "com.amazonaws.ecs.capability.logging-driver.json-file",
	"com.amazonaws.ecs.capability.logging-driver.none", "com.amazonaws.ecs.capability.logging-driver.syslog",
	"com.amazonaws.ecs.capability.ecr-auth", "com.amazonaws.ecs.capability.task-iam-role",
	"com.amazonaws.ecs.capability.task-iam-role-network-host", "ecs.capability.execution-role-awslogs",
	"ecs.capability.execution-role-ecr-pull", "ecs.capability.secrets.asm.environment-variables",
	"ecs.capability.secrets.ssm.environment-variables", "ecs.capability.task-eni", "ecs.capability.task-cpu-mem-limit",
	"ecs.capability.container-health-check", "ecs.capability.container-ordering", "ecs.capability.full-sync",
	"ecs.capability.docker-plugin.local", "ecs.capability.efsAuth", "ecs.capability.efs",
	"ecs.capability.firelens.fluentbit", "ecs.capability.aws-appmesh", "ecs.capability.pid-ipc-namespace-sharing",
	"ecs.capability.service-connect-v1", "ecs.capability.increased-task-cpu-limit", "ecs.capability.logging-driver.awsfirelens",
}

// simulatedInstance builds a container instance as the agent of an EC2
// instance of that type would register it.
func simulatedInstance(c *api.Context, clusterArn, typeName string, it catalog.InstanceType, zone string, extra map[string]string) *types.ContainerInstance {
	ec2ID := "i-" + api.HexID(17)
	attrs := []types.Attribute{
		{Name: aws.String("ecs.availability-zone"), Value: aws.String(zone)},
		{Name: aws.String("ecs.instance-type"), Value: aws.String(typeName)},
		{Name: aws.String("ecs.os-type"), Value: aws.String("linux")},
		{Name: aws.String("ecs.os-family"), Value: aws.String("LINUX")},
		{Name: aws.String("ecs.cpu-architecture"), Value: aws.String(it.Arch)},
		{Name: aws.String("ecs.ami-id"), Value: aws.String("ami-0" + api.HexID(16))},
		{Name: aws.String("ecs.vpc-id"), Value: aws.String("vpc-0" + api.HexID(16))},
		{Name: aws.String("ecs.subnet-id"), Value: aws.String("subnet-0" + api.HexID(16))},
	}
	for _, name := range capabilityAttributes {
		attrs = append(attrs, types.Attribute{Name: aws.String(name)})
	}
	names := make([]string, 0, len(extra))
	for k := range extra {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		attrs = append(attrs, types.Attribute{Name: aws.String(k), Value: aws.String(extra[k])})
	}
	resources := func() []types.Resource {
		return []types.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: it.RegisteredCPU()},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: it.RegisteredMemory()},
			{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: []string{"22", "2375", "2376", "51678", "51679"}},
			{Name: aws.String("PORTS_UDP"), Type: aws.String("STRINGSET"), StringSetValue: []string{}},
		}
	}
	return &types.ContainerInstance{
		ContainerInstanceArn: aws.String(ecscore.ContainerInstanceARN(c, clusterArn, api.HexID(32))),
		Ec2InstanceId:        aws.String(ec2ID),
		Status:               aws.String("ACTIVE"),
		AgentConnected:       true,
		RegisteredAt:         aws.Time(c.Now()),
		RegisteredResources:  resources(),
		RemainingResources:   resources(),
		Attributes:           attrs,
		Attachments:          []types.Attachment{},
		Version:              1,
		VersionInfo: &types.VersionInfo{AgentVersion: aws.String(ecs.DefaultAgentVersion), AgentHash: aws.String("e9a5f1c2"),
			DockerVersion: aws.String("DockerVersion: 25.0.8")},
	}
}

type failInstanceRequest struct {
	controlRequest
	ContainerInstance string `json:"containerInstance"`
}

// failInstance makes an instance's agent disconnect for good: its tasks stop
// on the next pass and services place them elsewhere.
func (cfg Config) failInstance(c *api.Context, body []byte) (any, error) {
	var req failInstanceRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, badRequest("The request body is not valid JSON: %s", err.Error())
	}
	cl, err := ecscore.GetCluster(c, aws.String(req.Cluster))
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	arn := req.ContainerInstance
	if !strings.HasPrefix(arn, "arn:") {
		arn = ecscore.ContainerInstanceARN(c, clusterArn, arn)
	}
	ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if ci == nil {
		return nil, badRequest("The referenced container instance %s was not found.", req.ContainerInstance)
	}
	ci.AgentConnected = false
	ci.Version++
	if err := ecscore.PutContainerInstance(c.Tx, c.Scope(), clusterArn, ci); err != nil {
		return nil, err
	}
	return map[string]any{"containerInstanceArn": arn, "agentConnected": false}, nil
}

type failTaskRequest struct {
	controlRequest
	Task     string `json:"task"`
	ExitCode *int32 `json:"exitCode"`
	Reason   string `json:"reason"`
	// StopCode is EssentialContainerExited (the default), SpotInterruption
	// or TerminationNotice.
	StopCode string `json:"stopCode"`
}

// failTask makes a task's essential container exit.
func (cfg Config) failTask(c *api.Context, body []byte) (any, error) {
	var req failTaskRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, badRequest("The request body is not valid JSON: %s", err.Error())
	}
	cl, err := ecscore.GetCluster(c, aws.String(req.Cluster))
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	arn := req.Task
	if !strings.HasPrefix(arn, "arn:") {
		arn = ecscore.TaskARN(c, clusterArn, arn)
	}
	t, err := ecscore.Tasks.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, badRequest("The referenced task was not found.")
	}
	if aws.ToString(t.DesiredStatus) != ecscore.TaskRunning {
		return nil, badRequest("The task %s is already stopping.", taskID(arn))
	}
	td, err := ecscore.TaskDefinitions.Get(c.Tx, c.Scope(), aws.ToString(t.TaskDefinitionArn))
	if err != nil {
		return nil, err
	}
	switch types.TaskStopCode(req.StopCode) {
	case types.TaskStopCodeSpotInterruption:
		ecscore.RequestStop(t, types.TaskStopCodeSpotInterruption, ecscore.ReasonSpotInterruption, c.Now())
		return putFailedTask(c, arn, t)
	case types.TaskStopCodeTerminationNotice:
		ecscore.RequestStop(t, types.TaskStopCodeTerminationNotice, ecscore.ReasonTerminationNotice, c.Now())
		return putFailedTask(c, arn, t)
	case "", types.TaskStopCodeEssentialContainerExited:
	default:
		return nil, badRequest("stopCode must be EssentialContainerExited, SpotInterruption or TerminationNotice.")
	}
	code := int32(1)
	if req.ExitCode != nil {
		code = *req.ExitCode
	}
	name := essentialContainer(td)
	for i := range t.Containers {
		ct := &t.Containers[i]
		if aws.ToString(ct.Name) == name || name == "" && i == 0 {
			ct.ExitCode = aws.Int32(code)
			ct.LastStatus = aws.String(ecscore.TaskStopped)
			if req.Reason != "" {
				ct.Reason = aws.String(req.Reason)
			}
		}
	}
	ecscore.RequestStop(t, types.TaskStopCodeEssentialContainerExited, ecscore.ReasonEssentialExited, c.Now())
	return putFailedTask(c, arn, t)
}

func putFailedTask(c *api.Context, arn string, t *types.Task) (any, error) {
	if err := ecscore.PutTask(c.Tx, c.Scope(), t); err != nil {
		return nil, err
	}
	return map[string]any{"taskArn": arn, "desiredStatus": ecscore.TaskStopped, "stopCode": string(t.StopCode)}, nil
}

func essentialContainer(td *types.TaskDefinition) string {
	if td == nil {
		return ""
	}
	for _, c := range td.ContainerDefinitions {
		if c.Essential == nil || *c.Essential {
			return aws.ToString(c.Name)
		}
	}
	return ""
}

// taskID is the last part of a task ARN.
func taskID(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}
