package scheduler

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
)

// step is one change the stage machine made, at a fake clock's time.
type step struct {
	at      time.Duration
	stage   types.ServiceDeploymentLifecycleStage
	percent float64
}

func (s step) String() string { return fmt.Sprintf("%v %s %.0f", s.at, s.stage, s.percent) }

// runShift drives advanceShift with a fake clock: the green tasks serve from
// readyAt, and the clock jumps to each wake-up (or a second on when there is none).
func runShift(t *testing.T, r *shiftRecord, cfg shiftConfig, readyAt time.Duration, failed map[types.DeploymentLifecycleHookStage]bool) ([]step, shiftOutcome) {
	t.Helper()
	now := t0
	r.StageAt = now
	var steps []step
	for range 200 {
		o := advanceShift(r, cfg, shiftInput{Now: now, GreenReady: now.Sub(t0) >= readyAt,
			HookFailed: func(s types.DeploymentLifecycleHookStage) bool { return failed[s] }})
		if o.Rollback {
			return steps, o
		}
		if o.Changed {
			steps = append(steps, step{now.Sub(t0), r.Stage, r.Percent})
		}
		if r.Done {
			return steps, o
		}
		if o.Next.After(now) {
			now = o.Next
		} else {
			now = now.Add(time.Second)
		}
	}
	t.Fatalf("never finished: %v", steps)
	return nil, shiftOutcome{}
}

func TestAdvanceShiftStrategies(t *testing.T) {
	const dwell = time.Second
	tests := []struct {
		name string
		cfg  shiftConfig
		want string
	}{
		{"blue/green with bake", shiftConfig{Strategy: types.DeploymentStrategyBlueGreen, Bake: 5 * time.Minute, Dwell: dwell},
			"1s SCALE_UP 0|10s POST_SCALE_UP 0|11s TEST_TRAFFIC_SHIFT 0|12s POST_TEST_TRAFFIC_SHIFT 0|13s PRODUCTION_TRAFFIC_SHIFT 100|" +
				"14s POST_PRODUCTION_TRAFFIC_SHIFT 100|15s BAKE_TIME 100|5m15s CLEAN_UP 100"},
		{"linear steps", shiftConfig{Strategy: types.DeploymentStrategyLinear, StepPercent: 30, StepBake: 2 * time.Minute, Dwell: dwell},
			"1s SCALE_UP 0|10s POST_SCALE_UP 0|11s TEST_TRAFFIC_SHIFT 0|12s POST_TEST_TRAFFIC_SHIFT 0|13s PRODUCTION_TRAFFIC_SHIFT 30|" +
				"2m13s PRODUCTION_TRAFFIC_SHIFT 60|4m13s PRODUCTION_TRAFFIC_SHIFT 90|6m13s PRODUCTION_TRAFFIC_SHIFT 100|" +
				"6m14s POST_PRODUCTION_TRAFFIC_SHIFT 100|6m15s BAKE_TIME 100|6m16s CLEAN_UP 100"},
		{"canary then the rest", shiftConfig{Strategy: types.DeploymentStrategyCanary, CanaryPercent: 10, CanaryBake: 10 * time.Minute, Dwell: dwell},
			"1s SCALE_UP 0|10s POST_SCALE_UP 0|11s TEST_TRAFFIC_SHIFT 0|12s POST_TEST_TRAFFIC_SHIFT 0|13s PRODUCTION_TRAFFIC_SHIFT 10|" +
				"10m13s PRODUCTION_TRAFFIC_SHIFT 100|10m14s POST_PRODUCTION_TRAFFIC_SHIFT 100|10m15s BAKE_TIME 100|10m16s CLEAN_UP 100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &shiftRecord{Stage: types.ServiceDeploymentLifecycleStagePreScaleUp, BlueDeploymentID: "ecs-svc/blue"}
			steps, _ := runShift(t, r, tc.cfg, 10*time.Second, nil)
			var got []string
			for _, s := range steps {
				got = append(got, s.String())
			}
			if g := strings.Join(got, "|"); g != tc.want {
				t.Errorf("got  %s\nwant %s", g, tc.want)
			}
			if !r.Done {
				t.Error("not done")
			}
		})
	}
}

func TestAdvanceShiftFirstDeploymentShiftsAtOnce(t *testing.T) {
	r := &shiftRecord{Stage: types.ServiceDeploymentLifecycleStagePreScaleUp}
	cfg := shiftConfig{Strategy: types.DeploymentStrategyCanary, CanaryPercent: 10, CanaryBake: time.Hour, Bake: time.Hour, Dwell: time.Second}
	steps, _ := runShift(t, r, cfg, 0, nil)
	if last := steps[len(steps)-1]; last.stage != types.ServiceDeploymentLifecycleStageCleanUp || last.at > 10*time.Second {
		t.Errorf("first deployment baked: %v", steps)
	}
}

