package ecs_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestInfraFargateTaskDefinitionSizes(t *testing.T) {
	client := infraClient(t)
	bad := infraFargateTaskDefinition("web")
	bad.Memory = aws.String("4096")
	_, err := client.RegisterTaskDefinition(harness.Ctx, bad)
	ae := harness.AssertAPIError(t, err, "ClientException")
	if want := "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values."; ae.ErrorMessage() != want {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// The refused registration used no revision.
	out, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("web"))
	if err != nil {
		t.Fatal(err)
	}
	td := out.TaskDefinition
	if aws.ToString(td.TaskDefinitionArn) != "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1" || td.Revision != 1 {
		t.Errorf("arn %s revision %d", aws.ToString(td.TaskDefinitionArn), td.Revision)
	}
	if !slices.Contains(td.Compatibilities, types.CompatibilityFargate) || !slices.Contains(td.Compatibilities, types.CompatibilityEc2) {
		t.Errorf("compatibilities %v", td.Compatibilities)
	}
	if td.Status != types.TaskDefinitionStatusActive || td.RegisteredAt == nil || aws.ToString(td.Cpu) != "256" || aws.ToString(td.Memory) != "512" {
		t.Errorf("task definition %+v", td)
	}
	pm := td.ContainerDefinitions[0].PortMappings[0]
	if aws.ToInt32(pm.HostPort) != 80 || pm.Protocol != types.TransportProtocolTcp || !aws.ToBool(td.ContainerDefinitions[0].Essential) {
		t.Errorf("container defaults %+v", td.ContainerDefinitions[0])
	}
}

func TestInfraTaskDefinitionValidationMessages(t *testing.T) {
	client := infraClient(t)
	cases := []struct {
		name   string
		change func(*ecs.RegisterTaskDefinitionInput)
		msg    string
	}{
		{"network mode", func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = types.NetworkModeBridge },
			"Fargate only supports network mode \u2018awsvpc\u2019."},
		{"task cpu", func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = nil },
			"Fargate requires that 'cpu' be defined at the task level."},
		{"execution role", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs,
				Options: map[string]string{"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}
		}, "Fargate requires task definition to have execution role ARN to support log driver awslogs."},
		{"host port", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].PortMappings[0].HostPort = aws.Int32(8080)
		}, "When networkMode=awsvpc, the host ports and container ports in port mappings must match."},
		{"essential", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Essential = aws.Bool(false) },
			"Task definition does not have any essential container."},
		{"container memory", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Memory = aws.Int32(1024) },
			"The 'memory' setting for container 'web' is greater than for the task."},
	}
	for _, tc := range cases {
		in := infraFargateTaskDefinition("web")
		tc.change(in)
		_, err := client.RegisterTaskDefinition(harness.Ctx, in)
		ae := harness.AssertAPIError(t, err, "ClientException")
		if ae.ErrorMessage() != tc.msg {
			t.Errorf("%s: %q", tc.name, ae.ErrorMessage())
		}
	}
	// EC2 containers need memory when the task has none.
	_, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("ec2"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("c"), Image: aws.String("busybox")}}})
	ae := harness.AssertAPIError(t, err, "ClientException")
	if ae.ErrorMessage() != "Invalid setting for container 'c'. At least one of 'memory' or 'memoryReservation' must be specified." {
		t.Errorf("memory message %q", ae.ErrorMessage())
	}
}

