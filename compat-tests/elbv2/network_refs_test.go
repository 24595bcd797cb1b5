package elbv2_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// subnets are the default VPC's default subnets, ordered by zone.
func (e *env) subnets() []string { return harness.DefaultSubnets(e.t, e.ls.Config) }

// vpc is the default VPC.
func (e *env) vpc() string { return harness.DefaultVPC(e.t, e.ls.Config) }

// groups creates n security groups in the default VPC.
func (e *env) groups(n int) []string {
	e.t.Helper()
	var out []string
	for i := range n {
		g, err := ec2.NewFromConfig(e.ls.Config).CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{
			GroupName: aws.String(unique(fmt.Sprintf("lb-%d", i))), Description: aws.String("load balancer"), VpcId: aws.String(e.vpc())})
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, aws.ToString(g.GroupId))
	}
	return out
}

// A subnet EC2 does not know is SubnetNotFound, on create and on SetSubnets,
// with EC2's code as the message. Recorded from AWS by the Java SDK, which
// prints "<message> (Service: …; Error Code: <code>; …)":
// "InvalidSubnetID.NotFound (Service: AmazonElasticLoadBalancingV2; Status
// Code: 400; Error Code: SubnetNotFound; …)" (github.com/mozilla/fxa-dev
// issue 449; CloudFormation shows the same message in aws/aws-cdk issue 3676).
func TestNetworkRefsUnknownSubnet(t *testing.T) {
	e := start(t)
	real := e.subnets()
	_, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: []string{real[0], "subnet-0feedfacefeedface"}})
	ae := harness.AssertAPIError(t, err, "SubnetNotFound")
	if ae != nil && ae.ErrorMessage() != "InvalidSubnetID.NotFound" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	lb := e.alb("web")
	_, err = e.c.SetSubnets(harness.Ctx, &elb.SetSubnetsInput{LoadBalancerArn: lb.LoadBalancerArn, Subnets: []string{real[0], "subnet-0feedfacefeedface"}})
	harness.AssertAPIError(t, err, "SubnetNotFound")
	// The load balancer keeps its zones, which are its subnets' zones in EC2.
	d, err := e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{*lb.LoadBalancerArn}})
	if err != nil {
		t.Fatal(err)
	}
	zones := harness.SubnetZones(t, e.ls.Config, real[:2]...)
	got := d.LoadBalancers[0]
	if aws.ToString(got.VpcId) != e.vpc() || len(got.AvailabilityZones) != 2 {
		t.Fatalf("load balancer %+v", got)
	}
	for _, az := range got.AvailabilityZones {
		if zones[aws.ToString(az.SubnetId)] != aws.ToString(az.ZoneName) {
			t.Errorf("subnet %s in zone %s, EC2 has %s", aws.ToString(az.SubnetId), aws.ToString(az.ZoneName), zones[aws.ToString(az.SubnetId)])
		}
	}
}

