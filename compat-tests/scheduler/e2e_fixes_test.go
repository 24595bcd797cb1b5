package scheduler_test

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// Cluster auto scaling scales out while any task is PROVISIONING, also when
// the tasks would fit the running instances by resources but a placement
// constraint (distinctInstance) keeps them off: on AWS M is then at least
// N + minimumScalingStepSize.
func TestE2EManagedScalingServesDistinctInstance(t *testing.T) {
	ls, client := setup(t)
	userData := base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\necho ECS_CLUSTER=" + cluster + " >> /etc/ecs/ecs.config\n"))
	lt, err := ec2.NewFromConfig(ls.Config).CreateLaunchTemplate(harness.Ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("distinct"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-0fa9244603097127c"),
			InstanceType: ec2types.InstanceTypeT3Medium, UserData: aws.String(userData)}})
	if err != nil {
		t.Fatal(err)
	}
	as := autoscaling.NewFromConfig(ls.Config)
	if _, err := as.CreateAutoScalingGroup(harness.Ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("distinct"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(3), DesiredCapacity: aws.Int32(0), AvailabilityZones: []string{"us-east-1a"},
		NewInstancesProtectedFromScaleIn: aws.Bool(true),
		LaunchTemplate:                   &astypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("$Latest")}}); err != nil {
		t.Fatal(err)
	}
	groups, err := as.DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"distinct"}})
	if err != nil || len(groups.AutoScalingGroups) != 1 {
		t.Fatalf("group: %v", err)
	}
	if _, err := client.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("distinct"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: groups.AutoScalingGroups[0].AutoScalingGroupARN,
			ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled,
			ManagedScaling:               &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100)}}}); err != nil {
		t.Fatal(err)
	}
	strategy := []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("distinct"), Weight: 1}}
	if _, err := client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String(cluster),
		CapacityProviders: []string{"distinct"}, DefaultCapacityProviderStrategy: strategy}); err != nil {
		t.Fatal(err)
	}
	td, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("small"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("httpd"), Essential: aws.Bool(true),
			Cpu: 256, Memory: aws.Int32(256)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String("spread"),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(2), CapacityProviderStrategy: strategy,
		PlacementConstraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeDistinctInstance}}}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, harness.Wait, "2 tasks RUNNING on 2 instances", func() (bool, string) {
		n := harness.DescribeService(t, client, cluster, "spread").RunningCount
		return n == 2, fmt.Sprintf("%d running", n)
	})
}