// TestInfraTaskDefinitionRoundTrip registers a definition using every
// container-definition field and reads every one of them back.
func TestInfraTaskDefinitionRoundTrip(t *testing.T) {
	client := infraClient(t)
	cd := types.ContainerDefinition{
		Name: aws.String("app"), Image: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"),
		Cpu: 128, Memory: aws.Int32(512), MemoryReservation: aws.Int32(256),
		Command: []string{"serve", "--port", "8080"}, EntryPoint: []string{"/bin/sh", "-c"},
		CredentialSpecs:   []string{"credentialspecdomainless:arn:aws:s3:::bucket/spec.json"},
		DependsOn:         []types.ContainerDependency{{ContainerName: aws.String("sidecar"), Condition: types.ContainerConditionStart}},
		DisableNetworking: aws.Bool(false), DnsSearchDomains: []string{"corp.example"}, DnsServers: []string{"10.0.0.2"},
		DockerLabels: map[string]string{"tier": "web"}, DockerSecurityOptions: []string{"no-new-privileges"},
		Environment:      []types.KeyValuePair{{Name: aws.String("MODE"), Value: aws.String("prod")}},
		EnvironmentFiles: []types.EnvironmentFile{{Type: types.EnvironmentFileTypeS3, Value: aws.String("arn:aws:s3:::bucket/app.env")}},
		Essential:        aws.Bool(true), ExtraHosts: []types.HostEntry{{Hostname: aws.String("db"), IpAddress: aws.String("10.0.0.9")}},
		HealthCheck: &types.HealthCheck{Command: []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}, Interval: aws.Int32(30),
			Retries: aws.Int32(3), StartPeriod: aws.Int32(10), Timeout: aws.Int32(5)},
		Hostname: aws.String("app"), Interactive: aws.Bool(true), Links: []string{"sidecar:side"},
		LinuxParameters: &types.LinuxParameters{InitProcessEnabled: aws.Bool(true), SharedMemorySize: aws.Int32(64),
			Capabilities: &types.KernelCapabilities{Add: []string{"SYS_PTRACE"}, Drop: []string{"NET_RAW"}},
			Tmpfs:        []types.Tmpfs{{ContainerPath: aws.String("/tmp"), Size: 64, MountOptions: []string{"rw"}}}},
		LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs,
			Options:       map[string]string{"awslogs-group": "/ecs/app", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"},
			SecretOptions: []types.Secret{{Name: aws.String("token"), ValueFrom: aws.String("arn:aws:ssm:us-east-1:123456789012:parameter/token")}}},
		MountPoints:  []types.MountPoint{{SourceVolume: aws.String("data"), ContainerPath: aws.String("/data"), ReadOnly: aws.Bool(true)}},
		PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8080), HostPort: aws.Int32(0), Protocol: types.TransportProtocolTcp, Name: aws.String("http"), AppProtocol: types.ApplicationProtocolHttp}},
		Privileged:   aws.Bool(false), PseudoTerminal: aws.Bool(true), ReadonlyRootFilesystem: aws.Bool(true),
		RepositoryCredentials: &types.RepositoryCredentials{CredentialsParameter: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:creds")},
		ResourceRequirements:  []types.ResourceRequirement{{Type: types.ResourceTypeGpu, Value: aws.String("1")}},
		RestartPolicy:         &types.ContainerRestartPolicy{Enabled: aws.Bool(true), IgnoredExitCodes: []int32{0}, RestartAttemptPeriod: aws.Int32(60)},
		Secrets:               []types.Secret{{Name: aws.String("DB_PASSWORD"), ValueFrom: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:db")}},
		StartTimeout:          aws.Int32(60), StopTimeout: aws.Int32(30),
		SystemControls: []types.SystemControl{{Namespace: aws.String("net.core.somaxconn"), Value: aws.String("1024")}},
		Ulimits:        []types.Ulimit{{Name: types.UlimitNameNofile, SoftLimit: 1024, HardLimit: 4096}},
		User:           aws.String("1000:1000"), VersionConsistency: types.VersionConsistencyDisabled,
		VolumesFrom:      []types.VolumeFrom{{SourceContainer: aws.String("sidecar"), ReadOnly: aws.Bool(true)}},
		WorkingDirectory: aws.String("/srv"),
	}
	sidecar := types.ContainerDefinition{Name: aws.String("sidecar"), Image: aws.String("busybox"), Memory: aws.Int32(64), Essential: aws.Bool(false)}
	in := &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("full"), ContainerDefinitions: []types.ContainerDefinition{cd, sidecar},
		TaskRoleArn: aws.String("arn:aws:iam::000000000000:role/task"), ExecutionRoleArn: aws.String("arn:aws:iam::000000000000:role/exec"),
		NetworkMode: types.NetworkModeBridge, Cpu: aws.String("1 vCPU"), Memory: aws.String("2GB"),
		IpcMode: types.IpcModeTask, PidMode: types.PidModeTask,
		PlacementConstraints: []types.TaskDefinitionPlacementConstraint{{Type: types.TaskDefinitionPlacementConstraintTypeMemberOf,
			Expression: aws.String("attribute:ecs.instance-type =~ t3.*")}},
		Volumes:         []types.Volume{{Name: aws.String("data"), Host: &types.HostVolumeProperties{SourcePath: aws.String("/var/data")}}},
		RuntimePlatform: &types.RuntimePlatform{CpuArchitecture: types.CPUArchitectureX8664, OperatingSystemFamily: types.OSFamilyLinux},
		Tags:            []types.Tag{{Key: aws.String("app"), Value: aws.String("full")}},
	}
	out, err := client.RegisterTaskDefinition(harness.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 {
		t.Errorf("register tags %+v", out.Tags)
	}
	d, err := client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("full"),
		Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	td := d.TaskDefinition
	if aws.ToString(td.Cpu) != "1024" || aws.ToString(td.Memory) != "2048" {
		t.Errorf("size %s/%s", aws.ToString(td.Cpu), aws.ToString(td.Memory))
	}
	if len(d.Tags) != 1 || aws.ToString(d.Tags[0].Value) != "full" {
		t.Errorf("describe tags %+v", d.Tags)
	}
	got := td.ContainerDefinitions[0]
	checks := map[string]bool{
		"command":         slices.Equal(got.Command, cd.Command),
		"entryPoint":      slices.Equal(got.EntryPoint, cd.EntryPoint),
		"credentialSpecs": slices.Equal(got.CredentialSpecs, cd.CredentialSpecs),
		"dependsOn":       len(got.DependsOn) == 1 && got.DependsOn[0].Condition == types.ContainerConditionStart,
		"dns":             slices.Equal(got.DnsServers, cd.DnsServers) && slices.Equal(got.DnsSearchDomains, cd.DnsSearchDomains),
		"dockerLabels":    got.DockerLabels["tier"] == "web",
		"securityOpts":    slices.Equal(got.DockerSecurityOptions, cd.DockerSecurityOptions),
		"environment":     len(got.Environment) == 1 && aws.ToString(got.Environment[0].Value) == "prod",
		"envFiles":        len(got.EnvironmentFiles) == 1 && got.EnvironmentFiles[0].Type == types.EnvironmentFileTypeS3,
		"extraHosts":      len(got.ExtraHosts) == 1 && aws.ToString(got.ExtraHosts[0].IpAddress) == "10.0.0.9",
		"healthCheck":     got.HealthCheck != nil && aws.ToInt32(got.HealthCheck.StartPeriod) == 10 && len(got.HealthCheck.Command) == 2,
		"hostname":        aws.ToString(got.Hostname) == "app",
		"interactive":     aws.ToBool(got.Interactive),
		"links":           slices.Equal(got.Links, cd.Links),
		"linuxParams":     got.LinuxParameters != nil && aws.ToInt32(got.LinuxParameters.SharedMemorySize) == 64 && got.LinuxParameters.Capabilities.Add[0] == "SYS_PTRACE" && got.LinuxParameters.Tmpfs[0].Size == 64,
		"log":             got.LogConfiguration != nil && got.LogConfiguration.Options["awslogs-stream-prefix"] == "ecs" && len(got.LogConfiguration.SecretOptions) == 1,
		"memory":          aws.ToInt32(got.Memory) == 512 && aws.ToInt32(got.MemoryReservation) == 256 && got.Cpu == 128,
		"mountPoints":     len(got.MountPoints) == 1 && aws.ToBool(got.MountPoints[0].ReadOnly),
		"portMappings":    len(got.PortMappings) == 1 && aws.ToString(got.PortMappings[0].Name) == "http" && got.PortMappings[0].AppProtocol == types.ApplicationProtocolHttp,
		"flags":           !aws.ToBool(got.Privileged) && aws.ToBool(got.PseudoTerminal) && aws.ToBool(got.ReadonlyRootFilesystem) && got.DisableNetworking != nil,
		"repoCreds":       got.RepositoryCredentials != nil,
		"resources":       len(got.ResourceRequirements) == 1 && got.ResourceRequirements[0].Type == types.ResourceTypeGpu,
		"restartPolicy":   got.RestartPolicy != nil && aws.ToInt32(got.RestartPolicy.RestartAttemptPeriod) == 60 && len(got.RestartPolicy.IgnoredExitCodes) == 1,
		"secrets":         len(got.Secrets) == 1 && aws.ToString(got.Secrets[0].Name) == "DB_PASSWORD",
		"timeouts":        aws.ToInt32(got.StartTimeout) == 60 && aws.ToInt32(got.StopTimeout) == 30,
		"sysctls":         len(got.SystemControls) == 1 && aws.ToString(got.SystemControls[0].Value) == "1024",
		"ulimits":         len(got.Ulimits) == 1 && got.Ulimits[0].HardLimit == 4096,
		"user":            aws.ToString(got.User) == "1000:1000" && got.VersionConsistency == types.VersionConsistencyDisabled,
		"volumesFrom":     len(got.VolumesFrom) == 1 && aws.ToString(got.VolumesFrom[0].SourceContainer) == "sidecar",
		"workingDir":      aws.ToString(got.WorkingDirectory) == "/srv",
		"taskLevel": aws.ToString(td.TaskRoleArn) != "" && aws.ToString(td.ExecutionRoleArn) != "" && td.IpcMode == types.IpcModeTask &&
			td.PidMode == types.PidModeTask && len(td.PlacementConstraints) == 1 && len(td.Volumes) == 1 && td.RuntimePlatform != nil,
		"requiresAttributes": len(td.RequiresAttributes) > 0,
		"compatibilities":    slices.Equal(td.Compatibilities, []types.Compatibility{types.CompatibilityExternal, types.CompatibilityEc2}),
		"registeredBy":       strings.HasPrefix(aws.ToString(td.RegisteredBy), "arn:aws:iam::"),
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s did not round-trip", name)
		}
	}
}

