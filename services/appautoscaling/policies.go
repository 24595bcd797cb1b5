package appautoscaling

import (
	"math"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	cw "github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/store"
)

// maxPoliciesPerTarget is AWS's quota of scaling policies per scalable target.
const maxPoliciesPerTarget = 50

func putScalingPolicy(c *api.Context, in *applicationautoscaling.PutScalingPolicyInput) (*applicationautoscaling.PutScalingPolicyOutput, error) {
	ns, dim, id, name := in.ServiceNamespace, in.ScalableDimension, aws.ToString(in.ResourceId), aws.ToString(in.PolicyName)
	sc, now := c.Scope(), c.Now()
	if err := checkResource(ns, dim, id); err != nil {
		return nil, err
	}
	if _, err := mustTarget(c.Tx, sc, ns, dim, id); err != nil {
		return nil, err
	}
	if ns == types.ServiceNamespaceEcs {
		if svc, err := ecsService(c.Tx, sc, id); err != nil {
			return nil, err
		} else if svc == nil {
			return nil, apierror.New("FailedResourceAccessException", "Unable to describe ECS service %s: the service does not exist or is not ACTIVE.", id)
		}
	}
	kind := in.PolicyType
	if kind == "" {
		kind = types.PolicyTypeStepScaling
	}
	if err := validatePolicy(kind, ns, in); err != nil {
		return nil, err
	}
	key := targetItemKey(ns, dim, id, name)
	rec, err := Policies.Get(c.Tx, sc, key)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		n, err := countPolicies(c.Tx, sc, ns, dim, id)
		if err != nil {
			return nil, err
		}
		if n >= maxPoliciesPerTarget {
			return nil, apierror.New("LimitExceededException", "Maximum number of scaling policies (%d) reached for resource %s", maxPoliciesPerTarget, id)
		}
		rec = &policyRecord{Policy: types.ScalingPolicy{PolicyARN: aws.String(policyARN(sc, ns, id, name)), PolicyName: aws.String(name),
			ServiceNamespace: ns, ScalableDimension: dim, ResourceId: aws.String(id), CreationTime: aws.Time(now)}}
	} else if rec.Policy.PolicyType != kind {
		return nil, errValidation("Cannot change the policy type of an existing policy from %s to %s", rec.Policy.PolicyType, kind)
	}
	p := &rec.Policy
	p.PolicyType = kind
	p.StepScalingPolicyConfiguration = in.StepScalingPolicyConfiguration
	p.TargetTrackingScalingPolicyConfiguration = in.TargetTrackingScalingPolicyConfiguration
	p.PredictiveScalingPolicyConfiguration = in.PredictiveScalingPolicyConfiguration
	if kind == types.PolicyTypeTargetTrackingScaling {
		if p.Alarms, err = putTrackingAlarms(c.Tx, sc, now, p); err != nil {
			return nil, err
		}
	}
	if err := Policies.Put(c.Tx, sc, key, policyIndex(p), rec); err != nil {
		return nil, err
	}
	// Only target tracking answers with alarms: the ones it created.
	return &applicationautoscaling.PutScalingPolicyOutput{PolicyARN: p.PolicyARN, Alarms: p.Alarms}, nil
}

func countPolicies(tx *store.Tx, sc store.Scope, ns types.ServiceNamespace, dim types.ScalableDimension, id string) (int, error) {
	items, err := Policies.List(tx, sc, store.Query{Parent: string(ns), Name: id})
	n := 0
	for _, it := range items {
		if it.Doc.Policy.ScalableDimension == dim {
			n++
		}
	}
	return n, err
}

// ecsMetricTypes are the predefined metrics of ECS services.
var ecsMetricTypes = map[types.MetricType]string{
	types.MetricTypeECSServiceAverageCPUUtilization:                  "CPUUtilization",
	types.MetricTypeECSServiceAverageMemoryUtilization:               "MemoryUtilization",
	types.MetricTypeECSServiceAverageCPUUtilizationHighResolution:    "CPUUtilization",
	types.MetricTypeECSServiceAverageMemoryUtilizationHighResolution: "MemoryUtilization",
}

