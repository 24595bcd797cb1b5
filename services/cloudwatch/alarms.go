package cloudwatch

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// alarmRecord is a stored alarm (metric or composite) and its evaluation bookkeeping.
type alarmRecord struct {
	Metric    *types.MetricAlarm    `json:",omitempty"`
	Composite *types.CompositeAlarm `json:",omitempty"`
	// NextEval is when the alarm is evaluated next.
	NextEval time.Time
	// LastActionAt is when the actions of the current state last ran.
	LastActionAt time.Time
	// ActionDue marks a state change whose actions have not run yet.
	ActionDue bool
}

func (r *alarmRecord) name() string {
	if r.Metric != nil {
		return aws.ToString(r.Metric.AlarmName)
	}
	return aws.ToString(r.Composite.AlarmName)
}

func (r *alarmRecord) state() types.StateValue {
	if r.Metric != nil {
		return r.Metric.StateValue
	}
	return r.Composite.StateValue
}

func (r *alarmRecord) alarmType() types.AlarmType {
	if r.Metric != nil {
		return types.AlarmTypeMetricAlarm
	}
	return types.AlarmTypeCompositeAlarm
}

func putAlarm(tx *store.Tx, sc store.Scope, r *alarmRecord) error {
	return Alarms.Put(tx, sc, r.name(), store.Index{Parent: r.group(), Name: r.stateKey(), Attr: r.dueKey()}, r)
}

// alarmStates are the states an alarm can be in.
var alarmStates = []types.StateValue{types.StateValueOk, types.StateValueAlarm, types.StateValueInsufficientData}

// stateGroup starts the Name of the alarms of one type in one state: a
// letter for the type, the state, a space.
func stateGroup(t types.AlarmType, s types.StateValue) string {
	letter := "M "
	if t == types.AlarmTypeCompositeAlarm {
		letter = "C "
	}
	return letter + string(s) + " "
}

// stateKey is the alarm's Name: its stateGroup followed by its name, so
// that DescribeAlarms of one state pages the alarms in that state, in name
// order, through resources_name alone (migration 0022 fills it in for
// alarms stored before, whose Name was their name and Status their state).
// The state is held there alone: a change of state moves this one index
// entry.
func (r *alarmRecord) stateKey() string { return stateGroup(r.alarmType(), r.state()) + r.name() }

// compositeGroup is the Parent of every composite alarm: they are listed
// together (their evaluation, the parents of an alarm). Metric keys start
// with a digit, so none is this.
const compositeGroup = "composite"

// group is the alarm's Parent: the alarms of one metric share it
// (DescribeAlarmsForMetric), as do all composite alarms.
func (r *alarmRecord) group() string {
	if r.Composite != nil {
		return compositeGroup
	}
	if r.Metric.MetricName == nil {
		return ""
	}
	return alarmMetric(aws.ToString(r.Metric.Namespace), aws.ToString(r.Metric.MetricName))
}

// alarmMetric keys a metric, dimensions aside: the Parent of its alarms and
// the Attr of its series.
func alarmMetric(namespace, name string) string { return ownerKey(namespace) + name }

// dueKey is the alarm's Attr: when the evaluation next has work for it, in
// fixed-width UTC so that Attr order is time order. Actions due after a state
// change are due at once; a composite alarm has nothing due by time, its
// rule is evaluated at every pass.
func (r *alarmRecord) dueKey() string {
	if r.ActionDue {
		return dueAt(time.Time{})
	}
	if r.Composite != nil {
		return notDue
	}
	return dueAt(r.NextEval)
}

// notDue sorts after every time.
const notDue = "~"

