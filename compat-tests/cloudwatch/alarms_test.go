package cloudwatch_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func queueAlarm(name string) *cloudwatch.PutMetricAlarmInput {
	return &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name), Namespace: aws.String("App/Queue"), MetricName: aws.String("Depth"),
		Dimensions: []types.Dimension{dim("QueueName", "jobs")}, Statistic: types.StatisticAverage, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(2), DatapointsToAlarm: aws.Int32(1), Threshold: aws.Float64(100),
		ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("notBreaching"),
		AlarmActions: []string{"arn:aws:sns:us-east-1:000000000000:ops"}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}}
}

func TestMetricAlarmLifecycle(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	if _, err := cw.PutMetricAlarm(harness.Ctx, queueAlarm("queue-high")); err != nil {
		t.Fatal(err)
	}
	out, err := cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"queue-high"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricAlarms) != 1 {
		t.Fatalf("%d alarms", len(out.MetricAlarms))
	}
	a := out.MetricAlarms[0]
	// The evaluator's first pass may come before this read: with no data
	// treated as notBreaching it moves the new alarm to OK.
	evaluated := a.StateValue == types.StateValueOk
	reason := "Unchecked: Initial alarm creation"
	if evaluated {
		reason = "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [NonBreaching]."
	}
	if aws.ToString(a.AlarmArn) != "arn:aws:cloudwatch:us-east-1:000000000000:alarm:queue-high" || (a.StateValue != types.StateValueInsufficientData && !evaluated) ||
		aws.ToString(a.StateReason) != reason || !aws.ToBool(a.ActionsEnabled) || aws.ToFloat64(a.Threshold) != 100 {
		t.Errorf("alarm %s %s %q %v", aws.ToString(a.AlarmArn), a.StateValue, aws.ToString(a.StateReason), aws.ToBool(a.ActionsEnabled))
	}

	_, err = cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("queue-high"), StateValue: types.StateValueAlarm, StateReason: aws.String("testing")})
	if err != nil {
		t.Fatal(err)
	}
	out, _ = cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm})
	if len(out.MetricAlarms) != 1 || aws.ToString(out.MetricAlarms[0].StateReason) != "testing" {
		t.Fatalf("alarms in ALARM: %+v", out.MetricAlarms)
	}
	_, err = cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("nope"), StateValue: types.StateValueOk, StateReason: aws.String("x")})
	harness.AssertAPIError(t, err, "ResourceNotFound")

	hist, err := cw.DescribeAlarmHistory(harness.Ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("queue-high")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Alarm updated from INSUFFICIENT_DATA to ALARM", `Alarm "queue-high" created`}
	// The first pass may also come between that read and SetAlarmState.
	evaluated = evaluated || slices.ContainsFunc(hist.AlarmHistoryItems, func(h types.AlarmHistoryItem) bool {
		return aws.ToString(h.HistorySummary) == "Alarm updated from INSUFFICIENT_DATA to OK"
	})
	if evaluated {
		want = []string{"Alarm updated from OK to ALARM", `Alarm "queue-high" created`, "Alarm updated from INSUFFICIENT_DATA to OK"}
	}
	var got []string
	for _, h := range hist.AlarmHistoryItems {
		got = append(got, aws.ToString(h.HistorySummary))
	}
	slices.Sort(got[1:])
	slices.Sort(want[1:])
	if !slices.Equal(got, want) || hist.AlarmHistoryItems[0].HistoryItemType != types.HistoryItemTypeStateUpdate {
		for _, h := range hist.AlarmHistoryItems {
			t.Logf("%s %s", h.HistoryItemType, aws.ToString(h.HistorySummary))
		}
		t.Fatal("unexpected history")
	}

	if _, err := cw.DisableAlarmActions(harness.Ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{"queue-high"}}); err != nil {
		t.Fatal(err)
	}
	fm, err := cw.DescribeAlarmsForMetric(harness.Ctx, &cloudwatch.DescribeAlarmsForMetricInput{Namespace: aws.String("App/Queue"), MetricName: aws.String("Depth"),
		Dimensions: []types.Dimension{dim("QueueName", "jobs")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fm.MetricAlarms) != 1 || aws.ToBool(fm.MetricAlarms[0].ActionsEnabled) {
		t.Fatalf("alarms for metric %+v", fm.MetricAlarms)
	}
	if _, err := cw.EnableAlarmActions(harness.Ctx, &cloudwatch.EnableAlarmActionsInput{AlarmNames: []string{"queue-high"}}); err != nil {
		t.Fatal(err)
	}

	arn := aws.String("arn:aws:cloudwatch:us-east-1:000000000000:alarm:queue-high")
	if _, err := cw.TagResource(harness.Ctx, &cloudwatch.TagResourceInput{ResourceARN: arn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.UntagResource(harness.Ctx, &cloudwatch.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := cw.ListTagsForResource(harness.Ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "env" {
		t.Errorf("tags %+v", tags.Tags)
	}
	_, err = cw.ListTagsForResource(harness.Ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:cloudwatch:us-east-1:000000000000:alarm:gone")})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")

	_, err = cw.DeleteAlarms(harness.Ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"queue-high", "never-made"}})
	harness.AssertAPIError(t, err, "ResourceNotFound")
	if _, err := cw.DeleteAlarms(harness.Ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"queue-high"}}); err != nil {
		t.Fatal(err)
	}
	out, _ = cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{})
	if len(out.MetricAlarms) != 0 {
		t.Errorf("alarms left: %d", len(out.MetricAlarms))
	}
}

