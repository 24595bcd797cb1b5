package appautoscaling

import (
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// resourcePatterns are the resource ID formats each scalable dimension accepts.
var resourcePatterns = map[types.ScalableDimension]*regexp.Regexp{
	types.ScalableDimensionECSServiceDesiredCount:                           regexp.MustCompile(`^service/[^/]+/[^/]+$`),
	types.ScalableDimensionEC2SpotFleetRequestTargetCapacity:                regexp.MustCompile(`^spot-fleet-request/sfr-[0-9a-f-]+$`),
	types.ScalableDimensionEMRInstanceGroupInstanceCount:                    regexp.MustCompile(`^instancegroup/j-[A-Za-z0-9]+/ig-[A-Za-z0-9]+$`),
	types.ScalableDimensionAppstreamFleetDesiredCapacity:                    regexp.MustCompile(`^fleet/[^/]+$`),
	types.ScalableDimensionDynamoDBTableReadCapacityUnits:                   regexp.MustCompile(`^table/[^/]+$`),
	types.ScalableDimensionDynamoDBTableWriteCapacityUnits:                  regexp.MustCompile(`^table/[^/]+$`),
	types.ScalableDimensionDynamoDBIndexReadCapacityUnits:                   regexp.MustCompile(`^table/[^/]+/index/[^/]+$`),
	types.ScalableDimensionDynamoDBIndexWriteCapacityUnits:                  regexp.MustCompile(`^table/[^/]+/index/[^/]+$`),
	types.ScalableDimensionRDSClusterReadReplicaCount:                       regexp.MustCompile(`^cluster:[^/]+$`),
	types.ScalableDimensionSageMakerVariantDesiredInstanceCount:             regexp.MustCompile(`^endpoint/[^/]+/variant/[^/]+$`),
	types.ScalableDimensionSageMakerVariantDesiredProvisionedConcurrency:    regexp.MustCompile(`^endpoint/[^/]+/variant/[^/]+$`),
	types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount:      regexp.MustCompile(`^inference-component/[^/]+$`),
	types.ScalableDimensionCustomResourceScalableDimension:                  regexp.MustCompile(`^https://.+`),
	types.ScalableDimensionComprehendDocClassifierEndpointInferenceUnits:    regexp.MustCompile(`^arn:aws[a-z-]*:comprehend:[^:]*:[0-9]{12}:document-classifier-endpoint/.+$`),
	types.ScalableDimensionComprehendEntityRecognizerEndpointInferenceUnits: regexp.MustCompile(`^arn:aws[a-z-]*:comprehend:[^:]*:[0-9]{12}:entity-recognizer-endpoint/.+$`),
	types.ScalableDimensionLambdaFunctionProvisionedConcurrency:             regexp.MustCompile(`^function:[^:]+:[^:]+$`),
	types.ScalableDimensionCassandraTableReadCapacityUnits:                  regexp.MustCompile(`^keyspace/[^/]+/table/[^/]+$`),
	types.ScalableDimensionCassandraTableWriteCapacityUnits:                 regexp.MustCompile(`^keyspace/[^/]+/table/[^/]+$`),
	types.ScalableDimensionKafkaBrokerStorageVolumeSize:                     regexp.MustCompile(`^arn:aws[a-z-]*:kafka:.+$`),
	types.ScalableDimensionElastiCacheCacheClusterNodes:                     regexp.MustCompile(`^cache-cluster/[^/]+$`),
	types.ScalableDimensionElastiCacheReplicationGroupNodeGroups:            regexp.MustCompile(`^replication-group/[^/]+$`),
	types.ScalableDimensionElastiCacheReplicationGroupReplicas:              regexp.MustCompile(`^replication-group/[^/]+$`),
	types.ScalableDimensionNeptuneClusterReadReplicaCount:                   regexp.MustCompile(`^cluster:[^/]+$`),
	types.ScalableDimensionWorkSpacesWorkSpacesPoolDesiredUserSessions:      regexp.MustCompile(`^workspacespool/[^/]+$`),
}

// errUnsupported is AWS's answer to a namespace, resource ID and dimension that do not fit together.
func errUnsupported() error {
	return apierror.New("ValidationException", "Unsupported service namespace, resource type or scalable dimension")
}

// checkResource validates that a namespace, dimension and resource ID fit together.
func checkResource(ns types.ServiceNamespace, dim types.ScalableDimension, resourceID string) error {
	if !strings.HasPrefix(string(dim), string(ns)+":") {
		return errUnsupported()
	}
	re := resourcePatterns[dim]
	if re == nil || !re.MatchString(resourceID) {
		return errUnsupported()
	}
	return nil
}

// serviceLinkedRole is the role Application Auto Scaling uses for a namespace.
func serviceLinkedRole(sc store.Scope, ns types.ServiceNamespace, dim types.ScalableDimension) string {
	account := sc.Account
	base := "arn:" + api.Partition(sc.Region) + ":iam::" + account + ":role/aws-service-role/"
	switch ns {
	case types.ServiceNamespaceEcs:
		return base + "ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
	case types.ServiceNamespaceDynamodb:
		return base + "dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"
	case types.ServiceNamespaceEc2:
		return base + "ec2.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest"
	case types.ServiceNamespaceRds:
		return base + "rds.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_RDSCluster"
	case types.ServiceNamespaceSagemaker:
		return base + "sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
	case types.ServiceNamespaceAppstream:
		return base + "appstream.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_AppStreamFleet"
	case types.ServiceNamespaceLambda:
		return base + "lambda.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency"
	case types.ServiceNamespaceCassandra:
		return base + "cassandra.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_CassandraTable"
	case types.ServiceNamespaceComprehend:
		return base + "comprehend.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ComprehendEndpoint"
	case types.ServiceNamespaceKafka:
		return base + "kafka.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_KafkaCluster"
	case types.ServiceNamespaceElasticache:
		return base + "elasticache.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG"
	case types.ServiceNamespaceNeptune:
		return base + "neptune.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_NeptuneCluster"
	case types.ServiceNamespaceCustomResource:
		return base + "custom-resource.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_CustomResource"
	case types.ServiceNamespaceEmr:
		return "arn:" + api.Partition(sc.Region) + ":iam::" + account + ":role/EMR_AutoScaling_DefaultRole"
	case types.ServiceNamespaceWorkspaces:
		return base + "workspaces.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_WorkSpacesPool"
	}
	return base + string(ns) + ".application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling"
}

// albLabel is the ResourceLabel format of ALBRequestCountPerTarget.
var albLabel = regexp.MustCompile(`^app/[^/]+/[^/]+/targetgroup/[^/]+/[^/]+$`)

// ServiceLinkedRoleName is the name of the role an AWS service name's
// service-linked role has ("ecs.application-autoscaling.amazonaws.com").
func ServiceLinkedRoleName(awsServiceName string) string {
	if awsServiceName == "ecs.application-autoscaling.amazonaws.com" {
		return "AWSServiceRoleForApplicationAutoScaling_ECSService"
	}
	return ""
}
