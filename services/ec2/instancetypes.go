package ec2

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/catalog"
)

// ipv4PerInterface is how many private addresses one interface of the type takes.
func ipv4PerInterface(name string, it catalog.InstanceType) int32 {
	switch name {
	case "t3.nano", "t3.micro":
		return 2
	case "t3.small":
		return 4
	case "t3.medium":
		return 6
	case "t3.large":
		return 12
	}
	switch {
	case it.ENIs <= 3:
		return 10
	case it.ENIs == 4:
		return 15
	case it.ENIs == 8:
		return 30
	}
	return 50
}

func networkPerformance(name string, it catalog.InstanceType) string {
	switch {
	case strings.HasPrefix(name, "t3."):
		return "Up to 5 Gigabit"
	case it.VCPU <= 8:
		return "Up to 10 Gigabit"
	case it.VCPU <= 48:
		return "12 Gigabit"
	}
	return "25 Gigabit"
}

func instanceTypeInfo(name string, it catalog.InstanceType) types.InstanceTypeInfo {
	burst := strings.HasPrefix(name, "t3.")
	threads := int32(2)
	cores := int32(it.VCPU) / threads
	return types.InstanceTypeInfo{
		InstanceType: types.InstanceType(name), CurrentGeneration: aws.Bool(true), FreeTierEligible: aws.Bool(name == "t3.micro"),
		SupportedUsageClasses:        []types.UsageClassType{types.UsageClassTypeOnDemand, types.UsageClassTypeSpot},
		SupportedRootDeviceTypes:     []types.RootDeviceType{types.RootDeviceTypeEbs},
		SupportedVirtualizationTypes: []types.VirtualizationType{types.VirtualizationTypeHvm},
		BareMetal:                    aws.Bool(false), Hypervisor: types.InstanceTypeHypervisorNitro,
		ProcessorInfo: &types.ProcessorInfo{SupportedArchitectures: []types.ArchitectureType{types.ArchitectureType(it.Arch)},
			SustainedClockSpeedInGhz: aws.Float64(3.1), Manufacturer: aws.String("Intel")},
		VCpuInfo: &types.VCpuInfo{DefaultVCpus: aws.Int32(int32(it.VCPU)), DefaultCores: aws.Int32(cores), DefaultThreadsPerCore: aws.Int32(threads),
			ValidCores: []int32{cores}, ValidThreadsPerCore: []int32{1, 2}},
		MemoryInfo: &types.MemoryInfo{SizeInMiB: aws.Int64(int64(it.MemMiB))}, InstanceStorageSupported: aws.Bool(false),
		EbsInfo: &types.EbsInfo{EbsOptimizedSupport: types.EbsOptimizedSupportDefault, EncryptionSupport: types.EbsEncryptionSupportSupported,
			NvmeSupport: types.EbsNvmeSupportRequired},
		NetworkInfo: &types.NetworkInfo{NetworkPerformance: aws.String(networkPerformance(name, it)),
			MaximumNetworkInterfaces: aws.Int32(int32(it.ENIs)), MaximumNetworkCards: aws.Int32(1), DefaultNetworkCardIndex: aws.Int32(0),
			NetworkCards: []types.NetworkCardInfo{{NetworkCardIndex: aws.Int32(0), NetworkPerformance: aws.String(networkPerformance(name, it)),
				MaximumNetworkInterfaces: aws.Int32(int32(it.ENIs))}},
			Ipv4AddressesPerInterface: aws.Int32(ipv4PerInterface(name, it)), Ipv6AddressesPerInterface: aws.Int32(ipv4PerInterface(name, it)),
			Ipv6Supported: aws.Bool(true), EnaSupport: types.EnaSupportRequired, EfaSupported: aws.Bool(false),
			EncryptionInTransitSupported: aws.Bool(!burst && !strings.HasPrefix(name, "m5.") && !strings.HasPrefix(name, "c5.") && !strings.HasPrefix(name, "r5."))},
		PlacementGroupInfo: &types.PlacementGroupInfo{SupportedStrategies: []types.PlacementGroupStrategy{types.PlacementGroupStrategyCluster,
			types.PlacementGroupStrategyPartition, types.PlacementGroupStrategySpread}},
		HibernationSupported: aws.Bool(true), BurstablePerformanceSupported: aws.Bool(burst), DedicatedHostsSupported: aws.Bool(!burst),
		AutoRecoverySupported: aws.Bool(true), SupportedBootModes: []types.BootModeType{types.BootModeTypeLegacyBios, types.BootModeTypeUefi},
		NitroEnclavesSupport: types.NitroEnclavesSupportUnsupported, NitroTpmSupport: types.NitroTpmSupportSupported,
	}
}

func registerInstanceTypes(s *api.Service) {
	handle(s, "DescribeInstanceTypes", describeInstanceTypes)
}

func describeInstanceTypes(c *api.Context, in *sdk.DescribeInstanceTypesInput) (*sdk.DescribeInstanceTypesOutput, error) {
	var missing []string
	for _, n := range in.InstanceTypes {
		if _, ok := catalog.LookupInstanceType(string(n)); !ok {
			missing = append(missing, string(n))
		}
	}
	if len(missing) > 0 {
		return nil, apiErr("InvalidInstanceType", "The following supplied instance types do not exist: [%s]", strings.Join(missing, ", "))
	}
	var docs []*types.InstanceTypeInfo
	for _, n := range catalog.InstanceTypeNames() {
		if len(in.InstanceTypes) > 0 && !inList(typeNames(in.InstanceTypes), n) {
			continue
		}
		spec, _ := catalog.LookupInstanceType(n)
		info := instanceTypeInfo(n, spec)
		docs = append(docs, &info)
	}
	l := listing[types.InstanceTypeInfo]{op: "DescribeInstanceTypes",
		id: func(i *types.InstanceTypeInfo) string { return string(i.InstanceType) },
		fields: func(i *types.InstanceTypeInfo) fields {
			f := fields{}
			f.add("instance-type", string(i.InstanceType))
			f.addBool("current-generation", i.CurrentGeneration)
			f.addBool("free-tier-eligible", i.FreeTierEligible)
			f.addBool("burstable-performance-supported", i.BurstablePerformanceSupported)
			f.addBool("bare-metal", i.BareMetal)
			f.add("hypervisor", string(i.Hypervisor))
			for _, a := range i.ProcessorInfo.SupportedArchitectures {
				f.add("processor-info.supported-architecture", string(a))
			}
			f.add("vcpu-info.default-vcpus", itoa(*i.VCpuInfo.DefaultVCpus))
			f.add("memory-info.size-in-mib", itoa(int32(*i.MemoryInfo.SizeInMiB)))
			f.add("network-info.maximum-network-interfaces", itoa(*i.NetworkInfo.MaximumNetworkInterfaces))
			for _, u := range i.SupportedUsageClasses {
				f.add("supported-usage-class", string(u))
			}
			return f
		},
		filters: []string{"instance-type", "current-generation", "free-tier-eligible", "burstable-performance-supported", "bare-metal",
			"hypervisor", "processor-info.supported-architecture", "vcpu-info.default-vcpus", "memory-info.size-in-mib",
			"network-info.maximum-network-interfaces", "supported-usage-class"},
	}
	out, next, err := l.run(c, docs, nil, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeInstanceTypesOutput{InstanceTypes: values(out), NextToken: next}, nil
}

func typeNames(ts []types.InstanceType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}
