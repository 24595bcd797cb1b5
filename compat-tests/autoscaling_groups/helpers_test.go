package autoscalinggroups_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// env is one Longshore with the clients the tests use.
type env struct {
	t   *testing.T
	ls  *longshoretest.Instance
	as  *autoscaling.Client
	ec2 *ec2.Client
}

func start(t *testing.T) *env {
	ls := harness.Start(t)
	return &env{t: t, ls: ls, as: autoscaling.NewFromConfig(ls.Config), ec2: ec2.NewFromConfig(ls.Config)}
}

// startScaled runs Longshore with simulated time that many times faster.
func startScaled(t *testing.T, scale float64) *env {
	ls := harness.StartScaled(t, scale)
	return &env{t: t, ls: ls, as: autoscaling.NewFromConfig(ls.Config), ec2: ec2.NewFromConfig(ls.Config)}
}

// launchTemplate creates a launch template whose instances join an ECS cluster ("" = none).
func (e *env) launchTemplate(name, instanceType, cluster string) string {
	e.t.Helper()
	data := &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0c1f44b7c2f3b0a77"), InstanceType: ec2types.InstanceType(instanceType)}
	if cluster != "" {
		script := "#!/bin/bash\necho ECS_CLUSTER=" + cluster + " >> /etc/ecs/ecs.config\n"
		data.UserData = aws.String(base64.StdEncoding.EncodeToString([]byte(script)))
	}
	out, err := e.ec2.CreateLaunchTemplate(harness.Ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name), LaunchTemplateData: data})
	if err != nil {
		e.t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	return aws.ToString(out.LaunchTemplate.LaunchTemplateId)
}

// defaultSubnets returns the default VPC's subnets in us-east-1a and us-east-1b.
func (e *env) defaultSubnets() []string {
	e.t.Helper()
	var ids []string
	for _, s := range harness.DefaultSubnetDetails(e.t, e.ls.Config) {
		if z := aws.ToString(s.AvailabilityZone); z == "us-east-1a" || z == "us-east-1b" {
			ids = append(ids, aws.ToString(s.SubnetId))
		}
	}
	if len(ids) != 2 {
		e.t.Fatalf("want 2 default subnets, got %v", ids)
	}
	return ids
}

// createGroup creates a group from a launch template in the default subnets.
func (e *env) createGroup(name, templateID string, minSize, maxSize, desired int32) {
	e.t.Helper()
	_, err := e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(minSize), MaxSize: aws.Int32(maxSize), DesiredCapacity: aws.Int32(desired),
		VPCZoneIdentifier: aws.String(strings.Join(e.defaultSubnets(), ",")),
		LaunchTemplate:    &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(templateID), Version: aws.String("$Latest")}})
	if err != nil {
		e.t.Fatalf("CreateAutoScalingGroup: %v", err)
	}
}

func (e *env) group(name string) astypes.AutoScalingGroup {
	e.t.Helper()
	out, err := e.as.DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(out.AutoScalingGroups) != 1 {
		e.t.Fatalf("group %s: %d found", name, len(out.AutoScalingGroups))
	}
	return out.AutoScalingGroups[0]
}

// inService waits with the SDK's waiter (which wants MinSize instances in
// service), then until the whole desired capacity is in service.
func (e *env) inService(name string, timeout time.Duration) {
	e.t.Helper()
	w := autoscaling.NewGroupInServiceWaiter(e.as, func(o *autoscaling.GroupInServiceWaiterOptions) { o.MinDelay, o.MaxDelay = time.Second, time.Second })
	if err := w.Wait(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}}, timeout); err != nil {
		e.t.Fatalf("GroupInService %s: %v (instances %v)", name, err, lifecycleStates(e.group(name)))
	}
	harness.Eventually(e.t, timeout, name+" in service", func() (bool, string) {
		g := e.group(name)
		return len(g.Instances) == int(aws.ToInt32(g.DesiredCapacity)) && lifecycleStates(g)["InService"] == len(g.Instances), ""
	})
}

func lifecycleStates(g astypes.AutoScalingGroup) map[string]int {
	n := map[string]int{}
	for _, i := range g.Instances {
		n[string(i.LifecycleState)]++
	}
	return n
}

// sleepTicks lets the engine run a few passes.
func sleepTicks() { time.Sleep(1500 * time.Millisecond) }
