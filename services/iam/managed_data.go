package iam

// awsManagedPolicies is the AWS managed policy catalogue: real names, paths,
// default versions and documents (as AWS publishes them).
var awsManagedPolicies = []awsPolicy{
	{Name: "AdministratorAccess", Path: "/", Version: "v1", Created: "2015-02-06T18:39:46Z", Updated: "2015-02-06T18:39:46Z",
		Description: "Provides full access to AWS services and resources.",
		Document:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	{Name: "PowerUserAccess", Path: "/", Version: "v12", Created: "2015-02-06T18:39:47Z", Updated: "2026-02-12T17:59:14Z",
		Description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
		Document: `{"Version":"2012-10-17","Statement":[{"NotAction":["iam:*","organizations:*","account:*"],"Resource":"*","Effect":"Allow"},` +
			`{"Action":["account:GetAccountInformation","account:GetGovCloudAccountInformation","account:GetPrimaryEmail","account:ListRegions",` +
			`"iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeEffectivePolicy",` +
			`"organizations:DescribeOrganization"],"Resource":"*","Effect":"Allow"}]}`},
	readOnlyAccess,
	{Name: "IAMFullAccess", Path: "/", Version: "v2", Created: "2015-02-06T18:40:38Z", Updated: "2019-06-21T19:40:00Z",
		Description: "Provides full access to IAM via the AWS Management Console.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount",` +
			`"organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy",` +
			`"organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots",` +
			`"organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`},
	{Name: "AmazonECSTaskExecutionRolePolicy", Path: "/service-role/", Version: "v1", Created: "2017-11-16T18:48:22Z", Updated: "2017-11-16T18:48:22Z",
		Description: "Provides access to other AWS service resources that are required to run Amazon ECS tasks",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken",` +
			`"ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","logs:CreateLogStream",` +
			`"logs:PutLogEvents"],"Resource":"*"}]}`},
	{Name: "AmazonEC2ContainerServiceforEC2Role", Path: "/service-role/", Version: "v7", Created: "2015-03-19T18:45:18Z", Updated: "2023-03-06T22:19:04Z",
		Description: "Default policy for the Amazon EC2 Role for Amazon EC2 Container Service.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeTags","ecs:CreateCluster",` +
			`"ecs:DeregisterContainerInstance","ecs:DiscoverPollEndpoint","ecs:Poll","ecs:RegisterContainerInstance",` +
			`"ecs:StartTelemetrySession","ecs:UpdateContainerInstancesState","ecs:Submit*","ecr:GetAuthorizationToken",` +
			`"ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","logs:CreateLogStream",` +
			`"logs:PutLogEvents"],"Resource":"*"},{"Effect":"Allow","Action":"ecs:TagResource","Resource":"*",` +
			`"Condition":{"StringEquals":{"ecs:CreateAction":["CreateCluster","RegisterContainerInstance"]}}}]}`},
	{Name: "AmazonEC2ContainerServiceRole", Path: "/service-role/", Version: "v2", Created: "2015-04-09T16:14:19Z", Updated: "2016-08-11T13:08:01Z",
		Description: "Default policy for Amazon ECS service role.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:AuthorizeSecurityGroupIngress",` +
			`"ec2:Describe*","elasticloadbalancing:DeregisterInstancesFromLoadBalancer","elasticloadbalancing:DeregisterTargets",` +
			`"elasticloadbalancing:Describe*","elasticloadbalancing:RegisterInstancesWithLoadBalancer",` +
			`"elasticloadbalancing:RegisterTargets"],"Resource":"*"}]}`},
	{Name: "AmazonECSServiceRolePolicy", Path: "/aws-service-role/", Version: "v13", Created: "2017-10-14T01:18:58Z", Updated: "2025-11-14T21:04:09Z",
		Description: "Policy to enable Amazon ECS to manage your cluster.",
		Document:    amazonECSServiceRolePolicy},
	{Name: "AmazonEC2ContainerServiceAutoscaleRole", Path: "/service-role/", Version: "v2", Created: "2016-05-12T23:25:44Z", Updated: "2018-02-05T19:15:15Z",
		Description: "Policy to enable Task Autoscaling for Amazon EC2 Container Service",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:DescribeServices","ecs:UpdateService"],` +
			`"Resource":["*"]},{"Effect":"Allow","Action":["cloudwatch:DescribeAlarms","cloudwatch:PutMetricAlarm"],"Resource":["*"]}]}`},
	{Name: "AmazonECS_FullAccess", Path: "/", Version: "v20", Created: "2015-06-25T21:02:39Z", Updated: "2023-01-04T16:26:05Z",
		Description: "Provides administrative access to Amazon ECS resources and enables ECS features through access to other AWS service resources, including VPCs, Auto Scaling groups, and CloudFormation stacks.",
		Document:    amazonECSFullAccess},
	{Name: "AmazonECSInfrastructureRolePolicyForVolumes", Path: "/service-role/", Version: "v4", Created: "2024-01-11T21:56:37Z", Updated: "2026-02-11T22:16:41Z",
		Description: "Provides access to other AWS service resources required to manage volumes associated with ECS workloads.",
		Document:    amazonECSInfrastructureRolePolicyForVolumes},
	{Name: "ElasticLoadBalancingFullAccess", Path: "/", Version: "v7", Created: "2016-09-20T20:42:07Z", Updated: "2022-11-29T01:45:49Z",
		Description: "Provides full access to Amazon ElasticLoadBalancing, and limited access to other services necessary to provide ElasticLoadBalancing features.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"elasticloadbalancing:*","Resource":"*"},` +
			`{"Effect":"Allow","Action":["ec2:DescribeAccountAttributes","ec2:DescribeAddresses","ec2:DescribeInternetGateways",` +
			`"ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcs","ec2:DescribeVpcClassicLink","ec2:DescribeInstances",` +
			`"ec2:DescribeNetworkInterfaces","ec2:DescribeClassicLinkInstances","ec2:DescribeRouteTables","ec2:DescribeCoipPools",` +
			`"ec2:GetCoipPoolUsage","ec2:DescribeVpcPeeringConnections","cognito-idp:DescribeUserPoolClient"],"Resource":"*"},` +
			`{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":` +
			`{"iam:AWSServiceName":"elasticloadbalancing.amazonaws.com"}}},{"Effect":"Allow","Action":"arc-zonal-shift:*",` +
			`"Resource":"arn:aws:elasticloadbalancing:*:*:loadbalancer/*"},{"Effect":"Allow","Action":` +
			`["arc-zonal-shift:ListManagedResources","arc-zonal-shift:ListZonalShifts"],"Resource":"*"}]}`},
	{Name: "AWSApplicationAutoscalingECSServicePolicy", Path: "/aws-service-role/", Version: "v1", Created: "2017-10-25T23:53:08Z", Updated: "2017-10-25T23:53:08Z",
		Description: "Policy granting permissions to Application Auto Scaling to access ECS and CloudWatch.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:DescribeServices","ecs:UpdateService",` +
			`"cloudwatch:PutMetricAlarm","cloudwatch:DescribeAlarms","cloudwatch:DeleteAlarms"],"Resource":["*"]}]}`},
	{Name: "AWSApplicationAutoScalingCustomResourcePolicy", Path: "/aws-service-role/", Version: "v1", Created: "2018-06-04T23:22:44Z", Updated: "2018-06-04T23:22:44Z",
		Description: "Policy granting permissions to Application Auto Scaling to access APIGateway and CloudWatch for custom resource scaling",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke","cloudwatch:PutMetricAlarm",` +
			`"cloudwatch:DescribeAlarms","cloudwatch:DeleteAlarms"],"Resource":["*"]}]}`},
	// Elastic Beanstalk's service-linked role policy: version v6 of 2019-06-06
	// as AWS publishes it; its creation date and description are not on record
	// here, so the version's date stands for both dates.
	{Name: "AWSElasticBeanstalkServiceRolePolicy", Path: "/aws-service-role/", Version: "v6", Created: "2019-06-06T21:59:51Z", Updated: "2019-06-06T21:59:51Z",
		Document: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowCloudformationReadOperationsOnElasticBeanstalkStacks","Effect":"Allow",` +
			`"Action":["cloudformation:DescribeStackResource","cloudformation:DescribeStackResources","cloudformation:DescribeStacks"],` +
			`"Resource":["arn:aws:cloudformation:*:*:stack/awseb-*","arn:aws:cloudformation:*:*:stack/eb-*"]},` +
			`{"Sid":"AllowOperations","Effect":"Allow","Action":["autoscaling:DescribeAutoScalingGroups","autoscaling:DescribeAutoScalingInstances",` +
			`"autoscaling:DescribeNotificationConfigurations","autoscaling:DescribeScalingActivities","autoscaling:PutNotificationConfiguration",` +
			`"ec2:DescribeInstanceStatus","ec2:AssociateAddress","ec2:DescribeAddresses","ec2:DescribeInstances","ec2:DescribeSecurityGroups",` +
			`"elasticloadbalancing:DescribeInstanceHealth","elasticloadbalancing:DescribeLoadBalancers","elasticloadbalancing:DescribeTargetHealth",` +
			`"elasticloadbalancing:DescribeTargetGroups","lambda:GetFunction","sqs:GetQueueAttributes","sqs:GetQueueUrl","sns:Publish"],"Resource":["*"]},` +
			`{"Sid":"AllowOperationsOnHealthStreamingLogs","Effect":"Allow","Action":["logs:CreateLogStream","logs:DescribeLogGroups",` +
			`"logs:DescribeLogStreams","logs:DeleteLogGroup","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:*:log-group:/aws/elasticbeanstalk/*"}]}`},
	{Name: "CloudWatchLogsFullAccess", Path: "/", Version: "v3", Created: "2015-02-06T18:40:02Z", Updated: "2025-05-20T17:07:06Z",
		Description: "Provides full access to CloudWatch Logs",
		Document: `{"Version":"2012-10-17","Statement":[{"Action":["logs:*","cloudwatch:GenerateQuery",` +
			`"cloudwatch:GenerateQueryResultsSummary"],"Resource":"*","Effect":"Allow","Sid":"CloudWatchLogsFullAccess"}]}`},
	{Name: "CloudWatchFullAccess", Path: "/", Version: "v4", Created: "2015-02-06T18:40:00Z", Updated: "2022-11-27T13:23:49Z",
		Description: "Provides full access to CloudWatch.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["autoscaling:Describe*","cloudwatch:*","logs:*",` +
			`"sns:*","iam:GetPolicy","iam:GetPolicyVersion","iam:GetRole","oam:ListSinks"],"Resource":"*"},{"Effect":"Allow",` +
			`"Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::*:role/aws-service-role/events.amazonaws.com/AWSServiceRoleForCloudWatchEvents*",` +
			`"Condition":{"StringLike":{"iam:AWSServiceName":"events.amazonaws.com"}}},{"Effect":"Allow","Action":["oam:ListAttachedLinks"],` +
			`"Resource":"arn:aws:oam:*:*:sink/*"}]}`},
	{Name: "AmazonEC2ContainerRegistryReadOnly", Path: "/", Version: "v3", Created: "2015-12-21T17:04:45Z", Updated: "2019-12-10T20:56:32Z",
		Description: "Provides read-only access to Amazon EC2 Container Registry repositories.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken",` +
			`"ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:GetRepositoryPolicy","ecr:DescribeRepositories",` +
			`"ecr:ListImages","ecr:DescribeImages","ecr:BatchGetImage","ecr:GetLifecyclePolicy","ecr:GetLifecyclePolicyPreview",` +
			`"ecr:ListTagsForResource","ecr:DescribeImageScanFindings"],"Resource":"*"}]}`},
	{Name: "AmazonS3ReadOnlyAccess", Path: "/", Version: "v3", Created: "2015-02-06T18:40:59Z", Updated: "2023-08-10T21:31:39Z",
		Description: "Provides read only access to all buckets via the AWS Management Console.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*",` +
			`"s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`},
	{Name: "AmazonSSMManagedInstanceCore", Path: "/", Version: "v2", Created: "2019-03-15T17:22:12Z", Updated: "2019-05-23T16:54:21Z",
		Description: "The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:DescribeAssociation",` +
			`"ssm:GetDeployablePatchSnapshotForInstance","ssm:GetDocument","ssm:DescribeDocument","ssm:GetManifest",` +
			`"ssm:GetParameter","ssm:GetParameters","ssm:ListAssociations","ssm:ListInstanceAssociations","ssm:PutInventory",` +
			`"ssm:PutComplianceItems","ssm:PutConfigurePackageResult","ssm:UpdateAssociationStatus",` +
			`"ssm:UpdateInstanceAssociationStatus","ssm:UpdateInstanceInformation"],"Resource":"*"},{"Effect":"Allow","Action":` +
			`["ssmmessages:CreateControlChannel","ssmmessages:CreateDataChannel","ssmmessages:OpenControlChannel",` +
			`"ssmmessages:OpenDataChannel"],"Resource":"*"},{"Effect":"Allow","Action":["ec2messages:AcknowledgeMessage",` +
			`"ec2messages:DeleteMessage","ec2messages:FailMessage","ec2messages:GetEndpoint","ec2messages:GetMessages",` +
			`"ec2messages:SendReply"],"Resource":"*"}]}`},
	{Name: "AWSElasticLoadBalancingServiceRolePolicy", Path: "/aws-service-role/", Version: "v7", Created: "2017-09-19T22:19:04Z", Updated: "2021-08-26T19:01:48Z",
		Description: "Service Linked Role Policy for AWS Elastic Load Balancing Control Plane",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeAddresses","ec2:DescribeCoipPools",` +
			`"ec2:DescribeInstances","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DescribeSecurityGroups",` +
			`"ec2:DescribeVpcs","ec2:DescribeInternetGateways","ec2:DescribeAccountAttributes","ec2:DescribeClassicLinkInstances",` +
			`"ec2:DescribeVpcClassicLink","ec2:CreateSecurityGroup","ec2:CreateNetworkInterface","ec2:DeleteNetworkInterface",` +
			`"ec2:GetCoipPoolUsage","ec2:ModifyNetworkInterfaceAttribute","ec2:AllocateAddress","ec2:AuthorizeSecurityGroupIngress",` +
			`"ec2:AssociateAddress","ec2:DisassociateAddress","ec2:AttachNetworkInterface","ec2:DetachNetworkInterface",` +
			`"ec2:AssignPrivateIpAddresses","ec2:AssignIpv6Addresses","ec2:ReleaseAddress","ec2:UnassignIpv6Addresses",` +
			`"ec2:DescribeVpcPeeringConnections","logs:CreateLogDelivery","logs:GetLogDelivery","logs:UpdateLogDelivery",` +
			`"logs:DeleteLogDelivery","logs:ListLogDeliveries","outposts:GetOutpostInstanceTypes"],"Resource":"*"}]}`},
	{Name: "AmazonS3FullAccess", Path: "/", Version: "v2", Created: "2015-02-06T18:40:58Z", Updated: "2021-09-27T20:16:37Z",
		Description: "Provides full access to all buckets via the AWS Management Console.",
		Document:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}`},
	{Name: "AmazonEC2ContainerRegistryPowerUser", Path: "/", Version: "v3", Created: "2015-12-21T17:05:33Z", Updated: "2019-12-10T20:48:08Z",
		Description: "Provides full access to Amazon EC2 Container Registry repositories, but does not allow repository deletion or policy changes.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken",` +
			`"ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:GetRepositoryPolicy","ecr:DescribeRepositories",` +
			`"ecr:ListImages","ecr:DescribeImages","ecr:BatchGetImage","ecr:GetLifecyclePolicy","ecr:GetLifecyclePolicyPreview",` +
			`"ecr:ListTagsForResource","ecr:DescribeImageScanFindings","ecr:InitiateLayerUpload","ecr:UploadLayerPart",` +
			`"ecr:CompleteLayerUpload","ecr:PutImage"],"Resource":"*"}]}`},
	{Name: "CloudWatchAgentServerPolicy", Path: "/", Version: "v3", Created: "2017-09-13T00:00:35Z", Updated: "2024-02-06T16:37:37Z",
		Description: "Permissions required to use AmazonCloudWatchAgent on servers",
		Document: `{"Version":"2012-10-17","Statement":[{"Sid":"CWACloudWatchServerPermissions","Effect":"Allow","Action":[` +
			`"cloudwatch:PutMetricData","ec2:DescribeVolumes","ec2:DescribeTags","logs:PutLogEvents","logs:PutRetentionPolicy",` +
			`"logs:DescribeLogStreams","logs:DescribeLogGroups","logs:CreateLogStream","logs:CreateLogGroup","xray:PutTraceSegments",` +
			`"xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],` +
			`"Resource":"*"},{"Sid":"CWASSMServerPermissions","Effect":"Allow","Action":["ssm:GetParameter"],` +
			`"Resource":"arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"}]}`},
	{Name: "AmazonEC2ContainerServiceEventsRole", Path: "/service-role/", Version: "v3", Created: "2017-05-30T16:51:35Z", Updated: "2023-03-06T22:25:12Z",
		Description: "Policy to enable CloudWatch Events for EC2 Container Service",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:RunTask"],"Resource":["*"]},` +
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":["*"],"Condition":{"StringLike":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}},` +
			`{"Effect":"Allow","Action":"ecs:TagResource","Resource":"*","Condition":{"StringEquals":{"ecs:CreateAction":["RunTask"]}}}]}`},
	{Name: "AWSLambdaBasicExecutionRole", Path: "/service-role/", Version: "v1", Created: "2015-04-09T15:03:43Z", Updated: "2015-04-09T15:03:43Z",
		Description: "Provides write permissions to CloudWatch Logs.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream",` +
			`"logs:PutLogEvents"],"Resource":"*"}]}`},
	{Name: "AmazonSQSFullAccess", Path: "/", Version: "v1", Created: "2015-02-06T18:41:07Z", Updated: "2015-02-06T18:41:07Z",
		Description: "Provides full access to Amazon SQS via the AWS Management Console.",
		Document:    `{"Version":"2012-10-17","Statement":[{"Action":["sqs:*"],"Effect":"Allow","Resource":"*"}]}`},
	{Name: "AmazonSNSFullAccess", Path: "/", Version: "v1", Created: "2015-02-06T18:41:05Z", Updated: "2015-02-06T18:41:05Z",
		Description: "Provides full access to Amazon SNS via the AWS Management Console.",
		Document:    `{"Version":"2012-10-17","Statement":[{"Action":["sns:*"],"Effect":"Allow","Resource":"*"}]}`},
	{Name: "AmazonSSMReadOnlyAccess", Path: "/", Version: "v1", Created: "2015-05-29T17:44:19Z", Updated: "2015-05-29T17:44:19Z",
		Description: "Provides read only access to Amazon SSM.",
		Document:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}`},
	{Name: "AutoScalingServiceRolePolicy", Path: "/aws-service-role/", Version: "v8", Created: "2018-01-08T23:10:55Z", Updated: "2024-02-29T17:48:58Z",
		Description: "Enables access to AWS Services and Resources used or managed by Auto Scaling",
		Document:    autoScalingServiceRolePolicy},
}

