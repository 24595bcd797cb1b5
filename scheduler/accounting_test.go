package scheduler

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// remainingResources' PORTS keeps the agent's reserved ports and the static
// host ports of tasks, not the dynamic ones (see TestI13DynamicHostPortsNotReserved).
func TestRemainingPortsLeaveDynamicOut(t *testing.T) {
	ports := func(list ...string) types.Resource {
		return types.Resource{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: list}
	}
	ci := &types.ContainerInstance{ContainerInstanceArn: aws.String("ci-1"), Status: aws.String("ACTIVE"), AgentConnected: true,
		RegisteredResources: []types.Resource{{Name: aws.String("CPU"), IntegerValue: 2048}, {Name: aws.String("MEMORY"), IntegerValue: 4096},
			ports("22", "2375", "2376", "51678", "51679")}}
	td := &types.TaskDefinition{TaskDefinitionArn: aws.String("td"), NetworkMode: types.NetworkModeBridge,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Memory: aws.Int32(256),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}, {ContainerPort: aws.Int32(81), HostPort: aws.Int32(8081)}}}}}
	bound := &types.Task{TaskArn: aws.String("t1"), TaskDefinitionArn: aws.String("td"), ContainerInstanceArn: aws.String("ci-1"),
		DesiredStatus: aws.String(ecscore.TaskRunning), LastStatus: aws.String(ecscore.TaskRunning), Memory: aws.String("256"),
		Containers: []types.Container{{Name: aws.String("app"), NetworkBindings: []types.NetworkBinding{
			{ContainerPort: aws.Int32(80), HostPort: aws.Int32(32768)}, {ContainerPort: aws.Int32(81), HostPort: aws.Int32(8081)}}}}}
	unbound := &types.Task{TaskArn: aws.String("t2"), TaskDefinitionArn: aws.String("td"), ContainerInstanceArn: aws.String("ci-1"),
		DesiredStatus: aws.String(ecscore.TaskRunning), LastStatus: aws.String(ecscore.TaskPending), Memory: aws.String("256"),
		Containers: []types.Container{{Name: aws.String("app")}}}
	ins, _, _ := accountInstances([]*types.ContainerInstance{ci}, []*types.Task{bound, unbound}, map[string]*types.TaskDefinition{"td": td})
	if !ins[0].Ports[32768] || !ins[0].Ports[32769] {
		t.Fatalf("dynamic ports not held: %v", ins[0].Ports)
	}
	writeBack(ins[0])
	var got []string
	for _, r := range ci.RemainingResources {
		if aws.ToString(r.Name) == "PORTS" {
			got = r.StringSetValue
		}
	}
	if !slices.Equal(got, []string{"22", "2375", "2376", "51678", "51679", "8081"}) {
		t.Fatalf("remaining PORTS %v", got)
	}
}
