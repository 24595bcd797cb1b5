package ecs_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"

	"github.com/longshore/longshore/compat-tests/harness"
)

var (
	wlDeploymentIDRE         = regexp.MustCompile(`^ecs-svc/[0-9]{19}$`)
	wlServiceDeploymentARNRE = regexp.MustCompile(`^arn:aws:ecs:us-east-1:000000000000:service-deployment/apps/web/[A-Za-z0-9_-]{21}$`)
	wlServiceRevisionARNRE   = regexp.MustCompile(`^arn:aws:ecs:us-east-1:000000000000:service-revision/apps/web/[0-9]{19}$`)
)

func (e *wlEnv) createFargateService(t *testing.T, name, td string, desired int32) *types.Service {
	t.Helper()
	out, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(e.cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(desired), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0), e.subnet(t, 1)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Service
}

func TestWorkloadCreateServiceFargate(t *testing.T) {
	e := wlStart(t)
	tdArn := e.fargateFamily(t, "web", "nginx")
	tgArn := e.albTargetGroup(t, "web")
	// Service Connect names a Cloud Map namespace that exists.
	harness.Must(servicediscovery.NewFromConfig(e.ls.Config).CreateHttpNamespace(harness.Ctx, &servicediscovery.CreateHttpNamespaceInput{Name: aws.String("internal")}))(t)
	out, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(e.cluster), ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(3), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0), e.subnet(t, 1)),
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(tgArn),
			ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}},
		ServiceRegistries:    []types.ServiceRegistry{{RegistryArn: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-0123456789")}},
		PlacementConstraints: nil, PropagateTags: types.PropagateTagsService, EnableExecuteCommand: true,
		ServiceConnectConfiguration:   &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("internal")},
		HealthCheckGracePeriodSeconds: aws.Int32(30),
		Tags:                          []types.Tag{wlTag("app", "web")},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := out.Service
	if aws.ToString(s.ServiceArn) != "arn:aws:ecs:us-east-1:000000000000:service/apps/web" || aws.ToString(s.ServiceName) != "web" ||
		aws.ToString(s.ClusterArn) != wlClusterArn("apps") || aws.ToString(s.Status) != "ACTIVE" {
		t.Errorf("service identity %s %s %s", aws.ToString(s.ServiceArn), aws.ToString(s.ClusterArn), aws.ToString(s.Status))
	}
	if s.DesiredCount != 3 || s.RunningCount != 0 || s.PendingCount != 0 || aws.ToString(s.TaskDefinition) != tdArn {
		t.Errorf("counts %d/%d/%d td %s", s.DesiredCount, s.RunningCount, s.PendingCount, aws.ToString(s.TaskDefinition))
	}
	if s.LaunchType != types.LaunchTypeFargate || aws.ToString(s.PlatformVersion) != "LATEST" || aws.ToString(s.PlatformFamily) != "Linux" ||
		s.SchedulingStrategy != types.SchedulingStrategyReplica || s.DeploymentController.Type != types.DeploymentControllerTypeEcs {
		t.Errorf("launch %s %s %s %s", s.LaunchType, aws.ToString(s.PlatformVersion), s.SchedulingStrategy, s.DeploymentController.Type)
	}
	cfg := s.DeploymentConfiguration
	if aws.ToInt32(cfg.MaximumPercent) != 200 || aws.ToInt32(cfg.MinimumHealthyPercent) != 100 ||
		!cfg.DeploymentCircuitBreaker.Enable || !cfg.DeploymentCircuitBreaker.Rollback {
		t.Errorf("deployment configuration %+v", cfg)
	}
	if len(s.LoadBalancers) != 1 || len(s.ServiceRegistries) != 1 || !s.EnableExecuteCommand || s.PropagateTags != types.PropagateTagsService ||
		aws.ToInt32(s.HealthCheckGracePeriodSeconds) != 30 || s.CreatedAt == nil || s.Events == nil || len(s.Events) != 0 {
		t.Errorf("service settings %+v", s)
	}
	if aws.ToString(s.RoleArn) != "arn:aws:iam::000000000000:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS" {
		t.Errorf("role %s", aws.ToString(s.RoleArn))
	}
	if len(s.Deployments) != 1 {
		t.Fatalf("deployments %+v", s.Deployments)
	}
	d := s.Deployments[0]
	if !wlDeploymentIDRE.MatchString(aws.ToString(d.Id)) || aws.ToString(d.Status) != "PRIMARY" || d.DesiredCount != 3 ||
		d.RolloutState != types.DeploymentRolloutStateInProgress || aws.ToString(d.TaskDefinition) != tdArn ||
		aws.ToString(d.PlatformVersion) != "1.4.0" || d.CreatedAt == nil || d.UpdatedAt == nil || d.NetworkConfiguration == nil ||
		d.ServiceConnectConfiguration == nil || !d.ServiceConnectConfiguration.Enabled {
		t.Errorf("deployment %+v", d)
	}
	if !wlServiceDeploymentARNRE.MatchString(aws.ToString(s.CurrentServiceDeployment)) || len(s.CurrentServiceRevisions) != 1 ||
		!wlServiceRevisionARNRE.MatchString(aws.ToString(s.CurrentServiceRevisions[0].Arn)) {
		t.Errorf("current deployment %s revisions %+v", aws.ToString(s.CurrentServiceDeployment), s.CurrentServiceRevisions)
	}

	// The same name again is not an idempotent create.
	_, err = e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0))})
	ae := harness.AssertAPIError(t, err, "InvalidParameterException")
	if ae.ErrorMessage() != "Creation of service was not idempotent." {
		t.Errorf("message %q", ae.ErrorMessage())
	}

	// DescribeServices: tags on request, unknown names as failures.
	desc, err := e.client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster),
		Services: []string{"web", "ghost"}, Include: []types.ServiceField{types.ServiceFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.Services) != 1 || !wlHasTag(desc.Services[0].Tags, "app", "web") {
		t.Errorf("described %+v", desc.Services)
	}
	// A name AWS does not know comes back in the short form, without the cluster:
	// "arn:aws:ecs:eu-central-1:***:service/cyphrspace is MISSING", the failure
	// quoted in aws-actions/amazon-ecs-deploy-task-definition#369 (and #312),
	// which prints DescribeServices' failure arn and reason.
	if len(desc.Failures) != 1 || aws.ToString(desc.Failures[0].Reason) != "MISSING" ||
		aws.ToString(desc.Failures[0].Arn) != "arn:aws:ecs:us-east-1:000000000000:service/ghost" {
		t.Errorf("failures %+v", desc.Failures)
	}

	// The service deployment and revision recorded on create.
	ld, err := e.client.ListServiceDeployments(harness.Ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.cluster), Service: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ld.ServiceDeployments) != 1 || aws.ToString(ld.ServiceDeployments[0].ServiceDeploymentArn) != aws.ToString(s.CurrentServiceDeployment) {
		t.Fatalf("service deployments %+v", ld.ServiceDeployments)
	}
	sdArn := aws.ToString(s.CurrentServiceDeployment)
	sd, err := e.client.DescribeServiceDeployments(harness.Ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{sdArn, sdArn + "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.ServiceDeployments) != 1 || len(sd.Failures) != 1 {
		t.Fatalf("describe service deployments %+v %+v", sd.ServiceDeployments, sd.Failures)
	}
	got := sd.ServiceDeployments[0]
	if aws.ToString(got.ServiceArn) != aws.ToString(s.ServiceArn) || got.TargetServiceRevision == nil ||
		aws.ToString(got.TargetServiceRevision.Arn) != aws.ToString(s.CurrentServiceRevisions[0].Arn) || got.TargetServiceRevision.RequestedTaskCount != 3 ||
		got.DeploymentCircuitBreaker == nil || got.DeploymentCircuitBreaker.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoring ||
		got.DeploymentCircuitBreaker.Threshold != 3 {
		t.Errorf("service deployment %+v", got)
	}
	rev, err := e.client.DescribeServiceRevisions(harness.Ctx, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{aws.ToString(s.CurrentServiceRevisions[0].Arn)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.ServiceRevisions) != 1 || aws.ToString(rev.ServiceRevisions[0].TaskDefinition) != tdArn ||
		len(rev.ServiceRevisions[0].ContainerImages) != 1 || aws.ToString(rev.ServiceRevisions[0].ContainerImages[0].Image) != "nginx" ||
		len(rev.ServiceRevisions[0].LoadBalancers) != 1 {
		t.Errorf("revision %+v", rev.ServiceRevisions)
	}

	// ListServicesByNamespace finds the service by its Service Connect namespace.
	ns, err := e.client.ListServicesByNamespace(harness.Ctx, &ecs.ListServicesByNamespaceInput{Namespace: aws.String("internal")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns.ServiceArns) != 1 || ns.ServiceArns[0] != aws.ToString(s.ServiceArn) {
		t.Errorf("by namespace %v", ns.ServiceArns)
	}
}

func TestWorkloadListServicesPagingAndFilters(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	e.bridgeFamily(t, "worker")
	for _, name := range []string{"a", "b", "c"} {
		e.createFargateService(t, name, "web", 0)
	}
	if _, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("agent"),
		TaskDefinition: aws.String("worker"), LaunchType: types.LaunchTypeEc2, SchedulingStrategy: types.SchedulingStrategyDaemon}); err != nil {
		t.Fatal(err)
	}
	list := func(in *ecs.ListServicesInput) []string {
		t.Helper()
		in.Cluster = aws.String(e.cluster)
		var arns []string
		p := ecs.NewListServicesPaginator(e.client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(harness.Ctx)
			if err != nil {
				t.Fatal(err)
			}
			if in.MaxResults != nil && len(page.ServiceArns) > int(*in.MaxResults) {
				t.Fatalf("page of %d", len(page.ServiceArns))
			}
			arns = append(arns, page.ServiceArns...)
		}
		return arns
	}
	if got := list(&ecs.ListServicesInput{MaxResults: aws.Int32(2)}); len(got) != 4 || got[0] != "arn:aws:ecs:us-east-1:000000000000:service/apps/a" {
		t.Errorf("all services %v", got)
	}
	if got := list(&ecs.ListServicesInput{LaunchType: types.LaunchTypeEc2}); len(got) != 1 {
		t.Errorf("EC2 services %v", got)
	}
	if got := list(&ecs.ListServicesInput{SchedulingStrategy: types.SchedulingStrategyReplica}); len(got) != 3 {
		t.Errorf("replica services %v", got)
	}
	_, err := e.client.ListServices(harness.Ctx, &ecs.ListServicesInput{Cluster: aws.String(e.cluster), NextToken: aws.String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = e.client.ListServices(harness.Ctx, &ecs.ListServicesInput{Cluster: aws.String("nope")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")

	// DAEMON services get the daemon deployment defaults.
	d, err := e.client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{"agent"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := d.Services[0].DeploymentConfiguration
	if aws.ToInt32(cfg.MaximumPercent) != 100 || aws.ToInt32(cfg.MinimumHealthyPercent) != 0 || d.Services[0].DesiredCount != 0 {
		t.Errorf("daemon configuration %+v desired %d", cfg, d.Services[0].DesiredCount)
	}
}

func TestWorkloadUpdateServiceDeployments(t *testing.T) {
	e := wlStart(t)
	td1 := e.fargateFamily(t, "web", "nginx:1")
	s := e.createFargateService(t, "web", "web", 2)
	firstID := aws.ToString(s.Deployments[0].Id)

	// A desiredCount change alone resizes the PRIMARY deployment.
	up, err := e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web"), DesiredCount: aws.Int32(5)})
	if err != nil {
		t.Fatal(err)
	}
	if up.Service.DesiredCount != 5 || len(up.Service.Deployments) != 1 || up.Service.Deployments[0].DesiredCount != 5 ||
		aws.ToString(up.Service.Deployments[0].Id) != firstID {
		t.Errorf("resize %+v", up.Service.Deployments)
	}

	// A new revision starts a new PRIMARY; the old one becomes ACTIVE.
	td2 := e.fargateFamily(t, "web", "nginx:2")
	up, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web"), TaskDefinition: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	deps := up.Service.Deployments
	if len(deps) != 2 || aws.ToString(deps[0].Status) != "PRIMARY" || aws.ToString(deps[0].TaskDefinition) != td2 || deps[0].DesiredCount != 5 ||
		aws.ToString(deps[1].Status) != "ACTIVE" || aws.ToString(deps[1].Id) != firstID || aws.ToString(deps[1].TaskDefinition) != td1 {
		t.Fatalf("deployments after new revision %+v", deps)
	}
	if aws.ToString(up.Service.TaskDefinition) != td2 {
		t.Errorf("service definition %s", aws.ToString(up.Service.TaskDefinition))
	}

	// forceNewDeployment with the same definition starts another one.
	up, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web"), ForceNewDeployment: true})
	if err != nil {
		t.Fatal(err)
	}
	// The cluster manager may already have drained the oldest one.
	if len(up.Service.Deployments) < 2 || aws.ToString(up.Service.Deployments[0].TaskDefinition) != td2 ||
		aws.ToString(up.Service.Deployments[0].Status) != "PRIMARY" || aws.ToString(up.Service.Deployments[1].Status) != "ACTIVE" {
		t.Errorf("deployments after force %+v", up.Service.Deployments)
	}

	// Each deployment is recorded; the superseded ones are stopped; newest first.
	// The SDK has no paginator for ListServiceDeployments: follow nextToken by hand.
	var briefs []types.ServiceDeploymentBrief
	var token *string
	for {
		page, err := e.client.ListServiceDeployments(harness.Ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.cluster),
			Service: aws.String("web"), MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.ServiceDeployments) > 1 {
			t.Fatalf("page of %d", len(page.ServiceDeployments))
		}
		briefs = append(briefs, page.ServiceDeployments...)
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(briefs) != 3 || aws.ToString(briefs[0].ServiceDeploymentArn) != aws.ToString(up.Service.CurrentServiceDeployment) ||
		briefs[0].Status != types.ServiceDeploymentStatusInProgress || briefs[1].Status == types.ServiceDeploymentStatusInProgress {
		t.Errorf("service deployments %+v", briefs)
	}
	inProgress, err := e.client.ListServiceDeployments(harness.Ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.cluster), Service: aws.String("web"),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusInProgress}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inProgress.ServiceDeployments) != 1 {
		t.Errorf("in progress %+v", inProgress.ServiceDeployments)
	}
	sd, err := e.client.DescribeServiceDeployments(harness.Ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(up.Service.CurrentServiceDeployment)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.ServiceDeployments[0].SourceServiceRevisions) == 0 {
		t.Errorf("source revisions %+v", sd.ServiceDeployments[0].SourceServiceRevisions)
	}

	// Deployment configuration updates merge; invalid ones are refused and change nothing.
	up, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web"),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50)}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(up.Service.DeploymentConfiguration.MinimumHealthyPercent) != 50 || aws.ToInt32(up.Service.DeploymentConfiguration.MaximumPercent) != 200 ||
		aws.ToString(up.Service.CurrentServiceDeployment) != aws.ToString(briefs[0].ServiceDeploymentArn) {
		t.Errorf("merged configuration %+v", up.Service.DeploymentConfiguration)
	}
	_, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web"),
		DesiredCount: aws.Int32(5001)})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("nope"), DesiredCount: aws.Int32(1)})
	harness.AssertAPIError(t, err, "ServiceNotFoundException")

	// Stopping the in-flight deployment asks for a rollback; a second stop conflicts.
	cur := aws.ToString(up.Service.CurrentServiceDeployment)
	stop, err := e.client.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(cur)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(stop.ServiceDeploymentArn) != cur {
		t.Errorf("stop answered %s", aws.ToString(stop.ServiceDeploymentArn))
	}
	sd, _ = e.client.DescribeServiceDeployments(harness.Ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{cur}})
	if sd.ServiceDeployments[0].Status != types.ServiceDeploymentStatusRollbackRequested {
		t.Errorf("status after stop %s", sd.ServiceDeployments[0].Status)
	}
	_, err = e.client.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(cur)})
	harness.AssertAPIError(t, err, "ConflictException")
	_, err = e.client.StopServiceDeployment(harness.Ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(cur + "nope")})
	harness.AssertAPIError(t, err, "ServiceDeploymentNotFoundException")
	_, err = e.client.ContinueServiceDeployment(harness.Ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(cur), HookId: aws.String("hook-1")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = e.client.ContinueServiceDeployment(harness.Ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(cur + "nope"), HookId: aws.String("hook-1")})
	harness.AssertAPIError(t, err, "ServiceDeploymentNotFoundException")
}

