package terraform_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// networkVPC is a VPC as users lay one out by hand: two public subnets, a
// security group with separate ingress rules, an internet gateway and its
// route table, a network ACL, an interface endpoint and DHCP options.
const networkVPC = `
resource "aws_vpc" "main" {
  cidr_block           = "10.60.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "tf-net" }
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone       = ["us-east-1a", "us-east-1b"][count.index]
  map_public_ip_on_launch = true
  tags                    = { Name = "public-${count.index}" }
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"
  vpc_id      = aws_vpc.main.id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "10.0.0.0/8"
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}

resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.public[*].id

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }

  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}

data "aws_vpc_endpoint_service" "ecr" {
  service = "ecr.dkr"
}

resource "aws_vpc_endpoint" "ecr" {
  vpc_id              = aws_vpc.main.id
  service_name        = data.aws_vpc_endpoint_service.ecr.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.public[*].id
  security_group_ids  = [aws_security_group.web.id]
  private_dns_enabled = true
}

resource "aws_vpc_dhcp_options" "corp" {
  domain_name         = "corp.internal"
  domain_name_servers = ["AmazonProvidedDNS"]
}

resource "aws_vpc_dhcp_options_association" "corp" {
  vpc_id          = aws_vpc.main.id
  dhcp_options_id = aws_vpc_dhcp_options.corp.id
}
`

// networkEdges are data sources and the resources around a cluster's
// instances: the default VPC's subnets, the ECS AMI, a key pair, a launch
// template, an instance, a NAT gateway and a gateway endpoint.
const networkEdges = `
data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

data "aws_ami" "ecs" {
  most_recent = true
  owners      = ["amazon"]
  filter {
    name   = "name"
    values = ["al2023-ami-ecs-hvm-*-x86_64"]
  }
}

data "aws_ssm_parameter" "ecs_ami" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

resource "aws_key_pair" "ops" {
  key_name   = "ops"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops"
}

resource "aws_launch_template" "ecs" {
  name_prefix   = "ecs-"
  image_id      = data.aws_ssm_parameter.ecs_ami.value
  instance_type = "t3.medium"
  key_name      = aws_key_pair.ops.key_name
  user_data     = base64encode("#!/bin/bash\necho ECS_CLUSTER=main >> /etc/ecs/ecs.config\n")
  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "ecs-node" }
  }
}

resource "aws_instance" "bastion" {
  ami           = data.aws_ami.ecs.id
  instance_type = "t3.micro"
  key_name      = aws_key_pair.ops.key_name
  user_data     = "#!/bin/bash\necho hi\n"
  tags          = { Name = "bastion" }
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = data.aws_subnets.default.ids[0]
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = data.aws_vpc.default.id
  service_name = "com.amazonaws.us-east-1.s3"
}

output "ami_name" {
  value = data.aws_ami.ecs.name
}
`

// networkIPv6 is what the community VPC module makes with IPv6 and VPN
// turned on: an Amazon-provided IPv6 block, dual-stack subnets, an
// egress-only internet gateway and its route, a flow log to CloudWatch
// Logs, a customer gateway and a VPN gateway.
const networkIPv6 = `
resource "aws_vpc" "dual" {
  cidr_block                       = "10.70.0.0/16"
  assign_generated_ipv6_cidr_block = true
  enable_dns_support               = true
  enable_dns_hostnames             = true
}

resource "aws_subnet" "private" {
  count                           = 2
  vpc_id                          = aws_vpc.dual.id
  cidr_block                      = cidrsubnet(aws_vpc.dual.cidr_block, 8, count.index)
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.dual.ipv6_cidr_block, 8, count.index)
  assign_ipv6_address_on_creation = true
}

resource "aws_egress_only_internet_gateway" "out" {
  vpc_id = aws_vpc.dual.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.dual.id
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

resource "aws_flow_log" "dual" {
  vpc_id          = aws_vpc.dual.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = aws_iam_role.flow.arn
}

resource "aws_customer_gateway" "office" {
  bgp_asn    = 65000
  ip_address = "203.0.113.12"
  type       = "ipsec.1"
}

resource "aws_vpn_gateway" "dual" {
  vpc_id          = aws_vpc.dual.id
  amazon_side_asn = 64620
}
`

// networkWarmPool is a group with a warm pool, the way the community Auto
// Scaling module writes one; its destroy deletes the warm pool, drains the
// group and deletes it, and must finish.
const networkWarmPool = `
resource "aws_vpc" "warm" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.warm.id
  cidr_block = "10.40.1.0/24"
}

resource "aws_launch_template" "warm" {
  name_prefix   = "warm-"
  image_id      = "ami-0c101f26f147fa7fd"
  instance_type = "t3.micro"
}

resource "aws_autoscaling_group" "warm" {
  name                = "warm-pool-group"
  vpc_zone_identifier = [aws_subnet.a.id]
  min_size                  = 0
  max_size                  = 2
  desired_capacity          = 0
  wait_for_capacity_timeout = "0"
  launch_template {
    id      = aws_launch_template.warm.id
    version = "$Latest"
  }
  warm_pool {
    pool_state                  = "Stopped"
    min_size                    = 1
    max_group_prepared_capacity = 2
  }
}
`

