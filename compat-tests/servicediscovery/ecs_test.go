package servicediscovery_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// instancesOf lists a Cloud Map service's instances as "id ip:port", sorted.
func instancesOf(t *testing.T, c *sd.Client, serviceArn string) []string {
	t.Helper()
	out, err := c.ListInstances(harness.Ctx, &sd.ListInstancesInput{ServiceId: aws.String(serviceArn)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range out.Instances {
		got = append(got, aws.ToString(i.Id)+" "+i.Attributes["AWS_INSTANCE_IPV4"]+":"+i.Attributes["AWS_INSTANCE_PORT"])
	}
	sort.Strings(got)
	return got
}

// taskEndpoints are the "id ip:port" a service's running tasks should be registered with.
func taskEndpoints(t *testing.T, c *ecs.Client, cluster, service string, port int32) []string {
	var want []string
	for _, task := range harness.ServiceTasks(t, c, cluster, service, "") {
		if aws.ToString(task.LastStatus) != "RUNNING" {
			continue
		}
		arn := aws.ToString(task.TaskArn)
		ip := harness.Detail(task.Attachments[0], "privateIPv4Address")
		want = append(want, fmt.Sprintf("%s %s:%d", arn[strings.LastIndex(arn, "/")+1:], ip, port))
	}
	sort.Strings(want)
	return want
}

// TestServiceConnectAndRegistries: a cluster's Service Connect default
// namespace named by a new name becomes a Cloud Map HTTP namespace (ECS API
// reference, ClusterServiceConnectDefaultsRequest.namespace: a new name
// creates a namespace with the "API calls" discovery method, the HTTP
// type; an existing name or ARN is used); a service's Service
// Connect services and its service registries get its running tasks as
// instances, with the task's address and port (AWS_INSTANCE_IPV4,
// AWS_INSTANCE_PORT), and lose them when tasks stop.
func TestServiceConnectAndRegistries(t *testing.T) {
	ls := harness.StartScaled(t, 20)
	e := ecs.NewFromConfig(ls.Config)
	c := client(ls.Config)

	cl := harness.Must(e.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("sc"),
		ServiceConnectDefaults: &ecstypes.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("internal")}}))(t).Cluster
	nsArn := aws.ToString(cl.ServiceConnectDefaults.Namespace)
	ns := harness.Must(c.GetNamespace(harness.Ctx, &sd.GetNamespaceInput{Id: aws.String(nsArn)}))(t).Namespace
	if ns.Type != types.NamespaceTypeHttp || aws.ToString(ns.Name) != "internal" || aws.ToString(ns.Arn) != nsArn {
		t.Fatalf("default namespace %+v", ns)
	}
	// A second cluster naming the same namespace shares it.
	cl2 := harness.Must(e.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("sc2"),
		ServiceConnectDefaults: &ecstypes.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("internal")}}))(t).Cluster
	if aws.ToString(cl2.ServiceConnectDefaults.Namespace) != nsArn {
		t.Errorf("second cluster namespace %s", aws.ToString(cl2.ServiceConnectDefaults.Namespace))
	}
	_, err := e.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("bad"),
		ServiceConnectDefaults: &ecstypes.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-0000000000000000")}})
	harness.AssertAPIError(t, err, "NamespaceNotFoundException")

	// A registry of our own for serviceRegistries.
	registry := harness.Must(c.CreateService(harness.Ctx, &sd.CreateServiceInput{Name: aws.String("api-registry"), NamespaceId: aws.String(nsArn),
		HealthCheckCustomConfig: &types.HealthCheckCustomConfig{}}))(t).Service

	def := harness.FargateDefinition("api", "web", "nginx", 8080)
	def.ContainerDefinitions[0].PortMappings[0].Name = aws.String("http")
	td := harness.RegisterTaskDefinition(t, e, def)
	net := &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: harness.DefaultSubnets(t, ls.Config)[:1]}}
	svc := harness.Must(e.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("sc"), ServiceName: aws.String("api"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: net,
		ServiceRegistries: []ecstypes.ServiceRegistry{{RegistryArn: registry.Arn, ContainerName: aws.String("web"), ContainerPort: aws.Int32(8080)}},
		ServiceConnectConfiguration: &ecstypes.ServiceConnectConfiguration{Enabled: true,
			Services: []ecstypes.ServiceConnectService{{PortName: aws.String("http"), DiscoveryName: aws.String("api")}}}}))(t).Service
	res := svc.Deployments[0].ServiceConnectResources
	if len(res) != 1 || aws.ToString(res[0].DiscoveryName) != "api" {
		t.Fatalf("service connect resources %+v", res)
	}
	scArn := aws.ToString(res[0].DiscoveryArn)
	scSvc := harness.Must(c.GetService(harness.Ctx, &sd.GetServiceInput{Id: aws.String(scArn)}))(t).Service
	if aws.ToString(scSvc.Name) != "api" || aws.ToString(scSvc.NamespaceId) != aws.ToString(ns.Id) {
		t.Fatalf("service connect service %+v", scSvc)
	}
	// An unknown namespace is refused ("NamespaceNotFoundException: Failed to
	// retrieve namespace for example", terraform-aws-modules/terraform-aws-ecs#116).
	_, err = e.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("sc"), ServiceName: aws.String("other"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: net,
		ServiceConnectConfiguration: &ecstypes.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("example")}})
	harness.AssertError(t, err, "NamespaceNotFoundException", 0, "Failed to retrieve namespace for example")

	// ECS's refusals of service registries: "The format of the supplied
	// service registry ARN is invalid" (hashicorp/terraform-provider-aws#4373),
	// port with container name and port (cloudposse/terraform-aws-ecs-web-app#208),
	// and a port the registry does not need (hashicorp/terraform-provider-aws#3906).
	for _, c := range []struct {
		reg ecstypes.ServiceRegistry
		msg string
	}{
		{ecstypes.ServiceRegistry{RegistryArn: aws.String(nsArn)}, "The format of the supplied service registry ARN is invalid: " + nsArn + "."},
		{ecstypes.ServiceRegistry{RegistryArn: registry.Arn, Port: aws.Int32(80), ContainerName: aws.String("web"), ContainerPort: aws.Int32(8080)},
			"Specify a value for either 'port' or the 'containerName' and 'containerPort' combination, but not both. Remove one and retry."},
		{ecstypes.ServiceRegistry{RegistryArn: registry.Arn, Port: aws.Int32(80)}, "A port was provided but is not required by the specified service registry"},
	} {
		_, err := e.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("sc"), ServiceName: aws.String("bad-registry"),
			TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: net,
			ServiceRegistries: []ecstypes.ServiceRegistry{c.reg}})
		harness.AssertError(t, err, "InvalidParameterException", 400, c.msg)
	}

	registered := func(want int) {
		t.Helper()
		harness.Eventually(t, 60*time.Second, fmt.Sprintf("%d tasks registered", want), func() (bool, string) {
			tasks := taskEndpoints(t, e, "sc", "api", 8080)
			a, b := instancesOf(t, c, scArn), instancesOf(t, c, aws.ToString(registry.Arn))
			seen := fmt.Sprintf("tasks %v; service connect %v; registry %v", tasks, a, b)
			return len(tasks) == want && fmt.Sprint(a) == fmt.Sprint(tasks) && fmt.Sprint(b) == fmt.Sprint(tasks), seen
		})
	}
	registered(2)
	one := harness.Must(c.GetInstance(harness.Ctx, &sd.GetInstanceInput{ServiceId: aws.String(scArn),
		InstanceId: aws.String(strings.Fields(instancesOf(t, c, scArn)[0])[0])}))(t).Instance
	for k, v := range map[string]string{"ECS_CLUSTER_NAME": "sc", "ECS_SERVICE_NAME": "api", "ECS_TASK_DEFINITION_FAMILY": "api", "REGION": "us-east-1"} {
		if one.Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, one.Attributes[k], v)
		}
	}
	disc := harness.Must(c.DiscoverInstances(harness.Ctx, &sd.DiscoverInstancesInput{NamespaceName: aws.String("internal"), ServiceName: aws.String("api")}))(t)
	if len(disc.Instances) != 2 {
		t.Errorf("discovered %d", len(disc.Instances))
	}

	// Scaling in deregisters the stopped task; deleting the service, all.
	harness.Must(e.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String("sc"), Service: aws.String("api"), DesiredCount: aws.Int32(1)}))(t)
	registered(1)
	harness.Must(e.DeleteService(harness.Ctx, &ecs.DeleteServiceInput{Cluster: aws.String("sc"), Service: aws.String("api"), Force: aws.Bool(true)}))(t)
	// The registry loses the tasks; the Cloud Map service ECS made for
	// Service Connect goes with the ECS service, so that the namespace can be
	// deleted; the registry the user made stays.
	harness.Eventually(t, 60*time.Second, "instances deregistered, service connect service released", func() (bool, string) {
		b := instancesOf(t, c, aws.ToString(registry.Arn))
		_, err := c.GetService(harness.Ctx, &sd.GetServiceInput{Id: aws.String(scArn)})
		return len(b) == 0 && err != nil, fmt.Sprintf("registry %v; service connect service: %v", b, err)
	})
	harness.Must(c.GetService(harness.Ctx, &sd.GetServiceInput{Id: registry.Arn}))(t)
	// ECS lists the services of a namespace by its ARN.
	list := harness.Must(e.ListServicesByNamespace(harness.Ctx, &ecs.ListServicesByNamespaceInput{Namespace: aws.String("internal")}))(t)
	if len(list.ServiceArns) != 0 {
		t.Errorf("services by namespace after delete %v", list.ServiceArns)
	}
}

