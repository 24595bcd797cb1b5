package sqs_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

const cluster = "workers"

// workerService creates a cluster and a one-task Fargate service.
func workerService(t *testing.T, ls *longshoretest.Instance, name string) {
	t.Helper()
	c := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, c, cluster)
	td := harness.RegisterTaskDefinition(t, c, harness.FargateDefinition(name, "app", "public.ecr.aws/docker/library/busybox:latest"))
	harness.Must(c.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String(name),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: harness.DefaultSubnets(t, ls.Config)[:1], SecurityGroups: []string{harness.DefaultSecurityGroup(t, ls.Config)}}}}))(t)
}

func sendMany(t *testing.T, c *sqs.Client, url string, n int) {
	t.Helper()
	for i := 0; i < n; i += 10 {
		var entries []types.SendMessageBatchRequestEntry
		for j := i; j < min(i+10, n); j++ {
			entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j)), MessageBody: aws.String("job " + strconv.Itoa(j))})
		}
		out := harness.Must(c.SendMessageBatch(harness.Ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: entries}))(t)
		if len(out.Failed) > 0 {
			t.Fatalf("send failed: %+v", out.Failed)
		}
	}
}

// drain receives and deletes every message, as a worker would.
func drain(t *testing.T, c *sqs.Client, url string) int {
	t.Helper()
	n := 0
	for {
		r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10}))(t)
		if len(r.Messages) == 0 {
			return n
		}
		var del []types.DeleteMessageBatchRequestEntry
		for i, m := range r.Messages {
			del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		}
		harness.Must(c.DeleteMessageBatch(harness.Ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: del}))(t)
		n += len(r.Messages)
	}
}

func desired(t *testing.T, ls *longshoretest.Instance, service string) int32 {
	return harness.DescribeService(t, ecs.NewFromConfig(ls.Config), cluster, service).DesiredCount
}

// Queue-depth scaling end to end, the way AWS documents it (an alarm on
// AWS/SQS ApproximateNumberOfMessagesVisible with the QueueName dimension
// driving Application Auto Scaling step policies: "Scaling policy based on
// Amazon SQS", https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-using-sqs-queue.html).
// SQS publishes the metric each scaled minute (time scale 60: one second).
func TestQueueDepthScalesService(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the background loops for several seconds")
	}
	ls := harness.StartScaled(t, 60)
	workerService(t, ls, "worker")
	c := client(ls)
	url := createQueue(t, c, "jobs", nil)
	client := aas.NewFromConfig(ls.Config)
	harness.Must(client.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/" + cluster + "/worker"),
		MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(6)}))(t)
	policy := func(name string, steps []aastypes.StepAdjustment) string {
		out := harness.Must(client.PutScalingPolicy(harness.Ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String(name), ServiceNamespace: aastypes.ServiceNamespaceEcs,
			ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/" + cluster + "/worker"),
			PolicyType: aastypes.PolicyTypeStepScaling, StepScalingPolicyConfiguration: &aastypes.StepScalingPolicyConfiguration{
				AdjustmentType: aastypes.AdjustmentTypeExactCapacity, Cooldown: aws.Int32(60), StepAdjustments: steps}}))(t)
		return aws.ToString(out.PolicyARN)
	}
	out := policy("backlog-out", []aastypes.StepAdjustment{
		{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(300), ScalingAdjustment: aws.Int32(2)},
		{MetricIntervalLowerBound: aws.Float64(300), ScalingAdjustment: aws.Int32(4)}})
	in := policy("backlog-in", []aastypes.StepAdjustment{{MetricIntervalUpperBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}})
	cw := cloudwatch.NewFromConfig(ls.Config)
	alarm := func(name string, op cwtypes.ComparisonOperator, threshold float64, action string) {
		harness.Must(cw.PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name), Namespace: aws.String("AWS/SQS"),
			MetricName: aws.String("ApproximateNumberOfMessagesVisible"), Dimensions: []cwtypes.Dimension{{Name: aws.String("QueueName"), Value: aws.String("jobs")}},
			Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(threshold),
			ComparisonOperator: op, AlarmActions: []string{action}}))(t)
	}
	alarm("jobs-backlog-high", cwtypes.ComparisonOperatorGreaterThanThreshold, 100, out)
	alarm("jobs-backlog-low", cwtypes.ComparisonOperatorLessThanThreshold, 10, in)

	sendMany(t, c, url, 500)
	harness.Eventually(t, 30*time.Second, "desiredCount to rise to 4 (500 visible, 400 over the threshold)", func() (bool, string) {
		n := desired(t, ls, "worker")
		return n == 4, fmt.Sprintf("desired %d", n)
	})
	ms := harness.Must(cw.ListMetrics(harness.Ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("AWS/SQS")}))(t)
	var names []string
	for _, m := range ms.Metrics {
		names = append(names, aws.ToString(m.MetricName))
	}
	for _, want := range []string{"ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "NumberOfMessagesSent"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("AWS/SQS lacks %s: %v", want, names)
		}
	}
	if n := drain(t, c, url); n != 500 {
		t.Fatalf("drained %d", n)
	}
	harness.Eventually(t, 30*time.Second, "desiredCount to fall back to 1 once the queue is empty", func() (bool, string) {
		n := desired(t, ls, "worker")
		a := harness.Must(cw.DescribeAlarms(harness.Ctx, &cloudwatch.DescribeAlarmsInput{}))(t)
		seen := fmt.Sprintf("desired %d;", n)
		for _, al := range a.MetricAlarms {
			seen += fmt.Sprintf(" %s=%s(%s)", aws.ToString(al.AlarmName), al.StateValue, aws.ToString(al.StateReason))
		}
		acts := harness.Must(client.DescribeScalingActivities(harness.Ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, IncludeNotScaledActivities: aws.Bool(true)}))(t)
		for _, a := range acts.ScalingActivities[:min(3, len(acts.ScalingActivities))] {
			seen += fmt.Sprintf(" [%s %s %v]", aws.ToString(a.Description), aws.ToString(a.Cause), a.NotScaledReasons)
		}
		return n == 1, seen
	})
}

