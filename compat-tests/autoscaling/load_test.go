package autoscaling_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The metrics Longshore publishes from simulated load.
func TestPublishedMetrics(t *testing.T) {
	ls := quiet(t)
	fargateService(t, ls, "web", 2)
	tg := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/943f017f100becff"
	setLoad(t, ls, "web", 55, 35)
	r := harness.Raw(t, ls, "PUT", "/_longshore/elbv2/load", nil, `{"targetGroupArn":"`+tg+`","requestsPerMinute":600}`)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	e := newFakeEngine(ls)
	e.advance(t, time.Second)
	cw := cloudwatch.NewFromConfig(ls.Config)
	stat := func(ns, name string, dims []cwtypes.Dimension, st cwtypes.Statistic) float64 {
		t.Helper()
		out, err := cw.GetMetricStatistics(harness.Ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String(ns), MetricName: aws.String(name), Dimensions: dims,
			StartTime: aws.Time(e.now.Add(-time.Hour)), EndTime: aws.Time(e.now.Add(time.Hour)), Period: aws.Int32(3600), Statistics: []cwtypes.Statistic{st}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Datapoints) == 0 {
			t.Fatalf("no %s %s datapoints", ns, name)
		}
		d := out.Datapoints[0]
		if st == cwtypes.StatisticSum {
			return aws.ToFloat64(d.Sum)
		}
		return aws.ToFloat64(d.Average)
	}
	ecsDims := []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String(cluster)}, {Name: aws.String("ServiceName"), Value: aws.String("web")}}
	if v := stat("AWS/ECS", "CPUUtilization", ecsDims, cwtypes.StatisticAverage); v != 55 {
		t.Errorf("CPUUtilization %v", v)
	}
	if v := stat("AWS/ECS", "MemoryUtilization", ecsDims, cwtypes.StatisticAverage); v != 35 {
		t.Errorf("MemoryUtilization %v", v)
	}
	tgDims := []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String("targetgroup/web/943f017f100becff")}}
	if v := stat("AWS/ApplicationELB", "RequestCount", tgDims, cwtypes.StatisticSum); v != 600 {
		t.Errorf("RequestCount %v", v)
	}
	// No service registers into the target group yet: one target is assumed.
	if v := stat("AWS/ApplicationELB", "RequestCountPerTarget", tgDims, cwtypes.StatisticSum); v != 600 {
		t.Errorf("RequestCountPerTarget %v", v)
	}

	for _, bad := range []struct{ path, body string }{
		{"/_longshore/ecs/load", `{"cluster":"` + cluster + `","service":"nope","cpu":10}`},
		{"/_longshore/ecs/load", `{"cluster":"` + cluster + `","service":"web","cpu":-1}`},
		{"/_longshore/ecs/load", `not json`},
		{"/_longshore/elbv2/load", `{"targetGroupArn":"tg","requestsPerMinute":1}`},
	} {
		if r := harness.Raw(t, ls, "PUT", bad.path, nil, bad.body); r.Status == 200 {
			t.Errorf("%s %s: accepted", bad.path, bad.body)
		}
	}
}
