package autoscaling

import (
	"math"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/scaling"
	"github.com/longshore/longshore/store"
)

// Policy types and adjustment types.
const (
	PolicySimple         = "SimpleScaling"
	PolicyStep           = "StepScaling"
	PolicyTargetTracking = "TargetTrackingScaling"
	PolicyPredictive     = "PredictiveScaling"

	AdjustChange  = "ChangeInCapacity"
	AdjustExact   = "ExactCapacity"
	AdjustPercent = "PercentChangeInCapacity"
)

func registerPolicies(s *api.Service) {
	api.Handle(s, "PutScalingPolicy", putScalingPolicy)
	api.Handle(s, "DescribePolicies", describePolicies)
	api.Handle(s, "DeletePolicy", deletePolicy)
	api.Handle(s, "ExecutePolicy", executePolicy)
}

func policyARN(c *api.Context, group, name string) string {
	return c.ARNPrefix() + "autoscaling:" + c.Region + ":" + c.Account() + ":scalingPolicy:" + newUUID() + ":autoScalingGroupName/" + group + ":policyName/" + name
}

func policyKey(group, name string) string { return group + "/" + name }

func checkPolicy(p *types.ScalingPolicy) error {
	t := aws.ToString(p.PolicyType)
	if !slices.Contains([]string{PolicySimple, PolicyStep, PolicyTargetTracking, PolicyPredictive}, t) {
		return errValidation("Invalid policy type: %s. Valid policy types are SimpleScaling, StepScaling, TargetTrackingScaling and PredictiveScaling.", t)
	}
	if t == PolicySimple || t == PolicyStep {
		if a := aws.ToString(p.AdjustmentType); !slices.Contains([]string{AdjustChange, AdjustExact, AdjustPercent}, a) {
			return errValidation("AdjustmentType is required and must be one of ChangeInCapacity, ExactCapacity or PercentChangeInCapacity for %s policies.", t)
		}
	} else if p.AdjustmentType != nil {
		return errValidation("AdjustmentType is not supported for policy type %s.", t)
	}
	if p.MinAdjustmentMagnitude != nil && aws.ToString(p.AdjustmentType) != AdjustPercent {
		return errValidation("MinAdjustmentMagnitude may only be specified with AdjustmentType PercentChangeInCapacity.")
	}
	switch t {
	case PolicySimple:
		if p.ScalingAdjustment == nil {
			return errValidation("ScalingAdjustment is required for policy type SimpleScaling.")
		}
		if len(p.StepAdjustments) > 0 || p.TargetTrackingConfiguration != nil {
			return errValidation("StepAdjustments and TargetTrackingConfiguration are not supported for policy type SimpleScaling.")
		}
	case PolicyStep:
		if len(p.StepAdjustments) == 0 {
			return errValidation("StepAdjustments is required for policy type StepScaling.")
		}
		if p.ScalingAdjustment != nil || p.Cooldown != nil {
			return errValidation("ScalingAdjustment and Cooldown are not supported for policy type StepScaling.")
		}
		if err := checkSteps(p.StepAdjustments); err != nil {
			return err
		}
	case PolicyTargetTracking:
		tt := p.TargetTrackingConfiguration
		if tt == nil || tt.TargetValue == nil {
			return errValidation("TargetTrackingConfiguration is required for policy type TargetTrackingScaling.")
		}
		if (tt.PredefinedMetricSpecification == nil) == (tt.CustomizedMetricSpecification == nil) {
			return errValidation("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified.")
		}
	case PolicyPredictive:
		if p.PredictiveScalingConfiguration == nil {
			return errValidation("PredictiveScalingConfiguration is required for policy type PredictiveScaling.")
		}
	}
	return nil
}

// checkSteps checks that step intervals neither overlap nor leave gaps.
func checkSteps(steps []types.StepAdjustment) error {
	sorted := slices.Clone(steps)
	lower := func(s types.StepAdjustment) float64 {
		if s.MetricIntervalLowerBound == nil {
			return math.Inf(-1)
		}
		return *s.MetricIntervalLowerBound
	}
	upper := func(s types.StepAdjustment) float64 {
		if s.MetricIntervalUpperBound == nil {
			return math.Inf(1)
		}
		return *s.MetricIntervalUpperBound
	}
	slices.SortFunc(sorted, func(a, b types.StepAdjustment) int {
		if lower(a) < lower(b) {
			return -1
		}
		return 1
	})
	for i, s := range sorted {
		if s.ScalingAdjustment == nil {
			return errValidation("ScalingAdjustment is required for each step adjustment.")
		}
		if lower(s) >= upper(s) {
			return errValidation("Step adjustment lower bound must be less than upper bound.")
		}
		if i > 0 && upper(sorted[i-1]) != lower(s) {
			return errValidation("Step adjustments must not overlap or leave gaps between them.")
		}
	}
	return nil
}

