package ecs

import (
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
)

func TestFargateSizeValid(t *testing.T) {
	cases := []struct {
		cpu, mem int
		want     bool
	}{
		{256, 512, true}, {256, 1024, true}, {256, 2048, true}, {256, 1536, false}, {256, 4096, false},
		{512, 1024, true}, {512, 4096, true}, {512, 512, false},
		{1024, 2048, true}, {1024, 8192, true}, {1024, 9216, false},
		{2048, 16384, true}, {4096, 30720, true}, {4096, 31744, false},
		{8192, 16384, true}, {8192, 20480, true}, {8192, 17408, false}, {8192, 61440, true},
		{16384, 32768, true}, {16384, 40960, true}, {16384, 36864, false}, {16384, 122880, true},
		{128, 512, false},
	}
	for _, tc := range cases {
		if got := FargateSizeValid(tc.cpu, tc.mem); got != tc.want {
			t.Errorf("%d/%d: got %v", tc.cpu, tc.mem, got)
		}
	}
}

func fargateDef() *types.TaskDefinition {
	return &types.TaskDefinition{
		Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu:                     aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx")}},
	}
}

func bridgeDef() *types.TaskDefinition {
	return &types.TaskDefinition{
		Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(256),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}},
	}
}

func TestPrepareTaskDefinitionErrors(t *testing.T) {
	cases := []struct {
		name   string
		change func(*types.TaskDefinition)
		base   func() *types.TaskDefinition
		msg    string
	}{
		{"fargate table", func(td *types.TaskDefinition) { td.Memory = aws.String("4096") }, fargateDef,
			"No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values."},
		{"fargate network mode", func(td *types.TaskDefinition) { td.NetworkMode = types.NetworkModeBridge }, fargateDef,
			"Fargate only supports network mode \u2018awsvpc\u2019."},
		{"fargate cpu", func(td *types.TaskDefinition) { td.Cpu = nil }, fargateDef,
			"Fargate requires that 'cpu' be defined at the task level."},
		{"fargate memory", func(td *types.TaskDefinition) { td.Memory = nil }, fargateDef,
			"Fargate requires that 'memory' be defined at the task level."},
		{"fargate awslogs", func(td *types.TaskDefinition) {
			td.ContainerDefinitions[0].LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs,
				Options: map[string]string{"awslogs-group": "g", "awslogs-region": "us-east-1"}}
		}, fargateDef, "Fargate requires task definition to have execution role ARN to support log driver awslogs."},
		{"fargate ecr", func(td *types.TaskDefinition) {
			td.ContainerDefinitions[0].Image = aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1")
		}, fargateDef, "Fargate requires task definition to have execution role ARN to support ECR images."},
		{"no containers", func(td *types.TaskDefinition) { td.ContainerDefinitions = nil }, bridgeDef, "Container list cannot be empty."},
		{"no image", func(td *types.TaskDefinition) { td.ContainerDefinitions[0].Image = nil }, bridgeDef, "Container.image should not be null or empty."},
		{"no name", func(td *types.TaskDefinition) { td.ContainerDefinitions[0].Name = nil }, bridgeDef, "Container.name should not be null or empty."},
		{"no memory", func(td *types.TaskDefinition) { td.ContainerDefinitions[0].Memory = nil }, bridgeDef,
			"Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."},
		{"container memory over task", func(td *types.TaskDefinition) { td.Memory = aws.String("128") }, bridgeDef,
			"The 'memory' setting for container 'app' is greater than for the task."},
		{"no essential", func(td *types.TaskDefinition) { td.ContainerDefinitions[0].Essential = aws.Bool(false) }, bridgeDef,
			"Task definition does not have any essential container."},
		{"awsvpc ports", func(td *types.TaskDefinition) {
			td.NetworkMode = types.NetworkModeAwsvpc
			td.ContainerDefinitions[0].PortMappings[0].HostPort = aws.Int32(8080)
		}, bridgeDef, "When networkMode=awsvpc, the host ports and container ports in port mappings must match."},
		{"host ports", func(td *types.TaskDefinition) {
			td.NetworkMode = types.NetworkModeHost
			td.ContainerDefinitions[0].PortMappings[0].HostPort = aws.Int32(8080)
		}, bridgeDef, "When networkMode=host, the host ports and container ports in port mappings must match."},
		{"cpu sum", func(td *types.TaskDefinition) { td.Cpu = aws.String("256"); td.ContainerDefinitions[0].Cpu = 512 }, bridgeDef,
			"The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'."},
		{"too many containers", func(td *types.TaskDefinition) {
			for i := 0; i < 10; i++ {
				td.ContainerDefinitions = append(td.ContainerDefinitions, types.ContainerDefinition{Name: aws.String("c" + string(rune('a'+i))), Image: aws.String("x"), Memory: aws.Int32(64)})
			}
		}, bridgeDef, "Too many containers specified in the task definition. The maximum is 10."},
		{"bad task cpu", func(td *types.TaskDefinition) { td.Cpu = aws.String("lots") }, bridgeDef, "Invalid 'cpu' setting for task."},
		{"bad family", func(td *types.TaskDefinition) { td.Family = aws.String("a b") }, bridgeDef,
			"Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed."},
	}
	for _, tc := range cases {
		td := tc.base()
		tc.change(td)
		err := PrepareTaskDefinition(td)
		var ae *apierror.Error
		if !errors.As(err, &ae) {
			t.Errorf("%s: got %v", tc.name, err)
			continue
		}
		if ae.Code != "ClientException" || ae.Message != tc.msg {
			t.Errorf("%s: got %s %q", tc.name, ae.Code, ae.Message)
		}
	}
}

