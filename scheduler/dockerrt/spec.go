package dockerrt

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"
	"github.com/docker/go-units"

	"github.com/longshore/longshore/scheduler"
)

// Labels on every container Longshore starts. The com.amazonaws.ecs.* ones
// are those the ECS agent puts on its containers.
const (
	labelInstance  = "longshore.instance" // which Longshore owns the container (its database's ID)
	labelServer    = "longshore.server"   // host and process that started it
	labelTaskARN   = "com.amazonaws.ecs.task-arn"
	labelContainer = "com.amazonaws.ecs.container-name"
	labelCluster   = "com.amazonaws.ecs.cluster"
	labelFamily    = "com.amazonaws.ecs.task-definition-family"
	labelRevision  = "com.amazonaws.ecs.task-definition-version"
	// labelEssential and labelPortPrefix+PORT keep what adoption after a
	// restart needs to know of a container.
	labelEssential  = "longshore.essential"
	labelPortPrefix = "longshore.aws-host-port."
	labelMetaToken  = "longshore.metadata-token"
	labelCredsToken = "longshore.credentials-token"
)

// defaultStopTimeout is how long ECS waits after SIGTERM before SIGKILL when
// a container names no stopTimeout (ECS_CONTAINER_STOP_TIMEOUT's default).
const defaultStopTimeout = 30 * time.Second

// dependency is a container's dependsOn entry.
type dependency struct {
	Container string
	Condition types.ContainerCondition
}

// ctrSpec is one container of a task as Docker creates it.
type ctrSpec struct {
	Name        string
	Image       string
	Essential   bool
	DependsOn   []dependency
	StopTimeout time.Duration
	HealthCheck bool
	Config      *container.Config
	Host        *container.HostConfig
	// Ports are the container ports published on the host (each to a free
	// real port), with the host port AWS reports for them.
	Ports []portSpec
}

type portSpec struct {
	ContainerPort int32
	Protocol      string // tcp or udp
	AWSHostPort   int32
}

// taskEnv is what every container of a task finds in its environment
// besides its own definition's.
type taskEnv struct {
	Endpoint    string // AWS_ENDPOINT_URL
	Region      string
	MetadataURI func(container string) string
	CredsEnv    string // AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=… or …FULL_URI=…; empty without a task role
	ExecEnv     string
	Secrets     map[string]map[string]string // container -> name -> value
}

