package ecs_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func infraAttr(ci *types.ContainerInstance, name string) string {
	for _, a := range ci.Attributes {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

func TestInfraRegisterContainerInstance(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "ec2")
	_, err := client.RegisterContainerInstance(harness.Ctx, &ecs.RegisterContainerInstanceInput{Cluster: aws.String("absent")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")

	ci := infraRegisterInstance(t, client, "ec2", "i-0aaa", "t3.medium", "us-east-1a",
		types.Attribute{Name: aws.String("stack"), Value: aws.String("prod")})
	arn := aws.ToString(ci.ContainerInstanceArn)
	if !strings.HasPrefix(arn, "arn:aws:ecs:us-east-1:000000000000:container-instance/ec2/") || len(arn[strings.LastIndex(arn, "/")+1:]) != 32 {
		t.Errorf("arn %s", arn)
	}
	if aws.ToString(ci.Ec2InstanceId) != "i-0aaa" || aws.ToString(ci.Status) != "ACTIVE" || !ci.AgentConnected || ci.RegisteredAt == nil {
		t.Errorf("instance %+v", ci)
	}
	if infraAttr(ci, "ecs.instance-type") != "t3.medium" || infraAttr(ci, "ecs.availability-zone") != "us-east-1a" || infraAttr(ci, "stack") != "prod" {
		t.Errorf("attributes %+v", ci.Attributes)
	}
	cpu := func(rs []types.Resource) int32 {
		for _, r := range rs {
			if aws.ToString(r.Name) == "CPU" {
				return r.IntegerValue
			}
		}
		return -1
	}
	if cpu(ci.RegisteredResources) != 2048 || cpu(ci.RemainingResources) != 2048 {
		t.Errorf("resources %+v / %+v", ci.RegisteredResources, ci.RemainingResources)
	}
	if aws.ToString(ci.VersionInfo.AgentVersion) != "1.80.0" {
		t.Errorf("version info %+v", ci.VersionInfo)
	}
	// Registering the same EC2 instance again answers with the same container instance.
	again := infraRegisterInstance(t, client, "ec2", "i-0aaa", "t3.medium", "us-east-1a")
	if aws.ToString(again.ContainerInstanceArn) != arn {
		t.Errorf("re-registration made %s", aws.ToString(again.ContainerInstanceArn))
	}
	if infraAttr(again, "stack") != "prod" {
		t.Errorf("custom attribute lost on re-registration")
	}

	d, err := client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("ec2"),
		ContainerInstances: []string{arn[strings.LastIndex(arn, "/")+1:], "0123456789abcdef0123456789abcdef"},
		Include:            []types.ContainerInstanceField{types.ContainerInstanceFieldContainerInstanceHealth, types.ContainerInstanceFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ContainerInstances) != 1 || len(d.Failures) != 1 || aws.ToString(d.Failures[0].Reason) != "MISSING" {
		t.Fatalf("describe %+v", d)
	}
	if !strings.HasSuffix(aws.ToString(d.Failures[0].Arn), "container-instance/ec2/0123456789abcdef0123456789abcdef") {
		t.Errorf("failure arn %s", aws.ToString(d.Failures[0].Arn))
	}
	if d.ContainerInstances[0].HealthStatus == nil || d.ContainerInstances[0].HealthStatus.OverallStatus != types.InstanceHealthCheckStateOk {
		t.Errorf("health %+v", d.ContainerInstances[0].HealthStatus)
	}

	// Draining and back.
	st, err := client.UpdateContainerInstancesState(harness.Ctx, &ecs.UpdateContainerInstancesStateInput{Cluster: aws.String("ec2"),
		ContainerInstances: []string{arn, "ffffffffffffffffffffffffffffffff"}, Status: types.ContainerInstanceStatusDraining})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.ContainerInstances) != 1 || aws.ToString(st.ContainerInstances[0].Status) != "DRAINING" || len(st.Failures) != 1 {
		t.Errorf("update state %+v", st)
	}
	_, err = client.UpdateContainerInstancesState(harness.Ctx, &ecs.UpdateContainerInstancesStateInput{Cluster: aws.String("ec2"),
		ContainerInstances: []string{arn}, Status: types.ContainerInstanceStatusRegistering})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	// The agent: 1.80.0 is older than the latest, so an update starts; a second one is refused.
	ua, err := client.UpdateContainerAgent(harness.Ctx, &ecs.UpdateContainerAgentInput{Cluster: aws.String("ec2"), ContainerInstance: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if ua.ContainerInstance.AgentUpdateStatus != types.AgentUpdateStatusPending {
		t.Errorf("agent update status %s", ua.ContainerInstance.AgentUpdateStatus)
	}
	_, err = client.UpdateContainerAgent(harness.Ctx, &ecs.UpdateContainerAgentInput{Cluster: aws.String("ec2"), ContainerInstance: aws.String(arn)})
	harness.AssertAPIError(t, err, "UpdateInProgressException")

	dr, err := client.DeregisterContainerInstance(harness.Ctx, &ecs.DeregisterContainerInstanceInput{Cluster: aws.String("ec2"), ContainerInstance: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(dr.ContainerInstance.Status) != "INACTIVE" || dr.ContainerInstance.AgentConnected {
		t.Errorf("deregistered %+v", dr.ContainerInstance)
	}
	l, err := client.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("ec2")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.ContainerInstanceArns) != 0 {
		t.Errorf("deregistered instance listed: %v", l.ContainerInstanceArns)
	}
}

func TestInfraUpdateContainerAgentLatest(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "ec2")
	out, err := client.RegisterContainerInstance(harness.Ctx, &ecs.RegisterContainerInstanceInput{Cluster: aws.String("ec2"),
		InstanceIdentityDocument: harness.Identity("i-0new", "t3.micro", "us-east-1a"),
		VersionInfo:              &types.VersionInfo{AgentVersion: aws.String("99.0.0")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.UpdateContainerAgent(harness.Ctx, &ecs.UpdateContainerAgentInput{Cluster: aws.String("ec2"), ContainerInstance: out.ContainerInstance.ContainerInstanceArn})
	harness.AssertAPIError(t, err, "NoUpdateAvailableException")
	out, err = client.RegisterContainerInstance(harness.Ctx, &ecs.RegisterContainerInstanceInput{Cluster: aws.String("ec2"),
		InstanceIdentityDocument: harness.Identity("i-0custom", "t3.micro", "us-east-1a"),
		VersionInfo:              &types.VersionInfo{DockerVersion: aws.String("DockerVersion: 25.0.8")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.UpdateContainerAgent(harness.Ctx, &ecs.UpdateContainerAgentInput{Cluster: aws.String("ec2"), ContainerInstance: out.ContainerInstance.ContainerInstanceArn})
	harness.AssertAPIError(t, err, "MissingVersionException")
}

func TestInfraListContainerInstancesFilter(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "ec2")
	a := infraRegisterInstance(t, client, "ec2", "i-0a", "t3.micro", "us-east-1a")
	b := infraRegisterInstance(t, client, "ec2", "i-0b", "t3.large", "us-east-1b", types.Attribute{Name: aws.String("gpu"), Value: aws.String("true")})
	c := infraRegisterInstance(t, client, "ec2", "i-0c", "m5.large", "us-east-1c")
	if _, err := client.UpdateContainerInstancesState(harness.Ctx, &ecs.UpdateContainerInstancesStateInput{Cluster: aws.String("ec2"),
		ContainerInstances: []string{aws.ToString(c.ContainerInstanceArn)}, Status: types.ContainerInstanceStatusDraining}); err != nil {
		t.Fatal(err)
	}
	list := func(filter string, status types.ContainerInstanceStatus) []string {
		t.Helper()
		var out []string
		p := ecs.NewListContainerInstancesPaginator(client, &ecs.ListContainerInstancesInput{Cluster: aws.String("ec2"),
			Filter: aws.String(filter), Status: status, MaxResults: aws.Int32(1)})
		for p.HasMorePages() {
			page, err := p.NextPage(harness.Ctx)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page.ContainerInstanceArns...)
		}
		return out
	}
	arn := func(ci *types.ContainerInstance) string { return aws.ToString(ci.ContainerInstanceArn) }
	cases := []struct {
		filter string
		status types.ContainerInstanceStatus
		want   []string
	}{
		{"", "", []string{arn(a), arn(b), arn(c)}},
		{"", types.ContainerInstanceStatusDraining, []string{arn(c)}},
		{"attribute:ecs.instance-type == t3.micro", "", []string{arn(a)}},
		{"attribute:ecs.instance-type =~ t3.*", "", []string{arn(a), arn(b)}},
		{"attribute:ecs.availability-zone in [us-east-1a, us-east-1c]", "", []string{arn(a), arn(c)}},
		{"attribute:gpu exists or ec2InstanceId == i-0c", "", []string{arn(b), arn(c)}},
		{"not(attribute:gpu exists) and runningTasksCount == 0", types.ContainerInstanceStatusActive, []string{arn(a)}},
		{"registeredAt < 2000-01-01", "", nil},
	}
	for _, tc := range cases {
		if got := list(tc.filter, tc.status); !slices.Equal(got, tc.want) {
			t.Errorf("%q %s: got %v, want %v", tc.filter, tc.status, got, tc.want)
		}
	}
	_, err := client.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("ec2"), Filter: aws.String("attribute:x ==")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("absent")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
}

func TestInfraAttributes(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "ec2")
	a := infraRegisterInstance(t, client, "ec2", "i-0a", "t3.micro", "us-east-1a")
	b := infraRegisterInstance(t, client, "ec2", "i-0b", "t3.micro", "us-east-1b")
	idA := aws.ToString(a.ContainerInstanceArn)
	idB := aws.ToString(b.ContainerInstanceArn)
	idB = idB[strings.LastIndex(idB, "/")+1:]
	put, err := client.PutAttributes(harness.Ctx, &ecs.PutAttributesInput{Cluster: aws.String("ec2"), Attributes: []types.Attribute{
		{Name: aws.String("stack"), Value: aws.String("prod"), TargetId: aws.String(idA)},
		{Name: aws.String("stack"), Value: aws.String("dev"), TargetId: aws.String(idB), TargetType: types.TargetTypeContainerInstance},
		{Name: aws.String("canary"), TargetId: aws.String(idA)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(put.Attributes) != 3 {
		t.Errorf("put answered %+v", put.Attributes)
	}
	l, err := client.ListAttributes(harness.Ctx, &ecs.ListAttributesInput{Cluster: aws.String("ec2"), TargetType: types.TargetTypeContainerInstance,
		AttributeName: aws.String("stack"), AttributeValue: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Attributes) != 1 || aws.ToString(l.Attributes[0].TargetId) != idA || l.Attributes[0].TargetType != types.TargetTypeContainerInstance {
		t.Errorf("list by value %+v", l.Attributes)
	}
	var names []string
	seen := map[string]bool{}
	p := ecs.NewListAttributesPaginator(client, &ecs.ListAttributesInput{Cluster: aws.String("ec2"), TargetType: types.TargetTypeContainerInstance, MaxResults: aws.Int32(7)})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range page.Attributes {
			key := aws.ToString(at.TargetId) + "|" + aws.ToString(at.Name)
			if seen[key] {
				t.Errorf("listed twice: %s", key)
			}
			seen[key] = true
			names = append(names, aws.ToString(at.Name))
		}
	}
	d, err := client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("ec2"),
		ContainerInstances: []string{idA, idB}})
	if err != nil {
		t.Fatal(err)
	}
	want := len(d.ContainerInstances[0].Attributes) + len(d.ContainerInstances[1].Attributes)
	if len(names) != want || !slices.Contains(names, "canary") || !slices.Contains(names, "ecs.instance-type") ||
		!slices.Contains(names, "ecs.capability.task-eni") {
		t.Errorf("all attributes: %d listed, %d on the instances", len(names), want)
	}
	if _, err := client.DeleteAttributes(harness.Ctx, &ecs.DeleteAttributesInput{Cluster: aws.String("ec2"),
		Attributes: []types.Attribute{{Name: aws.String("canary"), TargetId: aws.String(idA)}}}); err != nil {
		t.Fatal(err)
	}
	l, err = client.ListAttributes(harness.Ctx, &ecs.ListAttributesInput{Cluster: aws.String("ec2"), TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("canary")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Attributes) != 0 {
		t.Errorf("deleted attribute still listed %+v", l.Attributes)
	}
	_, err = client.PutAttributes(harness.Ctx, &ecs.PutAttributesInput{Cluster: aws.String("ec2"), Attributes: []types.Attribute{
		{Name: aws.String("x"), Value: aws.String("y"), TargetId: aws.String("0123456789abcdef0123456789abcdef")}}})
	harness.AssertAPIError(t, err, "TargetNotFoundException")
	var many []types.Attribute
	for i := 0; i < 11; i++ {
		many = append(many, types.Attribute{Name: aws.String("custom-" + string(rune('a'+i))), Value: aws.String("v"), TargetId: aws.String(idA)})
	}
	_, err = client.PutAttributes(harness.Ctx, &ecs.PutAttributesInput{Cluster: aws.String("ec2"), Attributes: many})
	harness.AssertAPIError(t, err, "AttributeLimitExceededException")
	// The refused call changed nothing.
	l, err = client.ListAttributes(harness.Ctx, &ecs.ListAttributesInput{Cluster: aws.String("ec2"), TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("custom-a")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Attributes) != 0 {
		t.Errorf("refused put left %+v", l.Attributes)
	}
}
