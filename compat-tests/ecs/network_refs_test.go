package ecs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// subnets are the default VPC's default subnets, ordered by zone.
func (e *wlEnv) subnets(t *testing.T) []string { return harness.DefaultSubnets(t, e.ls.Config) }

// subnet is the default subnet of the i-th zone.
func (e *wlEnv) subnet(t *testing.T, i int) string { return e.subnets(t)[i] }

// defaultGroup is the default VPC's default security group.
func (e *wlEnv) defaultGroup(t *testing.T) string {
	return harness.DefaultSecurityGroup(t, e.ls.Config)
}

// Every call that takes an awsvpc configuration refuses a subnet or security
// group EC2 does not know, quoting EC2's error. The subnet message is AWS's
// as a CloudFormation deploy quoted it (github.com/eddmann/serverless-fargate
// issue 20: "CreateService error: Error retrieving subnet information for
// [birdzview]: The subnet ID 'birdzview' does not exist (ErrorCode:
// InvalidSubnetID.NotFound)"); the security group message has the same shape
// around EC2's InvalidGroup.NotFound message ("The security group 'sg-…' does
// not exist", github.com/deis/deis issue 129).
func TestNetworkRefsUnknownSubnetAndGroup(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	ci := e.registerInstance(t, "i-0123456789abcdef0", "us-east-1a")
	if _, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("live"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0))}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("ext"),
		DesiredCount: aws.Int32(1), DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}}); err != nil {
		t.Fatal(err)
	}
	const subnetMsg = "Error retrieving subnet information for [subnet-0feedfacefeedface]: The subnet ID 'subnet-0feedfacefeedface' does not exist (ErrorCode: InvalidSubnetID.NotFound)"
	const groupMsg = "Error retrieving security group information for [sg-0feedfacefeedface]: The security group 'sg-0feedfacefeedface' does not exist (ErrorCode: InvalidGroup.NotFound)"
	unknownSubnet := wlNetwork(e.subnet(t, 0), "subnet-0feedfacefeedface")
	unknownGroup := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
		Subnets: []string{e.subnet(t, 0)}, SecurityGroups: []string{e.defaultGroup(t), "sg-0feedfacefeedface"}}}
	calls := map[string]func(nc *types.NetworkConfiguration) error{
		"RunTask": func(nc *types.NetworkConfiguration) error {
			_, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("web"),
				LaunchType: types.LaunchTypeFargate, NetworkConfiguration: nc})
			return err
		},
		"CreateService": func(nc *types.NetworkConfiguration) error {
			_, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("new"),
				TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: nc})
			return err
		},
		"UpdateService": func(nc *types.NetworkConfiguration) error {
			_, err := e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("live"),
				NetworkConfiguration: nc})
			return err
		},
		"StartTask": func(nc *types.NetworkConfiguration) error {
			_, err := e.client.StartTask(harness.Ctx, &ecs.StartTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("web"),
				ContainerInstances: []string{ci}, NetworkConfiguration: nc})
			return err
		},
		"CreateTaskSet": func(nc *types.NetworkConfiguration) error {
			_, err := e.client.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
				TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: nc})
			return err
		},
	}
	for op, call := range calls {
		ae := harness.AssertAPIError(t, call(unknownSubnet), "InvalidParameterException")
		if ae != nil && ae.ErrorMessage() != subnetMsg {
			t.Errorf("%s, unknown subnet: message %q", op, ae.ErrorMessage())
		}
		ae = harness.AssertAPIError(t, call(unknownGroup), "InvalidParameterException")
		if ae != nil && ae.ErrorMessage() != groupMsg {
			t.Errorf("%s, unknown group: message %q", op, ae.ErrorMessage())
		}
	}
	// Nothing was created by the refused calls.
	tasks, err := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster)})
	if err != nil || len(tasks.TaskArns) != 0 {
		t.Errorf("tasks after refused calls %v %v", tasks, err)
	}
}

// A Fargate task runs in its subnet's zone as EC2 has it, with an address
// from the subnet's CIDR block.
func TestNetworkRefsTaskZoneIsTheSubnets(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	for _, s := range harness.DefaultSubnetDetails(t, e.ls.Config)[:3] {
		out, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("web"),
			LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(aws.ToString(s.SubnetId))})
		if err != nil {
			t.Fatal(err)
		}
		task := out.Tasks[0]
		if aws.ToString(task.AvailabilityZone) != aws.ToString(s.AvailabilityZone) {
			t.Errorf("task in %s, subnet %s in %s", aws.ToString(task.AvailabilityZone), aws.ToString(s.SubnetId), aws.ToString(s.AvailabilityZone))
		}
		if ip := wlDetail(task.Attachments[0], "privateIPv4Address"); !harness.CIDRContains(t, aws.ToString(s.CidrBlock), ip) {
			t.Errorf("address %s outside %s", ip, aws.ToString(s.CidrBlock))
		}
	}
}
