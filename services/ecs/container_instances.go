package ecs

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// MaxContainerInstancesPerCluster is AWS's default quota.
const MaxContainerInstancesPerCluster = 5000

// DefaultAgentVersion is the agent version recorded when a registration carries no versionInfo.
const DefaultAgentVersion = "1.90.0"

// instanceIdentity is the part of the EC2 instance identity document ECS reads.
type instanceIdentity struct {
	InstanceID       string `json:"instanceId"`
	InstanceType     string `json:"instanceType"`
	ImageID          string `json:"imageId"`
	AvailabilityZone string `json:"availabilityZone"`
	Architecture     string `json:"architecture"`
	Region           string `json:"region"`
	AccountID        string `json:"accountId"`
}

// instanceSizes are CPU units and memory MiB the agent reports for common types.
var instanceSizes = map[string][2]int32{
	"t2.micro": {1024, 993}, "t2.small": {1024, 1993}, "t2.medium": {2048, 3943},
	"t3.micro": {2048, 944}, "t3.small": {2048, 1939}, "t3.medium": {2048, 3896}, "t3.large": {2048, 7854},
	"m5.large": {2048, 7680}, "m5.xlarge": {4096, 15580}, "m5.2xlarge": {8192, 31424},
	"c5.large": {2048, 3763}, "c5.xlarge": {4096, 7554}, "r5.large": {2048, 15580},
}

// agentReservedPorts are the host ports the ECS agent and Docker hold on every instance.
var agentReservedPorts = []string{"22", "2375", "2376", "51678", "51679"}

func intResource(name string, v int32) types.Resource {
	return types.Resource{Name: aws.String(name), Type: aws.String("INTEGER"), IntegerValue: v}
}

func setResource(name string, v []string) types.Resource {
	return types.Resource{Name: aws.String(name), Type: aws.String("STRINGSET"), StringSetValue: v}
}

// registeredResources fills in what an agent reports when totalResources leaves it out.
func registeredResources(given []types.Resource, instanceType string) ([]types.Resource, error) {
	size, ok := instanceSizes[instanceType]
	if !ok {
		size = [2]int32{2048, 3896}
	}
	out := []types.Resource{}
	has := map[string]bool{}
	for _, r := range given {
		name := aws.ToString(r.Name)
		if name == "" {
			return nil, errInvalidParameter("Resource name cannot be empty.")
		}
		if has[name] {
			return nil, errInvalidParameter("Duplicate resource %s.", name)
		}
		has[name] = true
		if r.Type == nil {
			switch name {
			case "PORTS", "PORTS_UDP":
				r.Type = aws.String("STRINGSET")
			default:
				r.Type = aws.String("INTEGER")
			}
		}
		if r.StringSetValue == nil && aws.ToString(r.Type) == "STRINGSET" {
			r.StringSetValue = []string{}
		}
		out = append(out, r)
	}
	defaults := []types.Resource{intResource("CPU", size[0]), intResource("MEMORY", size[1]),
		setResource("PORTS", slices.Clone(agentReservedPorts)), setResource("PORTS_UDP", []string{})}
	for _, d := range defaults {
		if !has[aws.ToString(d.Name)] {
			out = append(out, d)
		}
	}
	return out, nil
}

// withGPUs adds the GPU resource (the ids of the instance's GPUs) that ECS
// derives from the agent's platform devices, unless totalResources has one.
func withGPUs(res []types.Resource, devices []types.PlatformDevice) []types.Resource {
	var ids []string
	for _, d := range devices {
		if d.Type == types.PlatformDeviceTypeGpu && d.Id != nil {
			ids = append(ids, *d.Id)
		}
	}
	if len(ids) == 0 || slices.ContainsFunc(res, func(r types.Resource) bool { return aws.ToString(r.Name) == "GPU" }) {
		return res
	}
	return append(res, setResource("GPU", ids))
}

// lookupContainerInstance resolves an id or ARN within a cluster (nil when unknown).
func lookupContainerInstance(c *api.Context, clusterArn, ref string) (*types.ContainerInstance, string, error) {
	arn := ref
	if !strings.HasPrefix(ref, "arn:") {
		arn = ecscore.ContainerInstanceARN(c, clusterArn, ref)
	}
	ci, err := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, arn, err
	}
	if ci != nil && !strings.HasPrefix(arn, c.ARNPrefix()+"ecs:"+c.Region+":"+c.Account()+":container-instance/"+ecscore.NameFromARN(clusterArn)+"/") {
		return nil, arn, nil
	}
	return ci, arn, nil
}

