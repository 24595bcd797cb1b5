package scheduler_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

const cluster = "sched"

// setup starts Longshore with a cluster and returns an ECS client.
func setup(t *testing.T) (*longshoretest.Instance, *ecs.Client) {
	t.Helper()
	ls := harness.Start(t)
	client := ecs.NewFromConfig(ls.Config)
	if _, err := client.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		t.Fatal(err)
	}
	return ls, client
}

// fargateTaskDefinition registers a Fargate definition; labels simulate the container's behaviour.
func fargateTaskDefinition(t *testing.T, client *ecs.Client, family string, labels map[string]string) string {
	t.Helper()
	out, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("public.ecr.aws/nginx/nginx:latest"),
			Essential: aws.Bool(true), DockerLabels: labels, PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

func fargateService(t *testing.T, client *ecs.Client, name, td string, desired int32, cfg *types.DeploymentConfiguration) *types.Service {
	t.Helper()
	out, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(desired),
		LaunchType: types.LaunchTypeFargate, DeploymentConfiguration: cfg,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: defaultSubnets(t, client)[:2], SecurityGroups: []string{defaultGroup(t, client)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Service
}

// waitStable runs the SDK's ServicesStable waiter with short delays (the
// defaults poll every 15 s; the CLI test keeps them).
func waitStable(t *testing.T, client *ecs.Client, services ...string) {
	t.Helper()
	w := ecs.NewServicesStableWaiter(client, func(o *ecs.ServicesStableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 500*time.Millisecond, time.Second
	})
	if err := w.Wait(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: services}, 30*time.Second); err != nil {
		t.Fatalf("services %v not stable: %v", services, err)
	}
}

func describeService(t *testing.T, client *ecs.Client, name string) types.Service {
	t.Helper()
	out, err := client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 1 {
		t.Fatalf("service %s: %+v", name, out.Failures)
	}
	return out.Services[0]
}

// serviceTasks lists and describes a service's tasks with the given desired status.
func serviceTasks(t *testing.T, client *ecs.Client, name string, desired types.DesiredStatus) []types.Task {
	t.Helper()
	var arns []string
	p := ecs.NewListTasksPaginator(client, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String(name), DesiredStatus: desired})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, page.TaskArns...)
	}
	var out []types.Task
	for len(arns) > 0 {
		n := min(len(arns), 100)
		d, err := client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns[:n]})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.Tasks...)
		arns = arns[n:]
	}
	return out
}

func hasEvent(svc types.Service, message string) bool {
	for _, e := range svc.Events {
		if aws.ToString(e.Message) == message {
			return true
		}
	}
	return false
}

// registerInstances adds simulated EC2 instances through the control endpoint.
func registerInstances(t *testing.T, ls *longshoretest.Instance, body map[string]any) []string {
	t.Helper()
	b, _ := json.Marshal(body)
	resp := harness.Raw(t, ls, "POST", "/_longshore/ecs/container-instances", map[string]string{"Content-Type": "application/json"}, string(b))
	if resp.Status != 200 {
		t.Fatalf("register instances: %d %s", resp.Status, resp.Body)
	}
	var out struct {
		ContainerInstanceArns []string `json:"containerInstanceArns"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
		t.Fatal(err)
	}
	return out.ContainerInstanceArns
}

// eventually polls cond for up to 20 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