func TestAdvanceShiftHookFailureRollsBack(t *testing.T) {
	for _, stage := range []types.DeploymentLifecycleHookStage{"POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME"} {
		r := &shiftRecord{Stage: types.ServiceDeploymentLifecycleStagePreScaleUp, BlueDeploymentID: "b"}
		cfg := shiftConfig{Strategy: types.DeploymentStrategyBlueGreen, Bake: time.Minute, Dwell: time.Second}
		_, o := runShift(t, r, cfg, 0, map[types.DeploymentLifecycleHookStage]bool{stage: true})
		if !o.Rollback || o.Hook != string(stage) || r.Done {
			t.Errorf("%s: outcome %+v record %+v", stage, o, r)
		}
		if stage != "PRE_PRODUCTION_TRAFFIC_SHIFT" && string(r.Stage) != string(stage) {
			t.Errorf("%s: rolled back at %s", stage, r.Stage)
		}
	}
}

func TestShiftWeights(t *testing.T) {
	tests := []struct {
		r    shiftRecord
		want [4]int32
	}{
		{shiftRecord{Stage: "SCALE_UP"}, [4]int32{100, 0, 100, 0}},
		{shiftRecord{Stage: "TEST_TRAFFIC_SHIFT"}, [4]int32{100, 0, 0, 100}},
		{shiftRecord{Stage: "PRODUCTION_TRAFFIC_SHIFT", Percent: 12.6}, [4]int32{87, 13, 0, 100}},
		{shiftRecord{Stage: "CLEAN_UP", Percent: 100}, [4]int32{0, 100, 0, 100}},
		{shiftRecord{Stage: "PRODUCTION_TRAFFIC_SHIFT", Percent: 50, RolledBack: true}, [4]int32{100, 0, 100, 0}},
	}
	for _, tc := range tests {
		a, b, c, d := tc.r.weights()
		if got := [4]int32{a, b, c, d}; got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.r, got, tc.want)
		}
	}
}

func TestShiftConfigScalesMinutes(t *testing.T) {
	scale := func(d time.Duration) time.Duration { return d / 100 }
	cfg := shiftConfigOf(&types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(10),
		LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(25), StepBakeTimeInMinutes: aws.Int32(2)}}, scale)
	if cfg.Bake != 6*time.Second || cfg.StepBake != 1200*time.Millisecond || cfg.StepPercent != 25 || cfg.Strategy != types.DeploymentStrategyLinear {
		t.Errorf("config %+v", cfg)
	}
}

func TestHookStagePassed(t *testing.T) {
	tests := []struct {
		now  types.ServiceDeploymentLifecycleStage
		hook types.DeploymentLifecycleHookStage
		want bool
	}{
		{"", "POST_SCALE_UP", false},
		{"SCALE_UP", "POST_SCALE_UP", false},
		{"POST_SCALE_UP", "POST_SCALE_UP", false},
		{"TEST_TRAFFIC_SHIFT", "POST_SCALE_UP", true},
		{"PRODUCTION_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", false},
		{"BAKE_TIME", "PRE_PRODUCTION_TRAFFIC_SHIFT", true},
	}
	for _, tc := range tests {
		if got := passed(tc.now, tc.hook); got != tc.want {
			t.Errorf("passed(%s, %s) = %v", tc.now, tc.hook, got)
		}
	}
}

func TestTrafficShiftStepKeepsBlueUntilCleanUp(t *testing.T) {
	tests := []struct {
		shift          *Shift
		start, stopped int
	}{
		{&Shift{Stage: "PRE_SCALE_UP"}, 0, 1},
		{&Shift{Stage: "SCALE_UP"}, 2, 1},
		{&Shift{Stage: "BAKE_TIME"}, 2, 1},
		{&Shift{Stage: "CLEAN_UP", Done: true}, 2, 3},
	}
	for _, tc := range tests {
		f := newFixture(2, "ecs-svc/green", "ecs-svc/blue")
		f.svc.DeploymentConfiguration = &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen}
		f.add("ecs-svc/blue", ecscore.TaskRunning, "a")
		f.add("ecs-svc/blue", ecscore.TaskRunning, "b")
		f.add("ecs-svc/blue", ecscore.TaskPending, "a") // never served: stops at once
		p := Reconcile(Input{Service: f.svc, Tasks: f.tasks, Shift: tc.shift, Now: t0,
			NewID: func() string { return "ev" }, NewDeploymentID: func() string { return "ecs-svc/x" }})
		if started(p) != tc.start || len(p.Stop) != tc.stopped {
			t.Errorf("%s: started %d stopped %d, want %d and %d", tc.shift.Stage, started(p), len(p.Stop), tc.start, tc.stopped)
		}
	}
}

