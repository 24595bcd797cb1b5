package docker

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// A Fargate service of two tasks behind an application load balancer: the
// service registers each task's private IP and container port in the ip
// target group, real health checks on the container make both healthy, and
// requests sent to the load balancer's DNS name (as Host, on Longshore's
// main port) reach both containers, which answer "ok HOSTNAME" with
// distinct container hostnames. A matcher the containers fail then turns
// both targets unhealthy.
// AWS: target type ip registers the task ENI's private IP and the
// container port (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html).
func TestDockerServiceBehindALoadBalancer(t *testing.T) {
	e := start(t)
	lbc := elb.NewFromConfig(e.ls.Config)
	e.cluster("lb")
	td := harness.RegisterTaskDefinition(t, e.ecs, appDefinition("lb", "serve"))

	lb, err := lbc.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: harness.DefaultSubnets(t, e.ls.Config)[:2]})
	if err != nil {
		t.Fatal(err)
	}
	dns := aws.ToString(lb.LoadBalancers[0].DNSName)
	tg, err := lbc.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(8080), VpcId: aws.String(harness.DefaultVPC(t, e.ls.Config)), TargetType: elbtypes.TargetTypeEnumIp,
		HealthCheckPath: aws.String("/"), HealthCheckIntervalSeconds: aws.Int32(5), HealthCheckTimeoutSeconds: aws.Int32(2),
		HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	tgArn := tg.TargetGroups[0].TargetGroupArn
	if _, err := lbc.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgArn}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("lb"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: e.networkConfig(), HealthCheckGracePeriodSeconds: aws.Int32(36000), // unhealthy tasks are kept
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: tgArn, ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080)}}}); err != nil {
		t.Fatal(err)
	}

	// Both registrations turn healthy, by checks that reach the containers.
	var ids []string
	harness.Eventually(t, 90*time.Second, "two healthy targets", func() (bool, string) {
		out, err := lbc.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		if err != nil {
			return false, err.Error()
		}
		ids = ids[:0]
		seen := ""
		for _, d := range out.TargetHealthDescriptions {
			seen += fmt.Sprintf("%s:%d=%s/%s ", aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port), d.TargetHealth.State, d.TargetHealth.Reason)
			if d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
				ids = append(ids, aws.ToString(d.Target.Id))
			}
		}
		return len(ids) == 2, seen
	})
	// The targets are the tasks' private IPs.
	ips := map[string]bool{}
	for _, tk := range harness.ServiceTasks(t, e.ecs, "lb", "web", types.DesiredStatusRunning) {
		ips[harness.Detail(tk.Attachments[0], "privateIPv4Address")] = true
	}
	for _, id := range ids {
		if !ips[id] {
			t.Errorf("target %s is not one of the tasks' private IPs %v", id, ips)
		}
	}

	// Requests through the load balancer reach both containers.
	client := &http.Client{Timeout: 10 * time.Second}
	hosts := map[string]int{}
	harness.Eventually(t, 30*time.Second, "both containers answering through the load balancer", func() (bool, string) {
		req, _ := http.NewRequest("GET", e.ls.URL+"/", nil)
		req.Host = dns
		resp, err := client.Do(req)
		if err != nil {
			return false, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body := strings.TrimSpace(string(b))
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "ok ") {
			return false, fmt.Sprint(resp.StatusCode, " ", body)
		}
		hosts[body]++
		return len(hosts) == 2, fmt.Sprint(hosts)
	})

	// The checks are real: a matcher the container's 200 fails turns both
	// targets unhealthy with the code the container answered.
	if _, err := lbc.ModifyTargetGroup(harness.Ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: tgArn,
		Matcher: &elbtypes.Matcher{HttpCode: aws.String("202")}}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 30*time.Second, "two targets failing the matcher", func() (bool, string) {
		out, err := lbc.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		if err != nil {
			return false, err.Error()
		}
		n, seen := 0, ""
		for _, d := range out.TargetHealthDescriptions {
			seen += fmt.Sprintf("%s/%s %q ", d.TargetHealth.State, d.TargetHealth.Reason, aws.ToString(d.TargetHealth.Description))
			if d.TargetHealth.Reason == elbtypes.TargetHealthReasonEnumResponseCodeMismatch &&
				aws.ToString(d.TargetHealth.Description) == "Health checks failed with these codes: [200]" {
				n++
			}
		}
		return n == 2, seen
	})

}

