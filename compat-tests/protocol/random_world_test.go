package protocol_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// seedWorld creates a little of everything, named from the random strings
// ("web", "default", "x"), so that random calls find things to describe,
// change and delete, and returns the ids and ARNs it made, for the random
// strings too.
func seedWorld(t *testing.T, ls *longshoretest.Instance) []string {
	cfg := ls.Config
	var ids []string
	keep := func(s ...*string) {
		for _, p := range s {
			if p != nil {
				ids = append(ids, *p)
			}
		}
	}
	subnets := harness.DefaultSubnetDetails(t, cfg)
	subnetIDs := []string{aws.ToString(subnets[0].SubnetId), aws.ToString(subnets[1].SubnetId)}
	vpc := subnets[0].VpcId
	keep(vpc, &subnetIDs[0], &subnetIDs[1])

	e := ecs.NewFromConfig(cfg)
	for _, name := range []string{"default", "web"} {
		keep(harness.CreateCluster(t, e, name).ClusterArn)
	}
	td := harness.RegisterTaskDefinition(t, e, harness.FargateDefinition("web", "web", "nginx", 80))
	keep(&td)
	net := &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: subnetIDs}}
	svc := harness.Must(e.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("web"), ServiceName: aws.String("web"),
		TaskDefinition: &td, DesiredCount: aws.Int32(2), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: net}))(t)
	keep(svc.Service.ServiceArn)
	run := harness.Must(e.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String("default"), TaskDefinition: &td,
		LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: net}))(t)
	for _, task := range run.Tasks {
		keep(task.TaskArn)
	}

	role := harness.Must(iam.NewFromConfig(cfg).CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("r"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))(t)
	keep(role.Role.Arn)
	user := harness.Must(iam.NewFromConfig(cfg).CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("web")}))(t)
	keep(user.User.Arn)

	sg := harness.Must(ec2.NewFromConfig(cfg).CreateSecurityGroup(harness.Ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"),
		Description: aws.String("web"), VpcId: vpc}))(t)
	keep(sg.GroupId)

	lbs := elb.NewFromConfig(cfg)
	tg := harness.Must(lbs.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: vpc, TargetType: elbtypes.TargetTypeEnumIp}))(t)
	tgArn := tg.TargetGroups[0].TargetGroupArn
	lb := harness.Must(lbs.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: subnetIDs}))(t)
	lbArn := lb.LoadBalancers[0].LoadBalancerArn
	l := harness.Must(lbs.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lbArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(8080), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgArn}}}))(t)
	keep(tgArn, lbArn, l.Listeners[0].ListenerArn)

	q := harness.Must(sqs.NewFromConfig(cfg).CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String("web")}))(t)
	keep(q.QueueUrl)
	harness.Must(ssm.NewFromConfig(cfg).PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("web"), Value: aws.String("x"), Type: "String"}))(t)
	harness.Must(cloudwatchlogs.NewFromConfig(cfg).CreateLogGroup(harness.Ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("web")}))(t)
	harness.Must(cloudwatch.NewFromConfig(cfg).PutMetricAlarm(harness.Ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("web"),
		MetricName: aws.String("CPUUtilization"), Namespace: aws.String("AWS/ECS"), Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(50), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold}))(t)
	ns := harness.Must(servicediscovery.NewFromConfig(cfg).CreateHttpNamespace(harness.Ctx, &servicediscovery.CreateHttpNamespaceInput{Name: aws.String("web")}))(t)
	keep(ns.OperationId)
	return ids
}
