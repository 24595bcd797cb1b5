package lb_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// shiftSetup is a service with two target groups behind a production and a test listener rule.
type shiftSetup struct {
	blue, green, prodRule, testRule string
}

func (e *env) shiftService(t *testing.T, name string, dc *ecstypes.DeploymentConfiguration) shiftSetup {
	t.Helper()
	lbArn := e.alb(name)
	s := shiftSetup{blue: e.targetGroup(name+"-blue", elbtypes.TargetTypeEnumIp), green: e.targetGroup(name+"-green", elbtypes.TargetTypeEnumIp)}
	s.prodRule = e.listener(lbArn, 80, map[string]int32{s.blue: 100, s.green: 0})
	s.testRule = e.listener(lbArn, 8080, map[string]int32{s.blue: 100, s.green: 0})
	e.fargateFamily(name, "app:1")
	_, err := e.ecs.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(name),
		DesiredCount: aws.Int32(2), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: e.network(),
		DeploymentConfiguration: dc,
		LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(s.blue), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80),
			AdvancedConfiguration: &ecstypes.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(s.green),
				ProductionListenerRule: aws.String(s.prodRule), TestListenerRule: aws.String(s.testRule),
				RoleArn: aws.String("arn:aws:iam::000000000000:role/ecs-elb")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.waitDeployment(t, name, ecstypes.ServiceDeploymentStatusSuccessful)
	harness.Eventually(t, 10*time.Second, "blue targets healthy", func() (bool, string) {
		return len(healthyIDs(e.health(s.blue))) == 2, fmt.Sprint(e.health(s.blue))
	})
	return s
}

// waitDeployment waits for the service's current service deployment to reach a status.
func (e *env) waitDeployment(t *testing.T, name string, want ecstypes.ServiceDeploymentStatus) ecstypes.ServiceDeployment {
	t.Helper()
	var sd ecstypes.ServiceDeployment
	harness.Eventually(t, 30*time.Second, "service deployment "+string(want), func() (bool, string) {
		sd = e.currentDeployment(name)
		return sd.Status == want, string(sd.Status) + " " + string(sd.LifecycleStage)
	})
	return sd
}

func (e *env) currentDeployment(name string) ecstypes.ServiceDeployment {
	arn := aws.ToString(e.service(name).CurrentServiceDeployment)
	out, err := e.ecs.DescribeServiceDeployments(harness.Ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil || len(out.ServiceDeployments) != 1 {
		e.t.Fatalf("describe %s: %v", arn, err)
	}
	return out.ServiceDeployments[0]
}

// deployRevision registers revision 2 of the family and deploys it.
func (e *env) deployRevision(t *testing.T, name string) string {
	t.Helper()
	td := e.fargateFamily(name, "app:2")
	out, err := e.ecs.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String(name), TaskDefinition: aws.String(td)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Service.CurrentServiceDeployment)
}

type observation struct {
	stage      ecstypes.ServiceDeploymentLifecycleStage
	prod, test [2]int32 // blue, green
}

// watch records the stages and weights of the current deployment until it reaches a final status.
func (e *env) watch(t *testing.T, name string, s shiftSetup, until ecstypes.ServiceDeploymentStatus) []observation {
	t.Helper()
	var seen []observation
	harness.Eventually(t, 40*time.Second, "deployment "+string(until), func() (bool, string) {
		// Stage and weights come from separate calls: keep a sample only when the
		// stage is the same before and after the weights were read.
		before := e.currentDeployment(name)
		p, q := e.ruleWeights(s.prodRule), e.ruleWeights(s.testRule)
		sd := e.currentDeployment(name)
		o := observation{sd.LifecycleStage, [2]int32{p[s.blue], p[s.green]}, [2]int32{q[s.blue], q[s.green]}}
		if before.LifecycleStage == sd.LifecycleStage && (len(seen) == 0 || seen[len(seen)-1] != o) {
			seen = append(seen, o)
		}
		return sd.Status == until, fmt.Sprint(sd.Status, seen)
	})
	return seen
}

var stageRank = map[ecstypes.ServiceDeploymentLifecycleStage]int{}

