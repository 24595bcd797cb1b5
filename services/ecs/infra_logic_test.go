package ecs

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
)

func TestNormalizeTaskSize(t *testing.T) {
	cases := []struct {
		in, want string
		memory   bool
		ok       bool
	}{
		{"256", "256", false, true},
		{"1 vCPU", "1024", false, true},
		{"0.25 vcpu", "256", false, true},
		{"2vCPU", "2048", false, true},
		{"1GB", "1024", true, true},
		{"0.5 GB", "512", true, true},
		{"30 gb", "30720", true, true},
		{"", "", false, true},
		{"lots", "", false, false},
		{"-1", "", false, false},
		{"1 GB", "", false, false},
	}
	for _, tc := range cases {
		unit := cpuUnitsRE
		if tc.memory {
			unit = memoryUnitRE
		}
		got, ok := normalizeTaskSize(tc.in, unit)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: got %q %v", tc.in, got, ok)
		}
	}
}

func TestOlderVersion(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"1.80.0", "1.101.1", true},
		{"1.101.1", "1.101.1", false},
		{"1.101.2", "1.101.1", false},
		{"v1.9", "1.10.0", true},
		{"2.0.0", "1.101.1", false},
	}
	for _, tc := range cases {
		if got := olderVersion(tc.a, tc.b); got != tc.want {
			t.Errorf("%s < %s: got %v", tc.a, tc.b, got)
		}
	}
}

func TestValidateCapacityProviderStrategy(t *testing.T) {
	known := func(n string) bool { return n == "FARGATE" || n == "FARGATE_SPOT" || n == "asg" || n == "asg2" }
	item := func(n string, base, weight int32) types.CapacityProviderStrategyItem {
		return types.CapacityProviderStrategyItem{CapacityProvider: aws.String(n), Base: base, Weight: weight}
	}
	cases := []struct {
		name     string
		strategy []types.CapacityProviderStrategyItem
		ok       bool
	}{
		{"empty", nil, true},
		{"fargate pair", []types.CapacityProviderStrategyItem{item("FARGATE", 1, 1), item("FARGATE_SPOT", 0, 4)}, true},
		{"arn reference", []types.CapacityProviderStrategyItem{item("arn:aws:ecs:us-east-1:000000000000:capacity-provider/asg", 0, 1)}, true},
		{"unknown", []types.CapacityProviderStrategyItem{item("other", 0, 1)}, false},
		{"two bases", []types.CapacityProviderStrategyItem{item("asg", 1, 1), item("asg2", 1, 1)}, false},
		{"mixed", []types.CapacityProviderStrategyItem{item("asg", 0, 1), item("FARGATE", 0, 1)}, false},
		{"duplicate", []types.CapacityProviderStrategyItem{item("asg", 0, 1), item("asg", 0, 1)}, false},
		{"weight", []types.CapacityProviderStrategyItem{item("asg", 0, 1001)}, false},
		{"base", []types.CapacityProviderStrategyItem{item("asg", 100001, 1)}, false},
	}
	for _, tc := range cases {
		err := ValidateCapacityProviderStrategy(tc.strategy, known)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestRegisteredResources(t *testing.T) {
	res, err := registeredResources([]types.Resource{{Name: aws.String("MEMORY"), IntegerValue: 1000}}, "t3.micro")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]types.Resource{}
	for _, r := range res {
		byName[aws.ToString(r.Name)] = r
	}
	if byName["MEMORY"].IntegerValue != 1000 || aws.ToString(byName["MEMORY"].Type) != "INTEGER" {
		t.Errorf("given memory %+v", byName["MEMORY"])
	}
	if byName["CPU"].IntegerValue != 2048 {
		t.Errorf("default cpu for t3.micro %+v", byName["CPU"])
	}
	if len(byName["PORTS"].StringSetValue) != len(agentReservedPorts) || byName["PORTS_UDP"].StringSetValue == nil {
		t.Errorf("ports %+v %+v", byName["PORTS"], byName["PORTS_UDP"])
	}
	if _, err := registeredResources([]types.Resource{{Name: aws.String("CPU")}, {Name: aws.String("CPU")}}, ""); err == nil {
		t.Errorf("duplicate resource accepted")
	}
	gpus := withGPUs(res, []types.PlatformDevice{{Id: aws.String("GPU-1"), Type: types.PlatformDeviceTypeGpu}})
	if last := gpus[len(gpus)-1]; aws.ToString(last.Name) != "GPU" || last.StringSetValue[0] != "GPU-1" {
		t.Errorf("gpu resource %+v", last)
	}
}

func TestInstanceAttributes(t *testing.T) {
	doc := instanceIdentity{InstanceID: "i-1", InstanceType: "m5.large", AvailabilityZone: "us-east-1c", ImageID: "ami-1", Architecture: "aarch64"}
	previous := []types.Attribute{{Name: aws.String("stack"), Value: aws.String("prod")}, {Name: aws.String("ecs.instance-type"), Value: aws.String("old")}}
	given := []types.Attribute{{Name: aws.String("ecs.capability.task-eni")}, {Name: aws.String("ecs.os-type"), Value: aws.String("windows")}}
	got := map[string]string{}
	for _, a := range instanceAttributes(doc, given, previous) {
		got[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	want := map[string]string{"stack": "prod", "ecs.instance-type": "m5.large", "ecs.availability-zone": "us-east-1c",
		"ecs.ami-id": "ami-1", "ecs.cpu-architecture": "arm64", "ecs.os-type": "windows", "ecs.capability.task-eni": ""}
	if len(got) != len(want) {
		t.Errorf("attributes %v", got)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s: got %q (present %v), want %q", k, g, ok, v)
		}
	}
}

func TestValidateTags(t *testing.T) {
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	cases := []struct {
		tags []types.Tag
		ok   bool
	}{
		{[]types.Tag{tag("team", "a")}, true},
		{[]types.Tag{tag("aws:x", "a")}, false},
		{[]types.Tag{tag("AWS:x", "a")}, false},
		{[]types.Tag{tag("x", "aws:a")}, false},
		{[]types.Tag{tag("awsome", "a")}, true},
		{[]types.Tag{{Value: aws.String("a")}}, false},
	}
	for i, tc := range cases {
		if err := ValidateTags(tc.tags); (err == nil) != tc.ok {
			t.Errorf("case %d: %v", i, err)
		}
	}
	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = tag("k"+string(rune('A'+i)), "v")
	}
	if ValidateTags(many) == nil {
		t.Errorf("51 tags accepted")
	}
}

func TestSettingPrincipal(t *testing.T) {
	cases := []struct {
		caller, given, want string
		ok                  bool
	}{
		{"arn:aws:iam::111122223333:root", "", "arn:aws:iam::111122223333:root", true},
		{"arn:aws:sts::111122223333:assumed-role/deployer/ci", "", "arn:aws:iam::111122223333:role/deployer", true},
		{"arn:aws:iam::111122223333:user/alice", "", "arn:aws:iam::111122223333:user/alice", true},
		{"", "arn:aws:iam::111122223333:role/app/web", "arn:aws:iam::111122223333:role/app/web", true},
		{"", "arn:aws:iam::111122223333:group/devs", "", false},
		{"", "bob", "", false},
	}
	for _, tc := range cases {
		c := &api.Context{Caller: api.Principal{Account: "111122223333", Arn: tc.caller}}
		var given *string
		if tc.given != "" {
			given = aws.String(tc.given)
		}
		got, err := settingPrincipal(c, given)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%q/%q: got %q %v", tc.caller, tc.given, got, err)
		}
	}
}