func TestInfraTaskDefinitionLifecycle(t *testing.T) {
	client := infraClient(t)
	for i := 0; i < 3; i++ {
		if _, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("app")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("batch")); err != nil {
		t.Fatal(err)
	}
	// A bare family describes its latest ACTIVE revision.
	d, err := client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if d.TaskDefinition.Revision != 3 {
		t.Errorf("latest revision %d", d.TaskDefinition.Revision)
	}
	_, err = client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("nope")})
	harness.AssertAPIError(t, err, "ClientException")

	// ACTIVE cannot be deleted; INACTIVE can.
	del, err := client.DeleteTaskDefinitions(harness.Ctx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{"app:3"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.Failures) != 1 || len(del.TaskDefinitions) != 0 {
		t.Fatalf("delete active: %+v", del)
	}
	dr, err := client.DeregisterTaskDefinition(harness.Ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("app:3")})
	if err != nil {
		t.Fatal(err)
	}
	if dr.TaskDefinition.Status != types.TaskDefinitionStatusInactive || dr.TaskDefinition.DeregisteredAt == nil {
		t.Errorf("deregistered %+v", dr.TaskDefinition)
	}
	d, err = client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if d.TaskDefinition.Revision != 2 {
		t.Errorf("latest active after deregister %d", d.TaskDefinition.Revision)
	}
	d, err = client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("app:3")})
	if err != nil || d.TaskDefinition.Status != types.TaskDefinitionStatusInactive {
		t.Fatalf("describe inactive: %v", err)
	}
	del, err = client.DeleteTaskDefinitions(harness.Ctx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{
		"arn:aws:ecs:us-east-1:000000000000:task-definition/app:3", "app:99"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.TaskDefinitions) != 1 || del.TaskDefinitions[0].Status != types.TaskDefinitionStatusDeleteInProgress ||
		del.TaskDefinitions[0].DeleteRequestedAt == nil || len(del.Failures) != 1 {
		t.Errorf("delete inactive: %+v", del)
	}
	_, err = client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("app:3")})
	harness.AssertAPIError(t, err, "ClientException")
	// Revisions are never reused.
	out, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("app"))
	if err != nil {
		t.Fatal(err)
	}
	if out.TaskDefinition.Revision != 4 {
		t.Errorf("next revision %d", out.TaskDefinition.Revision)
	}

	// Listing: ACTIVE by default, by family then revision, DESC reverses.
	var arns []string
	p := ecs.NewListTaskDefinitionsPaginator(client, &ecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, page.TaskDefinitionArns...)
	}
	want := []string{"app:1", "app:2", "app:4", "batch:1"}
	if len(arns) != len(want) {
		t.Fatalf("listed %v", arns)
	}
	for i, w := range want {
		if !strings.HasSuffix(arns[i], "/"+w) {
			t.Errorf("position %d: %s, want %s", i, arns[i], w)
		}
	}
	l, err := client.ListTaskDefinitions(harness.Ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("app"), Sort: types.SortOrderDesc})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskDefinitionArns) != 3 || !strings.HasSuffix(l.TaskDefinitionArns[0], "/app:4") {
		t.Errorf("desc %v", l.TaskDefinitionArns)
	}
	l, err = client.ListTaskDefinitions(harness.Ctx, &ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusDeleteInProgress})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskDefinitionArns) != 1 || !strings.HasSuffix(l.TaskDefinitionArns[0], "/app:3") {
		t.Errorf("delete in progress %v", l.TaskDefinitionArns)
	}
	_, err = client.ListTaskDefinitions(harness.Ctx, &ecs.ListTaskDefinitionsInput{NextToken: aws.String("AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAA")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

func TestInfraTaskDefinitionFamilies(t *testing.T) {
	client := infraClient(t)
	for _, f := range []string{"zeta", "alpha", "mid", "alpha"} {
		if _, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition(f)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.DeregisterTaskDefinition(harness.Ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("mid:1")}); err != nil {
		t.Fatal(err)
	}
	list := func(in *ecs.ListTaskDefinitionFamiliesInput) []string {
		var out []string
		p := ecs.NewListTaskDefinitionFamiliesPaginator(client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(harness.Ctx)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page.Families...)
		}
		return out
	}
	if got := list(&ecs.ListTaskDefinitionFamiliesInput{MaxResults: aws.Int32(1)}); !slices.Equal(got, []string{"alpha", "zeta"}) {
		t.Errorf("active families %v", got)
	}
	if got := list(&ecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusInactive}); !slices.Equal(got, []string{"mid"}) {
		t.Errorf("inactive families %v", got)
	}
	if got := list(&ecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusAll, MaxResults: aws.Int32(2)}); !slices.Equal(got, []string{"alpha", "mid", "zeta"}) {
		t.Errorf("all families %v", got)
	}
	if got := list(&ecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("ze")}); !slices.Equal(got, []string{"zeta"}) {
		t.Errorf("prefix %v", got)
	}
}

