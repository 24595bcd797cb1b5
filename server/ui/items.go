package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// The items the page draws: the few fields each view shows, not whole
// documents, so that a change sends little.

// clusterItem is a cluster with its counts.
type clusterItem struct {
	Arn               string                               `json:"arn"`
	Name              string                               `json:"name"`
	Status            string                               `json:"status"`
	CapacityProviders []string                             `json:"capacityProviders"`
	Strategy          []types.CapacityProviderStrategyItem `json:"strategy"`
	Instances         int                                  `json:"instances"`
	Services          int                                  `json:"services"`
	Tasks             int                                  `json:"tasks"` // live tasks (desired status RUNNING)
}

// instanceItem is a container instance with its resources.
type instanceItem struct {
	Arn            string `json:"arn"`
	ID             string `json:"id"`
	Ec2InstanceID  string `json:"ec2InstanceId"`
	Type           string `json:"type"`
	Zone           string `json:"zone"`
	Status         string `json:"status"`
	StatusReason   string `json:"statusReason,omitempty"`
	AgentConnected bool   `json:"agentConnected"`
	CPU            int32  `json:"cpu"`
	CPUFree        int32  `json:"cpuFree"`
	Memory         int32  `json:"memory"`
	MemoryFree     int32  `json:"memoryFree"`
	Running        int32  `json:"running"`
	Pending        int32  `json:"pending"`
	Provider       string `json:"capacityProvider,omitempty"`
}

// taskItem is a task as the cluster and service views list it.
type taskItem struct {
	Arn           string `json:"arn"`
	ID            string `json:"id"`
	Group         string `json:"group"`
	LastStatus    string `json:"lastStatus"`
	DesiredStatus string `json:"desiredStatus"`
	Health        string `json:"health"`
	Revision      string `json:"revision"`
	Zone          string `json:"zone"`
	Address       string `json:"address,omitempty"`
	Instance      string `json:"instance,omitempty"`
	LaunchType    string `json:"launchType"`
	CPU           string `json:"cpu,omitempty"`
	Memory        string `json:"memory,omitempty"`
	StopCode      string `json:"stopCode,omitempty"`
	StoppedReason string `json:"stoppedReason,omitempty"`
	StartedBy     string `json:"startedBy,omitempty"`
	CreatedAt     string `json:"createdAt,omitempty"`
	StoppedAt     string `json:"stoppedAt,omitempty"`
}

// containerItem is one container of a task.
type containerItem struct {
	Name       string `json:"name"`
	Image      string `json:"image"`
	LastStatus string `json:"lastStatus"`
	ExitCode   *int32 `json:"exitCode"`
	Health     string `json:"health"`
	Reason     string `json:"reason,omitempty"`
	Ports      string `json:"ports,omitempty"`
}

// taskDetail is the task view's task.
type taskDetail struct {
	taskItem
	Cluster    string          `json:"cluster"`
	Containers []containerItem `json:"containers"`
}

