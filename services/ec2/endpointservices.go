package ec2

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
)

// endpointServices are the AWS services that offer VPC endpoints in a
// region, as DescribeVpcEndpointServices lists them (com.amazonaws.REGION.
// followed by these names); s3 and dynamodb also offer gateway endpoints.
var endpointServices = []string{"access-analyzer", "acm-pca", "airflow.api", "airflow.env", "airflow.ops", "analytics-omics",
	"app-integrations", "appconfig", "appconfigdata", "application-autoscaling", "applicationinsights", "apprunner", "apprunner.requests",
	"appstream.api", "appstream.streaming", "appsync-api", "aps", "aps-workspaces", "athena", "auditmanager", "autoscaling",
	"autoscaling-plans", "backup", "backup-gateway", "batch", "bedrock", "bedrock-agent", "bedrock-agent-runtime", "bedrock-runtime",
	"billingconductor", "braket", "cassandra", "cassandra-fips", "cloudcontrolapi", "cloudcontrolapi-fips", "cloudformation",
	"cloudhsmv2", "cloudtrail", "codeartifact.api", "codeartifact.repositories", "codebuild", "codebuild-fips", "codecommit",
	"codecommit-fips", "codedeploy", "codedeploy-commands-secure", "codeguru-profiler", "codeguru-reviewer", "codepipeline",
	"codestar-connections.api", "comprehend", "comprehendmedical", "config", "connect-campaigns", "dataexchange", "datasync",
	"detective", "devops-guru", "dms", "dms-fips", "ds", "dynamodb", "ebs", "ec2", "ec2messages", "ecr.api", "ecr.dkr", "ecs",
	"ecs-agent", "ecs-telemetry", "eks", "eks-auth", "elastic-inference.runtime", "elasticache", "elasticache-fips",
	"elasticbeanstalk", "elasticbeanstalk-health", "elasticfilesystem", "elasticfilesystem-fips", "elasticloadbalancing",
	"elasticmapreduce", "email-smtp", "emr-containers", "emr-serverless", "emrwal.prod", "events", "evidently", "evidently-dataplane",
	"execute-api", "finspace", "finspace-api", "firehose", "fis", "forecast", "forecast-fips", "forecastquery", "forecastquery-fips",
	"frauddetector", "fsx", "fsx-fips", "git-codecommit", "git-codecommit-fips", "glue", "glue.dashboard", "grafana", "grafana-workspace",
	"greengrass", "groundstation", "guardduty-data", "guardduty-data-fips", "healthlake", "iam", "identitystore", "imagebuilder",
	"inspector2", "iot.data", "iot.fleethub.api", "iotfleetwise", "iotroborunner", "iotsitewise.api", "iotsitewise.data",
	"iottwinmaker.api", "iottwinmaker.data", "kafka", "kafka-fips", "kendra", "kendra-ranking", "kinesis-firehose", "kinesis-streams",
	"kms", "kms-fips", "lakeformation", "lambda", "license-manager", "license-manager-fips", "logs", "lookoutequipment",
	"lookoutmetrics", "lookoutvision", "m2", "macie2", "managedblockchain-query", "memory-db", "memorydb-fips", "mgn", "migrationhub-orchestrator",
	"migrationhub-strategy", "monitoring", "mq", "neptune-graph", "network-firewall", "network-firewall-fips", "nimble", "oam",
	"omics-analytics", "omics-control-storage", "omics-storage", "omics-tags", "omics-workflows", "panorama", "payment-cryptography.controlplane",
	"payment-cryptography.dataplane", "pca-connector-ad", "personalize", "personalize-events", "personalize-runtime", "pinpoint",
	"pinpoint-sms-voice-v2", "pipes", "pipes-data", "pipes-fips", "polly", "private-networks", "profile", "proton", "qldb.session",
	"quicksight-website", "rbin", "rds", "rds-data", "redshift", "redshift-data", "redshift-data-fips", "redshift-fips",
	"redshift-serverless", "redshift-serverless-fips", "rekognition", "rekognition-fips", "resource-groups", "robomaker", "rolesanywhere",
	"rum", "rum-dataplane", "s3", "s3-outposts", "sagemaker.api", "sagemaker.featurestore-runtime", "sagemaker.metrics",
	"sagemaker.runtime", "sagemaker.runtime-fips", "scheduler", "schemas", "sdb", "secretsmanager", "securityhub", "securitylake",
	"servicecatalog", "servicecatalog-appregistry", "servicediscovery", "servicediscovery-fips", "signin", "simspaceweaver", "snow-device-management",
	"sns", "sqs", "ssm", "ssm-contacts", "ssm-incidents", "ssmmessages", "states", "storagegateway", "sts", "sync-states", "synthetics",
	"tnb", "textract", "textract-fips", "transcribe", "transcribestreaming", "transfer", "transfer.server", "translate",
	"verifiedpermissions", "vpc-lattice", "wisdom", "workspaces", "workspaces-web", "xray"}

func endpointServiceTypes(svc string) []types.ServiceType {
	switch svc {
	case "dynamodb":
		return []types.ServiceType{types.ServiceTypeGateway}
	case "s3":
		return []types.ServiceType{types.ServiceTypeGateway, types.ServiceTypeInterface}
	}
	return []types.ServiceType{types.ServiceTypeInterface}
}