// buildSpecs turns a task definition and the task's overrides into the
// containers Docker creates, in definition order.
func buildSpecs(t *types.Task, td *types.TaskDefinition, env taskEnv, labels map[string]string, maxCPUs float64) ([]*ctrSpec, error) {
	overrides := map[string]types.ContainerOverride{}
	if t.Overrides != nil {
		for _, o := range t.Overrides.ContainerOverrides {
			overrides[aws.ToString(o.Name)] = o
		}
	}
	taskMem := parseInt(aws.ToString(td.Memory))
	taskCPU := parseInt(aws.ToString(td.Cpu))
	if t.Overrides != nil {
		if m := parseInt(aws.ToString(t.Overrides.Memory)); m > 0 {
			taskMem = m
		}
		if c := parseInt(aws.ToString(t.Overrides.Cpu)); c > 0 {
			taskCPU = c
		}
	}
	var out []*ctrSpec
	for _, cd := range td.ContainerDefinitions {
		name := aws.ToString(cd.Name)
		o := overrides[name]
		s := &ctrSpec{Name: name, Image: aws.ToString(cd.Image), Essential: cd.Essential == nil || *cd.Essential,
			StopTimeout: defaultStopTimeout, HealthCheck: cd.HealthCheck != nil}
		if cd.StopTimeout != nil {
			s.StopTimeout = time.Duration(*cd.StopTimeout) * time.Second
		}
		for _, d := range cd.DependsOn {
			s.DependsOn = append(s.DependsOn, dependency{aws.ToString(d.ContainerName), d.Condition})
		}
		cfg := &container.Config{Image: s.Image, WorkingDir: aws.ToString(cd.WorkingDirectory), User: aws.ToString(cd.User),
			Hostname: aws.ToString(cd.Hostname), Labels: map[string]string{}}
		for k, v := range cd.DockerLabels {
			cfg.Labels[k] = v
		}
		for k, v := range labels {
			cfg.Labels[k] = v
		}
		cfg.Labels[labelContainer] = name
		cfg.Labels[labelEssential] = strconv.FormatBool(s.Essential)
		cfg.Entrypoint = cd.EntryPoint
		cfg.Cmd = cd.Command
		if len(o.Command) > 0 {
			cfg.Cmd = o.Command
		}
		stop := int(s.StopTimeout / time.Second)
		cfg.StopTimeout = &stop
		cfg.Env = environment(cd, o, env, name)
		if hc := cd.HealthCheck; hc != nil {
			cfg.Healthcheck = &container.HealthConfig{Test: hc.Command,
				Interval:    seconds(hc.Interval, 30),
				Timeout:     seconds(hc.Timeout, 5),
				Retries:     int(aws.ToInt32(hc.Retries)),
				StartPeriod: seconds(hc.StartPeriod, 0)}
			if hc.Retries == nil {
				cfg.Healthcheck.Retries = 3
			}
		}
		host := &container.HostConfig{ReadonlyRootfs: aws.ToBool(cd.ReadonlyRootFilesystem),
			PortBindings: nat.PortMap{}, Privileged: aws.ToBool(cd.Privileged)}
		host.ExtraHosts = append(host.ExtraHosts, "host.docker.internal:host-gateway")
		for _, h := range cd.ExtraHosts {
			host.ExtraHosts = append(host.ExtraHosts, aws.ToString(h.Hostname)+":"+aws.ToString(h.IpAddress))
		}
		host.DNS = cd.DnsServers
		resources(&host.Resources, cd, o, taskMem, taskCPU, len(td.ContainerDefinitions), maxCPUs)
		for _, u := range cd.Ulimits {
			host.Ulimits = append(host.Ulimits, &units.Ulimit{Name: string(u.Name), Soft: int64(u.SoftLimit), Hard: int64(u.HardLimit)})
		}
		linuxParameters(host, cd.LinuxParameters)
		cfg.ExposedPorts = nat.PortSet{}
		for _, pm := range cd.PortMappings {
			cp := aws.ToInt32(pm.ContainerPort)
			if cp == 0 {
				continue
			}
			proto := "tcp"
			if pm.Protocol == types.TransportProtocolUdp {
				proto = "udp"
			}
			port, err := nat.NewPort(proto, strconv.Itoa(int(cp)))
			if err != nil {
				return nil, err
			}
			cfg.ExposedPorts[port] = struct{}{}
			host.PortBindings[port] = []nat.PortBinding{{HostIP: "127.0.0.1"}}
			cfg.Labels[labelPortPrefix+strconv.Itoa(int(cp))] = strconv.Itoa(int(hostPort(t, name, cp, pm.HostPort)))
			s.Ports = append(s.Ports, portSpec{ContainerPort: cp, Protocol: proto, AWSHostPort: hostPort(t, name, cp, pm.HostPort)})
		}
		s.Config, s.Host = cfg, host
		out = append(out, s)
	}
	return out, nil
}

// environment is a container's environment: its environment files (those
// readable here), its definition's variables, the override's, its secrets,
// and what ECS adds.
func environment(cd types.ContainerDefinition, o types.ContainerOverride, env taskEnv, name string) []string {
	vars := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vars[k]; !ok {
			order = append(order, k)
		}
		vars[k] = v
	}
	files := append(append([]types.EnvironmentFile{}, cd.EnvironmentFiles...), o.EnvironmentFiles...)
	for _, f := range files {
		for k, v := range readEnvFile(aws.ToString(f.Value)) {
			set(k, v)
		}
	}
	for _, kv := range cd.Environment {
		set(aws.ToString(kv.Name), aws.ToString(kv.Value))
	}
	for _, kv := range o.Environment {
		set(aws.ToString(kv.Name), aws.ToString(kv.Value))
	}
	for k, v := range env.Secrets[name] {
		set(k, v)
	}
	set("AWS_REGION", env.Region)
	set("AWS_DEFAULT_REGION", env.Region)
	set("AWS_EXECUTION_ENV", env.ExecEnv)
	if env.Endpoint != "" {
		if _, ok := vars["AWS_ENDPOINT_URL"]; !ok {
			set("AWS_ENDPOINT_URL", env.Endpoint)
		}
	}
	if env.MetadataURI != nil {
		uri := env.MetadataURI(name)
		set("ECS_CONTAINER_METADATA_URI_V4", uri)
		set("ECS_CONTAINER_METADATA_URI", uri)
	}
	if env.CredsEnv != "" {
		k, v, _ := strings.Cut(env.CredsEnv, "=")
		set(k, v)
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+vars[k])
	}
	return out
}

