package autoscaling

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// MaxLaunchConfigurations is AWS's default quota of launch configurations.
const MaxLaunchConfigurations = 200

func registerCatalog(s *api.Service, h *handlers) {
	api.Handle(s, "DescribeAccountLimits", h.describeAccountLimits)
	api.Handle(s, "DescribeAdjustmentTypes", describeAdjustmentTypes)
	api.Handle(s, "DescribeLifecycleHookTypes", describeLifecycleHookTypes)
	api.Handle(s, "DescribeTerminationPolicyTypes", describeTerminationPolicyTypes)
	api.Handle(s, "DescribeScalingProcessTypes", describeScalingProcessTypes)
	api.Handle(s, "DescribeMetricCollectionTypes", describeMetricCollectionTypes)
	api.Handle(s, "DescribeAutoScalingNotificationTypes", describeNotificationTypes)
}

func (h *handlers) describeAccountLimits(c *api.Context, _ *autoscaling.DescribeAccountLimitsInput) (*autoscaling.DescribeAccountLimitsOutput, error) {
	n, err := Groups.Count(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, err
	}
	lcs, err := LaunchConfigs.Count(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, err
	}
	return &autoscaling.DescribeAccountLimitsOutput{
		MaxNumberOfAutoScalingGroups: aws.Int32(int32(h.MaxGroups)), MaxNumberOfLaunchConfigurations: aws.Int32(MaxLaunchConfigurations),
		NumberOfAutoScalingGroups: aws.Int32(int32(n)), NumberOfLaunchConfigurations: aws.Int32(int32(lcs)),
	}, nil
}

func describeAdjustmentTypes(*api.Context, *autoscaling.DescribeAdjustmentTypesInput) (*autoscaling.DescribeAdjustmentTypesOutput, error) {
	out := &autoscaling.DescribeAdjustmentTypesOutput{}
	for _, t := range []string{AdjustChange, AdjustExact, AdjustPercent} {
		out.AdjustmentTypes = append(out.AdjustmentTypes, types.AdjustmentType{AdjustmentType: aws.String(t)})
	}
	return out, nil
}

func describeLifecycleHookTypes(*api.Context, *autoscaling.DescribeLifecycleHookTypesInput) (*autoscaling.DescribeLifecycleHookTypesOutput, error) {
	return &autoscaling.DescribeLifecycleHookTypesOutput{LifecycleHookTypes: []string{TransitionLaunching, TransitionTerminating}}, nil
}

func describeTerminationPolicyTypes(*api.Context, *autoscaling.DescribeTerminationPolicyTypesInput) (*autoscaling.DescribeTerminationPolicyTypesOutput, error) {
	return &autoscaling.DescribeTerminationPolicyTypesOutput{TerminationPolicyTypes: []string{"ClosestToNextInstanceHour", "Default",
		"NewestInstance", "OldestInstance", "OldestLaunchConfiguration", "OldestLaunchTemplate", "AllocationStrategy"}}, nil
}

func describeScalingProcessTypes(*api.Context, *autoscaling.DescribeScalingProcessTypesInput) (*autoscaling.DescribeScalingProcessTypesOutput, error) {
	out := &autoscaling.DescribeScalingProcessTypesOutput{}
	for _, p := range []string{"AZRebalance", "AddToLoadBalancer", "AlarmNotification", "HealthCheck", "InstanceRefresh",
		"Launch", "ReplaceUnhealthy", "ScheduledActions", "Terminate"} {
		out.Processes = append(out.Processes, types.ProcessType{ProcessName: aws.String(p)})
	}
	return out, nil
}

func describeMetricCollectionTypes(*api.Context, *autoscaling.DescribeMetricCollectionTypesInput) (*autoscaling.DescribeMetricCollectionTypesOutput, error) {
	out := &autoscaling.DescribeMetricCollectionTypesOutput{Granularities: []types.MetricGranularityType{{Granularity: aws.String("1Minute")}}}
	for _, m := range groupMetrics {
		out.Metrics = append(out.Metrics, types.MetricCollectionType{Metric: aws.String(m)})
	}
	return out, nil
}

func describeNotificationTypes(*api.Context, *autoscaling.DescribeAutoScalingNotificationTypesInput) (*autoscaling.DescribeAutoScalingNotificationTypesOutput, error) {
	return &autoscaling.DescribeAutoScalingNotificationTypesOutput{AutoScalingNotificationTypes: []string{
		"autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
		"autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR", "autoscaling:TEST_NOTIFICATION"}}, nil
}
