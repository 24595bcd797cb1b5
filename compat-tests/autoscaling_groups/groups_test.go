package autoscalinggroups_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestGroupLifecycle(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("web", "m5.large", "")
	subnets := e.defaultSubnets()
	_, err := e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("web"), MinSize: aws.Int32(0), MaxSize: aws.Int32(10), DesiredCapacity: aws.Int32(0),
		VPCZoneIdentifier: aws.String(strings.Join(subnets, ",")),
		LaunchTemplate:    &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("web")},
		Tags:              []types.Tag{{Key: aws.String("team"), Value: aws.String("core"), PropagateAtLaunch: aws.Bool(true)}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := autoscaling.NewGroupExistsWaiter(e.as).Wait(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"web"}}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	g := e.group("web")
	if !regexp.MustCompile(`^arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName/web$`).MatchString(aws.ToString(g.AutoScalingGroupARN)) {
		t.Errorf("ARN %s", aws.ToString(g.AutoScalingGroupARN))
	}
	if aws.ToString(g.HealthCheckType) != "EC2" || aws.ToInt32(g.DefaultCooldown) != 300 || len(g.AvailabilityZones) != 2 ||
		aws.ToString(g.LaunchTemplate.Version) != "$Default" || aws.ToString(g.LaunchTemplate.LaunchTemplateName) != "web" ||
		len(g.TerminationPolicies) != 1 || g.TerminationPolicies[0] != "Default" || len(g.Tags) != 1 {
		t.Errorf("defaults: %+v", g)
	}

	// Validation in AWS's words, and nothing changes.
	_, err = e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(1), VPCZoneIdentifier: aws.String(subnets[0]),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)}})
	ae := harness.AssertAPIError(t, err, "AlreadyExists")
	harness.Contains(t, ae.ErrorMessage(), "AutoScalingGroup by this name already exists")
	_, err = e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("bad"),
		MinSize: aws.Int32(2), MaxSize: aws.Int32(1), VPCZoneIdentifier: aws.String(subnets[0]),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)}})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "Max bound, 1, must be greater than or equal to min bound, 2")
	_, err = e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("bad"),
		MinSize: aws.Int32(1), MaxSize: aws.Int32(3), DesiredCapacity: aws.Int32(5), VPCZoneIdentifier: aws.String(subnets[0]),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)}})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "Desired capacity:5 must be between the specified min size:1 and max size:3")
	_, err = e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("bad"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(1), VPCZoneIdentifier: aws.String(subnets[0])})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
	_, err = e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("bad"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(1), LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)}})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "At least one Availability Zone or VPC Subnet is required.")
	if out, _ := e.as.DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"bad"}}); len(out.AutoScalingGroups) != 0 {
		t.Errorf("a refused group was created")
	}

	// UpdateAutoScalingGroup: the desired capacity follows a raised minimum.
	if _, err := e.as.UpdateAutoScalingGroup(harness.Ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"), MinSize: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	if g := e.group("web"); aws.ToInt32(g.DesiredCapacity) != 2 || aws.ToInt32(g.MinSize) != 2 {
		t.Errorf("after update: min %d desired %d", aws.ToInt32(g.MinSize), aws.ToInt32(g.DesiredCapacity))
	}
	e.inService("web", 20*time.Second)
	zones := map[string]int{}
	for _, i := range e.group("web").Instances {
		zones[aws.ToString(i.AvailabilityZone)]++
		if !strings.HasPrefix(aws.ToString(i.InstanceId), "i-") || aws.ToString(i.InstanceType) != "m5.large" || aws.ToString(i.HealthStatus) != "Healthy" {
			t.Errorf("instance %+v", i)
		}
	}
	if zones["us-east-1a"] != 1 || zones["us-east-1b"] != 1 {
		t.Errorf("zones %v", zones)
	}

	// SetDesiredCapacity checks the bounds.
	_, err = e.as.SetDesiredCapacity(harness.Ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("web"), DesiredCapacity: aws.Int32(11)})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "New SetDesiredCapacity value 11 is above max value 10 for the AutoScalingGroup.")
	_, err = e.as.SetDesiredCapacity(harness.Ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("web"), DesiredCapacity: aws.Int32(1)})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "New SetDesiredCapacity value 1 is below min value 2 for the AutoScalingGroup.")
	if _, err := e.as.SetDesiredCapacity(harness.Ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("web"), DesiredCapacity: aws.Int32(4)}); err != nil {
		t.Fatal(err)
	}
	e.inService("web", 20*time.Second)

	// DescribeAutoScalingInstances through the paginator.
	var all []types.AutoScalingInstanceDetails
	p := autoscaling.NewDescribeAutoScalingInstancesPaginator(e.as, &autoscaling.DescribeAutoScalingInstancesInput{MaxRecords: aws.Int32(3)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, out.AutoScalingInstances...)
	}
	if len(all) != 4 || pages != 2 {
		t.Fatalf("%d instances in %d pages", len(all), pages)
	}
	if aws.ToString(all[0].AutoScalingGroupName) != "web" || aws.ToString(all[0].LifecycleState) != "InService" {
		t.Errorf("details %+v", all[0])
	}

	// The launched instances carry the group's propagated tags.
	ids := []string{}
	for _, i := range all {
		ids = append(ids, aws.ToString(i.InstanceId))
	}
	checkInstanceTags(t, e, ids[0])

	// Scale-in protection keeps instances when the group shrinks.
	if _, err := e.as.SetInstanceProtection(harness.Ctx, &autoscaling.SetInstanceProtectionInput{AutoScalingGroupName: aws.String("web"),
		InstanceIds: ids[:2], ProtectedFromScaleIn: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.as.SetInstanceProtection(harness.Ctx, &autoscaling.SetInstanceProtectionInput{AutoScalingGroupName: aws.String("web"),
		InstanceIds: []string{"i-0123456789abcdef0"}, ProtectedFromScaleIn: aws.Bool(true)})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "The instance i-0123456789abcdef0 is not part of Auto Scaling group web.")
	if _, err := e.as.SetDesiredCapacity(harness.Ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("web"), DesiredCapacity: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 15*time.Second, "scale-in to 2", func() (bool, string) { return len(e.group("web").Instances) == 2, "" })
	for _, i := range e.group("web").Instances {
		if !aws.ToBool(i.ProtectedFromScaleIn) {
			t.Errorf("unprotected instance %s kept", aws.ToString(i.InstanceId))
		}
	}

	// TerminateInstanceInAutoScalingGroup, with and without decrement.
	_, err = e.as.TerminateInstanceInAutoScalingGroup(harness.Ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{InstanceId: aws.String(ids[0]), ShouldDecrementDesiredCapacity: aws.Bool(true)})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "Currently, desiredSize equals minSize (2).")
	_, err = e.as.TerminateInstanceInAutoScalingGroup(harness.Ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{InstanceId: aws.String("i-0000000000000000f"), ShouldDecrementDesiredCapacity: aws.Bool(false)})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "Instance Id not found - No managed instance found for instance ID: i-0000000000000000f")
	term, err := e.as.TerminateInstanceInAutoScalingGroup(harness.Ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{InstanceId: aws.String(ids[0]), ShouldDecrementDesiredCapacity: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	a := term.Activity
	if aws.ToString(a.Description) != "Terminating EC2 instance: "+ids[0] || a.StatusCode != types.ScalingActivityStatusCodeInProgress ||
		!strings.HasSuffix(aws.ToString(a.Cause), "instance "+ids[0]+" was taken out of service in response to a user request.") {
		t.Errorf("activity %s / %s / %s", aws.ToString(a.Description), a.StatusCode, aws.ToString(a.Cause))
	}
	// A replacement comes up.
	harness.Eventually(t, 20*time.Second, "replacement", func() (bool, string) {
		g := e.group("web")
		return len(g.Instances) == 2 && lifecycleStates(g)["InService"] == 2, ""
	})

	// DescribeScalingActivities: newest first, in AWS's words, through the paginator.
	var acts []types.Activity
	ap := autoscaling.NewDescribeScalingActivitiesPaginator(e.as, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("web"), MaxRecords: aws.Int32(4)})
	for ap.HasMorePages() {
		out, err := ap.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		acts = append(acts, out.Activities...)
	}
	if len(acts) != 8 {
		t.Fatalf("%d activities, want 8 (5 launches, 3 terminations)", len(acts))
	}
	oldest := acts[len(acts)-1]
	if !regexp.MustCompile(`^Launching a new EC2 instance: i-[0-9a-f]{17}$`).MatchString(aws.ToString(oldest.Description)) {
		t.Errorf("description %q", aws.ToString(oldest.Description))
	}
	if !regexp.MustCompile(`^At \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ a user request update of AutoScalingGroup constraints to min: 2, max: 10, desired: 2 changing the desired capacity from 0 to 2\.  At \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 2\.$`).MatchString(aws.ToString(oldest.Cause)) {
		t.Errorf("cause %q", aws.ToString(oldest.Cause))
	}
	if oldest.StatusCode != types.ScalingActivityStatusCodeSuccessful || aws.ToInt32(oldest.Progress) != 100 || oldest.EndTime == nil {
		t.Errorf("oldest activity %s %d", oldest.StatusCode, aws.ToInt32(oldest.Progress))
	}
	harness.Contains(t, aws.ToString(oldest.Details), `"Availability Zone":"us-east-1`)

	// DeleteAutoScalingGroup: refused while instances remain, then forced.
	_, err = e.as.DeleteAutoScalingGroup(harness.Ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("web")})
	ae = harness.AssertAPIError(t, err, "ResourceInUse")
	harness.Contains(t, ae.ErrorMessage(), "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.")
	_, err = e.as.DeleteAutoScalingGroup(harness.Ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("nope")})
	harness.AssertAPIError(t, err, "ValidationError")
	if _, err := e.as.DeleteAutoScalingGroup(harness.Ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"), ForceDelete: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	w := autoscaling.NewGroupNotExistsWaiter(e.as, func(o *autoscaling.GroupNotExistsWaiterOptions) { o.MinDelay, o.MaxDelay = time.Second, time.Second })
	if err := w.Wait(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"web"}}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	// Deleted groups' activities stay describable on request.
	out, err := e.as.DescribeScalingActivities(harness.Ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("web"), IncludeDeletedGroups: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Activities) < 10 || aws.ToString(out.Activities[0].AutoScalingGroupState) != "Deleted" {
		t.Errorf("%d activities of the deleted group", len(out.Activities))
	}
	out, _ = e.as.DescribeScalingActivities(harness.Ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("web")})
	if len(out.Activities) != 0 {
		t.Errorf("deleted group's activities listed by default")
	}
}
