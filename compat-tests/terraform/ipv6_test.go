package terraform_test

import (
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestTerraformIPv6Network: what the community VPC module makes with IPv6
// and VPN turned on: an Amazon-provided IPv6 block, dual-stack subnets, an
// egress-only internet gateway and its route, a flow log to CloudWatch Logs,
// a customer gateway and a VPN gateway.
func TestTerraformIPv6Network(t *testing.T) {
	t.Parallel()
	ls := harness.Start(t)
	tf := harness.StartTerraform(t, ls, `
resource "aws_vpc" "main" {
  cidr_block                       = "10.70.0.0/16"
  assign_generated_ipv6_cidr_block = true
  enable_dns_support               = true
  enable_dns_hostnames             = true
}

resource "aws_subnet" "private" {
  count                           = 2
  vpc_id                          = aws_vpc.main.id
  cidr_block                      = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, count.index)
  assign_ipv6_address_on_creation = true
}

resource "aws_egress_only_internet_gateway" "out" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "ipv6_out" {
  route_table_id              = aws_route_table.private.id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.out.id
}

resource "aws_cloudwatch_log_group" "flow" {
  name = "/vpc/flow"
}

resource "aws_iam_role" "flow" {
  name = "flow-logs"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "vpc-flow-logs.amazonaws.com" } }]
  })
}

resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = aws_iam_role.flow.arn
}

resource "aws_customer_gateway" "office" {
  bgp_asn    = 65000
  ip_address = "203.0.113.12"
  type       = "ipsec.1"
}

resource "aws_vpn_gateway" "main" {
  vpc_id          = aws_vpc.main.id
  amazon_side_asn = 64620
}
`)
	tf.ApplyPlanDestroy(nil)
}
