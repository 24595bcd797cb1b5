package ecs_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

var (
	wlTaskArnRE      = regexp.MustCompile(`^arn:aws:ecs:us-east-1:000000000000:task/apps/[0-9a-f]{32}$`)
	wlContainerArnRE = regexp.MustCompile(`^arn:aws:ecs:us-east-1:000000000000:container/apps/[0-9a-f]{32}/[0-9a-f-]{36}$`)
)

func TestWorkloadRunTaskFargate(t *testing.T) {
	e := wlStart(t)
	tdArn := e.fargateFamily(t, "web", "nginx:1.27")
	out, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{
		Cluster: aws.String(e.cluster), TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate,
		Count: aws.Int32(3), StartedBy: aws.String("ci-job"),
		NetworkConfiguration: wlNetwork(e.subnet(t, 0), e.subnet(t, 1)),
		Overrides:            &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("web"), Command: []string{"nginx", "-T"}}}},
		Tags:                 []types.Tag{wlTag("team", "blue")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) != 3 || len(out.Failures) != 0 {
		t.Fatalf("%d tasks, %d failures", len(out.Tasks), len(out.Failures))
	}
	ips := map[string]bool{}
	for _, task := range out.Tasks {
		if !wlTaskArnRE.MatchString(aws.ToString(task.TaskArn)) {
			t.Errorf("task arn %s", aws.ToString(task.TaskArn))
		}
		if aws.ToString(task.LastStatus) != "PROVISIONING" || aws.ToString(task.DesiredStatus) != "RUNNING" {
			t.Errorf("status %s / %s", aws.ToString(task.LastStatus), aws.ToString(task.DesiredStatus))
		}
		if aws.ToString(task.TaskDefinitionArn) != tdArn || aws.ToString(task.ClusterArn) != wlClusterArn("apps") {
			t.Errorf("definition %s cluster %s", aws.ToString(task.TaskDefinitionArn), aws.ToString(task.ClusterArn))
		}
		if task.LaunchType != types.LaunchTypeFargate || aws.ToString(task.PlatformVersion) != "1.4.0" || aws.ToString(task.PlatformFamily) != "Linux" {
			t.Errorf("launch %s platform %s %s", task.LaunchType, aws.ToString(task.PlatformVersion), aws.ToString(task.PlatformFamily))
		}
		if aws.ToString(task.Cpu) != "256" || aws.ToString(task.Memory) != "512" || aws.ToString(task.Group) != "family:web" ||
			aws.ToString(task.StartedBy) != "ci-job" || task.Version != 1 || task.CreatedAt == nil {
			t.Errorf("task fields cpu=%s mem=%s group=%s startedBy=%s v=%d", aws.ToString(task.Cpu), aws.ToString(task.Memory),
				aws.ToString(task.Group), aws.ToString(task.StartedBy), task.Version)
		}
		if len(task.Containers) != 1 || !wlContainerArnRE.MatchString(aws.ToString(task.Containers[0].ContainerArn)) ||
			aws.ToString(task.Containers[0].LastStatus) != "PENDING" || aws.ToString(task.Containers[0].Image) != "nginx:1.27" {
			t.Errorf("containers %+v", task.Containers)
		}
		if task.Overrides == nil || len(task.Overrides.ContainerOverrides) != 1 || len(task.Overrides.ContainerOverrides[0].Command) != 2 {
			t.Errorf("overrides %+v", task.Overrides)
		}
		if len(task.Attachments) != 1 {
			t.Fatalf("attachments %+v", task.Attachments)
		}
		att := task.Attachments[0]
		if aws.ToString(att.Type) != "ElasticNetworkInterface" || aws.ToString(att.Status) != "PRECREATED" {
			t.Errorf("attachment %s %s", aws.ToString(att.Type), aws.ToString(att.Status))
		}
		ip := harness.Detail(att, "privateIPv4Address")
		if !strings.HasPrefix(ip, "172.31.") || ips[ip] {
			t.Errorf("private ip %q (seen before: %v)", ip, ips[ip])
		}
		ips[ip] = true
		if !regexp.MustCompile(`^eni-[0-9a-f]{17}$`).MatchString(harness.Detail(att, "networkInterfaceId")) ||
			!regexp.MustCompile(`^([0-9a-f]{2}:){5}[0-9a-f]{2}$`).MatchString(harness.Detail(att, "macAddress")) ||
			harness.Detail(att, "privateDnsName") != "ip-"+strings.ReplaceAll(ip, ".", "-")+".ec2.internal" {
			t.Errorf("attachment details %+v", att.Details)
		}
		if s := wlDetail(att, "subnetId"); s != e.subnet(t, 0) && s != e.subnet(t, 1) {
			t.Errorf("subnet %s", s)
		}
		if !strings.HasPrefix(aws.ToString(task.AvailabilityZone), "us-east-1") {
			t.Errorf("zone %s", aws.ToString(task.AvailabilityZone))
		}
		if !wlHasTag(task.Tags, "team", "blue") {
			t.Errorf("tags %+v", task.Tags)
		}
	}

	// DescribeTasks: ids or ARNs, unknown ones as failures, tags on request.
	first := aws.ToString(out.Tasks[0].TaskArn)
	id := first[strings.LastIndexByte(first, '/')+1:]
	d, err := e.client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(e.cluster),
		Tasks: []string{id, "0123456789abcdef0123456789abcdef"}, Include: []types.TaskField{types.TaskFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tasks) != 1 || aws.ToString(d.Tasks[0].TaskArn) != first || !wlHasTag(d.Tasks[0].Tags, "team", "blue") {
		t.Errorf("described %+v", d.Tasks)
	}
	if len(d.Failures) != 1 || aws.ToString(d.Failures[0].Reason) != "MISSING" ||
		aws.ToString(d.Failures[0].Arn) != "arn:aws:ecs:us-east-1:000000000000:task/apps/0123456789abcdef0123456789abcdef" {
		t.Errorf("failures %+v", d.Failures)
	}
	d, err = e.client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(e.cluster), Tasks: []string{first}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tasks[0].Tags) != 0 {
		t.Errorf("tags without include: %+v", d.Tasks[0].Tags)
	}

	// StopTask: desired STOPPED with the user's reason; the cluster manager finishes the stop.
	st, err := e.client.StopTask(harness.Ctx, &ecs.StopTaskInput{Cluster: aws.String(e.cluster), Task: aws.String(first), Reason: aws.String("rotating")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(st.Task.DesiredStatus) != "STOPPED" || st.Task.StopCode != types.TaskStopCodeUserInitiated ||
		aws.ToString(st.Task.StoppedReason) != "rotating" || st.Task.StoppingAt == nil || st.Task.Version < 2 {
		t.Errorf("stopped task %s %s %s v%d", aws.ToString(st.Task.DesiredStatus), st.Task.StopCode, aws.ToString(st.Task.StoppedReason), st.Task.Version)
	}
	_, err = e.client.StopTask(harness.Ctx, &ecs.StopTaskInput{Cluster: aws.String(e.cluster), Task: aws.String("ffffffffffffffffffffffffffffffff")})
	ae := harness.AssertAPIError(t, err, "InvalidParameterException")
	if ae.ErrorMessage() != "The referenced task was not found." {
		t.Errorf("message %q", ae.ErrorMessage())
	}

	// ListTasks: RUNNING by default, STOPPED on request.
	l, err := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster)})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskArns) != 2 {
		t.Errorf("running tasks %v", l.TaskArns)
	}
	l, err = e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), DesiredStatus: types.DesiredStatusStopped})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskArns) != 1 || l.TaskArns[0] != first {
		t.Errorf("stopped tasks %v", l.TaskArns)
	}
}

