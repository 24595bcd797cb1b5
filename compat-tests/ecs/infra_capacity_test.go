package ecs_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

const infraASG = "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:2f1c0f0e-1111-2222-3333-444455556666:autoScalingGroupName/web-asg"

func TestInfraCapacityProviders(t *testing.T) {
	client := infraClient(t)
	out, err := client.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{
		Name: aws.String("web-cp"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(infraASG),
			ManagedScaling:               &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(80)},
			ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled},
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("test")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cp := out.CapacityProvider
	if aws.ToString(cp.CapacityProviderArn) != "arn:aws:ecs:us-east-1:000000000000:capacity-provider/web-cp" || cp.Status != types.CapacityProviderStatusActive {
		t.Errorf("provider %+v", cp)
	}
	ms := cp.AutoScalingGroupProvider.ManagedScaling
	if aws.ToInt32(ms.TargetCapacity) != 80 || aws.ToInt32(ms.MinimumScalingStepSize) != 1 || aws.ToInt32(ms.MaximumScalingStepSize) != 10000 || aws.ToInt32(ms.InstanceWarmupPeriod) != 300 {
		t.Errorf("managed scaling defaults %+v", ms)
	}

	_, err = client.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("web-cp"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(infraASG)}})
	harness.AssertAPIError(t, err, "ClientException")
	_, err = client.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("fargate-mine"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(infraASG)}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("other"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String("not-an-arn")}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("protect"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
			AutoScalingGroupArn:          aws.String("arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:2f1c0f0e-1111-2222-3333-444455556667:autoScalingGroupName/b"),
			ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled}})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	d, err := client.DescribeCapacityProviders(harness.Ctx, &ecs.DescribeCapacityProvidersInput{
		CapacityProviders: []string{"FARGATE", "web-cp", "missing"}, Include: []types.CapacityProviderField{types.CapacityProviderFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.CapacityProviders) != 2 || len(d.Failures) != 1 || aws.ToString(d.Failures[0].Reason) != "MISSING" {
		t.Fatalf("describe %+v", d)
	}
	if len(d.CapacityProviders[1].Tags) != 1 {
		t.Errorf("tags %+v", d.CapacityProviders[1].Tags)
	}
	all, err := client.DescribeCapacityProviders(harness.Ctx, &ecs.DescribeCapacityProvidersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.CapacityProviders) != 3 || aws.ToString(all.CapacityProviders[0].Name) != "FARGATE" || aws.ToString(all.CapacityProviders[1].Name) != "FARGATE_SPOT" {
		t.Errorf("all providers %+v", all.CapacityProviders)
	}

	up, err := client.UpdateCapacityProvider(harness.Ctx, &ecs.UpdateCapacityProviderInput{Name: aws.String("web-cp"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProviderUpdate{ManagedDraining: types.ManagedDrainingDisabled}})
	if err != nil {
		t.Fatal(err)
	}
	if up.CapacityProvider.AutoScalingGroupProvider.ManagedDraining != types.ManagedDrainingDisabled ||
		up.CapacityProvider.UpdateStatus != types.CapacityProviderUpdateStatusUpdateComplete {
		t.Errorf("update %+v", up.CapacityProvider)
	}

	// Cluster association and default strategy.
	harness.CreateCluster(t, client, "ec2")
	pc, err := client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("ec2"),
		CapacityProviders:               []string{"web-cp"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("web-cp"), Weight: 1, Base: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pc.Cluster.CapacityProviders) != 1 || len(pc.Cluster.DefaultCapacityProviderStrategy) != 1 {
		t.Errorf("cluster providers %+v", pc.Cluster)
	}
	if len(pc.Cluster.Attachments) != 1 || aws.ToString(pc.Cluster.Attachments[0].Type) != "as_policy" {
		t.Errorf("attachments %+v", pc.Cluster.Attachments)
	}
	// A strategy may only name associated providers, and may not mix Fargate and ASG providers.
	_, err = client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("ec2"),
		CapacityProviders:               []string{"web-cp"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("ec2"),
		CapacityProviders: []string{"web-cp", "FARGATE"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1},
			{CapacityProvider: aws.String("web-cp"), Weight: 1}}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("nope"),
		CapacityProviders: []string{}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
	// An Auto Scaling group provider serves one cluster only.
	harness.CreateCluster(t, client, "second")
	_, err = client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("second"),
		CapacityProviders: []string{"web-cp"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	// In use: cannot be deleted until the cluster lets go of it.
	_, err = client.DeleteCapacityProvider(harness.Ctx, &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("web-cp")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	if _, err := client.PutClusterCapacityProviders(harness.Ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("ec2"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1, Base: 2},
			{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3}}}); err != nil {
		t.Fatal(err)
	}
	del, err := client.DeleteCapacityProvider(harness.Ctx, &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("web-cp")})
	if err != nil {
		t.Fatal(err)
	}
	if del.CapacityProvider.UpdateStatus != types.CapacityProviderUpdateStatusDeleteInProgress {
		t.Errorf("delete %+v", del.CapacityProvider)
	}
	d, err = client.DescribeCapacityProviders(harness.Ctx, &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"web-cp"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.CapacityProviders) != 1 || d.CapacityProviders[0].Status != types.CapacityProviderStatusInactive {
		t.Errorf("after delete %+v", d)
	}
	_, err = client.DeleteCapacityProvider(harness.Ctx, &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("FARGATE")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

func TestInfraDescribeCapacityProvidersPaginator(t *testing.T) {
	client := infraClient(t)
	for i, n := range []string{"cp-a", "cp-b", "cp-c"} {
		asg := "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:2f1c0f0e-1111-2222-3333-44445555666" + string(rune('0'+i)) + ":autoScalingGroupName/" + n
		if _, err := client.CreateCapacityProvider(harness.Ctx, &ecs.CreateCapacityProviderInput{Name: aws.String(n),
			AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(asg)}}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"FARGATE", "FARGATE_SPOT", "cp-a", "cp-b", "cp-c"}
	for _, size := range []int32{1, 2, 10} {
		var names []string
		token := (*string)(nil)
		for page := 0; page < 10; page++ {
			out, err := client.DescribeCapacityProviders(harness.Ctx, &ecs.DescribeCapacityProvidersInput{MaxResults: aws.Int32(size), NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.CapacityProviders) > int(size) {
				t.Errorf("page of %d with maxResults %d", len(out.CapacityProviders), size)
			}
			for _, cp := range out.CapacityProviders {
				names = append(names, aws.ToString(cp.Name))
			}
			if token = out.NextToken; token == nil {
				break
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("maxResults %d: names %v", size, names)
		}
	}
	_, err := client.DescribeCapacityProviders(harness.Ctx, &ecs.DescribeCapacityProvidersInput{NextToken: aws.String("forged")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

func TestInfraManagedInstancesProvider(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "mi")
	out, err := client.CreateCapacityProvider(harness.Ctx, infraManagedProvider("mi-cp", "mi"))
	if err != nil {
		t.Fatal(err)
	}
	if out.CapacityProvider.Type != types.CapacityProviderTypeManagedInstances || aws.ToString(out.CapacityProvider.Cluster) != "mi" {
		t.Errorf("provider %+v", out.CapacityProvider)
	}
	d, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"mi"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Clusters[0].CapacityProviders) != 1 || d.Clusters[0].CapacityProviders[0] != "mi-cp" {
		t.Errorf("cluster providers %v", d.Clusters[0].CapacityProviders)
	}
	_, err = client.CreateCapacityProvider(harness.Ctx, infraManagedProvider("mi-2", "absent"))
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
}

func infraManagedProvider(name, cluster string) *ecs.CreateCapacityProviderInput {
	return &ecs.CreateCapacityProviderInput{Name: aws.String(name), Cluster: aws.String(cluster),
		ManagedInstancesProvider: &types.CreateManagedInstancesProviderConfiguration{
			InfrastructureRoleArn: aws.String("arn:aws:iam::000000000000:role/ecsInfrastructureRole"),
			InstanceLaunchTemplate: &types.InstanceLaunchTemplate{
				Ec2InstanceProfileArn: aws.String("arn:aws:iam::000000000000:instance-profile/ecsInstance"),
				NetworkConfiguration:  &types.ManagedInstancesNetworkConfiguration{Subnets: []string{"subnet-0123456789abcdef0"}},
			},
		}}
}
