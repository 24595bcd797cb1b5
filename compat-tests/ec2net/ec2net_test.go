// Package ec2net_test checks that ECS tasks and load balancers take their
// network interfaces from EC2, through the real SDK clients.
package ec2net_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// network is a VPC with two subnets in two zones and a security group,
// created as a Terraform configuration does.
type network struct {
	vpc, group string
	subnets    []string
}

type env struct {
	ec2 *ec2.Client
	ecs *ecs.Client
	elb *elb.Client
}

func start(t *testing.T) *env {
	t.Helper()
	ls := harness.Start(t)
	return &env{ec2: ec2.NewFromConfig(ls.Config), ecs: ecs.NewFromConfig(ls.Config), elb: elb.NewFromConfig(ls.Config)}
}

func (e *env) network(t *testing.T, cidr string) network {
	t.Helper()
	v, err := e.ec2.CreateVpc(harness.Ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr + ".0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	n := network{vpc: aws.ToString(v.Vpc.VpcId)}
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		s, err := e.ec2.CreateSubnet(harness.Ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId,
			CidrBlock: aws.String(cidr + "." + []string{"1", "2"}[i] + ".0/24"), AvailabilityZone: aws.String(zone)})
		if err != nil {
			t.Fatal(err)
		}
		n.subnets = append(n.subnets, aws.ToString(s.Subnet.SubnetId))
	}
	g, err := e.ec2.CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web-" + cidr),
		Description: aws.String("web"), VpcId: v.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	n.group = aws.ToString(g.GroupId)
	return n
}

func (e *env) fargateFamily(t *testing.T) {
	t.Helper()
	harness.RegisterTaskDefinition(t, e.ecs, harness.FargateDefinition("web", "web", "nginx", 80))
	harness.CreateCluster(t, e.ecs, "apps")
}

func (e *env) interfaces(t *testing.T, filters ...ec2types.Filter) []ec2types.NetworkInterface {
	t.Helper()
	var out []ec2types.NetworkInterface
	p := ec2.NewDescribeNetworkInterfacesPaginator(e.ec2, &ec2.DescribeNetworkInterfacesInput{Filters: filters})
	for p.HasMorePages() {
		pg, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pg.NetworkInterfaces...)
	}
	return out
}

func filter(name string, values ...string) ec2types.Filter {
	return ec2types.Filter{Name: aws.String(name), Values: values}
}

// serviceTasks waits for the service to have n tasks and describes them.
func (e *env) serviceTasks(t *testing.T, service string, n int) []ecstypes.Task {
	t.Helper()
	var tasks []ecstypes.Task
	harness.Eventually(t, 15*time.Second, fmt.Sprintf("%d tasks of service %s", n, service), func() (bool, string) {
		tasks = harness.ServiceTasks(t, e.ecs, "apps", service, "")
		return len(tasks) == n, fmt.Sprintf("%d tasks", len(tasks))
	})
	return tasks
}

