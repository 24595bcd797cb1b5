package placement

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Dynamic host ports for bridge networking come from this range, as the ECS agent's do.
const (
	DynamicPortFirst = 32768
	DynamicPortLast  = 65535
)

// Instance is a container instance as placement sees it: what it offers and
// what it already carries. Place updates it as tasks land on it.
type Instance struct {
	ARN            string
	EC2InstanceID  string
	Status         string // ACTIVE, DRAINING, …
	AgentConnected bool
	RegisteredAt   time.Time
	Attributes     map[string]string // ecs.availability-zone, ecs.instance-type, custom ones

	CPU, Memory int64 // remaining
	ENIs        int   // remaining task ENIs (awsvpc on EC2)
	Ports       map[int32]bool
	// Dynamic are the ports of Ports given from the dynamic range to bridge
	// mappings without a host port: taken, but not reserved ports that
	// remainingResources lists.
	Dynamic      map[int32]bool
	RunningTasks int
	PendingTasks int
	// Groups counts the live tasks of each task group on the instance.
	Groups map[string]int
	// Order breaks ties deterministically (registration order).
	Order int
	// Doc and Tasks are the stored instance and the tasks on it, for
	// expressions of the cluster query language.
	Doc   *types.ContainerInstance
	Tasks []*types.Task
}

// Demand is what one task needs from an instance.
type Demand struct {
	CPU, Memory  int64
	StaticPorts  []int32 // host ports fixed by the task definition
	DynamicPorts int     // bridge mappings with host port 0: one port each from the dynamic range
	ENI          bool    // awsvpc network mode
	Group        string  // task group, for distinctInstance, spread and task:group
}

// Assignment is where one task landed and the host ports it was given,
// static ones first, then one dynamic port per DynamicPorts.
type Assignment struct {
	Instance  *Instance
	HostPorts []int32
}

// Failure is one reason an instance could not take a task (RunTask's failures[]).
type Failure struct {
	Arn    string
	Reason string
}

// DemandOf computes a task's needs from its definition: task-level cpu and
// memory when set, otherwise the sum over containers (memoryReservation when
// memory is unset); host ports by network mode.
func DemandOf(td *types.TaskDefinition, group string) Demand {
	d := Demand{Group: group, ENI: td.NetworkMode == types.NetworkModeAwsvpc}
	var cpu, mem int64
	for _, c := range td.ContainerDefinitions {
		cpu += int64(c.Cpu)
		switch {
		case c.Memory != nil:
			mem += int64(*c.Memory)
		case c.MemoryReservation != nil:
			mem += int64(*c.MemoryReservation)
		}
		for _, pm := range c.PortMappings {
			switch td.NetworkMode {
			case types.NetworkModeHost:
				if p := aws.ToInt32(pm.ContainerPort); p > 0 {
					d.StaticPorts = append(d.StaticPorts, p)
				}
			case types.NetworkModeBridge, "":
				if p := aws.ToInt32(pm.HostPort); p > 0 {
					d.StaticPorts = append(d.StaticPorts, p)
				} else if pm.ContainerPort != nil {
					d.DynamicPorts++
				}
			}
		}
	}
	if v, err := strconv.ParseInt(aws.ToString(td.Cpu), 10, 64); err == nil {
		cpu = v
	}
	if v, err := strconv.ParseInt(aws.ToString(td.Memory), 10, 64); err == nil {
		mem = v
	}
	d.CPU, d.Memory = cpu, mem
	return d
}

// FromContainerInstance builds a placement instance from the stored document,
// using its remainingResources. group counts, if known, come from the caller.
func FromContainerInstance(ci *types.ContainerInstance, order int) *Instance {
	in := fromDocument(ci, order, ci.RemainingResources)
	in.RunningTasks, in.PendingTasks = int(ci.RunningTasksCount), int(ci.PendingTasksCount)
	return in
}

// FromRegistration builds a placement instance with all its registered
// resources free and no tasks, for a caller that accounts tasks itself.
func FromRegistration(ci *types.ContainerInstance, order int) *Instance {
	return fromDocument(ci, order, ci.RegisteredResources)
}

func fromDocument(ci *types.ContainerInstance, order int, resources []types.Resource) *Instance {
	in := &Instance{
		ARN:            aws.ToString(ci.ContainerInstanceArn),
		EC2InstanceID:  aws.ToString(ci.Ec2InstanceId),
		Status:         aws.ToString(ci.Status),
		AgentConnected: ci.AgentConnected,
		RegisteredAt:   aws.ToTime(ci.RegisteredAt),
		Attributes:     map[string]string{},
		Ports:          map[int32]bool{},
		Dynamic:        map[int32]bool{},
		Groups:         map[string]int{},
		Order:          order,
		Doc:            ci,
	}
	for _, a := range ci.Attributes {
		in.Attributes[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	for _, r := range resources {
		switch aws.ToString(r.Name) {
		case "CPU":
			in.CPU = int64(r.IntegerValue)
		case "MEMORY":
			in.Memory = int64(r.IntegerValue)
		case "PORTS", "PORTS_UDP":
			for _, p := range r.StringSetValue {
				if n, err := strconv.Atoi(p); err == nil {
					in.Ports[int32(n)] = true
				}
			}
		case "ENI":
			in.ENIs = int(r.IntegerValue)
		}
	}
	return in
}

// Attribute returns the value placement sees for an attribute, including the
// built-in fields the cluster query language names.
func (in *Instance) Attribute(name string) (string, bool) {
	switch name {
	case "instanceId", "host":
		return in.ARN, true
	case "ec2InstanceId":
		return in.EC2InstanceID, true
	case "instanceType":
		v, ok := in.Attributes["ecs.instance-type"]
		return v, ok
	case "availabilityZone":
		v, ok := in.Attributes["ecs.availability-zone"]
		return v, ok
	}
	v, ok := in.Attributes[name]
	return v, ok
}

// Take records a task of demand d on the instance with the given host ports.
func (in *Instance) Take(d Demand, ports []int32) {
	in.CPU -= d.CPU
	in.Memory -= d.Memory
	if d.ENI {
		in.ENIs--
	}
	for _, p := range ports {
		in.Ports[p] = true
	}
	in.PendingTasks++
	in.Groups[d.Group]++
}

// Reserve deducts a placed task from a stored container instance's
// remainingResources and counts it as pending, so that several placements in
// one transaction see each other. The scheduler recomputes both from the tasks
// on every pass, so the stored figures stay right even if a caller skips this.
func Reserve(ci *types.ContainerInstance, d Demand, ports []int32) {
	for i := range ci.RemainingResources {
		r := &ci.RemainingResources[i]
		switch aws.ToString(r.Name) {
		case "CPU":
			r.IntegerValue -= int32(d.CPU)
		case "MEMORY":
			r.IntegerValue -= int32(d.Memory)
		case "ENI":
			if d.ENI {
				r.IntegerValue--
			}
		case "PORTS":
			for _, p := range ports {
				r.StringSetValue = append(r.StringSetValue, strconv.Itoa(int(p)))
			}
		}
	}
	ci.PendingTasksCount++
}
