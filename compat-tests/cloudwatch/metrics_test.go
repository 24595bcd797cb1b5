package cloudwatch_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func dim(name, value string) types.Dimension {
	return types.Dimension{Name: aws.String(name), Value: aws.String(value)}
}

func TestPutMetricDataAndStatistics(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	now := time.Now().UTC().Truncate(time.Minute)
	q := []types.Dimension{dim("QueueName", "jobs")}
	_, err := cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App/Queue"), MetricData: []types.MetricDatum{
		{MetricName: aws.String("Depth"), Dimensions: q, Value: aws.Float64(10), Timestamp: aws.Time(now.Add(-2 * time.Minute)), Unit: types.StandardUnitCount},
		{MetricName: aws.String("Depth"), Dimensions: q, Value: aws.Float64(30), Timestamp: aws.Time(now.Add(-2 * time.Minute).Add(10 * time.Second)), Unit: types.StandardUnitCount},
		{MetricName: aws.String("Depth"), Dimensions: q, Values: []float64{100, 200}, Counts: []float64{1, 3}, Timestamp: aws.Time(now.Add(-time.Minute)), Unit: types.StandardUnitCount},
		{MetricName: aws.String("Depth"), Dimensions: q, StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(2), Sum: aws.Float64(10), Minimum: aws.Float64(4), Maximum: aws.Float64(6)}, Timestamp: aws.Time(now.Add(-time.Minute)), Unit: types.StandardUnitCount},
	}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := cw.GetMetricStatistics(harness.Ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("App/Queue"), MetricName: aws.String("Depth"),
		Dimensions: q, StartTime: aws.Time(now.Add(-5 * time.Minute)), EndTime: aws.Time(now), Period: aws.Int32(60),
		Statistics: []types.Statistic{types.StatisticAverage, types.StatisticSum, types.StatisticMaximum, types.StatisticMinimum, types.StatisticSampleCount}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Label) != "Depth" || len(out.Datapoints) != 2 {
		t.Fatalf("label %q, %d datapoints", aws.ToString(out.Label), len(out.Datapoints))
	}
	byTime := map[time.Time]types.Datapoint{}
	for _, d := range out.Datapoints {
		byTime[d.Timestamp.UTC()] = d
	}
	first, second := byTime[now.Add(-2*time.Minute)], byTime[now.Add(-time.Minute)]
	if aws.ToFloat64(first.Average) != 20 || aws.ToFloat64(first.Sum) != 40 || aws.ToFloat64(first.SampleCount) != 2 || first.Unit != types.StandardUnitCount {
		t.Errorf("first minute %+v", first)
	}
	// 100×1 + 200×3 + statistic set (2 samples, sum 10, 4..6)
	if aws.ToFloat64(second.Sum) != 710 || aws.ToFloat64(second.SampleCount) != 6 || aws.ToFloat64(second.Minimum) != 4 || aws.ToFloat64(second.Maximum) != 200 {
		t.Errorf("second minute sum %v count %v min %v max %v", aws.ToFloat64(second.Sum), aws.ToFloat64(second.SampleCount), aws.ToFloat64(second.Minimum), aws.ToFloat64(second.Maximum))
	}

	_, err = cw.GetMetricStatistics(harness.Ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("App/Queue"), MetricName: aws.String("Depth"),
		StartTime: aws.Time(now), EndTime: aws.Time(now.Add(-time.Hour)), Period: aws.Int32(60), Statistics: []types.Statistic{types.StatisticAverage}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")

	_, err = cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/ECS"), MetricData: []types.MetricDatum{{MetricName: aws.String("x"), Value: aws.Float64(1)}}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	_, err = cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []types.MetricDatum{{MetricName: aws.String("x"), Value: aws.Float64(1),
		StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(1), Sum: aws.Float64(1), Minimum: aws.Float64(1), Maximum: aws.Float64(1)}}}})
	harness.AssertAPIError(t, err, "InvalidParameterCombination")
}

