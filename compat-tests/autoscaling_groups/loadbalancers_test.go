package autoscalinggroups_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestTargetGroupsAndTrafficSources(t *testing.T) {
	t.Parallel()
	e := start(t)
	elbc := elb.NewFromConfig(e.ls.Config)
	vpcs, err := e.ec2.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(vpcs.Vpcs) != 1 {
		t.Fatalf("default VPC: %v", err)
	}
	tg, err := elbc.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(8080), VpcId: vpcs.Vpcs[0].VpcId, TargetType: elbtypes.TargetTypeEnumInstance})
	if err != nil {
		t.Fatal(err)
	}
	tgArn := aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	lt := e.launchTemplate("lbs", "t3.micro", "")
	e.createGroup("lbs", lt, 0, 2, 2)
	_, err = e.as.AttachLoadBalancerTargetGroups(harness.Ctx, &autoscaling.AttachLoadBalancerTargetGroupsInput{AutoScalingGroupName: aws.String("lbs"),
		TargetGroupARNs: []string{tgArn + "x"}})
	harness.AssertAPIError(t, err, "ValidationError")
	if _, err := e.as.AttachLoadBalancerTargetGroups(harness.Ctx, &autoscaling.AttachLoadBalancerTargetGroupsInput{AutoScalingGroupName: aws.String("lbs"),
		TargetGroupARNs: []string{tgArn}}); err != nil {
		t.Fatal(err)
	}
	e.inService("lbs", 20*time.Second)
	var ids []string
	for _, i := range e.group("lbs").Instances {
		ids = append(ids, aws.ToString(i.InstanceId))
	}
	targets := func() []string {
		out, err := elbc.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range out.TargetHealthDescriptions {
			if d.TargetHealth.State != elbtypes.TargetHealthStateEnumDraining {
				got = append(got, aws.ToString(d.Target.Id))
			}
		}
		slices.Sort(got)
		return got
	}
	slices.Sort(ids)
	harness.Eventually(t, 10*time.Second, "the instances as targets", func() (bool, string) { return slices.Equal(targets(), ids), "" })
	tgs, err := e.as.DescribeLoadBalancerTargetGroups(harness.Ctx, &autoscaling.DescribeLoadBalancerTargetGroupsInput{AutoScalingGroupName: aws.String("lbs")})
	if err != nil {
		t.Fatal(err)
	}
	if len(tgs.LoadBalancerTargetGroups) != 1 || aws.ToString(tgs.LoadBalancerTargetGroups[0].State) != "InService" {
		t.Errorf("target groups %+v", tgs.LoadBalancerTargetGroups)
	}
	lbs, err := e.as.DescribeLoadBalancers(harness.Ctx, &autoscaling.DescribeLoadBalancersInput{AutoScalingGroupName: aws.String("lbs")})
	if err != nil || len(lbs.LoadBalancers) != 0 {
		t.Errorf("classic load balancers %v %v", lbs, err)
	}
	if _, err := e.as.DetachLoadBalancerTargetGroups(harness.Ctx, &autoscaling.DetachLoadBalancerTargetGroupsInput{AutoScalingGroupName: aws.String("lbs"),
		TargetGroupARNs: []string{tgArn}}); err != nil {
		t.Fatal(err)
	}
	if got := targets(); len(got) != 0 {
		t.Errorf("targets after detach %v", got)
	}

	// The same target group as a traffic source.
	if _, err := e.as.AttachTrafficSources(harness.Ctx, &autoscaling.AttachTrafficSourcesInput{AutoScalingGroupName: aws.String("lbs"),
		TrafficSources: []types.TrafficSourceIdentifier{{Identifier: aws.String(tgArn), Type: aws.String("elbv2")}}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.as.AttachTrafficSources(harness.Ctx, &autoscaling.AttachTrafficSourcesInput{AutoScalingGroupName: aws.String("lbs"),
		TrafficSources: []types.TrafficSourceIdentifier{{Identifier: aws.String("arn:aws:vpc-lattice:us-east-1:000000000000:targetgroup/tg-1"), Type: aws.String("vpc-lattice")}}})
	harness.AssertAPIError(t, err, "ValidationError")
	harness.Eventually(t, 10*time.Second, "the instances as targets again", func() (bool, string) { return slices.Equal(targets(), ids), "" })
	ts, err := e.as.DescribeTrafficSources(harness.Ctx, &autoscaling.DescribeTrafficSourcesInput{AutoScalingGroupName: aws.String("lbs")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts.TrafficSources) != 1 || aws.ToString(ts.TrafficSources[0].Identifier) != tgArn || aws.ToString(ts.TrafficSources[0].Type) != "elbv2" {
		t.Errorf("traffic sources %+v", ts.TrafficSources)
	}
	// A terminating instance leaves the target group.
	if _, err := e.as.TerminateInstanceInAutoScalingGroup(harness.Ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{InstanceId: aws.String(ids[0]),
		ShouldDecrementDesiredCapacity: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if got := targets(); slices.Contains(got, ids[0]) {
		t.Errorf("terminating instance still a target: %v", got)
	}
	if _, err := e.as.DetachTrafficSources(harness.Ctx, &autoscaling.DetachTrafficSourcesInput{AutoScalingGroupName: aws.String("lbs"),
		TrafficSources: []types.TrafficSourceIdentifier{{Identifier: aws.String(tgArn), Type: aws.String("elbv2")}}}); err != nil {
		t.Fatal(err)
	}
	if got := targets(); len(got) != 0 {
		t.Errorf("targets after detaching the traffic source %v", got)
	}
}

// TestELBHealthCheckReplacesUnhealthyInstances: with HealthCheckType ELB, an
// instance its target group finds unhealthy is replaced.
func TestELBHealthCheckReplacesUnhealthyInstances(t *testing.T) {
	t.Parallel()
	e := start(t)
	elbc := elb.NewFromConfig(e.ls.Config)
	vpcs, err := e.ec2.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(vpcs.Vpcs) != 1 {
		t.Fatalf("default VPC: %v", err)
	}
	tg, err := elbc.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("health"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: vpcs.Vpcs[0].VpcId, TargetType: elbtypes.TargetTypeEnumInstance})
	if err != nil {
		t.Fatal(err)
	}
	tgArn := aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	// Targets get health only behind a load balancer.
	lb, err := elbc.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("health"), Subnets: e.defaultSubnets()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := elbc.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgArn)}}}); err != nil {
		t.Fatal(err)
	}
	lt := e.launchTemplate("health", "t3.micro", "")
	_, err = e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("health"),
		MinSize: aws.Int32(1), MaxSize: aws.Int32(1), HealthCheckType: aws.String("ELB"), HealthCheckGracePeriod: aws.Int32(0),
		VPCZoneIdentifier: aws.String(e.defaultSubnets()[0]), TargetGroupARNs: []string{tgArn},
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)}})
	if err != nil {
		t.Fatal(err)
	}
	e.inService("health", 10*time.Second)
	sick := aws.ToString(e.group("health").Instances[0].InstanceId)
	harness.Eventually(t, 10*time.Second, "the instance as a target", func() (bool, string) {
		out, _ := elbc.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn)})
		return len(out.TargetHealthDescriptions) == 1, ""
	})
	resp := harness.Raw(t, e.ls, "POST", "/_longshore/elbv2/target-health", map[string]string{"Content-Type": "application/json"},
		`{"targetGroupArn":"`+tgArn+`","targetId":"`+sick+`","port":80,"state":"unhealthy"}`)
	if resp.Status != 200 {
		t.Fatalf("target-health: %d %s", resp.Status, resp.Body)
	}
	harness.Contains(t, resp.Body, `"state": "unhealthy"`)
	harness.Eventually(t, 20*time.Second, "a healthy replacement", func() (bool, string) {
		g := e.group("health")
		return len(g.Instances) == 1 && aws.ToString(g.Instances[0].InstanceId) != sick && g.Instances[0].LifecycleState == types.LifecycleStateInService, ""
	})
	acts, _ := e.as.DescribeScalingActivities(harness.Ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("health")})
	found := false
	for _, a := range acts.Activities {
		found = found || strings.Contains(aws.ToString(a.Cause), "in response to an ELB system health check failure.")
	}
	if !found {
		t.Errorf("no activity for the ELB health check failure")
	}
}
