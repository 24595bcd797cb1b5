package ecs_test

import (
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// TestInfraSurvivesRestart stops Longshore and starts it again on the same
// database file: clusters, task definitions, instances and settings are still there.
func TestInfraSurvivesRestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "state.db")
	var instanceArn string
	t.Run("before", func(t *testing.T) {
		client := ecs.NewFromConfig(longshoretest.StartWith(t, longshoretest.Options{DB: db}).Config)
		harness.CreateCluster(t, client, "durable")
		if _, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("durable")); err != nil {
			t.Fatal(err)
		}
		if _, err := client.PutAccountSettingDefault(harness.Ctx, &ecs.PutAccountSettingDefaultInput{Name: types.SettingNameContainerInsights, Value: aws.String("enhanced")}); err != nil {
			t.Fatal(err)
		}
		instanceArn = aws.ToString(infraRegisterInstance(t, client, "durable", "i-0keep", "t3.micro", "us-east-1a").ContainerInstanceArn)
	})
	t.Run("after", func(t *testing.T) {
		client := ecs.NewFromConfig(longshoretest.StartWith(t, longshoretest.Options{DB: db}).Config)
		d, err := client.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: []string{"durable"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Clusters) != 1 || d.Clusters[0].RegisteredContainerInstancesCount != 1 {
			t.Fatalf("cluster after restart %+v", d)
		}
		td, err := client.DescribeTaskDefinition(harness.Ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("durable")})
		if err != nil {
			t.Fatal(err)
		}
		if td.TaskDefinition.Revision != 1 {
			t.Errorf("revision %d", td.TaskDefinition.Revision)
		}
		// The family's revision counter survived too.
		next, err := client.RegisterTaskDefinition(harness.Ctx, infraFargateTaskDefinition("durable"))
		if err != nil {
			t.Fatal(err)
		}
		if next.TaskDefinition.Revision != 2 {
			t.Errorf("next revision %d", next.TaskDefinition.Revision)
		}
		if v, _ := infraSettingValue(t, client, types.SettingNameContainerInsights, nil, true); v != "enhanced" {
			t.Errorf("setting after restart %q", v)
		}
		ci, err := client.DescribeContainerInstances(harness.Ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("durable"), ContainerInstances: []string{instanceArn}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ci.ContainerInstances) != 1 {
			t.Errorf("instance after restart %+v", ci)
		}
	})
}