func putScalingPolicy(c *api.Context, in *autoscaling.PutScalingPolicyInput) (*autoscaling.PutScalingPolicyOutput, error) {
	group, name := aws.ToString(in.AutoScalingGroupName), aws.ToString(in.PolicyName)
	if _, err := mustGroup(c, group); err != nil {
		return nil, err
	}
	existing, err := Policies.Get(c.Tx, c.Scope(), policyKey(group, name))
	if err != nil {
		return nil, err
	}
	p := &types.ScalingPolicy{
		AutoScalingGroupName: aws.String(group), PolicyName: aws.String(name),
		PolicyType: in.PolicyType, AdjustmentType: in.AdjustmentType, ScalingAdjustment: in.ScalingAdjustment,
		Cooldown: in.Cooldown, MinAdjustmentMagnitude: in.MinAdjustmentMagnitude, StepAdjustments: in.StepAdjustments,
		MetricAggregationType: in.MetricAggregationType, EstimatedInstanceWarmup: in.EstimatedInstanceWarmup,
		TargetTrackingConfiguration: in.TargetTrackingConfiguration, PredictiveScalingConfiguration: in.PredictiveScalingConfiguration,
		Enabled: aws.Bool(in.Enabled == nil || *in.Enabled), Alarms: []types.Alarm{},
	}
	if p.PolicyType == nil {
		p.PolicyType = aws.String(PolicySimple)
	}
	if aws.ToString(p.PolicyType) == PolicyStep && p.MetricAggregationType == nil {
		p.MetricAggregationType = aws.String("Average")
	}
	if p.StepAdjustments == nil {
		p.StepAdjustments = []types.StepAdjustment{}
	}
	if err := checkPolicy(p); err != nil {
		return nil, err
	}
	if existing != nil {
		p.PolicyARN = existing.PolicyARN
	} else {
		p.PolicyARN = aws.String(policyARN(c, group, name))
	}
	if err := Policies.Put(c.Tx, c.Scope(), policyKey(group, name), store.Index{Parent: group, Name: name, Attr: aws.ToString(p.PolicyARN)}, p); err != nil {
		return nil, err
	}
	return &autoscaling.PutScalingPolicyOutput{PolicyARN: p.PolicyARN, Alarms: []types.Alarm{}}, nil
}

// findPolicy resolves a policy by name (in a group) or ARN.
func findPolicy(c *api.Context, group, ref string) (*types.ScalingPolicy, error) {
	if strings.HasPrefix(ref, "arn:") {
		items, err := Policies.List(c.Tx, c.Scope(), store.Query{Attr: ref})
		if err != nil || len(items) == 0 {
			return nil, err
		}
		return items[0].Doc, nil
	}
	return Policies.Get(c.Tx, c.Scope(), policyKey(group, ref))
}

func describePolicies(c *api.Context, in *autoscaling.DescribePoliciesInput) (*autoscaling.DescribePoliciesOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	scope := "autoscaling:DescribePolicies:" + group
	keep := func(p *types.ScalingPolicy) bool {
		if len(in.PolicyNames) > 0 && !slices.Contains(in.PolicyNames, aws.ToString(p.PolicyName)) && !slices.Contains(in.PolicyNames, aws.ToString(p.PolicyARN)) {
			return false
		}
		return len(in.PolicyTypes) == 0 || slices.Contains(in.PolicyTypes, aws.ToString(p.PolicyType))
	}
	if len(in.PolicyNames) == 0 {
		policies, next, err := describeDocs(c, Policies, store.Query{Parent: group}, scope, in.MaxRecords, in.NextToken, keep)
		if err != nil {
			return nil, err
		}
		return &autoscaling.DescribePoliciesOutput{ScalingPolicies: policies, NextToken: next}, nil
	}
	// Named policies (at most 50, names or ARNs) are read by the name and ARN indexes.
	size, err := maxRecords(in.MaxRecords, 50, 100)
	if err != nil {
		return nil, err
	}
	var qs []store.Query
	for _, ref := range in.PolicyNames {
		if strings.HasPrefix(ref, "arn:") {
			qs = append(qs, store.Query{Parent: group, Attr: ref})
		} else {
			qs = append(qs, store.Query{Parent: group, Name: ref})
		}
	}
	named, next, err := pagePicked(c, Policies, qs, nil, asPaging(scope, in.NextToken, size), keep)
	if err != nil {
		return nil, err
	}
	policies := make([]types.ScalingPolicy, 0, len(named))
	for _, p := range named {
		policies = append(policies, *p)
	}
	return &autoscaling.DescribePoliciesOutput{ScalingPolicies: policies, NextToken: next}, nil
}

