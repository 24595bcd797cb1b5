package ecs

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// ExpressServices: id = service ARN, Parent = cluster ARN; the Express Mode
// view of a service. The service itself is an ordinary ECS service (managed
// by ECS: resourceManagementType ECS) that the cluster manager runs.
var ExpressServices = store.Collection[types.ECSExpressGatewayService]{Kind: "ecs/express-gateway-service"}

// Express Mode defaults.
const (
	expressContainerName   = "Main"
	expressDefaultCPU      = "256"
	expressDefaultMemory   = "512"
	expressDefaultPort     = 80
	expressDefaultHealth   = "/ping"
	expressDefaultTarget   = 60
	expressDefaultMinTasks = 1
	expressDefaultMaxTasks = 1
)

func registerExpress(s *api.Service) {
	api.Handle(s, "CreateExpressGatewayService", createExpressGatewayService)
	api.Handle(s, "DeleteExpressGatewayService", deleteExpressGatewayService)
	api.Handle(s, "DescribeExpressGatewayService", describeExpressGatewayService)
	api.Handle(s, "UpdateExpressGatewayService", updateExpressGatewayService)
}

// DefaultSubnets stands in for the default VPC's subnets: one per zone, with
// ids that are stable per account and region.
func DefaultSubnets(c *api.Context) []string {
	var out []string
	for _, zone := range AvailabilityZones(c.Region)[:2] {
		sum := sha256.Sum256([]byte(c.Account() + "/" + zone))
		out = append(out, "subnet-"+hex.EncodeToString(sum[:])[:17])
	}
	return out
}

func expressConfiguration(c *api.Context, name string, cur *types.ExpressGatewayServiceConfiguration, in *ecs.UpdateExpressGatewayServiceInput) types.ExpressGatewayServiceConfiguration {
	cfg := types.ExpressGatewayServiceConfiguration{}
	if cur != nil {
		cfg = *cur
	}
	if in.ExecutionRoleArn != nil {
		cfg.ExecutionRoleArn = in.ExecutionRoleArn
	}
	if in.TaskRoleArn != nil {
		cfg.TaskRoleArn = in.TaskRoleArn
	}
	if in.Cpu != nil {
		cfg.Cpu = in.Cpu
	}
	if in.Memory != nil {
		cfg.Memory = in.Memory
	}
	if in.HealthCheckPath != nil {
		cfg.HealthCheckPath = in.HealthCheckPath
	}
	if in.PrimaryContainer != nil {
		pc := *in.PrimaryContainer
		cfg.PrimaryContainer = &pc
	}
	if in.NetworkConfiguration != nil {
		cfg.NetworkConfiguration = in.NetworkConfiguration
	}
	if in.ScalingTarget != nil {
		cfg.ScalingTarget = in.ScalingTarget
	}
	if cfg.Cpu == nil {
		cfg.Cpu = aws.String(expressDefaultCPU)
	}
	if cfg.Memory == nil {
		cfg.Memory = aws.String(expressDefaultMemory)
	}
	if cfg.HealthCheckPath == nil {
		cfg.HealthCheckPath = aws.String(expressDefaultHealth)
	}
	if cfg.PrimaryContainer != nil && cfg.PrimaryContainer.ContainerPort == nil {
		cfg.PrimaryContainer.ContainerPort = aws.Int32(expressDefaultPort)
	}
	if cfg.NetworkConfiguration == nil {
		cfg.NetworkConfiguration = &types.ExpressGatewayServiceNetworkConfiguration{Subnets: DefaultSubnets(c), SecurityGroups: []string{}}
	}
	if len(cfg.NetworkConfiguration.Subnets) == 0 {
		cfg.NetworkConfiguration.Subnets = DefaultSubnets(c)
	}
	st := types.ExpressGatewayScalingTarget{}
	if cfg.ScalingTarget != nil {
		st = *cfg.ScalingTarget
	}
	if st.MinTaskCount == nil {
		st.MinTaskCount = aws.Int32(expressDefaultMinTasks)
	}
	if st.MaxTaskCount == nil {
		st.MaxTaskCount = aws.Int32(max(expressDefaultMaxTasks, *st.MinTaskCount))
	}
	if st.AutoScalingMetric == "" {
		st.AutoScalingMetric = types.ExpressGatewayServiceScalingMetricAverageCPUUtilization
	}
	if st.AutoScalingTargetValue == nil {
		st.AutoScalingTargetValue = aws.Int32(expressDefaultTarget)
	}
	cfg.ScalingTarget = &st
	if len(cfg.IngressPaths) == 0 {
		cfg.IngressPaths = []types.IngressPathSummary{{AccessType: types.AccessTypePublic, Endpoint: aws.String(expressEndpoint(c.Region, name))}}
	}
	cfg.CreatedAt = aws.Time(c.Now())
	return cfg
}

