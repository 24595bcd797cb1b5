package terraform_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestTerraformServiceConnect: a Service Connect namespace (an HTTP
// namespace of Cloud Map), a cluster defaulting to it and two Fargate
// services, a server and its client, using service_connect_configuration.
func TestTerraformServiceConnect(t *testing.T) {
	t.Parallel()
	ls := harness.StartScaled(t, 20)
	requireServices(t, ls, "ecs", "servicediscovery")
	tf := harness.StartTerraform(t, ls, `
data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

resource "aws_service_discovery_http_namespace" "shop" {
  name        = "shop"
  description = "Service Connect namespace"
}

resource "aws_ecs_cluster" "shop" {
  name = "shop"
  service_connect_defaults {
    namespace = aws_service_discovery_http_namespace.shop.arn
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name         = "api"
    image        = "nginx"
    essential    = true
    portMappings = [{ name = "http", containerPort = 8080, protocol = "tcp" }]
  }])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
  launch_type     = "FARGATE"
  network_configuration {
    subnets = data.aws_subnets.default.ids
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_http_namespace.shop.arn
    service {
      port_name      = "http"
      discovery_name = "api"
      client_alias {
        port     = 80
        dns_name = "api.shop"
      }
    }
  }
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 1
  launch_type     = "FARGATE"
  network_configuration {
    subnets = data.aws_subnets.default.ids
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_http_namespace.shop.arn
  }
}
`)
	tf.ApplyPlanDestroy(func() {
		c := sd.NewFromConfig(ls.Config)
		ns := harness.Must(c.ListNamespaces(harness.Ctx, &sd.ListNamespacesInput{}))(t).Namespaces
		if len(ns) != 1 || aws.ToString(ns[0].Name) != "shop" {
			t.Fatalf("namespaces %+v", ns)
		}
		svc := harness.DescribeService(t, ecs.NewFromConfig(ls.Config), "shop", "api")
		res := svc.Deployments[0].ServiceConnectResources
		if len(res) != 1 {
			t.Fatalf("service connect resources %+v", res)
		}
		harness.Eventually(t, longWait, "api tasks registered in Cloud Map", func() (bool, string) {
			out, err := c.ListInstances(harness.Ctx, &sd.ListInstancesInput{ServiceId: res[0].DiscoveryArn})
			if err != nil {
				return false, err.Error()
			}
			return len(out.Instances) == 2, aws.ToString(res[0].DiscoveryArn)
		})
	})
	out := harness.Must(sd.NewFromConfig(ls.Config).ListNamespaces(harness.Ctx, &sd.ListNamespacesInput{}))(t)
	if len(out.Namespaces) != 0 {
		t.Errorf("namespaces left after destroy: %d", len(out.Namespaces))
	}
}
