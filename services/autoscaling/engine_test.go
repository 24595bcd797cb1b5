package autoscaling

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	ecssdk "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ecs"
	"github.com/longshore/longshore/store"
)

// fakeEC2 is a Compute with one launch template and two subnets.
type fakeEC2 struct {
	launched, terminated []string
	userData             string
	machines             []*Machine
	now                  func() time.Time
	broken               bool
}

func (f *fakeEC2) Template(_ *api.Context, spec types.LaunchTemplateSpecification) (*Template, error) {
	if f.broken || (aws.ToString(spec.LaunchTemplateName) != "web" && aws.ToString(spec.LaunchTemplateId) != "lt-0123456789abcdef0") {
		return nil, apierror.New("ValidationError", "You must use a valid fully-formed launch template. The specified launch template does not exist.")
	}
	return &Template{ID: "lt-0123456789abcdef0", Name: "web", Version: "1", InstanceType: "m5.large", ImageID: "ami-0abc", UserData: f.userData}, nil
}

func (f *fakeEC2) SubnetZone(_ *api.Context, id string) (string, error) {
	return map[string]string{"subnet-a": "us-east-1a", "subnet-b": "us-east-1b"}[id], nil
}

func (f *fakeEC2) Zones(*api.Context) ([]string, error) {
	return []string{"us-east-1a", "us-east-1b", "us-east-1c"}, nil
}

func (f *fakeEC2) Run(_ *api.Context, r RunRequest) (*Launched, error) {
	id := fmt.Sprintf("i-%017x", len(f.launched)+1)
	f.launched = append(f.launched, id)
	f.machines = append(f.machines, &Machine{ID: id, State: "running", LaunchTime: f.now(), UserData: r.Template.UserData,
		InstanceType: r.InstanceType, ImageID: r.Template.ImageID, AvailabilityZone: r.AvailabilityZone, Architecture: "x86_64"})
	return &Launched{ID: id, ImageID: r.Template.ImageID, Architecture: "x86_64"}, nil
}

func (f *fakeEC2) Terminate(_ *api.Context, id string) error {
	f.terminated = append(f.terminated, id)
	for _, m := range f.machines {
		if m.ID == id {
			m.State = "terminated"
		}
	}
	return nil
}

func (f *fakeEC2) Instances(*api.Context) ([]Machine, error) {
	var out []Machine
	for _, m := range f.machines {
		out = append(out, *m)
	}
	return out, nil
}

// rig is a store, an engine on a fake clock and a fake EC2.
type rig struct {
	t   *testing.T
	st  *store.Store
	e   *Engine
	now time.Time
	ec2 *fakeEC2
	svc *api.Service
	ecs *api.Service
}

func newRig(t *testing.T) *rig {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &rig{t: t, st: st, now: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		ec2: &fakeEC2{userData: base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n"))},
		ecs: ecs.New(ecs.Deps{})}
	r.svc = New(Deps{EC2: r.ec2})
	st.Now = func() time.Time { return r.now }
	r.ec2.now = st.Now
	r.e = NewEngine(st, nil, 1, r.ec2, ecs.Agent{})
	r.e.Now = func() time.Time { return r.now }
	return r
}

// call runs a handler of a service in a write transaction.
func (r *rig) call(s *api.Service, op string, in any) (any, error) {
	var out any
	err := r.st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Service: s.Name, Operation: op, Region: "us-east-1",
			Caller: api.RootPrincipal("000000000000", ""), Tx: tx}
		var err error
		out, err = s.Handlers[op].Call(c, in)
		return err
	})
	return out, err
}

func (r *rig) must(s *api.Service, op string, in any) any {
	r.t.Helper()
	out, err := r.call(s, op, in)
	if err != nil {
		r.t.Fatalf("%s: %v", op, err)
	}
	return out
}

