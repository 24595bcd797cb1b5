package ecs

import (
	"context"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/store"
)

// withContext runs fn in a write transaction of a fresh in-memory store.
func withContext(t *testing.T, fn func(c *api.Context)) {
	t.Helper()
	s, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Write(context.Background(), func(tx *store.Tx) error {
		fn(&api.Context{Context: context.Background(), Region: "us-east-1", Caller: api.RootPrincipal("123456789012", "test"), Tx: tx})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Task ENIs are EC2's, and so are their host names.
func TestPrivateDNSName(t *testing.T) {
	addr := "172.31.5.10"
	if got := ec2.PrivateDNSName("us-east-1", addr); got != "ip-172-31-5-10.ec2.internal" {
		t.Errorf("us-east-1: %s", got)
	}
	if got := ec2.PrivateDNSName("eu-west-1", addr); got != "ip-172-31-5-10.eu-west-1.compute.internal" {
		t.Errorf("eu-west-1: %s", got)
	}
}

func TestPickCapacityProvider(t *testing.T) {
	s := func(name string, base, weight int32) types.CapacityProviderStrategyItem {
		return types.CapacityProviderStrategyItem{CapacityProvider: aws.String(name), Base: base, Weight: weight}
	}
	tests := []struct {
		name     string
		strategy []types.CapacityProviderStrategyItem
		want     []string
	}{
		{"none", nil, []string{"", ""}},
		{"single", []types.CapacityProviderStrategyItem{s("FARGATE", 0, 1)}, []string{"FARGATE", "FARGATE", "FARGATE"}},
		{"base then weights", []types.CapacityProviderStrategyItem{s("FARGATE", 2, 1), s("FARGATE_SPOT", 0, 3)},
			[]string{"FARGATE", "FARGATE", "FARGATE", "FARGATE_SPOT", "FARGATE_SPOT", "FARGATE_SPOT", "FARGATE"}},
		{"zero weight gets base only", []types.CapacityProviderStrategyItem{s("A", 1, 0), s("B", 0, 1)}, []string{"A", "B", "B"}},
	}
	for _, tt := range tests {
		for n, want := range tt.want {
			if got := PickCapacityProvider(tt.strategy, n); got != want {
				t.Errorf("%s: task %d got %q want %q", tt.name, n, got, want)
			}
		}
	}
}

func TestCircuitBreakerThreshold(t *testing.T) {
	for _, tt := range []struct{ desired, want int32 }{{0, 3}, {1, 3}, {6, 3}, {7, 4}, {10, 5}, {399, 200}, {5000, 200}} {
		if got := CircuitBreakerThreshold(tt.desired); got != tt.want {
			t.Errorf("desired %d: %d, want %d", tt.desired, got, tt.want)
		}
	}
}

func TestComputedDesiredCount(t *testing.T) {
	for _, tt := range []struct {
		desired int32
		scale   *types.Scale
		want    int32
	}{{4, nil, 4}, {4, &types.Scale{Value: 50}, 2}, {3, &types.Scale{Value: 50}, 2}, {10, &types.Scale{Value: 0}, 0}, {10, &types.Scale{Value: 100}, 10}} {
		if got := ecscore.ComputedDesiredCount(tt.desired, tt.scale); got != tt.want {
			t.Errorf("%d × %v = %d, want %d", tt.desired, tt.scale, got, tt.want)
		}
	}
}

func TestValidatePlacement(t *testing.T) {
	c := func(tp types.PlacementConstraintType, expr string) types.PlacementConstraint {
		return types.PlacementConstraint{Type: tp, Expression: nonEmpty(expr)}
	}
	st := func(tp types.PlacementStrategyType, field string) types.PlacementStrategy {
		return types.PlacementStrategy{Type: tp, Field: nonEmpty(field)}
	}
	tests := []struct {
		name        string
		constraints []types.PlacementConstraint
		strategy    []types.PlacementStrategy
		launch      types.LaunchType
		ok          bool
	}{
		{"empty", nil, nil, types.LaunchTypeEc2, true},
		{"memberOf with expression", []types.PlacementConstraint{c("memberOf", "attribute:ecs.instance-type =~ t3.*")}, nil, types.LaunchTypeEc2, true},
		{"memberOf without expression", []types.PlacementConstraint{c("memberOf", "")}, nil, types.LaunchTypeEc2, false},
		{"distinctInstance with expression", []types.PlacementConstraint{c("distinctInstance", "x")}, nil, types.LaunchTypeEc2, false},
		{"binpack memory", nil, []types.PlacementStrategy{st("binpack", "memory")}, types.LaunchTypeEc2, true},
		{"binpack bad field", nil, []types.PlacementStrategy{st("binpack", "instanceId")}, types.LaunchTypeEc2, false},
		{"spread needs field", nil, []types.PlacementStrategy{st("spread", "")}, types.LaunchTypeEc2, false},
		{"random no field", nil, []types.PlacementStrategy{st("random", "")}, types.LaunchTypeEc2, true},
		{"fargate refuses placement", nil, []types.PlacementStrategy{st("random", "")}, types.LaunchTypeFargate, false},
	}
	for _, tt := range tests {
		err := validatePlacement(tt.constraints, tt.strategy, tt.launch)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.name, err)
		}
	}
}

func TestDeploymentConfigurationDefaults(t *testing.T) {
	cfg, err := deploymentConfiguration(nil, types.SchedulingStrategyReplica, types.DeploymentControllerTypeEcs)
	if err != nil {
		t.Fatal(err)
	}
	if *cfg.MaximumPercent != 200 || *cfg.MinimumHealthyPercent != 100 || cfg.DeploymentCircuitBreaker == nil || cfg.Strategy != types.DeploymentStrategyRolling {
		t.Errorf("replica defaults %+v", cfg)
	}
	cfg, err = deploymentConfiguration(nil, types.SchedulingStrategyDaemon, types.DeploymentControllerTypeEcs)
	if err != nil || *cfg.MaximumPercent != 100 || *cfg.MinimumHealthyPercent != 0 {
		t.Errorf("daemon defaults %+v %v", cfg, err)
	}
	bad := []*types.DeploymentConfiguration{
		{MinimumHealthyPercent: aws.Int32(150)},
		{MinimumHealthyPercent: aws.Int32(50), MaximumPercent: aws.Int32(40)},
		{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Rollback: true}},
		{Alarms: &types.DeploymentAlarms{Enable: true}},
	}
	for i, in := range bad {
		if _, err := deploymentConfiguration(in, types.SchedulingStrategyReplica, types.DeploymentControllerTypeEcs); err == nil {
			t.Errorf("bad config %d accepted", i)
		}
	}
}

