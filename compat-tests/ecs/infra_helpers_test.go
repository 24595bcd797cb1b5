package ecs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// infraClient starts a fresh Longshore and returns an ECS client for it.
func infraClient(t *testing.T) *ecs.Client {
	t.Helper()
	return ecs.NewFromConfig(harness.Start(t).Config)
}

// infraRegisterInstance registers an instance with 2048 CPU units and 3896 MiB.
func infraRegisterInstance(t *testing.T, client *ecs.Client, cluster, instanceID, instanceType, zone string, attrs ...types.Attribute) *types.ContainerInstance {
	t.Helper()
	return harness.RegisterContainerInstance(t, client, cluster, instanceID, instanceType, zone, 2048, 3896, attrs...)
}

func infraFargateTaskDefinition(family string) *ecs.RegisterTaskDefinitionInput {
	return harness.FargateDefinition(family, "web", "nginx:latest", 80)
}
