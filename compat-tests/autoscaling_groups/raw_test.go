package autoscalinggroups_test

import (
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestRawRequests: what SDKs never send gets Auto Scaling's errors in the
// query protocol's envelope.
func TestRawRequests(t *testing.T) {
	t.Parallel()
	e := start(t)
	r := harness.Query(t, e.ls, "autoscaling", "Action=CreateAutoScalingGroup&Version=2011-01-01&MinSize=0&MaxSize=1")
	if r.Status != 400 {
		t.Errorf("status %d", r.Status)
	}
	harness.Contains(t, r.Body, "<ErrorResponse")
	harness.Contains(t, r.Body, "<Code>ValidationError</Code>")
	harness.Contains(t, r.Body, "autoScalingGroupName")

	r = harness.Query(t, e.ls, "autoscaling", "Action=SetDesiredCapacity&Version=2011-01-01&AutoScalingGroupName=ghost&DesiredCapacity=1")
	harness.Contains(t, r.Body, "<Code>ValidationError</Code>")
	harness.Contains(t, r.Body, "AutoScalingGroup name not found - null")

	r = harness.Query(t, e.ls, "autoscaling", "Action=PutNotificationConfiguration&Version=2011-01-01&AutoScalingGroupName=a&TopicARN=arn:aws:sns:us-east-1:000000000000:t&NotificationTypes.member.1=autoscaling:EC2_INSTANCE_LAUNCH")
	if r.Status != 501 {
		t.Errorf("unimplemented operation: %d %s", r.Status, r.Body)
	}
	harness.Contains(t, r.Body, "NotImplemented")

	r = harness.Query(t, e.ls, "autoscaling", "Action=DescribeAutoScalingGroups&Version=2011-01-01&MaxRecords=500")
	harness.Contains(t, r.Body, "<Code>ValidationError</Code>")
	r = harness.Query(t, e.ls, "autoscaling", "Action=DescribeAutoScalingGroups&Version=2011-01-01")
	if r.Status != 200 {
		t.Errorf("describe: %d %s", r.Status, r.Body)
	}
	harness.Contains(t, r.Body, "<DescribeAutoScalingGroupsResult>")
}
