package cloudwatch_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/longshore/longshore/compat-tests/harness"
)

// awsJson1_0, as the AWS CLI v1 sends it.
func TestJSON10Protocol(t *testing.T) {
	ls := harness.Start(t)
	r := harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.0",
		"X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData"},
		`{"Namespace":"App","MetricData":[{"MetricName":"Hits","Value":3}]}`)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/x-amz-json-1.0" {
		t.Fatalf("%d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	r = harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.0",
		"X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics"}, `{"Namespace":"App"}`)
	var out struct{ Metrics []struct{ MetricName string } }
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil || len(out.Metrics) != 1 || out.Metrics[0].MetricName != "Hits" {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r = harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.0",
		"X-Amz-Target": "GraniteServiceVersion20100801.SetAlarmState"}, `{"AlarmName":"none","StateValue":"OK","StateReason":"x"}`)
	if r.Status != 404 || r.Header.Get("x-amzn-query-error") != "ResourceNotFound;Sender" {
		t.Fatalf("%d %v %s", r.Status, r.Header, r.Body)
	}
}

// awsQuery, as older SDKs and Terraform's provider send it.
func TestQueryProtocol(t *testing.T) {
	ls := harness.Start(t)
	r := harness.Query(t, ls, "monitoring", "Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=Hits&MetricData.member.1.Value=5"+
		"&MetricData.member.1.Dimensions.member.1.Name=Stage&MetricData.member.1.Dimensions.member.1.Value=prod")
	if r.Status != 200 || !strings.Contains(r.Body, "<PutMetricDataResponse") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r = harness.Query(t, ls, "monitoring", "Action=ListMetrics&Version=2010-08-01&Namespace=App")
	harness.Contains(t, r.Body, "<ListMetricsResult><Metrics><member>")
	harness.Contains(t, r.Body, "<Name>Stage</Name><Value>prod</Value>")
	r = harness.Query(t, ls, "monitoring", "Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=a&AlarmNamePrefix=b")
	if r.Status != 400 || !strings.Contains(r.Body, "<Code>InvalidParameterCombination</Code>") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	// Unsigned, routed by Version.
	r = harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "Action=ListMetrics&Version=2010-08-01")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

func TestRPCv2UnknownOperation(t *testing.T) {
	ls := harness.Start(t)
	r := harness.Raw(t, ls, "POST", "/service/GraniteServiceVersion20100801/operation/Nope", map[string]string{"Smithy-Protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"}, "")
	if r.Status != 404 || r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" || r.Header.Get("Content-Type") != "application/cbor" {
		t.Fatalf("%d %v", r.Status, r.Header)
	}
	r = harness.Raw(t, ls, "POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", map[string]string{"Smithy-Protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"}, "\xff\x00")
	if r.Status != 400 || r.Header.Get("x-amzn-query-error") != "SerializationException;Sender" {
		t.Fatalf("%d %v", r.Status, r.Header)
	}
}

func TestCLI(t *testing.T) {
	ls := harness.Start(t)
	// Alarms evaluate complete minutes: one datapoint a minute ago and one now
	// put one in the last complete minute whenever the alarm is evaluated.
	now := time.Now().UTC()
	data := `[{"MetricName":"Depth","Value":42,"Unit":"Count","Timestamp":"` + now.Add(-time.Minute).Format(time.RFC3339) + `"},` +
		`{"MetricName":"Depth","Value":42,"Unit":"Count","Timestamp":"` + now.Format(time.RFC3339) + `"}]`
	if out, err := harness.AWSCLI(t, ls, nil, "cloudwatch", "put-metric-data", "--namespace", "App", "--metric-data", data); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	out, err := harness.AWSCLI(t, ls, nil, "cloudwatch", "list-metrics", "--namespace", "App")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	harness.Contains(t, out, `"MetricName": "Depth"`)
	out, err = harness.AWSCLI(t, ls, nil, "cloudwatch", "put-metric-alarm", "--alarm-name", "depth", "--namespace", "App", "--metric-name", "Depth",
		"--statistic", "Average", "--period", "60", "--evaluation-periods", "1", "--threshold", "10", "--comparison-operator", "GreaterThanThreshold")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// The engine evaluates the new alarm within a second: 42 is above 10.
	harness.Await(t, 10*time.Second, "the alarm in ALARM", func() (bool, string) {
		out, err = harness.AWSCLI(t, ls, nil, "cloudwatch", "describe-alarms", "--alarm-names", "depth")
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return strings.Contains(out, `"StateValue": "ALARM"`), out
	})
	harness.Contains(t, out, `"StateReason": "Threshold Crossed: 1 datapoint [42.0 (`)
	out, err = harness.AWSCLI(t, ls, nil, "cloudwatch", "set-alarm-state", "--alarm-name", "missing", "--state-value", "OK", "--state-reason", "x")
	if err == nil {
		t.Fatalf("want an error: %s", out)
	}
	harness.Contains(t, out, "ResourceNotFound")
}

func TestHealthCounts(t *testing.T) {
	ls := harness.Start(t)
	r := harness.Raw(t, ls, "GET", "/_longshore/health", nil, "")
	var h struct {
		Services map[string]struct{ Operations, Implemented int }
	}
	if err := json.Unmarshal([]byte(r.Body), &h); err != nil {
		t.Fatal(err)
	}
	if s := h.Services["application-autoscaling"]; s.Operations != 14 || s.Implemented != 14 {
		t.Errorf("application-autoscaling %d/%d", s.Implemented, s.Operations)
	}
	if s := h.Services["cloudwatch"]; s.Operations != 46 || s.Implemented != 16 {
		t.Errorf("cloudwatch %d/%d", s.Implemented, s.Operations)
	}
	// The rest of CloudWatch answers NotImplemented.
	r = harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.0",
		"X-Amz-Target": "GraniteServiceVersion20100801.PutDashboard"}, `{"DashboardName":"d","DashboardBody":"{}"}`)
	if r.Status != 501 || !strings.Contains(r.Body, "NotImplemented") {
		t.Errorf("%d %s", r.Status, r.Body)
	}
}