func TestInfraTaskDefinitionCLI(t *testing.T) {
	ls := harness.Start(t)
	file := filepath.Join(t.TempDir(), "td.json")
	doc := `{
  "family": "cli-web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "512",
  "memory": "1024",
  "executionRoleArn": "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
  "containerDefinitions": [{
    "name": "web",
    "image": "nginx:1.27",
    "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
    "environment": [{"name": "MODE", "value": "cli"}],
    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/cli", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}
  }]
}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := harness.AWSCLI(t, ls, nil, "ecs", "register-task-definition", "--cli-input-json", "file://"+file,
		"--query", "taskDefinition.[taskDefinitionArn,status,compatibilities[1]]", "--output", "text")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	harness.Contains(t, out, "arn:aws:ecs:us-east-1:000000000000:task-definition/cli-web:1")
	harness.Contains(t, out, "ACTIVE")
	harness.Contains(t, out, "FARGATE")
	out, err = harness.AWSCLI(t, ls, nil, "ecs", "list-task-definitions", "--family-prefix", "cli-web", "--query", "taskDefinitionArns[0]", "--output", "text")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	harness.Contains(t, out, "task-definition/cli-web:1")
	out, err = harness.AWSCLI(t, ls, nil, "ecs", "describe-task-definition", "--task-definition", "cli-web",
		"--query", "taskDefinition.containerDefinitions[0].environment[0].value", "--output", "text")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	harness.Contains(t, out, "cli")
	out, err = harness.AWSCLI(t, ls, nil, "ecs", "register-task-definition", "--family", "bad", "--requires-compatibilities", "FARGATE",
		"--network-mode", "awsvpc", "--cpu", "256", "--memory", "4096", "--container-definitions", `[{"name":"c","image":"nginx"}]`)
	if err == nil {
		t.Fatalf("bad size accepted: %s", out)
	}
	harness.Contains(t, out, "ClientException")
	harness.Contains(t, out, "No Fargate configuration exists for given values: 256 CPU, 4096 memory.")
}

// TestInfraListTaskDefinitionsStableToken deregisters the last definition a
// page showed: the next page goes on after it instead of starting again.
func TestInfraListTaskDefinitionsStableToken(t *testing.T) {
	client := infraClient(t)
	for i := 0; i < 4; i++ {
		if _, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("app")); err != nil {
			t.Fatal(err)
		}
	}
	first, err := client.ListTaskDefinitions(harness.Ctx, &ecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.TaskDefinitionArns) != 2 || first.NextToken == nil {
		t.Fatalf("first page %+v", first)
	}
	if _, err := client.DeregisterTaskDefinition(harness.Ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("app:2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("aaa")); err != nil {
		t.Fatal(err)
	}
	second, err := client.ListTaskDefinitions(harness.Ctx, &ecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(2), NextToken: first.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.TaskDefinitionArns) != 2 || !strings.HasSuffix(second.TaskDefinitionArns[0], "/app:3") || !strings.HasSuffix(second.TaskDefinitionArns[1], "/app:4") {
		t.Errorf("second page %v", second.TaskDefinitionArns)
	}
	// A token is tied to its listing's filters.
	_, err = client.ListTaskDefinitions(harness.Ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("a"), NextToken: first.NextToken})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

// Each status lists its own revisions through the SDK's paginator, by
// family then revision either way; a family is INACTIVE once its last
// ACTIVE revision goes; and a revision number is never handed out again,
// whatever the status of the last one.
func TestInfraTaskDefinitionsByStatusPages(t *testing.T) {
	client := infraClient(t)
	for _, f := range []string{"web", "web", "web", "web", "web", "api", "api", "api"} {
		if _, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition(f)); err != nil {
			t.Fatal(err)
		}
	}
	deregister := func(refs ...string) {
		for _, ref := range refs {
			if _, err := client.DeregisterTaskDefinition(harness.Ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(ref)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	deregister("web:1", "web:2", "web:4", "api:2")
	list := func(in *ecs.ListTaskDefinitionsInput) []string {
		in.MaxResults = aws.Int32(2)
		var out []string
		p := ecs.NewListTaskDefinitionsPaginator(client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(harness.Ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, arn := range page.TaskDefinitionArns {
				out = append(out, arn[strings.LastIndexByte(arn, '/')+1:])
			}
		}
		return out
	}
	for _, c := range []struct {
		in   *ecs.ListTaskDefinitionsInput
		want []string
	}{
		{&ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusInactive}, []string{"api:2", "web:1", "web:2", "web:4"}},
		{&ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusInactive, FamilyPrefix: aws.String("web"), Sort: types.SortOrderDesc},
			[]string{"web:4", "web:2", "web:1"}},
		{&ecs.ListTaskDefinitionsInput{}, []string{"api:1", "api:3", "web:3", "web:5"}},
		{&ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusActive, FamilyPrefix: aws.String("api"), Sort: types.SortOrderDesc},
			[]string{"api:3", "api:1"}},
	} {
		if got := list(c.in); !slices.Equal(got, c.want) {
			t.Errorf("%s %s %s: %v, want %v", c.in.Status, aws.ToString(c.in.FamilyPrefix), c.in.Sort, got, c.want)
		}
	}
	families := func(status types.TaskDefinitionFamilyStatus) []string {
		out, err := client.ListTaskDefinitionFamilies(harness.Ctx, &ecs.ListTaskDefinitionFamiliesInput{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		return out.Families
	}
	if got := families(types.TaskDefinitionFamilyStatusInactive); len(got) != 0 {
		t.Errorf("inactive families while both have an ACTIVE revision: %v", got)
	}
	deregister("api:1", "api:3", "web:5")
	if got := families(types.TaskDefinitionFamilyStatusInactive); !slices.Equal(got, []string{"api"}) {
		t.Errorf("inactive families: %v", got)
	}
	if got := families(types.TaskDefinitionFamilyStatusActive); !slices.Equal(got, []string{"web"}) {
		t.Errorf("active families: %v", got)
	}
	d, err := client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web")})
	if err != nil || d.TaskDefinition.Revision != 3 {
		t.Fatalf("latest ACTIVE revision of web: %v", err)
	}
	out, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("web"))
	if err != nil || out.TaskDefinition.Revision != 6 {
		t.Fatalf("the next revision after an INACTIVE web:5: %+v, %v", out, err)
	}
}