func putContainerInstance(c *api.Context, clusterArn string, ci *types.ContainerInstance) error {
	return ecscore.PutContainerInstance(c.Tx, c.Scope(), clusterArn, ci)
}

// instanceClusterArn is the cluster ARN embedded in a container instance ARN.
func instanceClusterArn(c *api.Context, ciArn string) string {
	rest := ciArn[strings.Index(ciArn, ":container-instance/")+len(":container-instance/"):]
	cluster, _, _ := strings.Cut(rest, "/")
	return ecscore.ARN(c, "cluster", cluster)
}

func registerContainerInstance(c *api.Context, in *ecs.RegisterContainerInstanceInput) (*ecs.RegisterContainerInstanceOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	var doc instanceIdentity
	if raw := aws.ToString(in.InstanceIdentityDocument); raw != "" {
		if err := json.Unmarshal([]byte(raw), &doc); err != nil || doc.InstanceID == "" {
			return nil, errInvalidParameter("The instance identity document is invalid.")
		}
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, err
	}
	var ci *types.ContainerInstance
	if ref := aws.ToString(in.ContainerInstanceArn); ref != "" {
		// The agent re-registers an instance it registered before.
		if ci, _, err = lookupContainerInstance(c, clusterArn, ref); err != nil {
			return nil, err
		}
		if ci == nil || aws.ToString(ci.Status) == "INACTIVE" {
			return nil, errInvalidParameter("The referenced container instance %s is not valid for re-registration.", ref)
		}
	} else if doc.InstanceID != "" {
		same, err := ecscore.ContainerInstances.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn, Attr: doc.InstanceID})
		if err != nil {
			return nil, err
		}
		for _, it := range same {
			if s := aws.ToString(it.Doc.Status); s == "ACTIVE" || s == "DRAINING" {
				ci = it.Doc
			}
		}
	}
	if ci == nil {
		n := 0
		for _, status := range []string{"ACTIVE", "DRAINING"} {
			k, err := ecscore.ContainerInstances.Count(c.Tx, c.Scope(), store.Query{Parent: clusterArn, Status: status})
			if err != nil {
				return nil, err
			}
			n += k
		}
		if n >= MaxContainerInstancesPerCluster {
			return nil, apierror.New("LimitExceededException", "The maximum number of container instances for this cluster has been reached.")
		}
		if doc.InstanceID == "" {
			doc.InstanceID = "i-" + api.HexID(17)
		}
		ci = &types.ContainerInstance{
			ContainerInstanceArn: aws.String(ecscore.ContainerInstanceARN(c, clusterArn, api.HexID(32))),
			Ec2InstanceId:        aws.String(doc.InstanceID),
			Status:               aws.String("ACTIVE"),
			RegisteredAt:         aws.Time(c.Now()),
			Attachments:          []types.Attachment{},
		}
	}
	if doc.InstanceID != "" && aws.ToString(ci.Ec2InstanceId) == "" {
		ci.Ec2InstanceId = aws.String(doc.InstanceID)
	}
	res, err := registeredResources(in.TotalResources, doc.InstanceType)
	if err != nil {
		return nil, err
	}
	res = withGPUs(res, in.PlatformDevices)
	ci.RegisteredResources = res
	// The cluster manager subtracts placed tasks' reservations from these.
	ci.RemainingResources = slices.Clone(res)
	ci.AgentConnected = true
	ci.VersionInfo = in.VersionInfo
	if ci.VersionInfo == nil {
		ci.VersionInfo = &types.VersionInfo{AgentVersion: aws.String(DefaultAgentVersion),
			AgentHash: aws.String("e9a5f1c2"), DockerVersion: aws.String("DockerVersion: 25.0.8")}
	}
	ci.Attributes = instanceAttributes(doc, in.Attributes, ci.Attributes)
	ci.Version++
	if err := putContainerInstance(c, clusterArn, ci); err != nil {
		return nil, err
	}
	arn := aws.ToString(ci.ContainerInstanceArn)
	if err := MergeResourceTags(c, arn, in.Tags); err != nil {
		return nil, err
	}
	out, err := describeContainerInstance(c, ci, []types.ContainerInstanceField{types.ContainerInstanceFieldTags})
	if err != nil {
		return nil, err
	}
	return &ecs.RegisterContainerInstanceOutput{ContainerInstance: out}, nil
}

