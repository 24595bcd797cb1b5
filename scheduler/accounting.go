package scheduler

import (
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/catalog"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/core/placement"
)

// holdsResources reports whether a task still occupies its instance:
// everything but STOPPED does, as on ECS.
func holdsResources(t *types.Task) bool { return aws.ToString(t.LastStatus) != ecscore.TaskStopped }

// accountInstances builds the placement view of a cluster's instances from
// their registered resources less what their tasks hold. Tasks on bridge or
// host networking that have no network bindings yet get their host ports
// here; the tasks so changed are returned.
func accountInstances(cis []*types.ContainerInstance, tasks []*types.Task, tds map[string]*types.TaskDefinition) ([]*placement.Instance, map[string]*placement.Instance, []*types.Task) {
	list := make([]*placement.Instance, 0, len(cis))
	byARN := make(map[string]*placement.Instance, len(cis))
	for i, ci := range cis {
		in := placement.FromRegistration(ci, i)
		in.ENIs = 2
		if it, ok := catalog.LookupInstanceType(in.Attributes["ecs.instance-type"]); ok {
			in.ENIs = it.TaskENIs()
		}
		list = append(list, in)
		byARN[in.ARN] = in
	}
	var unbound []*types.Task
	for _, t := range tasks {
		in := byARN[aws.ToString(t.ContainerInstanceArn)]
		if in == nil || !holdsResources(t) {
			continue
		}
		in.Tasks = append(in.Tasks, t)
		cpu, _ := strconv.ParseInt(aws.ToString(t.Cpu), 10, 64)
		mem, _ := strconv.ParseInt(aws.ToString(t.Memory), 10, 64)
		in.CPU -= cpu
		in.Memory -= mem
		for _, a := range t.Attachments {
			if aws.ToString(a.Type) == "ElasticNetworkInterface" {
				in.ENIs--
			}
		}
		bound := false
		td := tds[aws.ToString(t.TaskDefinitionArn)]
		for _, c := range t.Containers {
			for _, b := range c.NetworkBindings {
				in.Ports[aws.ToInt32(b.HostPort)] = true
				if dynamicBinding(td, aws.ToString(c.Name), aws.ToInt32(b.ContainerPort)) {
					in.Dynamic[aws.ToInt32(b.HostPort)] = true
				}
				bound = true
			}
		}
		if !bound && ecscore.Live(t) && len(portMappings(td)) > 0 {
			unbound = append(unbound, t)
		}
		switch aws.ToString(t.LastStatus) {
		case ecscore.TaskRunning:
			in.RunningTasks++
		case ecscore.TaskProvisioning, ecscore.TaskPending, ecscore.TaskActivating:
			in.PendingTasks++
		}
		in.Groups[aws.ToString(t.Group)]++
	}
	for _, t := range unbound {
		in := byARN[aws.ToString(t.ContainerInstanceArn)]
		td := tds[aws.ToString(t.TaskDefinitionArn)]
		d := placement.DemandOf(td, "")
		ports := slices.Clone(d.StaticPorts)
		for range d.DynamicPorts {
			ports = append(ports, in.DynamicPort())
		}
		for _, p := range d.StaticPorts {
			in.Ports[p] = true
		}
		bindPorts(t, td, ports)
	}
	return list, byARN, unbound
}

// dynamicBinding reports whether a container's port was bound from the
// dynamic range: a bridge mapping without a host port.
func dynamicBinding(td *types.TaskDefinition, container string, containerPort int32) bool {
	if td == nil || (td.NetworkMode != types.NetworkModeBridge && td.NetworkMode != "") {
		return false
	}
	for _, cd := range td.ContainerDefinitions {
		if aws.ToString(cd.Name) != container {
			continue
		}
		for _, pm := range cd.PortMappings {
			if aws.ToInt32(pm.ContainerPort) == containerPort {
				return aws.ToInt32(pm.HostPort) == 0
			}
		}
	}
	return false
}