// A bridge service on an EC2 cluster behind a network load balancer: the
// service registers each task's EC2 instance and dynamic host port in an
// instance target group, TCP health checks reach the containers, and
// connections to the listener's local address pass through to both.
// AWS: with dynamic host ports, ECS registers the instance ID and host port
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_portmappings).
func TestDockerBridgeServiceBehindANetworkLoadBalancer(t *testing.T) {
	e := start(t)
	lbc := elb.NewFromConfig(e.ls.Config)
	e.cluster("nlb")
	harness.RegisterInstances(t, e.ls, map[string]any{"cluster": "nlb", "instanceType": "t3.medium", "count": 1})
	td := harness.RegisterTaskDefinition(t, e.ecs, &ecs.RegisterTaskDefinitionInput{Family: aws.String("nlb"),
		NetworkMode: types.NetworkModeBridge, RequiresCompatibilities: []types.Compatibility{types.CompatibilityEc2},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(testImage), Essential: aws.Bool(true),
			Memory: aws.Int32(64), Command: []string{"serve"}, StopTimeout: aws.Int32(2),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8080), HostPort: aws.Int32(0)}}}}})
	lb, err := lbc.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("tcp"), Type: elbtypes.LoadBalancerTypeEnumNetwork,
		Subnets: harness.DefaultSubnets(t, e.ls.Config)[:1]})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := lbc.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("tcp"), Protocol: elbtypes.ProtocolEnumTcp,
		Port: aws.Int32(8080), VpcId: aws.String(harness.DefaultVPC(t, e.ls.Config)), TargetType: elbtypes.TargetTypeEnumInstance,
		HealthCheckIntervalSeconds: aws.Int32(5), HealthCheckTimeoutSeconds: aws.Int32(2), HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	tgArn := tg.TargetGroups[0].TargetGroupArn
	l, err := lbc.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(9000),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgArn}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("nlb"), ServiceName: aws.String("tcp"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeEc2,
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: tgArn, ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080)}}}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 90*time.Second, "two healthy instance targets", func() (bool, string) {
		out, err := lbc.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		if err != nil {
			return false, err.Error()
		}
		n, seen := 0, ""
		for _, d := range out.TargetHealthDescriptions {
			seen += fmt.Sprintf("%s:%d=%s ", aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port), d.TargetHealth.State)
			if d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy && strings.HasPrefix(aws.ToString(d.Target.Id), "i-") {
				n++
			}
		}
		return n == 2, seen
	})
	var local string
	harness.Eventually(t, 10*time.Second, "the listener's local address", func() (bool, string) {
		r := harness.Raw(t, e.ls, "GET", "/_longshore/elbv2/endpoints", nil, "")
		var out struct {
			Endpoints []struct{ ListenerArn, LocalAddress string }
		}
		json.Unmarshal([]byte(r.Body), &out)
		for _, ep := range out.Endpoints {
			if ep.ListenerArn == aws.ToString(l.Listeners[0].ListenerArn) && ep.LocalAddress != "" {
				local = ep.LocalAddress
				return true, ""
			}
		}
		return false, r.Body
	})
	// A new connection per request: flows from different source ports
	// spread over both containers.
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	hosts := map[string]int{}
	harness.Eventually(t, 30*time.Second, "both containers answering through the NLB", func() (bool, string) {
		resp, err := client.Get("http://" + local + "/")
		if err != nil {
			return false, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body := strings.TrimSpace(string(b))
		if !strings.HasPrefix(body, "ok ") {
			return false, body
		}
		hosts[body]++
		return len(hosts) == 2, fmt.Sprint(hosts)
	})
}