func TestWorkloadListTasksFiltersAndPaging(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	e.fargateFamily(t, "jobs", "busybox")
	run := func(family, startedBy string, count int32) {
		t.Helper()
		_, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String(family),
			Count: aws.Int32(count), StartedBy: aws.String(startedBy), NetworkConfiguration: wlNetwork(e.subnet(t, 0)),
			CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 1}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	run("web", "alice", 3)
	run("jobs", "bob", 2)

	count := func(in *ecs.ListTasksInput) int {
		t.Helper()
		in.Cluster = aws.String(e.cluster)
		n := 0
		p := ecs.NewListTasksPaginator(e.client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(harness.Ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.TaskArns) > int(aws.ToInt32(in.MaxResults)) && in.MaxResults != nil {
				t.Fatalf("page of %d over maxResults %d", len(page.TaskArns), aws.ToInt32(in.MaxResults))
			}
			n += len(page.TaskArns)
		}
		return n
	}
	for name, tc := range map[string]struct {
		in   *ecs.ListTasksInput
		want int
	}{
		"all in pages of 2":  {&ecs.ListTasksInput{MaxResults: aws.Int32(2)}, 5},
		"family":             {&ecs.ListTasksInput{Family: aws.String("jobs"), MaxResults: aws.Int32(1)}, 2},
		"startedBy":          {&ecs.ListTasksInput{StartedBy: aws.String("alice")}, 3},
		"launchType":         {&ecs.ListTasksInput{LaunchType: types.LaunchTypeFargate}, 5},
		"launchType EC2":     {&ecs.ListTasksInput{LaunchType: types.LaunchTypeEc2}, 0},
		"desired STOPPED":    {&ecs.ListTasksInput{DesiredStatus: types.DesiredStatusStopped}, 0},
		"container instance": {&ecs.ListTasksInput{ContainerInstance: aws.String("0123456789abcdef0123456789abcdef")}, 0},
	} {
		if got := count(tc.in); got != tc.want {
			t.Errorf("%s: %d tasks, want %d", name, got, tc.want)
		}
	}

	// Tasks launched through a capacity provider name it.
	l, _ := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), Family: aws.String("web")})
	d, err := e.client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(e.cluster), Tasks: l.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range d.Tasks {
		if aws.ToString(task.CapacityProviderName) != "FARGATE_SPOT" || task.LaunchType != types.LaunchTypeFargate {
			t.Errorf("capacity provider %q launch type %s", aws.ToString(task.CapacityProviderName), task.LaunchType)
		}
	}

	_, err = e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), NextToken: aws.String("forged-token")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), MaxResults: aws.Int32(101)})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("nope")})
	harness.AssertAPIError(t, err, "ServiceNotFoundException")
	_, err = e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String("nope")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
}