func init() {
	for i, s := range ecstypes.ServiceDeploymentLifecycleStage("").Values() {
		stageRank[s] = i
	}
}

func TestBlueGreenShiftsListenerWeights(t *testing.T) {
	e := start(t)
	s := e.shiftService(t, "bg", &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1)})
	if w := e.ruleWeights(s.prodRule); w[s.blue] != 100 || w[s.green] != 0 {
		t.Fatalf("weights before the deployment: %v", w)
	}
	e.deployRevision(t, "bg")
	seen := e.watch(t, "bg", s, ecstypes.ServiceDeploymentStatusSuccessful)

	stages := map[ecstypes.ServiceDeploymentLifecycleStage]observation{}
	last := -1
	for _, o := range seen {
		if r := stageRank[o.stage]; r < last {
			t.Errorf("stage %s after a later one: %v", o.stage, seen)
		} else {
			last = r
		}
		stages[o.stage] = o
	}
	for _, st := range []ecstypes.ServiceDeploymentLifecycleStage{"SCALE_UP", "TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"} {
		if _, ok := stages[st]; !ok {
			t.Errorf("stage %s not seen: %v", st, seen)
		}
	}
	if o := stages["SCALE_UP"]; o.prod != [2]int32{100, 0} || o.test != [2]int32{100, 0} {
		t.Errorf("SCALE_UP weights %v", o)
	}
	if o := stages["POST_TEST_TRAFFIC_SHIFT"]; o.stage != "" && (o.prod != [2]int32{100, 0} || o.test != [2]int32{0, 100}) {
		t.Errorf("test traffic shift weights %v", o)
	}
	if o := stages["BAKE_TIME"]; o.prod != [2]int32{0, 100} {
		t.Errorf("BAKE_TIME weights %v", o)
	}
	if p := e.ruleWeights(s.prodRule); p[s.blue] != 0 || p[s.green] != 100 {
		t.Errorf("final production weights %v", p)
	}
	// The green tasks serve from the alternate target group; the blue ones drained.
	harness.Eventually(t, 15*time.Second, "green healthy, blue drained", func() (bool, string) {
		g, b := e.health(s.green), e.health(s.blue)
		return len(healthyIDs(g)) == 2 && len(b) == 0, fmt.Sprint(g, b)
	})
	for _, tk := range e.tasks("bg", ecstypes.DesiredStatusRunning) {
		if aws.ToString(tk.TaskDefinitionArn) != aws.ToString(e.service("bg").TaskDefinition) {
			t.Errorf("task of %s still running", aws.ToString(tk.TaskDefinitionArn))
		}
	}
}

func TestCanaryRollbackShiftsTrafficBack(t *testing.T) {
	e := start(t)
	s := e.shiftService(t, "canary", &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyCanary,
		CanaryConfiguration: &ecstypes.CanaryConfiguration{CanaryPercent: aws.Float64(20), CanaryBakeTimeInMinutes: aws.Int32(30)}})
	blueTD := aws.ToString(e.service("canary").TaskDefinition)
	sdArn := e.deployRevision(t, "canary")
	harness.Eventually(t, 20*time.Second, "canary traffic", func() (bool, string) {
		p := e.ruleWeights(s.prodRule)
		return p[s.blue] == 80 && p[s.green] == 20, fmt.Sprint(p)
	})
	if sd := e.currentDeployment("canary"); sd.LifecycleStage != ecstypes.ServiceDeploymentLifecycleStageProductionTrafficShift {
		t.Errorf("stage during the canary bake: %s", sd.LifecycleStage)
	}
	if _, err := e.ecs.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(sdArn),
		StopType: ecstypes.StopServiceDeploymentStopTypeRollback}); err != nil {
		t.Fatal(err)
	}
	sd := e.waitDeployment(t, "canary", ecstypes.ServiceDeploymentStatusRollbackSuccessful)
	if aws.ToString(sd.ServiceDeploymentArn) != sdArn || sd.Rollback == nil {
		t.Errorf("rolled back deployment %+v", sd)
	}
	if p := e.ruleWeights(s.prodRule); p[s.blue] != 100 || p[s.green] != 0 {
		t.Errorf("production weights after rollback %v", p)
	}
	if q := e.ruleWeights(s.testRule); q[s.blue] != 100 || q[s.green] != 0 {
		t.Errorf("test weights after rollback %v", q)
	}
	if td := aws.ToString(e.service("canary").TaskDefinition); td != blueTD {
		t.Errorf("service task definition %s, want %s", td, blueTD)
	}
	harness.Eventually(t, 15*time.Second, "only blue tasks serve", func() (bool, string) {
		g, b := e.health(s.green), e.health(s.blue)
		tasks := e.tasks("canary", ecstypes.DesiredStatusRunning)
		for _, tk := range tasks {
			if aws.ToString(tk.TaskDefinitionArn) != blueTD {
				return false, "green task running"
			}
		}
		return len(tasks) == 2 && len(g) == 0 && len(healthyIDs(b)) == 2, fmt.Sprint(g, b)
	})
}

