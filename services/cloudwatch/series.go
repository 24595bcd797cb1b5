package cloudwatch

import (
	wire "encoding/binary"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/store"
)

// Data points are kept as AWS keeps them: aggregated by time bucket, at the
// resolutions and for the retention periods of CloudWatch's metric retention
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#metrics-retention):
// periods under a minute for 3 hours, one minute for 15 days, five minutes
// for 63 days and one hour for 455 days. Every point is added to the bucket
// of each resolution whose retention still covers it, so publishing costs the
// same however much a metric holds, and a read touches only the buckets of
// its window.
var levels = []struct {
	res  int64 // seconds
	keep time.Duration
}{
	{1, 3 * time.Hour},
	{60, 15 * 24 * time.Hour},
	{300, 63 * 24 * time.Hour},
	{3600, 455 * 24 * time.Hour},
}

// maxBucketValues bounds the distinct values a bucket keeps for percentiles;
// past it neighbouring values merge (by rank), as a sketch would.
const maxBucketValues = 256

// series is one metric (namespace, name, dimensions).
type series struct {
	Namespace  string
	MetricName string
	Dimensions []types.Dimension
	LastPut    time.Time
}

// bucket is a metric's data in one time bucket: one aggregate per unit.
type bucket struct {
	Aggs []aggregate
}

// Buckets: id = metric key @ resolution @ bucket start (fixed width, so ids
// sort by time), Parent = metric key.
var Buckets = store.Collection[bucket]{Kind: "cloudwatch/metric-buckets", Codec: bucketCodec{}}

func bucketID(key string, res, start int64) string {
	r, t := strconv.FormatInt(res, 10), strconv.FormatInt(start, 10)
	return key + "@" + strings.Repeat("0", 4-len(r)) + r + "@" + strings.Repeat("0", 12-len(t)) + t
}

// point is one published datum: a single value, values with counts, or a statistic set.
type point struct {
	T     time.Time
	Count float64
	Sum   float64
	Min   float64
	Max   float64
	// Values are the individual values with their counts, when known (for percentiles).
	Values []valueCount
	Unit   string
}

// valueCount is a value and how many times it occurred.
type valueCount struct {
	V float64 `json:"v"`
	N float64 `json:"n"`
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
	if len(data) == 0 {
		return nil
	}
	w := newPointWriter(tx, sc, data[0].Time)
	for _, d := range data {
		if d.Time.After(w.now) {
			w.now = d.Time
		}
	}
	for _, d := range data {
		p := point{T: d.Time, Count: 1, Sum: d.Value, Min: d.Value, Max: d.Value, Values: []valueCount{{d.Value, 1}}, Unit: string(d.Unit)}
		if err := w.add(d.Namespace, d.MetricName, d.Dimensions, p); err != nil {
			return err
		}
	}
	return w.flush()
}

// pointWriter adds the points of one request to their metrics' buckets,
// reading and writing each touched document once.
type pointWriter struct {
	tx      *store.Tx
	sc      store.Scope
	now     time.Time
	series  map[string]*series
	dirty   map[string]bool
	prune   map[string]bool
	buckets map[string]*bucket
	parent  map[string]string // bucket id -> metric key
	order   []string          // bucket ids in first-touched order
}

func newPointWriter(tx *store.Tx, sc store.Scope, now time.Time) *pointWriter {
	return &pointWriter{tx: tx, sc: sc, now: now, series: map[string]*series{}, dirty: map[string]bool{}, prune: map[string]bool{},
		buckets: map[string]*bucket{}, parent: map[string]string{}}
}

// add adds points to a metric, creating it on first use.
func (w *pointWriter) add(ns, name string, dims []types.Dimension, pts ...point) error {
	key := MetricKey(ns, name, dims)
	s, ok := w.series[key]
	if !ok {
		var err error
		if s, err = Series.Get(w.tx, w.sc, key); err != nil {
			return err
		}
		if s == nil {
			s = &series{Namespace: ns, MetricName: name, Dimensions: sortDims(dims)}
			w.dirty[key] = true
		}
		w.series[key] = s
	}
	if w.now.After(s.LastPut) {
		if !s.LastPut.Truncate(time.Minute).Equal(w.now.Truncate(time.Minute)) {
			w.prune[key] = true // retention is enforced once a minute per metric
		}
		s.LastPut = w.now
		w.dirty[key] = true
	}
	for _, p := range pts {
		for _, l := range levels {
			if p.T.Before(w.now.Add(-l.keep)) {
				continue
			}
			id := bucketID(key, l.res, floorDiv(p.T.Unix(), l.res)*l.res)
			b, ok := w.buckets[id]
			if !ok {
				var err error
				if b, err = Buckets.Get(w.tx, w.sc, id); err != nil {
					return err
				}
				if b == nil {
					b = &bucket{}
				}
				w.buckets[id] = b
				w.parent[id] = key
				w.order = append(w.order, id)
			}
			b.add(p)
		}
	}
	return nil
}

