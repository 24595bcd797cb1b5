package ecscore

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
