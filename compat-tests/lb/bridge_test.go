package lb_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestBridgeServiceRegistersInstanceTargetsWithDynamicPorts(t *testing.T) {
	e := start(t)
	inst := harness.RegisterInstances(t, e.ls, map[string]any{"cluster": cluster, "instanceType": "m5.large", "count": 2})
	ec2Of := map[string]string{}
	for i, arn := range inst.ContainerInstanceArns {
		ec2Of[arn] = inst.Ec2InstanceIds[i]
	}
	if _, err := e.ecs.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("bridge"), NetworkMode: ecstypes.NetworkModeBridge,
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx"), Memory: aws.Int32(128),
			Essential: aws.Bool(true), PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(0)}}}},
	}); err != nil {
		t.Fatal(err)
	}
	lbArn := e.alb("bridge")
	ipTG := e.targetGroup("bridge-ip", elbtypes.TargetTypeEnumIp)
	tgArn := e.targetGroup("bridge", elbtypes.TargetTypeEnumInstance)
	e.listener(lbArn, 80, map[string]int32{tgArn: 1, ipTG: 0})
	create := func(tg string) error {
		_, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{
			Cluster: aws.String(cluster), ServiceName: aws.String("bridge"), TaskDefinition: aws.String("bridge"),
			DesiredCount: aws.Int32(3), LaunchType: ecstypes.LaunchTypeEc2,
			LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}},
		})
		return err
	}
	err := create(ipTG)
	if apiErr := harness.AssertAPIError(t, err, "InvalidParameterException"); apiErr != nil &&
		apiErr.ErrorMessage() != "The provided target group "+ipTG+" has target type ip, which is incompatible with the bridge network mode specified in the task definition." {
		t.Errorf("message %q", apiErr.ErrorMessage())
	}
	if err := create(tgArn); err != nil {
		t.Fatal(err)
	}
	// Each task is a target: its instance's EC2 id and its dynamic host port.
	harness.Eventually(t, 15*time.Second, "3 healthy instance targets", func() (bool, string) {
		var want []string
		for _, tk := range e.tasks("bridge", ecstypes.DesiredStatusRunning) {
			if aws.ToString(tk.LastStatus) != "RUNNING" || len(tk.Containers) == 0 || len(tk.Containers[0].NetworkBindings) == 0 {
				return false, "tasks not running"
			}
			port := aws.ToInt32(tk.Containers[0].NetworkBindings[0].HostPort)
			if port < 32768 {
				t.Fatalf("host port %d is not dynamic", port)
			}
			want = append(want, fmt.Sprintf("%s:%d", ec2Of[aws.ToString(tk.ContainerInstanceArn)], port))
		}
		got := e.healthWithPorts(tgArn)
		sort.Strings(want)
		return len(want) == 3 && strings.Join(got, ",") == strings.Join(want, ","), strings.Join(got, ",") + " vs " + strings.Join(want, ",")
	})
}

// healthWithPorts lists a target group's healthy targets as id:port, sorted.
func (e *env) healthWithPorts(tgArn string) []string {
	e.t.Helper()
	out, err := e.elb.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn)})
	if err != nil {
		e.t.Fatal(err)
	}
	var ids []string
	for _, d := range out.TargetHealthDescriptions {
		if d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
			ids = append(ids, fmt.Sprintf("%s:%d", aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port)))
		}
	}
	sort.Strings(ids)
	return ids
}
