package autoscalinggroups_test

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestLaunchConfigurations(t *testing.T) {
	t.Parallel()
	e := start(t)
	ecsc := ecs.NewFromConfig(e.ls.Config)
	harness.CreateCluster(t, ecsc, "legacy")
	userData := base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\necho ECS_CLUSTER=legacy >> /etc/ecs/ecs.config\n"))
	if _, err := e.as.CreateLaunchConfiguration(harness.Ctx, &autoscaling.CreateLaunchConfigurationInput{LaunchConfigurationName: aws.String("legacy-lc"),
		ImageId: aws.String("ami-0c1f44b7c2f3b0a77"), InstanceType: aws.String("m5.large"), UserData: aws.String(userData)}); err != nil {
		t.Fatal(err)
	}
	_, err := e.as.CreateLaunchConfiguration(harness.Ctx, &autoscaling.CreateLaunchConfigurationInput{LaunchConfigurationName: aws.String("legacy-lc"),
		ImageId: aws.String("ami-0c1f44b7c2f3b0a77"), InstanceType: aws.String("m5.large")})
	harness.AssertAPIError(t, err, "AlreadyExists")
	_, err = e.as.CreateLaunchConfiguration(harness.Ctx, &autoscaling.CreateLaunchConfigurationInput{LaunchConfigurationName: aws.String("no-image"), InstanceType: aws.String("m5.large")})
	harness.AssertAPIError(t, err, "ValidationError")
	if _, err := e.as.CreateLaunchConfiguration(harness.Ctx, &autoscaling.CreateLaunchConfigurationInput{LaunchConfigurationName: aws.String("spare"),
		ImageId: aws.String("ami-0c1f44b7c2f3b0a77"), InstanceType: aws.String("t3.micro")}); err != nil {
		t.Fatal(err)
	}
	var names []string
	p := autoscaling.NewDescribeLaunchConfigurationsPaginator(e.as, &autoscaling.DescribeLaunchConfigurationsInput{MaxRecords: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, lc := range out.LaunchConfigurations {
			names = append(names, aws.ToString(lc.LaunchConfigurationName))
			if lc.LaunchConfigurationName != nil && *lc.LaunchConfigurationName == "legacy-lc" {
				if !regexp.MustCompile(`^arn:aws:autoscaling:us-east-1:000000000000:launchConfiguration:[0-9a-f-]{36}:launchConfigurationName/legacy-lc$`).MatchString(aws.ToString(lc.LaunchConfigurationARN)) ||
					aws.ToString(lc.UserData) != userData || !aws.ToBool(lc.InstanceMonitoring.Enabled) {
					t.Errorf("launch configuration %+v", lc)
				}
			}
		}
	}
	if strings.Join(names, ",") != "legacy-lc,spare" {
		t.Errorf("names %v", names)
	}

	_, err = e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("legacy"),
		LaunchConfigurationName: aws.String("legacy-lc"), MinSize: aws.Int32(1), MaxSize: aws.Int32(2), VPCZoneIdentifier: aws.String(e.defaultSubnets()[0])})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("ghost"),
		LaunchConfigurationName: aws.String("ghost-lc"), MinSize: aws.Int32(1), MaxSize: aws.Int32(2), VPCZoneIdentifier: aws.String(e.defaultSubnets()[0])})
	ae := harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "Launch configuration name not found - Launch configuration ghost-lc not found")
	e.inService("legacy", 15*time.Second)
	i := e.group("legacy").Instances[0]
	if aws.ToString(i.LaunchConfigurationName) != "legacy-lc" || i.LaunchTemplate != nil || aws.ToString(i.InstanceType) != "m5.large" {
		t.Errorf("instance %+v", i)
	}
	// Its agent joins the cluster the configuration's user data names.
	harness.Eventually(t, 10*time.Second, "the agent", func() (bool, string) {
		out, _ := ecsc.ListContainerInstances(harness.Ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String("legacy")})
		return len(out.ContainerInstanceArns) == 1, ""
	})
	_, err = e.as.DeleteLaunchConfiguration(harness.Ctx, &autoscaling.DeleteLaunchConfigurationInput{LaunchConfigurationName: aws.String("legacy-lc")})
	ae = harness.AssertAPIError(t, err, "ResourceInUse")
	harness.Contains(t, ae.ErrorMessage(), "attached to AutoScalingGroup legacy")
	if _, err := e.as.DeleteLaunchConfiguration(harness.Ctx, &autoscaling.DeleteLaunchConfigurationInput{LaunchConfigurationName: aws.String("spare")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.as.DeleteLaunchConfiguration(harness.Ctx, &autoscaling.DeleteLaunchConfigurationInput{LaunchConfigurationName: aws.String("spare")})
	harness.AssertAPIError(t, err, "ValidationError")
	limits, _ := e.as.DescribeAccountLimits(harness.Ctx, &autoscaling.DescribeAccountLimitsInput{})
	if aws.ToInt32(limits.NumberOfLaunchConfigurations) != 1 {
		t.Errorf("launch configurations counted %d", aws.ToInt32(limits.NumberOfLaunchConfigurations))
	}
	// Classic Load Balancers do not exist here.
	_, err = e.as.AttachLoadBalancers(harness.Ctx, &autoscaling.AttachLoadBalancersInput{AutoScalingGroupName: aws.String("legacy"), LoadBalancerNames: []string{"classic"}})
	harness.AssertAPIError(t, err, "ValidationError")
	if _, err := e.as.DetachLoadBalancers(harness.Ctx, &autoscaling.DetachLoadBalancersInput{AutoScalingGroupName: aws.String("legacy"), LoadBalancerNames: []string{"classic"}}); err != nil {
		t.Fatal(err)
	}
}
