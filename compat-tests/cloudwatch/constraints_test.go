package cloudwatch_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// TestMetricNamesAreASCII checks that namespaces, metric names and
// dimensions outside printable ASCII (invalid UTF-8 and NUL included) are
// refused and nothing is stored. Source: the CloudWatch API reference
// (Namespace, Dimension: "must contain only ASCII characters") and AWS's
// recorded answers quoted in public issues: "InvalidParameterValue: The value
// for parameter MetricData.member.2.Dimensions.member.1.Value contains non-ASCII
// characters." (buildkite/buildkite-agent-metrics#32) and PutMetricAlarm's
// "ValidationError: MetricName must not contain Non-ASCII characters."
// (hashicorp/terraform#29681).
func TestMetricNamesAreASCII(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	put := func(ns, name, dimValue string) error {
		_, err := cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(ns), MetricData: []types.MetricDatum{
			{MetricName: aws.String("ok"), Value: aws.Float64(1)},
			{MetricName: aws.String(name), Value: aws.Float64(1), Dimensions: []types.Dimension{dim("d", dimValue)}},
		}})
		return err
	}
	harness.AssertError(t, put("App\x00", "m", "v"), "InvalidParameterValue", 400, "The value for parameter Namespace contains non-ASCII characters.")
	// The SDK's CBOR refuses invalid UTF-8 itself; the query protocol carries it.
	r := harness.Query(t, ls, "monitoring", "Action=PutMetricData&Version=2010-08-01&Namespace=App%FF&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1")
	if r.Status != 400 || !strings.Contains(r.Body, "<Code>InvalidParameterValue</Code>") ||
		!strings.Contains(r.Body, "The value for parameter Namespace contains non-ASCII characters.") {
		t.Fatalf("invalid UTF-8 namespace: %d %s", r.Status, r.Body)
	}
	harness.AssertError(t, put("App", "m\u00e9", "v"), "InvalidParameterValue", 400, "The value for parameter MetricData.member.2.MetricName contains non-ASCII characters.")
	harness.AssertError(t, put("App", "m", "\U0001F600"), "InvalidParameterValue", 400, "The value for parameter MetricData.member.2.Dimensions.member.1.Value contains non-ASCII characters.")
	out := harness.Must(cw.ListMetrics(harness.Ctx, &cloudwatch.ListMetricsInput{}))(t)
	if len(out.Metrics) != 0 {
		t.Fatalf("refused data stored: %+v", out.Metrics)
	}
	_, err := cw.PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("a"), MetricName: aws.String("5xx\u00e9"),
		Namespace: aws.String("AWS/CloudFront"), Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		Statistic: types.StatisticAverage, ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold})
	harness.AssertError(t, err, "ValidationError", 400, "MetricName must not contain Non-ASCII characters.")
}

// TestEnumMessageListsValuesInAWSOrder checks the order of an enum's values
// in a validation message. Source: LocalStack's AWS-validated
// tests/aws/services/cloudwatch/test_cloudwatch.snapshot.json, SetAlarmState
// with an invalid state: "1 validation error detected: Value 'INVALID' at
// 'stateValue' failed to satisfy constraint: Member must satisfy enum value
// set: [INSUFFICIENT_DATA, ALARM, OK]" (the model lists OK, ALARM, INSUFFICIENT_DATA).
func TestEnumMessageListsValuesInAWSOrder(t *testing.T) {
	cw := cloudwatch.NewFromConfig(harness.Start(t).Config)
	_, err := cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("a"), StateValue: "INVALID", StateReason: aws.String("r")})
	harness.AssertError(t, err, "ValidationError", 400,
		"1 validation error detected: Value 'INVALID' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]")
}