func TestWorkloadRunTaskValidation(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	e.bridgeFamily(t, "worker")
	tests := []struct {
		name string
		in   ecs.RunTaskInput
		code string
		msg  string
	}{
		{"launch type and strategy", ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate,
			CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}},
			NetworkConfiguration:     wlNetwork(e.subnet(t, 0))},
			"InvalidParameterException", "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."},
		{"awsvpc without network", ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate},
			"InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified."},
		{"no subnets", ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork([]string{}...)},
			"InvalidParameterException", "subnets can not be empty."},
		{"bridge on fargate", ecs.RunTaskInput{TaskDefinition: aws.String("worker"), LaunchType: types.LaunchTypeFargate},
			"InvalidParameterException", "Task definition does not support launch_type FARGATE."},
		{"network on bridge", ecs.RunTaskInput{TaskDefinition: aws.String("worker"), LaunchType: types.LaunchTypeEc2, NetworkConfiguration: wlNetwork(e.subnet(t, 0))},
			"InvalidParameterException", "Network Configuration is not valid for the given networkMode of this task definition."},
		{"too many", ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, Count: aws.Int32(11), NetworkConfiguration: wlNetwork(e.subnet(t, 0))},
			"InvalidParameterException", ""},
		{"unknown platform", ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, PlatformVersion: aws.String("9.9.9"), NetworkConfiguration: wlNetwork(e.subnet(t, 0))},
			"PlatformUnknownException", ""},
		{"platform on EC2", ecs.RunTaskInput{TaskDefinition: aws.String("worker"), LaunchType: types.LaunchTypeEc2, PlatformVersion: aws.String("1.4.0")},
			"InvalidParameterException", ""},
		{"no instances", ecs.RunTaskInput{TaskDefinition: aws.String("worker"), LaunchType: types.LaunchTypeEc2},
			"InvalidParameterException", "No Container Instances were found in your cluster."},
		{"unassociated provider", ecs.RunTaskInput{TaskDefinition: aws.String("web"), NetworkConfiguration: wlNetwork(e.subnet(t, 0)),
			CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("my-asg"), Weight: 1}}},
			"InvalidParameterException", ""},
		{"fargate placement", ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0)),
			PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeRandom}}},
			"InvalidParameterException", ""},
		{"reserved tag", ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0)),
			Tags: []types.Tag{wlTag("aws:owner", "me")}},
			"InvalidParameterException", ""},
		{"unknown definition", ecs.RunTaskInput{TaskDefinition: aws.String("nope"), LaunchType: types.LaunchTypeFargate},
			"ClientException", "Unable to describe task definition."},
		{"unknown cluster", ecs.RunTaskInput{Cluster: aws.String("nope"), TaskDefinition: aws.String("web")},
			"ClusterNotFoundException", "Cluster not found."},
	}
	for _, tt := range tests {
		in := tt.in
		if in.Cluster == nil {
			in.Cluster = aws.String(e.cluster)
		}
		_, err := e.client.RunTask(harness.Ctx, &in)
		harness.Refused(t, tt.name, err, tt.code, tt.msg)
	}
	// Nothing was created by the refused calls.
	l, err := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster)})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskArns) != 0 {
		t.Errorf("refused calls left tasks: %v", l.TaskArns)
	}
}

