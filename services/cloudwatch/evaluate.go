package cloudwatch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/loop"
	"github.com/longshore/longshore/store"
)

// Action is an alarm action due to run: the alarm entered State (or is still
// in ALARM one period later) and names ARN among that state's actions.
type Action struct {
	Scope     store.Scope
	Alarm     string
	ARN       string
	State     types.StateValue
	Reason    string
	Threshold float64
	// Value is the newest evaluated datapoint, when there was one.
	Value    float64
	HasValue bool
}

// Evaluate evaluates every alarm that is due at now, in every scope, moving
// their states, and returns the actions to run. scale divides every period
// (the --time-scale factor).
func Evaluate(tx *store.Tx, now time.Time, scale float64) ([]Action, error) {
	scopes, err := Alarms.Scopes(tx)
	if err != nil {
		return nil, err
	}
	var actions []Action
	for _, sc := range scopes {
		// Only the alarms with work due are read: those whose evaluation
		// or actions are due (their Attr), and the composite alarms, whose
		// rules are evaluated at every pass.
		all, err := dueAlarms(tx, sc, now)
		if err != nil {
			return nil, err
		}
		// State changes made outside evaluation (SetAlarmState) run their
		// actions before the alarm is evaluated again, with the newest datapoint
		// or, when there is none, the threshold as the metric value.
		early := map[string]bool{}
		for _, r := range all {
			if !r.ActionDue {
				continue
			}
			res := evalResult{}
			if m := r.Metric; m != nil {
				period := scaled(alarmPeriod(tx, sc, m), scale)
				if res, err = evaluateMetricAlarm(tx, sc, m, now.Truncate(period), period); err != nil {
					return nil, err
				}
				if !res.hasValue {
					res.value, res.hasValue = aws.ToFloat64(m.Threshold), true
				}
			}
			acts, err := dueActions(tx, sc, r, now, res)
			if err != nil {
				return nil, err
			}
			actions = append(actions, acts...)
			early[r.name()] = true
		}
		last := map[string]evalResult{}
		for _, r := range all {
			if r.Metric == nil {
				continue
			}
			res := evalResult{}
			if !now.Before(r.NextEval) {
				// Windows end on period boundaries and only complete periods
				// count, as CloudWatch evaluates; each period is evaluated once.
				period := scaled(alarmPeriod(tx, sc, r.Metric), scale)
				end := now.Truncate(period)
				res, err = evaluateMetricAlarm(tx, sc, r.Metric, end, period)
				if err != nil {
					return nil, err
				}
				res.evaluated = true
				r.NextEval = end.Add(period)
				if res.state != r.state() {
					if err := transition(tx, sc, now, r, res.state, res.reason, aws.String(res.reasonData)); err != nil {
						return nil, err
					}
				} else if err := putAlarm(tx, sc, r); err != nil {
					return nil, err
				}
			}
			last[r.name()] = res
		}
		states := map[string]types.StateValue{}
		var readErr error
		for _, r := range all {
			states[r.name()] = r.state()
		}
		// The children of composite alarms that were not due are read as
		// the rules name them.
		stateOf := func(name string) types.StateValue {
			if st, ok := states[name]; ok {
				return st
			}
			st, _, err := AlarmState(tx, sc, name)
			if err != nil {
				readErr = err
			}
			states[name] = st
			return st
		}
		for _, r := range all {
			if r.Composite == nil {
				continue
			}
			rule, err := parseRule(aws.ToString(r.Composite.AlarmRule))
			if err != nil {
				continue
			}
			to := types.StateValueOk
			if rule.eval(func(n string) types.StateValue { return stateOf(alarmNameOf(n)) }) {
				to = types.StateValueAlarm
			}
			if readErr != nil {
				return nil, readErr
			}
			if to != r.state() {
				reason := "arn:" + api.Partition(sc.Region) + ":cloudwatch:" + sc.Region + ":" + sc.Account + ":alarm rule " + aws.ToString(r.Composite.AlarmRule) + " evaluated to " + strings.ToLower(string(to))
				if err := transition(tx, sc, now, r, to, reason, nil); err != nil {
					return nil, err
				}
				states[r.name()] = to
			}
		}
		for _, r := range all {
			if early[r.name()] && !r.ActionDue {
				continue // its actions ran above in this pass
			}
			acts, err := dueActions(tx, sc, r, now, last[r.name()])
			if err != nil {
				return nil, err
			}
			actions = append(actions, acts...)
		}

	}
	return actions, nil
}