func validatePolicy(kind types.PolicyType, ns types.ServiceNamespace, in *applicationautoscaling.PutScalingPolicyInput) error {
	step, tt, pred := in.StepScalingPolicyConfiguration, in.TargetTrackingScalingPolicyConfiguration, in.PredictiveScalingPolicyConfiguration
	switch kind {
	case types.PolicyTypeStepScaling:
		if tt != nil || pred != nil {
			return errValidation("Only StepScalingPolicyConfiguration can be specified for a policy of type StepScaling")
		}
		if step == nil {
			return errValidation("StepScalingPolicyConfiguration is required for a policy of type StepScaling")
		}
		return validateStep(step)
	case types.PolicyTypeTargetTrackingScaling:
		if step != nil || pred != nil {
			return errValidation("Only TargetTrackingScalingPolicyConfiguration can be specified for a policy of type TargetTrackingScaling")
		}
		if tt == nil {
			return errValidation("TargetTrackingScalingPolicyConfiguration is required for a policy of type TargetTrackingScaling")
		}
		return validateTracking(ns, tt)
	case types.PolicyTypePredictiveScaling:
		if ns != types.ServiceNamespaceEcs {
			return errValidation("Predictive scaling is not supported for service namespace %s", ns)
		}
		if step != nil || tt != nil {
			return errValidation("Only PredictiveScalingPolicyConfiguration can be specified for a policy of type PredictiveScaling")
		}
		if pred == nil {
			return errValidation("PredictiveScalingPolicyConfiguration is required for a policy of type PredictiveScaling")
		}
	}
	return nil
}

func validateStep(s *types.StepScalingPolicyConfiguration) error {
	if s.AdjustmentType == "" {
		return errValidation("AdjustmentType is required for a step scaling policy")
	}
	if s.MinAdjustmentMagnitude != nil && s.AdjustmentType != types.AdjustmentTypePercentChangeInCapacity {
		return errValidation("MinAdjustmentMagnitude is only supported with the PercentChangeInCapacity adjustment type")
	}
	if len(s.StepAdjustments) == 0 {
		return errValidation("At least one step adjustment is required for a step scaling policy")
	}
	steps := append([]types.StepAdjustment(nil), s.StepAdjustments...)
	lower := func(a types.StepAdjustment) float64 {
		if a.MetricIntervalLowerBound == nil {
			return math.Inf(-1)
		}
		return *a.MetricIntervalLowerBound
	}
	upper := func(a types.StepAdjustment) float64 {
		if a.MetricIntervalUpperBound == nil {
			return math.Inf(1)
		}
		return *a.MetricIntervalUpperBound
	}
	sort.Slice(steps, func(i, j int) bool { return lower(steps[i]) < lower(steps[j]) })
	for i, a := range steps {
		if a.ScalingAdjustment == nil {
			return errValidation("ScalingAdjustment is required for each step adjustment")
		}
		if a.MetricIntervalLowerBound == nil && a.MetricIntervalUpperBound == nil && len(steps) > 1 {
			return errValidation("Only one step adjustment can have both an unbounded lower and upper bound")
		}
		if lower(a) >= upper(a) {
			return errValidation("The upper bound of a step adjustment must be greater than its lower bound")
		}
		if i > 0 && upper(steps[i-1]) != lower(a) {
			if upper(steps[i-1]) > lower(a) {
				return errValidation("Step adjustments must not overlap")
			}
			return errValidation("Step adjustments must not have gaps between them")
		}
	}
	return nil
}

