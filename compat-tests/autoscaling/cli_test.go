package autoscaling_test

import (
	"testing"
	"time"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The flows through the aws CLI: application-autoscaling is awsJson1_1,
// CloudWatch goes through the CLI's default protocol (awsJson1_0).
func TestCLIStepPolicyFiredByAlarm(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "worker", 1)
	run := func(args ...string) string { return harness.CLI(t, ls, args...) }
	run("application-autoscaling", "register-scalable-target", "--service-namespace", "ecs", "--scalable-dimension", "ecs:service:DesiredCount",
		"--resource-id", resourceID("worker"), "--min-capacity", "1", "--max-capacity", "5")
	out := run("application-autoscaling", "put-scaling-policy", "--service-namespace", "ecs", "--scalable-dimension", "ecs:service:DesiredCount",
		"--resource-id", resourceID("worker"), "--policy-name", "add-two", "--policy-type", "StepScaling",
		"--step-scaling-policy-configuration", `{"AdjustmentType":"ChangeInCapacity","Cooldown":60,"StepAdjustments":[{"MetricIntervalLowerBound":0,"ScalingAdjustment":2}]}`,
		"--query", "PolicyARN", "--output", "text")
	arn := trimLine(out)
	run("cloudwatch", "put-metric-alarm", "--alarm-name", "backlog", "--namespace", "App", "--metric-name", "Backlog", "--statistic", "Maximum",
		"--period", "60", "--evaluation-periods", "1", "--threshold", "50", "--comparison-operator", "GreaterThanOrEqualToThreshold", "--alarm-actions", arn)
	e := newFakeEngine(ls)
	run("cloudwatch", "put-metric-data", "--namespace", "App", "--metric-name", "Backlog", "--value", "75", "--timestamp", e.now.Format(time.RFC3339))
	e.advance(t, time.Second)
	out = run("application-autoscaling", "describe-scaling-activities", "--service-namespace", "ecs", "--resource-id", resourceID("worker"))
	harness.Contains(t, out, `"Description": "Setting desired count to 3."`)
	harness.Contains(t, out, `"Cause": "monitor alarm backlog in state ALARM triggered policy add-two"`)
	harness.Contains(t, out, `"StatusCode": "Successful"`)
	out = run("cloudwatch", "describe-alarm-history", "--alarm-name", "backlog", "--history-item-type", "Action")
	harness.Contains(t, out, "Successfully executed action "+arn)
	out, err := harness.AWSCLI(t, ls, nil, "application-autoscaling", "delete-scaling-policy", "--service-namespace", "ecs", "--scalable-dimension",
		"ecs:service:DesiredCount", "--resource-id", resourceID("worker"), "--policy-name", "nope")
	if err == nil {
		t.Fatalf("want an error: %s", out)
	}
	harness.Contains(t, out, "ObjectNotFoundException")
}

func trimLine(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}

func TestCLITargetTrackingAndSchedule(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 1)
	run := func(args ...string) string { return harness.CLI(t, ls, args...) }
	target := []string{"--service-namespace", "ecs", "--scalable-dimension", "ecs:service:DesiredCount", "--resource-id", resourceID("web")}
	run(append([]string{"application-autoscaling", "register-scalable-target", "--min-capacity", "1", "--max-capacity", "10"}, target...)...)
	out := run(append([]string{"application-autoscaling", "put-scaling-policy", "--policy-name", "cpu70", "--policy-type", "TargetTrackingScaling",
		"--target-tracking-scaling-policy-configuration",
		`{"TargetValue":70,"PredefinedMetricSpecification":{"PredefinedMetricType":"ECSServiceAverageCPUUtilization"},"ScaleOutCooldown":60,"ScaleInCooldown":60}`}, target...)...)
	harness.Contains(t, out, "TargetTracking-service/scaling/web-AlarmHigh-")
	// The schedule's clock starts at the put, on the server's own clock, and
	// runs at time scale 60 on the engine's: the test engine's clock starts
	// after the put, or a put slower than five seconds (a loaded machine)
	// leaves the engine behind the schedule and the action never fires.
	at := time.Now().UTC().Add(10 * time.Minute).Format("2006-01-02T15:04:05")
	run(append([]string{"application-autoscaling", "put-scheduled-action", "--scheduled-action-name", "raise", "--schedule", "at(" + at + ")",
		"--scalable-target-action", "MinCapacity=6,MaxCapacity=10"}, target...)...)
	e := newFakeEngine(ls)
	setLoad(t, ls, "web", 95, 20)
	e.advance(t, 5*time.Second)
	out = run("application-autoscaling", "describe-scaling-activities", "--service-namespace", "ecs", "--resource-id", resourceID("web"))
	harness.Contains(t, out, "triggered policy cpu70")
	// Ten minutes on the schedule's clock are ten seconds at time scale 60.
	e.advance(t, 10*time.Second)
	out = run("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs")
	harness.Contains(t, out, `"MinCapacity": 6`)
	out = run("application-autoscaling", "describe-scaling-activities", "--service-namespace", "ecs", "--resource-id", resourceID("web"))
	harness.Contains(t, out, `"Cause": "scheduled action name raise was triggered"`)
	out = run("cloudwatch", "describe-alarms", "--alarm-name-prefix", "TargetTracking-", "--state-value", "ALARM")
	harness.Contains(t, out, "AlarmHigh")
}