func TestFargateServiceENIsAppearInEC2(t *testing.T) {
	e := start(t)
	net := e.network(t, "10.20")
	e.fargateFamily(t)
	_, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("apps"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(2), LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: net.subnets, SecurityGroups: []string{net.group}}}})
	if err != nil {
		t.Fatal(err)
	}
	tasks := e.serviceTasks(t, "web", 2)
	var enis []string
	for _, task := range tasks {
		if len(task.Attachments) != 1 {
			t.Fatalf("attachments %+v", task.Attachments)
		}
		att := task.Attachments[0]
		eniID, subnet, ip := harness.Detail(att, "networkInterfaceId"), harness.Detail(att, "subnetId"), harness.Detail(att, "privateIPv4Address")
		if !slices.Contains(net.subnets, subnet) || !strings.HasPrefix(ip, "10.20.") {
			t.Errorf("task in subnet %s with address %s", subnet, ip)
		}
		got := e.interfaces(t, filter("network-interface-id", eniID))
		if len(got) != 1 {
			t.Fatalf("ENI %s: DescribeNetworkInterfaces found %d", eniID, len(got))
		}
		ni := got[0]
		if aws.ToString(ni.SubnetId) != subnet || aws.ToString(ni.VpcId) != net.vpc || aws.ToString(ni.PrivateIpAddress) != ip ||
			aws.ToString(ni.MacAddress) != harness.Detail(att, "macAddress") || aws.ToString(ni.PrivateDnsName) != harness.Detail(att, "privateDnsName") {
			t.Errorf("ENI %+v does not match attachment %+v", ni, att.Details)
		}
		if aws.ToString(ni.Description) != "arn:aws:ecs:us-east-1:000000000000:attachment/"+aws.ToString(att.Id) ||
			!aws.ToBool(ni.RequesterManaged) || ni.InterfaceType != ec2types.NetworkInterfaceTypeInterface {
			t.Errorf("ENI description %s managed %v type %s", aws.ToString(ni.Description), aws.ToBool(ni.RequesterManaged), ni.InterfaceType)
		}
		if len(ni.Groups) != 1 || aws.ToString(ni.Groups[0].GroupId) != net.group {
			t.Errorf("ENI groups %+v", ni.Groups)
		}
		if zone := aws.ToString(task.AvailabilityZone); zone != aws.ToString(ni.AvailabilityZone) {
			t.Errorf("task zone %s, ENI zone %s", zone, aws.ToString(ni.AvailabilityZone))
		}
		enis = append(enis, eniID)
	}
	if enis[0] == enis[1] {
		t.Errorf("tasks share ENI %s", enis[0])
	}
	if got := e.interfaces(t, filter("vpc-id", net.vpc)); len(got) != 2 {
		t.Errorf("VPC has %d ENIs, want 2", len(got))
	}

	if _, err := e.ecs.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String("apps"), Service: aws.String("web"),
		DesiredCount: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 30*time.Second, "no ENIs left after scaling to 0", func() (bool, string) {
		left := e.interfaces(t, filter("vpc-id", net.vpc))
		return len(left) == 0, fmt.Sprintf("%d ENIs", len(left))
	})
}

func TestTaskNetworkRefusals(t *testing.T) {
	e := start(t)
	net := e.network(t, "10.30")
	other := e.network(t, "10.40")
	e.fargateFamily(t)
	run := func(cfg ecstypes.AwsVpcConfiguration) error {
		_, err := e.ecs.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String("apps"), TaskDefinition: aws.String("web"),
			LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &cfg}})
		return err
	}
	// A subnet EC2 does not know, next to a known subnet of a non-default VPC, is refused.
	err := run(ecstypes.AwsVpcConfiguration{Subnets: []string{net.subnets[0], "subnet-0feedfacefeedface"}})
	ae := harness.AssertAPIError(t, err, "InvalidParameterException")
	if ae != nil && ae.ErrorMessage() != "Error retrieving subnet information for [subnet-0feedfacefeedface]: The subnet ID 'subnet-0feedfacefeedface' does not exist (ErrorCode: InvalidSubnetID.NotFound)" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// A security group of another VPC and an unknown group are refused.
	err = run(ecstypes.AwsVpcConfiguration{Subnets: net.subnets, SecurityGroups: []string{other.group}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	err = run(ecstypes.AwsVpcConfiguration{Subnets: net.subnets, SecurityGroups: []string{"sg-0123456789abcdef0"}})
	if ae := harness.AssertAPIError(t, err, "InvalidParameterException"); ae != nil && !strings.Contains(ae.ErrorMessage(), "InvalidGroup.NotFound") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	if got := e.interfaces(t); len(got) != 0 {
		t.Errorf("refused launches left %d ENIs", len(got))
	}
	// A subnet id EC2 never saw is refused alone too: there are no stand-ins.
	err = run(ecstypes.AwsVpcConfiguration{Subnets: []string{"subnet-0a1b2c3d"}})
	if ae := harness.AssertAPIError(t, err, "InvalidParameterException"); ae != nil && !strings.Contains(ae.ErrorMessage(), "InvalidSubnetID.NotFound") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// The default VPC's subnets are what a configuration without a network
	// of its own uses: the task runs and its ENI is in that default subnet.
	if err := run(ecstypes.AwsVpcConfiguration{Subnets: harness.DefaultSubnets(t, harness.ClientConfig(e.ec2.Options().Region, e.ec2.Options().BaseEndpoint, e.ec2.Options().Credentials, e.ec2.Options().HTTPClient))[:1]}); err != nil {
		t.Fatal(err)
	}
	def := e.interfaces(t)
	if len(def) != 1 || !strings.HasPrefix(aws.ToString(def[0].PrivateIpAddress), "172.31.") {
		t.Fatalf("default-subnet ENIs %+v", def)
	}
	s, err := e.ec2.DescribeSubnets(harness.Ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(def[0].SubnetId)}})
	if err != nil || len(s.Subnets) != 1 || !aws.ToBool(s.Subnets[0].DefaultForAz) {
		t.Errorf("default-subnet ENI subnet %v %v", s, err)
	}
}

