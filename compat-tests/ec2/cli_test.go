package ec2_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestAWSCLINetworkAndInstances(t *testing.T) {
	ls := harness.Start(t)
	run := func(args ...string) string { return harness.CLI(t, ls, args...) }
	vpc := run("ec2", "create-vpc", "--cidr-block", "10.50.0.0/16", "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=cli}]", "--query", "Vpc.VpcId", "--output", "text")
	if !strings.HasPrefix(vpc, "vpc-") {
		t.Fatalf("vpc %q", vpc)
	}
	got := run("ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=cli", "Name=cidr,Values=10.50.*", "--query", "Vpcs[].VpcId", "--output", "text")
	if got != vpc {
		t.Errorf("describe-vpcs --filters: %q", got)
	}
	if def := run("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true", "--query", "Vpcs[0].CidrBlock", "--output", "text"); def != "172.31.0.0/16" {
		t.Errorf("default vpc %q", def)
	}
	sub := run("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.50.1.0/24", "--availability-zone", "us-east-1a", "--query", "Subnet.SubnetId", "--output", "text")
	sg := run("ec2", "create-security-group", "--group-name", "web", "--description", "web", "--vpc-id", vpc, "--query", "GroupId", "--output", "text")
	run("ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "443", "--cidr", "0.0.0.0/0")
	perms := run("ec2", "describe-security-groups", "--group-ids", sg, "--query", "SecurityGroups[0].IpPermissions[0].[IpProtocol,FromPort,IpRanges[0].CidrIp]", "--output", "text")
	if perms != "tcp\t443\t0.0.0.0/0" {
		t.Errorf("permissions %q", perms)
	}
	out, err := harness.AWSCLI(t, ls, nil, "ec2", "create-security-group", "--group-name", "web", "--description", "web", "--vpc-id", vpc)
	if err == nil || !strings.Contains(out, "InvalidGroup.Duplicate") {
		t.Errorf("duplicate group: %v %s", err, out)
	}
	ami := run("ssm", "get-parameter", "--name", "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id", "--query", "Parameter.Value", "--output", "text")
	raw := run("ec2", "run-instances", "--image-id", ami, "--instance-type", "t3.small", "--subnet-id", sub, "--security-group-ids", sg,
		"--count", "2", "--user-data", "#!/bin/bash\necho ECS_CLUSTER=cli >> /etc/ecs/ecs.config", "--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=node}]")
	var res struct {
		Instances []struct {
			InstanceId string
			State      struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil || len(res.Instances) != 2 || res.Instances[0].State.Name != "pending" {
		t.Fatalf("run-instances %v %s", err, raw)
	}
	id := res.Instances[0].InstanceId
	time.Sleep(1500 * time.Millisecond) // the CLI's waiter polls every 15 s; be past pending at its first look
	run("ec2", "wait", "instance-running", "--instance-ids", id)
	state := run("ec2", "describe-instances", "--filters", "Name=tag:Name,Values=node", "--query", "Reservations[].Instances[?InstanceId=='"+id+"'].State.Name[]", "--output", "text")
	if state != "running" {
		t.Errorf("state %q", state)
	}
	// The CLI base64-encodes user data; EC2 hands it back encoded.
	ud := run("ec2", "describe-instance-attribute", "--instance-id", id, "--attribute", "userData", "--query", "UserData.Value", "--output", "text")
	if ud != "IyEvYmluL2Jhc2gKZWNobyBFQ1NfQ0xVU1RFUj1jbGkgPj4gL2V0Yy9lY3MvZWNzLmNvbmZpZw==" {
		t.Errorf("user data %q", ud)
	}
	run("ec2", "terminate-instances", "--instance-ids", id, res.Instances[1].InstanceId)
	time.Sleep(1500 * time.Millisecond)
	run("ec2", "wait", "instance-terminated", "--instance-ids", id)
	zones := run("ec2", "describe-availability-zones", "--query", "AvailabilityZones[].ZoneId", "--output", "text")
	if zones != "use1-az1\tuse1-az2\tuse1-az3\tuse1-az4\tuse1-az5\tuse1-az6" {
		t.Errorf("zones %q", zones)
	}
}
