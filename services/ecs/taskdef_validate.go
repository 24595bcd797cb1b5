package ecs

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// MaxContainersPerTaskDefinition is AWS's quota of containers in one task definition.
const MaxContainersPerTaskDefinition = 10

// fargateSizes is Fargate's table of task sizes: for each task cpu, the
// smallest and largest memory (MiB) and the step between them.
var fargateSizes = map[int]struct{ min, max, step int }{
	256:   {512, 2048, 0}, // 512, 1024, 2048
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// FargateSizeValid reports whether cpu units and memory MiB are one of Fargate's task sizes.
func FargateSizeValid(cpu, memory int) bool {
	s, ok := fargateSizes[cpu]
	if !ok {
		return false
	}
	if s.step == 0 {
		return memory == 512 || memory == 1024 || memory == 2048
	}
	return memory >= s.min && memory <= s.max && (memory-s.min)%s.step == 0
}

var (
	cpuUnitsRE   = regexp.MustCompile(`(?i)^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$`)
	memoryUnitRE = regexp.MustCompile(`(?i)^\s*(\d+(?:\.\d+)?)\s*gb\s*$`)
	familyRE     = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
	containerRE  = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
)

// normalizeTaskSize turns a task-level cpu ("256", "1 vCPU") or memory
// ("512", "1GB") into the integer string ECS stores. factor is 1024 for both.
func normalizeTaskSize(v string, unit *regexp.Regexp) (string, bool) {
	if v == "" {
		return "", true
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return strconv.Itoa(n), true
	}
	m := unit.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil || f <= 0 {
		return "", false
	}
	return strconv.Itoa(int(f * 1024)), true
}

// PrepareTaskDefinition validates a task definition as RegisterTaskDefinition
// does and fills the defaults ECS stores (network mode, essential, port
// mapping protocol and host ports, task size in units). Messages are ECS's.
func PrepareTaskDefinition(td *types.TaskDefinition) error {
	if !familyRE.MatchString(aws.ToString(td.Family)) {
		return errClient("Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
	}
	cpu, ok := normalizeTaskSize(aws.ToString(td.Cpu), cpuUnitsRE)
	if !ok {
		return errClient("Invalid 'cpu' setting for task.")
	}
	memory, ok := normalizeTaskSize(aws.ToString(td.Memory), memoryUnitRE)
	if !ok {
		return errClient("Invalid 'memory' setting for task.")
	}
	td.Cpu, td.Memory = nil, nil
	if cpu != "" {
		td.Cpu = aws.String(cpu)
	}
	if memory != "" {
		td.Memory = aws.String(memory)
	}
	if td.NetworkMode == "" {
		td.NetworkMode = types.NetworkModeBridge
	}
	fargate := slices.Contains(td.RequiresCompatibilities, types.CompatibilityFargate)
	if fargate {
		if err := checkFargateTask(td); err != nil {
			return err
		}
	}
	if len(td.ContainerDefinitions) == 0 {
		return errClient("Container list cannot be empty.")
	}
	if len(td.ContainerDefinitions) > MaxContainersPerTaskDefinition {
		return errClient("Too many containers specified in the task definition. The maximum is %d.", MaxContainersPerTaskDefinition)
	}
	taskCPU, _ := strconv.Atoi(cpu)
	taskMemory, _ := strconv.Atoi(memory)
	names := map[string]bool{}
	essential, cpuSum := false, 0
	for i := range td.ContainerDefinitions {
		cd := &td.ContainerDefinitions[i]
		name := aws.ToString(cd.Name)
		if name == "" {
			return errClient("Container.name should not be null or empty.")
		}
		if !containerRE.MatchString(name) {
			return errClient("Container name '%s' is invalid. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.", name)
		}
		if names[name] {
			return errClient("Duplicate container name '%s'. Container names must be unique within a task definition.", name)
		}
		names[name] = true
		if aws.ToString(cd.Image) == "" {
			return errClient("Container.image should not be null or empty.")
		}
		if cd.Essential == nil {
			cd.Essential = aws.Bool(true)
		}
		if *cd.Essential {
			essential = true
		}
		if err := checkContainerMemory(cd, taskMemory); err != nil {
			return err
		}
		cpuSum += int(cd.Cpu)
		if err := preparePortMappings(cd, td.NetworkMode); err != nil {
			return err
		}
		if td.NetworkMode == types.NetworkModeAwsvpc || td.NetworkMode == types.NetworkModeHost {
			if len(cd.Links) > 0 {
				return errClient("Links are not supported when networkMode=%s.", td.NetworkMode)
			}
			if cd.Hostname != nil {
				return errClient("hostname is not supported on container when networkMode=%s.", td.NetworkMode)
			}
		}
		if lc := cd.LogConfiguration; lc != nil && lc.LogDriver == types.LogDriverAwslogs {
			var missing []string
			for _, opt := range []string{"awslogs-region", "awslogs-group"} {
				if lc.Options[opt] == "" {
					missing = append(missing, opt)
				}
			}
			if len(missing) > 0 {
				return errClient("Log driver awslogs requires options: %s", strings.Join(missing, ", "))
			}
		}
		fillContainerDefaults(cd)
	}
	if !essential {
		return errClient("Task definition does not have any essential container.")
	}
	for _, cd := range td.ContainerDefinitions {
		for _, dep := range cd.DependsOn {
			dn := aws.ToString(dep.ContainerName)
			if !names[dn] {
				return errClient("Container '%s' depends on container '%s', which is not defined in the task definition.", aws.ToString(cd.Name), dn)
			}
			if dep.Condition == types.ContainerConditionSuccess || dep.Condition == types.ContainerConditionComplete {
				for _, other := range td.ContainerDefinitions {
					if aws.ToString(other.Name) == dn && aws.ToBool(other.Essential) {
						return errClient("A dependency container with SUCCESS or COMPLETE condition cannot be an essential container")
					}
				}
			}
		}
	}
	if taskCPU > 0 && cpuSum > taskCPU {
		return errClient("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.")
	}
	if fargate {
		if err := checkFargateContainers(td); err != nil {
			return err
		}
	}
	if td.Volumes == nil {
		td.Volumes = []types.Volume{}
	}
	// An EFS volume without a root directory mounts the file system's root,
	// and ECS answers it as "/" (TestI13EFSRootDirectoryDefault).
	for _, v := range td.Volumes {
		if efs := v.EfsVolumeConfiguration; efs != nil && efs.RootDirectory == nil {
			efs.RootDirectory = aws.String("/")
		}
	}
	if td.PlacementConstraints == nil {
		td.PlacementConstraints = []types.TaskDefinitionPlacementConstraint{}
	}
	td.Compatibilities = Compatibilities(td)
	td.RequiresAttributes = requiredAttributes(td)
	for _, c := range td.RequiresCompatibilities {
		if !slices.Contains(td.Compatibilities, c) {
			return errClient("Task definition does not support launch_type %s.", c)
		}
	}
	return nil
}

// checkFargateTask checks the task-level rules of a FARGATE task definition.
func checkFargateTask(td *types.TaskDefinition) error {
	if td.NetworkMode != types.NetworkModeAwsvpc {
		return errClient("Fargate only supports network mode \u2018awsvpc\u2019.")
	}
	if td.Cpu == nil {
		return errClient("Fargate requires that 'cpu' be defined at the task level.")
	}
	if td.Memory == nil {
		return errClient("Fargate requires that 'memory' be defined at the task level.")
	}
	cpu, _ := strconv.Atoi(*td.Cpu)
	memory, _ := strconv.Atoi(*td.Memory)
	if !FargateSizeValid(cpu, memory) {
		return errClient("No Fargate configuration exists for given values: %d CPU, %d memory. See the Amazon ECS documentation for the valid values.", cpu, memory)
	}
	if td.IpcMode != "" {
		return errClient("Tasks using the Fargate launch type do not support ipcMode.")
	}
	if td.PidMode == types.PidModeHost {
		// AWS's full text, as quoted from a real response in aws/aws-cdk#29619.
		return errClient("Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.")
	}
	return nil
}

// checkFargateContainers checks the container rules of a FARGATE task definition.
func checkFargateContainers(td *types.TaskDefinition) error {
	noRole := aws.ToString(td.ExecutionRoleArn) == ""
	for _, cd := range td.ContainerDefinitions {
		if aws.ToBool(cd.Privileged) {
			return errClient("Tasks using the Fargate launch type do not support privileged containers.")
		}
		if noRole && cd.LogConfiguration != nil && cd.LogConfiguration.LogDriver == types.LogDriverAwslogs {
			return errClient("Fargate requires task definition to have execution role ARN to support log driver awslogs.")
		}
		if noRole && isECRImage(aws.ToString(cd.Image)) {
			return errClient("Fargate requires task definition to have execution role ARN to support ECR images.")
		}
	}
	for _, v := range td.Volumes {
		if v.Host != nil && aws.ToString(v.Host.SourcePath) != "" {
			return errClient("Tasks using the Fargate launch type do not support host volumes with a sourcePath.")
		}
	}
	return nil
}

// checkContainerMemory applies ECS's rules on container memory and memoryReservation.
func checkContainerMemory(cd *types.ContainerDefinition, taskMemory int) error {
	name := aws.ToString(cd.Name)
	if cd.Memory == nil && cd.MemoryReservation == nil && taskMemory == 0 {
		return errClient("Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' must be specified.", name)
	}
	if cd.Memory != nil && *cd.Memory < 6 {
		return errClient("Invalid 'memory' setting for container '%s'. The minimum is 6 MiB.", name)
	}
	if cd.MemoryReservation != nil && *cd.MemoryReservation < 6 {
		return errClient("Invalid 'memoryReservation' setting for container '%s'. The minimum is 6 MiB.", name)
	}
	if cd.Memory != nil && cd.MemoryReservation != nil && *cd.MemoryReservation > *cd.Memory {
		return errClient("Invalid setting for container '%s'. 'memory' must be greater than or equal to 'memoryReservation'.", name)
	}
	if taskMemory > 0 {
		if cd.Memory != nil && int(*cd.Memory) > taskMemory {
			return errClient("The 'memory' setting for container '%s' is greater than for the task.", name)
		}
		if cd.MemoryReservation != nil && int(*cd.MemoryReservation) > taskMemory {
			return errClient("The 'memoryReservation' setting for container '%s' is greater than for the task.", name)
		}
	}
	if cd.Cpu < 0 {
		return errClient("Invalid 'cpu' setting for container '%s'.", name)
	}
	return nil
}

// preparePortMappings checks port mappings against the network mode and fills
// ECS's defaults: protocol tcp; hostPort equal to containerPort under awsvpc and host.
func preparePortMappings(cd *types.ContainerDefinition, mode types.NetworkMode) error {
	name := aws.ToString(cd.Name)
	for i := range cd.PortMappings {
		pm := &cd.PortMappings[i]
		if pm.ContainerPortRange != nil {
			if pm.ContainerPort != nil || pm.HostPort != nil {
				return errClient("Invalid port mapping for container '%s'. containerPortRange cannot be specified with containerPort or hostPort.", name)
			}
		} else {
			if pm.ContainerPort == nil || *pm.ContainerPort < 1 || *pm.ContainerPort > 65535 {
				return errClient("Invalid 'containerPort' setting for container '%s'.", name)
			}
			if pm.HostPort != nil && (*pm.HostPort < 0 || *pm.HostPort > 65535) {
				return errClient("Invalid 'hostPort' setting for container '%s'.", name)
			}
			switch mode {
			case types.NetworkModeAwsvpc, types.NetworkModeHost:
				if pm.HostPort == nil || *pm.HostPort == 0 {
					pm.HostPort = aws.Int32(*pm.ContainerPort)
				}
				if *pm.HostPort != *pm.ContainerPort {
					return errClient("When networkMode=%s, the host ports and container ports in port mappings must match.", mode)
				}
			case types.NetworkModeNone:
				return errClient("Port mappings are not supported when networkMode=none.")
			default:
				if pm.HostPort == nil {
					pm.HostPort = aws.Int32(0)
				}
			}
		}
		if pm.Protocol == "" {
			pm.Protocol = types.TransportProtocolTcp
		}
	}
	return nil
}

// fillContainerDefaults sets the empty lists ECS returns for a container.
func fillContainerDefaults(cd *types.ContainerDefinition) {
	if cd.PortMappings == nil {
		cd.PortMappings = []types.PortMapping{}
	}
	if cd.Environment == nil {
		cd.Environment = []types.KeyValuePair{}
	}
	if cd.MountPoints == nil {
		cd.MountPoints = []types.MountPoint{}
	}
	if cd.VolumesFrom == nil {
		cd.VolumesFrom = []types.VolumeFrom{}
	}
	if cd.SystemControls == nil {
		cd.SystemControls = []types.SystemControl{}
	}
}

// Compatibilities is what ECS computes for a task definition: EC2 always;
// EXTERNAL unless it uses awsvpc; FARGATE when it meets Fargate's rules;
// MANAGED_INSTANCES when asked for.
func Compatibilities(td *types.TaskDefinition) []types.Compatibility {
	var out []types.Compatibility
	if td.NetworkMode != types.NetworkModeAwsvpc {
		out = append(out, types.CompatibilityExternal)
	}
	out = append(out, types.CompatibilityEc2)
	if slices.Contains(td.RequiresCompatibilities, types.CompatibilityManagedInstances) {
		out = append(out, types.CompatibilityManagedInstances)
	}
	if fargateCompatible(td) {
		out = append(out, types.CompatibilityFargate)
	}
	return out
}

func fargateCompatible(td *types.TaskDefinition) bool {
	probe := *td
	if checkFargateTask(&probe) != nil || checkFargateContainers(&probe) != nil {
		return false
	}
	for _, cd := range td.ContainerDefinitions {
		if len(cd.Links) > 0 || cd.Hostname != nil {
			return false
		}
	}
	return true
}

// isECRImage tells an image in an ECR registry,
// ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/..., written out rather
// than matched with a regular expression on every registration.
func isECRImage(image string) bool {
	if len(image) < 12 {
		return false
	}
	for _, c := range image[:12] {
		if c < '0' || c > '9' {
			return false
		}
	}
	rest, ok := strings.CutPrefix(image[12:], ".dkr.ecr")
	if !ok {
		return false
	}
	rest, _ = strings.CutPrefix(rest, "-fips")
	rest, ok = strings.CutPrefix(rest, ".")
	if !ok {
		return false
	}
	region := 0
	for region < len(rest) && (rest[region] >= 'a' && rest[region] <= 'z' || rest[region] >= '0' && rest[region] <= '9' || rest[region] == '-') {
		region++
	}
	if region == 0 {
		return false
	}
	rest, ok = strings.CutPrefix(rest[region:], ".amazonaws.com")
	if !ok {
		return false
	}
	rest, _ = strings.CutPrefix(rest, ".cn")
	return strings.HasPrefix(rest, "/")
}

// requiredAttributes lists the container-instance capabilities a task definition
// needs, as ECS derives them (placement matches them against instance attributes).
func requiredAttributes(td *types.TaskDefinition) []types.Attribute {
	names := make([]string, 0, 8)
	add := func(more ...string) { names = append(names, more...) }
	if td.NetworkMode == types.NetworkModeAwsvpc {
		add("ecs.capability.task-eni")
	}
	if aws.ToString(td.TaskRoleArn) != "" {
		add("com.amazonaws.ecs.capability.task-iam-role")
	}
	execRole := aws.ToString(td.ExecutionRoleArn) != ""
	for _, cd := range td.ContainerDefinitions {
		if lc := cd.LogConfiguration; lc != nil && lc.LogDriver != "" {
			add("com.amazonaws.ecs.capability.logging-driver."+string(lc.LogDriver), "com.amazonaws.ecs.capability.docker-remote-api.1.19")
			if execRole && lc.LogDriver == types.LogDriverAwslogs {
				add("ecs.capability.execution-role-awslogs")
			}
		}
		if isECRImage(aws.ToString(cd.Image)) {
			add("com.amazonaws.ecs.capability.ecr-auth")
			if execRole {
				add("ecs.capability.execution-role-ecr-pull")
			}
		}
		if cd.HealthCheck != nil {
			add("ecs.capability.container-health-check")
		}
		if len(cd.DependsOn) > 0 {
			add("ecs.capability.container-ordering")
		}
		if cd.MemoryReservation != nil {
			add("com.amazonaws.ecs.capability.docker-remote-api.1.21")
		}
		if len(cd.DockerLabels) > 0 {
			add("com.amazonaws.ecs.capability.docker-remote-api.1.18")
		}
		for _, s := range cd.Secrets {
			if strings.Contains(aws.ToString(s.ValueFrom), ":secretsmanager:") {
				add("ecs.capability.secrets.asm.environment-variables")
			} else {
				add("ecs.capability.secrets.ssm.environment-variables")
			}
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	out := make([]types.Attribute, 0, len(names))
	for _, n := range names {
		out = append(out, types.Attribute{Name: aws.String(n)})
	}
	return out
}
