package cloudwatch

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

var queryIDPattern = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)

// querySet evaluates a list of metric data queries (metric stats and metric
// math) over time windows, as GetMetricData and metric-math alarms do.
type querySet struct {
	tx      *store.Tx
	sc      store.Scope
	byID    map[string]*types.MetricDataQuery
	order   []string
	parsed  map[string]exprNode
	series  map[string]*series
	loaded  map[string]bool
	points  *pointReader
	applied int // evaluation steps, bounding cyclic references
}

// newQuerySet validates queries (field names the parameter in messages).
func newQuerySet(tx *store.Tx, sc store.Scope, queries []types.MetricDataQuery, field string) (*querySet, error) {
	q := &querySet{tx: tx, sc: sc, byID: map[string]*types.MetricDataQuery{}, parsed: map[string]exprNode{},
		series: map[string]*series{}, loaded: map[string]bool{}, points: newPointReader(tx, sc, time.Time{})}
	if len(queries) == 0 {
		return nil, missingParameter(field)
	}
	for i := range queries {
		mq := &queries[i]
		f := fmt.Sprintf("%s.member.%d", field, i+1)
		id := aws.ToString(mq.Id)
		if !queryIDPattern.MatchString(id) {
			return nil, invalidValue("The value %s for parameter %s.Id is invalid. Ids must start with a lowercase letter and contain only letters, numbers and underscores.", id, f)
		}
		if q.byID[id] != nil {
			return nil, invalidValue("The value %s for parameter %s.Id is a duplicate. Ids must be unique.", id, f)
		}
		switch {
		case mq.MetricStat != nil && mq.Expression != nil:
			return nil, invalidCombination("The parameters %[1]s.MetricStat and %[1]s.Expression are mutually exclusive and you have specified both.", f)
		case mq.MetricStat != nil:
			ms := mq.MetricStat
			if ms.Metric == nil || ms.Metric.MetricName == nil || ms.Metric.Namespace == nil {
				return nil, missingParameter(f + ".MetricStat.Metric")
			}
			if !validPeriod(aws.ToInt32(ms.Period)) {
				return nil, invalidValue("The parameter %s.MetricStat.Period must be 1, 5, 10, 20, 30 or a multiple of 60.", f)
			}
			if !validStat(aws.ToString(ms.Stat)) {
				return nil, invalidValue("The value %s for parameter %s.MetricStat.Stat is not supported.", aws.ToString(ms.Stat), f)
			}
		case mq.Expression != nil:
			n, err := parseExpr(aws.ToString(mq.Expression))
			if err != nil {
				return nil, invalidValue("The value %s for parameter %s.Expression is invalid: %v.", aws.ToString(mq.Expression), f, err)
			}
			q.parsed[id] = n
		default:
			return nil, invalidCombination("Exactly one of the parameters %[1]s.MetricStat and %[1]s.Expression must be specified.", f)
		}
		q.byID[id] = mq
		q.order = append(q.order, id)
	}
	for id, n := range q.parsed {
		for _, r := range refs(n) {
			if q.byID[r] == nil {
				return nil, invalidValue("Error in expression '%s': Unrecognized metric '%s'.", id, r)
			}
			if r == id {
				return nil, invalidValue("Error in expression '%s': Circular reference.", id)
			}
		}
	}
	return q, nil
}

// period is a query's period in seconds: its metric's, its own, or the
// shortest of the metrics it uses.
func (q *querySet) period(id string, depth int) int32 {
	mq := q.byID[id]
	if mq.MetricStat != nil {
		return aws.ToInt32(mq.MetricStat.Period)
	}
	if mq.Period != nil && *mq.Period > 0 {
		return *mq.Period
	}
	best := int32(0)
	if depth < 10 {
		for _, r := range refs(q.parsed[id]) {
			if p := q.period(r, depth+1); p > 0 && (best == 0 || p < best) {
				best = p
			}
		}
	}
	if best == 0 {
		best = 60
	}
	return best
}

func (q *querySet) seriesOf(m *types.Metric) (*series, error) {
	key := MetricKey(aws.ToString(m.Namespace), aws.ToString(m.MetricName), m.Dimensions)
	if !q.loaded[key] {
		s, err := Series.Get(q.tx, q.sc, key)
		if err != nil {
			return nil, err
		}
		q.series[key], q.loaded[key] = s, true
	}
	return q.series[key], nil
}

// valueAt computes a query's value over [from, to).
func (q *querySet) valueAt(id string, from, to time.Time) (value, error) {
	q.applied++
	if q.applied > 100000 {
		return missing, invalidValue("The metric math expressions reference each other in a cycle.")
	}
	mq := q.byID[id]
	if mq.MetricStat != nil {
		s, err := q.seriesOf(mq.MetricStat.Metric)
		if err != nil || s == nil {
			return missing, err
		}
		a, ok, err := q.points.window(s, from, to, string(mq.MetricStat.Unit))
		if err != nil || !ok {
			return missing, err
		}
		v, ok := a.statistic(aws.ToString(mq.MetricStat.Stat))
		if !ok {
			return missing, nil
		}
		return num(v), nil
	}
	v, err := eval(q.parsed[id], bucketEnv{q: q, from: from, to: to})
	if err != nil {
		return missing, invalidValue("Error in expression '%s': %v", id, err)
	}
	if v.isList {
		return reduce("AVG", v.list), nil
	}
	return v, nil
}