// expressEndpoint is the public URL Express Mode gives a service: the first
// two letters of its name, a dash and 32 hex digits, under ecs.REGION.on.aws.
func expressEndpoint(region, name string) string {
	prefix := strings.ToLower(name)
	if len(prefix) > 2 {
		prefix = prefix[:2]
	}
	return "https://" + prefix + "-" + api.HexID(32) + ".ecs." + region + ".on.aws"
}

func validateExpressConfiguration(cfg *types.ExpressGatewayServiceConfiguration) error {
	if cfg.PrimaryContainer == nil || aws.ToString(cfg.PrimaryContainer.Image) == "" {
		return errInvalid("The primary container must specify an image.")
	}
	if p := aws.ToInt32(cfg.PrimaryContainer.ContainerPort); p < 1 || p > 65535 {
		return errInvalid("The container port must be between 1 and 65535.")
	}
	st := cfg.ScalingTarget
	if *st.MinTaskCount < 0 || *st.MaxTaskCount < *st.MinTaskCount {
		return errInvalid("The maximum task count must be greater than or equal to the minimum task count.")
	}
	if int(*st.MaxTaskCount) > Quotas.TasksPerService {
		return errInvalid("The maximum task count exceeds the limit of %d tasks per service.", Quotas.TasksPerService)
	}
	return nil
}

// expressTaskDefinition registers the task definition revision that an
// Express configuration runs: one essential container "Main" on Fargate.
func expressTaskDefinition(c *api.Context, family string, cfg *types.ExpressGatewayServiceConfiguration) (*types.TaskDefinition, error) {
	pc := cfg.PrimaryContainer
	cd := types.ContainerDefinition{
		Name:        aws.String(expressContainerName),
		Image:       pc.Image,
		Essential:   aws.Bool(true),
		Command:     pc.Command,
		Environment: pc.Environment,
		Secrets:     pc.Secrets,
		PortMappings: []types.PortMapping{{ContainerPort: pc.ContainerPort, Protocol: types.TransportProtocolTcp,
			Name: aws.String(expressContainerName + "-" + strconv.Itoa(int(aws.ToInt32(pc.ContainerPort))))}},
	}
	if pc.RepositoryCredentials != nil {
		cd.RepositoryCredentials = &types.RepositoryCredentials{CredentialsParameter: pc.RepositoryCredentials.CredentialsParameter}
	}
	if lc := pc.AwsLogsConfiguration; lc != nil {
		cd.LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
			"awslogs-group": aws.ToString(lc.LogGroup), "awslogs-region": c.Region,
			"awslogs-stream-prefix": aws.ToString(lc.LogStreamPrefix)}}
	}
	out, err := registerTaskDefinition(c, &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family),
		ContainerDefinitions:    []types.ContainerDefinition{cd},
		Cpu:                     cfg.Cpu,
		Memory:                  cfg.Memory,
		NetworkMode:             types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ExecutionRoleArn:        cfg.ExecutionRoleArn,
		TaskRoleArn:             cfg.TaskRoleArn,
	})
	if err != nil {
		return nil, err
	}
	return out.TaskDefinition, nil
}

func expressNetwork(cfg *types.ExpressGatewayServiceConfiguration) *types.NetworkConfiguration {
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
		Subnets: cfg.NetworkConfiguration.Subnets, SecurityGroups: cfg.NetworkConfiguration.SecurityGroups,
		AssignPublicIp: types.AssignPublicIpDisabled}}
}

