package elbv2traffic_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The hashicorp/aws provider creates an ALB with two target groups and a
// listener with two rules in front of two test servers on 127.0.0.1; requests
// through the load balancer's DNS name then follow the rules, the provider
// re-reads everything without a diff, and destroy leaves nothing.
func TestTerraformALBCarriesTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("the aws provider waits 30 s for a new load balancer; skipped in -short mode")
	}
	e := start(t)
	web, api := newBackend(t, "web"), newBackend(t, "api")
	tf := harness.StartTerraform(t, e.ls, harness.DefaultNetworkHCL+fmt.Sprintf(`
resource "aws_lb" "web" {
  name               = "tf-traffic"
  load_balancer_type = "application"
  subnets            = slice(sort(data.aws_subnets.default.ids), 0, 2)
  idle_timeout       = 120
  tags               = { team = "web" }
}

resource "aws_lb_target_group" "web" {
  name                 = "tf-web"
  port                 = 80
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = data.aws_vpc.default.id
  deregistration_delay = 30
  health_check {
    path                = "/health"
    matcher             = "200-299"
    interval            = 5
    timeout             = 2
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "api" {
  name        = "tf-api"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = data.aws_vpc.default.id
  health_check {
    path                = "/health"
    interval            = 5
    timeout             = 2
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn  = aws_lb_target_group.web.arn
  target_id         = "127.0.0.1"
  port              = %d
  availability_zone = "all"
}

resource "aws_lb_target_group_attachment" "api" {
  target_group_arn  = aws_lb_target_group.api.arn
  target_id         = "127.0.0.1"
  port              = %d
  availability_zone = "all"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

resource "aws_lb_listener_rule" "maintenance" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 20
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "down for maintenance"
      status_code  = "503"
    }
  }
  condition {
    http_header {
      http_header_name = "X-Maintenance"
      values           = ["on"]
    }
  }
}

output "dns_name" {
  value = aws_lb.web.dns_name
}

output "listener_arn" {
  value = aws_lb_listener.http.arn
}
`, web.port, api.port))
	tf.ApplyPlanDestroy(func() {
		dns := tf.Output("dns_name")
		listener := tf.Output("listener_arn")
		ep := e.endpoint(&listener)
		for _, c := range []struct {
			addr, host, path string
			header           map[string]string
			status           int
			body             string
		}{
			{e.mainAddr(), dns, "/", nil, 200, "web"},
			{e.mainAddr(), dns, "/api/v1", nil, 200, "api"},
			{ep.LocalAddress, "", "/api/v1", nil, 200, "api"},
			{ep.LocalAddress, "", "/", map[string]string{"X-Maintenance": "on"}, 503, "down for maintenance"},
		} {
			if r := e.get(c.addr, c.host, c.path, c.header); r.status != c.status || r.body != c.body {
				t.Errorf("GET %s via %s (Host %q): %d %q, want %d %q", c.path, c.addr, c.host, r.status, r.body, c.status, c.body)
			}
		}
		lbs := harness.Must(e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{Names: []string{"tf-traffic"}}))(t)
		attrs := harness.Must(e.c.DescribeLoadBalancerAttributes(harness.Ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn}))(t)
		for _, a := range attrs.Attributes {
			if aws.ToString(a.Key) == "idle_timeout.timeout_seconds" && aws.ToString(a.Value) != "120" {
				t.Errorf("idle timeout %s", aws.ToString(a.Value))
			}
		}
		tgs := harness.Must(e.c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{Names: []string{"tf-web"}}))(t)
		if g := tgs.TargetGroups[0]; aws.ToString(g.HealthCheckPath) != "/health" || len(g.LoadBalancerArns) != 1 {
			t.Errorf("target group %+v", g)
		}
	})
	lbs := harness.Must(e.c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{}))(t)
	if len(lbs.LoadBalancers) != 0 {
		t.Errorf("left after destroy: %+v", lbs.LoadBalancers)
	}
}
