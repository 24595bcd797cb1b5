package autoscalinggroups_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestLifecycleHooks(t *testing.T) {
	t.Parallel()
	e := start(t)
	lt := e.launchTemplate("hooks", "t3.micro", "")
	e.createGroup("hooks", lt, 0, 4, 0)
	_, err := e.as.PutLifecycleHook(harness.Ctx, &autoscaling.PutLifecycleHookInput{AutoScalingGroupName: aws.String("hooks"),
		LifecycleHookName: aws.String("launch"), LifecycleTransition: aws.String("autoscaling:EC2_INSTANCE_LAUNCHING"), HeartbeatTimeout: aws.Int32(60)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.as.PutLifecycleHook(harness.Ctx, &autoscaling.PutLifecycleHookInput{AutoScalingGroupName: aws.String("hooks"),
		LifecycleHookName: aws.String("drain"), LifecycleTransition: aws.String("autoscaling:EC2_INSTANCE_TERMINATING"), DefaultResult: aws.String("CONTINUE")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.as.PutLifecycleHook(harness.Ctx, &autoscaling.PutLifecycleHookInput{AutoScalingGroupName: aws.String("hooks"),
		LifecycleHookName: aws.String("bad"), LifecycleTransition: aws.String("autoscaling:EC2_INSTANCE_DANCING")})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = e.as.PutLifecycleHook(harness.Ctx, &autoscaling.PutLifecycleHookInput{AutoScalingGroupName: aws.String("nope"),
		LifecycleHookName: aws.String("x"), LifecycleTransition: aws.String("autoscaling:EC2_INSTANCE_LAUNCHING")})
	harness.AssertAPIError(t, err, "ValidationError")
	hooks, err := e.as.DescribeLifecycleHooks(harness.Ctx, &autoscaling.DescribeLifecycleHooksInput{AutoScalingGroupName: aws.String("hooks")})
	if err != nil {
		t.Fatal(err)
	}
	if len(hooks.LifecycleHooks) != 2 {
		t.Fatalf("%d hooks", len(hooks.LifecycleHooks))
	}
	h := hooks.LifecycleHooks[0]
	if aws.ToString(h.DefaultResult) != "ABANDON" || aws.ToInt32(h.HeartbeatTimeout) != 60 || aws.ToInt32(h.GlobalTimeout) != 6000 {
		t.Errorf("hook defaults %+v", h)
	}
	if d := hooks.LifecycleHooks[1]; aws.ToInt32(d.HeartbeatTimeout) != 3600 || aws.ToInt32(d.GlobalTimeout) != 172800 {
		t.Errorf("hook defaults %+v", d)
	}

	// A launch waits in Pending:Wait until the action completes.
	if _, err := e.as.SetDesiredCapacity(harness.Ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("hooks"), DesiredCapacity: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 10*time.Second, "Pending:Wait", func() (bool, string) { return lifecycleStates(e.group("hooks"))["Pending:Wait"] == 1, "" })
	id := aws.ToString(e.group("hooks").Instances[0].InstanceId)
	acts, _ := e.as.DescribeScalingActivities(harness.Ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("hooks")})
	if acts.Activities[0].StatusCode != types.ScalingActivityStatusCodeMidLifecycleAction {
		t.Errorf("activity status %s", acts.Activities[0].StatusCode)
	}
	_, err = e.as.RecordLifecycleActionHeartbeat(harness.Ctx, &autoscaling.RecordLifecycleActionHeartbeatInput{AutoScalingGroupName: aws.String("hooks"),
		LifecycleHookName: aws.String("launch"), InstanceId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.as.CompleteLifecycleAction(harness.Ctx, &autoscaling.CompleteLifecycleActionInput{AutoScalingGroupName: aws.String("hooks"),
		LifecycleHookName: aws.String("launch"), LifecycleActionToken: aws.String("00000000-0000-4000-8000-000000000000"), LifecycleActionResult: aws.String("CONTINUE")})
	ae := harness.AssertAPIError(t, err, "ValidationError")
	harness.Contains(t, ae.ErrorMessage(), "No active Lifecycle Action found with token 00000000-0000-4000-8000-000000000000")
	if _, err := e.as.CompleteLifecycleAction(harness.Ctx, &autoscaling.CompleteLifecycleActionInput{AutoScalingGroupName: aws.String("hooks"),
		LifecycleHookName: aws.String("launch"), InstanceId: aws.String(id), LifecycleActionResult: aws.String("CONTINUE")}); err != nil {
		t.Fatal(err)
	}
	e.inService("hooks", 10*time.Second)

	// Termination passes through the terminating hook, which times out... or completes.
	if _, err := e.as.TerminateInstanceInAutoScalingGroup(harness.Ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{InstanceId: aws.String(id),
		ShouldDecrementDesiredCapacity: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 10*time.Second, "Terminating:Wait", func() (bool, string) { return lifecycleStates(e.group("hooks"))["Terminating:Wait"] == 1, "" })
	if _, err := e.as.CompleteLifecycleAction(harness.Ctx, &autoscaling.CompleteLifecycleActionInput{AutoScalingGroupName: aws.String("hooks"),
		LifecycleHookName: aws.String("drain"), InstanceId: aws.String(id), LifecycleActionResult: aws.String("ABANDON")}); err != nil {
		t.Fatal(err)
	}
	harness.Eventually(t, 10*time.Second, "terminated", func() (bool, string) { return len(e.group("hooks").Instances) == 0, "" })

	if _, err := e.as.DeleteLifecycleHook(harness.Ctx, &autoscaling.DeleteLifecycleHookInput{AutoScalingGroupName: aws.String("hooks"), LifecycleHookName: aws.String("drain")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.as.DeleteLifecycleHook(harness.Ctx, &autoscaling.DeleteLifecycleHookInput{AutoScalingGroupName: aws.String("hooks"), LifecycleHookName: aws.String("drain")})
	harness.AssertAPIError(t, err, "ValidationError")
}

// TestLifecycleHookTimeout runs the hook timeout on scaled time: the action
// passes with its default result.
func TestLifecycleHookTimeout(t *testing.T) {
	t.Parallel()
	e := startScaled(t, 60)
	lt := e.launchTemplate("timeout", "t3.micro", "")
	e.createGroup("timeout", lt, 0, 2, 0)
	if _, err := e.as.PutLifecycleHook(harness.Ctx, &autoscaling.PutLifecycleHookInput{AutoScalingGroupName: aws.String("timeout"),
		LifecycleHookName: aws.String("launch"), LifecycleTransition: aws.String("autoscaling:EC2_INSTANCE_LAUNCHING"),
		HeartbeatTimeout: aws.Int32(60), DefaultResult: aws.String("ABANDON")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.as.SetDesiredCapacity(harness.Ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("timeout"), DesiredCapacity: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	// 60 s at 60× is a second: ABANDON terminates the instance and the group launches another.
	harness.Eventually(t, 15*time.Second, "an abandoned launch", func() (bool, string) {
		out, _ := e.as.DescribeScalingActivities(harness.Ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("timeout")})
		for _, a := range out.Activities {
			if a.StatusCode == types.ScalingActivityStatusCodeCancelled {
				return true, ""
			}
		}
		return false, ""
	})
}
