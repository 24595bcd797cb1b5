package dockerrt

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Shapes of the task metadata endpoint v4 (ECS developer guide, "Amazon ECS
// task metadata endpoint version 4").
type taskMeta struct {
	Cluster          string          `json:"Cluster"`
	TaskARN          string          `json:"TaskARN"`
	Family           string          `json:"Family"`
	Revision         string          `json:"Revision"`
	DesiredStatus    string          `json:"DesiredStatus"`
	KnownStatus      string          `json:"KnownStatus"`
	Limits           *limits         `json:"Limits,omitempty"`
	PullStartedAt    *time.Time      `json:"PullStartedAt,omitempty"`
	PullStoppedAt    *time.Time      `json:"PullStoppedAt,omitempty"`
	AvailabilityZone string          `json:"AvailabilityZone,omitempty"`
	LaunchType       string          `json:"LaunchType,omitempty"`
	Containers       []containerMeta `json:"Containers"`
	ServiceName      string          `json:"ServiceName,omitempty"`
}

type limits struct {
	CPU    float64 `json:"CPU,omitempty"`
	Memory int64   `json:"Memory,omitempty"`
}

type containerMeta struct {
	DockerID      string            `json:"DockerId"`
	Name          string            `json:"Name"`
	DockerName    string            `json:"DockerName"`
	Image         string            `json:"Image"`
	ImageID       string            `json:"ImageID"`
	Labels        map[string]string `json:"Labels,omitempty"`
	DesiredStatus string            `json:"DesiredStatus"`
	KnownStatus   string            `json:"KnownStatus"`
	ExitCode      *int32            `json:"ExitCode,omitempty"`
	Limits        limits            `json:"Limits"`
	CreatedAt     *time.Time        `json:"CreatedAt,omitempty"`
	StartedAt     *time.Time        `json:"StartedAt,omitempty"`
	FinishedAt    *time.Time        `json:"FinishedAt,omitempty"`
	Type          string            `json:"Type"`
	LogDriver     string            `json:"LogDriver,omitempty"`
	LogOptions    map[string]string `json:"LogOptions,omitempty"`
	ContainerARN  string            `json:"ContainerARN"`
	Health        *health           `json:"Health,omitempty"`
	Networks      []networkMeta     `json:"Networks,omitempty"`
}

type health struct {
	Status string `json:"status"`
}

type networkMeta struct {
	NetworkMode   string   `json:"NetworkMode"`
	IPv4Addresses []string `json:"IPv4Addresses"`
}

// taskMetadata builds the task document from the task and what the
// runtime knows of its containers.
func taskMetadata(t *types.Task, td *types.TaskDefinition, ctrs map[string]ctr) *taskMeta {
	m := &taskMeta{Cluster: aws.ToString(t.ClusterArn), TaskARN: aws.ToString(t.TaskArn),
		DesiredStatus: aws.ToString(t.DesiredStatus), KnownStatus: aws.ToString(t.LastStatus),
		PullStartedAt: t.PullStartedAt, PullStoppedAt: t.PullStoppedAt,
		AvailabilityZone: aws.ToString(t.AvailabilityZone), LaunchType: string(t.LaunchType)}
	mode := "awsvpc"
	if td != nil {
		m.Family, m.Revision = aws.ToString(td.Family), strconv.Itoa(int(td.Revision))
		if td.NetworkMode != "" {
			mode = string(td.NetworkMode)
		}
	}
	if cpu, err := strconv.ParseFloat(aws.ToString(t.Cpu), 64); err == nil {
		mem, _ := strconv.ParseInt(aws.ToString(t.Memory), 10, 64)
		m.Limits = &limits{CPU: cpu / 1024, Memory: mem}
	}
	if g := aws.ToString(t.Group); len(g) > 8 && g[:8] == "service:" {
		m.ServiceName = g[8:]
	}
	ip := privateIP(t)
	for _, ct := range t.Containers {
		name := aws.ToString(ct.Name)
		cm := containerMeta{Name: name, Image: aws.ToString(ct.Image), DesiredStatus: aws.ToString(t.DesiredStatus),
			KnownStatus: aws.ToString(ct.LastStatus), ExitCode: ct.ExitCode, Type: "NORMAL", ContainerARN: aws.ToString(ct.ContainerArn)}
		if st, ok := ctrs[name]; ok {
			cm.DockerID, cm.ImageID = st.ID, st.ImageID
			cm.CreatedAt = timePtr(st.CreatedAt)
			cm.StartedAt = timePtr(st.StartedAt)
			cm.FinishedAt = timePtr(st.FinishedAt)
			if st.HealthCheck {
				cm.Health = &health{Status: string(ct.HealthStatus)}
			}
		}
		if td != nil {
			for _, cd := range td.ContainerDefinitions {
				if aws.ToString(cd.Name) != name {
					continue
				}
				cm.Limits = limits{CPU: float64(cd.Cpu), Memory: int64(aws.ToInt32(cd.Memory))}
				cm.Labels = cd.DockerLabels
				if cd.LogConfiguration != nil {
					cm.LogDriver = string(cd.LogConfiguration.LogDriver)
					cm.LogOptions = cd.LogConfiguration.Options
				}
			}
		}
		cm.DockerName = "longshore-" + taskIDOf(t) + "-" + name
		nm := networkMeta{NetworkMode: mode}
		if ip != "" {
			nm.IPv4Addresses = []string{ip}
		}
		cm.Networks = []networkMeta{nm}
		m.Containers = append(m.Containers, cm)
	}
	return m
}

func taskIDOf(t *types.Task) string {
	arn := aws.ToString(t.TaskArn)
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
