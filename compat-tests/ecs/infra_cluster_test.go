package ecs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestInfraClusterLifecycle(t *testing.T) {
	client := infraClient(t)
	out, err := client.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{
		ClusterName:            aws.String("prod"),
		Settings:               []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}},
		Tags:                   []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}},
		ServiceConnectDefaults: &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("internal")},
	})
	if err != nil {
		t.Fatal(err)
	}
	cl := out.Cluster
	if got := aws.ToString(cl.ClusterArn); got != "arn:aws:ecs:us-east-1:000000000000:cluster/prod" {
		t.Errorf("arn %s", got)
	}
	if aws.ToString(cl.Status) != "ACTIVE" || len(cl.Settings) != 1 || aws.ToString(cl.Settings[0].Value) != "enabled" {
		t.Errorf("cluster %+v", cl)
	}
	if cl.ServiceConnectDefaults == nil || len(aws.ToString(cl.ServiceConnectDefaults.Namespace)) == 0 {
		t.Errorf("service connect defaults missing")
	}

	// CreateCluster of an existing name answers with that cluster.
	again := harness.CreateCluster(t, client, "prod")
	if aws.ToString(again.ClusterArn) != aws.ToString(cl.ClusterArn) {
		t.Errorf("second create %s", aws.ToString(again.ClusterArn))
	}

	d, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{
		Clusters: []string{"prod", "nope", "arn:aws:ecs:us-east-1:000000000000:cluster/other"},
		Include:  []types.ClusterField{types.ClusterFieldTags, types.ClusterFieldStatistics, types.ClusterFieldSettings},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Clusters) != 1 || len(d.Failures) != 2 {
		t.Fatalf("describe: %d clusters, %d failures", len(d.Clusters), len(d.Failures))
	}
	if aws.ToString(d.Failures[0].Reason) != "MISSING" || aws.ToString(d.Failures[0].Arn) != "arn:aws:ecs:us-east-1:000000000000:cluster/nope" {
		t.Errorf("failure %+v", d.Failures[0])
	}
	got := d.Clusters[0]
	if len(got.Tags) != 1 || aws.ToString(got.Tags[0].Key) != "team" {
		t.Errorf("tags %+v", got.Tags)
	}
	if len(got.Statistics) == 0 {
		t.Errorf("statistics missing")
	}
	// Without include the optional parts are left out.
	plain, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"prod"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Clusters[0].Tags) != 0 || len(plain.Clusters[0].Settings) != 0 || len(plain.Clusters[0].Statistics) != 0 {
		t.Errorf("optional parts returned without include: %+v", plain.Clusters[0])
	}

	up, err := client.UpdateClusterSettings(harness.Ctx, &ecs.UpdateClusterSettingsInput{Cluster: aws.String("prod"),
		Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("disabled")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.Cluster.Settings[0].Value) != "disabled" {
		t.Errorf("settings after update %+v", up.Cluster.Settings)
	}
	uc, err := client.UpdateCluster(harness.Ctx, &ecs.UpdateClusterInput{Cluster: aws.String("prod"),
		Configuration: &types.ClusterConfiguration{ExecuteCommandConfiguration: &types.ExecuteCommandConfiguration{Logging: types.ExecuteCommandLoggingDefault}}})
	if err != nil {
		t.Fatal(err)
	}
	if uc.Cluster.Configuration == nil || uc.Cluster.Configuration.ExecuteCommandConfiguration.Logging != types.ExecuteCommandLoggingDefault {
		t.Errorf("configuration %+v", uc.Cluster.Configuration)
	}

	del, err := client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(del.Cluster.Status) != "INACTIVE" {
		t.Errorf("status after delete %s", aws.ToString(del.Cluster.Status))
	}
	_, err = client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("prod")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
	_, err = client.UpdateCluster(harness.Ctx, &ecs.UpdateClusterInput{Cluster: aws.String("prod")})
	harness.AssertAPIError(t, err, "ClusterNotFoundException")
	// An inactive cluster is still described, with its status.
	d, err = client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"prod"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Clusters) != 1 || aws.ToString(d.Clusters[0].Status) != "INACTIVE" {
		t.Errorf("inactive cluster %+v", d)
	}
}

