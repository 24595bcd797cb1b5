package ecs_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A Fargate task definition with pidMode host is refused in AWS's full words:
// "Tasks using the Fargate launch type do not support pidMode 'host'. The
// supported value for pidMode is 'task'." (a real response quoted in aws/aws-cdk#29619).
func TestI13FargatePidModeMessage(t *testing.T) {
	client := infraClient(t)
	in := infraFargateTaskDefinition("pid-host")
	in.PidMode = types.PidModeHost
	_, err := client.RegisterTaskDefinition(harness.Ctx, in)
	harness.AssertError(t, err, "ClientException", 400, "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.")
	in = infraFargateTaskDefinition("pid-task")
	in.PidMode = types.PidModeTask
	harness.Must(client.RegisterTaskDefinition(harness.Ctx, in))(t)
}

// ListTaskDefinitions' familyPrefix is "the full family name" (the API
// reference: "Specifying a familyPrefix limits the listed task definitions to
// task definition revisions that belong to that family"), while
// ListTaskDefinitionFamilies' familyPrefix is a true prefix ("only task
// definition family names that begin with the familyPrefix string").
func TestI13ListTaskDefinitionsFamilyPrefixIsTheFamily(t *testing.T) {
	client := infraClient(t)
	for _, f := range []string{"web", "webapp", "web"} {
		harness.Must(client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition(f)))(t)
	}
	l := harness.Must(client.ListTaskDefinitions(harness.Ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web")}))(t)
	if len(l.TaskDefinitionArns) != 2 || !strings.HasSuffix(l.TaskDefinitionArns[0], "/web:1") || !strings.HasSuffix(l.TaskDefinitionArns[1], "/web:2") {
		t.Errorf("task definitions %v", l.TaskDefinitionArns)
	}
	f := harness.Must(client.ListTaskDefinitionFamilies(harness.Ctx, &ecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("web")}))(t)
	if len(f.Families) != 2 {
		t.Errorf("families %v", f.Families)
	}
}

// ListClusters lists a deleted (INACTIVE) cluster, as ECS does: cloud-nuke's
// test failed on "InvalidParameterException: The specified cluster is
// inactive. Specify an active cluster and try again." when tagging the
// clusters ListClusters returned (gruntwork-io/cloud-nuke#145), after reading
// their tags had succeeded; its fix (#146) filters ListClusters' answer by
// DescribeClusters' status. The DeleteCluster reference: "Clusters with an
// INACTIVE status might remain discoverable in your account for a period of
// time."
func TestI13ListClustersListsInactiveClusters(t *testing.T) {
	client := infraClient(t)
	for _, name := range []string{"kept", "gone"} {
		harness.CreateCluster(t, client, name)
	}
	gone := harness.Must(client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("gone")}))(t).Cluster
	l := harness.Must(client.ListClusters(harness.Ctx, &ecs.ListClustersInput{}))(t)
	if len(l.ClusterArns) != 2 || !slices.Contains(l.ClusterArns, aws.ToString(gone.ClusterArn)) {
		t.Fatalf("clusters %v", l.ClusterArns)
	}
	d := harness.Must(client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: l.ClusterArns}))(t)
	statuses := map[string]string{}
	for _, cl := range d.Clusters {
		statuses[aws.ToString(cl.ClusterName)] = aws.ToString(cl.Status)
	}
	if statuses["kept"] != "ACTIVE" || statuses["gone"] != "INACTIVE" {
		t.Errorf("statuses %v", statuses)
	}
	harness.Must(client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: gone.ClusterArn}))(t)
	_, err := client.TagResource(harness.Ctx, &ecs.TagResourceInput{ResourceArn: gone.ClusterArn, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	harness.AssertError(t, err, "InvalidParameterException", 400, "The specified cluster is inactive. Specify an active cluster and try again.")
}

// DescribeContainerInstances and UpdateContainerInstancesState refuse an empty
// or overlong list in AWS's words: "Container instance cannot be empty."
// (getmoto/moto#2473 and gchq/sleeper#3387 quote it), "instanceIds can have at
// most 100 items." (traefik/traefik#3625) and "instanceIds can have at most 10
// items." for UpdateContainerInstancesState (minamijoyo/myaws#25).
func TestI13ContainerInstanceListTexts(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "c")
	_, err := client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("c"), ContainerInstances: []string{}})
	harness.AssertError(t, err, "InvalidParameterException", 400, "Container instance cannot be empty.")
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("%032x", i)
	}
	_, err = client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("c"), ContainerInstances: many})
	harness.AssertError(t, err, "InvalidParameterException", 400, "instanceIds can have at most 100 items.")
	_, err = client.UpdateContainerInstancesState(harness.Ctx, &ecs.UpdateContainerInstancesStateInput{Cluster: aws.String("c"),
		ContainerInstances: many[:11], Status: types.ContainerInstanceStatusDraining})
	harness.AssertError(t, err, "InvalidParameterException", 400, "instanceIds can have at most 10 items.")
}