func TestLoadBalancerENIsAppearInEC2(t *testing.T) {
	e := start(t)
	net := e.network(t, "10.50")
	other := e.network(t, "10.60")
	out, err := e.elb.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"),
		Subnets: net.subnets, SecurityGroups: []string{net.group}})
	if err != nil {
		t.Fatal(err)
	}
	lb := out.LoadBalancers[0]
	if aws.ToString(lb.VpcId) != net.vpc {
		t.Errorf("load balancer VPC %s, want %s", aws.ToString(lb.VpcId), net.vpc)
	}
	zones := map[string]string{}
	for _, az := range lb.AvailabilityZones {
		zones[aws.ToString(az.SubnetId)] = aws.ToString(az.ZoneName)
	}
	if zones[net.subnets[0]] != "us-east-1a" || zones[net.subnets[1]] != "us-east-1b" {
		t.Errorf("zones %v", zones)
	}
	arn := aws.ToString(lb.LoadBalancerArn)
	desc := "ELB " + arn[strings.Index(arn, ":loadbalancer/")+len(":loadbalancer/"):]
	enis := e.interfaces(t, filter("description", desc))
	if len(enis) != 2 {
		t.Fatalf("load balancer ENIs %d, want 2", len(enis))
	}
	for _, ni := range enis {
		if aws.ToString(ni.RequesterId) != "amazon-elb" || !aws.ToBool(ni.RequesterManaged) || ni.InterfaceType != ec2types.NetworkInterfaceTypeInterface ||
			aws.ToString(ni.VpcId) != net.vpc || zones[aws.ToString(ni.SubnetId)] != aws.ToString(ni.AvailabilityZone) {
			t.Errorf("ENI %+v", ni)
		}
	}
	// Groups of another VPC are refused, on create and on SetSecurityGroups,
	// as ELBv2 refuses them (InvalidConfigurationRequest, not the
	// InvalidSecurityGroup of a group that does not exist).
	_, err = e.elb.SetSecurityGroups(harness.Ctx, &elb.SetSecurityGroupsInput{LoadBalancerArn: lb.LoadBalancerArn, SecurityGroups: []string{other.group}})
	harness.AssertAPIError(t, err, "InvalidConfigurationRequest")
	_, err = e.elb.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("bad"),
		Subnets: net.subnets, SecurityGroups: []string{other.group}})
	harness.AssertAPIError(t, err, "InvalidConfigurationRequest")
	// A subnet EC2 does not know, next to a known one of a non-default VPC, is refused.
	_, err = e.elb.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("bad"),
		Subnets: []string{net.subnets[0], "subnet-0feedfacefeedface"}})
	harness.AssertAPIError(t, err, "SubnetNotFound")

	// A Network Load Balancer's node address is its ENI's.
	nlb, err := e.elb.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("tcp"), Type: elbtypes.LoadBalancerTypeEnumNetwork,
		Subnets: net.subnets[:1]})
	if err != nil {
		t.Fatal(err)
	}
	addr := aws.ToString(nlb.LoadBalancers[0].AvailabilityZones[0].LoadBalancerAddresses[0].PrivateIPv4Address)
	got := e.interfaces(t, filter("private-ip-address", addr))
	if len(got) != 1 || got[0].InterfaceType != ec2types.NetworkInterfaceTypeNetworkLoadBalancer {
		t.Errorf("NLB address %s ENIs %+v", addr, got)
	}

	if _, err := e.elb.DeleteLoadBalancer(harness.Ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: lb.LoadBalancerArn}); err != nil {
		t.Fatal(err)
	}
	if left := e.interfaces(t, filter("description", desc)); len(left) != 0 {
		t.Errorf("%d ENIs left after DeleteLoadBalancer", len(left))
	}
}