func validateTracking(ns types.ServiceNamespace, tt *types.TargetTrackingScalingPolicyConfiguration) error {
	if tt.TargetValue == nil {
		return errValidation("TargetValue is required for a target tracking policy")
	}
	v := *tt.TargetValue
	if v < 8.515920e-109 || v > 1.174271e+108 {
		return errValidation("TargetValue must be between 8.515920e-109 and 1.174271e+108")
	}
	pre, cust := tt.PredefinedMetricSpecification, tt.CustomizedMetricSpecification
	if (pre == nil) == (cust == nil) {
		return errValidation("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified")
	}
	if pre != nil {
		mt := pre.PredefinedMetricType
		if _, ok := ecsMetricTypes[mt]; ok && ns != types.ServiceNamespaceEcs {
			return errValidation("Unsupported metric type %s for service namespace %s", mt, ns)
		}
		if mt == types.MetricTypeALBRequestCountPerTarget {
			if ns != types.ServiceNamespaceEcs && ns != types.ServiceNamespaceEc2 {
				return errValidation("Unsupported metric type %s for service namespace %s", mt, ns)
			}
			if !albLabel.MatchString(aws.ToString(pre.ResourceLabel)) {
				return errValidation("ResourceLabel must be specified for metric type ALBRequestCountPerTarget in the format app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>")
			}
		} else if pre.ResourceLabel != nil {
			return errValidation("ResourceLabel is only supported for metric type ALBRequestCountPerTarget")
		}
		return nil
	}
	if len(cust.Metrics) > 0 {
		if cust.MetricName != nil || cust.Namespace != nil || len(cust.Dimensions) > 0 || cust.Statistic != "" {
			return errValidation("Metrics cannot be specified together with MetricName, Namespace, Dimensions or Statistic")
		}
		returned := 0
		for _, m := range cust.Metrics {
			if m.ReturnData == nil || *m.ReturnData {
				returned++
			}
		}
		if returned != 1 {
			return errValidation("Exactly one element of the metrics list should return data")
		}
		return nil
	}
	if cust.MetricName == nil || cust.Namespace == nil || cust.Statistic == "" {
		return errValidation("MetricName, Namespace and Statistic are required in CustomizedMetricSpecification")
	}
	return nil
}

func describeScalingPolicies(c *api.Context, in *applicationautoscaling.DescribeScalingPoliciesInput) (*applicationautoscaling.DescribeScalingPoliciesOutput, error) {
	if err := checkDimensionFilter(in.ScalableDimension, in.ResourceId); err != nil {
		return nil, err
	}
	names := nameSet(in.PolicyNames)
	q, inNamespace := byResource(in.ServiceNamespace, in.ResourceId)
	page, next, err := api.PaginateAny(c.Tx, c.Scope(), Policies, byName(q, in.ResourceId, in.PolicyNames),
		describePaging("DescribeScalingPolicies", in.ServiceNamespace, in.NextToken, in.MaxResults), func(d *policyRecord) bool {
			p := d.Policy
			return inNamespace(p.ServiceNamespace) && (in.ScalableDimension == "" || p.ScalableDimension == in.ScalableDimension) && (len(names) == 0 || names[aws.ToString(p.PolicyName)])
		})
	if err != nil {
		return nil, err
	}
	out := &applicationautoscaling.DescribeScalingPoliciesOutput{ScalingPolicies: []types.ScalingPolicy{}, NextToken: next}
	for _, d := range page {
		p := d.Policy
		if p.PolicyType == types.PolicyTypeStepScaling {
			refs, err := cw.AlarmsWithAction(c.Tx, c.Scope(), aws.ToString(p.PolicyARN))
			if err != nil {
				return nil, err
			}
			p.Alarms = []types.Alarm{}
			for _, r := range refs {
				p.Alarms = append(p.Alarms, types.Alarm{AlarmName: aws.String(r.Name), AlarmARN: aws.String(r.ARN)})
			}
		}
		if p.Alarms == nil {
			p.Alarms = []types.Alarm{}
		}
		out.ScalingPolicies = append(out.ScalingPolicies, p)
	}
	return out, nil
}

func deleteScalingPolicy(c *api.Context, in *applicationautoscaling.DeleteScalingPolicyInput) (*applicationautoscaling.DeleteScalingPolicyOutput, error) {
	ns, dim, id, name := in.ServiceNamespace, in.ScalableDimension, aws.ToString(in.ResourceId), aws.ToString(in.PolicyName)
	key := targetItemKey(ns, dim, id, name)
	rec, err := Policies.Get(c.Tx, c.Scope(), key)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, apierror.New("ObjectNotFoundException", "No scaling policy found for service namespace: %s, resource ID: %s, scalable dimension: %s, policy name: %s", ns, id, dim, name)
	}
	if err := deletePolicy(c.Tx, c.Scope(), key, rec); err != nil {
		return nil, err
	}
	return &applicationautoscaling.DeleteScalingPolicyOutput{}, nil
}

