package cloudwatch_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// PutMetricData's limits, from the API reference
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html):
// "up to 150 values per metric", "limited to 1 MB in size for HTTP POST
// requests. You can send a payload compressed by gzip", "no more than 1000
// different metrics". The answers past them are AWS's as recorded in public
// threads: 400 InvalidParameterValue "The collection MetricData must not have
// a size greater than 20." (aknostic/elasticsearch-cloudwatch#3, when the
// limit was 20) and 413 RequestEntityTooLarge "Request size 45305 exceeded
// 40960 bytes" (aws/aws-sdk-go#4441, when the limit was 40 KB).
func TestPutMetricDataLimits(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	data := func(n, values int) []types.MetricDatum {
		out := make([]types.MetricDatum, n)
		for i := range out {
			out[i] = types.MetricDatum{MetricName: aws.String(fmt.Sprint("m", i)), Value: aws.Float64(1)}
			if values > 0 {
				out[i].Value = nil
				for v := 0; v < values; v++ {
					out[i].Values = append(out[i].Values, float64(v)+0.123456789)
				}
			}
		}
		return out
	}

	_, err := cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Limits/Too"), MetricData: data(1001, 0)})
	harness.AssertError(t, err, "InvalidParameterValue", 400, "The collection MetricData must not have a size greater than 1000.")
	_, err = cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Limits/Too"), MetricData: data(1, 151)})
	harness.AssertError(t, err, "InvalidParameterValue", 400, "The collection MetricData.member.1.Values must not have a size greater than 150.")

	// About 1.4 MB of request: refused uncompressed, accepted gzipped (the SDK
	// compresses PutMetricData by default).
	big := data(1000, 150)
	_, err = cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Limits/Too"), MetricData: big},
		func(o *cloudwatch.Options) { o.DisableRequestCompression = true })
	harness.AssertError(t, err, "RequestEntityTooLarge", http.StatusRequestEntityTooLarge, "")
	harness.Contains(t, err.Error(), "exceeded 1048576 bytes")
	listed := harness.Must(cw.ListMetrics(harness.Ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("Limits/Too")}))(t)
	if len(listed.Metrics) != 0 {
		t.Fatalf("refused requests stored %d metrics", len(listed.Metrics))
	}

	harness.Must(cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Limits/Ok"), MetricData: big}))(t)
	harness.Must(cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Limits/Ok"), MetricData: data(1000, 0)}))(t)
	n := 0
	p := cloudwatch.NewListMetricsPaginator(cw, &cloudwatch.ListMetricsInput{Namespace: aws.String("Limits/Ok")})
	for p.HasMorePages() {
		n += len(harness.Must(p.NextPage(harness.Ctx))(t).Metrics)
	}
	if n != 1000 {
		t.Errorf("%d metrics listed, want 1000", n)
	}
}
