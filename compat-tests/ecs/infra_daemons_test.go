package ecs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func infraDaemonTaskDefinition(client *ecs.Client, t *testing.T, family, image string) string {
	t.Helper()
	out, err := client.RegisterDaemonTaskDefinition(harness.Ctx, &ecs.RegisterDaemonTaskDefinitionInput{Family: aws.String(family),
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.DaemonContainerDefinition{{Name: aws.String("agent"), Image: aws.String(image), Memory: aws.Int32(128)}},
		Tags:                 []types.Tag{{Key: aws.String("kind"), Value: aws.String("daemon")}}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.DaemonTaskDefinitionArn)
}

func TestInfraDaemonTaskDefinitions(t *testing.T) {
	client := infraClient(t)
	a1 := infraDaemonTaskDefinition(client, t, "monitor", "datadog/agent:7")
	a2 := infraDaemonTaskDefinition(client, t, "monitor", "datadog/agent:8")
	infraDaemonTaskDefinition(client, t, "logs", "fluent-bit:3")
	if a1 != "arn:aws:ecs:us-east-1:000000000000:daemon-task-definition/monitor:1" || !strings.HasSuffix(a2, "monitor:2") {
		t.Errorf("arns %s %s", a1, a2)
	}
	d, err := client.DescribeDaemonTaskDefinition(harness.Ctx, &ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String("monitor")})
	if err != nil {
		t.Fatal(err)
	}
	td := d.DaemonTaskDefinition
	if td.Revision != 2 || aws.ToString(td.ContainerDefinitions[0].Image) != "datadog/agent:8" || !aws.ToBool(td.ContainerDefinitions[0].Essential) ||
		td.Status != types.DaemonTaskDefinitionStatusActive || aws.ToString(td.Cpu) != "256" {
		t.Errorf("describe %+v", td)
	}
	_, err = client.RegisterDaemonTaskDefinition(harness.Ctx, &ecs.RegisterDaemonTaskDefinitionInput{Family: aws.String("bad"),
		ContainerDefinitions: []types.DaemonContainerDefinition{{Name: aws.String("x"), Image: aws.String("i"), Essential: aws.Bool(false)}}})
	harness.AssertAPIError(t, err, "ClientException")
	_, err = client.DescribeDaemonTaskDefinition(harness.Ctx, &ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String("absent")})
	harness.AssertAPIError(t, err, "ClientException")

	del, err := client.DeleteDaemonTaskDefinition(harness.Ctx, &ecs.DeleteDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String("monitor:1")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(del.DaemonTaskDefinitionArn) != a1 {
		t.Errorf("deleted %s", aws.ToString(del.DaemonTaskDefinitionArn))
	}
	var arns []string
	var token *string
	for pages := 0; pages < 10; pages++ {
		page, err := client.ListDaemonTaskDefinitions(harness.Ctx, &ecs.ListDaemonTaskDefinitionsInput{MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.DaemonTaskDefinitions {
			arns = append(arns, aws.ToString(s.Arn))
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(arns) != 2 || !strings.HasSuffix(arns[0], "logs:1") || !strings.HasSuffix(arns[1], "monitor:2") {
		t.Errorf("active list %v", arns)
	}
	// Nothing runs monitor:1, so its deletion completes at once.
	if err := ecs.NewDaemonTaskDefinitionDeletedWaiter(client).Wait(harness.Ctx,
		&ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String(a1)}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	gone, err := client.DescribeDaemonTaskDefinition(harness.Ctx, &ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String("monitor:1")})
	if err != nil {
		t.Fatal(err)
	}
	if gone.DaemonTaskDefinition.Status != types.DaemonTaskDefinitionStatusDeleted || gone.DaemonTaskDefinition.DeleteRequestedAt == nil {
		t.Errorf("deleted %+v", gone.DaemonTaskDefinition)
	}
	if err := ecs.NewDaemonTaskDefinitionActiveWaiter(client).Wait(harness.Ctx,
		&ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String("monitor")}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	l, err := client.ListDaemonTaskDefinitions(harness.Ctx, &ecs.ListDaemonTaskDefinitionsInput{Status: types.DaemonTaskDefinitionStatusFilterAll,
		FamilyPrefix: aws.String("mon"), Sort: types.SortOrderDesc})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.DaemonTaskDefinitions) != 1 || !strings.HasSuffix(aws.ToString(l.DaemonTaskDefinitions[0].Arn), "monitor:2") {
		t.Errorf("all monitor %+v", l.DaemonTaskDefinitions)
	}
	l, err = client.ListDaemonTaskDefinitions(harness.Ctx, &ecs.ListDaemonTaskDefinitionsInput{Revision: types.DaemonTaskDefinitionRevisionFilterLastRegistered,
		Status: types.DaemonTaskDefinitionStatusFilterAll})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.DaemonTaskDefinitions) != 2 {
		t.Errorf("last registered %+v", l.DaemonTaskDefinitions)
	}
	tags, err := client.ListTagsForResource(harness.Ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(a2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 {
		t.Errorf("daemon task definition tags %+v", tags.Tags)
	}
}

func TestInfraDaemons(t *testing.T) {
	client := infraClient(t)
	cl := harness.CreateCluster(t, client, "mi")
	clusterArn := cl.ClusterArn
	cp, err := client.CreateCapacityProvider(harness.Ctx, infraManagedProvider("mi-cp", "mi"))
	if err != nil {
		t.Fatal(err)
	}
	cpArn := aws.ToString(cp.CapacityProvider.CapacityProviderArn)
	td1 := infraDaemonTaskDefinition(client, t, "monitor", "agent:1")
	td2 := infraDaemonTaskDefinition(client, t, "monitor", "agent:2")

	// Daemons run only on Managed Instances providers.
	_, err = client.CreateDaemon(harness.Ctx, &ecs.CreateDaemonInput{DaemonName: aws.String("d"), ClusterArn: clusterArn,
		DaemonTaskDefinitionArn: aws.String(td1), CapacityProviderArns: []string{"arn:aws:ecs:us-east-1:000000000000:capacity-provider/FARGATE"}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.CreateDaemon(harness.Ctx, &ecs.CreateDaemonInput{DaemonName: aws.String("d"), ClusterArn: aws.String("absent"),
		DaemonTaskDefinitionArn: aws.String(td1), CapacityProviderArns: []string{cpArn}})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")

	out, err := client.CreateDaemon(harness.Ctx, &ecs.CreateDaemonInput{DaemonName: aws.String("monitor"), ClusterArn: clusterArn,
		DaemonTaskDefinitionArn: aws.String(td1), CapacityProviderArns: []string{cpArn}, ClientToken: aws.String("tok-1"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("obs")}}})
	if err != nil {
		t.Fatal(err)
	}
	daemonArn := aws.ToString(out.DaemonArn)
	if daemonArn != "arn:aws:ecs:us-east-1:000000000000:daemon/mi/monitor" || out.Status != types.DaemonStatusActive || out.DeploymentArn == nil {
		t.Errorf("create %+v", out)
	}
	again, err := client.CreateDaemon(harness.Ctx, &ecs.CreateDaemonInput{DaemonName: aws.String("monitor"), ClusterArn: clusterArn,
		DaemonTaskDefinitionArn: aws.String(td1), CapacityProviderArns: []string{cpArn}, ClientToken: aws.String("tok-1")})
	if err != nil || aws.ToString(again.DeploymentArn) != aws.ToString(out.DeploymentArn) {
		t.Errorf("idempotent create: %v %+v", err, again)
	}
	_, err = client.CreateDaemon(harness.Ctx, &ecs.CreateDaemonInput{DaemonName: aws.String("monitor"), ClusterArn: clusterArn,
		DaemonTaskDefinitionArn: aws.String(td1), CapacityProviderArns: []string{cpArn}})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	d, err := client.DescribeDaemon(harness.Ctx, &ecs.DescribeDaemonInput{DaemonArn: aws.String(daemonArn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Daemon.CurrentRevisions) != 1 || aws.ToString(d.Daemon.CurrentRevisions[0].CapacityProviders[0].Arn) != cpArn {
		t.Errorf("describe %+v", d.Daemon)
	}
	firstRevision := aws.ToString(d.Daemon.CurrentRevisions[0].Arn)

	up, err := client.UpdateDaemon(harness.Ctx, &ecs.UpdateDaemonInput{DaemonArn: aws.String(daemonArn), DaemonTaskDefinitionArn: aws.String(td2),
		CapacityProviderArns: []string{cpArn}, EnableExecuteCommand: true})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.DeploymentArn) == aws.ToString(out.DeploymentArn) || up.UpdatedAt == nil {
		t.Errorf("update %+v", up)
	}
	deps, err := client.DescribeDaemonDeployments(harness.Ctx, &ecs.DescribeDaemonDeploymentsInput{
		DaemonDeploymentArns: []string{aws.ToString(up.DeploymentArn), aws.ToString(out.DeploymentArn), "arn:aws:ecs:us-east-1:000000000000:daemon-deployment/mi/monitor/1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(deps.DaemonDeployments) != 2 || len(deps.Failures) != 1 || aws.ToString(deps.Failures[0].Reason) != "MISSING" {
		t.Fatalf("deployments %+v", deps)
	}
	// Longshore launches no Managed Instances, so there is nothing to roll out: deployments succeed at once.
	newest := deps.DaemonDeployments[0]
	if newest.Status != types.DaemonDeploymentStatusSuccessful || newest.FinishedAt == nil || len(newest.SourceDaemonRevisions) != 1 ||
		aws.ToString(newest.SourceDaemonRevisions[0].Arn) != firstRevision {
		t.Errorf("new deployment %+v", newest)
	}
	if err := ecs.NewDaemonDeploymentSuccessfulWaiter(client).Wait(harness.Ctx,
		&ecs.DescribeDaemonDeploymentsInput{DaemonDeploymentArns: []string{aws.ToString(up.DeploymentArn)}}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := ecs.NewDaemonActiveWaiter(client).Wait(harness.Ctx, &ecs.DescribeDaemonInput{DaemonArn: aws.String(daemonArn)}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	revs, err := client.DescribeDaemonRevisions(harness.Ctx, &ecs.DescribeDaemonRevisionsInput{
		DaemonRevisionArns: []string{aws.ToString(newest.TargetDaemonRevision.Arn), "arn:aws:ecs:us-east-1:000000000000:daemon-revision/mi/monitor/1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(revs.DaemonRevisions) != 1 || len(revs.Failures) != 1 {
		t.Fatalf("revisions %+v", revs)
	}
	rev := revs.DaemonRevisions[0]
	if aws.ToString(rev.DaemonTaskDefinitionArn) != td2 || !aws.ToBool(rev.EnableExecuteCommand) || aws.ToString(rev.ContainerImages[0].Image) != "agent:2" {
		t.Errorf("revision %+v", rev)
	}

	var summaries []types.DaemonDeploymentSummary
	var token *string
	for pages := 0; pages < 10; pages++ {
		page, err := client.ListDaemonDeployments(harness.Ctx, &ecs.ListDaemonDeploymentsInput{DaemonArn: aws.String(daemonArn), MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		summaries = append(summaries, page.DaemonDeployments...)
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(summaries) != 2 || aws.ToString(summaries[0].DaemonDeploymentArn) != aws.ToString(up.DeploymentArn) {
		t.Errorf("deployment list %+v", summaries)
	}
	byStatus, err := client.ListDaemonDeployments(harness.Ctx, &ecs.ListDaemonDeploymentsInput{DaemonArn: aws.String(daemonArn),
		Status: []types.DaemonDeploymentStatus{types.DaemonDeploymentStatusStopped, types.DaemonDeploymentStatusPending}})
	if err != nil {
		t.Fatal(err)
	}
	if len(byStatus.DaemonDeployments) != 0 {
		t.Errorf("stopped or pending deployments %+v", byStatus.DaemonDeployments)
	}
	future := time.Now().Add(time.Hour)
	byTime, err := client.ListDaemonDeployments(harness.Ctx, &ecs.ListDaemonDeploymentsInput{DaemonArn: aws.String(daemonArn),
		CreatedAt: &types.CreatedAt{Before: &future}})
	if err != nil {
		t.Fatal(err)
	}
	if len(byTime.DaemonDeployments) != 2 {
		t.Errorf("deployments created before now+1h: %d", len(byTime.DaemonDeployments))
	}

	// The task definition in use cannot be deleted.
	_, err = client.DeleteDaemonTaskDefinition(harness.Ctx, &ecs.DeleteDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String(td2)})
	harness.AssertAPIError(t, err, "ClientException")

	l, err := client.ListDaemons(harness.Ctx, &ecs.ListDaemonsInput{ClusterArn: clusterArn, CapacityProviderArns: []string{cpArn}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.DaemonSummariesList) != 1 || aws.ToString(l.DaemonSummariesList[0].DaemonArn) != daemonArn {
		t.Errorf("list %+v", l.DaemonSummariesList)
	}
	_, err = client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("mi")})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	del, err := client.DeleteDaemon(harness.Ctx, &ecs.DeleteDaemonInput{DaemonArn: aws.String(daemonArn)})
	if err != nil {
		t.Fatal(err)
	}
	if del.Status != types.DaemonStatusDeleteInProgress {
		t.Errorf("delete %+v", del)
	}
	_, err = client.DeleteDaemon(harness.Ctx, &ecs.DeleteDaemonInput{DaemonArn: aws.String(daemonArn)})
	harness.AssertAPIError(t, err, "DaemonNotActiveException")
	_, err = client.UpdateDaemon(harness.Ctx, &ecs.UpdateDaemonInput{DaemonArn: aws.String(daemonArn), DaemonTaskDefinitionArn: aws.String(td2), CapacityProviderArns: []string{cpArn}})
	harness.AssertAPIError(t, err, "DaemonNotActiveException")
	_, err = client.DescribeDaemon(harness.Ctx, &ecs.DescribeDaemonInput{DaemonArn: aws.String("arn:aws:ecs:us-east-1:000000000000:daemon/mi/absent")})
	harness.AssertAPIError(t, err, "DaemonNotFoundException")

	// The cluster goes once its Managed Instances provider is gone.
	_, err = client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("mi")})
	harness.AssertAPIError(t, err, "ClusterContainsCapacityProviderException")
	if _, err := client.DeleteCapacityProvider(harness.Ctx, &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String(cpArn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("mi")}); err != nil {
		t.Fatal(err)
	}
}
