package autoscalinggroups_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/longshore/longshore/compat-tests/harness"
)

// cli runs the aws CLI and decodes its JSON answer (nil for none).
func (e *env) cli(args ...string) map[string]any {
	e.t.Helper()
	out, err := harness.AWSCLI(e.t, e.ls, nil, args...)
	if err != nil {
		e.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if strings.TrimSpace(out) == "" {
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		e.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return v
}

// TestCLIGroupFlow drives the main flows with `aws autoscaling`: create a
// group from a launch template, wait for it, scale it, look at its
// instances and activities, tag it, and delete it.
func TestCLIGroupFlow(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.launchTemplate("cli", "t3.small", "")
	subnets := strings.Join(e.defaultSubnets(), ",")
	e.cli("autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "cli-asg",
		"--launch-template", "LaunchTemplateName=cli,Version=$Latest", "--min-size", "0", "--max-size", "4", "--desired-capacity", "2",
		"--vpc-zone-identifier", subnets, "--tags", "Key=env,Value=test,PropagateAtLaunch=true")
	out, err := harness.AWSCLI(t, e.ls, nil, "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "cli-asg",
		"--launch-template", "LaunchTemplateName=cli", "--min-size", "0", "--max-size", "1", "--vpc-zone-identifier", subnets)
	if err == nil || !strings.Contains(out, "AlreadyExists") {
		t.Errorf("duplicate group: %v\n%s", err, out)
	}
	e.inService("cli-asg", 20*time.Second)
	groups := e.cli("autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "cli-asg")["AutoScalingGroups"].([]any)
	g := groups[0].(map[string]any)
	if g["DesiredCapacity"].(float64) != 2 || len(g["Instances"].([]any)) != 2 {
		t.Errorf("group %v", g)
	}
	e.cli("autoscaling", "set-desired-capacity", "--auto-scaling-group-name", "cli-asg", "--desired-capacity", "3")
	e.cli("autoscaling", "update-auto-scaling-group", "--auto-scaling-group-name", "cli-asg", "--max-size", "5", "--new-instances-protected-from-scale-in")
	e.inService("cli-asg", 20*time.Second)
	insts := e.cli("autoscaling", "describe-auto-scaling-instances")["AutoScalingInstances"].([]any)
	if len(insts) != 3 {
		t.Fatalf("%d instances", len(insts))
	}
	acts := e.cli("autoscaling", "describe-scaling-activities", "--auto-scaling-group-name", "cli-asg")["Activities"].([]any)
	if len(acts) != 3 || !strings.HasPrefix(acts[0].(map[string]any)["Description"].(string), "Launching a new EC2 instance: i-") {
		t.Errorf("activities %v", acts)
	}
	harness.Contains(t, acts[0].(map[string]any)["Cause"].(string), "a user request explicitly set group desired capacity changing the desired capacity from 2 to 3.")
	e.cli("autoscaling", "create-or-update-tags", "--tags", "ResourceId=cli-asg,ResourceType=auto-scaling-group,Key=owner,Value=me,PropagateAtLaunch=false")
	tags := e.cli("autoscaling", "describe-tags", "--filters", "Name=auto-scaling-group,Values=cli-asg")["Tags"].([]any)
	if len(tags) != 2 {
		t.Errorf("tags %v", tags)
	}
	e.cli("autoscaling", "put-scaling-policy", "--auto-scaling-group-name", "cli-asg", "--policy-name", "up",
		"--adjustment-type", "ChangeInCapacity", "--scaling-adjustment", "1")
	e.cli("autoscaling", "put-lifecycle-hook", "--auto-scaling-group-name", "cli-asg", "--lifecycle-hook-name", "drain",
		"--lifecycle-transition", "autoscaling:EC2_INSTANCE_TERMINATING", "--heartbeat-timeout", "30", "--default-result", "CONTINUE")
	limits := e.cli("autoscaling", "describe-account-limits")
	if limits["NumberOfAutoScalingGroups"].(float64) != 1 {
		t.Errorf("limits %v", limits)
	}
	e.cli("autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name", "cli-asg", "--force-delete")
	harness.Eventually(t, 20*time.Second, "the group to go", func() (bool, string) {
		return len(e.cli("autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "cli-asg")["AutoScalingGroups"].([]any)) == 0, ""
	})
}