type bucketEnv struct {
	q        *querySet
	from, to time.Time
}

func (e bucketEnv) lookup(id string) (value, error) { return e.q.valueAt(id, e.from, e.to) }

func (e bucketEnv) metrics() ([]value, error) {
	var out []value
	for _, id := range e.q.order {
		if e.q.byID[id].MetricStat == nil {
			continue
		}
		v, err := e.q.valueAt(id, e.from, e.to)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// returned lists the ids whose results are returned (ReturnData unset or true).
func (q *querySet) returned() []string {
	var out []string
	for _, id := range q.order {
		if rd := q.byID[id].ReturnData; rd == nil || *rd {
			out = append(out, id)
		}
	}
	return out
}

func (q *querySet) label(id string) string {
	mq := q.byID[id]
	if mq.Label != nil {
		return *mq.Label
	}
	if mq.MetricStat != nil {
		return aws.ToString(mq.MetricStat.Metric.MetricName)
	}
	return id
}

func getMetricData(c *api.Context, in *cloudwatch.GetMetricDataInput) (*cloudwatch.GetMetricDataOutput, error) {
	start, end := aws.ToTime(in.StartTime).UTC(), aws.ToTime(in.EndTime).UTC()
	if !start.Before(end) {
		return nil, invalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	if len(in.MetricDataQueries) > 500 {
		return nil, invalidValue("The collection MetricDataQueries must not have a size greater than 500.")
	}
	q, err := newQuerySet(c.Tx, c.Scope(), in.MetricDataQueries, "MetricDataQueries")
	if err != nil {
		return nil, err
	}
	q.points.now = c.Now()
	// A bad token is refused before any work is done.
	p := api.Paging{Listing: "cloudwatch:GetMetricData", Token: in.NextToken, BadToken: invalidNextToken(), PastEndOK: true}
	if _, _, err := api.PaginateSlice([]struct{}{}, p, nil); err != nil {
		return nil, err
	}
	out := &cloudwatch.GetMetricDataOutput{MetricDataResults: []types.MetricDataResult{}, Messages: []types.MessageData{}}
	for _, id := range q.returned() {
		step := time.Duration(q.period(id, 0)) * time.Second
		res := types.MetricDataResult{Id: aws.String(id), Label: aws.String(q.label(id)), StatusCode: types.StatusCodeComplete,
			Timestamps: []time.Time{}, Values: []float64{}}
		if n := end.Sub(start.Truncate(step)) / step; n > maxQueryDatapoints {
			return nil, invalidCombination("You have requested up to %d datapoints, which exceeds the limit of %d.", n, maxQueryDatapoints)
		}
		for t := start.Truncate(step); t.Before(end); t = t.Add(step) {
			v, err := q.valueAt(id, t, t.Add(step))
			if err != nil {
				return nil, err
			}
			if v.ok {
				res.Timestamps = append(res.Timestamps, t)
				res.Values = append(res.Values, v.v)
			}
		}
		if in.ScanBy != types.ScanByTimestampAscending {
			for i, j := 0, len(res.Values)-1; i < j; i, j = i+1, j-1 {
				res.Timestamps[i], res.Timestamps[j] = res.Timestamps[j], res.Timestamps[i]
				res.Values[i], res.Values[j] = res.Values[j], res.Values[i]
			}
		}
		out.MetricDataResults = append(out.MetricDataResults, res)
	}
	p.Size = int(aws.ToInt32(in.MaxDatapoints))
	if p.Size <= 0 {
		p.Size = maxQueryDatapoints
	}
	// Page over the datapoints of all results taken in order; the page
	// starts at the position the first read resumes after.
	total, first := int64(0), int64(-1)
	for _, r := range out.MetricDataResults {
		total += int64(len(r.Values))
	}
	page, next, err := api.PaginateFunc(p, func(after int64, n int) ([]store.Item[struct{}], error) {
		if first < 0 {
			first = after
		}
		var points []store.Item[struct{}]
		for pos := after + 1; pos <= min(after+int64(n), total); pos++ {
			points = append(points, store.Item[struct{}]{Seq: pos})
		}
		return points, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	// Keep the datapoints [first, first+len(page)); a result cut short is PartialData.
	skip, room := first, int64(len(page))
	for i := range out.MetricDataResults {
		r := &out.MetricDataResults[i]
		n := int64(len(r.Values))
		from := min(skip, n)
		skip -= from
		to := from + min(room, n-from)
		room -= to - from
		r.Timestamps, r.Values = r.Timestamps[from:to], r.Values[from:to]
		if to < n {
			r.StatusCode = types.StatusCodePartialData
		}
	}
	out.NextToken = next
	return out, nil
}

// maxQueryDatapoints is GetMetricData's limit, and its page size by default.
const maxQueryDatapoints = 100800
