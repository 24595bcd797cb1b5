package cloudwatch_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// DescribeAlarms of one state, of composite alarms alone, or of both types,
// pages in name order (a page holds its metric alarms, then its composite
// ones), and DescribeAlarmHistory of one item type pages newest first,
// through the SDK's paginators.
func TestDescribeFiltersPage(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	states := map[string]types.StateValue{"m01": types.StateValueOk, "m02": types.StateValueAlarm, "m03": types.StateValueAlarm, "m04": types.StateValueOk,
		"m05": types.StateValueAlarm, "m06": "", "m07": types.StateValueAlarm, "m08": types.StateValueAlarm, "m09": ""}
	for i := 1; i <= 9; i++ {
		name := fmt.Sprintf("m%02d", i)
		in := queueAlarm(name)
		in.TreatMissingData = aws.String("ignore") // the evaluation keeps the state set
		in.Tags = nil
		if _, err := cw.PutMetricAlarm(harness.Ctx, in); err != nil {
			t.Fatal(err)
		}
		if s := states[name]; s != "" {
			if _, err := cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(name), StateValue: s, StateReason: aws.String("test")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, rule := range map[string]string{"m01c": "ALARM(m01)", "m02c": "ALARM(m02)"} {
		if _, err := cw.PutCompositeAlarm(harness.Ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String(name), AlarmRule: aws.String(rule)}); err != nil {
			t.Fatal(err)
		}
	}
	harness.Eventually(t, 5*time.Second, "composite alarms evaluated", func() (bool, string) {
		out, err := cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"m01c", "m02c"}, AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}})
		if err != nil || len(out.CompositeAlarms) != 2 {
			return false, fmt.Sprint(err, out)
		}
		a, b := out.CompositeAlarms[0].StateValue, out.CompositeAlarms[1].StateValue
		return a == types.StateValueOk && b == types.StateValueAlarm, string(a) + " " + string(b)
	})
	both := []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm}
	composite := []types.AlarmType{types.AlarmTypeCompositeAlarm}
	cases := []struct {
		in   cloudwatch.DescribeAlarmsInput
		want []string
	}{
		{cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm}, []string{"m02", "m03", "m05", "m07", "m08"}},
		{cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm, AlarmTypes: both}, []string{"m02", "m02c", "m03", "m05", "m07", "m08"}},
		{cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueOk, AlarmTypes: both, AlarmNamePrefix: aws.String("m01")}, []string{"m01", "m01c"}},
		{cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueInsufficientData}, []string{"m06", "m09"}},
		{cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm, AlarmTypes: composite}, []string{"m02c"}},
		{cloudwatch.DescribeAlarmsInput{AlarmTypes: composite}, []string{"m01c", "m02c"}},
		{cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueOk, AlarmNamePrefix: aws.String("m05")}, nil},
	}
	for _, c := range cases {
		in := c.in
		in.MaxRecords = aws.Int32(2)
		var got []string
		pages := 0
		for p := cloudwatch.NewDescribeAlarmsPaginator(cw, &in); p.HasMorePages(); pages++ {
			out, err := p.NextPage(harness.Ctx)
			if err != nil {
				t.Fatal(err)
			}
			var page []string
			for _, a := range out.MetricAlarms {
				page = append(page, aws.ToString(a.AlarmName))
				if c.in.StateValue != "" && a.StateValue != c.in.StateValue {
					t.Errorf("%s in %s", aws.ToString(a.AlarmName), a.StateValue)
				}
			}
			for _, a := range out.CompositeAlarms {
				page = append(page, aws.ToString(a.AlarmName))
			}
			if len(page) > 2 {
				t.Errorf("a page of %d", len(page))
			}
			slices.Sort(page)
			got = append(got, page...)
		}
		if !slices.Equal(got, c.want) || pages != max(1, (len(c.want)+1)/2) {
			t.Errorf("%s %v %q: %v in %d pages, want %v", c.in.StateValue, c.in.AlarmTypes, aws.ToString(c.in.AlarmNamePrefix), got, pages, c.want)
		}
	}

	var created []string
	var last time.Time
	p := cloudwatch.NewDescribeAlarmHistoryPaginator(cw, &cloudwatch.DescribeAlarmHistoryInput{HistoryItemType: types.HistoryItemTypeConfigurationUpdate,
		AlarmTypes: both, MaxRecords: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range out.AlarmHistoryItems {
			ts := aws.ToTime(h.Timestamp)
			if h.HistoryItemType != types.HistoryItemTypeConfigurationUpdate || (!last.IsZero() && ts.After(last)) {
				t.Errorf("%s %s at %v after %v", h.HistoryItemType, aws.ToString(h.AlarmName), ts, last)
			}
			last = ts
			created = append(created, aws.ToString(h.AlarmName))
		}
	}
	slices.Sort(created)
	if want := []string{"m01", "m01c", "m02", "m02c", "m03", "m04", "m05", "m06", "m07", "m08", "m09"}; !slices.Equal(created, want) {
		t.Errorf("created %v, want %v", created, want)
	}
}
