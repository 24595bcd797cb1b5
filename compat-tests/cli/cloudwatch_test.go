package cli_test

import (
	"strings"
	"testing"
	"time"
)

// Metrics and alarms from a script: put-metric-data, list-metrics paged, an
// alarm from --cli-input-json with the alarm-exists waiter, set-alarm-state
// and the alarm history, statistics back, and the clean-up.
func TestCLICloudWatchSession(t *testing.T) {
	s := start(t)
	for _, svc := range []string{"orders", "billing", "mailer"} {
		s.run("cloudwatch", "put-metric-data", "--namespace", "Shop", "--metric-name", "QueueDepth",
			"--dimensions", "Service="+svc, "--value", "42", "--unit", "Count")
	}
	names, pages := s.pages("Services", 2, "cloudwatch", "list-metrics", "--namespace", "Shop",
		"--query", "{Services: Metrics[].Dimensions[0].Value, NextToken: NextToken}")
	if len(names) != 3 || pages != 2 {
		t.Errorf("3 metrics with --max-items 2: %v in %d pages", names, pages)
	}

	alarm := s.file("alarm.json", `{
  "AlarmName": "orders-queue-deep",
  "AlarmDescription": "orders queue is backing up",
  "Namespace": "Shop",
  "MetricName": "QueueDepth",
  "Dimensions": [{"Name": "Service", "Value": "orders"}],
  "Statistic": "Average",
  "Period": 60,
  "EvaluationPeriods": 2,
  "Threshold": 100,
  "ComparisonOperator": "GreaterThanThreshold",
  "TreatMissingData": "notBreaching"
}`)
	s.run("cloudwatch", "put-metric-alarm", "--cli-input-json", alarm)
	s.run("cloudwatch", "wait", "alarm-exists", "--alarm-names", "orders-queue-deep")
	table := s.run("cloudwatch", "describe-alarms", "--alarm-names", "orders-queue-deep", "--output", "table",
		"--query", "MetricAlarms[].{Name:AlarmName,Threshold:Threshold,Operator:ComparisonOperator}")
	s.tableHas(table, "DescribeAlarms", "orders-queue-deep", "GreaterThanThreshold")

	s.run("cloudwatch", "set-alarm-state", "--alarm-name", "orders-queue-deep", "--state-value", "ALARM", "--state-reason", "drill")
	state := s.text("cloudwatch", "describe-alarms", "--alarm-names", "orders-queue-deep", "--query", "MetricAlarms[0].StateValue")
	history := s.text("cloudwatch", "describe-alarm-history", "--alarm-name", "orders-queue-deep", "--history-item-type", "StateUpdate",
		"--query", "AlarmHistoryItems[].HistorySummary")
	if !strings.Contains(history, "to ALARM") {
		t.Errorf("alarm history %q", history)
	}
	// SetAlarmState holds until the alarm's next evaluation, which AWS says
	// may come "often within seconds" (SetAlarmState, CloudWatch API
	// Reference); a new alarm's first one can follow the set on a busy
	// machine, and then the history shows the return.
	if state != "ALARM" && !strings.Contains(history, "from ALARM") {
		t.Errorf("state %q after set-alarm-state ALARM, history %q", state, history)
	}

	stats := s.text("cloudwatch", "get-metric-statistics", "--namespace", "Shop", "--metric-name", "QueueDepth",
		"--dimensions", "Name=Service,Value=orders", "--statistics", "Maximum", "--period", "60",
		"--start-time", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "--end-time", time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "--query", "Datapoints[0].Maximum")
	if stats != "42.0" && stats != "42" {
		t.Errorf("maximum %q", stats)
	}

	s.run("cloudwatch", "delete-alarms", "--alarm-names", "orders-queue-deep")
	s.fail("ResourceNotFound", "cloudwatch", "delete-alarms", "--alarm-names", "orders-queue-deep")
	s.equal("alarms left", s.text("cloudwatch", "describe-alarms", "--query", "length(MetricAlarms)"), "0")
}

// AWS writes every double with its fraction ("Threshold": 100.0, "TargetValue":
// 70.0), so the CLI prints 100.0; scripts that compare --output text see the
// difference.
func TestCLIDoublesKeepTheirFraction(t *testing.T) {
	s := start(t)
	s.run("cloudwatch", "put-metric-alarm", "--alarm-name", "deep", "--namespace", "Shop", "--metric-name", "QueueDepth",
		"--statistic", "Average", "--period", "60", "--evaluation-periods", "1", "--threshold", "100",
		"--comparison-operator", "GreaterThanThreshold")
	s.equal("CloudWatch threshold", s.text("cloudwatch", "describe-alarms", "--query", "MetricAlarms[0].Threshold"), "100.0")
}