// A task set's tasks register in the task set's service registries, with the
// task set's externalId as an attribute (CreateTaskSet's externalId: "If the
// task set is associated with a service discovery registry, the tasks in this
// task set will have the ECS_TASK_SET_EXTERNAL_ID Cloud Map attribute set to
// the provided value").
func TestTaskSetRegistriesAndExternalID(t *testing.T) {
	ls := harness.StartScaled(t, 20)
	e := ecs.NewFromConfig(ls.Config)
	c := client(ls.Config)
	harness.CreateCluster(t, e, "ts")
	ns := createHTTPNamespace(t, c, "internal")
	registry := harness.Must(c.CreateService(harness.Ctx, &sd.CreateServiceInput{Name: aws.String("api"),
		NamespaceId: ns.Id, HealthCheckCustomConfig: &types.HealthCheckCustomConfig{}}))(t).Service
	td := harness.RegisterTaskDefinition(t, e, harness.FargateDefinition("api", "web", "nginx", 8080))
	harness.Must(e.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("ts"), ServiceName: aws.String("api"),
		DesiredCount: aws.Int32(2), DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeExternal}}))(t)
	harness.Must(e.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String("ts"), Service: aws.String("api"),
		TaskDefinition: aws.String(td), LaunchType: ecstypes.LaunchTypeFargate, ExternalId: aws.String("deploy-7"),
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: harness.DefaultSubnets(t, ls.Config)[:1]}},
		Scale:                &ecstypes.Scale{Value: 100, Unit: ecstypes.ScaleUnitPercent},
		ServiceRegistries:    []ecstypes.ServiceRegistry{{RegistryArn: registry.Arn, ContainerName: aws.String("web"), ContainerPort: aws.Int32(8080)}}}))(t)
	harness.Eventually(t, 10*time.Second, "the task set's 2 tasks registered", func() (bool, string) {
		want := taskEndpoints(t, e, "ts", "api", 8080)
		got := instancesOf(t, c, aws.ToString(registry.Arn))
		return len(want) == 2 && strings.Join(got, ",") == strings.Join(want, ","), strings.Join(got, ",")
	})
	out := harness.Must(c.ListInstances(harness.Ctx, &sd.ListInstancesInput{ServiceId: registry.Arn}))(t)
	for _, in := range out.Instances {
		if in.Attributes["ECS_TASK_SET_EXTERNAL_ID"] != "deploy-7" || in.Attributes["ECS_SERVICE_NAME"] != "api" {
			t.Errorf("instance %s attributes %v", aws.ToString(in.Id), in.Attributes)
		}
	}
}