func TestWorkloadRunAndStartTaskOnEC2(t *testing.T) {
	e := wlStart(t)
	tdArn := e.bridgeFamily(t, "worker")
	ci := e.registerInstance(t, "i-0123456789abcdef0", "us-east-1a")

	run, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("worker"),
		LaunchType: types.LaunchTypeEc2, Group: aws.String("batch")})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Tasks) != 1 {
		t.Fatalf("tasks %d failures %+v", len(run.Tasks), run.Failures)
	}
	task := run.Tasks[0]
	if task.LaunchType != types.LaunchTypeEc2 || aws.ToString(task.Group) != "batch" || task.PlatformVersion != nil || len(task.Attachments) != 0 {
		t.Errorf("EC2 task %+v", task)
	}
	if aws.ToString(task.Cpu) != "128" || aws.ToString(task.Memory) != "256" {
		t.Errorf("cpu %s memory %s", aws.ToString(task.Cpu), aws.ToString(task.Memory))
	}
	// The cluster manager's placement chose the only instance.
	if aws.ToString(task.ContainerInstanceArn) != ci || aws.ToString(task.AvailabilityZone) != "us-east-1a" {
		t.Errorf("placed on %q in %q", aws.ToString(task.ContainerInstanceArn), aws.ToString(task.AvailabilityZone))
	}

	// Tasks that fit nowhere come back as failures with ECS's reason.
	if _, err := e.client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("big"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("big"), Image: aws.String("busybox"), Memory: aws.Int32(4096)}}}); err != nil {
		t.Fatal(err)
	}
	big, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("big"),
		LaunchType: types.LaunchTypeEc2, Count: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if len(big.Tasks) != 1 || len(big.Failures) == 0 || aws.ToString(big.Failures[0].Reason) != "RESOURCE:MEMORY" {
		t.Errorf("big tasks %d failures %+v", len(big.Tasks), big.Failures)
	}

	st, err := e.client.StartTask(harness.Ctx, &ecs.StartTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String(tdArn),
		ContainerInstances: []string{ci, "ffffffffffffffffffffffffffffffff"}, StartedBy: aws.String("operator")})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tasks) != 1 || aws.ToString(st.Tasks[0].ContainerInstanceArn) != ci || aws.ToString(st.Tasks[0].AvailabilityZone) != "us-east-1a" ||
		aws.ToString(st.Tasks[0].StartedBy) != "operator" || aws.ToString(st.Tasks[0].LastStatus) != "PROVISIONING" {
		t.Errorf("started %+v", st.Tasks)
	}
	if len(st.Failures) != 1 || aws.ToString(st.Failures[0].Reason) != "MISSING" {
		t.Errorf("failures %+v", st.Failures)
	}
	l, err := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), ContainerInstance: aws.String(ci), StartedBy: aws.String("operator")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskArns) != 1 || l.TaskArns[0] != aws.ToString(st.Tasks[0].TaskArn) {
		t.Errorf("tasks on instance %v", l.TaskArns)
	}

	// An awsvpc definition on an instance gets its ENI from the subnet.
	e.fargateFamily(t, "web", "nginx")
	st, err = e.client.StartTask(harness.Ctx, &ecs.StartTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("web"),
		ContainerInstances: []string{ci}, NetworkConfiguration: wlNetwork(e.subnet(t, 0))})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tasks) != 1 || len(st.Tasks[0].Attachments) != 1 || st.Tasks[0].LaunchType != types.LaunchTypeEc2 {
		t.Errorf("awsvpc task on EC2 %+v", st.Tasks)
	}
	_, err = e.client.StartTask(harness.Ctx, &ecs.StartTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("worker"),
		ContainerInstances: []string{}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = e.client.StartTask(harness.Ctx, &ecs.StartTaskInput{Cluster: aws.String("nope"), TaskDefinition: aws.String("worker"),
		ContainerInstances: []string{ci}})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
}