func TestIDsAndARNs(t *testing.T) {
	if id := ecscore.NewDeploymentID(); !regexp.MustCompile(`^ecs-svc/[1-9][0-9]{18}$`).MatchString(id) {
		t.Errorf("deployment id %q", id)
	}
	if u := api.UUID(); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(u) {
		t.Errorf("uuid %q", u)
	}
	for in, want := range map[string]string{
		"arn:aws:ecs:us-east-1:1:task-definition/web:3":    "web",
		"arn:aws:ecs:us-east-1:1:task-definition/a-b_c:12": "a-b_c",
	} {
		if got := taskFamily(in); got != want {
			t.Errorf("taskFamily(%s) = %s", in, got)
		}
	}
	if !sameNamespace("arn:aws:servicediscovery:us-east-1:1:namespace/ns-abc", "ns-abc") || sameNamespace("a", "") {
		t.Errorf("sameNamespace")
	}
}

func TestTaskResourcesAndOverrides(t *testing.T) {
	td := &types.TaskDefinition{Family: aws.String("web"), ContainerDefinitions: []types.ContainerDefinition{
		{Name: aws.String("app"), Cpu: 128, Memory: aws.Int32(256)},
		{Name: aws.String("side"), Cpu: 64, MemoryReservation: aws.Int32(64)},
	}}
	cpu, mem := taskResources(td, nil)
	if aws.ToString(cpu) != "192" || aws.ToString(mem) != "320" {
		t.Errorf("container sums cpu %s memory %s", aws.ToString(cpu), aws.ToString(mem))
	}
	td.Cpu, td.Memory = aws.String("256"), aws.String("512")
	cpu, mem = taskResources(td, &types.TaskOverride{Memory: aws.String("1024")})
	if aws.ToString(cpu) != "256" || aws.ToString(mem) != "1024" {
		t.Errorf("task level with override cpu %s memory %s", aws.ToString(cpu), aws.ToString(mem))
	}
	o := normalizedOverrides(td, &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("side"), Command: []string{"x"}}}})
	if len(o.ContainerOverrides) != 2 || aws.ToString(o.ContainerOverrides[1].Name) != "app" || o.InferenceAcceleratorOverrides == nil {
		t.Errorf("overrides %+v", o)
	}
	if fam, v := fargatePlatform(td, "LATEST"); fam != "Linux" || v != "1.4.0" {
		t.Errorf("platform %s %s", fam, v)
	}
	td.RuntimePlatform = &types.RuntimePlatform{OperatingSystemFamily: types.OSFamilyWindowsServer2019Core}
	if fam, v := fargatePlatform(td, ""); fam != "WINDOWS_SERVER_2019_CORE" || v != "1.0.0" {
		t.Errorf("windows platform %s %s", fam, v)
	}
}