func TestLinearFailingLifecycleHookRollsBack(t *testing.T) {
	e := start(t)
	s := e.shiftService(t, "linear", &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyLinear,
		LinearConfiguration: &ecstypes.LinearConfiguration{StepPercent: aws.Float64(50), StepBakeTimeInMinutes: aws.Int32(1)},
		LifecycleHooks: []ecstypes.DeploymentLifecycleHook{{HookTargetArn: aws.String("arn:aws:lambda:us-east-1:000000000000:function:check"),
			RoleArn:         aws.String("arn:aws:iam::000000000000:role/hook"),
			LifecycleStages: []ecstypes.DeploymentLifecycleHookStage{ecstypes.DeploymentLifecycleHookStagePostProductionTrafficShift}}}})
	sdArn := e.deployRevision(t, "linear")
	// A stage without a hook cannot be decided; the hooked one can.
	if resp := e.control("/ecs/lifecycle-hooks", map[string]string{"serviceDeploymentArn": sdArn, "stage": "POST_SCALE_UP", "status": "FAILED"}); resp.Status != 400 {
		t.Errorf("hook on a stage without one: %d %s", resp.Status, resp.Body)
	}
	if resp := e.control("/ecs/lifecycle-hooks", map[string]string{"serviceDeploymentArn": sdArn, "stage": "POST_PRODUCTION_TRAFFIC_SHIFT", "status": "FAILED"}); resp.Status != 200 {
		t.Fatalf("failing the hook: %d %s", resp.Status, resp.Body)
	}
	seen := e.watch(t, "linear", s, ecstypes.ServiceDeploymentStatusRollbackSuccessful)
	half := false
	for _, o := range seen {
		half = half || o.prod == [2]int32{50, 50}
		if o.stage == ecstypes.ServiceDeploymentLifecycleStageBakeTime {
			t.Errorf("went on to BAKE_TIME after the hook failed: %v", seen)
		}
	}
	if !half {
		t.Errorf("no 50/50 linear step seen: %v", seen)
	}
	sd := e.currentDeployment("linear")
	if len(sd.LifecycleHookDetails) != 1 || sd.LifecycleHookDetails[0].Status != ecstypes.DeploymentLifecycleHookStatusFailed ||
		aws.ToString(sd.LifecycleHookDetails[0].TargetArn) != "arn:aws:lambda:us-east-1:000000000000:function:check" ||
		sd.LifecycleHookDetails[0].TargetType != ecstypes.DeploymentLifecycleHookTargetTypeAwsLambda {
		t.Errorf("hook details %+v", sd.LifecycleHookDetails)
	}
	if p := e.ruleWeights(s.prodRule); p[s.blue] != 100 || p[s.green] != 0 {
		t.Errorf("production weights after rollback %v", p)
	}
}

