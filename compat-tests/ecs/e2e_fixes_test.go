package ecs_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/longshore/longshore/compat-tests/harness"
)

// On AWS the service revision a deployment rolls out carries the
// deployment's number: deployment "ecs-svc/N" targets
// ".../service-revision/CLUSTER/SERVICE/N". The Terraform provider's
// wait_for_steady_state finds the service deployment to watch by exactly
// this match, and waits forever when it fails.
func TestE2EServiceRevisionCarriesDeploymentID(t *testing.T) {
	e := wlStart(t)
	td := e.fargateFamily(t, "rev", "nginx")
	out, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster),
		ServiceName: aws.String("rev"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
		LaunchType: "FARGATE", NetworkConfiguration: wlNetwork(e.subnet(t, 0))})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Service.Deployments) != 1 {
		t.Fatalf("deployments %+v", out.Service.Deployments)
	}
	id := strings.TrimPrefix(aws.ToString(out.Service.Deployments[0].Id), "ecs-svc/")
	list, err := e.client.ListServiceDeployments(harness.Ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.cluster), Service: aws.String("rev")})
	if err != nil || len(list.ServiceDeployments) != 1 {
		t.Fatalf("ListServiceDeployments: %+v %v", list, err)
	}
	want := "arn:aws:ecs:us-east-1:000000000000:service-revision/apps/rev/" + id
	if got := aws.ToString(list.ServiceDeployments[0].TargetServiceRevisionArn); got != want {
		t.Errorf("target service revision %s, want %s (deployment ecs-svc/%s)", got, want, id)
	}
}