func TestNewTaskFargate(t *testing.T) {
	withContext(t, func(c *api.Context) {
		td := &types.TaskDefinition{Family: aws.String("web"), TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"),
			NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx")}}}
		clusterArn := ecscore.ARN(c, "cluster", "prod")
		sub := defaultSubnet(t, c, "us-east-1b")
		task, err := NewTask(c, TaskSpec{ClusterArn: clusterArn, TaskDefinition: td, LaunchType: types.LaunchTypeFargate,
			NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{aws.ToString(sub.SubnetId)}}},
			Tags:                 []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:task/prod/[0-9a-f]{32}$`).MatchString(aws.ToString(task.TaskArn)) {
			t.Errorf("task arn %s", aws.ToString(task.TaskArn))
		}
		if aws.ToString(task.LastStatus) != "PROVISIONING" || aws.ToString(task.DesiredStatus) != "RUNNING" || task.Version != 1 {
			t.Errorf("status %s/%s v%d", aws.ToString(task.LastStatus), aws.ToString(task.DesiredStatus), task.Version)
		}
		if aws.ToString(task.Group) != "family:web" || aws.ToString(task.PlatformVersion) != "1.4.0" || aws.ToString(task.PlatformFamily) != "Linux" {
			t.Errorf("group %s platform %s %s", aws.ToString(task.Group), aws.ToString(task.PlatformVersion), aws.ToString(task.PlatformFamily))
		}
		zone, cidr := aws.ToString(sub.AvailabilityZone), netip.MustParsePrefix(aws.ToString(sub.CidrBlock))
		if aws.ToString(task.AvailabilityZone) != zone {
			t.Errorf("zone %s want %s", aws.ToString(task.AvailabilityZone), zone)
		}
		if len(task.Attachments) != 1 || aws.ToString(task.Attachments[0].Status) != "PRECREATED" {
			t.Fatalf("attachments %+v", task.Attachments)
		}
		ip := netip.MustParseAddr(aws.ToString(detailValue(task.Attachments[0].Details, "privateIPv4Address")))
		if !cidr.Contains(ip) {
			t.Errorf("ip %s outside %s", ip, cidr)
		}
		if !regexp.MustCompile(`^eni-[0-9a-f]{17}$`).MatchString(aws.ToString(detailValue(task.Attachments[0].Details, "networkInterfaceId"))) {
			t.Errorf("eni id")
		}
		ct := task.Containers[0]
		if aws.ToString(ct.LastStatus) != "PENDING" || aws.ToString(ct.NetworkInterfaces[0].PrivateIpv4Address) != ip.String() ||
			!regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:container/prod/[0-9a-f]{32}/[0-9a-f-]{36}$`).MatchString(aws.ToString(ct.ContainerArn)) {
			t.Errorf("container %+v", ct)
		}
		stored, err := ecscore.Tasks.Get(c.Tx, c.Scope(), aws.ToString(task.TaskArn))
		if err != nil || stored == nil {
			t.Fatalf("task not stored: %v", err)
		}
		if tags, _ := ResourceTags(c, aws.ToString(task.TaskArn)); len(tags) != 1 {
			t.Errorf("tags %v", tags)
		}
		if err := ReleaseTaskResources(c, task); err != nil {
			t.Fatal(err)
		}
		if after, _ := ec2.LookupSubnet(c.Tx, c.Account(), c.Region, aws.ToString(sub.SubnetId)); aws.ToInt32(after.AvailableIpAddressCount) != aws.ToInt32(sub.AvailableIpAddressCount) {
			t.Errorf("%d addresses free after release, want %d", aws.ToInt32(after.AvailableIpAddressCount), aws.ToInt32(sub.AvailableIpAddressCount))
		}
	})
}

