package dockerrt

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestBuildSpecsFromDefinitionAndOverrides(t *testing.T) {
	td := &types.TaskDefinition{Family: aws.String("f"), Revision: 2, Cpu: aws.String("4096"), Memory: aws.String("1024"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String("img:1"), Command: []string{"a"}, EntryPoint: []string{"/e"},
			Environment:      []types.KeyValuePair{{Name: aws.String("A"), Value: aws.String("1")}, {Name: aws.String("B"), Value: aws.String("2")}},
			WorkingDirectory: aws.String("/w"), User: aws.String("1000:1000"), Cpu: 512, MemoryReservation: aws.Int32(128),
			ReadonlyRootFilesystem: aws.Bool(true), StopTimeout: aws.Int32(7),
			Ulimits:         []types.Ulimit{{Name: types.UlimitNameNofile, SoftLimit: 1024, HardLimit: 4096}},
			LinuxParameters: &types.LinuxParameters{InitProcessEnabled: aws.Bool(true), SharedMemorySize: aws.Int32(64), Capabilities: &types.KernelCapabilities{Add: []string{"NET_ADMIN"}}},
			HealthCheck:     &types.HealthCheck{Command: []string{"CMD", "/h"}, Interval: aws.Int32(5), Retries: aws.Int32(2)},
			PortMappings:    []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(80)}},
			DependsOn:       []types.ContainerDependency{{ContainerName: aws.String("init"), Condition: types.ContainerConditionSuccess}},
		}},
	}
	task := &types.Task{TaskArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task/c/abc"), Overrides: &types.TaskOverride{
		ContainerOverrides: []types.ContainerOverride{{Name: aws.String("app"), Command: []string{"b", "c"},
			Environment: []types.KeyValuePair{{Name: aws.String("B"), Value: aws.String("override")}}}}}}
	env := taskEnv{Region: "us-east-1", Endpoint: "http://169.254.170.2", ExecEnv: "AWS_ECS_FARGATE",
		MetadataURI: func(c string) string { return "http://169.254.170.2/v4/" + c },
		CredsEnv:    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/x",
		Secrets:     map[string]map[string]string{"app": {"S": "secret"}}}
	specs, err := buildSpecs(task, td, env, map[string]string{labelTaskARN: "arn"}, 2)
	if err != nil || len(specs) != 1 {
		t.Fatal(err, specs)
	}
	s := specs[0]
	cfg, host := s.Config, s.Host
	if !slices.Equal(cfg.Cmd, []string{"b", "c"}) || !slices.Equal(cfg.Entrypoint, []string{"/e"}) {
		t.Errorf("cmd %v entrypoint %v", cfg.Cmd, cfg.Entrypoint)
	}
	for _, want := range []string{"A=1", "B=override", "S=secret", "AWS_ENDPOINT_URL=http://169.254.170.2",
		"ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/app", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/x",
		"AWS_REGION=us-east-1", "AWS_EXECUTION_ENV=AWS_ECS_FARGATE"} {
		if !slices.Contains(cfg.Env, want) {
			t.Errorf("env %v lacks %s", cfg.Env, want)
		}
	}
	if cfg.WorkingDir != "/w" || cfg.User != "1000:1000" || *cfg.StopTimeout != 7 || s.StopTimeout != 7*time.Second {
		t.Errorf("workdir %q user %q stop %d", cfg.WorkingDir, cfg.User, *cfg.StopTimeout)
	}
	if cfg.Labels[labelTaskARN] != "arn" || cfg.Labels[labelContainer] != "app" || cfg.Labels[labelEssential] != "true" {
		t.Errorf("labels %v", cfg.Labels)
	}
	if cfg.Healthcheck == nil || cfg.Healthcheck.Interval != 5*time.Second || cfg.Healthcheck.Retries != 2 || cfg.Healthcheck.Timeout != 5*time.Second {
		t.Errorf("health check %+v", cfg.Healthcheck)
	}
	if !host.ReadonlyRootfs || host.CPUShares != 512 || host.Memory != 1024<<20 || host.MemoryReservation != 128<<20 || host.NanoCPUs != 2e9 {
		t.Errorf("resources %+v", host.Resources)
	}
	if len(host.Ulimits) != 1 || host.Ulimits[0].Name != "nofile" || host.Ulimits[0].Hard != 4096 {
		t.Errorf("ulimits %+v", host.Ulimits)
	}
	if host.Init == nil || !*host.Init || host.ShmSize != 64<<20 || !slices.Equal(host.CapAdd, []string{"NET_ADMIN"}) {
		t.Errorf("linux parameters: init %v shm %d caps %v", host.Init, host.ShmSize, host.CapAdd)
	}
	if len(s.Ports) != 1 || s.Ports[0].AWSHostPort != 80 || len(host.PortBindings) != 1 {
		t.Errorf("ports %+v %+v", s.Ports, host.PortBindings)
	}
	if len(s.DependsOn) != 1 || s.DependsOn[0].Condition != types.ContainerConditionSuccess {
		t.Errorf("dependsOn %+v", s.DependsOn)
	}
}

func TestDependenciesMet(t *testing.T) {
	s := &ctrSpec{DependsOn: []dependency{{"a", types.ContainerConditionStart}, {"b", types.ContainerConditionSuccess}, {"c", types.ContainerConditionHealthy}}}
	states := map[string]ctr{"a": {Started: true}, "b": {Started: true}, "c": {Started: true, Health: "starting"}}
	if ok, never := dependenciesMet(s, states); ok || never != "" {
		t.Fatalf("waiting: %v %q", ok, never)
	}
	states["b"] = ctr{Started: true, Exited: true}
	states["c"] = ctr{Started: true, Health: "healthy"}
	if ok, never := dependenciesMet(s, states); !ok || never != "" {
		t.Fatalf("met: %v %q", ok, never)
	}
	states["b"] = ctr{Started: true, Exited: true, ExitCode: 1}
	if _, never := dependenciesMet(s, states); never != "b" {
		t.Fatalf("SUCCESS after exit 1: %q", never)
	}
}

func TestPullReasons(t *testing.T) {
	for image, want := range map[string]string{
		"app":                  "docker.io/library/app:latest",
		"me/app:2":             "docker.io/me/app:2",
		"localhost:5000/app:1": "localhost:5000/app:1",
		"1234.dkr.ecr.us-east-1.amazonaws.com/app:v": "1234.dkr.ecr.us-east-1.amazonaws.com/app:v",
	} {
		if got := fullRef(image); got != want {
			t.Errorf("fullRef(%q) = %q, want %q", image, got, want)
		}
	}
	if got := pullReason("me/app:2", false); got != "CannotPullContainerError: Error response from daemon: pull access denied for me/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied" {
		t.Errorf("EC2 reason %q", got)
	}
}