// flush writes what add changed and drops the buckets past their retention.
func (w *pointWriter) flush() error {
	for _, id := range w.order {
		b := w.buckets[id]
		for i := range b.Aggs {
			b.Aggs[i].compact()
		}
		if err := Buckets.Put(w.tx, w.sc, id, store.Index{Parent: w.parent[id]}, b); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(w.series))
	for key := range w.series {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		for _, l := range levels {
			if !w.prune[key] {
				break
			}
			cutoff := floorDiv(w.now.Add(-l.keep).Unix(), l.res) * l.res
			if _, err := Buckets.DeleteRange(w.tx, w.sc, bucketID(key, l.res, 0), bucketID(key, l.res, cutoff)); err != nil {
				return err
			}
		}
		if w.dirty[key] {
			s := w.series[key]
			if err := Series.Put(w.tx, w.sc, key, store.Index{Parent: s.Namespace, Name: s.MetricName, Attr: alarmMetric(s.Namespace, s.MetricName)}, s); err != nil {
				return err
			}
		}
	}
	return nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// add merges a point into the bucket's aggregate of its unit.
func (b *bucket) add(p point) {
	var a *aggregate
	for i := range b.Aggs {
		if b.Aggs[i].Unit == p.Unit {
			a = &b.Aggs[i]
		}
	}
	if a == nil {
		b.Aggs = append(b.Aggs, aggregate{Unit: p.Unit, Min: math.Inf(1), Max: math.Inf(-1)})
		a = &b.Aggs[len(b.Aggs)-1]
	}
	a.merge(p.Count, p.Sum, p.Min, p.Max)
	if len(p.Values) > 0 {
		a.Values = append(a.Values, p.Values...)
	} else {
		a.Values = append(a.Values, valueCount{p.Sum / math.Max(p.Count, 1), 1})
	}
}

// pointReader reads metrics' buckets for the windows of one request.
type pointReader struct {
	tx  *store.Tx
	sc  store.Scope
	now time.Time
}

func newPointReader(tx *store.Tx, sc store.Scope, now time.Time) *pointReader {
	return &pointReader{tx: tx, sc: sc, now: now}
}

// window aggregates a metric's data in [from, to) with the given unit ("" =
// any). It reads the coarsest resolution whose buckets tile the window and
// are still kept; a window off every grid reads the finest resolution kept
// for it, counting the buckets that start inside it.
func (r *pointReader) window(s *series, from, to time.Time, unit string) (aggregate, bool, error) {
	key := MetricKey(s.Namespace, s.MetricName, s.Dimensions)
	f, t := from.Unix(), to.Unix()
	whole := from.Equal(time.Unix(f, 0)) && to.Equal(time.Unix(t, 0))
	if !to.Equal(time.Unix(t, 0)) {
		t++ // ceil: a bucket may start inside the fractional last second
	}
	if !from.Equal(time.Unix(f, 0)) {
		f++ // ceil: buckets starting at or after from
	}
	res := levels[len(levels)-1].res
	for i := len(levels) - 1; i >= 0; i-- { // coarse to fine
		l := levels[i]
		if from.Before(r.now.Add(-l.keep)) {
			continue // this resolution is no longer kept for the window
		}
		res = l.res
		if whole && f%l.res == 0 && t%l.res == 0 {
			break
		}
	}
	lo := (floorDiv(f-1, res) + 1) * res // the first bucket start >= from
	items, err := Buckets.Range(r.tx, r.sc, bucketID(key, res, lo), bucketID(key, res, t))
	if err != nil {
		return aggregate{}, false, err
	}
	a := aggregate{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, it := range items {
		for _, b := range it.Doc.Aggs {
			if unit != "" && unit != b.Unit && !(unit == "None" && b.Unit == "") {
				continue
			}
			a.merge(b.Count, b.Sum, b.Min, b.Max)
			a.Values = append(a.Values, b.Values...)
			if a.Unit == "" {
				a.Unit = b.Unit
			}
		}
	}
	return a, a.Count > 0, nil
}

// aggregate is what a set of points adds up to.
type aggregate struct {
	Unit                 string `json:",omitempty"`
	Count, Sum, Min, Max float64
	// Values are distinct values with their counts, for percentiles.
	Values []valueCount `json:",omitempty"`
}

func (a *aggregate) merge(count, sum, lo, hi float64) {
	a.Count += count
	a.Sum += sum
	a.Min = math.Min(a.Min, lo)
	a.Max = math.Max(a.Max, hi)
}

// compact sorts the values, merges equal ones and, past maxBucketValues,
// merges runs of neighbours into their weighted mean.
func (a *aggregate) compact() {
	vs := a.Values
	sort.Slice(vs, func(i, j int) bool { return vs[i].V < vs[j].V })
	out := vs[:0]
	for _, v := range vs {
		if n := len(out); n > 0 && out[n-1].V == v.V {
			out[n-1].N += v.N
			continue
		}
		out = append(out, v)
	}
	if len(out) > maxBucketValues {
		// Merge neighbours into groups of about equal weight, which keeps
		// every rank (and so every percentile) close to where it was.
		var total float64
		for _, v := range out {
			total += v.N
		}
		target := total / (maxBucketValues / 2)
		merged := out[:0]
		var sum, n float64
		for i, v := range out {
			sum += v.V * v.N
			n += v.N
			if n >= target || i == len(out)-1 {
				merged = append(merged, valueCount{sum / n, n})
				sum, n = 0, 0
			}
		}
		out = merged
	}
	a.Values = out
}

// windowOf aggregates points (in time order) in [from, to) with the given
// unit ("" = any), as a window over their buckets would.
func windowOf(points []point, from, to time.Time, unit string) (aggregate, bool) {
	b := &bucket{}
	for _, p := range points {
		if !p.T.Before(from) && p.T.Before(to) && (unit == "" || unit == p.Unit || (unit == "None" && p.Unit == "")) {
			b.add(p)
		}
	}
	a := aggregate{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, x := range b.Aggs {
		a.merge(x.Count, x.Sum, x.Min, x.Max)
		a.Values = append(a.Values, x.Values...)
		if a.Unit == "" {
			a.Unit = x.Unit
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
		vs := append([]valueCount(nil), a.Values...)
		sort.Slice(vs, func(i, j int) bool { return vs[i].V < vs[j].V })
		var total float64
		for _, v := range vs {
			total += v.N
		}
		if len(vs) == 0 || total <= 0 {
			return 0, false
		}
		// nearest rank over the values weighted by their counts
		rank := math.Max(math.Ceil(q/100*total), 1)
		var seen float64
		for _, v := range vs {
			if seen += v.N; seen >= rank {
				return v.V, true
			}
		}
		return vs[len(vs)-1].V, true
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
	a, ok, err := newPointReader(tx, sc, to).window(s, from, to, "")
	if err != nil || !ok {
		return 0, false, err
	}
	return a.Sum / a.Count, true, nil
}

// bucketCodec stores buckets in a compact binary form: they are read and
// rewritten on every publish, and JSON would cost more than the work.
type bucketCodec struct{}

func (bucketCodec) Marshal(v any) ([]byte, error) {
	b := v.(*bucket)
	out := wire.AppendUvarint(nil, uint64(len(b.Aggs)))
	for _, a := range b.Aggs {
		out = wire.AppendUvarint(out, uint64(len(a.Unit)))
		out = append(out, a.Unit...)
		for _, f := range []float64{a.Count, a.Sum, a.Min, a.Max} {
			out = wire.LittleEndian.AppendUint64(out, math.Float64bits(f))
		}
		out = wire.AppendUvarint(out, uint64(len(a.Values)))
		for _, vc := range a.Values {
			out = wire.LittleEndian.AppendUint64(out, math.Float64bits(vc.V))
			out = wire.LittleEndian.AppendUint64(out, math.Float64bits(vc.N))
		}
	}
	return out, nil
}

func (bucketCodec) Unmarshal(data []byte, v any) error {
	b := v.(*bucket)
	bad := errors.New("cloudwatch: corrupt metric bucket")
	uv := func() (int, bool) {
		n, k := wire.Uvarint(data)
		if k <= 0 || n > uint64(len(data)) {
			return 0, false
		}
		data = data[k:]
		return int(n), true
	}
	f64 := func() (float64, bool) {
		if len(data) < 8 {
			return 0, false
		}
		f := math.Float64frombits(wire.LittleEndian.Uint64(data))
		data = data[8:]
		return f, true
	}
	n, ok := uv()
	if !ok {
		return bad
	}
	b.Aggs = make([]aggregate, n)
	for i := range b.Aggs {
		a := &b.Aggs[i]
		l, ok := uv()
		if !ok || l > len(data) {
			return bad
		}
		a.Unit, data = string(data[:l]), data[l:]
		for _, p := range []*float64{&a.Count, &a.Sum, &a.Min, &a.Max} {
			if *p, ok = f64(); !ok {
				return bad
			}
		}
		nv, ok := uv()
		if !ok || nv*16 > len(data) {
			return bad
		}
		a.Values = make([]valueCount, nv)
		for j := range a.Values {
			a.Values[j].V, _ = f64()
			a.Values[j].N, _ = f64()
		}
	}
	return nil
}