func TestWorkloadDeleteService(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	e.createFargateService(t, "web", "web", 2)

	_, err := e.client.DeleteService(harness.Ctx, &ecs.DeleteServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web")})
	ae := harness.AssertAPIError(t, err, "InvalidParameterException")
	if ae.ErrorMessage() != "The service cannot be stopped while it is scaled above 0." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	del, err := e.client.DeleteService(harness.Ctx, &ecs.DeleteServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web"), Force: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(del.Service.Status) != "DRAINING" || del.Service.DesiredCount != 0 {
		t.Errorf("deleted service %s desired %d", aws.ToString(del.Service.Status), del.Service.DesiredCount)
	}
	l, err := e.client.ListServices(harness.Ctx, &ecs.ListServicesInput{Cluster: aws.String(e.cluster)})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.ServiceArns) != 0 {
		t.Errorf("deleted service still listed %v", l.ServiceArns)
	}
	d, err := e.client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Services) != 1 || (aws.ToString(d.Services[0].Status) != "DRAINING" && aws.ToString(d.Services[0].Status) != "INACTIVE") {
		t.Fatalf("described deleted service %+v", d.Services)
	}
	_, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web"), DesiredCount: aws.Int32(1)})
	harness.AssertAPIError(t, err, "ServiceNotActiveException")

	// With nothing left to drain the service is INACTIVE, and the name can be used again.
	if err := ecs.NewServicesInactiveWaiter(e.client).Wait(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{"web"}}, 30e9); err != nil {
		t.Fatal(err)
	}
	again := e.createFargateService(t, "web", "web", 0)
	if aws.ToString(again.Status) != "ACTIVE" {
		t.Errorf("recreated %s", aws.ToString(again.Status))
	}
	if _, err := e.client.DeleteService(harness.Ctx, &ecs.DeleteServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("web")}); err != nil {
		t.Errorf("delete of a service at 0: %v", err)
	}
	_, err = e.client.DeleteService(harness.Ctx, &ecs.DeleteServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("ghost")})
	harness.AssertAPIError(t, err, "ServiceNotFoundException")
}

