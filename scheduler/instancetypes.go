package scheduler

import "github.com/longshore/longshore/services/ec2"

// InstanceType is what an EC2 instance type offers to ECS tasks.
type InstanceType struct {
	VCPU   int
	MemMiB int
	// ENIs is how many network interfaces the type can attach (one is the primary).
	ENIs int
	Arch string
}

// LookupInstanceType returns the figures of a known instance type: EC2's
// table (ec2.InstanceTypes), so that the cluster manager and DescribeInstanceTypes agree.
func LookupInstanceType(name string) (InstanceType, bool) {
	it, ok := ec2.LookupInstanceType(name)
	return InstanceType(it), ok
}

// RegisteredCPU is the CPU units ECS registers: 1024 per vCPU.
func (it InstanceType) RegisteredCPU() int32 { return int32(it.VCPU * 1024) }

// RegisteredMemory is the memory ECS registers: what the instance has less
// what the operating system and the agent keep (about 4%, at least 256 MiB on
// larger types), as the agent reports it.
func (it InstanceType) RegisteredMemory() int32 {
	reserve := it.MemMiB * 4 / 100
	if it.MemMiB >= 4096 && reserve < 256 {
		reserve = 256
	}
	return int32(it.MemMiB - reserve)
}

// TaskENIs is how many task ENIs (awsvpc) the type can attach.
func (it InstanceType) TaskENIs() int { return it.ENIs - 1 }