// dueAlarms reads a scope's alarms with work due at now, sorted by name: the
// metric alarms whose evaluation is due and the alarms whose actions are
// (through their Attr), and every composite alarm. An alarm listed by a due
// time it no longer has (stored before migration 0019) gets its own back.
func dueAlarms(tx *store.Tx, sc store.Scope, now time.Time) ([]*alarmRecord, error) {
	due, err := Alarms.AttrRange(tx, sc, "", dueAt(now.Add(time.Nanosecond)))
	if err != nil {
		return nil, err
	}
	composites, err := Alarms.List(tx, sc, store.Query{Parent: compositeGroup})
	if err != nil {
		return nil, err
	}
	out := make([]*alarmRecord, 0, len(due)+len(composites))
	seen := map[string]bool{}
	for _, it := range due {
		r := it.Doc
		if !r.ActionDue && (r.Metric == nil || now.Before(r.NextEval)) {
			if err := putAlarm(tx, sc, r); err != nil {
				return nil, err
			}
			if r.Metric != nil {
				continue
			}
		}
		seen[it.ID] = true
		out = append(out, r)
	}
	for _, it := range composites {
		if !seen[it.ID] {
			out = append(out, it.Doc)
		}
	}
	slices.SortFunc(out, func(a, b *alarmRecord) int { return strings.Compare(a.name(), b.name()) })
	return out, nil
}

// scaled is an alarm period on the time scale, at least 10 ms.
func scaled(seconds int32, scale float64) time.Duration {
	return max(loop.Scale(scale).Of(time.Duration(seconds)*time.Second), 10*time.Millisecond)
}

// dueActions returns the actions of an alarm that are due: those of a state it
// just entered, and its ALARM actions again every period while it stays in ALARM.
func dueActions(tx *store.Tx, sc store.Scope, r *alarmRecord, now time.Time, res evalResult) ([]Action, error) {
	var enabled bool
	var lists [3][]string
	threshold := 0.0
	if m := r.Metric; m != nil {
		enabled = aws.ToBool(m.ActionsEnabled)
		lists = [3][]string{m.AlarmActions, m.OKActions, m.InsufficientDataActions}
		threshold = aws.ToFloat64(m.Threshold)
	} else {
		c := r.Composite
		enabled = aws.ToBool(c.ActionsEnabled)
		lists = [3][]string{c.AlarmActions, c.OKActions, c.InsufficientDataActions}
	}
	state := r.state()
	// A metric alarm that stays in ALARM runs its actions again at every
	// evaluation, once a period, as it does for scaling policies.
	repeat := state == types.StateValueAlarm && res.evaluated && r.Metric != nil
	if !enabled || (!r.ActionDue && !repeat) {
		if r.ActionDue && !enabled {
			r.ActionDue = false
			return nil, putAlarm(tx, sc, r)
		}
		return nil, nil
	}
	var arns []string
	switch state {
	case types.StateValueAlarm:
		arns = lists[0]
	case types.StateValueOk:
		arns = lists[1]
	default:
		arns = lists[2]
	}
	r.ActionDue = false
	r.LastActionAt = now
	if err := putAlarm(tx, sc, r); err != nil {
		return nil, err
	}
	reason := ""
	if r.Metric != nil {
		reason = aws.ToString(r.Metric.StateReason)
	}
	var out []Action
	for _, arn := range arns {
		out = append(out, Action{Scope: sc, Alarm: r.name(), ARN: arn, State: state, Reason: reason,
			Threshold: threshold, Value: res.value, HasValue: res.hasValue})
	}
	return out, nil
}

// alarmPeriod is a metric alarm's period in seconds.
func alarmPeriod(tx *store.Tx, sc store.Scope, m *types.MetricAlarm) int32 {
	if m.Period != nil {
		return *m.Period
	}
	if q, err := newQuerySet(tx, sc, m.Metrics, "Metrics"); err == nil {
		if ids := q.returned(); len(ids) > 0 {
			return q.period(ids[0], 0)
		}
	}
	return 60
}

type evalResult struct {
	state      types.StateValue
	reason     string
	reasonData string
	value      float64
	hasValue   bool
	evaluated  bool
}

// evaluateMetricAlarm computes a metric alarm's state at now from its last
// EvaluationPeriods periods (each `period` long, newest first).
func evaluateMetricAlarm(tx *store.Tx, sc store.Scope, m *types.MetricAlarm, now time.Time, period time.Duration) (evalResult, error) {
	n := int(aws.ToInt32(m.EvaluationPeriods))
	if n <= 0 {
		n = 1
	}
	var q *querySet
	id := ""
	stat := string(m.Statistic)
	if m.ExtendedStatistic != nil {
		stat = *m.ExtendedStatistic
	}
	if len(m.Metrics) > 0 {
		var err error
		if q, err = newQuerySet(tx, sc, m.Metrics, "Metrics"); err != nil {
			return evalResult{state: types.StateValueInsufficientData, reason: "Insufficient Data: the metrics list cannot be evaluated."}, nil
		}
		q.points.now = now
		for _, rid := range q.returned() {
			if rid != aws.ToString(m.ThresholdMetricId) {
				id = rid
			}
		}
	} else {
		met := types.Metric{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions}
		queries := []types.MetricDataQuery{{Id: aws.String("m"), MetricStat: &types.MetricStat{Metric: &met, Period: aws.Int32(60), Stat: aws.String(stat), Unit: m.Unit}}}
		q = &querySet{tx: tx, sc: sc, byID: map[string]*types.MetricDataQuery{"m": &queries[0]}, order: []string{"m"},
			parsed: map[string]exprNode{}, series: map[string]*series{}, loaded: map[string]bool{}, points: newPointReader(tx, sc, now)}
		id = "m"
	}
	vals := make([]value, n)
	stamps := make([]time.Time, n)
	for i := 0; i < n; i++ {
		to := now.Add(-time.Duration(i) * period)
		from := to.Add(-period)
		v, err := q.valueAt(id, from, to)
		if err != nil {
			return evalResult{}, err
		}
		vals[i], stamps[i] = v, from
	}
	if m.ThresholdMetricId != nil {
		return evalResult{state: types.StateValueInsufficientData, reason: "Insufficient Data: Longshore does not evaluate anomaly detection bands."}, nil
	}
	return decide(m, vals, stamps, now), nil
}