func TestWorkloadTaskProtection(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	run := func(group string) string {
		t.Helper()
		out, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("web"),
			LaunchType: types.LaunchTypeFargate, Group: aws.String(group), NetworkConfiguration: wlNetwork(e.subnet(t, 0))})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Tasks[0].TaskArn)
	}
	standalone := run("adhoc")
	e.createFargateService(t, "web", "web", 1)
	serviceTask := e.waitServiceTasks(t, "web", 1)[0]

	before := time.Now()
	up, err := e.client.UpdateTaskProtection(harness.Ctx, &ecs.UpdateTaskProtectionInput{Cluster: aws.String(e.cluster),
		Tasks: []string{serviceTask, standalone}, ProtectionEnabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.ProtectedTasks) != 1 || !up.ProtectedTasks[0].ProtectionEnabled || aws.ToString(up.ProtectedTasks[0].TaskArn) != serviceTask {
		t.Fatalf("protected %+v", up.ProtectedTasks)
	}
	if exp := up.ProtectedTasks[0].ExpirationDate.Sub(before); exp < 119*time.Minute || exp > 121*time.Minute {
		t.Errorf("default expiry in %v, want 2h", exp)
	}
	if len(up.Failures) != 1 || aws.ToString(up.Failures[0].Reason) != "TASK_NOT_VALID" || aws.ToString(up.Failures[0].Arn) != standalone {
		t.Errorf("failures %+v", up.Failures)
	}

	up, err = e.client.UpdateTaskProtection(harness.Ctx, &ecs.UpdateTaskProtectionInput{Cluster: aws.String(e.cluster),
		Tasks: []string{serviceTask}, ProtectionEnabled: true, ExpiresInMinutes: aws.Int32(2880)})
	if err != nil {
		t.Fatal(err)
	}
	if exp := up.ProtectedTasks[0].ExpirationDate.Sub(before); exp < 47*time.Hour {
		t.Errorf("48h expiry in %v", exp)
	}
	_, err = e.client.UpdateTaskProtection(harness.Ctx, &ecs.UpdateTaskProtectionInput{Cluster: aws.String(e.cluster),
		Tasks: []string{serviceTask}, ProtectionEnabled: true, ExpiresInMinutes: aws.Int32(2881)})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	get, err := e.client.GetTaskProtection(harness.Ctx, &ecs.GetTaskProtectionInput{Cluster: aws.String(e.cluster),
		Tasks: []string{serviceTask, "ffffffffffffffffffffffffffffffff"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(get.ProtectedTasks) != 1 || !get.ProtectedTasks[0].ProtectionEnabled || len(get.Failures) != 1 || aws.ToString(get.Failures[0].Reason) != "MISSING" {
		t.Errorf("get %+v %+v", get.ProtectedTasks, get.Failures)
	}
	all, err := e.client.GetTaskProtection(harness.Ctx, &ecs.GetTaskProtectionInput{Cluster: aws.String(e.cluster)})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.ProtectedTasks) != 1 || aws.ToString(all.ProtectedTasks[0].TaskArn) != serviceTask {
		t.Errorf("protection of the cluster's tasks %+v", all.ProtectedTasks)
	}

	up, err = e.client.UpdateTaskProtection(harness.Ctx, &ecs.UpdateTaskProtectionInput{Cluster: aws.String(e.cluster),
		Tasks: []string{serviceTask}, ProtectionEnabled: false})
	if err != nil {
		t.Fatal(err)
	}
	if up.ProtectedTasks[0].ProtectionEnabled || up.ProtectedTasks[0].ExpirationDate != nil {
		t.Errorf("disabled protection %+v", up.ProtectedTasks[0])
	}
	_, err = e.client.GetTaskProtection(harness.Ctx, &ecs.GetTaskProtectionInput{Cluster: aws.String("nope")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
}

func TestWorkloadExecuteCommand(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	run := func(exec bool) string {
		t.Helper()
		out, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("web"),
			LaunchType: types.LaunchTypeFargate, EnableExecuteCommand: exec, NetworkConfiguration: wlNetwork(e.subnet(t, 0))})
		if err != nil {
			t.Fatal(err)
		}
		if exec && (len(out.Tasks[0].Containers[0].ManagedAgents) != 1 || out.Tasks[0].Containers[0].ManagedAgents[0].Name != types.ManagedAgentNameExecuteCommandAgent) {
			t.Errorf("managed agents %+v", out.Tasks[0].Containers[0].ManagedAgents)
		}
		return aws.ToString(out.Tasks[0].TaskArn)
	}
	plain, withExec := run(false), run(true)
	exec := func(task string) error {
		_, err := e.client.ExecuteCommand(harness.Ctx, &ecs.ExecuteCommandInput{Cluster: aws.String(e.cluster), Task: aws.String(task),
			Container: aws.String("web"), Command: aws.String("/bin/sh"), Interactive: true})
		return err
	}
	ae := harness.AssertAPIError(t, exec(plain), "InvalidParameterException")
	if !strings.Contains(ae.ErrorMessage(), "execute command was not enabled when the task was run") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	harness.AssertAPIError(t, exec(withExec), "TargetNotConnectedException")
	harness.AssertAPIError(t, exec("ffffffffffffffffffffffffffffffff"), "InvalidParameterException")
}

func TestWorkloadRunTaskClientToken(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	in := &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate,
		Count: aws.Int32(2), NetworkConfiguration: wlNetwork(e.subnet(t, 0)), ClientToken: aws.String("retry-me")}
	first, err := e.client.RunTask(harness.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.client.RunTask(harness.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Tasks) != 2 || aws.ToString(again.Tasks[0].TaskArn) != aws.ToString(first.Tasks[0].TaskArn) {
		t.Errorf("retry started new tasks: %v vs %v", aws.ToString(again.Tasks[0].TaskArn), aws.ToString(first.Tasks[0].TaskArn))
	}
	l, err := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster)})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskArns) != 2 {
		t.Errorf("tasks after retry %v", l.TaskArns)
	}
	in.Count = aws.Int32(3)
	_, err = e.client.RunTask(harness.Ctx, in)
	harness.AssertAPIError(t, err, "ConflictException")

	// The SDK fills a fresh token per call: two calls start two sets of tasks.
	in.Count = aws.Int32(1)
	for range 2 {
		in.ClientToken = nil // the SDK writes the token it generated into the input
		if _, err := e.client.RunTask(harness.Ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	l, _ = e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster)})
	if len(l.TaskArns) != 4 {
		t.Errorf("tasks after two token-less calls %v", l.TaskArns)
	}
}