func TestValidateLaunch(t *testing.T) {
	fargateTD := &types.TaskDefinition{NetworkMode: types.NetworkModeAwsvpc, Status: types.TaskDefinitionStatusActive,
		Compatibilities: []types.Compatibility{types.CompatibilityEc2, types.CompatibilityFargate}}
	bridgeTD := &types.TaskDefinition{NetworkMode: types.NetworkModeBridge, Status: types.TaskDefinitionStatusActive,
		Compatibilities: []types.Compatibility{types.CompatibilityEc2}}
	cluster := &types.Cluster{CapacityProviders: []string{"FARGATE", "FARGATE_SPOT", "asg"}}
	withDefault := &types.Cluster{CapacityProviders: []string{"FARGATE_SPOT"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 1}}}
	net := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}
	cp := func(names ...string) []types.CapacityProviderStrategyItem {
		var out []types.CapacityProviderStrategyItem
		for _, n := range names {
			out = append(out, types.CapacityProviderStrategyItem{CapacityProvider: aws.String(n), Weight: 1})
		}
		return out
	}
	tests := []struct {
		name     string
		req      LaunchRequest
		want     types.LaunchType
		strategy int
		wantErr  string
	}{
		{"fargate", LaunchRequest{Cluster: cluster, TaskDefinition: fargateTD, LaunchType: "FARGATE", NetworkConfiguration: net}, "FARGATE", 0, ""},
		{"default EC2", LaunchRequest{Cluster: cluster, TaskDefinition: bridgeTD}, "EC2", 0, ""},
		{"cluster default strategy", LaunchRequest{Cluster: withDefault, TaskDefinition: fargateTD, NetworkConfiguration: net}, "FARGATE", 1, ""},
		{"custom provider", LaunchRequest{Cluster: cluster, TaskDefinition: bridgeTD, CapacityProviderStrategy: cp("asg")}, "EC2", 1, ""},
		{"both", LaunchRequest{Cluster: cluster, TaskDefinition: fargateTD, LaunchType: "FARGATE", CapacityProviderStrategy: cp("FARGATE"), NetworkConfiguration: net}, "", 1,
			"Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."},
		{"mixed providers", LaunchRequest{Cluster: cluster, TaskDefinition: fargateTD, CapacityProviderStrategy: cp("FARGATE", "asg"), NetworkConfiguration: net}, "", 0,
			"A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again."},
		{"unassociated", LaunchRequest{Cluster: withDefault, TaskDefinition: fargateTD, CapacityProviderStrategy: cp("FARGATE"), NetworkConfiguration: net}, "", 0, "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again."},
		{"bridge on fargate", LaunchRequest{Cluster: cluster, TaskDefinition: bridgeTD, LaunchType: "FARGATE"}, "", 0, "Task definition does not support launch_type FARGATE."},
		{"awsvpc needs network", LaunchRequest{Cluster: cluster, TaskDefinition: fargateTD, LaunchType: "FARGATE"}, "", 0, "Network Configuration must be provided when networkMode 'awsvpc' is specified."},
		{"platform on EC2", LaunchRequest{Cluster: cluster, TaskDefinition: bridgeTD, LaunchType: "EC2", PlatformVersion: "1.4.0"}, "", 0, "The platform version must be null when specifying an EC2 launch type."},
		{"unknown platform", LaunchRequest{Cluster: cluster, TaskDefinition: fargateTD, LaunchType: "FARGATE", PlatformVersion: "2.0.0", NetworkConfiguration: net}, "", 0, "The specified platform version doesn't exist."},
	}
	for _, tt := range tests {
		l, err := ValidateLaunch(nil, tt.req)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if l.LaunchType != tt.want || len(l.Strategy) != tt.strategy {
			t.Errorf("%s: launch %s strategy %d", tt.name, l.LaunchType, len(l.Strategy))
		}
	}
}

