package autoscaling

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/cloudwatch"
)

// groupMetricValues counts what the group metrics report.
func groupMetricValues(g *types.AutoScalingGroup, members []*member) map[string]float64 {
	v := map[string]float64{"GroupMinSize": float64(aws.ToInt32(g.MinSize)), "GroupMaxSize": float64(aws.ToInt32(g.MaxSize)),
		"GroupDesiredCapacity": float64(aws.ToInt32(g.DesiredCapacity))}
	var inService, pending, standby, terminatingN, total, warm, warmReady, warmPending, warmTerminating float64
	for _, m := range members {
		if m.Warm {
			warm++
			switch {
			case isWarmReady(m):
				warmReady++
			case m.LifecycleState == types.LifecycleStateWarmedTerminating:
				warmTerminating++
			default:
				warmPending++
			}
			continue
		}
		total++
		switch {
		case m.LifecycleState == types.LifecycleStateInService:
			inService++
		case m.LifecycleState == types.LifecycleStateStandby:
			standby++
		case terminating(m):
			terminatingN++
		default:
			pending++
		}
	}
	for _, kind := range []string{"Instances", "Capacity"} {
		v["GroupInService"+kind] = inService
		v["GroupPending"+kind] = pending
		v["GroupStandby"+kind] = standby
		v["GroupTerminating"+kind] = terminatingN
	}
	v["GroupTotalInstances"], v["GroupTotalCapacity"] = total, total
	if wp := g.WarmPoolConfiguration; wp != nil {
		v["WarmPoolDesiredCapacity"] = float64(aws.ToInt32(wp.MinSize))
		v["WarmPoolWarmedCapacity"], v["WarmPoolPendingCapacity"] = warmReady, warmPending
		v["WarmPoolTerminatingCapacity"], v["WarmPoolTotalCapacity"] = warmTerminating, warm
		v["GroupAndWarmPoolDesiredCapacity"] = v["GroupDesiredCapacity"] + v["WarmPoolDesiredCapacity"]
		v["GroupAndWarmPoolTotalCapacity"] = total + warm
	}
	return v
}

// publishGroupMetrics puts a group's enabled metrics in AWS/AutoScaling once
// a (scaled) minute, as EnableMetricsCollection asks.
func (e *Engine) publishGroupMetrics(c *api.Context, doc *groupDoc, members []*member) error {
	g := &doc.Group
	if len(g.EnabledMetrics) == 0 {
		return nil
	}
	name := aws.ToString(g.AutoScalingGroupName)
	key := c.Scope().Account + "/" + c.Region + "/" + aws.ToString(g.AutoScalingGroupARN)
	bucket := c.Now().Truncate(max(e.scaled(time.Minute), time.Millisecond))
	if !bucket.After(e.metricsPublished[key]) {
		return nil
	}
	values := groupMetricValues(g, members)
	var data []cloudwatch.Datum
	for _, m := range g.EnabledMetrics {
		v, ok := values[aws.ToString(m.Metric)]
		if !ok {
			continue
		}
		data = append(data, cloudwatch.Datum{Namespace: "AWS/AutoScaling", MetricName: aws.ToString(m.Metric),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("AutoScalingGroupName"), Value: aws.String(name)}},
			Time:       bucket, Value: v, Unit: cwtypes.StandardUnitNone})
	}
	if err := cloudwatch.Publish(c.Tx, c.Scope(), data...); err != nil {
		return err
	}
	e.metricsPublished[key] = bucket
	return nil
}
