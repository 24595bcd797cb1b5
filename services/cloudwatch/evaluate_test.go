package cloudwatch

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

func vals(vs ...any) []value {
	out := make([]value, len(vs))
	for i, v := range vs {
		if f, ok := v.(float64); ok {
			out[i] = num(f)
		} else if n, ok := v.(int); ok {
			out[i] = num(float64(n))
		}
	}
	return out
}

func TestDecide(t *testing.T) {
	alarm := func(n, m int32, treat string, state types.StateValue) *types.MetricAlarm {
		a := &types.MetricAlarm{EvaluationPeriods: aws.Int32(n), Threshold: aws.Float64(70), Statistic: types.StatisticAverage, Period: aws.Int32(60),
			ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, StateValue: state, StateReason: aws.String("before")}
		if m > 0 {
			a.DatapointsToAlarm = aws.Int32(m)
		}
		if treat != "" {
			a.TreatMissingData = aws.String(treat)
		}
		return a
	}
	cases := []struct {
		name   string
		alarm  *types.MetricAlarm
		values []value
		want   types.StateValue
		reason string
	}{
		{"all breaching", alarm(3, 0, "", types.StateValueOk), vals(95, 90, 80), types.StateValueAlarm, "Threshold Crossed: 3 out of the last 3 datapoints"},
		{"one short", alarm(3, 0, "", types.StateValueOk), vals(95, 90, 60), types.StateValueOk, "Threshold Crossed: 3 datapoints ["},
		{"2 of 3", alarm(3, 2, "", types.StateValueOk), vals(95, 60, 90), types.StateValueAlarm, "(minimum 2 datapoints for OK -> ALARM transition)"},
		{"equal is not greater", alarm(1, 0, "", types.StateValueOk), vals(70), types.StateValueOk, "was not greater than the threshold (70.0)"},
		{"single", alarm(1, 0, "", types.StateValueOk), vals(70.5), types.StateValueAlarm, "Threshold Crossed: 1 datapoint [70.5 ("},
		{"missing: no data", alarm(3, 0, "", types.StateValueOk), vals(nil, nil, nil), types.StateValueInsufficientData, "Insufficient Data: 3 datapoints were unknown."},
		{"missing: partial data evaluates what is there", alarm(3, 1, "missing", types.StateValueOk), vals(nil, 95, nil), types.StateValueAlarm, ""},
		{"notBreaching: no data", alarm(3, 0, "notBreaching", types.StateValueAlarm), vals(nil, nil, nil), types.StateValueOk, "treated as [NonBreaching]"},
		{"notBreaching: gaps are good", alarm(3, 0, "notBreaching", types.StateValueOk), vals(95, nil, 95), types.StateValueOk, ""},
		{"breaching: gaps are bad", alarm(3, 0, "breaching", types.StateValueOk), vals(95, nil, 95), types.StateValueAlarm, ""},
		{"breaching: no data", alarm(2, 0, "breaching", types.StateValueOk), vals(nil, nil), types.StateValueAlarm, ""},
		{"ignore: no data keeps the state", alarm(3, 0, "ignore", types.StateValueAlarm), vals(nil, nil, nil), types.StateValueAlarm, "before"},
	}
	stamps := []time.Time{time.Unix(180, 0), time.Unix(120, 0), time.Unix(60, 0)}
	for _, c := range cases {
		res := decide(c.alarm, c.values, stamps[:len(c.values)], time.Unix(240, 0))
		if res.state != c.want || !strings.Contains(res.reason, c.reason) {
			t.Errorf("%s: %s %q, want %s with %q", c.name, res.state, res.reason, c.want, c.reason)
		}
	}
	lt := alarm(1, 0, "", types.StateValueOk)
	lt.ComparisonOperator = types.ComparisonOperatorLessThanOrEqualToThreshold
	if res := decide(lt, vals(70), stamps[:1], time.Unix(240, 0)); res.state != types.StateValueAlarm || !res.hasValue || res.value != 70 {
		t.Errorf("less than or equal: %+v", res)
	}
}