func dueAt(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

func registerAlarms(s *api.Service) {
	api.Handle(s, "PutMetricAlarm", putMetricAlarm)
	api.Handle(s, "PutCompositeAlarm", putCompositeAlarm)
	api.Handle(s, "DescribeAlarms", describeAlarms)
	api.Handle(s, "DescribeAlarmsForMetric", describeAlarmsForMetric)
	api.Handle(s, "DeleteAlarms", deleteAlarms)
	api.Handle(s, "SetAlarmState", setAlarmState)
	api.Handle(s, "EnableAlarmActions", enableAlarmActions)
	api.Handle(s, "DisableAlarmActions", disableAlarmActions)
	api.Handle(s, "DescribeAlarmHistory", describeAlarmHistory)
}

var treatMissing = map[string]bool{"breaching": true, "notBreaching": true, "ignore": true, "missing": true}

func validateActions(lists ...[]string) error {
	for _, l := range lists {
		for _, a := range l {
			if !strings.HasPrefix(a, "arn:") || strings.Count(a, ":") < 5 {
				return apierror.New("ValidationError", "Invalid arn syntax: %s", a)
			}
		}
	}
	return nil
}

func putMetricAlarm(c *api.Context, in *cloudwatch.PutMetricAlarmInput) (*cloudwatch.PutMetricAlarmOutput, error) {
	if err := PutMetricAlarm(c.Tx, c.Scope(), c.Now(), in); err != nil {
		return nil, err
	}
	return &cloudwatch.PutMetricAlarmOutput{}, nil
}

// PutMetricAlarm creates or updates a metric alarm, as the API does (target
// tracking policies create theirs through it).
func PutMetricAlarm(tx *store.Tx, sc store.Scope, now time.Time, in *cloudwatch.PutMetricAlarmInput) error {
	name := aws.ToString(in.AlarmName)
	if err := validateMetricAlarm(tx, sc, in); err != nil {
		return err
	}
	old, err := Alarms.Get(tx, sc, name)
	if err != nil {
		return err
	}
	if old != nil && old.Composite != nil {
		return apierror.New("ValidationError", "An alarm named %s already exists and is a composite alarm.", name)
	}
	a := &types.MetricAlarm{
		AlarmName: aws.String(name), AlarmArn: aws.String(AlarmARN(sc, name)), AlarmDescription: in.AlarmDescription,
		ActionsEnabled: aws.Bool(in.ActionsEnabled == nil || *in.ActionsEnabled),
		AlarmActions:   orEmpty(in.AlarmActions), OKActions: orEmpty(in.OKActions), InsufficientDataActions: orEmpty(in.InsufficientDataActions),
		AlarmConfigurationUpdatedTimestamp: aws.Time(now),
		ComparisonOperator:                 in.ComparisonOperator, DatapointsToAlarm: in.DatapointsToAlarm,
		Dimensions: in.Dimensions, EvaluateLowSampleCountPercentile: in.EvaluateLowSampleCountPercentile,
		EvaluationPeriods: in.EvaluationPeriods, ExtendedStatistic: in.ExtendedStatistic, MetricName: in.MetricName,
		Metrics: in.Metrics, Namespace: in.Namespace, Period: in.Period, Statistic: in.Statistic, Threshold: in.Threshold,
		ThresholdMetricId: in.ThresholdMetricId, TreatMissingData: in.TreatMissingData, Unit: in.Unit,
		StateValue: types.StateValueInsufficientData, StateReason: aws.String("Unchecked: Initial alarm creation"),
		StateUpdatedTimestamp: aws.Time(now), StateTransitionedTimestamp: aws.Time(now),
	}
	if a.MetricName != nil && a.Dimensions == nil {
		a.Dimensions = []types.Dimension{}
	}
	summary := `Alarm "` + name + `" created`
	kind := "Create"
	rec := &alarmRecord{Metric: a}
	if old != nil {
		summary, kind = `Alarm "`+name+`" updated`, "Update"
		o := old.Metric
		a.StateValue, a.StateReason, a.StateReasonData = o.StateValue, o.StateReason, o.StateReasonData
		a.StateUpdatedTimestamp, a.StateTransitionedTimestamp = o.StateUpdatedTimestamp, o.StateTransitionedTimestamp
		rec.LastActionAt = old.LastActionAt
	} else if len(in.Tags) > 0 {
		if err := Tags.Put(tx, sc, aws.ToString(a.AlarmArn), store.Index{}, &in.Tags); err != nil {
			return err
		}
	}
	if err := putAlarm(tx, sc, rec); err != nil {
		return err
	}
	if err := indexActions(tx, sc, name, old, rec); err != nil {
		return err
	}
	data, _ := json.Marshal(map[string]any{"version": "1.0", "type": kind, "createdAlarm": a})
	return addHistory(tx, sc, now, name, types.AlarmTypeMetricAlarm, types.HistoryItemTypeConfigurationUpdate, summary, string(data))
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func validateMetricAlarm(tx *store.Tx, sc store.Scope, in *cloudwatch.PutMetricAlarmInput) error {
	if err := validateActions(in.AlarmActions, in.OKActions, in.InsufficientDataActions); err != nil {
		return err
	}
	if in.EvaluationPeriods == nil {
		return missingParameter("EvaluationPeriods")
	}
	if in.ComparisonOperator == "" {
		return missingParameter("ComparisonOperator")
	}
	if t := aws.ToString(in.TreatMissingData); in.TreatMissingData != nil && !treatMissing[t] {
		return apierror.New("ValidationError", "Invalid value for TreatMissingData: %s. Valid values are breaching, notBreaching, ignore and missing.", t)
	}
	if d := in.DatapointsToAlarm; d != nil && *d > *in.EvaluationPeriods {
		return apierror.New("ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods")
	}
	if in.Threshold == nil && in.ThresholdMetricId == nil {
		return missingParameter("Threshold")
	}
	if in.Threshold != nil && in.ThresholdMetricId != nil {
		return invalidCombination("The parameters Threshold and ThresholdMetricId are mutually exclusive and you have specified both.")
	}
	switch {
	case len(in.Metrics) > 0:
		if in.MetricName != nil || in.Namespace != nil || len(in.Dimensions) > 0 || in.Statistic != "" || in.ExtendedStatistic != nil || in.Period != nil {
			return invalidCombination("The parameters Metrics and MetricName, Namespace, Dimensions, Statistic, ExtendedStatistic or Period are mutually exclusive.")
		}
		q, err := newQuerySet(tx, sc, in.Metrics, "Metrics")
		if err != nil {
			return err
		}
		n := len(q.returned())
		if in.ThresholdMetricId != nil {
			n--
		}
		if n != 1 {
			return apierror.New("ValidationError", "Exactly one element of the metrics list should return data.")
		}
		for _, id := range q.order {
			if q.period(id, 0)*aws.ToInt32(in.EvaluationPeriods) > 7*86400 {
				return apierror.New("ValidationError", "Metrics list must not have a period multiplied by EvaluationPeriods greater than 7 days.")
			}
		}
	case in.MetricName != nil:
		if in.Namespace == nil {
			return missingParameter("Namespace")
		}
		// AWS: "ValidationError: MetricName must not contain Non-ASCII characters."
		if !printableASCII(*in.MetricName) {
			return apierror.New("ValidationError", "MetricName must not contain Non-ASCII characters.")
		}
		if !printableASCII(*in.Namespace) {
			return apierror.New("ValidationError", "Namespace must not contain Non-ASCII characters.")
		}
		if in.Period == nil {
			return missingParameter("Period")
		}
		if !validPeriod(*in.Period) {
			return apierror.New("ValidationError", "Period must be 10, 20, 30 or a multiple of 60")
		}
		if *in.Period**in.EvaluationPeriods > 7*86400 {
			return apierror.New("ValidationError", "The evaluation period multiplied by the number of evaluation periods must not exceed 7 days.")
		}
		if in.Statistic != "" && in.ExtendedStatistic != nil {
			return invalidCombination("The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both.")
		}
		if in.Statistic == "" && in.ExtendedStatistic == nil {
			return missingParameter("Statistic or ExtendedStatistic")
		}
		if in.ExtendedStatistic != nil {
			if _, ok := percentile(*in.ExtendedStatistic); !ok {
				return invalidValue("The value %s for parameter ExtendedStatistic is not supported.", *in.ExtendedStatistic)
			}
		}
	default:
		return apierror.New("ValidationError", "One of the parameters MetricName or Metrics must be specified.")
	}
	return nil
}

func putCompositeAlarm(c *api.Context, in *cloudwatch.PutCompositeAlarmInput) (*cloudwatch.PutCompositeAlarmOutput, error) {
	name, now, sc := aws.ToString(in.AlarmName), c.Now(), c.Scope()
	if err := validateActions(in.AlarmActions, in.OKActions, in.InsufficientDataActions); err != nil {
		return nil, err
	}
	rule, err := parseRule(aws.ToString(in.AlarmRule))
	if err != nil {
		return nil, apierror.New("ValidationError", "Error in AlarmRule: %v", err)
	}
	var absent []string
	for _, ref := range rule.alarms() {
		n := alarmNameOf(ref)
		if n == name {
			return nil, apierror.New("ValidationError", "The alarm rule of %s cannot reference the alarm itself.", name)
		}
		r, err := Alarms.Get(c.Tx, sc, n)
		if err != nil {
			return nil, err
		}
		if r == nil {
			absent = append(absent, n)
		}
	}
	if len(absent) > 0 {
		return nil, apierror.New("ValidationError", "Could not save the composite alarm as alarms [%s] in the alarm rule do not exist", strings.Join(absent, ", "))
	}
	old, err := Alarms.Get(c.Tx, sc, name)
	if err != nil {
		return nil, err
	}
	if old != nil && old.Metric != nil {
		return nil, apierror.New("ValidationError", "An alarm named %s already exists and is a metric alarm.", name)
	}
	a := &types.CompositeAlarm{
		AlarmName: aws.String(name), AlarmArn: aws.String(AlarmARN(sc, name)), AlarmDescription: in.AlarmDescription,
		AlarmRule: in.AlarmRule, ActionsEnabled: aws.Bool(in.ActionsEnabled == nil || *in.ActionsEnabled),
		AlarmActions: orEmpty(in.AlarmActions), OKActions: orEmpty(in.OKActions), InsufficientDataActions: orEmpty(in.InsufficientDataActions),
		ActionsSuppressor: in.ActionsSuppressor, ActionsSuppressorWaitPeriod: in.ActionsSuppressorWaitPeriod,
		ActionsSuppressorExtensionPeriod:   in.ActionsSuppressorExtensionPeriod,
		AlarmConfigurationUpdatedTimestamp: aws.Time(now),
		StateValue:                         types.StateValueInsufficientData, StateReason: aws.String("Unchecked: Initial alarm creation"),
		StateUpdatedTimestamp: aws.Time(now), StateTransitionedTimestamp: aws.Time(now),
	}
	summary, kind := `Alarm "`+name+`" created`, "Create"
	rec := &alarmRecord{Composite: a}
	if old != nil {
		summary, kind = `Alarm "`+name+`" updated`, "Update"
		o := old.Composite
		a.StateValue, a.StateReason, a.StateReasonData = o.StateValue, o.StateReason, o.StateReasonData
		a.StateUpdatedTimestamp, a.StateTransitionedTimestamp = o.StateUpdatedTimestamp, o.StateTransitionedTimestamp
	} else if len(in.Tags) > 0 {
		if err := Tags.Put(c.Tx, sc, aws.ToString(a.AlarmArn), store.Index{}, &in.Tags); err != nil {
			return nil, err
		}
	}
	if err := putAlarm(c.Tx, sc, rec); err != nil {
		return nil, err
	}
	if err := indexActions(c.Tx, sc, name, old, rec); err != nil {
		return nil, err
	}
	data, _ := json.Marshal(map[string]any{"version": "1.0", "type": kind, "createdAlarm": a})
	if err := addHistory(c.Tx, sc, now, name, types.AlarmTypeCompositeAlarm, types.HistoryItemTypeConfigurationUpdate, summary, string(data)); err != nil {
		return nil, err
	}
	return &cloudwatch.PutCompositeAlarmOutput{}, nil
}

// compositeAlarms lists a scope's composite alarms (their Parent) sorted by name.
func compositeAlarms(tx *store.Tx, sc store.Scope) ([]*alarmRecord, error) {
	items, err := Alarms.List(tx, sc, store.Query{Parent: compositeGroup})
	if err != nil {
		return nil, err
	}
	out := make([]*alarmRecord, 0, len(items))
	for _, it := range items {
		out = append(out, it.Doc)
	}
	slices.SortFunc(out, func(a, b *alarmRecord) int { return strings.Compare(a.name(), b.name()) })
	return out, nil
}

func actionsOf(r *alarmRecord) [][]string {
	if r.Metric != nil {
		return [][]string{r.Metric.AlarmActions, r.Metric.OKActions, r.Metric.InsufficientDataActions}
	}
	return [][]string{r.Composite.AlarmActions, r.Composite.OKActions, r.Composite.InsufficientDataActions}
}

func describeAlarms(c *api.Context, in *cloudwatch.DescribeAlarmsInput) (*cloudwatch.DescribeAlarmsOutput, error) {
	byName := len(in.AlarmNames) > 0
	if byName && (in.AlarmNamePrefix != nil || in.ActionPrefix != nil) {
		return nil, invalidCombination("The parameters AlarmNames and AlarmNamePrefix or ActionPrefix are mutually exclusive.")
	}
	related := in.ChildrenOfAlarmName != nil || in.ParentsOfAlarmName != nil
	if related && (byName || in.AlarmNamePrefix != nil || in.ActionPrefix != nil || in.StateValue != "") {
		return nil, invalidCombination("The parameters ChildrenOfAlarmName and ParentsOfAlarmName cannot be combined with other filters.")
	}
	if in.ChildrenOfAlarmName != nil && in.ParentsOfAlarmName != nil {
		return nil, invalidCombination("The parameters ChildrenOfAlarmName and ParentsOfAlarmName are mutually exclusive.")
	}
	limit := int(aws.ToInt32(in.MaxRecords))
	if limit == 0 {
		limit = 50
	}
	types_ := map[types.AlarmType]bool{}
	for _, t := range in.AlarmTypes {
		types_[t] = true
	}
	if len(types_) == 0 {
		types_[types.AlarmTypeMetricAlarm] = true
	}
	// Alarms are listed in name order, their id order: a page reads only
	// itself from the token's name. Named alarms, or the children of one,
	// are read one by one instead.
	read := func(after string, n int) ([]*alarmRecord, error) {
		items, err := Alarms.IDPage(c.Tx, c.Scope(), aws.ToString(in.AlarmNamePrefix), after, false, n)
		out := make([]*alarmRecord, len(items))
		for i := range items {
			out[i] = items[i].Doc
		}
		return out, err
	}
	if !byName && !related && (in.StateValue != "" || !types_[types.AlarmTypeMetricAlarm]) {
		// One state, or composite alarms alone: the alarms of each type and
		// state asked for are paged through their Name (stateKey), and the
		// pages merged in name order.
		states := alarmStates
		if in.StateValue != "" {
			states = []types.StateValue{in.StateValue}
		}
		var groups []string
		for _, t := range []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm} {
			for _, st := range states {
				if types_[t] {
					groups = append(groups, stateGroup(t, st))
				}
			}
		}
		read = func(after string, n int) ([]*alarmRecord, error) {
			return alarmsInGroups(c.Tx, c.Scope(), groups, aws.ToString(in.AlarmNamePrefix), after, n)
		}
	}
	var names []string
	switch {
	case in.ParentsOfAlarmName != nil:
		// Only composite alarms are parents: they are read (their Parent),
		// not every alarm.
		comps, err := compositeAlarms(c.Tx, c.Scope())
		if err != nil {
			return nil, err
		}
		names = []string{}
		for _, r := range comps {
			if isParentOf(r, *in.ParentsOfAlarmName) {
				names = append(names, r.name())
			}
		}
	case byName:
		names = in.AlarmNames
	case in.ChildrenOfAlarmName != nil:
		r, err := Alarms.Get(c.Tx, c.Scope(), *in.ChildrenOfAlarmName)
		if err != nil {
			return nil, err
		}
		names = []string{}
		if r != nil && r.Composite != nil {
			if rule, err := parseRule(aws.ToString(r.Composite.AlarmRule)); err == nil {
				for _, ref := range rule.alarms() {
					names = append(names, alarmNameOf(ref))
				}
			}
		}
	}
	if names != nil {
		named, err := alarmsNamed(c.Tx, c.Scope(), names)
		if err != nil {
			return nil, err
		}
		read = func(after string, n int) ([]*alarmRecord, error) {
			i := sort.Search(len(named), func(i int) bool { return named[i].name() > after })
			return named[i:min(i+n, len(named))], nil
		}
	}
	page, next, err := api.PaginateKeyed(api.Paging{Listing: "cloudwatch:DescribeAlarms", Token: in.NextToken, Size: limit, BadToken: invalidNextToken()},
		read, (*alarmRecord).name, func(r *alarmRecord) bool {
			if !types_[r.alarmType()] {
				return false
			}
			if in.StateValue != "" && r.state() != in.StateValue {
				return false
			}
			if in.ActionPrefix != nil && !hasActionPrefix(r, *in.ActionPrefix) {
				return false
			}
			return in.ParentsOfAlarmName == nil || isParentOf(r, *in.ParentsOfAlarmName)
		})
	if err != nil {
		return nil, err
	}
	out := &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []types.MetricAlarm{}, CompositeAlarms: []types.CompositeAlarm{}, NextToken: next}
	for _, r := range page {
		if m := r.Metric; m != nil {
			out.MetricAlarms = append(out.MetricAlarms, *m)
		} else {
			out.CompositeAlarms = append(out.CompositeAlarms, *r.Composite)
		}
	}
	return out, nil
}