// instanceAttributes merges the attributes ECS derives from the identity
// document, the ones the agent sends, and custom ones put earlier.
func instanceAttributes(doc instanceIdentity, given, previous []types.Attribute) []types.Attribute {
	out := []types.Attribute{}
	set := func(name, value string) {
		if value == "" {
			return
		}
		for i := range out {
			if aws.ToString(out[i].Name) == name {
				out[i].Value = aws.String(value)
				return
			}
		}
		out = append(out, types.Attribute{Name: aws.String(name), Value: aws.String(value)})
	}
	for _, a := range previous {
		if !isBuiltinAttribute(aws.ToString(a.Name)) {
			set(aws.ToString(a.Name), aws.ToString(a.Value))
		}
	}
	arch := doc.Architecture
	if arch == "arm64" || arch == "aarch64" {
		arch = "arm64"
	} else if arch != "" {
		arch = "x86_64"
	}
	set("ecs.ami-id", doc.ImageID)
	set("ecs.availability-zone", doc.AvailabilityZone)
	set("ecs.instance-type", doc.InstanceType)
	set("ecs.cpu-architecture", arch)
	set("ecs.os-type", "linux")
	if !slices.ContainsFunc(given, func(a types.Attribute) bool { return isCapability(aws.ToString(a.Name)) }) {
		for _, name := range agentCapabilities() {
			out = append(out, types.Attribute{Name: aws.String(name)})
		}
	}
	for _, a := range given {
		name := aws.ToString(a.Name)
		if a.Value == nil {
			if !slices.ContainsFunc(out, func(x types.Attribute) bool { return aws.ToString(x.Name) == name }) {
				out = append(out, types.Attribute{Name: aws.String(name)})
			}
			continue
		}
		set(name, aws.ToString(a.Value))
	}
	return out
}

// isCapability tells an agent capability attribute.
func isCapability(name string) bool {
	return strings.HasPrefix(name, "ecs.capability.") || strings.HasPrefix(name, "com.amazonaws.ecs.capability.")
}

// isBuiltinAttribute tells ECS's and the agent's attributes from custom ones.
func isBuiltinAttribute(name string) bool {
	return strings.HasPrefix(name, "ecs.") || strings.HasPrefix(name, "com.amazonaws.ecs.")
}

// instanceTaskCounts counts the running and pending tasks placed on an instance.
func instanceTaskCounts(c *api.Context, ciArn string) (running, pending int32, err error) {
	tasks, err := ecscore.Tasks.List(c.Tx, c.Scope(), store.Query{Parent: instanceClusterArn(c, ciArn), Attr: ciArn})
	if err != nil {
		return 0, 0, err
	}
	for _, t := range tasks {
		switch aws.ToString(t.Doc.LastStatus) {
		case "RUNNING":
			running++
		case "PENDING", "PROVISIONING", "ACTIVATING":
			pending++
		}
	}
	return running, pending, nil
}

// describeContainerInstance returns a stored instance with its task counts and
// the optional parts include asks for.
func describeContainerInstance(c *api.Context, stored *types.ContainerInstance, include []types.ContainerInstanceField) (*types.ContainerInstance, error) {
	ci := *stored
	arn := aws.ToString(ci.ContainerInstanceArn)
	running, pending, err := instanceTaskCounts(c, arn)
	if err != nil {
		return nil, err
	}
	ci.RunningTasksCount, ci.PendingTasksCount = running, pending
	ci.Tags = nil
	if slices.Contains(include, types.ContainerInstanceFieldTags) {
		tags, err := ResourceTags(c, arn)
		if err != nil {
			return nil, err
		}
		if tags == nil {
			tags = []types.Tag{}
		}
		ci.Tags = tags
	}
	if slices.Contains(include, types.ContainerInstanceFieldContainerInstanceHealth) {
		state := types.InstanceHealthCheckStateOk
		if !ci.AgentConnected {
			state = types.InstanceHealthCheckStateInsufficientData
		}
		at := ci.RegisteredAt
		ci.HealthStatus = &types.ContainerInstanceHealthStatus{
			OverallStatus: state,
			Details: []types.InstanceHealthCheckResult{{Type: types.InstanceHealthCheckTypeContainerRuntime,
				Status: state, LastUpdated: aws.Time(c.Now()), LastStatusChange: at}},
		}
	} else {
		ci.HealthStatus = nil
	}
	return &ci, nil
}