func TestPutMetricAlarmValidation(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	in := queueAlarm("bad")
	in.DatapointsToAlarm = aws.Int32(3)
	_, err := cw.PutMetricAlarm(harness.Ctx, in)
	if ae := harness.AssertAPIError(t, err, "ValidationError"); !strings.Contains(ae.ErrorMessage(), "DatapointsToAlarm") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	in = queueAlarm("bad")
	in.ExtendedStatistic = aws.String("p90")
	_, err = cw.PutMetricAlarm(harness.Ctx, in)
	harness.AssertAPIError(t, err, "InvalidParameterCombination")
	in = queueAlarm("bad")
	in.Period = aws.Int32(45)
	_, err = cw.PutMetricAlarm(harness.Ctx, in)
	harness.AssertAPIError(t, err, "ValidationError")
	in = queueAlarm("bad")
	in.Metrics = []types.MetricDataQuery{{Id: aws.String("e1"), Expression: aws.String("1")}}
	in.Namespace, in.MetricName, in.Statistic, in.Period, in.Dimensions = nil, nil, "", nil, nil
	in.Metrics = append(in.Metrics, types.MetricDataQuery{Id: aws.String("e2"), Expression: aws.String("2")})
	_, err = cw.PutMetricAlarm(harness.Ctx, in)
	if ae := harness.AssertAPIError(t, err, "ValidationError"); ae.ErrorMessage() != "Exactly one element of the metrics list should return data." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func TestCompositeAlarms(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	for _, n := range []string{"cpu-high", "queue-high"} {
		if _, err := cw.PutMetricAlarm(harness.Ctx, queueAlarm(n)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := cw.PutCompositeAlarm(harness.Ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String("both"), AlarmRule: aws.String(`ALARM("cpu-high") AND ALARM(queue-high)`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cw.PutCompositeAlarm(harness.Ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String("x"), AlarmRule: aws.String(`ALARM(missing-one)`)})
	harness.AssertAPIError(t, err, "ValidationError")
	out, err := cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm, types.AlarmTypeMetricAlarm}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CompositeAlarms) != 1 || len(out.MetricAlarms) != 2 || aws.ToString(out.MetricAlarms[0].AlarmName) != "cpu-high" {
		t.Fatalf("composite %d metric %d", len(out.CompositeAlarms), len(out.MetricAlarms))
	}
	kids, err := cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{ChildrenOfAlarmName: aws.String("both")})
	if err != nil {
		t.Fatal(err)
	}
	if len(kids.MetricAlarms) != 2 {
		t.Errorf("children %d", len(kids.MetricAlarms))
	}
	parents, err := cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{ParentsOfAlarmName: aws.String("cpu-high"), AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}})
	if err != nil {
		t.Fatal(err)
	}
	if len(parents.CompositeAlarms) != 1 {
		t.Errorf("parents %d", len(parents.CompositeAlarms))
	}
	_, err = cw.DeleteAlarms(harness.Ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"cpu-high"}})
	if ae := harness.AssertAPIError(t, err, "ValidationError"); ae.ErrorMessage() != "Cannot delete cpu-high as there are composite alarm(s) depending on it." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// Paginate metric alarms one at a time.
	var names []string
	p := cloudwatch.NewDescribeAlarmsPaginator(cw, &cloudwatch.DescribeAlarmsInput{MaxRecords: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.MetricAlarms {
			names = append(names, aws.ToString(a.AlarmName))
		}
	}
	if strings.Join(names, ",") != "cpu-high,queue-high" {
		t.Errorf("paged names %v", names)
	}
}

// A composite alarm follows its children: the running engine re-evaluates its rule.
func TestCompositeAlarmEvaluation(t *testing.T) {
	ls := harness.Start(t)
	cw := cloudwatch.NewFromConfig(ls.Config)
	for _, n := range []string{"a", "b"} {
		in := queueAlarm(n)
		in.TreatMissingData = aws.String("ignore") // no data: the state set below stays
		if _, err := cw.PutMetricAlarm(harness.Ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cw.PutCompositeAlarm(harness.Ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String("both"), AlarmRule: aws.String(`ALARM(a) AND ALARM(b)`)}); err != nil {
		t.Fatal(err)
	}
	state := func() types.StateValue {
		out, err := cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"both"}, AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}})
		if err != nil || len(out.CompositeAlarms) != 1 {
			t.Fatalf("%v %+v", err, out)
		}
		return out.CompositeAlarms[0].StateValue
	}
	wait := func(want types.StateValue) {
		t.Helper()
		harness.Eventually(t, 5*time.Second, "composite state "+string(want), func() (bool, string) {
			got := state()
			return got == want, string(got)
		})
	}
	wait(types.StateValueOk)
	for _, n := range []string{"a", "b"} {
		if _, err := cw.SetAlarmState(harness.Ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(n), StateValue: types.StateValueAlarm, StateReason: aws.String("test")}); err != nil {
			t.Fatal(err)
		}
	}
	wait(types.StateValueAlarm)
}