// A security group EC2 does not know is InvalidSecurityGroup (AWS's answer
// quoted in github.com/kubernetes-sigs/aws-load-balancer-controller issue
// 2371: "InvalidSecurityGroup: The security group 'sg-005646f2913a5dbe4' does
// not exist"); a group of another VPC is InvalidConfigurationRequest,
// "Security group 'sg-…' does not belong to VPC 'vpc-…'" (quoted for ELBv2 in
// github.com/pulumi/pulumi-awsx issue 816).
func TestNetworkRefsSecurityGroups(t *testing.T) {
	e := start(t)
	real := e.subnets()
	_, _, otherGroup := harness.OtherVPC(t, e.ls.Config)
	vpc := e.vpc()

	_, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: real[:2],
		SecurityGroups: []string{"sg-0feedfacefeedface"}})
	ae := harness.AssertAPIError(t, err, "InvalidSecurityGroup")
	if ae != nil && ae.ErrorMessage() != "The security group 'sg-0feedfacefeedface' does not exist" {
		t.Errorf("unknown group on create: message %q", ae.ErrorMessage())
	}
	_, err = e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: real[:2],
		SecurityGroups: []string{otherGroup}})
	ae = harness.AssertAPIError(t, err, "InvalidConfigurationRequest")
	if want := fmt.Sprintf("Security group '%s' does not belong to VPC '%s'", otherGroup, vpc); ae != nil && ae.ErrorMessage() != want {
		t.Errorf("other VPC's group on create: message %q, want %q", ae.ErrorMessage(), want)
	}

	lb := e.alb("web")
	_, err = e.c.SetSecurityGroups(harness.Ctx, &elb.SetSecurityGroupsInput{LoadBalancerArn: lb.LoadBalancerArn, SecurityGroups: []string{"sg-0feedfacefeedface"}})
	ae = harness.AssertAPIError(t, err, "InvalidSecurityGroup")
	if ae != nil && ae.ErrorMessage() != "The security group 'sg-0feedfacefeedface' does not exist" {
		t.Errorf("unknown group on set: message %q", ae.ErrorMessage())
	}
	_, err = e.c.SetSecurityGroups(harness.Ctx, &elb.SetSecurityGroupsInput{LoadBalancerArn: lb.LoadBalancerArn, SecurityGroups: []string{otherGroup}})
	ae = harness.AssertAPIError(t, err, "InvalidConfigurationRequest")
	if want := fmt.Sprintf("Security group '%s' does not belong to VPC '%s'", otherGroup, vpc); ae != nil && ae.ErrorMessage() != want {
		t.Errorf("other VPC's group on set: message %q, want %q", ae.ErrorMessage(), want)
	}
	// The refused calls changed nothing: the load balancer keeps its VPC's default group.
	d, err := e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{*lb.LoadBalancerArn}})
	if err != nil {
		t.Fatal(err)
	}
	if g := d.LoadBalancers[0].SecurityGroups; len(g) != 1 || g[0] != harness.DefaultSecurityGroup(t, e.ls.Config) {
		t.Errorf("groups after refused calls %v", g)
	}
}

// A load balancer in another VPC takes that VPC's groups and subnets.
func TestNetworkRefsOtherVPC(t *testing.T) {
	e := start(t)
	vpc, subnets, group := harness.OtherVPC(t, e.ls.Config)
	out, err := e.c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("inner"), Subnets: subnets, SecurityGroups: []string{group}})
	if err != nil {
		t.Fatal(err)
	}
	if lb := out.LoadBalancers[0]; aws.ToString(lb.VpcId) != vpc || len(lb.SecurityGroups) != 1 || lb.SecurityGroups[0] != group {
		t.Errorf("load balancer %+v", lb)
	}
	_, err = e.c.SetSubnets(harness.Ctx, &elb.SetSubnetsInput{LoadBalancerArn: out.LoadBalancers[0].LoadBalancerArn, Subnets: e.subnets()[:2]})
	harness.AssertAPIError(t, err, "InvalidConfigurationRequest")
}

// A target group's VPC must be EC2's: an unknown one is a ValidationError,
// "The VPC ID 'vpc-…' is not found" (AWS's answer quoted in
// github.com/ansible/ansible issue 31919).
func TestNetworkRefsTargetGroupVPC(t *testing.T) {
	e := start(t)
	_, err := e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("tg"), Protocol: types.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String("vpc-0feedfacefeedface")})
	ae := harness.AssertAPIError(t, err, "ValidationError")
	if ae != nil && ae.ErrorMessage() != "The VPC ID 'vpc-0feedfacefeedface' is not found" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	vpc, _, _ := harness.OtherVPC(t, e.ls.Config)
	out, err := e.c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("tg"), Protocol: types.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String(vpc)})
	if err != nil || aws.ToString(out.TargetGroups[0].VpcId) != vpc {
		t.Fatalf("target group in a created VPC: %v %v", out, err)
	}
}
