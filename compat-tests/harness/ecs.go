package harness

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/longshoretest"
	"github.com/longshore/longshore/services"
)

// StartScaled runs a fresh Longshore whose simulated time runs scale times faster.
func StartScaled(t testing.TB, scale float64) *longshoretest.Instance {
	t.Helper()
	return longshoretest.StartWith(t, longshoretest.Options{Services: func(cfg services.Config) *services.Set {
		cfg.TimeScale = scale
		return services.New(cfg)
	}})
}

// StartQuiet runs a fresh Longshore without background work (no cluster
// manager, no scaling engines), for flows a test drives step by step.
func StartQuiet(t testing.TB) *longshoretest.Instance {
	t.Helper()
	return longshoretest.StartWith(t, longshoretest.Options{Services: func(cfg services.Config) *services.Set {
		full := services.New(cfg)
		return &services.Set{Services: full.Services, Resolvers: full.Resolvers, Control: full.Control}
	}})
}

// CreateCluster creates an ECS cluster, with capacity providers where given.
func CreateCluster(t testing.TB, c *ecs.Client, name string, providers ...string) *types.Cluster {
	t.Helper()
	out, err := c.CreateCluster(Ctx, &ecs.CreateClusterInput{ClusterName: aws.String(name), CapacityProviders: providers})
	if err != nil {
		t.Fatal(err)
	}
	return out.Cluster
}

// FargateDefinition is an awsvpc Fargate task definition (256 CPU units,
// 512 MiB) with one essential container, listening on the ports given. Callers
// add what their test needs before RegisterTaskDefinition.
func FargateDefinition(family, container, image string, ports ...int32) *ecs.RegisterTaskDefinitionInput {
	def := types.ContainerDefinition{Name: aws.String(container), Image: aws.String(image), Essential: aws.Bool(true)}
	for _, p := range ports {
		def.PortMappings = append(def.PortMappings, types.PortMapping{ContainerPort: aws.Int32(p)})
	}
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions:    []types.ContainerDefinition{def},
	}
}

// RegisterTaskDefinition registers a task definition and returns its ARN.
func RegisterTaskDefinition(t testing.TB, c *ecs.Client, in *ecs.RegisterTaskDefinitionInput) string {
	t.Helper()
	out, err := c.RegisterTaskDefinition(Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

// Identity is an EC2 instance identity document, as the ECS agent sends it.
func Identity(instanceID, instanceType, zone string) *string {
	return aws.String(`{"instanceId":"` + instanceID + `","instanceType":"` + instanceType +
		`","availabilityZone":"` + zone + `","imageId":"ami-0abcdef1234567890","region":"us-east-1","architecture":"x86_64","accountId":"000000000000"}`)
}

// RegisterContainerInstance registers an instance as the ECS agent does,
// with the CPU units and MiB of memory given.
func RegisterContainerInstance(t testing.TB, c *ecs.Client, cluster, instanceID, instanceType, zone string, cpu, memory int32, attrs ...types.Attribute) *types.ContainerInstance {
	t.Helper()
	out, err := c.RegisterContainerInstance(Ctx, &ecs.RegisterContainerInstanceInput{
		Cluster: aws.String(cluster), InstanceIdentityDocument: Identity(instanceID, instanceType, zone), Attributes: attrs,
		TotalResources: []types.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: cpu},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: memory},
		},
		VersionInfo: &types.VersionInfo{AgentVersion: aws.String("1.80.0"), AgentHash: aws.String("abc"), DockerVersion: aws.String("DockerVersion: 25.0.8")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.ContainerInstance
}

// Control sends a JSON body to a /_longshore control route.
func Control(t testing.TB, ls *longshoretest.Instance, method, path string, body any) Response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return Raw(t, ls, method, "/_longshore"+path, map[string]string{"Content-Type": "application/json"}, string(b))
}

// SimulatedInstances are what the control route answers for the instances it registers.
type SimulatedInstances struct {
	ContainerInstanceArns []string `json:"containerInstanceArns"`
	Ec2InstanceIds        []string `json:"ec2InstanceIds"`
}

// RegisterInstances launches simulated EC2 instances into a cluster through
// the control route (body: cluster, instanceType, count, availabilityZone, ...).
func RegisterInstances(t testing.TB, ls *longshoretest.Instance, body map[string]any) SimulatedInstances {
	t.Helper()
	resp := Control(t, ls, "POST", "/ecs/container-instances", body)
	if resp.Status != 200 {
		t.Fatalf("register instances: %d %s", resp.Status, resp.Body)
	}
	var out SimulatedInstances
	if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// WaitStable runs the SDK's ServicesStable waiter with short delays (its
// defaults poll every 15 s) for up to 30 s.
func WaitStable(t testing.TB, c *ecs.Client, cluster string, services ...string) {
	t.Helper()
	w := ecs.NewServicesStableWaiter(c, func(o *ecs.ServicesStableWaiterOptions) { o.MinDelay, o.MaxDelay = 500*time.Millisecond, time.Second })
	if err := w.Wait(Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: services}, 30*time.Second); err != nil {
		t.Fatalf("services %v not stable: %v", services, err)
	}
}

// WaitTasksRunning runs the SDK's TasksRunning waiter with short delays and
// returns the tasks as it last described them.
func WaitTasksRunning(t testing.TB, c *ecs.Client, cluster string, within time.Duration, arns ...string) []types.Task {
	t.Helper()
	w := ecs.NewTasksRunningWaiter(c, func(o *ecs.TasksRunningWaiterOptions) { o.MinDelay, o.MaxDelay = 500*time.Millisecond, time.Second })
	out, err := w.WaitForOutput(Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns}, within)
	if err != nil {
		t.Fatalf("tasks %v not running: %v", arns, err)
	}
	return out.Tasks
}