func portMappings(td *types.TaskDefinition) []types.PortMapping {
	if td == nil || td.NetworkMode == types.NetworkModeAwsvpc || td.NetworkMode == types.NetworkModeNone {
		return nil
	}
	var out []types.PortMapping
	for _, c := range td.ContainerDefinitions {
		out = append(out, c.PortMappings...)
	}
	return out
}

// bindPorts writes the containers' network bindings from the host ports a
// placement gave: static ones in mapping order, then the dynamic ones.
func bindPorts(t *types.Task, td *types.TaskDefinition, ports []int32) {
	d := placement.DemandOf(td, "")
	static, dynamic := ports[:min(len(d.StaticPorts), len(ports))], ports[min(len(d.StaticPorts), len(ports)):]
	for _, cd := range td.ContainerDefinitions {
		var bs []types.NetworkBinding
		for _, pm := range cd.PortMappings {
			host := int32(0)
			switch {
			case td.NetworkMode == types.NetworkModeHost || aws.ToInt32(pm.HostPort) > 0:
				if len(static) > 0 {
					host, static = static[0], static[1:]
				}
			case pm.ContainerPort != nil:
				if len(dynamic) > 0 {
					host, dynamic = dynamic[0], dynamic[1:]
				}
			}
			if host == 0 {
				continue
			}
			proto := pm.Protocol
			if proto == "" {
				proto = types.TransportProtocolTcp
			}
			bs = append(bs, types.NetworkBinding{BindIP: aws.String("0.0.0.0"), ContainerPort: pm.ContainerPort, HostPort: aws.Int32(host), Protocol: proto})
		}
		for i := range t.Containers {
			if aws.ToString(t.Containers[i].Name) == aws.ToString(cd.Name) {
				t.Containers[i].NetworkBindings = bs
			}
		}
	}
}

// writeBack puts an instance's counts and remaining resources into its
// document and reports whether they changed. PORTS lists the ports reserved
// by the agent and by tasks' host port mappings, not those given from the
// dynamic range: ContainerInstance.remainingResources, "the ports that were
// reserved by the Amazon ECS container agent (at instance registration time)
// and any task containers that have reserved port mappings on the host";
// PortMapping.containerPort, ports "automatically assigned in this way do not
// count toward the 100 reserved ports limit of a container instance".
func writeBack(in *placement.Instance) bool {
	ci := in.Doc
	changed := ci.RunningTasksCount != int32(in.RunningTasks) || ci.PendingTasksCount != int32(in.PendingTasks)
	ci.RunningTasksCount, ci.PendingTasksCount = int32(in.RunningTasks), int32(in.PendingTasks)
	var ports []string
	for p := range in.Ports {
		if !in.Dynamic[p] {
			ports = append(ports, strconv.Itoa(int(p)))
		}
	}
	slices.Sort(ports)
	want := []types.Resource{
		{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: int32(in.CPU)},
		{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: int32(in.Memory)},
		{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: ports},
		{Name: aws.String("PORTS_UDP"), Type: aws.String("STRINGSET"), StringSetValue: udpPorts(ci)},
	}
	if !sameResources(ci.RemainingResources, want) {
		ci.RemainingResources = want
		changed = true
	}
	return changed
}

func udpPorts(ci *types.ContainerInstance) []string {
	for _, r := range ci.RegisteredResources {
		if aws.ToString(r.Name) == "PORTS_UDP" {
			return r.StringSetValue
		}
	}
	return []string{}
}

func sameResources(a, b []types.Resource) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if aws.ToString(a[i].Name) != aws.ToString(b[i].Name) || a[i].IntegerValue != b[i].IntegerValue ||
			!slices.Equal(a[i].StringSetValue, b[i].StringSetValue) {
			return false
		}
	}
	return true
}

func atoi64(s *string) (int64, bool) {
	if s == nil {
		return 0, false
	}
	v, err := strconv.ParseInt(*s, 10, 64)
	return v, err == nil
}