func deregisterContainerInstance(c *api.Context, in *ecs.DeregisterContainerInstanceInput) (*ecs.DeregisterContainerInstanceOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	ci, _, err := lookupContainerInstance(c, clusterArn, aws.ToString(in.ContainerInstance))
	if err != nil {
		return nil, err
	}
	if ci == nil {
		return nil, errInvalidParameter("The referenced container instance was not found.")
	}
	if aws.ToString(ci.Status) != "INACTIVE" {
		running, pending, err := instanceTaskCounts(c, aws.ToString(ci.ContainerInstanceArn))
		if err != nil {
			return nil, err
		}
		if running+pending > 0 && !aws.ToBool(in.Force) {
			return nil, errInvalidParameter("Found running tasks on the instance.")
		}
		ci.Status = aws.String("INACTIVE")
		ci.AgentConnected = false
		ci.Version++
		if err := putContainerInstance(c, clusterArn, ci); err != nil {
			return nil, err
		}
	}
	out, err := describeContainerInstance(c, ci, nil)
	if err != nil {
		return nil, err
	}
	return &ecs.DeregisterContainerInstanceOutput{ContainerInstance: out}, nil
}

func describeContainerInstances(c *api.Context, in *ecs.DescribeContainerInstancesInput) (*ecs.DescribeContainerInstancesOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	// AWS's texts: "Container instance cannot be empty." (getmoto/moto#2473,
	// gchq/sleeper#3387) and "instanceIds can have at most 100 items."
	// (traefik/traefik#3625).
	if len(in.ContainerInstances) == 0 {
		return nil, errInvalidParameter("Container instance cannot be empty.")
	}
	if len(in.ContainerInstances) > 100 {
		return nil, errInvalidParameter("instanceIds can have at most 100 items.")
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	out := &ecs.DescribeContainerInstancesOutput{ContainerInstances: []types.ContainerInstance{}, Failures: []types.Failure{}}
	for _, ref := range in.ContainerInstances {
		ci, arn, err := lookupContainerInstance(c, clusterArn, ref)
		if err != nil {
			return nil, err
		}
		if ci == nil {
			out.Failures = append(out.Failures, missing(arn))
			continue
		}
		d, err := describeContainerInstance(c, ci, in.Include)
		if err != nil {
			return nil, err
		}
		out.ContainerInstances = append(out.ContainerInstances, *d)
	}
	return out, nil
}

func listContainerInstances(c *api.Context, in *ecs.ListContainerInstancesInput) (*ecs.ListContainerInstancesOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	size, err := pageSize(in.MaxResults, 100, 100)
	if err != nil {
		return nil, err
	}
	var filter Expr
	if f := aws.ToString(in.Filter); strings.TrimSpace(f) != "" {
		if filter, err = ParseExpression(f); err != nil {
			return nil, errInvalidParameter("The filter expression is not valid: %s.", err.Error())
		}
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	var keepErr error
	keep := func(ci *types.ContainerInstance) bool {
		status := aws.ToString(ci.Status)
		if in.Status != "" {
			if status != string(in.Status) {
				return false
			}
		} else if status == "INACTIVE" {
			return false
		}
		if filter == nil {
			return true
		}
		d, err := describeContainerInstance(c, ci, nil)
		if err != nil {
			keepErr = err
			return false
		}
		tasks, err := ecscore.Tasks.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn, Attr: aws.ToString(ci.ContainerInstanceArn)})
		if err != nil {
			keepErr = err
			return false
		}
		var placed []*types.Task
		for _, t := range tasks {
			if aws.ToString(t.Doc.LastStatus) != "STOPPED" {
				placed = append(placed, t.Doc)
			}
		}
		return filter.Match(d, placed...)
	}
	scope := "ecs:ListContainerInstances:" + clusterArn + ":" + string(in.Status) + ":" + aws.ToString(in.Filter)
	// A status asked for is sought in the index, not among every instance.
	items, next, err := scanPage(c, ecscore.ContainerInstances, store.Query{Parent: clusterArn, Status: string(in.Status)}, scope, in.NextToken, size, keep)
	if err != nil {
		return nil, err
	}
	if keepErr != nil {
		return nil, keepErr
	}
	out := &ecs.ListContainerInstancesOutput{ContainerInstanceArns: []string{}, NextToken: next}
	for _, ci := range items {
		out.ContainerInstanceArns = append(out.ContainerInstanceArns, aws.ToString(ci.ContainerInstanceArn))
	}
	return out, nil
}