// advance moves the clock in steps, ticking the engine at each.
func (r *rig) advance(d time.Duration) {
	r.t.Helper()
	step := 500 * time.Millisecond
	if d > time.Minute {
		step = 5 * time.Second
	}
	for done := time.Duration(0); done < d; done += step {
		r.now = r.now.Add(step)
		if err := r.e.Tick(context.Background()); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *rig) group(name string) types.AutoScalingGroup {
	r.t.Helper()
	out := r.must(r.svc, "DescribeAutoScalingGroups", &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}}).(*autoscaling.DescribeAutoScalingGroupsOutput)
	if len(out.AutoScalingGroups) != 1 {
		r.t.Fatalf("group %s not found", name)
	}
	return out.AutoScalingGroups[0]
}

func states(g types.AutoScalingGroup) map[types.LifecycleState]int {
	n := map[types.LifecycleState]int{}
	for _, i := range g.Instances {
		n[i.LifecycleState]++
	}
	return n
}

func TestGroupLaunchesBalancesAndRegistersWithECS(t *testing.T) {
	r := newRig(t)
	r.must(r.ecs, "CreateCluster", &ecssdk.CreateClusterInput{ClusterName: aws.String("prod")})
	r.must(r.svc, "CreateAutoScalingGroup", &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(6), DesiredCapacity: aws.Int32(4), VPCZoneIdentifier: aws.String("subnet-a,subnet-b"),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("web")}})
	r.advance(time.Second)
	g := r.group("web")
	if n := states(g)[types.LifecycleStatePending]; n != 4 {
		t.Fatalf("want 4 Pending instances, got %v", states(g))
	}
	zones := map[string]int{}
	for _, i := range g.Instances {
		zones[aws.ToString(i.AvailabilityZone)]++
	}
	if zones["us-east-1a"] != 2 || zones["us-east-1b"] != 2 {
		t.Errorf("zones not balanced: %v", zones)
	}
	r.advance(3 * time.Second)
	if n := states(r.group("web"))[types.LifecycleStateInService]; n != 4 {
		t.Fatalf("want 4 InService, got %v", states(r.group("web")))
	}
	list := r.must(r.ecs, "ListContainerInstances", &ecssdk.ListContainerInstancesInput{Cluster: aws.String("prod")}).(*ecssdk.ListContainerInstancesOutput)
	if len(list.ContainerInstanceArns) != 4 {
		t.Fatalf("want 4 container instances, got %d", len(list.ContainerInstanceArns))
	}
	desc := r.must(r.ecs, "DescribeContainerInstances", &ecssdk.DescribeContainerInstancesInput{Cluster: aws.String("prod"),
		ContainerInstances: list.ContainerInstanceArns[:1]}).(*ecssdk.DescribeContainerInstancesOutput)
	ci := desc.ContainerInstances[0]
	attrs := map[string]string{}
	for _, a := range ci.Attributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	if attrs["ecs.instance-type"] != "m5.large" || attrs["ecs.ami-id"] != "ami-0abc" || attrs["ecs.os-type"] != "linux" || attrs["ecs.availability-zone"] == "" {
		t.Errorf("attributes %v", attrs)
	}
	for _, res := range ci.RegisteredResources {
		if aws.ToString(res.Name) == "CPU" && res.IntegerValue != 2048 {
			t.Errorf("CPU %d, want 2048", res.IntegerValue)
		}
	}

	// Scale in: two instances go, one from each zone, and leave ECS.
	r.must(r.svc, "SetDesiredCapacity", &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("web"), DesiredCapacity: aws.Int32(2)})
	r.advance(time.Second)
	if n := states(r.group("web"))[types.LifecycleStateTerminatingProceed]; n != 2 {
		t.Fatalf("want 2 terminating, got %v", states(r.group("web")))
	}
	r.advance(3 * time.Second)
	g = r.group("web")
	if len(g.Instances) != 2 || len(r.ec2.terminated) != 2 {
		t.Fatalf("instances %v, terminated %v", states(g), r.ec2.terminated)
	}
	zones = map[string]int{}
	for _, i := range g.Instances {
		zones[aws.ToString(i.AvailabilityZone)]++
	}
	if zones["us-east-1a"] != 1 || zones["us-east-1b"] != 1 {
		t.Errorf("zones after scale-in: %v", zones)
	}
	active := r.must(r.ecs, "ListContainerInstances", &ecssdk.ListContainerInstancesInput{Cluster: aws.String("prod"), Status: ecstypes.ContainerInstanceStatusActive}).(*ecssdk.ListContainerInstancesOutput)
	if len(active.ContainerInstanceArns) != 2 {
		t.Errorf("want 2 active container instances, got %d", len(active.ContainerInstanceArns))
	}
	acts := r.must(r.svc, "DescribeScalingActivities", &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("web")}).(*autoscaling.DescribeScalingActivitiesOutput)
	if len(acts.Activities) != 6 {
		t.Fatalf("want 6 activities, got %d", len(acts.Activities))
	}
	newest := acts.Activities[0]
	if newest.StatusCode != types.ScalingActivityStatusCodeSuccessful || aws.ToString(newest.Description)[:len("Terminating EC2 instance: i-")] != "Terminating EC2 instance: i-" {
		t.Errorf("newest activity %s %s", aws.ToString(newest.Description), newest.StatusCode)
	}
	want := "At 2024-05-01T10:00:04Z a user request explicitly set group desired capacity changing the desired capacity from 4 to 2."
	if got := aws.ToString(newest.Cause); len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("cause %q", got)
	}
}

