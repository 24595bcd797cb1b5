// Package lb_test checks ECS services behind Elastic Load Balancing v2 end to
// end through the real SDK clients: target registration, draining, health
// replacement and the traffic-shifting deployment strategies.
package lb_test

import (
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

const cluster = "lb"

type env struct {
	t   *testing.T
	ls  *longshoretest.Instance
	ecs *ecs.Client
	elb *elb.Client
}

func start(t *testing.T) *env {
	t.Helper()
	ls := harness.Start(t)
	e := &env{t: t, ls: ls, ecs: ecs.NewFromConfig(ls.Config), elb: elb.NewFromConfig(ls.Config)}
	harness.CreateCluster(t, e.ecs, cluster)
	return e
}

// alb creates an application load balancer.
func (e *env) alb(name string) string {
	e.t.Helper()
	out, err := e.elb.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String(name), Subnets: harness.DefaultSubnets(e.t, e.ls.Config)[:2],
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return aws.ToString(out.LoadBalancers[0].LoadBalancerArn)
}

func (e *env) targetGroup(name string, tt elbtypes.TargetTypeEnum) string {
	e.t.Helper()
	out, err := e.elb.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{
		Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		VpcId: aws.String(harness.DefaultVPC(e.t, e.ls.Config)), TargetType: tt,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return aws.ToString(out.TargetGroups[0].TargetGroupArn)
}

func weighted(ws map[string]int32) []elbtypes.Action {
	var tuples []elbtypes.TargetGroupTuple
	for _, arn := range sortedKeys(ws) {
		tuples = append(tuples, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(arn), Weight: aws.Int32(ws[arn])})
	}
	return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: tuples}}}
}

func sortedKeys(m map[string]int32) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// listener creates an HTTP listener and a path rule, both forwarding with the weights given; it returns the rule.
func (e *env) listener(lbArn string, port int32, ws map[string]int32) string {
	e.t.Helper()
	l, err := e.elb.CreateListener(harness.Ctx, &elb.CreateListenerInput{
		LoadBalancerArn: aws.String(lbArn), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(port), DefaultActions: weighted(ws),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := e.elb.CreateRule(harness.Ctx, &elb.CreateRuleInput{
		ListenerArn: l.Listeners[0].ListenerArn, Priority: aws.Int32(10), Actions: weighted(ws),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/app/*"}}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return aws.ToString(r.Rules[0].RuleArn)
}

// ruleWeights reads a rule's forward weights by target group.
func (e *env) ruleWeights(ruleArn string) map[string]int32 {
	e.t.Helper()
	out, err := e.elb.DescribeRules(harness.Ctx, &elb.DescribeRulesInput{RuleArns: []string{ruleArn}})
	if err != nil {
		e.t.Fatal(err)
	}
	ws := map[string]int32{}
	for _, a := range out.Rules[0].Actions {
		if a.ForwardConfig != nil {
			for _, tg := range a.ForwardConfig.TargetGroups {
				ws[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
			}
		}
	}
	return ws
}

// fargateFamily registers an awsvpc definition with container "web" on port 80.
func (e *env) fargateFamily(family, image string) string {
	e.t.Helper()
	return harness.RegisterTaskDefinition(e.t, e.ecs, harness.FargateDefinition(family, "web", image, 80))
}

func (e *env) service(name string) ecstypes.Service {
	e.t.Helper()
	return harness.DescribeService(e.t, e.ecs, cluster, name)
}

// tasks describes a service's tasks with a desired status (RUNNING or STOPPED).
func (e *env) tasks(service string, desired ecstypes.DesiredStatus) []ecstypes.Task {
	e.t.Helper()
	return harness.ServiceTasks(e.t, e.ecs, cluster, service, desired)
}

func eniAddress(t ecstypes.Task) string {
	for _, a := range t.Attachments {
		if addr := harness.Detail(a, "privateIPv4Address"); addr != "" {
			return addr
		}
	}
	return ""
}

// health reads a target group's registrations: id:port → state.
func (e *env) health(tgArn string) map[string]string {
	e.t.Helper()
	out, err := e.elb.DescribeTargetHealth(harness.Ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn)})
	if err != nil {
		e.t.Fatal(err)
	}
	m := map[string]string{}
	for _, d := range out.TargetHealthDescriptions {
		m[aws.ToString(d.Target.Id)] = string(d.TargetHealth.State)
	}
	return m
}

// control posts a JSON body to a /_longshore endpoint.
func (e *env) control(path string, body any) harness.Response {
	e.t.Helper()
	return harness.Control(e.t, e.ls, "POST", path, body)
}