func TestWorkloadServiceValidation(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	e.bridgeFamily(t, "worker")
	tests := []struct {
		name string
		in   ecs.CreateServiceInput
		code string
		msg  string
	}{
		{"awsvpc without network", ecs.CreateServiceInput{TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate},
			"InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified."},
		{"launch type and strategy", ecs.CreateServiceInput{TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
			CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}}, NetworkConfiguration: wlNetwork(e.subnet(t, 0))},
			"InvalidParameterException", "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."},
		{"daemon with desired count", ecs.CreateServiceInput{TaskDefinition: aws.String("worker"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeEc2,
			SchedulingStrategy: types.SchedulingStrategyDaemon}, "InvalidParameterException",
			// The real response quoted in fabfuel/ecs-deploy#59 and kayac/ecspresso#20.
			"The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again"},
		{"daemon with placement strategy", ecs.CreateServiceInput{TaskDefinition: aws.String("worker"), LaunchType: types.LaunchTypeEc2,
			SchedulingStrategy: types.SchedulingStrategyDaemon, PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("instanceId")}}},
			// The real response quoted in reproio/ecs_deploy#93.
			"InvalidParameterException", "The daemon scheduling strategy does not support placement strategies. Remove the placement strategy and try again"},
		{"load balancer container missing", ecs.CreateServiceInput{TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
			NetworkConfiguration: wlNetwork(e.subnet(t, 0)), LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String("arn:tg"), ContainerName: aws.String("api"), ContainerPort: aws.Int32(80)}}},
			"InvalidParameterException", "The container api does not exist in the task definition."},
		{"role with awsvpc", ecs.CreateServiceInput{TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
			NetworkConfiguration: wlNetwork(e.subnet(t, 0)), Role: aws.String("ecsServiceRole")},
			"InvalidParameterException", "You cannot specify an IAM role for services that require a service linked role."},
		{"too many tasks", ecs.CreateServiceInput{TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(5001), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0))},
			"InvalidParameterException", ""},
		{"bad placement", ecs.CreateServiceInput{TaskDefinition: aws.String("worker"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeEc2,
			PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("instanceId")}}},
			"InvalidParameterException", ""},
		{"unknown definition", ecs.CreateServiceInput{TaskDefinition: aws.String("nope"), DesiredCount: aws.Int32(1)}, "ClientException", "Unable to describe task definition."},
		{"unknown cluster", ecs.CreateServiceInput{Cluster: aws.String("nope"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1)}, "ClusterNotFoundException", "Cluster not found."},
	}
	for _, tt := range tests {
		in := tt.in
		in.ServiceName = aws.String("svc")
		if in.Cluster == nil {
			in.Cluster = aws.String(e.cluster)
		}
		_, err := e.client.CreateService(harness.Ctx, &in)
		harness.Refused(t, tt.name, err, tt.code, tt.msg)
	}
	l, err := e.client.ListServices(harness.Ctx, &ecs.ListServicesInput{Cluster: aws.String(e.cluster)})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.ServiceArns) != 0 {
		t.Errorf("refused creates left services %v", l.ServiceArns)
	}
}

