package ecs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// wlEnv is a fresh Longshore with an ECS client and a cluster "apps" that has
// the Fargate capacity providers.
type wlEnv struct {
	ls      *longshoretest.Instance
	client  *ecs.Client
	cluster string
}

func wlStart(t *testing.T) *wlEnv {
	t.Helper()
	ls := harness.Start(t)
	e := &wlEnv{ls: ls, client: ecs.NewFromConfig(ls.Config), cluster: "apps"}
	harness.CreateCluster(t, e.client, e.cluster, "FARGATE", "FARGATE_SPOT")
	return e
}

const wlAccount = "000000000000"

func wlClusterArn(name string) string {
	return "arn:aws:ecs:us-east-1:" + wlAccount + ":cluster/" + name
}

// fargateFamily registers an awsvpc Fargate definition with one container "web" on port 80.
func (e *wlEnv) fargateFamily(t *testing.T, family, image string) string {
	t.Helper()
	return harness.RegisterTaskDefinition(t, e.client, harness.FargateDefinition(family, "web", image, 80))
}

// bridgeFamily registers an EC2 bridge-mode definition.
func (e *wlEnv) bridgeFamily(t *testing.T, family string) string {
	t.Helper()
	out, err := e.client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), NetworkMode: types.NetworkModeBridge,
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("worker"), Image: aws.String("busybox"), Essential: aws.Bool(true),
			Cpu: 128, Memory: aws.Int32(256),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

// registerInstance registers a container instance in the env's cluster.
func (e *wlEnv) registerInstance(t *testing.T, instanceID, zone string) string {
	t.Helper()
	return aws.ToString(harness.RegisterContainerInstance(t, e.client, e.cluster, instanceID, "m5.large", zone, 2048, 7680).ContainerInstanceArn)
}

func wlNetwork(subnets ...string) *types.NetworkConfiguration {
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
		Subnets: subnets}}
}

func wlTag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

func wlHasTag(tags []types.Tag, k, v string) bool {
	for _, t := range tags {
		if aws.ToString(t.Key) == k && aws.ToString(t.Value) == v {
			return true
		}
	}
	return false
}

// wlCLI runs the aws CLI against the env's instance.
func wlCLI(t *testing.T, e *wlEnv, args ...string) (string, error) {
	t.Helper()
	return harness.AWSCLI(t, e.ls, nil, args...)
}

// wlDetail is harness.Detail (kept by name where a line also names subnets).
func wlDetail(att types.Attachment, name string) string { return harness.Detail(att, name) }
