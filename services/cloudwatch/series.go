package cloudwatch

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/store"
)

// Points are stored in chunks of chunkSpan, so that publishing a datapoint
// rewrites one small document however long the metric's history is.
const chunkSpan = 10 * time.Minute

// maxChunkPoints bounds one chunk; the oldest points of a flooded chunk go first.
const maxChunkPoints = 20000

// retention is how long points are kept (CloudWatch keeps one-minute data 15 days).
const retention = 15 * 24 * time.Hour

// series is one metric (namespace, name, dimensions) and where its points are.
type series struct {
	Namespace  string
	MetricName string
	Dimensions []types.Dimension
	LastPut    time.Time
	// Chunks are the start times (Unix seconds) of the metric's point chunks, ascending.
	Chunks []int64 `json:",omitempty"`
}

// chunk holds a metric's points in [start, start+chunkSpan), in time order.
type chunk struct {
	Points []point
}

// Chunks: id = metric key + "@" + chunk start (Unix seconds), Parent = metric key.
var Chunks = store.Collection[chunk]{Kind: "cloudwatch/metric-points"}

func chunkID(key string, start int64) string { return key + "@" + strconv.FormatInt(start, 10) }

// point is one published datum: a single value or a statistic set.
type point struct {
	T     time.Time
	Count float64
	Sum   float64
	Min   float64
	Max   float64
	// Values are the individual values when they are known (for percentiles).
	Values []float64 `json:",omitempty"`
	Unit   string    `json:",omitempty"`
}

// MetricKey identifies a metric: namespace, name and its dimensions in name order.
func MetricKey(namespace, name string, dims []types.Dimension) string {
	parts := make([]string, 0, len(dims))
	for _, d := range sortDims(dims) {
		parts = append(parts, aws.ToString(d.Name)+"="+aws.ToString(d.Value))
	}
	return namespace + "|" + name + "|" + strings.Join(parts, ",")
}

func sortDims(dims []types.Dimension) []types.Dimension {
	out := append([]types.Dimension(nil), dims...)
	sort.Slice(out, func(i, j int) bool { return aws.ToString(out[i].Name) < aws.ToString(out[j].Name) })
	return out
}

// Datum is one value Longshore publishes itself (AWS/ECS, AWS/ApplicationELB).
type Datum struct {
	Namespace  string
	MetricName string
	Dimensions []types.Dimension
	Time       time.Time
	Value      float64
	Unit       types.StandardUnit
}

// Publish stores data points as PutMetricData does, for metrics AWS services publish.
func Publish(tx *store.Tx, sc store.Scope, data ...Datum) error {
	for _, d := range data {
		p := point{T: d.Time, Count: 1, Sum: d.Value, Min: d.Value, Max: d.Value, Values: []float64{d.Value}, Unit: string(d.Unit)}
		if err := addPoints(tx, sc, d.Namespace, d.MetricName, d.Dimensions, d.Time, p); err != nil {
			return err
		}
	}
	return nil
}

// addPoints appends points to a metric, creating it on first use, and drops
// the chunks that have passed the retention.
func addPoints(tx *store.Tx, sc store.Scope, ns, name string, dims []types.Dimension, now time.Time, pts ...point) error {
	key := MetricKey(ns, name, dims)
	s, err := Series.Get(tx, sc, key)
	if err != nil {
		return err
	}
	if s == nil {
		s = &series{Namespace: ns, MetricName: name, Dimensions: sortDims(dims)}
	}
	byChunk := map[int64][]point{}
	for _, p := range pts {
		start := p.T.Truncate(chunkSpan).Unix()
		byChunk[start] = append(byChunk[start], p)
	}
	for start, add := range byChunk {
		c, err := Chunks.Get(tx, sc, chunkID(key, start))
		if err != nil {
			return err
		}
		if c == nil {
			c = &chunk{}
			i := sort.Search(len(s.Chunks), func(i int) bool { return s.Chunks[i] >= start })
			s.Chunks = append(s.Chunks[:i], append([]int64{start}, s.Chunks[i:]...)...)
		}
		c.Points = append(c.Points, add...)
		sort.SliceStable(c.Points, func(i, j int) bool { return c.Points[i].T.Before(c.Points[j].T) })
		if n := len(c.Points); n > maxChunkPoints {
			c.Points = c.Points[n-maxChunkPoints:]
		}
		if err := Chunks.Put(tx, sc, chunkID(key, start), store.Index{Parent: key}, c); err != nil {
			return err
		}
	}
	cutoff := now.Add(-retention).Truncate(chunkSpan).Unix()
	for len(s.Chunks) > 0 && s.Chunks[0] < cutoff {
		if _, err := Chunks.Delete(tx, sc, chunkID(key, s.Chunks[0])); err != nil {
			return err
		}
		s.Chunks = s.Chunks[1:]
	}
	if now.After(s.LastPut) {
		s.LastPut = now
	}
	return Series.Put(tx, sc, key, store.Index{Parent: ns, Name: name}, s)
}