func createExpressGatewayService(c *api.Context, in *ecs.CreateExpressGatewayServiceInput) (*ecs.CreateExpressGatewayServiceOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.ServiceName)
	if name == "" {
		name = "express-" + api.HexID(10)
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, err
	}
	cfg := expressConfiguration(c, name, nil, &ecs.UpdateExpressGatewayServiceInput{
		ExecutionRoleArn: in.ExecutionRoleArn, TaskRoleArn: in.TaskRoleArn, Cpu: in.Cpu, Memory: in.Memory,
		HealthCheckPath: in.HealthCheckPath, PrimaryContainer: in.PrimaryContainer,
		NetworkConfiguration: in.NetworkConfiguration, ScalingTarget: in.ScalingTarget})
	if err := validateExpressConfiguration(&cfg); err != nil {
		return nil, err
	}
	td, err := expressTaskDefinition(c, name, &cfg)
	if err != nil {
		return nil, err
	}
	created, err := createService(c, &ecs.CreateServiceInput{
		Cluster: cl.ClusterArn, ServiceName: aws.String(name), TaskDefinition: td.TaskDefinitionArn,
		DesiredCount: cfg.ScalingTarget.MinTaskCount, LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: expressNetwork(&cfg), Tags: in.Tags,
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
	})
	if err != nil {
		return nil, err
	}
	svc := created.Service
	svc.ResourceManagementType = types.ResourceManagementTypeEcs
	svc.Tags = nil
	if err := ecscore.PutService(c.Tx, c.Scope(), svc); err != nil {
		return nil, err
	}
	cfg.TaskDefinitionArn = td.TaskDefinitionArn
	cfg.ServiceRevisionArn = currentRevisionArn(svc)
	now := c.Now()
	ex := &types.ECSExpressGatewayService{
		Cluster:               cl.ClusterArn,
		ServiceName:           aws.String(name),
		ServiceArn:            svc.ServiceArn,
		InfrastructureRoleArn: in.InfrastructureRoleArn,
		Status:                &types.ExpressGatewayServiceStatus{StatusCode: types.ExpressGatewayServiceStatusCodeActive},
		CurrentDeployment:     svc.CurrentServiceDeployment,
		ActiveConfigurations:  []types.ExpressGatewayServiceConfiguration{cfg},
		CreatedAt:             aws.Time(now),
		UpdatedAt:             aws.Time(now),
	}
	if err := ExpressServices.Put(c.Tx, c.Scope(), aws.ToString(ex.ServiceArn), store.Index{Parent: aws.ToString(cl.ClusterArn)}, ex); err != nil {
		return nil, err
	}
	ex.Tags = in.Tags
	return &ecs.CreateExpressGatewayServiceOutput{Service: ex}, nil
}

func currentRevisionArn(svc *types.Service) *string {
	if n := len(svc.CurrentServiceRevisions); n > 0 {
		return svc.CurrentServiceRevisions[n-1].Arn
	}
	return nil
}

// loadExpress loads an Express service and refreshes its status from the
// service underneath (DRAINING becomes INACTIVE once the service is).
func loadExpress(c *api.Context, arn string) (*types.ECSExpressGatewayService, *types.Service, error) {
	ex, err := ExpressServices.Get(c.Tx, c.Scope(), arn)
	if err != nil || ex == nil {
		return nil, nil, err
	}
	svc, err := ecscore.Services.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, nil, err
	}
	if svc != nil {
		switch aws.ToString(svc.Status) {
		case ecscore.ServiceDraining:
			ex.Status = &types.ExpressGatewayServiceStatus{StatusCode: types.ExpressGatewayServiceStatusCodeDraining}
		case ecscore.ServiceInactive:
			ex.Status = &types.ExpressGatewayServiceStatus{StatusCode: types.ExpressGatewayServiceStatusCodeInactive}
		}
		ex.CurrentDeployment = svc.CurrentServiceDeployment
	}
	return ex, svc, nil
}

func errExpressNotFound() error {
	return apierror.New("ServiceNotFoundException", "Service not found.")
}

func describeExpressGatewayService(c *api.Context, in *ecs.DescribeExpressGatewayServiceInput) (*ecs.DescribeExpressGatewayServiceOutput, error) {
	arn := aws.ToString(in.ServiceArn)
	ex, _, err := loadExpress(c, arn)
	if err != nil {
		return nil, err
	}
	if ex == nil {
		return nil, apierror.New("ResourceNotFoundException", "The specified Express service does not exist.")
	}
	for _, inc := range in.Include {
		if inc == types.ExpressGatewayServiceIncludeTags {
			if ex.Tags, err = ResourceTags(c, arn); err != nil {
				return nil, err
			}
		}
	}
	return &ecs.DescribeExpressGatewayServiceOutput{Service: ex}, nil
}