func TestStatistics(t *testing.T) {
	pts := []point{
		{T: time.Unix(0, 0), Count: 1, Sum: 10, Min: 10, Max: 10, Values: []valueCount{{10, 1}}},
		{T: time.Unix(10, 0), Count: 1, Sum: 20, Min: 20, Max: 20, Values: []valueCount{{20, 1}}, Unit: "Count"},
		{T: time.Unix(20, 0), Count: 2, Sum: 100, Min: 40, Max: 60},
		{T: time.Unix(60, 0), Count: 1, Sum: 999, Min: 999, Max: 999},
	}
	a, ok := windowOf(pts, time.Unix(0, 0), time.Unix(60, 0), "")
	if !ok {
		t.Fatal("no data")
	}
	for stat, want := range map[string]float64{"SampleCount": 4, "Sum": 130, "Average": 32.5, "Minimum": 10, "Maximum": 60, "p50": 20, "p100": 50, "p0": 10} {
		if got, ok := a.statistic(stat); !ok || got != want {
			t.Errorf("%s: %v, want %v", stat, got, want)
		}
	}
	if a, ok := windowOf(pts, time.Unix(0, 0), time.Unix(60, 0), "Count"); !ok || a.Sum != 20 {
		t.Errorf("unit filter: %+v", a)
	}
	for _, bad := range []string{"p", "p101", "tm90", "Avg", "p9.9.9"} {
		if validStat(bad) {
			t.Errorf("%s accepted", bad)
		}
	}
	if !validStat("p99.9") {
		t.Error("p99.9 refused")
	}
}

type mapEnv map[string]value

func (m mapEnv) lookup(id string) (value, error) { return m[id], nil }
func (m mapEnv) metrics() ([]value, error)       { return []value{m["m1"], m["m2"]}, nil }

func TestMetricMath(t *testing.T) {
	env := mapEnv{"m1": num(120), "m2": num(4), "gap": missing}
	cases := map[string]value{
		"m1 / m2":                num(30),
		"(m1 + m2) * 2 - 8":      num(240),
		"-m2 ^ 2":                num(-16),
		"2 ^ 3 ^ 2":              num(512),
		"SUM(METRICS())":         num(124),
		"AVG([m1, m2, gap])":     num(62),
		"MAX(m1, m2)":            num(120),
		"MIN(METRICS())":         num(4),
		"FILL(gap, 7) + ABS(-1)": num(8),
		"gap + 1":                missing,
		"m1 / 0":                 missing,
		"CEIL(m1 / 7)":           num(18),
		"FLOOR(m1 / 7)":          num(17),
		"1.5e2 - m1":             num(30),
	}
	for expr, want := range cases {
		n, err := parseExpr(expr)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		got, err := eval(n, env)
		if err != nil || got.ok != want.ok || (want.ok && got.v != want.v) {
			t.Errorf("%s: %+v %v, want %+v", expr, got, err, want)
		}
	}
	for _, bad := range []string{"", "m1 +", "(m1", "m1 m2", "SUM(m1,", "$x"} {
		if _, err := parseExpr(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if n, _ := parseExpr("NOPE(m1)"); n != nil {
		if _, err := eval(n, env); err == nil {
			t.Error("unknown function evaluated")
		}
	}
}

func TestCompositeRule(t *testing.T) {
	states := map[string]types.StateValue{"a": types.StateValueAlarm, "b": types.StateValueOk, "c d": types.StateValueInsufficientData}
	get := func(n string) types.StateValue { return states[alarmNameOf(n)] }
	cases := map[string]bool{
		`ALARM(a)`:                                      true,
		`ALARM("a") AND OK(b)`:                          true,
		`ALARM(a) AND ALARM(b)`:                         false,
		`ALARM(b) OR INSUFFICIENT_DATA("c d")`:          true,
		`NOT (ALARM(a) AND OK(b))`:                      false,
		`TRUE AND NOT FALSE`:                            true,
		`ALARM(arn:aws:cloudwatch:us-east-1:1:alarm:a)`: true,
	}
	for rule, want := range cases {
		r, err := parseRule(rule)
		if err != nil {
			t.Errorf("%s: %v", rule, err)
			continue
		}
		if got := r.eval(get); got != want {
			t.Errorf("%s: %v", rule, got)
		}
	}
	for _, bad := range []string{"", "ALARM(a", "ALARM()", "ALARM(a) AND", "FOO(a)", `ALARM("a)`} {
		if _, err := parseRule(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