func TestGetMetricDataWithMetricMath(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	now := time.Now().UTC().Truncate(time.Minute)
	put := func(name string, v float64, at time.Time) {
		t.Helper()
		if _, err := cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []types.MetricDatum{
			{MetricName: aws.String(name), Value: aws.Float64(v), Timestamp: aws.Time(at)}}}); err != nil {
			t.Fatal(err)
		}
	}
	put("Backlog", 120, now.Add(-3*time.Minute))
	put("Workers", 4, now.Add(-3*time.Minute))
	put("Backlog", 60, now.Add(-2*time.Minute))
	put("Workers", 3, now.Add(-2*time.Minute))
	stat := func(name string) *types.MetricStat {
		return &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String(name)}, Period: aws.Int32(60), Stat: aws.String("Sum")}
	}
	out, err := cw.GetMetricData(harness.Ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-10 * time.Minute)), EndTime: aws.Time(now),
		ScanBy: types.ScanByTimestampAscending,
		MetricDataQueries: []types.MetricDataQuery{
			{Id: aws.String("m1"), MetricStat: stat("Backlog"), ReturnData: aws.Bool(false)},
			{Id: aws.String("m2"), MetricStat: stat("Workers"), ReturnData: aws.Bool(false)},
			{Id: aws.String("perWorker"), Expression: aws.String("m1 / m2"), Label: aws.String("backlog per worker")},
			{Id: aws.String("total"), Expression: aws.String("SUM(METRICS()) + FILL(m1, 0) * 0")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricDataResults) != 2 {
		t.Fatalf("%d results", len(out.MetricDataResults))
	}
	r := out.MetricDataResults[0]
	if aws.ToString(r.Id) != "perWorker" || aws.ToString(r.Label) != "backlog per worker" || r.StatusCode != types.StatusCodeComplete {
		t.Errorf("result %s %s %s", aws.ToString(r.Id), aws.ToString(r.Label), r.StatusCode)
	}
	if len(r.Values) != 2 || r.Values[0] != 30 || r.Values[1] != 20 || !r.Timestamps[0].Equal(now.Add(-3*time.Minute)) {
		t.Errorf("perWorker %v at %v", r.Values, r.Timestamps)
	}
	if v := out.MetricDataResults[1].Values; len(v) != 2 || v[0] != 124 || v[1] != 63 {
		t.Errorf("total %v", v)
	}

	// One datapoint a page: the SDK's paginator gathers all four.
	got := map[string][]float64{}
	p := cloudwatch.NewGetMetricDataPaginator(cw, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-10 * time.Minute)), EndTime: aws.Time(now),
		MaxDatapoints: aws.Int32(1), MetricDataQueries: []types.MetricDataQuery{
			{Id: aws.String("m1"), MetricStat: stat("Backlog")}, {Id: aws.String("m2"), MetricStat: stat("Workers")}}})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range page.MetricDataResults {
			got[aws.ToString(r.Id)] = append(got[aws.ToString(r.Id)], r.Values...)
		}
	}
	if pages != 4 || len(got["m1"]) != 2 || got["m1"][0] != 60 || len(got["m2"]) != 2 || got["m2"][1] != 4 {
		t.Errorf("%d pages: %v", pages, got)
	}

	_, err = cw.GetMetricData(harness.Ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now),
		MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("e1"), Expression: aws.String("m9 * 2")}}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
}

func TestListMetrics(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	var data []types.MetricDatum
	for i, svc := range []string{"web", "api", "worker"} {
		data = append(data, types.MetricDatum{MetricName: aws.String("Latency"), Dimensions: []types.Dimension{dim("Service", svc)}, Value: aws.Float64(float64(i))})
	}
	data = append(data, types.MetricDatum{MetricName: aws.String("Errors"), Dimensions: []types.Dimension{dim("Service", "web"), dim("Stage", "prod")}, Value: aws.Float64(1)})
	if _, err := cw.PutMetricData(harness.Ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: data}); err != nil {
		t.Fatal(err)
	}
	var all []types.Metric
	p := cloudwatch.NewListMetricsPaginator(cw, &cloudwatch.ListMetricsInput{Namespace: aws.String("App")})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Metrics...)
	}
	if len(all) != 4 {
		t.Fatalf("%d metrics", len(all))
	}
	out, err := cw.ListMetrics(harness.Ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("App"),
		Dimensions: []types.DimensionFilter{{Name: aws.String("Service"), Value: aws.String("web")}}, RecentlyActive: types.RecentlyActivePt3h})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Metrics) != 2 {
		t.Errorf("web metrics: %d", len(out.Metrics))
	}
	out, err = cw.ListMetrics(harness.Ctx, &cloudwatch.ListMetricsInput{MetricName: aws.String("Errors")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Metrics) != 1 || len(out.Metrics[0].Dimensions) != 2 || aws.ToString(out.Metrics[0].Namespace) != "App" {
		t.Errorf("errors metrics %+v", out.Metrics)
	}
	_, err = cw.ListMetrics(harness.Ctx, &cloudwatch.ListMetricsInput{NextToken: aws.String("forged")})
	harness.AssertAPIError(t, err, "InvalidNextToken")
}