// pointReader reads metrics' points chunk by chunk, keeping what it read for
// the other windows of the same request.
type pointReader struct {
	tx     *store.Tx
	sc     store.Scope
	chunks map[string]*chunk
}

func newPointReader(tx *store.Tx, sc store.Scope) *pointReader {
	return &pointReader{tx: tx, sc: sc, chunks: map[string]*chunk{}}
}

// window aggregates a metric's points in [from, to) with the given unit ("" = any).
func (r *pointReader) window(s *series, from, to time.Time, unit string) (aggregate, bool, error) {
	key := MetricKey(s.Namespace, s.MetricName, s.Dimensions)
	var pts []point
	for _, start := range s.Chunks {
		cs := time.Unix(start, 0)
		if !cs.Before(to) || !cs.Add(chunkSpan).After(from) {
			continue
		}
		id := chunkID(key, start)
		c, ok := r.chunks[id]
		if !ok {
			var err error
			if c, err = Chunks.Get(r.tx, r.sc, id); err != nil {
				return aggregate{}, false, err
			}
			r.chunks[id] = c
		}
		if c != nil {
			pts = append(pts, c.Points...)
		}
	}
	a, ok := windowOf(pts, from, to, unit)
	return a, ok, nil
}

// aggregate is what a set of points adds up to.
type aggregate struct {
	Count, Sum, Min, Max float64
	Values               []float64
	Unit                 string
}

// windowOf aggregates the points (in time order) in [from, to) with the given unit ("" = any).
func windowOf(points []point, from, to time.Time, unit string) (aggregate, bool) {
	a := aggregate{Min: math.Inf(1), Max: math.Inf(-1)}
	i := sort.Search(len(points), func(i int) bool { return !points[i].T.Before(from) })
	for ; i < len(points) && points[i].T.Before(to); i++ {
		p := points[i]
		if unit != "" && unit != p.Unit && !(unit == "None" && p.Unit == "") {
			continue
		}
		a.Count += p.Count
		a.Sum += p.Sum
		a.Min = math.Min(a.Min, p.Min)
		a.Max = math.Max(a.Max, p.Max)
		if len(p.Values) > 0 {
			a.Values = append(a.Values, p.Values...)
		} else {
			a.Values = append(a.Values, p.Sum/math.Max(p.Count, 1))
		}
		if a.Unit == "" {
			a.Unit = p.Unit
		}
	}
	return a, a.Count > 0
}

// statistic computes a statistic name (SampleCount, Average, Sum, Minimum,
// Maximum, pNN) over an aggregate.
func (a aggregate) statistic(stat string) (float64, bool) {
	switch stat {
	case "SampleCount":
		return a.Count, true
	case "Average":
		return a.Sum / a.Count, true
	case "Sum":
		return a.Sum, true
	case "Minimum":
		return a.Min, true
	case "Maximum":
		return a.Max, true
	}
	if q, ok := percentile(stat); ok {
		vs := append([]float64(nil), a.Values...)
		sort.Float64s(vs)
		if len(vs) == 0 {
			return 0, false
		}
		// nearest rank
		rank := int(math.Ceil(q/100*float64(len(vs)))) - 1
		if rank < 0 {
			rank = 0
		}
		return vs[rank], true
	}
	return 0, false
}

// percentile parses "p90" or "p99.9".
func percentile(stat string) (float64, bool) {
	if len(stat) < 2 || (stat[0] != 'p' && stat[0] != 'P') {
		return 0, false
	}
	var q float64
	n := 0
	frac := 0.0
	for i, c := range stat[1:] {
		switch {
		case c >= '0' && c <= '9':
			if frac > 0 {
				q += float64(c-'0') * frac
				frac /= 10
			} else {
				q = q*10 + float64(c-'0')
			}
			n++
		case c == '.' && frac == 0 && i > 0:
			frac = 0.1
		default:
			return 0, false
		}
	}
	return q, n > 0 && q >= 0 && q <= 100
}

// validStat reports whether a statistic name is one Longshore computes.
func validStat(stat string) bool {
	switch stat {
	case "SampleCount", "Average", "Sum", "Minimum", "Maximum":
		return true
	}
	_, ok := percentile(stat)
	return ok
}

// Mean is the average of a metric's data points in [from, to).
func Mean(tx *store.Tx, sc store.Scope, namespace, name string, dims []types.Dimension, from, to time.Time) (float64, bool, error) {
	s, err := Series.Get(tx, sc, MetricKey(namespace, name, dims))
	if err != nil || s == nil {
		return 0, false, err
	}
	a, ok, err := newPointReader(tx, sc).window(s, from, to, "")
	if err != nil || !ok {
		return 0, false, err
	}
	return a.Sum / a.Count, true, nil
}
