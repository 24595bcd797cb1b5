package elbv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The hashicorp/aws provider creates, re-reads without a diff, and destroys an
// ALB with a target group, listener and rule.
func TestELBv2Terraform(t *testing.T) {
	if testing.Short() {
		t.Skip("the aws provider waits 30 s twice for a new load balancer; skipped in -short mode")
	}
	ls := harness.Start(t)
	tf := harness.StartTerraform(t, ls, harness.DefaultNetworkHCL+`
resource "aws_lb" "web" {
  name               = "tf-web"
  load_balancer_type = "application"
  subnets            = slice(sort(data.aws_subnets.default.ids), 0, 2)
  idle_timeout       = 120
  tags               = { team = "web" }
}

resource "aws_lb_target_group" "app" {
  name                 = "tf-app"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = data.aws_vpc.default.id
  deregistration_delay = 30
  health_check {
    path    = "/health"
    matcher = "200-299"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "api"
      status_code  = "200"
    }
  }
  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

resource "aws_lb_target_group_attachment" "task" {
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = "172.31.3.4"
  port             = 8080
}
`)
	c := elb.NewFromConfig(ls.Config)
	tf.ApplyPlanDestroy(func() {
		lbs, err := c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{Names: []string{"tf-web"}})
		if err != nil {
			t.Fatal(err)
		}
		attrs, err := c.DescribeLoadBalancerAttributes(harness.Ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range attrs.Attributes {
			if *a.Key == "idle_timeout.timeout_seconds" && *a.Value != "120" {
				t.Errorf("idle timeout %s", *a.Value)
			}
		}
		tgs, err := c.DescribeTargetGroups(harness.Ctx, &elb.DescribeTargetGroupsInput{Names: []string{"tf-app"}})
		if err != nil || aws.ToString(tgs.TargetGroups[0].HealthCheckPath) != "/health" || len(tgs.TargetGroups[0].LoadBalancerArns) != 1 {
			t.Fatalf("target group %+v %v", tgs, err)
		}
		h, err := c.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tgs.TargetGroups[0].TargetGroupArn})
		if err != nil || len(h.TargetHealthDescriptions) != 1 || *h.TargetHealthDescriptions[0].Target.Id != "172.31.3.4" {
			t.Fatalf("targets %+v %v", h, err)
		}
	})
	lbs, err := c.DescribeLoadBalancers(harness.Ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil || len(lbs.LoadBalancers) != 0 {
		t.Errorf("left after destroy: %+v %v", lbs, err)
	}
}