// The same flow through the aws CLI: it creates the queue, the scale-out
// step policy and its alarm on AWS/SQS, reads the backlog and purges the
// queue, and the service scales out and in again.
func TestCLIQueueDepthScaling(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the background loops for several seconds")
	}
	ls := harness.StartScaled(t, 60)
	run := func(args ...string) string { return harness.CLI(t, ls, args...) }
	url := run("sqs", "create-queue", "--queue-name", "cli-jobs", "--query", "QueueUrl", "--output", "text")
	if url != ls.URL+"/000000000000/cli-jobs" {
		t.Fatalf("queue URL %q", url)
	}
	workerService(t, ls, "cli-worker")
	rid := "service/" + cluster + "/cli-worker"
	// The scalable target and the scale-in side through the SDK (each CLI
	// run costs seconds); the scale-out policy and its alarm through the CLI.
	sdk := aas.NewFromConfig(ls.Config)
	harness.Must(sdk.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(rid), MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(5)}))(t)
	out := run("application-autoscaling", "put-scaling-policy", "--service-namespace", "ecs", "--scalable-dimension", "ecs:service:DesiredCount",
		"--resource-id", rid, "--policy-name", "cli-out", "--policy-type", "StepScaling", "--step-scaling-policy-configuration",
		`{"AdjustmentType":"ExactCapacity","Cooldown":60,"StepAdjustments":[{"MetricIntervalLowerBound":0,"ScalingAdjustment":3}]}`, "--query", "PolicyARN", "--output", "text")
	run("cloudwatch", "put-metric-alarm", "--alarm-name", "cli-high", "--namespace", "AWS/SQS", "--metric-name", "ApproximateNumberOfMessagesVisible",
		"--dimensions", "Name=QueueName,Value=cli-jobs", "--statistic", "Average", "--period", "60", "--evaluation-periods", "1",
		"--threshold", "100", "--comparison-operator", "GreaterThanThreshold", "--alarm-actions", out)
	in := harness.Must(sdk.PutScalingPolicy(harness.Ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("cli-in"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(rid), PolicyType: aastypes.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &aastypes.StepScalingPolicyConfiguration{AdjustmentType: aastypes.AdjustmentTypeExactCapacity, Cooldown: aws.Int32(60),
			StepAdjustments: []aastypes.StepAdjustment{{MetricIntervalUpperBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}}}}))(t)
	harness.Must(cloudwatch.NewFromConfig(ls.Config).PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("cli-low"), Namespace: aws.String("AWS/SQS"),
		MetricName: aws.String("ApproximateNumberOfMessagesVisible"), Dimensions: []cwtypes.Dimension{{Name: aws.String("QueueName"), Value: aws.String("cli-jobs")}},
		Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(10),
		ComparisonOperator: cwtypes.ComparisonOperatorLessThanThreshold, AlarmActions: []string{aws.ToString(in.PolicyARN)}}))(t)
	sendMany(t, client(ls), url, 500)
	if n := run("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "ApproximateNumberOfMessages", "--query", "Attributes.ApproximateNumberOfMessages", "--output", "text"); n != "500" {
		t.Errorf("backlog %q", n)
	}
	harness.Eventually(t, 30*time.Second, "desiredCount to rise to 3", func() (bool, string) {
		n := desired(t, ls, "cli-worker")
		return n == 3, fmt.Sprintf("desired %d", n)
	})
	run("sqs", "purge-queue", "--queue-url", url)
	harness.Eventually(t, 30*time.Second, "desiredCount to fall back to 1", func() (bool, string) {
		n := desired(t, ls, "cli-worker")
		return n == 1, fmt.Sprintf("desired %d", n)
	})
}