const networkLogGroup = `
resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/app"
  retention_in_days = 14
  tags              = { team = "web" }
}
`

// The network configurations users write, in one apply: every Terraform
// command starts the provider, whose schema alone costs seconds of CPU, so
// scenarios that need no separate server share one.
func TestTerraformNetwork(t *testing.T) {
	t.Parallel()
	ls := harness.StartScaled(t, 60)
	requireServices(t, ls, "ec2", "ssm", "autoscaling", "logs", "iam")
	tf := harness.StartTerraform(t, ls, networkVPC+networkEdges+networkIPv6+networkWarmPool+networkLogGroup)
	c := ec2.NewFromConfig(ls.Config)
	logs := cwl.NewFromConfig(ls.Config)
	tf.ApplyPlanDestroy(func() {
		vpcs, err := c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{"tf-net"}}}})
		if err != nil || len(vpcs.Vpcs) != 1 {
			t.Fatalf("vpcs %+v %v", vpcs, err)
		}
		vpc := aws.ToString(vpcs.Vpcs[0].VpcId)
		subs, _ := c.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
		if len(subs.Subnets) != 2 || !aws.ToBool(subs.Subnets[0].MapPublicIpOnLaunch) {
			t.Errorf("subnets %+v", subs.Subnets)
		}
		rts, _ := c.DescribeRouteTables(harness.Ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{aws.ToString(subs.Subnets[1].SubnetId)}}}})
		if len(rts.RouteTables) != 1 || len(rts.RouteTables[0].Routes) != 2 {
			t.Errorf("route tables %+v", rts.RouteTables)
		}
		sgs, _ := c.DescribeSecurityGroups(harness.Ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{"web"}}}})
		if len(sgs.SecurityGroups) != 1 || len(sgs.SecurityGroups[0].IpPermissions) != 2 || len(sgs.SecurityGroups[0].IpPermissionsEgress) != 1 {
			t.Errorf("security group %+v", sgs.SecurityGroups)
		}
		lts, err := c.DescribeLaunchTemplates(harness.Ctx, &ec2.DescribeLaunchTemplatesInput{})
		if err != nil || len(lts.LaunchTemplates) != 2 {
			t.Errorf("launch templates %+v %v", lts, err)
		}
		nats, _ := c.DescribeNatGateways(harness.Ctx, &ec2.DescribeNatGatewaysInput{})
		if len(nats.NatGateways) != 1 || nats.NatGateways[0].State != ec2types.NatGatewayStateAvailable {
			t.Errorf("nat gateways %+v", nats.NatGateways)
		}
		groups, err := logs.DescribeLogGroups(harness.Ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/")})
		if err != nil || len(groups.LogGroups) != 1 || aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 14 ||
			aws.ToString(groups.LogGroups[0].LogGroupArn) != "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/app" {
			t.Errorf("log groups %+v %v", groups, err)
		}
	})
	vpcs, _ := c.DescribeVpcs(harness.Ctx, &ec2.DescribeVpcsInput{})
	if len(vpcs.Vpcs) != 1 || !aws.ToBool(vpcs.Vpcs[0].IsDefault) {
		t.Errorf("left after destroy: %d VPCs", len(vpcs.Vpcs))
	}
	lts, _ := c.DescribeLaunchTemplates(harness.Ctx, &ec2.DescribeLaunchTemplatesInput{})
	keys, _ := c.DescribeKeyPairs(harness.Ctx, &ec2.DescribeKeyPairsInput{})
	if len(lts.LaunchTemplates) != 0 || len(keys.KeyPairs) != 0 {
		t.Errorf("left after destroy: %d templates, %d keys", len(lts.LaunchTemplates), len(keys.KeyPairs))
	}
	asgs, err := autoscaling.NewFromConfig(ls.Config).DescribeAutoScalingGroups(harness.Ctx, &autoscaling.DescribeAutoScalingGroupsInput{})
	if err != nil || len(asgs.AutoScalingGroups) != 0 {
		t.Errorf("groups left after destroy: %+v %v", asgs, err)
	}
	groups, _ := logs.DescribeLogGroups(harness.Ctx, &cwl.DescribeLogGroupsInput{})
	if len(groups.LogGroups) != 0 {
		t.Errorf("log groups left after destroy: %d", len(groups.LogGroups))
	}
}
