package docker

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// Deployments shift real requests. A Fargate service of one task behind an
// ALB, whose production listener rule forwards to its target group and an
// alternate one (ECS deployment controller, load balancer advanced
// configuration), deploys revision 2 (containers answering "green") over
// revision 1 ("blue") by a CANARY deployment of 10%: during the canary's
// bake, 1,000 requests through the listener's local port reach green about
// 100 times, within four standard deviations of the binomial
// (sd = sqrt(1000 * 0.1 * 0.9) ≈ 9.5). Stopped with ROLLBACK, the deployment
// sends every request back to blue. Deployed again BLUE_GREEN, every
// request reaches green from the production traffic shift on.
// AWS: canary deployments shift canaryPercent of production traffic to the
// green target group for canaryBakeTimeInMinutes, then the rest
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment.html);
// blue/green deployments shift all of it at once and keep blue through the
// bake (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html);
// StopServiceDeployment with ROLLBACK returns traffic to the revision that
// served before (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopServiceDeployment.html).
func TestDockerDeploymentsShiftRealRequests(t *testing.T) {
	needDocker(t)
	t.Parallel() // mostly waits for the canary's bake
	// At time scale 1 a minute of ECS's lasts 600 ms: the canary bakes for
	// 36 s, far longer than counting takes, unless rolled back first.
	ls := longshoretest.StartWith(t, longshoretest.Options{Runtime: "docker", TimeScale: 1})
	e := &env{t: t, ls: ls, ecs: ecs.NewFromConfig(ls.Config)}
	lbc := elb.NewFromConfig(ls.Config)
	e.cluster("deploy")
	revision := func(answer string) string {
		in := appDefinition("colors", "serve")
		in.ContainerDefinitions[0].Environment = []types.KeyValuePair{{Name: aws.String("ANSWER"), Value: aws.String(answer)}}
		return harness.RegisterTaskDefinition(t, e.ecs, in)
	}
	blueTD := revision("blue")

	lb := harness.Must(lbc.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("colors"),
		Subnets: harness.DefaultSubnets(t, ls.Config)[:2]}))(t)
	group := func(name string) string {
		out := harness.Must(lbc.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(8080), VpcId: aws.String(harness.DefaultVPC(t, ls.Config)), TargetType: elbtypes.TargetTypeEnumIp,
			HealthCheckPath: aws.String("/"), HealthCheckIntervalSeconds: aws.Int32(5), HealthCheckTimeoutSeconds: aws.Int32(2),
			HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2)}))(t)
		arn := aws.ToString(out.TargetGroups[0].TargetGroupArn)
		// Replaced tasks drain for 100 ms rather than 3 s.
		harness.Must(lbc.ModifyTargetGroupAttributes(harness.Ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(arn),
			Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("10")}}}))(t)
		return arn
	}
	tgA, tgB := group("colors-a"), group("colors-b")
	split := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
		TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(tgA), Weight: aws.Int32(100)}, {TargetGroupArn: aws.String(tgB), Weight: aws.Int32(0)}}}}}
	l := harness.Must(lbc.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: split}))(t)
	rule := harness.Must(lbc.CreateRule(harness.Ctx, &elb.CreateRuleInput{ListenerArn: l.Listeners[0].ListenerArn, Priority: aws.Int32(1),
		Actions: split, Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/*"}}}}))(t)
	prodRule := aws.ToString(rule.Rules[0].RuleArn)

	canary := func(bakeMinutes int32) *types.DeploymentConfiguration {
		return &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(0),
			CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(bakeMinutes)}}
	}
	harness.Must(e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("deploy"), ServiceName: aws.String("colors"),
		TaskDefinition: aws.String(blueTD), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: e.networkConfig(), DeploymentConfiguration: canary(60),
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(tgA), ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080),
			AdvancedConfiguration: &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(tgB), ProductionListenerRule: aws.String(prodRule),
				RoleArn: aws.String("arn:aws:iam::000000000000:role/ecs-elb")}}}}))(t)

	local := listenerAddress(t, ls, aws.ToString(l.Listeners[0].ListenerArn))
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	t.Cleanup(client.CloseIdleConnections)
	// count sends n requests, 8 at a time, and counts the answers by color.
	count := func(n int) map[string]int {
		t.Helper()
		var mu sync.Mutex
		seen := map[string]int{}
		next := make(chan struct{}, n)
		for range n {
			next <- struct{}{}
		}
		close(next)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range next {
					color := "error"
					if resp, err := client.Get("http://" + local + "/"); err == nil {
						b, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						color, _, _ = strings.Cut(string(b), " ")
						if resp.StatusCode != 200 {
							color = fmt.Sprint(resp.StatusCode)
						}
					}
					mu.Lock()
					seen[color]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return seen
	}
	harness.Eventually(t, 60*time.Second, "blue answering through the load balancer", func() (bool, string) {
		seen := count(20)
		return seen["blue"] == 20, fmt.Sprint(seen)
	})

	// The canary: 10% of production traffic reaches green while it bakes.
	greenTD := revision("green")
	sd := e.deploy(greenTD, nil)
	e.waitCanary(lbc, prodRule, sd, map[string]int32{tgA: 90, tgB: 10})
	const n, p = 1000, 0.1
	seen := count(n)
	if st := e.deployment(sd); st.LifecycleStage != types.ServiceDeploymentLifecycleStageProductionTrafficShift {
		t.Fatalf("the canary's bake ended while requests were counted (stage %s): %v", st.LifecycleStage, seen)
	}
	sdev := math.Sqrt(n * p * (1 - p))
	if g := seen["green"]; math.Abs(float64(g)-n*p) > 4*sdev || seen["blue"]+g != n {
		t.Fatalf("answers during a 10%% canary: %v (want green %.0f ± %.0f, the rest blue)", seen, n*p, 4*sdev)
	}
	t.Logf("during the canary: %v", seen)
	// Rolled back, the deployment returns all traffic to blue.
	harness.Must(e.ecs.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(sd),
		StopType: types.StopServiceDeploymentStopTypeRollback}))(t)
	e.waitDeploymentStatus(sd, types.ServiceDeploymentStatusRollbackSuccessful)
	if seen := count(200); seen["blue"] != 200 {
		t.Fatalf("answers after the rollback: %v", seen)
	}

	// Deployed again BLUE_GREEN, all production traffic moves to green at
	// once, while blue still runs through the bake, and stays there.
	sd = e.deploy(greenTD, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(2)})
	e.waitWeights(lbc, prodRule, sd, map[string]int32{tgA: 0, tgB: 100})
	if seen := count(200); seen["green"] != 200 {
		t.Fatalf("answers once BLUE_GREEN shifted production traffic: %v", seen)
	}
	e.waitDeploymentStatus(sd, types.ServiceDeploymentStatusSuccessful)
	if seen := count(200); seen["green"] != 200 {
		t.Fatalf("answers after the deployment: %v", seen)
	}
}

// deploy updates the service to a task definition (and a deployment
// configuration, if given) and returns the service deployment's ARN.
func (e *env) deploy(td string, dc *types.DeploymentConfiguration) string {
	e.t.Helper()
	out := harness.Must(e.ecs.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String("deploy"), Service: aws.String("colors"),
		TaskDefinition: aws.String(td), DeploymentConfiguration: dc}))(e.t)
	return aws.ToString(out.Service.CurrentServiceDeployment)
}

func (e *env) deployment(arn string) types.ServiceDeployment {
	e.t.Helper()
	out := harness.Must(e.ecs.DescribeServiceDeployments(harness.Ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}}))(e.t)
	if len(out.ServiceDeployments) != 1 {
		e.t.Fatalf("service deployment %s: %+v", arn, out.Failures)
	}
	return out.ServiceDeployments[0]
}

func (e *env) waitDeploymentStatus(arn string, want types.ServiceDeploymentStatus) {
	e.t.Helper()
	harness.Eventually(e.t, 60*time.Second, "service deployment "+string(want), func() (bool, string) {
		sd := e.deployment(arn)
		return sd.Status == want, string(sd.Status) + " " + string(sd.LifecycleStage)
	})
}

// waitCanary waits for the canary's weights on the production rule, in the
// deployment's production traffic shift.
func (e *env) waitCanary(lbc *elb.Client, ruleArn, sd string, want map[string]int32) {
	e.t.Helper()
	e.waitWeights(lbc, ruleArn, sd, want)
	if st := e.deployment(sd); st.LifecycleStage != types.ServiceDeploymentLifecycleStageProductionTrafficShift {
		e.t.Fatalf("the canary's weights in stage %s", st.LifecycleStage)
	}
}

// waitWeights waits for the production rule's weights by target group
// while the deployment is in progress.
func (e *env) waitWeights(lbc *elb.Client, ruleArn, sd string, want map[string]int32) {
	e.t.Helper()
	harness.Eventually(e.t, 60*time.Second, fmt.Sprint("production weights ", want), func() (bool, string) {
		out := harness.Must(lbc.DescribeRules(harness.Ctx, &elb.DescribeRulesInput{RuleArns: []string{ruleArn}}))(e.t)
		ws := map[string]int32{}
		for _, a := range out.Rules[0].Actions {
			if a.ForwardConfig != nil {
				for _, tg := range a.ForwardConfig.TargetGroups {
					ws[aws.ToString(tg.TargetGroupArn)] = aws.ToInt32(tg.Weight)
				}
			}
		}
		st := e.deployment(sd)
		return maps.Equal(ws, want) && st.Status == types.ServiceDeploymentStatusInProgress, fmt.Sprint(ws, " ", st.Status, " ", st.LifecycleStage)
	})
}

// listenerAddress is a listener's own local address (GET /_longshore/elbv2/endpoints).
func listenerAddress(t *testing.T, ls *longshoretest.Instance, listenerArn string) string {
	t.Helper()
	var local string
	harness.Eventually(t, 10*time.Second, "the listener's local address", func() (bool, string) {
		r := harness.Raw(t, ls, "GET", "/_longshore/elbv2/endpoints", nil, "")
		var out struct {
			Endpoints []struct{ ListenerArn, LocalAddress string }
		}
		json.Unmarshal([]byte(r.Body), &out)
		for _, ep := range out.Endpoints {
			if ep.ListenerArn == listenerArn && ep.LocalAddress != "" {
				local = ep.LocalAddress
				return true, ""
			}
		}
		return false, r.Body
	})
	return local
}
