package autoscalinggroups_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A VPCZoneIdentifier subnet EC2 does not know is a ValidationError, "The
// subnet ID 'subnet-…' does not exist", on create and on update (AWS's
// answer as quoted in github.com/ansible/ansible-modules-core issue 486:
// <Code>ValidationError</Code> <Message>The subnet ID '…' does not
// exist</Message>; also hashicorp/terraform issue 471).
func TestNetworkRefsUnknownSubnet(t *testing.T) {
	e := start(t)
	lt := e.launchTemplate("web", "t3.micro", "")
	subnets := harness.DefaultSubnets(t, e.ls.Config)
	_, err := e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("web"), MinSize: aws.Int32(0), MaxSize: aws.Int32(1),
		VPCZoneIdentifier: aws.String(subnets[0] + ",subnet-0feedfacefeedface"),
		LaunchTemplate:    &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)}})
	ae := harness.AssertAPIError(t, err, "ValidationError")
	if ae != nil && ae.ErrorMessage() != "The subnet ID 'subnet-0feedfacefeedface' does not exist" {
		t.Errorf("create: message %q", ae.ErrorMessage())
	}

	e.createGroup("web", lt, 0, 1, 0)
	_, err = e.as.UpdateAutoScalingGroup(harness.Ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"),
		VPCZoneIdentifier: aws.String("subnet-0feedfacefeedface")})
	ae = harness.AssertAPIError(t, err, "ValidationError")
	if ae != nil && ae.ErrorMessage() != "The subnet ID 'subnet-0feedfacefeedface' does not exist" {
		t.Errorf("update: message %q", ae.ErrorMessage())
	}
	// The group keeps its subnets, and its zones are theirs in EC2.
	g := e.group("web")
	have := strings.Split(aws.ToString(g.VPCZoneIdentifier), ",")
	zones := harness.SubnetZones(t, e.ls.Config, have...)
	if len(have) != 2 || len(g.AvailabilityZones) != 2 {
		t.Fatalf("group after refused update: subnets %v zones %v", have, g.AvailabilityZones)
	}
	for _, z := range g.AvailabilityZones {
		if z != zones[have[0]] && z != zones[have[1]] {
			t.Errorf("group zone %s is none of its subnets' %v", z, zones)
		}
	}
}