func TestBlueGreenCircuitBreakerRollsBack(t *testing.T) {
	e := start(t)
	s := e.shiftService(t, "cb", &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyBlueGreen,
		DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}})
	blueTD := aws.ToString(e.service("cb").TaskDefinition)
	out, err := e.ecs.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("cb"), NetworkMode: ecstypes.NetworkModeAwsvpc, RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("app:broken"), Essential: aws.Bool(true),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(80)}}, DockerLabels: map[string]string{"longshore.fail-to-start": "true"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ecs.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("cb"),
		TaskDefinition: out.TaskDefinition.TaskDefinitionArn}); err != nil {
		t.Fatal(err)
	}
	sd := e.waitDeployment(t, "cb", ecstypes.ServiceDeploymentStatusRollbackSuccessful)
	if sd.DeploymentCircuitBreaker == nil || sd.DeploymentCircuitBreaker.Status != ecstypes.ServiceDeploymentRollbackMonitorsStatusTriggered ||
		sd.DeploymentCircuitBreaker.FailureCount < 3 {
		t.Errorf("circuit breaker %+v", sd.DeploymentCircuitBreaker)
	}
	if p := e.ruleWeights(s.prodRule); p[s.blue] != 100 || p[s.green] != 0 {
		t.Errorf("production weights %v", p)
	}
	if td := aws.ToString(e.service("cb").TaskDefinition); td != blueTD {
		t.Errorf("task definition %s, want %s", td, blueTD)
	}
	if b := healthyIDs(e.health(s.blue)); len(b) != 2 {
		t.Errorf("blue targets %v", b)
	}
}

func TestBlueGreenPauseHookWaitsForContinue(t *testing.T) {
	e := start(t)
	s := e.shiftService(t, "pause", &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyBlueGreen})
	// The next deployment pauses after its test traffic shift.
	out, err := e.ecs.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("pause"),
		TaskDefinition: aws.String(e.fargateFamily("pause", "app:2")),
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyBlueGreen,
			LifecycleHooks: []ecstypes.DeploymentLifecycleHook{{TargetType: ecstypes.DeploymentLifecycleHookTargetTypePause,
				LifecycleStages: []ecstypes.DeploymentLifecycleHookStage{ecstypes.DeploymentLifecycleHookStagePostTestTrafficShift}}}}})
	if err != nil {
		t.Fatal(err)
	}
	sdArn := aws.ToString(out.Service.CurrentServiceDeployment)
	var hook ecstypes.DeploymentLifecycleHookDetail
	harness.Eventually(t, 20*time.Second, "paused after the test traffic shift", func() (bool, string) {
		sd := e.currentDeployment("pause")
		if sd.LifecycleStage != ecstypes.ServiceDeploymentLifecycleStagePostTestTrafficShift || len(sd.LifecycleHookDetails) != 1 {
			return false, fmt.Sprint(sd.LifecycleStage, sd.LifecycleHookDetails)
		}
		hook = sd.LifecycleHookDetails[0]
		return hook.Status == ecstypes.DeploymentLifecycleHookStatusAwaitingAction, string(hook.Status)
	})
	if !strings.HasPrefix(aws.ToString(hook.HookId), "ecs-pause-") || hook.ExpiresAt == nil || hook.TimeoutAction != ecstypes.DeploymentLifecycleHookActionRollback {
		t.Errorf("pause hook %+v", hook)
	}
	time.Sleep(500 * time.Millisecond)
	if sd := e.currentDeployment("pause"); sd.LifecycleStage != ecstypes.ServiceDeploymentLifecycleStagePostTestTrafficShift {
		t.Fatalf("went on without ContinueServiceDeployment: %s", sd.LifecycleStage)
	}
	if p, q := e.ruleWeights(s.prodRule), e.ruleWeights(s.testRule); p[s.blue] != 100 || q[s.green] != 100 {
		t.Errorf("weights while paused: production %v test %v", p, q)
	}
	if _, err := e.ecs.ContinueServiceDeployment(harness.Ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(sdArn),
		HookId: hook.HookId, Action: ecstypes.DeploymentLifecycleHookActionContinue}); err != nil {
		t.Fatal(err)
	}
	e.waitDeployment(t, "pause", ecstypes.ServiceDeploymentStatusSuccessful)
	if p := e.ruleWeights(s.prodRule); p[s.blue] != 0 || p[s.green] != 100 {
		t.Errorf("production weights %v", p)
	}
}
