package ecs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// infraClient starts a fresh Longshore and returns an ECS client for it.
func infraClient(t *testing.T) *ecs.Client {
	t.Helper()
	return ecs.NewFromConfig(harness.Start(t).Config)
}

func infraCreateCluster(t *testing.T, client *ecs.Client, name string) *types.Cluster {
	t.Helper()
	out, err := client.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Cluster
}

// infraIdentity is an EC2 instance identity document.
func infraIdentity(instanceID, instanceType, zone string) *string {
	return aws.String(`{"instanceId":"` + instanceID + `","instanceType":"` + instanceType +
		`","availabilityZone":"` + zone + `","imageId":"ami-0abcdef1234567890","region":"us-east-1","architecture":"x86_64","accountId":"000000000000"}`)
}

func infraRegisterInstance(t *testing.T, client *ecs.Client, cluster, instanceID, instanceType, zone string, attrs ...types.Attribute) *types.ContainerInstance {
	t.Helper()
	out, err := client.RegisterContainerInstance(harness.Ctx, &ecs.RegisterContainerInstanceInput{
		Cluster: aws.String(cluster), InstanceIdentityDocument: infraIdentity(instanceID, instanceType, zone),
		Attributes: attrs,
		TotalResources: []types.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: 2048},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: 3896},
		},
		VersionInfo: &types.VersionInfo{AgentVersion: aws.String("1.80.0"), AgentHash: aws.String("abc"), DockerVersion: aws.String("DockerVersion: 25.0.8")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.ContainerInstance
}

func infraFargateTaskDefinition(family string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu:                     aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("web"), Image: aws.String("nginx:latest"),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}},
		}},
	}
}