func TestScanPage(t *testing.T) {
	type doc struct{ N int }
	coll := store.Collection[doc]{Kind: "test/scan"}
	withContext(t, func(c *api.Context) {
		for i := 0; i < 250; i++ {
			if err := coll.Put(c.Tx, c.Scope(), strconv.Itoa(i), store.Index{}, &doc{N: i}); err != nil {
				t.Fatal(err)
			}
		}
		even := func(d *doc) bool { return d.N%2 == 0 }
		for _, tt := range []struct {
			name string
			keep func(*doc) bool
			desc bool
			size int
			want int
		}{
			{"all by 7", nil, false, 7, 250}, {"even by 10", even, false, 10, 125}, {"all newest first by 100", nil, true, 100, 250},
			{"even by 125", even, false, 125, 125}, {"one page", nil, false, 250, 250},
		} {
			var got []int
			var token *string
			for pages := 0; ; pages++ {
				page, next, err := scanPage(c, coll, store.Query{Desc: tt.desc}, "scope", token, tt.size, tt.keep)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > tt.size || (next != nil && len(page) != tt.size) || pages > 300 {
					t.Fatalf("%s: page of %d, next %v", tt.name, len(page), next)
				}
				for _, d := range page {
					got = append(got, d.N)
				}
				if token = next; token == nil {
					break
				}
			}
			if len(got) != tt.want {
				t.Errorf("%s: %d documents, want %d", tt.name, len(got), tt.want)
			}
			for i := 1; i < len(got); i++ {
				if (got[i] > got[i-1]) == tt.desc {
					t.Fatalf("%s: out of order at %d: %v", tt.name, i, got[i-1:i+1])
				}
			}
		}
		if _, _, err := scanPage(c, coll, store.Query{}, "scope", aws.String("bm90LWEtdG9rZW4"), 10, nil); err == nil {
			t.Errorf("forged token accepted")
		}
		_, next, _ := scanPage(c, coll, store.Query{}, "scope", nil, 10, nil)
		if _, _, err := scanPage(c, coll, store.Query{}, "other listing", next, 10, nil); err == nil {
			t.Errorf("token of another listing accepted")
		}
	})
}

func TestQuotasAreEnforced(t *testing.T) {
	q := DefaultQuotas()
	q.ServicesPerCluster, q.TasksPerService, q.TasksPerRunTask = 1, 3, 2
	h := &handlers{Deps: Deps{Quotas: q}}
	withContext(t, func(c *api.Context) {
		clusterArn := ecscore.ARN(c, "cluster", "q")
		cl := &types.Cluster{ClusterArn: aws.String(clusterArn), ClusterName: aws.String("q"), Status: aws.String("ACTIVE")}
		if err := ecscore.Clusters.Put(c.Tx, c.Scope(), clusterArn, ecscore.ClusterIndex(cl), cl); err != nil {
			t.Fatal(err)
		}
		td := &types.TaskDefinition{Family: aws.String("w"), Revision: 1, TaskDefinitionArn: aws.String(ecscore.TaskDefinitionARN(c, "w", 1)),
			Status: types.TaskDefinitionStatusActive, NetworkMode: types.NetworkModeBridge, Compatibilities: []types.Compatibility{types.CompatibilityEc2},
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("w"), Image: aws.String("busybox"), Memory: aws.Int32(128)}}}
		if err := ecscore.TaskDefinitions.Put(c.Tx, c.Scope(), aws.ToString(td.TaskDefinitionArn), ecscore.TaskDefinitionIndex(td), td); err != nil {
			t.Fatal(err)
		}
		create := func(name string, desired int32) error {
			_, err := h.createService(c, &ecs.CreateServiceInput{Cluster: aws.String("q"), ServiceName: aws.String(name),
				TaskDefinition: aws.String("w"), DesiredCount: aws.Int32(desired)})
			return err
		}
		if err := create("a", 4); err == nil || !strings.Contains(err.Error(), "limit of 3 tasks per service") {
			t.Errorf("desired count over quota: %v", err)
		}
		if err := create("a", 3); err != nil {
			t.Fatal(err)
		}
		if err := create("b", 1); err == nil || !strings.Contains(err.Error(), "limit of 1 services per cluster") {
			t.Errorf("services over quota: %v", err)
		}
		_, err := h.runTask(c, &ecs.RunTaskInput{Cluster: aws.String("q"), TaskDefinition: aws.String("w"), Count: aws.Int32(3)})
		if err == nil || !strings.Contains(err.Error(), "between 1 and 2") {
			t.Errorf("RunTask count over quota: %v", err)
		}
	})
}