func TestLifecycleHookTimesOutWithDefaultResult(t *testing.T) {
	r := newRig(t)
	r.must(r.svc, "CreateAutoScalingGroup", &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("hooked"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(2), DesiredCapacity: aws.Int32(1), AvailabilityZones: []string{"us-east-1a"},
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("web")},
		LifecycleHookSpecificationList: []types.LifecycleHookSpecification{{LifecycleHookName: aws.String("warm"),
			LifecycleTransition: aws.String(TransitionLaunching), HeartbeatTimeout: aws.Int32(30), DefaultResult: aws.String("CONTINUE")}}})
	r.advance(3 * time.Second)
	if n := states(r.group("hooked"))[types.LifecycleStatePendingWait]; n != 1 {
		t.Fatalf("want Pending:Wait, got %v", states(r.group("hooked")))
	}
	r.advance(30 * time.Second)
	if n := states(r.group("hooked"))[types.LifecycleStateInService]; n != 1 {
		t.Fatalf("want InService after the timeout, got %v", states(r.group("hooked")))
	}
}

func TestFailedLaunchIsAFailedActivityAndRetries(t *testing.T) {
	r := newRig(t)
	r.must(r.svc, "CreateAutoScalingGroup", &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("flaky"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(2), AvailabilityZones: []string{"us-east-1a"},
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("web")}})
	r.ec2.broken = true
	r.must(r.svc, "SetDesiredCapacity", &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("flaky"), DesiredCapacity: aws.Int32(1)})
	r.advance(5 * time.Second)
	acts := r.must(r.svc, "DescribeScalingActivities", &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("flaky")}).(*autoscaling.DescribeScalingActivitiesOutput)
	if len(acts.Activities) != 1 || acts.Activities[0].StatusCode != types.ScalingActivityStatusCodeFailed {
		t.Fatalf("want one failed activity before the retry delay, got %d", len(acts.Activities))
	}
	if msg := aws.ToString(acts.Activities[0].StatusMessage); msg == "" || aws.ToString(acts.Activities[0].Description) != "Launching a new EC2 instance.  Status Reason: "+msg {
		t.Errorf("description %q, message %q", aws.ToString(acts.Activities[0].Description), msg)
	}
	r.ec2.broken = false
	r.advance(8 * time.Second)
	if n := states(r.group("flaky"))[types.LifecycleStateInService]; n != 1 {
		t.Fatalf("no instance after the retry: %v", states(r.group("flaky")))
	}
}
