package autoscaling

import (
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
)

// Template is a launch template version as a group launches it.
type Template struct {
	ID, Name, Version string
	InstanceType      string
	ImageID           string
	// UserData is as stored in the template (base64).
	UserData string
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
	// Run launches an instance and returns its id.
	Run(c *api.Context, r RunRequest) (string, error)
	// Terminate terminates an instance (unknown ones are ignored).
	Terminate(c *api.Context, instanceID string) error
}

// EC2 is the compute groups launch on; services wires in the EC2 service.
var EC2 Compute