func updateContainerInstancesState(c *api.Context, in *ecs.UpdateContainerInstancesStateInput) (*ecs.UpdateContainerInstancesStateOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.Status != types.ContainerInstanceStatusActive && in.Status != types.ContainerInstanceStatusDraining {
		return nil, errInvalidParameter("Container instances status can only be updated to ACTIVE or DRAINING.")
	}
	// "instanceIds can have at most 10 items." (minamijoyo/myaws#25).
	if len(in.ContainerInstances) > 10 {
		return nil, errInvalidParameter("instanceIds can have at most 10 items.")
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	out := &ecs.UpdateContainerInstancesStateOutput{ContainerInstances: []types.ContainerInstance{}, Failures: []types.Failure{}}
	for _, ref := range in.ContainerInstances {
		ci, arn, err := lookupContainerInstance(c, clusterArn, ref)
		if err != nil {
			return nil, err
		}
		if ci == nil {
			out.Failures = append(out.Failures, missing(arn))
			continue
		}
		if aws.ToString(ci.Status) == "INACTIVE" {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("INACTIVE"),
				Detail: aws.String("The container instance is deregistered.")})
			continue
		}
		if aws.ToString(ci.Status) != string(in.Status) {
			ci.Status = aws.String(string(in.Status))
			ci.Version++
			if err := putContainerInstance(c, clusterArn, ci); err != nil {
				return nil, err
			}
		}
		d, err := describeContainerInstance(c, ci, nil)
		if err != nil {
			return nil, err
		}
		out.ContainerInstances = append(out.ContainerInstances, *d)
	}
	return out, nil
}

// LatestAgentVersion is the newest ECS agent Longshore knows of.
const LatestAgentVersion = "1.101.1"

// olderVersion compares dotted versions numerically.
func olderVersion(a, b string) bool {
	pa, pb := strings.Split(strings.TrimPrefix(a, "v"), "."), strings.Split(strings.TrimPrefix(b, "v"), ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func updateContainerAgent(c *api.Context, in *ecs.UpdateContainerAgentInput) (*ecs.UpdateContainerAgentOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	ci, _, err := lookupContainerInstance(c, clusterArn, aws.ToString(in.ContainerInstance))
	if err != nil {
		return nil, err
	}
	if ci == nil || aws.ToString(ci.Status) == "INACTIVE" {
		return nil, errInvalidParameter("The referenced container instance was not found.")
	}
	for _, a := range ci.Attributes {
		if aws.ToString(a.Name) == "ecs.os-type" && aws.ToString(a.Value) == "windows" {
			return nil, errInvalidParameter("Agent updates are not supported for Windows container instances.")
		}
	}
	switch ci.AgentUpdateStatus {
	case types.AgentUpdateStatusPending, types.AgentUpdateStatusStaging, types.AgentUpdateStatusStaged, types.AgentUpdateStatusUpdating:
		return nil, apierror.New("UpdateInProgressException", "There's already a current Amazon ECS container agent update in progress on the container instance that's specified. If the container agent becomes disconnected while it's in a transitional stage, such as PENDING or STAGING, the update process can get stuck in that state. However, when the agent reconnects, it resumes where it stopped previously.")
	}
	version := ""
	if ci.VersionInfo != nil {
		version = aws.ToString(ci.VersionInfo.AgentVersion)
	}
	if version == "" {
		return nil, apierror.New("MissingVersionException", "Amazon ECS can't determine the current version of the Amazon ECS container agent on the container instance and doesn't have enough information to proceed with an update. This could be because the agent running on the container instance is a previous or custom version that doesn't use our version information.")
	}
	if !olderVersion(version, LatestAgentVersion) {
		return nil, apierror.New("NoUpdateAvailableException", "There's no update available for this Amazon ECS container agent. This might be because the agent is already running the latest version or because it's so old that there's no update path to the current version.")
	}
	ci.AgentUpdateStatus = types.AgentUpdateStatusPending
	ci.Version++
	if err := putContainerInstance(c, clusterArn, ci); err != nil {
		return nil, err
	}
	out, err := describeContainerInstance(c, ci, nil)
	if err != nil {
		return nil, err
	}
	return &ecs.UpdateContainerAgentOutput{ContainerInstance: out}, nil
}
