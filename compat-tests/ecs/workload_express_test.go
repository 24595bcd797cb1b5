package ecs_test

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestWorkloadExpressGatewayService(t *testing.T) {
	e := wlStart(t)
	const execRole = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole"
	out, err := e.client.CreateExpressGatewayService(harness.Ctx, &ecs.CreateExpressGatewayServiceInput{
		Cluster: aws.String(e.cluster), ServiceName: aws.String("shop"),
		ExecutionRoleArn:      aws.String(execRole),
		InfrastructureRoleArn: aws.String("arn:aws:iam::000000000000:role/ecsInfrastructureRole"),
		PrimaryContainer:      &types.ExpressGatewayContainer{Image: aws.String("public.ecr.aws/nginx/nginx:latest"), ContainerPort: aws.Int32(8080)},
		ScalingTarget:         &types.ExpressGatewayScalingTarget{MinTaskCount: aws.Int32(2), MaxTaskCount: aws.Int32(4)},
		Tags:                  []types.Tag{wlTag("app", "shop")},
	})
	if err != nil {
		t.Fatal(err)
	}
	ex := out.Service
	if aws.ToString(ex.ServiceArn) != "arn:aws:ecs:us-east-1:000000000000:service/apps/shop" || aws.ToString(ex.Cluster) != wlClusterArn("apps") ||
		ex.Status == nil || ex.Status.StatusCode != types.ExpressGatewayServiceStatusCodeActive || ex.CurrentDeployment == nil {
		t.Fatalf("express service %+v", ex)
	}
	if len(ex.ActiveConfigurations) != 1 {
		t.Fatalf("configurations %+v", ex.ActiveConfigurations)
	}
	cfg := ex.ActiveConfigurations[0]
	if aws.ToString(cfg.Cpu) != "256" || aws.ToString(cfg.Memory) != "512" || aws.ToString(cfg.HealthCheckPath) != "/ping" ||
		aws.ToInt32(cfg.ScalingTarget.MinTaskCount) != 2 || cfg.ScalingTarget.AutoScalingMetric == "" || len(cfg.IngressPaths) != 1 ||
		cfg.ServiceRevisionArn == nil || len(cfg.NetworkConfiguration.Subnets) == 0 {
		t.Errorf("configuration %+v", cfg)
	}
	endpoint := aws.ToString(cfg.IngressPaths[0].Endpoint)
	if !regexp.MustCompile(`^https://sh-[0-9a-f]{32}\.ecs\.us-east-1\.on\.aws$`).MatchString(endpoint) {
		t.Errorf("endpoint %s", endpoint)
	}

	// The service underneath is an ordinary Fargate service managed by ECS.
	svc, err := e.client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{"shop"}})
	if err != nil {
		t.Fatal(err)
	}
	s := svc.Services[0]
	if s.DesiredCount != 2 || s.LaunchType != types.LaunchTypeFargate || s.ResourceManagementType != types.ResourceManagementTypeEcs {
		t.Errorf("underlying service desired %d launch %s management %s", s.DesiredCount, s.LaunchType, s.ResourceManagementType)
	}
	td, err := e.client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: s.TaskDefinition})
	if err != nil {
		t.Fatal(err)
	}
	c := td.TaskDefinition.ContainerDefinitions[0]
	if aws.ToString(c.Name) != "Main" || aws.ToInt32(c.PortMappings[0].ContainerPort) != 8080 || aws.ToString(td.TaskDefinition.ExecutionRoleArn) != execRole {
		t.Errorf("task definition %+v", td.TaskDefinition)
	}

	d, err := e.client.DescribeExpressGatewayService(harness.Ctx, &ecs.DescribeExpressGatewayServiceInput{ServiceArn: ex.ServiceArn,
		Include: []types.ExpressGatewayServiceInclude{types.ExpressGatewayServiceIncludeTags}})
	if err != nil {
		t.Fatal(err)
	}
	if !wlHasTag(d.Service.Tags, "app", "shop") {
		t.Errorf("tags %+v", d.Service.Tags)
	}

	up, err := e.client.UpdateExpressGatewayService(harness.Ctx, &ecs.UpdateExpressGatewayServiceInput{ServiceArn: ex.ServiceArn,
		Cpu: aws.String("512"), Memory: aws.String("1024")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.Service.TargetConfiguration.Cpu) != "512" || aws.ToString(up.Service.TargetConfiguration.IngressPaths[0].Endpoint) != endpoint || aws.ToString(up.Service.TargetConfiguration.PrimaryContainer.Image) != "public.ecr.aws/nginx/nginx:latest" {
		t.Errorf("target configuration %+v", up.Service.TargetConfiguration)
	}
	svc, _ = e.client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{"shop"}})
	if len(svc.Services[0].Deployments) < 2 || aws.ToString(svc.Services[0].TaskDefinition) == aws.ToString(s.TaskDefinition) {
		t.Errorf("update did not deploy a new revision: %+v", svc.Services[0].Deployments)
	}

	del, err := e.client.DeleteExpressGatewayService(harness.Ctx, &ecs.DeleteExpressGatewayServiceInput{ServiceArn: ex.ServiceArn})
	if err != nil {
		t.Fatal(err)
	}
	if del.Service.Status.StatusCode != types.ExpressGatewayServiceStatusCodeDraining {
		t.Errorf("deleted status %s", del.Service.Status.StatusCode)
	}
	_, err = e.client.DeleteExpressGatewayService(harness.Ctx, &ecs.DeleteExpressGatewayServiceInput{ServiceArn: ex.ServiceArn})
	harness.AssertAPIError(t, err, "ServiceNotActiveException")
	_, err = e.client.DescribeExpressGatewayService(harness.Ctx, &ecs.DescribeExpressGatewayServiceInput{ServiceArn: aws.String("arn:aws:ecs:us-east-1:000000000000:service/apps/ghost")})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
	_, err = e.client.UpdateExpressGatewayService(harness.Ctx, &ecs.UpdateExpressGatewayServiceInput{ServiceArn: aws.String("arn:aws:ecs:us-east-1:000000000000:service/apps/ghost")})
	harness.AssertAPIError(t, err, "ServiceNotFoundException")
}