// TestAgentCapabilitiesCoverRequirements checks that an instance registered
// with the default capabilities can take any task definition's requirements.
func TestAgentCapabilitiesCoverRequirements(t *testing.T) {
	td := &types.TaskDefinition{
		Family: aws.String("all"), NetworkMode: types.NetworkModeAwsvpc,
		TaskRoleArn: aws.String("arn:aws:iam::000000000000:role/t"), ExecutionRoleArn: aws.String("arn:aws:iam::000000000000:role/e"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"), Memory: aws.Int32(256), MemoryReservation: aws.Int32(128),
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{"awslogs-group": "g", "awslogs-region": "r"}},
			HealthCheck:      &types.HealthCheck{Command: []string{"CMD", "true"}}, DockerLabels: map[string]string{"a": "b"},
			DependsOn: []types.ContainerDependency{{ContainerName: aws.String("side"), Condition: types.ContainerConditionStart}},
			Secrets: []types.Secret{{Name: aws.String("A"), ValueFrom: aws.String("arn:aws:secretsmanager:us-east-1:1:secret:a")},
				{Name: aws.String("B"), ValueFrom: aws.String("arn:aws:ssm:us-east-1:1:parameter/b")}},
		}, {Name: aws.String("side"), Image: aws.String("busybox"), Memory: aws.Int32(64), Essential: aws.Bool(false),
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverSplunk}}},
	}
	if err := PrepareTaskDefinition(td); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, a := range instanceAttributes(instanceIdentity{InstanceType: "t3.micro"}, nil, nil) {
		have[aws.ToString(a.Name)] = true
	}
	if len(td.RequiresAttributes) < 8 {
		t.Fatalf("requiresAttributes %v", td.RequiresAttributes)
	}
	for _, a := range td.RequiresAttributes {
		if !have[aws.ToString(a.Name)] {
			t.Errorf("default instance lacks %s", aws.ToString(a.Name))
		}
	}
}