func deleteExpressGatewayService(c *api.Context, in *ecs.DeleteExpressGatewayServiceInput) (*ecs.DeleteExpressGatewayServiceOutput, error) {
	arn := aws.ToString(in.ServiceArn)
	ex, svc, err := loadExpress(c, arn)
	if err != nil {
		return nil, err
	}
	if ex == nil || svc == nil {
		return nil, errExpressNotFound()
	}
	if ex.Status.StatusCode != types.ExpressGatewayServiceStatusCodeActive {
		return nil, errServiceNotActive()
	}
	if _, err := deleteService(c, &ecs.DeleteServiceInput{Cluster: svc.ClusterArn, Service: svc.ServiceArn, Force: aws.Bool(true)}); err != nil {
		return nil, err
	}
	ex.Status = &types.ExpressGatewayServiceStatus{StatusCode: types.ExpressGatewayServiceStatusCodeDraining}
	ex.UpdatedAt = aws.Time(c.Now())
	if err := ExpressServices.Put(c.Tx, c.Scope(), arn, store.Index{Parent: aws.ToString(ex.Cluster)}, ex); err != nil {
		return nil, err
	}
	return &ecs.DeleteExpressGatewayServiceOutput{Service: ex}, nil
}

func updateExpressGatewayService(c *api.Context, in *ecs.UpdateExpressGatewayServiceInput) (*ecs.UpdateExpressGatewayServiceOutput, error) {
	arn := aws.ToString(in.ServiceArn)
	ex, svc, err := loadExpress(c, arn)
	if err != nil {
		return nil, err
	}
	if ex == nil || svc == nil {
		return nil, errExpressNotFound()
	}
	if ex.Status.StatusCode != types.ExpressGatewayServiceStatusCodeActive {
		return nil, errServiceNotActive()
	}
	var cur *types.ExpressGatewayServiceConfiguration
	if n := len(ex.ActiveConfigurations); n > 0 {
		cur = &ex.ActiveConfigurations[n-1]
	}
	cfg := expressConfiguration(c, aws.ToString(ex.ServiceName), cur, in)
	if err := validateExpressConfiguration(&cfg); err != nil {
		return nil, err
	}
	upd := &ecs.UpdateServiceInput{Cluster: svc.ClusterArn, Service: svc.ServiceArn, DesiredCount: clampDesired(svc.DesiredCount, cfg.ScalingTarget)}
	if in.PrimaryContainer != nil || in.Cpu != nil || in.Memory != nil || in.ExecutionRoleArn != nil || in.TaskRoleArn != nil {
		td, err := expressTaskDefinition(c, aws.ToString(ex.ServiceName), &cfg)
		if err != nil {
			return nil, err
		}
		upd.TaskDefinition = td.TaskDefinitionArn
		cfg.TaskDefinitionArn = td.TaskDefinitionArn
	}
	if in.NetworkConfiguration != nil {
		upd.NetworkConfiguration = expressNetwork(&cfg)
	}
	res, err := updateService(c, upd)
	if err != nil {
		return nil, err
	}
	cfg.ServiceRevisionArn = currentRevisionArn(res.Service)
	ex.ActiveConfigurations = []types.ExpressGatewayServiceConfiguration{cfg}
	ex.CurrentDeployment = res.Service.CurrentServiceDeployment
	ex.UpdatedAt = aws.Time(c.Now())
	if err := ExpressServices.Put(c.Tx, c.Scope(), arn, store.Index{Parent: aws.ToString(ex.Cluster)}, ex); err != nil {
		return nil, err
	}
	return &ecs.UpdateExpressGatewayServiceOutput{Service: &types.UpdatedExpressGatewayService{
		ServiceArn: ex.ServiceArn, Cluster: ex.Cluster, ServiceName: ex.ServiceName, Status: ex.Status,
		TargetConfiguration: &cfg, CreatedAt: ex.CreatedAt, UpdatedAt: ex.UpdatedAt}}, nil
}

// clampDesired keeps a desired count inside an Express scaling target.
func clampDesired(n int32, st *types.ExpressGatewayScalingTarget) *int32 {
	n = max(n, aws.ToInt32(st.MinTaskCount))
	n = min(n, aws.ToInt32(st.MaxTaskCount))
	return aws.Int32(n)
}
