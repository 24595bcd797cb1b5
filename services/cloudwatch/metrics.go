package cloudwatch

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerMetrics(s *api.Service) {
	api.Handle(s, "PutMetricData", putMetricData).LimitRequest(maxPutMetricDataBytes)
	api.Handle(s, "ListMetrics", listMetrics)
	api.Handle(s, "GetMetricStatistics", getMetricStatistics)
	api.Handle(s, "GetMetricData", getMetricData)
}

// PutMetricData's request limits (API reference, PutMetricData: "limited
// to 1 MB in size for HTTP POST requests ... no more than 1000 different
// metrics", "up to 150 values per metric"). AWS's answers to requests past
// them: 413 RequestEntityTooLarge "Request size N exceeded M bytes"
// (aws/aws-sdk-go#4441, under the former 40 KB limit) and 400
// InvalidParameterValue "The collection MetricData must not have a size
// greater than 20." (aknostic/elasticsearch-cloudwatch#3, under the former
// limit of 20).
const (
	maxPutMetricDataBytes = 1 << 20
	maxMetricData         = 1000
	maxValuesPerDatum     = 150
)

func putMetricData(c *api.Context, in *cloudwatch.PutMetricDataInput) (*cloudwatch.PutMetricDataOutput, error) {
	ns := aws.ToString(in.Namespace)
	if strings.HasPrefix(ns, "AWS/") {
		return nil, invalidValue("The value AWS/ for parameter Namespace is invalid.")
	}
	if len(in.MetricData) == 0 {
		return nil, missingParameter("MetricData")
	}
	if len(in.MetricData) > maxMetricData {
		return nil, invalidValue("The collection MetricData must not have a size greater than %d.", maxMetricData)
	}
	for i, d := range in.MetricData {
		for _, list := range []struct {
			name string
			n    int
		}{{"Values", len(d.Values)}, {"Counts", len(d.Counts)}} {
			if list.n > maxValuesPerDatum {
				return nil, invalidValue("The collection MetricData.member.%d.%s must not have a size greater than %d.", i+1, list.name, maxValuesPerDatum)
			}
		}
	}
	if err := asciiParams(in.Namespace, in.MetricData); err != nil {
		return nil, err
	}
	now := c.Now()
	type batch struct {
		name string
		dims []types.Dimension
		pts  []point
	}
	var batches []batch
	for i, d := range in.MetricData {
		field := fmt.Sprintf("MetricData.member.%d", i+1)
		t := now
		if d.Timestamp != nil {
			t = d.Timestamp.UTC()
			if t.After(now.Add(2 * time.Hour)) {
				return nil, invalidValue("The parameter %s.Timestamp must specify a time no more than two hours in the future.", field)
			}
			if t.Before(now.Add(-14 * 24 * time.Hour)) {
				return nil, invalidValue("The parameter %s.Timestamp must specify a time within the past two weeks.", field)
			}
		}
		set := 0
		for _, b := range []bool{d.Value != nil, d.StatisticValues != nil, len(d.Values) > 0} {
			if b {
				set++
			}
		}
		if set > 1 {
			return nil, invalidCombination("The parameters %[1]s.Value, %[1]s.StatisticValues and %[1]s.Values are mutually exclusive and you have specified more than one.", field)
		}
		unit := string(d.Unit)
		var pts []point
		switch {
		case d.Value != nil:
			v := *d.Value
			if err := finite(field+".Value", v); err != nil {
				return nil, err
			}
			pts = append(pts, point{T: t, Count: 1, Sum: v, Min: v, Max: v, Values: []valueCount{{v, 1}}, Unit: unit})
		case d.StatisticValues != nil:
			sv := d.StatisticValues
			if sv.SampleCount == nil || sv.Sum == nil || sv.Minimum == nil || sv.Maximum == nil {
				return nil, missingParameter(field + ".StatisticValues")
			}
			for _, v := range []float64{*sv.SampleCount, *sv.Sum, *sv.Minimum, *sv.Maximum} {
				if err := finite(field+".StatisticValues", v); err != nil {
					return nil, err
				}
			}
			if *sv.SampleCount <= 0 || *sv.Minimum > *sv.Maximum {
				return nil, invalidValue("The parameter %s.StatisticValues is invalid.", field)
			}
			pts = append(pts, point{T: t, Count: *sv.SampleCount, Sum: *sv.Sum, Min: *sv.Minimum, Max: *sv.Maximum, Unit: unit})
		case len(d.Values) > 0:
			if len(d.Counts) > 0 && len(d.Counts) != len(d.Values) {
				return nil, invalidValue("The parameters %[1]s.Values and %[1]s.Counts must be of the same size.", field)
			}
			for j, v := range d.Values {
				if err := finite(field+".Values", v); err != nil {
					return nil, err
				}
				n := 1.0
				if len(d.Counts) > 0 {
					n = d.Counts[j]
				}
				pts = append(pts, point{T: t, Count: n, Sum: v * n, Min: v, Max: v, Values: []valueCount{{v, n}}, Unit: unit})
			}
		default:
			return nil, invalidCombination("At least one of the parameters %[1]s.Value, %[1]s.StatisticValues or %[1]s.Values must be specified.", field)
		}
		batches = append(batches, batch{name: aws.ToString(d.MetricName), dims: d.Dimensions, pts: pts})
	}
	w := newPointWriter(c.Tx, c.Scope(), now)
	for _, b := range batches {
		if err := w.add(ns, b.name, b.dims, b.pts...); err != nil {
			return nil, err
		}
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	return &cloudwatch.PutMetricDataOutput{}, nil
}

func finite(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1.174271e+108 || (v != 0 && math.Abs(v) < 8.515920e-109) {
		return invalidValue("The value %s for parameter %s is invalid.", formatFloat(v), field)
	}
	return nil
}

func formatFloat(v float64) string { return fmt.Sprint(v) }

// listPageSize is how many metrics ListMetrics returns per page.
const listPageSize = 500

func listMetrics(c *api.Context, in *cloudwatch.ListMetricsInput) (*cloudwatch.ListMetricsOutput, error) {
	q := store.Query{Parent: aws.ToString(in.Namespace), Name: aws.ToString(in.MetricName)}
	if q.Parent != "" && q.Name != "" {
		// One metric's dimensions are read through its Attr alone, not
		// through the namespace's every metric.
		q = store.Query{Attr: alarmMetric(q.Parent, q.Name)}
	}
	page, next, err := api.Paginate(c.Tx, c.Scope(), Series, q,
		api.Paging{Listing: "cloudwatch:ListMetrics", Token: in.NextToken, Size: listPageSize, BadToken: invalidNextToken()}, func(s *series) bool {
			recent := in.RecentlyActive != types.RecentlyActivePt3h || !s.LastPut.Before(c.Now().Add(-3*time.Hour))
			return recent && matchDimensionFilters(s.Dimensions, in.Dimensions)
		})
	if err != nil {
		return nil, err
	}
	out := &cloudwatch.ListMetricsOutput{Metrics: []types.Metric{}, NextToken: next}
	for _, s := range page {
		out.Metrics = append(out.Metrics, s.metric())
	}
	return out, nil
}

func (s *series) metric() types.Metric {
	return types.Metric{Namespace: aws.String(s.Namespace), MetricName: aws.String(s.MetricName), Dimensions: append([]types.Dimension{}, s.Dimensions...)}
}

func matchDimensionFilters(dims []types.Dimension, filters []types.DimensionFilter) bool {
	for _, f := range filters {
		found := false
		for _, d := range dims {
			if aws.ToString(d.Name) == aws.ToString(f.Name) && (f.Value == nil || aws.ToString(d.Value) == aws.ToString(f.Value)) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// maxDatapoints is CloudWatch's limit on datapoints in one GetMetricStatistics answer.
const maxDatapoints = 1440

func validPeriod(p int32) bool {
	return p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || (p > 0 && p%60 == 0)
}

func getMetricStatistics(c *api.Context, in *cloudwatch.GetMetricStatisticsInput) (*cloudwatch.GetMetricStatisticsOutput, error) {
	start, end := aws.ToTime(in.StartTime).UTC(), aws.ToTime(in.EndTime).UTC()
	period := aws.ToInt32(in.Period)
	if !validPeriod(period) {
		return nil, invalidValue("The parameter Period must be a multiple of 60.")
	}
	if !start.Before(end) {
		return nil, invalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	if len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0 {
		return nil, missingParameter("Statistics")
	}
	if len(in.Statistics) > 0 && len(in.ExtendedStatistics) > 0 {
		return nil, invalidCombination("The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.")
	}
	for _, es := range in.ExtendedStatistics {
		if _, ok := percentile(es); !ok {
			return nil, invalidValue("The value %s for parameter ExtendedStatistics is not supported.", es)
		}
	}
	step := time.Duration(period) * time.Second
	start = start.Truncate(step)
	if n := end.Sub(start) / step; n > maxDatapoints {
		return nil, invalidCombination("You have requested up to %d datapoints, which exceeds the limit of %d. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", n, maxDatapoints)
	}
	out := &cloudwatch.GetMetricStatisticsOutput{Label: in.MetricName, Datapoints: []types.Datapoint{}}
	s, err := Series.Get(c.Tx, c.Scope(), MetricKey(aws.ToString(in.Namespace), aws.ToString(in.MetricName), in.Dimensions))
	if err != nil || s == nil {
		return out, err
	}
	points := newPointReader(c.Tx, c.Scope(), c.Now())
	for t := start; t.Before(end); t = t.Add(step) {
		a, ok, err := points.window(s, t, t.Add(step), string(in.Unit))
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		dp := types.Datapoint{Timestamp: aws.Time(t), Unit: types.StandardUnit(a.Unit)}
		if dp.Unit == "" {
			dp.Unit = types.StandardUnitNone
		}
		for _, st := range in.Statistics {
			v, _ := a.statistic(string(st))
			switch st {
			case types.StatisticAverage:
				dp.Average = aws.Float64(v)
			case types.StatisticSum:
				dp.Sum = aws.Float64(v)
			case types.StatisticMinimum:
				dp.Minimum = aws.Float64(v)
			case types.StatisticMaximum:
				dp.Maximum = aws.Float64(v)
			case types.StatisticSampleCount:
				dp.SampleCount = aws.Float64(v)
			}
		}
		for _, es := range in.ExtendedStatistics {
			if v, ok := a.statistic(es); ok {
				if dp.ExtendedStatistics == nil {
					dp.ExtendedStatistics = map[string]float64{}
				}
				dp.ExtendedStatistics[es] = v
			}
		}
		out.Datapoints = append(out.Datapoints, dp)
	}
	return out, nil
}

// asciiParams refuses metric names, namespaces and dimensions that are not
// printable ASCII: CloudWatch answers "The value for parameter
// MetricData.member.10.Dimensions.member.3.Value contains non-ASCII
// characters." A byte that is not UTF-8, or a control character such as NUL,
// is refused the same way.
func asciiParams(ns *string, data []types.MetricDatum) error {
	check := func(name string, v *string) error {
		if v != nil && !printableASCII(*v) {
			return invalidValue("The value for parameter %s contains non-ASCII characters.", name)
		}
		return nil
	}
	if err := check("Namespace", ns); err != nil {
		return err
	}
	for i, d := range data {
		field := fmt.Sprintf("MetricData.member.%d", i+1)
		if err := check(field+".MetricName", d.MetricName); err != nil {
			return err
		}
		for j, dim := range d.Dimensions {
			dimField := fmt.Sprintf("%s.Dimensions.member.%d", field, j+1)
			if err := check(dimField+".Name", dim.Name); err != nil {
				return err
			}
			if err := check(dimField+".Value", dim.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// printableASCII reports whether s holds printable ASCII only (space to '~').
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