func TestInfraClusterValidation(t *testing.T) {
	client := infraClient(t)
	_, err := client.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("bad name!")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("x"),
		Tags: []types.Tag{{Key: aws.String("aws:reserved"), Value: aws.String("v")}}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String("x"),
		Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("maybe")}}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	// Nothing was created by the refused calls.
	l, err := client.ListClusters(harness.Ctx, &ecs.ListClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.ClusterArns) != 0 {
		t.Errorf("clusters after refused creates: %v", l.ClusterArns)
	}
}

func TestInfraDefaultCluster(t *testing.T) {
	client := infraClient(t)
	out, err := client.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Cluster.ClusterName) != "default" {
		t.Errorf("name %s", aws.ToString(out.Cluster.ClusterName))
	}
	d, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Clusters) != 1 || aws.ToString(d.Clusters[0].ClusterName) != "default" {
		t.Errorf("describe default %+v", d)
	}
}

func TestInfraListClustersPaginator(t *testing.T) {
	client := infraClient(t)
	want := map[string]bool{}
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		want[aws.ToString(harness.CreateCluster(t, client, n).ClusterArn)] = true
	}
	// A deleted cluster stays listed, INACTIVE (TestI13ListClustersListsInactiveClusters).
	if _, err := client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	p := ecs.NewListClustersPaginator(client, &ecs.ListClustersInput{MaxResults: aws.Int32(2)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.ClusterArns) > 2 {
			t.Errorf("page of %d", len(page.ClusterArns))
		}
		got = append(got, page.ClusterArns...)
	}
	if len(got) != 5 || pages != 3 {
		t.Fatalf("listed %v in %d pages", got, pages)
	}
	for _, a := range got {
		if !want[a] {
			t.Errorf("unexpected %s", a)
		}
	}
	_, err := client.ListClusters(harness.Ctx, &ecs.ListClustersInput{NextToken: aws.String("forged-token")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

func TestInfraDeleteClusterRefusesInstances(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "ec2")
	ci := infraRegisterInstance(t, client, "ec2", "i-0123456789abcdef0", "t3.medium", "us-east-1a")
	_, err := client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("ec2")})
	ae := harness.AssertAPIError(t, err, "ClusterContainsContainerInstancesException")
	if ae.ErrorMessage() != "The Cluster cannot be deleted while Container Instances are active or draining." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	d, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"ec2"}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Clusters[0].RegisteredContainerInstancesCount != 1 {
		t.Errorf("registeredContainerInstancesCount %d", d.Clusters[0].RegisteredContainerInstancesCount)
	}
	if _, err := client.DeregisterContainerInstance(harness.Ctx, &ecs.DeregisterContainerInstanceInput{
		Cluster: aws.String("ec2"), ContainerInstance: ci.ContainerInstanceArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("ec2")}); err != nil {
		t.Fatal(err)
	}
}

func TestInfraClusterCountsAndDeleteRules(t *testing.T) {
	client := infraClient(t)
	harness.CreateCluster(t, client, "svc")
	if _, err := client.RegisterTaskDefinition(harness.Ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx"), Memory: aws.Int32(128)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("svc"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeEc2}); err != nil {
		t.Fatal(err)
	}
	d, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"svc"}, Include: []types.ClusterField{types.ClusterFieldStatistics}})
	if err != nil {
		t.Fatal(err)
	}
	cl := d.Clusters[0]
	if cl.ActiveServicesCount != 1 {
		t.Errorf("activeServicesCount %d", cl.ActiveServicesCount)
	}
	stats := map[string]string{}
	for _, kv := range cl.Statistics {
		stats[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	if stats["activeEC2ServiceCount"] != "1" || stats["activeFargateServiceCount"] != "0" || stats["runningEC2TasksCount"] != "0" {
		t.Errorf("statistics %v", stats)
	}
	_, err = client.DeleteCluster(harness.Ctx, &ecs.DeleteClusterInput{Cluster: aws.String("svc")})
	ae := harness.AssertAPIError(t, err, "ClusterContainsServicesException")
	if ae.ErrorMessage() != "The Cluster cannot be deleted while Services are active." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}