// An EFS volume registered without a root directory is answered with "/":
// the AWS provider's state read back root_directory = "/" for a volume whose
// configuration set none (hashicorp/terraform-provider-aws#26793, #19549), and
// "AWS adds it once new revision is created" (CircleCI-Public/aws-ecs-orb#105).
func TestI13EFSRootDirectoryDefault(t *testing.T) {
	client := infraClient(t)
	in := infraFargateTaskDefinition("efs")
	in.Volumes = []types.Volume{
		{Name: aws.String("data"), EfsVolumeConfiguration: &types.EFSVolumeConfiguration{FileSystemId: aws.String("fs-0123456789abcdef0")}},
		{Name: aws.String("sub"), EfsVolumeConfiguration: &types.EFSVolumeConfiguration{FileSystemId: aws.String("fs-0123456789abcdef0"), RootDirectory: aws.String("/sub")}},
	}
	td := harness.Must(client.RegisterTaskDefinition(harness.Ctx, in))(t).TaskDefinition
	d := harness.Must(client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: td.TaskDefinitionArn}))(t).TaskDefinition
	for _, got := range []*types.TaskDefinition{td, d} {
		if len(got.Volumes) != 2 || aws.ToString(got.Volumes[0].EfsVolumeConfiguration.RootDirectory) != "/" ||
			aws.ToString(got.Volumes[1].EfsVolumeConfiguration.RootDirectory) != "/sub" {
			t.Fatalf("volumes %+v %+v", got.Volumes[0].EfsVolumeConfiguration, got.Volumes[1].EfsVolumeConfiguration)
		}
	}
}

// A container instance's remainingResources PORTS lists the agent's reserved
// ports and the host ports tasks map, not the ports given from the dynamic
// range: the ContainerInstance reference, "the ports that were reserved by the
// Amazon ECS container agent (at instance registration time) and any task
// containers that have reserved port mappings on the host"; the PortMapping
// reference, ports automatically assigned "do not count toward the 100
// reserved ports limit of a container instance".
func TestI13DynamicHostPortsNotReserved(t *testing.T) {
	e := wlStart(t)
	ci := e.registerInstance(t, "i-0123456789abcdef0", "us-east-1a")
	harness.Must(e.client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("ports"), NetworkMode: types.NetworkModeBridge,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(256),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}, {ContainerPort: aws.Int32(81), HostPort: aws.Int32(8081)}}}}}))(t)
	run := harness.Must(e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("ports"),
		LaunchType: types.LaunchTypeEc2}))(t)
	if len(run.Tasks) != 1 {
		t.Fatalf("failures %+v", run.Failures)
	}
	tasks := harness.WaitTasksRunning(t, e.client, e.cluster, 10*time.Second, aws.ToString(run.Tasks[0].TaskArn))
	hostPorts := map[int32]int32{}
	for _, b := range tasks[0].Containers[0].NetworkBindings {
		hostPorts[aws.ToInt32(b.ContainerPort)] = aws.ToInt32(b.HostPort)
	}
	dynamic := hostPorts[80]
	if dynamic < 32768 || hostPorts[81] != 8081 {
		t.Fatalf("network bindings %v", hostPorts)
	}
	var ports []string
	harness.Eventually(t, 10*time.Second, "remainingResources with the task's static port", func() (bool, string) {
		d := harness.Must(e.client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String(e.cluster), ContainerInstances: []string{ci}}))(t)
		for _, r := range d.ContainerInstances[0].RemainingResources {
			if aws.ToString(r.Name) == "PORTS" {
				ports = r.StringSetValue
			}
		}
		return slices.Contains(ports, "8081"), strings.Join(ports, ",")
	})
	if slices.Contains(ports, fmt.Sprint(dynamic)) || !slices.Contains(ports, "22") || !slices.Contains(ports, "51678") {
		t.Errorf("remaining PORTS %v with the dynamic port %d", ports, dynamic)
	}
}

// UpdateService refuses a DAEMON service's desired count in the words it
// answered cloud-nuke's drain: "InvalidParameterException: The daemon
// scheduling strategy does not support a desired count for services. Remove
// the desired count value and try again" (gruntwork-io/cloud-nuke#219).
func TestI13DaemonUpdateServiceDesiredCount(t *testing.T) {
	e := wlStart(t)
	e.bridgeFamily(t, "worker")
	harness.Must(e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("agent"),
		TaskDefinition: aws.String("worker"), LaunchType: types.LaunchTypeEc2, SchedulingStrategy: types.SchedulingStrategyDaemon}))(t)
	_, err := e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("agent"), DesiredCount: aws.Int32(0)})
	harness.AssertError(t, err, "InvalidParameterException", 400,
		"The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again")
}
