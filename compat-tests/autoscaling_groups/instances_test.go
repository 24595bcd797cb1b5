package autoscalinggroups_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestStandbyDetachAndHealth(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("standby", "t3.micro", "")
	e.createGroup("sb", lt, 0, 3, 3)
	e.inService("sb", 20*time.Second)
	ids := []string{}
	for _, i := range e.group("sb").Instances {
		ids = append(ids, aws.ToString(i.InstanceId))
	}

	sb, err := e.as.EnterStandby(harness.Ctx, &autoscaling.EnterStandbyInput{AutoScalingGroupName: aws.String("sb"), InstanceIds: ids[:1], ShouldDecrementDesiredCapacity: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(sb.Activities) != 1 || aws.ToString(sb.Activities[0].Description) != "Moving EC2 instance to Standby: "+ids[0] {
		t.Errorf("standby activities %+v", sb.Activities)
	}
	g := e.group("sb")
	if aws.ToInt32(g.DesiredCapacity) != 2 || lifecycleStates(g)["Standby"] != 1 {
		t.Errorf("after standby: desired %d %v", aws.ToInt32(g.DesiredCapacity), lifecycleStates(g))
	}
	_, err = e.as.EnterStandby(harness.Ctx, &autoscaling.EnterStandbyInput{AutoScalingGroupName: aws.String("sb"), InstanceIds: ids[:1], ShouldDecrementDesiredCapacity: aws.Bool(true)})
	harness.AssertAPIError(t, err, "ValidationError")
	if _, err := e.as.ExitStandby(harness.Ctx, &autoscaling.ExitStandbyInput{AutoScalingGroupName: aws.String("sb"), InstanceIds: ids[:1]}); err != nil {
		t.Fatal(err)
	}
	if g := e.group("sb"); aws.ToInt32(g.DesiredCapacity) != 3 || lifecycleStates(g)["InService"] != 3 {
		t.Errorf("after exit: desired %d %v", aws.ToInt32(g.DesiredCapacity), lifecycleStates(g))
	}

	det, err := e.as.DetachInstances(harness.Ctx, &autoscaling.DetachInstancesInput{AutoScalingGroupName: aws.String("sb"), InstanceIds: ids[1:2], ShouldDecrementDesiredCapacity: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(det.Activities) != 1 || det.Activities[0].StatusCode != types.ScalingActivityStatusCodeSuccessful {
		t.Errorf("detach activities %+v", det.Activities)
	}
	if g := e.group("sb"); len(g.Instances) != 2 || aws.ToInt32(g.DesiredCapacity) != 2 {
		t.Errorf("after detach: %d instances, desired %d", len(g.Instances), aws.ToInt32(g.DesiredCapacity))
	}

	// An unhealthy instance is replaced.
	if _, err := e.as.SetInstanceHealth(harness.Ctx, &autoscaling.SetInstanceHealthInput{InstanceId: aws.String(ids[2]), HealthStatus: aws.String("Unhealthy")}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 20*time.Second, "a replacement", func() (bool, string) {
		g := e.group("sb")
		for _, i := range g.Instances {
			if aws.ToString(i.InstanceId) == ids[2] {
				return false, ""
			}
		}
		return lifecycleStates(g)["InService"] == 2, ""
	})
	_, err = e.as.SetInstanceHealth(harness.Ctx, &autoscaling.SetInstanceHealthInput{InstanceId: aws.String(ids[0]), HealthStatus: aws.String("Sick")})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestMixedInstancesPolicy(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("mixed", "t3.micro", "")
	_, err := e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("mixed"),
		MinSize: aws.Int32(1), MaxSize: aws.Int32(2), AvailabilityZones: []string{"us-east-1c"},
		MixedInstancesPolicy: &types.MixedInstancesPolicy{
			LaunchTemplate: &types.LaunchTemplate{LaunchTemplateSpecification: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)},
				Overrides: []types.LaunchTemplateOverrides{{InstanceType: aws.String("c5.large")}, {InstanceType: aws.String("m5.large")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.inService("mixed", 20*time.Second)
	g := e.group("mixed")
	if d := g.MixedInstancesPolicy.InstancesDistribution; d == nil || aws.ToString(d.OnDemandAllocationStrategy) != "prioritized" || aws.ToInt32(d.OnDemandPercentageAboveBaseCapacity) != 100 {
		t.Errorf("distribution %+v", d)
	}
	i := g.Instances[0]
	if aws.ToString(i.InstanceType) != "c5.large" || aws.ToString(i.AvailabilityZone) != "us-east-1c" || aws.ToString(i.LaunchTemplate.LaunchTemplateId) != lt {
		t.Errorf("instance %+v", i)
	}
}

func TestWarmPool(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("warm", "t3.micro", "")
	e.createGroup("warm", lt, 0, 3, 0)
	if _, err := e.as.PutWarmPool(harness.Ctx, &autoscaling.PutWarmPoolInput{AutoScalingGroupName: aws.String("warm"), MinSize: aws.Int32(1), MaxGroupPreparedCapacity: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 15*time.Second, "a warmed pool", func() (bool, string) {
		out, err := e.as.DescribeWarmPool(harness.Ctx, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String("warm")})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, i := range out.Instances {
			if i.LifecycleState == types.LifecycleStateWarmedStopped {
				n++
			}
		}
		return n == 2 && out.WarmPoolConfiguration.PoolState == types.WarmPoolStateStopped, ""
	})
	// Scaling out takes instances from the pool.
	warm, _ := e.as.DescribeWarmPool(harness.Ctx, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String("warm")})
	if _, err := e.as.SetDesiredCapacity(harness.Ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("warm"), DesiredCapacity: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	e.inService("warm", 15*time.Second)
	id := aws.ToString(e.group("warm").Instances[0].InstanceId)
	if id != aws.ToString(warm.Instances[0].InstanceId) && id != aws.ToString(warm.Instances[1].InstanceId) {
		t.Errorf("instance %s did not come from the warm pool", id)
	}
	if g := e.group("warm"); aws.ToInt32(g.WarmPoolSize) < 1 {
		t.Errorf("warm pool size %d", aws.ToInt32(g.WarmPoolSize))
	}
	if _, err := e.as.DeleteWarmPool(harness.Ctx, &autoscaling.DeleteWarmPoolInput{AutoScalingGroupName: aws.String("warm")}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 15*time.Second, "the warm pool to go", func() (bool, string) {
		out, _ := e.as.DescribeWarmPool(harness.Ctx, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String("warm")})
		return out.WarmPoolConfiguration == nil && len(out.Instances) == 0, ""
	})
	_, err := e.as.DeleteWarmPool(harness.Ctx, &autoscaling.DeleteWarmPoolInput{AutoScalingGroupName: aws.String("warm")})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestInstanceRefresh(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("refresh", "t3.micro", "")
	e.createGroup("refresh", lt, 0, 4, 2)
	e.inService("refresh", 20*time.Second)
	before := map[string]bool{}
	for _, i := range e.group("refresh").Instances {
		before[aws.ToString(i.InstanceId)] = true
	}
	_, err := e.as.CancelInstanceRefresh(harness.Ctx, &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String("refresh")})
	harness.AssertAPIError(t, err, "ActiveInstanceRefreshNotFound")
	start, err := e.as.StartInstanceRefresh(harness.Ctx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("refresh"),
		Preferences: &types.RefreshPreferences{MinHealthyPercentage: aws.Int32(50)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.as.StartInstanceRefresh(harness.Ctx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("refresh")})
	harness.AssertAPIError(t, err, "InstanceRefreshInProgress")
	_, err = e.as.RollbackInstanceRefresh(harness.Ctx, &autoscaling.RollbackInstanceRefreshInput{AutoScalingGroupName: aws.String("refresh")})
	harness.AssertAPIError(t, err, "IrreversibleInstanceRefresh")
	harness.Eventually(t, 30*time.Second, "the refresh", func() (bool, string) {
		out, err := e.as.DescribeInstanceRefreshes(harness.Ctx, &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String("refresh")})
		if err != nil {
			t.Fatal(err)
		}
		r := out.InstanceRefreshes[0]
		return aws.ToString(r.InstanceRefreshId) == aws.ToString(start.InstanceRefreshId) && r.Status == types.InstanceRefreshStatusSuccessful && aws.ToInt32(r.PercentageComplete) == 100, ""
	})
	harness.Eventually(t, 10*time.Second, "the replaced instances to go", func() (bool, string) { return len(e.group("refresh").Instances) == 2, "" })
	g := e.group("refresh")
	for _, i := range g.Instances {
		if before[aws.ToString(i.InstanceId)] {
			t.Errorf("instance %s was not replaced", aws.ToString(i.InstanceId))
		}
	}

	// A second refresh can be cancelled.
	if _, err := e.as.StartInstanceRefresh(harness.Ctx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("refresh")}); err != nil {
		t.Fatal(err)
	}
	c, err := e.as.CancelInstanceRefresh(harness.Ctx, &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String("refresh")})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := e.as.DescribeInstanceRefreshes(harness.Ctx, &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String("refresh"), InstanceRefreshIds: []string{aws.ToString(c.InstanceRefreshId)}})
	if len(out.InstanceRefreshes) != 1 || out.InstanceRefreshes[0].Status != types.InstanceRefreshStatusCancelled {
		t.Errorf("cancelled refresh %+v", out.InstanceRefreshes)
	}
}

func TestAttachInstances(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("attach", "t3.micro", "")
	e.createGroup("attach", lt, 0, 2, 0)
	run, err := e.ec2.RunInstances(harness.Ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0c1f44b7c2f3b0a77"), InstanceType: ec2types.InstanceTypeT3Micro,
		MinCount: aws.Int32(3), MaxCount: aws.Int32(3), Placement: &ec2types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, i := range run.Instances {
		ids = append(ids, aws.ToString(i.InstanceId))
	}
	w := ec2.NewInstanceRunningWaiter(e.ec2, func(o *ec2.InstanceRunningWaiterOptions) { o.MinDelay, o.MaxDelay = time.Second, time.Second })
	if err := w.Wait(harness.Ctx, &ec2.DescribeInstancesInput{InstanceIds: ids}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	_, err = e.as.AttachInstances(harness.Ctx, &autoscaling.AttachInstancesInput{AutoScalingGroupName: aws.String("attach"), InstanceIds: ids})
	ae := harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "To attach 3 instances, please update the AutoScalingGroup sizes appropriately.")
	if _, err := e.as.AttachInstances(harness.Ctx, &autoscaling.AttachInstancesInput{AutoScalingGroupName: aws.String("attach"), InstanceIds: ids[:2]}); err != nil {
		t.Fatal(err)
	}
	e.inService("attach", 10*time.Second)
	if g := e.group("attach"); aws.ToInt32(g.DesiredCapacity) != 2 || len(g.Instances) != 2 {
		t.Errorf("desired %d, %d instances", aws.ToInt32(g.DesiredCapacity), len(g.Instances))
	}
	acts, _ := e.as.DescribeScalingActivities(harness.Ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("attach")})
	if len(acts.Activities) != 2 || !strings.HasPrefix(aws.ToString(acts.Activities[0].Description), "Attaching an existing EC2 instance: i-") {
		t.Errorf("activities %+v", acts.Activities)
	}
	_, err = e.as.AttachInstances(harness.Ctx, &autoscaling.AttachInstancesInput{AutoScalingGroupName: aws.String("attach"), InstanceIds: []string{"i-0000000000000000a"}})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestLaunchInstances(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("direct", "t3.micro", "")
	e.createGroup("direct", lt, 0, 3, 0)
	subnet := e.defaultSubnets()[1]
	out, err := e.as.LaunchInstances(harness.Ctx, &autoscaling.LaunchInstancesInput{AutoScalingGroupName: aws.String("direct"),
		RequestedCapacity: aws.Int32(2), ClientToken: aws.String("token-1"), SubnetIds: []string{subnet}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Instances) != 1 || len(out.Instances[0].InstanceIds) != 2 || aws.ToString(out.Instances[0].SubnetId) != subnet ||
		aws.ToString(out.Instances[0].AvailabilityZone) != "us-east-1b" || len(out.Errors) != 0 {
		t.Fatalf("launched %+v errors %+v", out.Instances, out.Errors)
	}
	if d := aws.ToInt32(e.group("direct").DesiredCapacity); d != 2 {
		t.Errorf("desired %d, want 2", d)
	}
	// The same token replays the same answer; with other parameters it is refused.
	again, err := e.as.LaunchInstances(harness.Ctx, &autoscaling.LaunchInstancesInput{AutoScalingGroupName: aws.String("direct"),
		RequestedCapacity: aws.Int32(2), ClientToken: aws.String("token-1"), SubnetIds: []string{subnet}})
	if err != nil || len(again.Instances) != 1 || again.Instances[0].InstanceIds[0] != out.Instances[0].InstanceIds[0] {
		t.Errorf("replay %+v %v", again, err)
	}
	_, err = e.as.LaunchInstances(harness.Ctx, &autoscaling.LaunchInstancesInput{AutoScalingGroupName: aws.String("direct"),
		RequestedCapacity: aws.Int32(1), ClientToken: aws.String("token-1")})
	harness.AssertAPIError(t, err, "IdempotentParameterMismatch")
	_, err = e.as.LaunchInstances(harness.Ctx, &autoscaling.LaunchInstancesInput{AutoScalingGroupName: aws.String("direct"),
		RequestedCapacity: aws.Int32(2), ClientToken: aws.String("token-2")})
	harness.AssertAPIError(t, err, "ValidationError")
	e.inService("direct", 10*time.Second)
}

// Lowering a warm pool's sizes shrinks it; DeleteWarmPool with ForceDelete
// and DeleteAutoScalingGroup with and without ForceDelete all finish on a
// group with a warm pool (what a Terraform destroy waits for).
// (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteWarmPool.html,
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html)
func TestWarmPoolShrinksAndGroupsDelete(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("shrink", "t3.micro", "")
	warmCount := func(name string) int {
		out, err := e.as.DescribeWarmPool(harness.Ctx, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, i := range out.Instances {
			if i.LifecycleState != types.LifecycleStateWarmedTerminating && i.LifecycleState != types.LifecycleStateWarmedTerminated {
				n++
			}
		}
		return n
	}
	gone := func(name string) {
		harness.Eventually(t, 30*time.Second, "group "+name+" to be deleted", func() (bool, string) {
			out, err := e.as.DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
			if err != nil {
				t.Fatal(err)
			}
			return len(out.AutoScalingGroups) == 0, fmt.Sprintf("%d groups", len(out.AutoScalingGroups))
		})
	}
	for _, name := range []string{"shrink", "force", "drain"} {
		e.createGroup(name, lt, 0, 3, 0)
		if _, err := e.as.PutWarmPool(harness.Ctx, &autoscaling.PutWarmPoolInput{AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(3)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"shrink", "force", "drain"} {
		harness.Eventually(t, 20*time.Second, "three warm instances in "+name, func() (bool, string) {
			n := warmCount(name)
			return n == 3, fmt.Sprintf("%d warm", n)
		})
	}
	if _, err := e.as.PutWarmPool(harness.Ctx, &autoscaling.PutWarmPoolInput{AutoScalingGroupName: aws.String("shrink"), MinSize: aws.Int32(1), MaxGroupPreparedCapacity: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 20*time.Second, "the pool to shrink to one", func() (bool, string) {
		out, _ := e.as.DescribeWarmPool(harness.Ctx, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String("shrink")})
		return len(out.Instances) == 1, fmt.Sprintf("%d instances", len(out.Instances))
	})
	if _, err := e.as.DeleteWarmPool(harness.Ctx, &autoscaling.DeleteWarmPoolInput{AutoScalingGroupName: aws.String("shrink"), ForceDelete: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 20*time.Second, "the force-deleted pool to go", func() (bool, string) {
		out, _ := e.as.DescribeWarmPool(harness.Ctx, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String("shrink")})
		return out.WarmPoolConfiguration == nil && len(out.Instances) == 0, fmt.Sprintf("%d instances", len(out.Instances))
	})
	// Activities still finishing answer ScalingActivityInProgress, which clients retry.
	harness.Eventually(t, 30*time.Second, "the emptied group to delete", func() (bool, string) {
		_, err := e.as.DeleteAutoScalingGroup(harness.Ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("shrink")})
		return err == nil, fmt.Sprint(err)
	})
	gone("shrink")

	// ForceDelete takes the warm pool with the group.
	if _, err := e.as.DeleteAutoScalingGroup(harness.Ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("force"), ForceDelete: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	gone("force")

	// Without ForceDelete, warm instances keep the group (AWS's ResourceInUse);
	// once DeleteWarmPool has drained them the delete succeeds.
	_, err := e.as.DeleteAutoScalingGroup(harness.Ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("drain")})
	harness.AssertAPIError(t, err, "ResourceInUse")
	if _, err := e.as.DeleteWarmPool(harness.Ctx, &autoscaling.DeleteWarmPoolInput{AutoScalingGroupName: aws.String("drain")}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 30*time.Second, "the drained group to delete", func() (bool, string) {
		_, err := e.as.DeleteAutoScalingGroup(harness.Ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("drain")})
		return err == nil, fmt.Sprint(err)
	})
	gone("drain")
}