const amazonECSServiceRolePolicy = `{"Version":"2012-10-17","Statement":[` +
	`{"Action":["ec2:AttachNetworkInterface","ec2:AssociateTrunkInterface","ec2:CreateNetworkInterface",` +
	`"ec2:CreateNetworkInterfacePermission","ec2:DeleteNetworkInterface","ec2:DeleteNetworkInterfacePermission","ec2:Describe*",` +
	`"ec2:DetachNetworkInterface","ec2:DisassociateTrunkInterface","elasticloadbalancing:DeregisterInstancesFromLoadBalancer",` +
	`"elasticloadbalancing:DeregisterTargets","elasticloadbalancing:Describe*","elasticloadbalancing:RegisterInstancesWithLoadBalancer",` +
	`"elasticloadbalancing:RegisterTargets","route53:ChangeResourceRecordSets","route53:CreateHealthCheck","route53:DeleteHealthCheck",` +
	`"route53:Get*","route53:List*","route53:UpdateHealthCheck","servicediscovery:DeregisterInstance","servicediscovery:Get*",` +
	`"servicediscovery:List*","servicediscovery:RegisterInstance","servicediscovery:UpdateInstanceCustomHealthStatus"],` +
	`"Resource":"*","Effect":"Allow","Sid":"ECSTaskManagement"},` +
	`{"Action":["autoscaling:Describe*"],"Resource":"*","Effect":"Allow","Sid":"AutoScaling"},` +
	`{"Action":["autoscaling:DeletePolicy","autoscaling:PutScalingPolicy","autoscaling:SetInstanceProtection",` +
	`"autoscaling:UpdateAutoScalingGroup","autoscaling:PutLifecycleHook","autoscaling:DeleteLifecycleHook",` +
	`"autoscaling:CompleteLifecycleAction","autoscaling:RecordLifecycleActionHeartbeat"],"Resource":"*","Effect":"Allow",` +
	`"Condition":{"Null":{"autoscaling:ResourceTag/AmazonECSManaged":"false"}},"Sid":"AutoScalingManagement"},` +
	`{"Action":["autoscaling-plans:CreateScalingPlan","autoscaling-plans:DeleteScalingPlan","autoscaling-plans:DescribeScalingPlans",` +
	`"autoscaling-plans:DescribeScalingPlanResources"],"Resource":"*","Effect":"Allow","Sid":"AutoScalingPlanManagement"},` +
	`{"Action":["events:DescribeRule","events:ListTargetsByRule"],"Resource":"arn:aws:events:*:*:rule/ecs-managed-*",` +
	`"Effect":"Allow","Sid":"EventBridge"},` +
	`{"Action":["events:PutRule","events:PutTargets"],"Resource":"*","Effect":"Allow",` +
	`"Condition":{"StringEquals":{"events:ManagedBy":"ecs.amazonaws.com"}},"Sid":"EventBridgeRuleManagement"},` +
	`{"Action":["cloudwatch:DeleteAlarms","cloudwatch:DescribeAlarms","cloudwatch:PutMetricAlarm"],` +
	`"Resource":"arn:aws:cloudwatch:*:*:alarm:*","Effect":"Allow","Sid":"CWAlarmManagement"},` +
	`{"Action":["ec2:CreateTags"],"Resource":"arn:aws:ec2:*:*:network-interface/*","Effect":"Allow","Sid":"ECSTagging"},` +
	`{"Action":["logs:CreateLogGroup","logs:DescribeLogGroups","logs:PutRetentionPolicy"],` +
	`"Resource":"arn:aws:logs:*:*:log-group:/aws/ecs/*","Effect":"Allow","Sid":"CWLogGroupManagement"},` +
	`{"Action":["logs:CreateLogStream","logs:DescribeLogStreams","logs:PutLogEvents"],` +
	`"Resource":"arn:aws:logs:*:*:log-group:/aws/ecs/*:log-stream:*","Effect":"Allow","Sid":"CWLogStreamManagement"},` +
	`{"Action":["ssm:DescribeSessions"],"Resource":"*","Effect":"Allow","Sid":"ExecuteCommandSessionManagement"},` +
	`{"Action":["ssm:StartSession"],"Resource":["arn:aws:ecs:*:*:task/*",` +
	`"arn:aws:ssm:*:*:document/AmazonECS-ExecuteInteractiveCommand"],"Effect":"Allow","Sid":"ExecuteCommand"},` +
	`{"Action":["servicediscovery:CreateHttpNamespace","servicediscovery:CreateService"],"Resource":"*","Effect":"Allow",` +
	`"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["AmazonECSManaged"]}},"Sid":"CloudMapResourceCreation"},` +
	`{"Action":"servicediscovery:TagResource","Resource":"*","Effect":"Allow",` +
	`"Condition":{"StringLike":{"aws:RequestTag/AmazonECSManaged":"*"}},"Sid":"CloudMapResourceTagging"},` +
	`{"Action":["servicediscovery:DeleteService"],"Resource":"*","Effect":"Allow",` +
	`"Condition":{"Null":{"aws:ResourceTag/AmazonECSManaged":"false"}},"Sid":"CloudMapResourceDeletion"},` +
	`{"Action":["servicediscovery:DiscoverInstances","servicediscovery:DiscoverInstancesRevision"],"Resource":"*",` +
	`"Effect":"Allow","Sid":"CloudMapResourceDiscovery"},` +
	`{"Action":["servicediscovery:UpdateServiceAttributes"],"Resource":"*","Effect":"Allow",` +
	`"Condition":{"Null":{"aws:ResourceTag/AmazonECSManaged":"false"}},"Sid":"CloudMapResourceAttributeManagement"}]}`

const amazonECSFullAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` +
	`"application-autoscaling:DeleteScalingPolicy","application-autoscaling:DeregisterScalableTarget",` +
	`"application-autoscaling:DescribeScalableTargets","application-autoscaling:DescribeScalingActivities",` +
	`"application-autoscaling:DescribeScalingPolicies","application-autoscaling:PutScalingPolicy",` +
	`"application-autoscaling:RegisterScalableTarget","appmesh:DescribeVirtualGateway","appmesh:DescribeVirtualNode",` +
	`"appmesh:ListMeshes","appmesh:ListVirtualGateways","appmesh:ListVirtualNodes","autoscaling:CreateAutoScalingGroup",` +
	`"autoscaling:CreateLaunchConfiguration","autoscaling:DeleteAutoScalingGroup","autoscaling:DeleteLaunchConfiguration",` +
	`"autoscaling:Describe*","autoscaling:UpdateAutoScalingGroup","cloudformation:CreateStack","cloudformation:DeleteStack",` +
	`"cloudformation:DescribeStack*","cloudformation:UpdateStack","cloudwatch:DeleteAlarms","cloudwatch:DescribeAlarms",` +
	`"cloudwatch:GetMetricStatistics","cloudwatch:PutMetricAlarm","codedeploy:BatchGetApplicationRevisions",` +
	`"codedeploy:BatchGetApplications","codedeploy:BatchGetDeploymentGroups","codedeploy:BatchGetDeployments",` +
	`"codedeploy:ContinueDeployment","codedeploy:CreateApplication","codedeploy:CreateDeployment",` +
	`"codedeploy:CreateDeploymentGroup","codedeploy:GetApplication","codedeploy:GetApplicationRevision",` +
	`"codedeploy:GetDeployment","codedeploy:GetDeploymentConfig","codedeploy:GetDeploymentGroup",` +
	`"codedeploy:GetDeploymentTarget","codedeploy:ListApplicationRevisions","codedeploy:ListApplications",` +
	`"codedeploy:ListDeploymentConfigs","codedeploy:ListDeploymentGroups","codedeploy:ListDeployments",` +
	`"codedeploy:ListDeploymentTargets","codedeploy:RegisterApplicationRevision","codedeploy:StopDeployment",` +
	`"ec2:AssociateRouteTable","ec2:AttachInternetGateway","ec2:AuthorizeSecurityGroupIngress","ec2:CancelSpotFleetRequests",` +
	`"ec2:CreateInternetGateway","ec2:CreateLaunchTemplate","ec2:CreateRoute","ec2:CreateRouteTable","ec2:CreateSecurityGroup",` +
	`"ec2:CreateSubnet","ec2:CreateVpc","ec2:DeleteLaunchTemplate","ec2:DeleteSubnet","ec2:DeleteVpc","ec2:Describe*",` +
	`"ec2:DetachInternetGateway","ec2:DisassociateRouteTable","ec2:ModifySubnetAttribute","ec2:ModifyVpcAttribute",` +
	`"ec2:RequestSpotFleet","ec2:RunInstances","ecs:*","elasticfilesystem:DescribeAccessPoints",` +
	`"elasticfilesystem:DescribeFileSystems","elasticloadbalancing:CreateListener","elasticloadbalancing:CreateLoadBalancer",` +
	`"elasticloadbalancing:CreateRule","elasticloadbalancing:CreateTargetGroup","elasticloadbalancing:DeleteListener",` +
	`"elasticloadbalancing:DeleteLoadBalancer","elasticloadbalancing:DeleteRule","elasticloadbalancing:DeleteTargetGroup",` +
	`"elasticloadbalancing:DescribeListeners","elasticloadbalancing:DescribeLoadBalancers","elasticloadbalancing:DescribeRules",` +
	`"elasticloadbalancing:DescribeTargetGroups","events:DeleteRule","events:DescribeRule","events:ListRuleNamesByTarget",` +
	`"events:ListTargetsByRule","events:PutRule","events:PutTargets","events:RemoveTargets","fsx:DescribeFileSystems",` +
	`"iam:ListAttachedRolePolicies","iam:ListInstanceProfiles","iam:ListRoles","lambda:ListFunctions","logs:CreateLogGroup",` +
	`"logs:DescribeLogGroups","logs:FilterLogEvents","route53:CreateHostedZone","route53:DeleteHostedZone",` +
	`"route53:GetHealthCheck","route53:GetHostedZone","route53:ListHostedZonesByName",` +
	`"servicediscovery:CreatePrivateDnsNamespace","servicediscovery:CreateService","servicediscovery:DeleteService",` +
	`"servicediscovery:GetNamespace","servicediscovery:GetOperation","servicediscovery:GetService",` +
	`"servicediscovery:ListNamespaces","servicediscovery:ListServices","servicediscovery:UpdateService","sns:ListTopics"],` +
	`"Resource":["*"]},` +
	`{"Effect":"Allow","Action":["ssm:GetParameter","ssm:GetParameters","ssm:GetParametersByPath"],` +
	`"Resource":"arn:aws:ssm:*:*:parameter/aws/service/ecs*"},` +
	`{"Effect":"Allow","Action":["ec2:DeleteInternetGateway","ec2:DeleteRoute","ec2:DeleteRouteTable","ec2:DeleteSecurityGroup"],` +
	`"Resource":["*"],"Condition":{"StringLike":{"ec2:ResourceTag/aws:cloudformation:stack-name":"EC2ContainerService-*"}}},` +
	`{"Action":"iam:PassRole","Effect":"Allow","Resource":["*"],` +
	`"Condition":{"StringLike":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}},` +
	`{"Action":"iam:PassRole","Effect":"Allow","Resource":["arn:aws:iam::*:role/ecsInstanceRole*"],` +
	`"Condition":{"StringLike":{"iam:PassedToService":["ec2.amazonaws.com","ec2.amazonaws.com.cn"]}}},` +
	`{"Action":"iam:PassRole","Effect":"Allow","Resource":["arn:aws:iam::*:role/ecsAutoscaleRole*"],` +
	`"Condition":{"StringLike":{"iam:PassedToService":["application-autoscaling.amazonaws.com",` +
	`"application-autoscaling.amazonaws.com.cn"]}}},` +
	`{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringLike":{"iam:AWSServiceName":[` +
	`"autoscaling.amazonaws.com","ecs.amazonaws.com","ecs.application-autoscaling.amazonaws.com","spot.amazonaws.com",` +
	`"spotfleet.amazonaws.com"]}}},` +
	`{"Effect":"Allow","Action":["elasticloadbalancing:AddTags"],"Resource":"*","Condition":{"StringEquals":{` +
	`"elasticloadbalancing:CreateAction":["CreateTargetGroup","CreateRule","CreateListener","CreateLoadBalancer"]}}}]}`

const amazonECSInfrastructureRolePolicyForVolumes = `{"Version":"2012-10-17","Statement":[` +
	`{"Action":"ec2:CreateVolume","Resource":"arn:aws:ec2:*:*:volume/*","Effect":"Allow","Condition":{"ArnLike":` +
	`{"aws:RequestTag/AmazonECSCreated":"arn:aws:ecs:*:*:task/*"},"StringEquals":{"aws:RequestTag/AmazonECSManaged":"true"}},` +
	`"Sid":"CreateEBSManagedVolume"},` +
	`{"Action":"ec2:CreateVolume","Resource":"arn:aws:ec2:*:*:snapshot/*","Effect":"Allow","Sid":"CreateEBSManagedVolumeFromSnapshot"},` +
	`{"Action":"ec2:CreateTags","Resource":"arn:aws:ec2:*:*:volume/*","Effect":"Allow","Condition":{"ArnLike":` +
	`{"aws:RequestTag/AmazonECSCreated":"arn:aws:ecs:*:*:task/*"},"StringEquals":{"ec2:CreateAction":"CreateVolume",` +
	`"aws:RequestTag/AmazonECSManaged":"true"}},"Sid":"TagOnCreateVolume"},` +
	`{"Action":["ec2:DescribeVolumes","ec2:DescribeAvailabilityZones"],"Resource":"*","Effect":"Allow","Sid":"DescribeVolumesForLifecycle"},` +
	`{"Action":["ec2:DescribeInstances"],"Resource":"*","Effect":"Allow","Sid":"DescribeInstancesForAttachingVolume"},` +
	`{"Action":["ec2:AttachVolume","ec2:DetachVolume"],"Resource":"arn:aws:ec2:*:*:volume/*","Effect":"Allow",` +
	`"Condition":{"StringEquals":{"aws:ResourceTag/AmazonECSManaged":"true"}},"Sid":"ManageEBSVolumeLifecycle"},` +
	`{"Action":["ec2:AttachVolume","ec2:DetachVolume"],"Resource":"arn:aws:ec2:*:*:instance/*","Effect":"Allow",` +
	`"Sid":"ManageVolumeAttachmentsForEC2"},` +
	`{"Action":"ec2:DeleteVolume","Resource":"arn:aws:ec2:*:*:volume/*","Effect":"Allow","Condition":{"ArnLike":` +
	`{"aws:ResourceTag/AmazonECSCreated":"arn:aws:ecs:*:*:task/*"},"StringEquals":{"aws:ResourceTag/AmazonECSManaged":"true"}},` +
	`"Sid":"DeleteEBSManagedVolume"}]}`

const autoScalingServiceRolePolicy = `{"Version":"2012-10-17","Statement":[` +
	`{"Sid":"EC2InstanceManagement","Effect":"Allow","Action":["ec2:AttachClassicLinkVpc","ec2:CancelSpotInstanceRequests",` +
	`"ec2:CreateFleet","ec2:CreateTags","ec2:DeleteTags","ec2:Describe*","ec2:DetachClassicLinkVpc",` +
	`"ec2:GetInstanceTypesFromInstanceRequirements","ec2:GetSecurityGroupsForVpc","ec2:ModifyInstanceAttribute",` +
	`"ec2:RequestSpotInstances","ec2:RunInstances","ec2:StartInstances","ec2:StopInstances","ec2:TerminateInstances"],"Resource":"*"},` +
	`{"Sid":"EC2InstanceProfileManagement","Effect":"Allow","Action":["iam:PassRole"],"Resource":"*",` +
	`"Condition":{"StringLike":{"iam:PassedToService":"ec2.amazonaws.com*"}}},` +
	`{"Sid":"EC2SpotManagement","Effect":"Allow","Action":["iam:CreateServiceLinkedRole"],"Resource":"*",` +
	`"Condition":{"StringEquals":{"iam:AWSServiceName":"spot.amazonaws.com"}}},` +
	`{"Sid":"ELBManagement","Effect":"Allow","Action":["elasticloadbalancing:Register*","elasticloadbalancing:Deregister*",` +
	`"elasticloadbalancing:Describe*"],"Resource":"*"},` +
	`{"Sid":"CWManagement","Effect":"Allow","Action":["cloudwatch:DeleteAlarms","cloudwatch:DescribeAlarms",` +
	`"cloudwatch:GetMetricData","cloudwatch:PutMetricAlarm"],"Resource":"*"},` +
	`{"Sid":"SNSManagement","Effect":"Allow","Action":["sns:Publish"],"Resource":"*"},` +
	`{"Sid":"EventBridgeRuleManagement","Effect":"Allow","Action":["events:PutRule","events:PutTargets","events:RemoveTargets",` +
	`"events:DeleteRule","events:DescribeRule"],"Resource":"*","Condition":{"StringEquals":{"events:ManagedBy":"autoscaling.amazonaws.com"}}},` +
	`{"Sid":"SystemsManagerParameterManagement","Effect":"Allow","Action":["ssm:GetParameters"],"Resource":"*"},` +
	`{"Sid":"VpcLatticeManagement","Effect":"Allow","Action":["vpc-lattice:DeregisterTargets","vpc-lattice:GetTargetGroup",` +
	`"vpc-lattice:ListTargets","vpc-lattice:ListTargetGroups","vpc-lattice:RegisterTargets"],"Resource":"*"}]}`
