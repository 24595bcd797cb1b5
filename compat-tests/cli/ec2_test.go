package cli_test

import (
	"strings"
	"testing"
)

// The network part of an ECS set-up by script: the default VPC, a new VPC
// with its waiter, subnets paged, a security group with a rule, an internet
// gateway, EC2's error codes, and the tear-down in dependency order.
func TestCLIEC2NetworkSession(t *testing.T) {
	s := start(t)
	s.requireServices("ec2")
	zones := strings.Fields(s.text("ec2", "describe-availability-zones", "--query", "AvailabilityZones[].ZoneName"))
	if len(zones) < 2 || zones[0] != "us-east-1a" {
		t.Fatalf("availability zones %v", zones)
	}
	s.equal("default VPC", s.text("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true", "--query", "Vpcs[0].CidrBlock"), "172.31.0.0/16")

	vpc := s.text("ec2", "create-vpc", "--cidr-block", "10.40.0.0/16",
		"--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=shop}]", "--query", "Vpc.VpcId")
	if !strings.HasPrefix(vpc, "vpc-") {
		t.Fatalf("vpc id %q", vpc)
	}
	s.run("ec2", "wait", "vpc-available", "--vpc-ids", vpc)
	s.run("ec2", "modify-vpc-attribute", "--vpc-id", vpc, "--enable-dns-hostnames", `{"Value":true}`)
	s.equal("dns hostnames", s.text("ec2", "describe-vpc-attribute", "--vpc-id", vpc, "--attribute", "enableDnsHostnames",
		"--query", "EnableDnsHostnames.Value"), "True")
	s.equal("by tag", s.text("ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=shop", "--query", "Vpcs[0].VpcId"), vpc)

	var subnets []string
	for i, cidr := range []string{"10.40.0.0/24", "10.40.1.0/24", "10.40.2.0/24"} {
		subnets = append(subnets, s.text("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", cidr,
			"--availability-zone", zones[i%2], "--query", "Subnet.SubnetId"))
	}
	s.run(append([]string{"ec2", "wait", "subnet-available", "--subnet-ids"}, subnets...)...)
	ids, pages := s.pages("Ids", 2, "ec2", "describe-subnets", "--filters", "Name=vpc-id,Values="+vpc,
		"--query", "{Ids: Subnets[].SubnetId, NextToken: NextToken}")
	if len(ids) != 3 || pages != 2 {
		t.Errorf("3 subnets with --max-items 2: %v in %d pages", ids, pages)
	}
	s.equal("free addresses", s.text("ec2", "describe-subnets", "--subnet-ids", subnets[0], "--query", "Subnets[0].AvailableIpAddressCount"), "251")
	s.fail("InvalidSubnet.Conflict", "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.40.0.128/25")

	sg := s.text("ec2", "create-security-group", "--group-name", "shop-web", "--description", "web tier", "--vpc-id", vpc, "--query", "GroupId")
	s.run("ec2", "wait", "security-group-exists", "--group-ids", sg)
	s.run("ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0")
	table := s.run("ec2", "describe-security-groups", "--group-ids", sg, "--output", "table",
		"--query", "SecurityGroups[].IpPermissions[].{From:FromPort,To:ToPort,Proto:IpProtocol}")
	s.tableHas(table, "DescribeSecurityGroups", "80", "tcp")
	s.fail("InvalidGroup.Duplicate", "ec2", "create-security-group", "--group-name", "shop-web", "--description", "again", "--vpc-id", vpc)

	igw := s.text("ec2", "create-internet-gateway", "--query", "InternetGateway.InternetGatewayId")
	s.run("ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
	s.fail("DependencyViolation", "ec2", "delete-vpc", "--vpc-id", vpc)
	s.fail("InvalidVpcID.NotFound", "ec2", "describe-vpcs", "--vpc-ids", "vpc-0123456789abcdef0")

	s.run("ec2", "detach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
	s.run("ec2", "delete-internet-gateway", "--internet-gateway-id", igw)
	s.run("ec2", "delete-security-group", "--group-id", sg)
	for _, id := range subnets {
		s.run("ec2", "delete-subnet", "--subnet-id", id)
	}
	s.run("ec2", "delete-vpc", "--vpc-id", vpc)
	s.equal("VPCs left", s.text("ec2", "describe-vpcs", "--query", "length(Vpcs)"), "1")
}

// SSM as ECS users meet it: the ECS-optimized AMI parameter, their own
// parameters from --cli-input-json, a SecureString, paging by path.
func TestCLISSMSession(t *testing.T) {
	s := start(t)
	s.requireServices("ssm")
	ami := s.text("ssm", "get-parameter", "--name", "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id", "--query", "Parameter.Value")
	if !strings.HasPrefix(ami, "ami-") {
		t.Errorf("ECS-optimized AMI %q", ami)
	}
	s.run("ssm", "put-parameter", "--cli-input-json", s.file("param.json", `{"Name": "/shop/db/host", "Value": "db.internal", "Type": "String"}`))
	s.run("ssm", "put-parameter", "--name", "/shop/db/password", "--value", "s3cret", "--type", "SecureString")
	s.run("ssm", "put-parameter", "--name", "/shop/web/port", "--value", "8080", "--type", "String")
	s.equal("decrypted", s.text("ssm", "get-parameter", "--name", "/shop/db/password", "--with-decryption", "--query", "Parameter.Value"), "s3cret")
	names, pages := s.pages("Names", 2, "ssm", "get-parameters-by-path", "--path", "/shop", "--recursive",
		"--query", "{Names: Parameters[].Name, NextToken: NextToken}")
	if len(names) != 3 || pages != 2 {
		t.Errorf("3 parameters with --max-items 2: %v in %d pages", names, pages)
	}
	s.equal("version after overwrite", s.text("ssm", "put-parameter", "--name", "/shop/web/port", "--value", "9090",
		"--type", "String", "--overwrite", "--query", "Version"), "2")
	s.fail("ParameterAlreadyExists", "ssm", "put-parameter", "--name", "/shop/web/port", "--value", "1", "--type", "String")
	s.fail("ParameterNotFound", "ssm", "get-parameter", "--name", "/shop/nope")
	s.run("ssm", "delete-parameters", "--names", "/shop/db/host", "/shop/db/password", "/shop/web/port")
	s.equal("left", s.text("ssm", "get-parameters-by-path", "--path", "/shop", "--recursive", "--query", "length(Parameters)"), "0")
}

// An Auto Scaling group from a launch template on the ECS-optimized AMI:
// instances running (EC2's waiter), desired capacity, activities paged,
// force delete.
func TestCLIAutoScalingSession(t *testing.T) {
	s := start(t)
	s.requireServices("ec2", "ssm", "autoscaling")
	ami := s.text("ssm", "get-parameter", "--name", "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id", "--query", "Parameter.Value")
	subnet := s.text("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true", "--query", "Subnets[0].SubnetId")
	lt := s.file("lt.json", `{
  "LaunchTemplateName": "ecs-hosts",
  "LaunchTemplateData": {"ImageId": "`+ami+`", "InstanceType": "t3.medium", "UserData": "IyEvYmluL2Jhc2gKZWNobyBFQ1NfQ0xVU1RFUj1ob3N0cyA+PiAvZXRjL2Vjcy9lY3MuY29uZmlnCg=="}
}`)
	s.run("ec2", "create-launch-template", "--cli-input-json", lt)
	group := s.file("asg.json", `{
  "AutoScalingGroupName": "ecs-hosts",
  "LaunchTemplate": {"LaunchTemplateName": "ecs-hosts", "Version": "$Latest"},
  "MinSize": 0,
  "MaxSize": 4,
  "DesiredCapacity": 2,
  "VPCZoneIdentifier": "`+subnet+`",
  "Tags": [{"Key": "team", "Value": "shop", "PropagateAtLaunch": true}]
}`)
	s.run("autoscaling", "create-auto-scaling-group", "--cli-input-json", group)
	// The CLI has no Auto Scaling waiters (the SDKs do): scripts poll.
	s.poll("2 instances InService", "2", "autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "ecs-hosts",
		"--query", "AutoScalingGroups[0].Instances[?LifecycleState=='InService'] | length(@)")
	ids := strings.Fields(s.text("autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "ecs-hosts",
		"--query", "AutoScalingGroups[0].Instances[].InstanceId"))
	s.run(append([]string{"ec2", "wait", "instance-running", "--instance-ids"}, ids...)...)
	s.equal("propagated tag", s.text("ec2", "describe-instances", "--instance-ids", ids[0],
		"--query", "Reservations[0].Instances[0].Tags[?Key=='team'].Value"), "shop")
	s.run("autoscaling", "set-desired-capacity", "--auto-scaling-group-name", "ecs-hosts", "--desired-capacity", "3")
	table := s.run("autoscaling", "describe-auto-scaling-groups", "--output", "table",
		"--query", "AutoScalingGroups[].{Name:AutoScalingGroupName,Desired:DesiredCapacity,Max:MaxSize}")
	s.tableHas(table, "DescribeAutoScalingGroups", "ecs-hosts", "3", "4")
	_, pages := s.pages("Activities", 1, "autoscaling", "describe-scaling-activities", "--auto-scaling-group-name", "ecs-hosts",
		"--query", "{Activities: Activities[].ActivityId, NextToken: NextToken}")
	if pages < 2 {
		t.Errorf("scaling activities with --max-items 1 came in %d pages", pages)
	}
	s.fail("ValidationError", "autoscaling", "set-desired-capacity", "--auto-scaling-group-name", "ecs-hosts", "--desired-capacity", "9")
	s.run("autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name", "ecs-hosts", "--force-delete")
	s.poll("group gone", "0", "autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "ecs-hosts",
		"--query", "length(AutoScalingGroups)")
	s.run(append([]string{"ec2", "wait", "instance-terminated", "--instance-ids"}, ids...)...)
	s.run("ec2", "delete-launch-template", "--launch-template-name", "ecs-hosts")
}

// Every instance a group launches carries the aws:autoscaling:groupName tag,
// which scripts filter on.
func TestCLIAutoScalingTagsItsInstances(t *testing.T) {
	s := start(t)
	s.requireServices("ec2", "autoscaling")
	s.run("ec2", "create-launch-template", "--launch-template-name", "tagged",
		"--launch-template-data", `{"ImageId":"ami-0fa9244603097127c","InstanceType":"t3.micro"}`)
	subnet := s.text("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true", "--query", "Subnets[0].SubnetId")
	s.run("autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "tagged", "--launch-template", "LaunchTemplateName=tagged",
		"--min-size", "1", "--max-size", "1", "--vpc-zone-identifier", subnet)
	s.poll("instance InService", "1", "autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "tagged",
		"--query", "AutoScalingGroups[0].Instances[?LifecycleState=='InService'] | length(@)")
	id := s.text("autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "tagged", "--query", "AutoScalingGroups[0].Instances[0].InstanceId")
	s.equal("group tag", s.text("ec2", "describe-instances", "--instance-ids", id,
		"--query", "Reservations[0].Instances[0].Tags[?Key=='aws:autoscaling:groupName'].Value"), "tagged")
}

// An EC2 Describe call that matches nothing answers an empty set
// (<reservationSet/>), which the CLI prints as []: scripts take its length.
func TestCLIEC2EmptyResultsAreEmptyLists(t *testing.T) {
	s := start(t)
	s.requireServices("ec2")
	s.equal("no instances", s.text("ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=running",
		"--query", "length(Reservations)"), "0")
	s.equal("no key pairs", s.text("ec2", "describe-key-pairs", "--query", "length(KeyPairs)"), "0")
}