func TestSettleWaitsForHealthyTargetsAndShift(t *testing.T) {
	f := newFixture(1, "ecs-svc/1")
	task := f.add("ecs-svc/1", ecscore.TaskRunning, "a")
	in := Input{Service: f.svc, Tasks: f.tasks, Now: t0, Healthy: map[string]bool{aws.ToString(task.TaskArn): false},
		NewID: func() string { return "ev" }, NewDeploymentID: func() string { return "x" }}
	if Reconcile(in); f.svc.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatal("completed with an unhealthy target")
	}
	in.Healthy[aws.ToString(task.TaskArn)] = true
	in.Shift = &Shift{Stage: "BAKE_TIME"}
	if Reconcile(in); f.svc.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatal("completed while baking")
	}
	in.Shift = &Shift{Stage: "CLEAN_UP", Done: true}
	if Reconcile(in); f.svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatal("did not complete")
	}
}

func TestHookDetailsLifecycle(t *testing.T) {
	scale := func(d time.Duration) time.Duration { return d / 100 }
	sd := &types.ServiceDeployment{DeploymentConfiguration: &types.DeploymentConfiguration{LifecycleHooks: []types.DeploymentLifecycleHook{
		{HookTargetArn: aws.String("arn:aws:lambda:us-east-1:0:function:f"), LifecycleStages: []types.DeploymentLifecycleHookStage{"POST_SCALE_UP"}},
		{TargetType: types.DeploymentLifecycleHookTargetTypePause, LifecycleStages: []types.DeploymentLifecycleHookStage{"PRE_PRODUCTION_TRAFFIC_SHIFT"},
			TimeoutConfiguration: &types.DeploymentLifecycleHookTimeoutConfiguration{TimeoutInMinutes: aws.Int32(10), Action: types.DeploymentLifecycleHookActionContinue}},
	}}}
	r := &shiftRecord{Stage: "POST_SCALE_UP"}
	startHooks(sd, r, t0, scale)
	if len(sd.LifecycleHookDetails) != 1 || sd.LifecycleHookDetails[0].Status != types.DeploymentLifecycleHookStatusInProgress ||
		sd.LifecycleHookDetails[0].TargetType != types.DeploymentLifecycleHookTargetTypeAwsLambda {
		t.Fatalf("POST_SCALE_UP hooks %+v", sd.LifecycleHookDetails)
	}
	finishHooks(sd, r, map[types.DeploymentLifecycleHookStage]bool{})
	if sd.LifecycleHookDetails[0].Status != types.DeploymentLifecycleHookStatusSucceeded {
		t.Fatalf("lambda hook %s", sd.LifecycleHookDetails[0].Status)
	}
	// The pause hook before the production shift waits, then times out and continues.
	r.Stage = "POST_TEST_TRAFFIC_SHIFT"
	startHooks(sd, r, t0, scale)
	if len(sd.LifecycleHookDetails) != 1 || !sd.LifecycleHookDetails[0].ExpiresAt.Equal(t0.Add(6*time.Second)) {
		t.Fatalf("pause hooks %+v", sd.LifecycleHookDetails)
	}
	_, waiting, next, changed := hookState(sd, r, nil, t0.Add(time.Second))
	if !waiting["PRE_PRODUCTION_TRAFFIC_SHIFT"] || !next.Equal(t0.Add(6*time.Second)) || changed {
		t.Fatalf("waiting %v next %v changed %v", waiting, next, changed)
	}
	failed, waiting, _, changed := hookState(sd, r, nil, t0.Add(7*time.Second))
	if len(waiting) != 0 || len(failed) != 0 || !changed || sd.LifecycleHookDetails[0].Status != types.DeploymentLifecycleHookStatusTimedOut {
		t.Fatalf("after the timeout: failed %v waiting %v %s", failed, waiting, sd.LifecycleHookDetails[0].Status)
	}
	// A test's failure fails the hook's stage.
	failed, _, _, _ = hookState(sd, r, map[types.DeploymentLifecycleHookStage]bool{"POST_SCALE_UP": true}, t0)
	if !failed["POST_SCALE_UP"] {
		t.Fatal("test failure ignored")
	}
}
