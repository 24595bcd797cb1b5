package scheduler_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

const cluster = "sched"

// setup starts Longshore with a cluster and returns an ECS client.
func setup(t *testing.T) (*longshoretest.Instance, *ecs.Client) {
	t.Helper()
	ls := harness.Start(t)
	client := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, client, cluster)
	return ls, client
}

// fargateTaskDefinition registers a Fargate definition; labels simulate the container's behaviour.
func fargateTaskDefinition(t *testing.T, client *ecs.Client, family string, labels map[string]string) string {
	t.Helper()
	in := harness.FargateDefinition(family, "app", "public.ecr.aws/nginx/nginx:latest", 80)
	in.ContainerDefinitions[0].DockerLabels = labels
	return harness.RegisterTaskDefinition(t, client, in)
}

func fargateService(t *testing.T, client *ecs.Client, name, td string, desired int32, cfg *types.DeploymentConfiguration) *types.Service {
	t.Helper()
	out, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(desired),
		LaunchType: types.LaunchTypeFargate, DeploymentConfiguration: cfg,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: defaultSubnets(t, client)[:2], SecurityGroups: []string{defaultGroup(t, client)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Service
}