// WaitTasksStopped is WaitTasksRunning for the TasksStopped waiter.
func WaitTasksStopped(t testing.TB, c *ecs.Client, cluster string, within time.Duration, arns ...string) []types.Task {
	t.Helper()
	w := ecs.NewTasksStoppedWaiter(c, func(o *ecs.TasksStoppedWaiterOptions) { o.MinDelay, o.MaxDelay = 500*time.Millisecond, time.Second })
	out, err := w.WaitForOutput(Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns}, within)
	if err != nil {
		t.Fatalf("tasks %v not stopped: %v", arns, err)
	}
	return out.Tasks
}

// DescribeService describes one service.
func DescribeService(t testing.TB, c *ecs.Client, cluster, name string) types.Service {
	t.Helper()
	out, err := c.DescribeServices(Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 1 {
		t.Fatalf("service %s: %+v", name, out.Failures)
	}
	return out.Services[0]
}

// ServiceTasks lists and describes a service's tasks with the given desired
// status ("" = RUNNING, as ListTasks defaults).
func ServiceTasks(t testing.TB, c *ecs.Client, cluster, service string, desired types.DesiredStatus) []types.Task {
	t.Helper()
	var arns []string
	p := ecs.NewListTasksPaginator(c, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String(service), DesiredStatus: desired})
	for p.HasMorePages() {
		page, err := p.NextPage(Ctx)
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, page.TaskArns...)
	}
	var out []types.Task
	for len(arns) > 0 {
		n := min(len(arns), 100)
		d, err := c.DescribeTasks(Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns[:n]})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.Tasks...)
		arns = arns[n:]
	}
	return out
}

// HasEvent says whether a service's events include the message.
func HasEvent(svc types.Service, message string) bool {
	for _, e := range svc.Events {
		if aws.ToString(e.Message) == message {
			return true
		}
	}
	return false
}

// Detail is the value of a named detail of an attachment (an ENI's address, subnet, ...).
func Detail(att types.Attachment, name string) string {
	for _, d := range att.Details {
		if aws.ToString(d.Name) == name {
			return aws.ToString(d.Value)
		}
	}
	return ""
}