// serviceSummary is a service in the cluster view.
type serviceSummary struct {
	Arn     string `json:"arn"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	Desired int32  `json:"desired"`
	Running int32  `json:"running"`
	Pending int32  `json:"pending"`
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// lastPart is what follows the last slash of an ARN.
func lastPart(arn string) string { return scheduler.TaskID(arn) }

func newInstanceItem(ci *types.ContainerInstance) instanceItem {
	arn := aws.ToString(ci.ContainerInstanceArn)
	it := instanceItem{Arn: arn, ID: lastPart(arn), Ec2InstanceID: aws.ToString(ci.Ec2InstanceId),
		Status: aws.ToString(ci.Status), StatusReason: aws.ToString(ci.StatusReason), AgentConnected: ci.AgentConnected,
		Running: ci.RunningTasksCount, Pending: ci.PendingTasksCount, Provider: aws.ToString(ci.CapacityProviderName)}
	for _, a := range ci.Attributes {
		switch aws.ToString(a.Name) {
		case "ecs.availability-zone":
			it.Zone = aws.ToString(a.Value)
		case "ecs.instance-type":
			it.Type = aws.ToString(a.Value)
		}
	}
	for _, r := range ci.RegisteredResources {
		switch aws.ToString(r.Name) {
		case "CPU":
			it.CPU = r.IntegerValue
		case "MEMORY":
			it.Memory = r.IntegerValue
		}
	}
	for _, r := range ci.RemainingResources {
		switch aws.ToString(r.Name) {
		case "CPU":
			it.CPUFree = r.IntegerValue
		case "MEMORY":
			it.MemoryFree = r.IntegerValue
		}
	}
	return it
}

func newTaskItem(t *types.Task) taskItem {
	arn := aws.ToString(t.TaskArn)
	it := taskItem{Arn: arn, ID: lastPart(arn), Group: aws.ToString(t.Group), LastStatus: aws.ToString(t.LastStatus),
		DesiredStatus: aws.ToString(t.DesiredStatus), Health: string(t.HealthStatus), Revision: revision(aws.ToString(t.TaskDefinitionArn)),
		Zone: aws.ToString(t.AvailabilityZone), Instance: aws.ToString(t.ContainerInstanceArn), LaunchType: string(t.LaunchType),
		CPU: aws.ToString(t.Cpu), Memory: aws.ToString(t.Memory), StopCode: string(t.StopCode), StoppedReason: aws.ToString(t.StoppedReason),
		StartedBy: aws.ToString(t.StartedBy), CreatedAt: stamp(t.CreatedAt), StoppedAt: stamp(t.StoppedAt)}
	if it.LaunchType == "" && it.Instance == "" {
		it.LaunchType = "FARGATE"
	}
	it.Address = taskAddress(t)
	return it
}

// taskAddress is the task's private address (awsvpc) or its first host
// port binding (bridge and host modes).
func taskAddress(t *types.Task) string {
	for _, a := range t.Attachments {
		for _, d := range a.Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				return aws.ToString(d.Value)
			}
		}
	}
	for _, c := range t.Containers {
		for _, ni := range c.NetworkInterfaces {
			if ip := aws.ToString(ni.PrivateIpv4Address); ip != "" {
				return ip
			}
		}
		for _, b := range c.NetworkBindings {
			if b.HostPort != nil {
				return ":" + strconv.Itoa(int(*b.HostPort))
			}
		}
	}
	return ""
}

// revision is family:revision of a task definition ARN.
func revision(tdArn string) string { return lastPart(tdArn) }

func newTaskDetail(t *types.Task) taskDetail {
	d := taskDetail{taskItem: newTaskItem(t), Cluster: aws.ToString(t.ClusterArn), Containers: []containerItem{}}
	for _, c := range t.Containers {
		ci := containerItem{Name: aws.ToString(c.Name), Image: aws.ToString(c.Image), LastStatus: aws.ToString(c.LastStatus),
			ExitCode: c.ExitCode, Health: string(c.HealthStatus), Reason: aws.ToString(c.Reason)}
		var ports []string
		for _, b := range c.NetworkBindings {
			ports = append(ports, strconv.Itoa(int(aws.ToInt32(b.HostPort)))+"→"+strconv.Itoa(int(aws.ToInt32(b.ContainerPort))))
		}
		ci.Ports = strings.Join(ports, " ")
		d.Containers = append(d.Containers, ci)
	}
	return d
}

func newServiceSummary(s *types.Service) serviceSummary {
	return serviceSummary{Arn: aws.ToString(s.ServiceArn), Name: aws.ToString(s.ServiceName), Status: aws.ToString(s.Status),
		Desired: s.DesiredCount, Running: s.RunningCount, Pending: s.PendingCount}
}

// clusterCounts fills a cluster item's counts with index counts (no
// document is read).
func clusterCounts(tx *store.Tx, sc store.Scope, it *clusterItem) error {
	var err error
	q := store.Query{Parent: it.Arn, Status: "ACTIVE"}
	if it.Instances, err = ecscore.ContainerInstances.Count(tx, sc, q); err != nil {
		return err
	}
	ci, err := ecscore.ContainerInstances.Count(tx, sc, store.Query{Parent: it.Arn, Status: "DRAINING"})
	if err != nil {
		return err
	}
	it.Instances += ci
	if it.Services, err = ecscore.Services.Count(tx, sc, q); err != nil {
		return err
	}
	// Tasks are indexed by desired status: RUNNING counts every live task.
	it.Tasks, err = ecscore.Tasks.Count(tx, sc, store.Query{Parent: it.Arn, Status: "RUNNING"})
	return err
}

func newClusterItem(tx *store.Tx, sc store.Scope, cl *types.Cluster) (clusterItem, error) {
	it := clusterItem{Arn: aws.ToString(cl.ClusterArn), Name: aws.ToString(cl.ClusterName), Status: aws.ToString(cl.Status),
		CapacityProviders: cl.CapacityProviders, Strategy: cl.DefaultCapacityProviderStrategy}
	if it.CapacityProviders == nil {
		it.CapacityProviders = []string{}
	}
	err := clusterCounts(tx, sc, &it)
	return it, err
}
