package autoscaling

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
)

// Template is a launch template version as a group launches it.
type Template struct {
	ID, Name, Version string
	InstanceType      string
	ImageID           string
	// UserData is as stored in the template (base64).
	UserData string
	// Config marks a launch configuration, which launches with these fields
	// rather than through a launch template.
	Config             bool
	KeyName            string
	SecurityGroups     []string
	IamInstanceProfile string
}

// RunRequest is one instance a group launches.
type RunRequest struct {
	Template         *Template
	InstanceType     string
	SubnetID         string
	AvailabilityZone string
	// Tags are the group's tags that propagate at launch, plus aws:autoscaling:groupName.
	Tags map[string]string
}

// Launched is an instance EC2 started.
type Launched struct {
	ID           string
	ImageID      string
	Architecture string
}

// Compute is EC2 as groups use it: launch templates, subnets and instances.
// Every call runs in the caller's transaction, so a failed request leaves no
// instance behind.
type Compute interface {
	// Template resolves a launch template version; an unknown template or
	// version is a ValidationError in Auto Scaling's words.
	Template(c *api.Context, spec types.LaunchTemplateSpecification) (*Template, error)
	// SubnetZone returns the availability zone of a subnet ("" when unknown).
	SubnetZone(c *api.Context, subnetID string) (string, error)
	// Zones lists the region's availability zones.
	Zones(c *api.Context) ([]string, error)
	// Run launches an instance.
	Run(c *api.Context, r RunRequest) (*Launched, error)
	// Terminate terminates an instance (unknown ones are ignored).
	Terminate(c *api.Context, instanceID string) error
	// Instances lists the scope's instances, whoever launched them.
	Instances(c *api.Context) ([]Machine, error)
}

// Machine is an EC2 instance as its ECS agent sees it.
type Machine struct {
	ID               string
	State            string // pending, running, stopping, stopped, shutting-down, terminated
	LaunchTime       time.Time
	UserData         string // base64
	InstanceType     string
	ImageID          string
	AvailabilityZone string
	Architecture     string
}

// ECSAgent is the ECS agent that runs on instances launched with a cluster
// in their user data: the seam through which Auto Scaling's instances join
// ECS without Auto Scaling importing it.
type ECSAgent interface {
	// Register registers the instance as a container instance and returns
	// its ARN and its cluster's.
	Register(c *api.Context, r ecscore.AgentRegistration) (arn, clusterArn string, err error)
	// SetConnected records whether the agent is connected.
	SetConnected(c *api.Context, containerInstanceArn string, connected bool) error
	// Deregister deregisters the container instance of an instance that is gone.
	Deregister(c *api.Context, clusterArn, containerInstanceArn string) error
	// ManagedDraining reports whether a capacity provider drains the group's instances.
	ManagedDraining(c *api.Context, groupArn string) (bool, error)
	// Drain sets the container instance DRAINING and says how many tasks are left.
	Drain(c *api.Context, containerInstanceArn string) (int, error)
}