func TestPrepareTaskDefinitionDefaults(t *testing.T) {
	td := fargateDef()
	td.Cpu, td.Memory = aws.String("0.25 vCPU"), aws.String("0.5GB")
	td.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80)}}
	if err := PrepareTaskDefinition(td); err != nil {
		t.Fatal(err)
	}
	if aws.ToString(td.Cpu) != "256" || aws.ToString(td.Memory) != "512" {
		t.Errorf("size %s/%s", aws.ToString(td.Cpu), aws.ToString(td.Memory))
	}
	if !slices.Equal(td.Compatibilities, []types.Compatibility{types.CompatibilityEc2, types.CompatibilityFargate}) {
		t.Errorf("compatibilities %v", td.Compatibilities)
	}
	pm := td.ContainerDefinitions[0].PortMappings[0]
	if aws.ToInt32(pm.HostPort) != 80 || pm.Protocol != types.TransportProtocolTcp {
		t.Errorf("port mapping %+v", pm)
	}
	if !aws.ToBool(td.ContainerDefinitions[0].Essential) {
		t.Errorf("essential not defaulted")
	}

	b := bridgeDef()
	if err := PrepareTaskDefinition(b); err != nil {
		t.Fatal(err)
	}
	if b.NetworkMode != types.NetworkModeBridge {
		t.Errorf("network mode %s", b.NetworkMode)
	}
	if !slices.Equal(b.Compatibilities, []types.Compatibility{types.CompatibilityExternal, types.CompatibilityEc2}) {
		t.Errorf("bridge compatibilities %v", b.Compatibilities)
	}
	if aws.ToInt32(b.ContainerDefinitions[0].PortMappings[0].HostPort) != 0 {
		t.Errorf("bridge host port %v", b.ContainerDefinitions[0].PortMappings[0].HostPort)
	}

	// An awsvpc definition of a Fargate size is Fargate-compatible even when not asked for.
	a := fargateDef()
	a.RequiresCompatibilities = nil
	if err := PrepareTaskDefinition(a); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(a.Compatibilities, types.CompatibilityFargate) {
		t.Errorf("awsvpc compatibilities %v", a.Compatibilities)
	}
	// With awslogs and an execution role it needs the matching capabilities.
	r := fargateDef()
	r.ExecutionRoleArn = aws.String("arn:aws:iam::000000000000:role/exec")
	r.ContainerDefinitions[0].LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs,
		Options: map[string]string{"awslogs-group": "g", "awslogs-region": "us-east-1"}}
	if err := PrepareTaskDefinition(r); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, at := range r.RequiresAttributes {
		names = append(names, aws.ToString(at.Name))
	}
	for _, want := range []string{"ecs.capability.execution-role-awslogs", "ecs.capability.task-eni", "com.amazonaws.ecs.capability.logging-driver.awslogs"} {
		if !slices.Contains(names, want) {
			t.Errorf("requiresAttributes %v lacks %s", names, want)
		}
	}
}