// readEnvFile reads an environment file ECS would fetch from S3. Longshore
// has no S3: a value naming a readable local file (a path, or file://) is
// read; anything else is skipped.
func readEnvFile(ref string) map[string]string {
	path := strings.TrimPrefix(ref, "file://")
	if !strings.HasPrefix(path, "/") {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

// resources are the container's cpu and memory, with the task-level limits
// standing for a container that names none (and capping the CPUs at what
// the machine has).
func resources(r *container.Resources, cd types.ContainerDefinition, o types.ContainerOverride, taskMem, taskCPU int64, n int, maxCPUs float64) {
	cpu, mem, res := int64(cd.Cpu), int64(aws.ToInt32(cd.Memory)), int64(aws.ToInt32(cd.MemoryReservation))
	if o.Cpu != nil {
		cpu = int64(*o.Cpu)
	}
	if o.Memory != nil {
		mem = int64(*o.Memory)
	}
	if o.MemoryReservation != nil {
		res = int64(*o.MemoryReservation)
	}
	if cpu >= 2 {
		r.CPUShares = cpu
	}
	if mem == 0 && taskMem > 0 {
		mem = taskMem
	}
	if mem > 0 {
		r.Memory = mem << 20
	}
	if res > 0 {
		r.MemoryReservation = res << 20
	}
	if taskCPU > 0 && maxCPUs > 0 {
		cpus := float64(taskCPU) / 1024
		if cpus > maxCPUs {
			cpus = maxCPUs
		}
		r.NanoCPUs = int64(cpus * 1e9)
	}
}

// linuxParameters applies the basic linuxParameters: capabilities, the init
// process, shared memory, tmpfs mounts, swap and swappiness.
func linuxParameters(h *container.HostConfig, lp *types.LinuxParameters) {
	if lp == nil {
		return
	}
	if lp.Capabilities != nil {
		h.CapAdd = lp.Capabilities.Add
		h.CapDrop = lp.Capabilities.Drop
	}
	if lp.InitProcessEnabled != nil {
		h.Init = lp.InitProcessEnabled
	}
	if lp.SharedMemorySize != nil {
		h.ShmSize = int64(*lp.SharedMemorySize) << 20
	}
	for _, tm := range lp.Tmpfs {
		if h.Tmpfs == nil {
			h.Tmpfs = map[string]string{}
		}
		opts := append([]string{fmt.Sprintf("size=%dm", tm.Size)}, tm.MountOptions...)
		h.Tmpfs[aws.ToString(tm.ContainerPath)] = strings.Join(opts, ",")
	}
	if lp.MaxSwap != nil && h.Memory > 0 {
		h.MemorySwap = h.Memory + int64(*lp.MaxSwap)<<20
	}
	if lp.Swappiness != nil {
		s := int64(*lp.Swappiness)
		h.MemorySwappiness = &s
	}
	for _, d := range lp.Devices {
		perms := "rwm"
		if len(d.Permissions) > 0 {
			perms = ""
			for _, p := range d.Permissions {
				perms += string(p)[:1]
			}
		}
		h.Devices = append(h.Devices, container.DeviceMapping{PathOnHost: aws.ToString(d.HostPath),
			PathInContainer: aws.ToString(d.ContainerPath), CgroupPermissions: perms})
	}
}

func seconds(v *int32, def int32) time.Duration {
	if v == nil {
		return time.Duration(def) * time.Second
	}
	return time.Duration(*v) * time.Second
}

func parseInt(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

// hostPort is the host port AWS reports for a container port: the task's
// network binding (dynamic ports included), else the definition's.
func hostPort(t *types.Task, container string, containerPort int32, def *int32) int32 {
	if p := scheduler.HostPort(t, container, containerPort); p > 0 {
		return p
	}
	if def != nil && *def > 0 {
		return *def
	}
	return containerPort
}