// alarmsInGroups reads up to n alarms whose Name (stateKey) is in one of
// groups and whose name starts with prefix and comes after after, in name
// order: up to n from each group, merged.
func alarmsInGroups(tx *store.Tx, sc store.Scope, groups []string, prefix, after string, n int) ([]*alarmRecord, error) {
	var out []*alarmRecord
	for _, g := range groups {
		afterKey := ""
		if after != "" {
			afterKey = g + after
		}
		// Names are unique: past every position, the token's own alarm is skipped.
		items, err := Alarms.NamePage(tx, sc, g+prefix, afterKey, math.MaxInt64, false, n)
		if err != nil {
			return nil, err
		}
		for i := range items {
			out = append(out, items[i].Doc)
		}
	}
	if len(groups) > 1 {
		slices.SortFunc(out, func(a, b *alarmRecord) int { return strings.Compare(a.name(), b.name()) })
	}
	return out[:min(n, len(out))], nil
}

// alarmsNamed reads the alarms of names that exist, in name order.
func alarmsNamed(tx *store.Tx, sc store.Scope, names []string) ([]*alarmRecord, error) {
	names = slices.Clone(names)
	slices.Sort(names)
	var out []*alarmRecord
	for _, n := range slices.Compact(names) {
		r, err := Alarms.Get(tx, sc, n)
		if err != nil {
			return nil, err
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

func hasActionPrefix(r *alarmRecord, prefix string) bool {
	for _, l := range actionsOf(r) {
		for _, a := range l {
			if strings.HasPrefix(a, prefix) {
				return true
			}
		}
	}
	return false
}

func isParentOf(r *alarmRecord, child string) bool {
	if r.Composite == nil {
		return false
	}
	rule, err := parseRule(aws.ToString(r.Composite.AlarmRule))
	if err != nil {
		return false
	}
	for _, ref := range rule.alarms() {
		if alarmNameOf(ref) == child {
			return true
		}
	}
	return false
}

func describeAlarmsForMetric(c *api.Context, in *cloudwatch.DescribeAlarmsForMetricInput) (*cloudwatch.DescribeAlarmsForMetricOutput, error) {
	// Only the metric's alarms are read; its dimensions are checked after.
	items, err := Alarms.List(c.Tx, c.Scope(), store.Query{Parent: alarmMetric(aws.ToString(in.Namespace), aws.ToString(in.MetricName))})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(items, func(a, b store.Item[alarmRecord]) int { return strings.Compare(a.ID, b.ID) })
	out := &cloudwatch.DescribeAlarmsForMetricOutput{MetricAlarms: []types.MetricAlarm{}}
	for _, it := range items {
		m := it.Doc.Metric
		if m == nil || aws.ToString(m.MetricName) != aws.ToString(in.MetricName) || aws.ToString(m.Namespace) != aws.ToString(in.Namespace) {
			continue
		}
		if len(in.Dimensions) > 0 && MetricKey("", "", in.Dimensions) != MetricKey("", "", m.Dimensions) {
			continue
		}
		if (in.Statistic != "" && in.Statistic != m.Statistic) || (in.ExtendedStatistic != nil && aws.ToString(in.ExtendedStatistic) != aws.ToString(m.ExtendedStatistic)) ||
			(in.Period != nil && aws.ToInt32(in.Period) != aws.ToInt32(m.Period)) || (in.Unit != "" && in.Unit != m.Unit) {
			continue
		}
		out.MetricAlarms = append(out.MetricAlarms, *m)
	}
	return out, nil
}

func deleteAlarms(c *api.Context, in *cloudwatch.DeleteAlarmsInput) (*cloudwatch.DeleteAlarmsOutput, error) {
	if err := DeleteAlarms(c.Tx, c.Scope(), in.AlarmNames...); err != nil {
		return nil, err
	}
	return &cloudwatch.DeleteAlarmsOutput{}, nil
}

// DeleteAlarms deletes alarms by name; an unknown name is ResourceNotFound and deletes nothing.
func DeleteAlarms(tx *store.Tx, sc store.Scope, names ...string) error {
	var missingNames []string
	found := map[string]*alarmRecord{}
	for _, n := range names {
		r, err := Alarms.Get(tx, sc, n)
		if err != nil {
			return err
		}
		if r == nil {
			missingNames = append(missingNames, n)
		}
		found[n] = r
	}
	if len(missingNames) > 0 {
		return alarmNotFound("%d of %d alarms could not be found: %s", len(missingNames), len(names), strings.Join(missingNames, ", "))
	}
	if err := checkNoParents(tx, sc, names); err != nil {
		return err
	}
	for _, n := range names {
		if err := indexActions(tx, sc, n, found[n], nil); err != nil {
			return err
		}
		if _, err := Alarms.Delete(tx, sc, n); err != nil {
			return err
		}
		if _, err := Tags.Delete(tx, sc, AlarmARN(sc, n)); err != nil {
			return err
		}
	}
	return nil
}

func setAlarmState(c *api.Context, in *cloudwatch.SetAlarmStateInput) (*cloudwatch.SetAlarmStateOutput, error) {
	name := aws.ToString(in.AlarmName)
	r, err := Alarms.Get(c.Tx, c.Scope(), name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, alarmNotFound("Alarm %s not found", name)
	}
	if d := in.StateReasonData; d != nil && !json.Valid([]byte(*d)) {
		return nil, apierror.New("InvalidFormat", "Unable to parse the StateReasonData as JSON.")
	}
	if err := transition(c.Tx, c.Scope(), c.Now(), r, in.StateValue, aws.ToString(in.StateReason), in.StateReasonData); err != nil {
		return nil, err
	}
	return &cloudwatch.SetAlarmStateOutput{}, nil
}

// transition moves an alarm to a state, records the history and marks its actions due.
func transition(tx *store.Tx, sc store.Scope, now time.Time, r *alarmRecord, to types.StateValue, reason string, reasonData *string) error {
	from := r.state()
	oldReason := ""
	if r.Metric != nil {
		oldReason = aws.ToString(r.Metric.StateReason)
		r.Metric.StateValue, r.Metric.StateReason, r.Metric.StateReasonData = to, aws.String(reason), reasonData
		r.Metric.StateUpdatedTimestamp = aws.Time(now)
		if from != to {
			r.Metric.StateTransitionedTimestamp = aws.Time(now)
		}
	} else {
		oldReason = aws.ToString(r.Composite.StateReason)
		r.Composite.StateValue, r.Composite.StateReason, r.Composite.StateReasonData = to, aws.String(reason), reasonData
		r.Composite.StateUpdatedTimestamp = aws.Time(now)
		if from != to {
			r.Composite.StateTransitionedTimestamp = aws.Time(now)
		}
	}
	if from != to {
		r.ActionDue = true
		r.LastActionAt = time.Time{}
	}
	if err := putAlarm(tx, sc, r); err != nil {
		return err
	}
	if from == to {
		return nil
	}
	data, _ := json.Marshal(map[string]any{"version": "1.0",
		"oldState": map[string]any{"stateValue": from, "stateReason": oldReason},
		"newState": map[string]any{"stateValue": to, "stateReason": reason}})
	return addHistory(tx, sc, now, r.name(), r.alarmType(), types.HistoryItemTypeStateUpdate,
		"Alarm updated from "+string(from)+" to "+string(to), string(data))
}

func setActionsEnabled(tx *store.Tx, sc store.Scope, names []string, on bool) error {
	for _, n := range names {
		r, err := Alarms.Get(tx, sc, n)
		if err != nil {
			return err
		}
		if r == nil {
			continue
		}
		if r.Metric != nil {
			r.Metric.ActionsEnabled = aws.Bool(on)
		} else {
			r.Composite.ActionsEnabled = aws.Bool(on)
		}
		if err := putAlarm(tx, sc, r); err != nil {
			return err
		}
	}
	return nil
}

func enableAlarmActions(c *api.Context, in *cloudwatch.EnableAlarmActionsInput) (*cloudwatch.EnableAlarmActionsOutput, error) {
	return &cloudwatch.EnableAlarmActionsOutput{}, setActionsEnabled(c.Tx, c.Scope(), in.AlarmNames, true)
}

func disableAlarmActions(c *api.Context, in *cloudwatch.DisableAlarmActionsInput) (*cloudwatch.DisableAlarmActionsOutput, error) {
	return &cloudwatch.DisableAlarmActionsOutput{}, setActionsEnabled(c.Tx, c.Scope(), in.AlarmNames, false)
}

// AlarmRef names an alarm.
type AlarmRef struct{ Name, ARN string }

// AlarmsWithAction lists, in name order, the alarms whose ALARM, OK or
// INSUFFICIENT_DATA actions include arn (the alarms of a step scaling
// policy). It reads that action's entries alone (ActionIndex).
func AlarmsWithAction(tx *store.Tx, sc store.Scope, arn string) ([]AlarmRef, error) {
	prefix := ownerKey(arn)
	items, err := ActionIndex.IDPage(tx, sc, prefix, "", false, 0)
	if err != nil {
		return nil, err
	}
	var out []AlarmRef
	for _, it := range items {
		name := strings.TrimPrefix(it.ID, prefix)
		out = append(out, AlarmRef{Name: name, ARN: AlarmARN(sc, name)})
	}
	return out, nil
}

// indexActions keeps ActionIndex in step with an alarm whose actions were
// before (nil: none) and are now after (nil: deleted).
func indexActions(tx *store.Tx, sc store.Scope, name string, before, after *alarmRecord) error {
	arns := func(r *alarmRecord) map[string]bool {
		set := map[string]bool{}
		if r != nil {
			for _, l := range actionsOf(r) {
				for _, a := range l {
					set[a] = true
				}
			}
		}
		return set
	}
	was, is := arns(before), arns(after)
	for a := range was {
		if !is[a] {
			if _, err := ActionIndex.Delete(tx, sc, ownerKey(a)+name); err != nil {
				return err
			}
		}
	}
	for a := range is {
		if !was[a] {
			if err := ActionIndex.Put(tx, sc, ownerKey(a)+name, store.Index{}, &struct{}{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// AlarmState returns the state of a metric or composite alarm (for ECS
// deployment alarms); ok is false when there is no such alarm.
func AlarmState(tx *store.Tx, sc store.Scope, name string) (state types.StateValue, ok bool, err error) {
	r, err := Alarms.Get(tx, sc, name)
	if err != nil || r == nil {
		return "", false, err
	}
	return r.state(), true, nil
}

// checkNoParents refuses to delete alarms that composite alarms outside the
// deletion still reference, as CloudWatch does.
func checkNoParents(tx *store.Tx, sc store.Scope, names []string) error {
	deleting := map[string]bool{}
	for _, n := range names {
		deleting[n] = true
	}
	all, err := compositeAlarms(tx, sc)
	if err != nil {
		return err
	}
	var held []string
	for _, n := range names {
		for _, r := range all {
			if !deleting[r.name()] && isParentOf(r, n) {
				held = append(held, n)
				break
			}
		}
	}
	switch len(held) {
	case 0:
		return nil
	case 1:
		return apierror.New("ValidationError", "Cannot delete %s as there are composite alarm(s) depending on it.", held[0])
	}
	return apierror.New("ValidationError", "Cannot delete %s as there are composite alarm(s) depending on them.", strings.Join(held, ","))
}