func deletePolicy(c *api.Context, in *autoscaling.DeletePolicyInput) (*autoscaling.DeletePolicyOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	ref := aws.ToString(in.PolicyName)
	if !strings.HasPrefix(ref, "arn:") {
		if _, err := mustGroup(c, group); err != nil {
			return nil, err
		}
	}
	p, err := findPolicy(c, group, ref)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errValidation("Policy %s not found for AutoScalingGroup %s.", ref, group)
	}
	_, err = Policies.Delete(c.Tx, c.Scope(), policyKey(aws.ToString(p.AutoScalingGroupName), aws.ToString(p.PolicyName)))
	return &autoscaling.DeletePolicyOutput{}, err
}

// Adjust applies an adjustment to the current capacity as Auto Scaling does,
// without clamping to the group's bounds.
func Adjust(current int32, adjustmentType string, adjustment int32, minMagnitude int32) int32 {
	switch adjustmentType {
	case AdjustExact:
		return adjustment
	case AdjustPercent:
		return current + scaling.PercentChange(current, adjustment, minMagnitude)
	default:
		return current + adjustment
	}
}

// stepAdjustment picks the step whose interval holds value - threshold.
func stepAdjustment(steps []types.StepAdjustment, value, threshold float64) (int32, bool) {
	diff := value - threshold
	for _, s := range steps {
		lo, hi := math.Inf(-1), math.Inf(1)
		if s.MetricIntervalLowerBound != nil {
			lo = *s.MetricIntervalLowerBound
		}
		if s.MetricIntervalUpperBound != nil {
			hi = *s.MetricIntervalUpperBound
		}
		// Bounds are inclusive on the side away from the threshold.
		if (diff >= 0 && diff >= lo && diff < hi) || (diff < 0 && diff > lo && diff <= hi) {
			return aws.ToInt32(s.ScalingAdjustment), true
		}
	}
	return 0, false
}

func executePolicy(c *api.Context, in *autoscaling.ExecutePolicyInput) (*autoscaling.ExecutePolicyOutput, error) {
	group := aws.ToString(in.AutoScalingGroupName)
	p, err := findPolicy(c, group, aws.ToString(in.PolicyName))
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errValidation("No policy found with name %s for AutoScalingGroup %s.", aws.ToString(in.PolicyName), group)
	}
	doc, err := mustGroup(c, aws.ToString(p.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	g := &doc.Group
	var adjustment int32
	switch aws.ToString(p.PolicyType) {
	case PolicySimple:
		adjustment = aws.ToInt32(p.ScalingAdjustment)
		if in.MetricValue != nil || in.BreachThreshold != nil {
			return nil, errValidation("MetricValue and BreachThreshold are only supported for StepScaling policies.")
		}
	case PolicyStep:
		if in.MetricValue == nil || in.BreachThreshold == nil {
			return nil, errValidation("MetricValue and BreachThreshold are required for StepScaling policies.")
		}
		a, ok := stepAdjustment(p.StepAdjustments, *in.MetricValue, *in.BreachThreshold)
		if !ok {
			return nil, errValidation("The metric value %g does not fall into any step adjustment interval.", *in.MetricValue)
		}
		adjustment = a
	default:
		return nil, errValidation("ExecutePolicy is not supported for policy type %s.", aws.ToString(p.PolicyType))
	}
	if !aws.ToBool(p.Enabled) {
		return nil, errValidation("The policy %s is disabled.", aws.ToString(p.PolicyName))
	}
	honor := in.HonorCooldown == nil || *in.HonorCooldown
	if aws.ToString(p.PolicyType) == PolicySimple && honor && c.Now().Before(doc.CooldownUntil) {
		return nil, errActivityInProgress("Scaling activity is in progress and blocks this action.")
	}
	current := aws.ToInt32(g.DesiredCapacity)
	desired := Adjust(current, aws.ToString(p.AdjustmentType), adjustment, aws.ToInt32(p.MinAdjustmentMagnitude))
	desired = max(min(desired, aws.ToInt32(g.MaxSize)), aws.ToInt32(g.MinSize))
	if desired != current {
		if err := changeDesired(c, doc, desired, "a user request executed policy "+aws.ToString(p.PolicyName)); err != nil {
			return nil, err
		}
		if p.Cooldown != nil {
			doc.CooldownUntil = c.Now().Add(scaledFor(c, seconds(*p.Cooldown)))
			if err := putGroup(c, doc); err != nil {
				return nil, err
			}
		}
	}
	return &autoscaling.ExecutePolicyOutput{}, nil
}