// decide applies the comparison, DatapointsToAlarm and missing-data treatment
// to the evaluated datapoints (newest first).
func decide(m *types.MetricAlarm, vals []value, stamps []time.Time, now time.Time) evalResult {
	n := len(vals)
	need := int(aws.ToInt32(m.DatapointsToAlarm))
	if need <= 0 || need > n {
		need = n
	}
	threshold := aws.ToFloat64(m.Threshold)
	treat := aws.ToString(m.TreatMissingData)
	if treat == "" {
		treat = "missing"
	}
	breaching, present := 0, 0
	var shown []string
	var recent []float64
	res := evalResult{}
	for i, v := range vals {
		if !v.ok {
			if treat == "breaching" {
				breaching++
			}
			continue
		}
		if !res.hasValue {
			res.value, res.hasValue = v.v, true
		}
		present++
		recent = append(recent, v.v)
		shown = append(shown, fmtFloat(v.v)+" ("+stamps[i].UTC().Format("02/01/06 15:04:05")+")")
		if breaches(m.ComparisonOperator, v.v, threshold) {
			breaching++
		}
	}
	word := comparisonWords[m.ComparisonOperator]
	switch {
	case breaching >= need:
		res.state = types.StateValueAlarm
		res.reason = fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints [%s] were %s the threshold (%s) (minimum %d datapoint%s for OK -> ALARM transition).",
			breaching, n, strings.Join(shown, ", "), word, fmtFloat(threshold), need, plural(need))
		if n == 1 && present == 1 {
			res.reason = fmt.Sprintf("Threshold Crossed: 1 datapoint [%s] was %s the threshold (%s).", shown[0], word, fmtFloat(threshold))
		}
	case present == 0 && treat == "notBreaching":
		res.state = types.StateValueOk
		res.reason = fmt.Sprintf("Threshold Crossed: no datapoints were received for %d period%s and %d missing datapoint%s were treated as [NonBreaching].", n, plural(n), n, plural(n))
	case present == 0 && treat == "ignore":
		res.state = m.StateValue
		res.reason = aws.ToString(m.StateReason)
	case present == 0:
		res.state = types.StateValueInsufficientData
		res.reason = fmt.Sprintf("Insufficient Data: %d datapoint%s %s unknown.", n, plural(n), map[bool]string{true: "was", false: "were"}[n == 1])
	default:
		res.state = types.StateValueOk
		res.reason = fmt.Sprintf("Threshold Crossed: %d datapoint%s [%s] %s not %s the threshold (%s).",
			present, plural(present), strings.Join(shown, ", "), map[bool]string{true: "was", false: "were"}[present == 1], word, fmtFloat(threshold))
	}
	data, _ := json.Marshal(map[string]any{"version": "1.0", "queryDate": now.UTC().Format("2006-01-02T15:04:05.000+0000"),
		"statistic": string(m.Statistic), "period": aws.ToInt32(m.Period), "recentDatapoints": recent, "threshold": threshold})
	res.reasonData = string(data)
	return res
}

var comparisonWords = map[types.ComparisonOperator]string{
	types.ComparisonOperatorGreaterThanThreshold:          "greater than",
	types.ComparisonOperatorGreaterThanOrEqualToThreshold: "greater than or equal to",
	types.ComparisonOperatorLessThanThreshold:             "less than",
	types.ComparisonOperatorLessThanOrEqualToThreshold:    "less than or equal to",
}

func breaches(op types.ComparisonOperator, v, threshold float64) bool {
	switch op {
	case types.ComparisonOperatorGreaterThanThreshold:
		return v > threshold
	case types.ComparisonOperatorGreaterThanOrEqualToThreshold:
		return v >= threshold
	case types.ComparisonOperatorLessThanThreshold:
		return v < threshold
	case types.ComparisonOperatorLessThanOrEqualToThreshold:
		return v <= threshold
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// fmtFloat writes a number as CloudWatch's reasons do: 95.0, 72.5.
func fmtFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}