// waitServiceTasks waits for the cluster manager to start n tasks of a service
// and returns their ARNs (ListTasks by serviceName).
func (e *wlEnv) waitServiceTasks(t *testing.T, service string, n int) []string {
	t.Helper()
	var arns []string
	harness.Eventually(t, 10*time.Second, fmt.Sprintf("%d tasks of service %s", n, service), func() (bool, string) {
		l, err := e.client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String(e.cluster), ServiceName: aws.String(service)})
		if err != nil {
			t.Fatal(err)
		}
		arns = l.TaskArns
		return len(arns) == n, fmt.Sprint(arns)
	})
	return arns
}

func TestWorkloadServiceTasksListedByServiceName(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	e.fargateFamily(t, "api", "nginx")
	e.createFargateService(t, "web", "web", 2)
	if _, err := e.client.RunTask(harness.Ctx, &ecs.RunTaskInput{Cluster: aws.String(e.cluster), TaskDefinition: aws.String("api"),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0))}); err != nil {
		t.Fatal(err)
	}
	// The cluster manager starts the service's tasks; only they are listed under its name.
	arns := e.waitServiceTasks(t, "web", 2)
	d, err := e.client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String(e.cluster), Tasks: arns})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range d.Tasks {
		if aws.ToString(task.Group) != "service:web" || !wlDeploymentIDRE.MatchString(aws.ToString(task.StartedBy)) {
			t.Errorf("service task group %s startedBy %s", aws.ToString(task.Group), aws.ToString(task.StartedBy))
		}
	}
	up, err := e.client.UpdateTaskProtection(harness.Ctx, &ecs.UpdateTaskProtectionInput{Cluster: aws.String(e.cluster),
		Tasks: arns, ProtectionEnabled: true, ExpiresInMinutes: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.ProtectedTasks) != 2 || len(up.Failures) != 0 {
		t.Errorf("protection of service tasks %+v %+v", up.ProtectedTasks, up.Failures)
	}
}

func TestWorkloadCreateServiceClientToken(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	in := &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0)), ClientToken: aws.String("t-1")}
	first, err := e.client.CreateService(harness.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.client.CreateService(harness.Ctx, in)
	if err != nil {
		t.Fatalf("retry with the same token: %v", err)
	}
	if aws.ToString(again.Service.ServiceArn) != aws.ToString(first.Service.ServiceArn) ||
		aws.ToString(again.Service.Deployments[0].Id) != aws.ToString(first.Service.Deployments[0].Id) {
		t.Errorf("retry answered another service")
	}
	in.ClientToken = aws.String("t-2")
	_, err = e.client.CreateService(harness.Ctx, in)
	harness.AssertAPIError(t, err, "InvalidParameterException")
}