// deletePolicy deletes a policy and the alarms a target tracking policy made.
func deletePolicy(tx *store.Tx, sc store.Scope, key string, rec *policyRecord) error {
	var names []string
	for _, a := range rec.Policy.Alarms {
		if rec.Policy.PolicyType == types.PolicyTypeTargetTrackingScaling {
			names = append(names, aws.ToString(a.AlarmName))
		}
	}
	if err := deleteExistingAlarms(tx, sc, names); err != nil {
		return err
	}
	_, err := Policies.Delete(tx, sc, key)
	return err
}

// deleteExistingAlarms deletes the named alarms that still exist.
func deleteExistingAlarms(tx *store.Tx, sc store.Scope, names []string) error {
	var present []string
	for _, n := range names {
		r, err := cw.Alarms.Get(tx, sc, n)
		if err != nil {
			return err
		}
		if r != nil {
			present = append(present, n)
		}
	}
	if len(present) == 0 {
		return nil
	}
	return cw.DeleteAlarms(tx, sc, present...)
}

// trackingMetric is the CloudWatch metric a target tracking policy watches:
// one metric and statistic, or a metric math list.
type trackingMetric struct {
	namespace, name, stat, unit string
	dims                        []cwtypes.Dimension
	metrics                     []cwtypes.MetricDataQuery
}

func metricOf(p *types.ScalingPolicy) trackingMetric {
	tt := p.TargetTrackingScalingPolicyConfiguration
	id := aws.ToString(p.ResourceId)
	if pre := tt.PredefinedMetricSpecification; pre != nil {
		if name, ok := ecsMetricTypes[pre.PredefinedMetricType]; ok {
			parts := strings.Split(id, "/")
			return trackingMetric{namespace: "AWS/ECS", name: name, stat: "Average", unit: "Percent",
				dims: []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String(parts[1])}, {Name: aws.String("ServiceName"), Value: aws.String(parts[2])}}}
		}
		if pre.PredefinedMetricType == types.MetricTypeALBRequestCountPerTarget {
			label := aws.ToString(pre.ResourceLabel)
			tg := label[strings.Index(label, "targetgroup/"):]
			return trackingMetric{namespace: "AWS/ApplicationELB", name: "RequestCountPerTarget", stat: "Sum", unit: "None",
				dims: []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String(tg)}}}
		}
		return trackingMetric{namespace: "AWS/" + string(p.ServiceNamespace), name: string(pre.PredefinedMetricType), stat: "Average",
			dims: []cwtypes.Dimension{{Name: aws.String("ResourceId"), Value: aws.String(id)}}}
	}
	cust := tt.CustomizedMetricSpecification
	if len(cust.Metrics) > 0 {
		var qs []cwtypes.MetricDataQuery
		for _, m := range cust.Metrics {
			q := cwtypes.MetricDataQuery{Id: m.Id, Expression: m.Expression, Label: m.Label, ReturnData: m.ReturnData}
			if ms := m.MetricStat; ms != nil {
				met := &cwtypes.Metric{}
				if ms.Metric != nil {
					met.Namespace, met.MetricName = ms.Metric.Namespace, ms.Metric.MetricName
					for _, d := range ms.Metric.Dimensions {
						met.Dimensions = append(met.Dimensions, cwtypes.Dimension{Name: d.Name, Value: d.Value})
					}
				}
				q.MetricStat = &cwtypes.MetricStat{Metric: met, Period: aws.Int32(60), Stat: ms.Stat, Unit: cwtypes.StandardUnit(aws.ToString(ms.Unit))}
			} else if q.ReturnData == nil {
				q.ReturnData = aws.Bool(true)
			}
			qs = append(qs, q)
		}
		return trackingMetric{metrics: qs}
	}
	var dims []cwtypes.Dimension
	for _, d := range cust.Dimensions {
		dims = append(dims, cwtypes.Dimension{Name: d.Name, Value: d.Value})
	}
	return trackingMetric{namespace: aws.ToString(cust.Namespace), name: aws.ToString(cust.MetricName), stat: string(cust.Statistic), unit: aws.ToString(cust.Unit), dims: dims}
}
