// Package catalog is the table of EC2 instance types Longshore simulates: the
// figures EC2's DescribeInstanceTypes reports, that the cluster manager
// registers for container instances and that Auto Scaling sizes capacity by.
// It imports nothing of Longshore.
package catalog

import (
	"sort"
	"strings"
)

// InstanceType is what Longshore knows of an EC2 instance type.
type InstanceType struct {
	VCPU   int
	MemMiB int
	// ENIs is how many network interfaces the type can attach (one is the primary).
	ENIs int
	Arch string
}

// instanceTypes are the types Longshore simulates: common sizes of the t3,
// m5, m6i, c5, c6i and r5 families.
var instanceTypes = map[string]InstanceType{
	"t3.nano": {2, 512, 2, "x86_64"}, "t3.micro": {2, 1024, 2, "x86_64"}, "t3.small": {2, 2048, 3, "x86_64"},
	"t3.medium": {2, 4096, 3, "x86_64"}, "t3.large": {2, 8192, 3, "x86_64"}, "t3.xlarge": {4, 16384, 4, "x86_64"},
	"t3.2xlarge": {8, 32768, 4, "x86_64"},
	"m5.large":   {2, 8192, 3, "x86_64"}, "m5.xlarge": {4, 16384, 4, "x86_64"}, "m5.2xlarge": {8, 32768, 4, "x86_64"},
	"m5.4xlarge": {16, 65536, 8, "x86_64"}, "m5.8xlarge": {32, 131072, 8, "x86_64"}, "m5.12xlarge": {48, 196608, 8, "x86_64"},
	"m5.16xlarge": {64, 262144, 15, "x86_64"}, "m5.24xlarge": {96, 393216, 15, "x86_64"},
	"m6i.large": {2, 8192, 3, "x86_64"}, "m6i.xlarge": {4, 16384, 4, "x86_64"}, "m6i.2xlarge": {8, 32768, 4, "x86_64"},
	"m6i.4xlarge": {16, 65536, 8, "x86_64"}, "m6i.8xlarge": {32, 131072, 8, "x86_64"}, "m6i.12xlarge": {48, 196608, 8, "x86_64"},
	"m6i.16xlarge": {64, 262144, 15, "x86_64"}, "m6i.24xlarge": {96, 393216, 15, "x86_64"}, "m6i.32xlarge": {128, 524288, 15, "x86_64"},
	"c5.large": {2, 4096, 3, "x86_64"}, "c5.xlarge": {4, 8192, 4, "x86_64"}, "c5.2xlarge": {8, 16384, 4, "x86_64"},
	"c5.4xlarge": {16, 32768, 8, "x86_64"}, "c5.9xlarge": {36, 73728, 8, "x86_64"}, "c5.12xlarge": {48, 98304, 8, "x86_64"},
	"c5.18xlarge": {72, 147456, 15, "x86_64"}, "c5.24xlarge": {96, 196608, 15, "x86_64"},
	"c6i.large": {2, 4096, 3, "x86_64"}, "c6i.xlarge": {4, 8192, 4, "x86_64"}, "c6i.2xlarge": {8, 16384, 4, "x86_64"},
	"c6i.4xlarge": {16, 32768, 8, "x86_64"}, "c6i.8xlarge": {32, 65536, 8, "x86_64"}, "c6i.12xlarge": {48, 98304, 8, "x86_64"},
	"c6i.16xlarge": {64, 131072, 15, "x86_64"}, "c6i.24xlarge": {96, 196608, 15, "x86_64"}, "c6i.32xlarge": {128, 262144, 15, "x86_64"},
	"r5.large": {2, 16384, 3, "x86_64"}, "r5.xlarge": {4, 32768, 4, "x86_64"}, "r5.2xlarge": {8, 65536, 4, "x86_64"},
	"r5.4xlarge": {16, 131072, 8, "x86_64"}, "r5.8xlarge": {32, 262144, 8, "x86_64"}, "r5.12xlarge": {48, 393216, 8, "x86_64"},
	"r5.16xlarge": {64, 524288, 15, "x86_64"}, "r5.24xlarge": {96, 786432, 15, "x86_64"},
}

// LookupInstanceType returns the figures of a simulated instance type (any case).
func LookupInstanceType(name string) (InstanceType, bool) {
	it, ok := instanceTypes[strings.ToLower(name)]
	return it, ok
}

// InstanceTypeNames lists the simulated types in name order.
func InstanceTypeNames() []string {
	out := make([]string, 0, len(instanceTypes))
	for n := range instanceTypes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
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