// knownEndpointService reports whether a service offers endpoints of a type ("" = any).
func knownEndpointService(svc string, t types.VpcEndpointType) bool {
	for _, s := range endpointServices {
		if s != svc {
			continue
		}
		for _, st := range endpointServiceTypes(s) {
			if t == "" || string(st) == string(t) {
				return true
			}
		}
	}
	return false
}

func registerEndpointServices(s *api.Service) {
	handle(s, "DescribeVpcEndpointServices", describeVpcEndpointServices)
}

func endpointServiceDetails(region string) []*types.ServiceDetail {
	zones := AvailabilityZones(region)
	var ids []string
	for _, z := range zones {
		ids = append(ids, ZoneID(z))
	}
	var out []*types.ServiceDetail
	for _, svc := range endpointServices {
		for _, st := range endpointServiceTypes(svc) {
			name := "com.amazonaws." + region + "." + svc
			h := sha256.Sum256([]byte(name + string(st)))
			d := &types.ServiceDetail{ServiceName: aws.String(name), ServiceId: aws.String("vpce-svc-" + hex.EncodeToString(h[:])[:17]),
				ServiceType: []types.ServiceTypeDetail{{ServiceType: st}}, ServiceRegion: aws.String(region), AvailabilityZones: zones, AvailabilityZoneIds: ids,
				Owner: aws.String("amazon"), BaseEndpointDnsNames: []string{svc + "." + region + ".vpce.amazonaws.com"},
				VpcEndpointPolicySupported: aws.Bool(true), AcceptanceRequired: aws.Bool(false), ManagesVpcEndpoints: aws.Bool(false),
				SupportedIpAddressTypes: []types.ServiceConnectivityType{types.ServiceConnectivityTypeIpv4}, Tags: []types.Tag{}}
			if st == types.ServiceTypeInterface {
				dns := svc + "." + region + ".amazonaws.com"
				if svc == "ecr.dkr" {
					dns = "*.dkr.ecr." + region + ".amazonaws.com"
				} else if svc == "ecr.api" {
					dns = "api.ecr." + region + ".amazonaws.com"
				}
				d.PrivateDnsName = aws.String(dns)
				d.PrivateDnsNames = []types.PrivateDnsDetails{{PrivateDnsName: aws.String(dns)}}
				d.PrivateDnsNameVerificationState = types.DnsNameStateVerified
			}
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return aws.ToString(out[i].ServiceName) < aws.ToString(out[j].ServiceName) })
	return out
}

func describeVpcEndpointServices(c *api.Context, in *sdk.DescribeVpcEndpointServicesInput) (*sdk.DescribeVpcEndpointServicesOutput, error) {
	docs := endpointServiceDetails(c.Region)
	for _, n := range in.ServiceNames {
		if !knownEndpointService(strings.TrimPrefix(n, "com.amazonaws."+c.Region+"."), "") {
			return nil, apiErr("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist", n)
		}
	}
	var sel []*types.ServiceDetail
	for _, d := range docs {
		if len(in.ServiceNames) == 0 || inList(in.ServiceNames, aws.ToString(d.ServiceName)) {
			sel = append(sel, d)
		}
	}
	l := listing[types.ServiceDetail]{op: "DescribeVpcEndpointServices",
		id: func(d *types.ServiceDetail) string { return aws.ToString(d.ServiceId) },
		fields: func(d *types.ServiceDetail) fields {
			f := fields{}
			f.addPtr("service-name", d.ServiceName)
			f.addPtr("service-region", d.ServiceRegion)
			f.addPtr("owner", d.Owner)
			for _, t := range d.ServiceType {
				f.add("service-type", string(t.ServiceType))
			}
			return f
		},
		tags:    func(d *types.ServiceDetail) []types.Tag { return d.Tags },
		filters: []string{"service-name", "service-region", "owner", "service-type"},
	}
	out, next, err := l.run(c, sel, nil, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	res := &sdk.DescribeVpcEndpointServicesOutput{ServiceDetails: values(out), NextToken: next}
	seen := map[string]bool{}
	for _, d := range out {
		if n := aws.ToString(d.ServiceName); !seen[n] {
			seen[n] = true
			res.ServiceNames = append(res.ServiceNames, n)
		}
	}
	return res, nil
}

// echoEndpointOptions keeps an endpoint's IP address type and DNS options
// as the request sent them; an interface endpoint sent none resolves over
// IPv4.
func echoEndpointOptions(e *types.VpcEndpoint, in *sdk.CreateVpcEndpointInput) {
	if in.IpAddressType != "" {
		e.IpAddressType = in.IpAddressType
	}
	if o := in.DnsOptions; o != nil {
		e.DnsOptions = &types.DnsOptions{DnsRecordIpType: o.DnsRecordIpType,
			PrivateDnsOnlyForInboundResolverEndpoint: o.PrivateDnsOnlyForInboundResolverEndpoint}
	} else if e.VpcEndpointType == types.VpcEndpointTypeInterface {
		e.DnsOptions = &types.DnsOptions{DnsRecordIpType: types.DnsRecordIpTypeIpv4}
	}
}
