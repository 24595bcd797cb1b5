package ecs_test

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestWorkloadTaskSetsExternal(t *testing.T) {
	e := wlStart(t)
	td1 := e.fargateFamily(t, "web", "nginx:1")
	td2 := e.fargateFamily(t, "web", "nginx:2")
	out, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("ext"),
		DesiredCount: aws.Int32(4), DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Service.Deployments) != 0 || len(out.Service.TaskSets) != 0 || out.Service.TaskDefinition != nil {
		t.Errorf("external service %+v", out.Service)
	}

	create := func(td string, scale float64) *types.TaskSet {
		t.Helper()
		res, err := e.client.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
			TaskDefinition: aws.String(td), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0)),
			ExternalId: aws.String("deploy-1"), Scale: &types.Scale{Value: scale, Unit: types.ScaleUnitPercent},
			Tags: []types.Tag{wlTag("stage", "blue")}})
		if err != nil {
			t.Fatal(err)
		}
		return res.TaskSet
	}
	blue := create(td1, 100)
	if !regexp.MustCompile(`^arn:aws:ecs:us-east-1:000000000000:task-set/apps/ext/ecs-svc/[0-9]{19}$`).MatchString(aws.ToString(blue.TaskSetArn)) ||
		!wlDeploymentIDRE.MatchString(aws.ToString(blue.Id)) {
		t.Errorf("task set ids %s %s", aws.ToString(blue.TaskSetArn), aws.ToString(blue.Id))
	}
	if aws.ToString(blue.Status) != "ACTIVE" || blue.ComputedDesiredCount != 4 || aws.ToString(blue.ExternalId) != "deploy-1" ||
		blue.StabilityStatus != types.StabilityStatusStabilizing || aws.ToString(blue.PlatformVersion) != "LATEST" || aws.ToString(blue.TaskDefinition) != td1 {
		t.Errorf("task set %+v", blue)
	}
	green := create(td2, 50)
	if green.ComputedDesiredCount != 2 {
		t.Errorf("green computed %d", green.ComputedDesiredCount)
	}

	p, err := e.client.UpdateServicePrimaryTaskSet(harness.Ctx, &ecs.UpdateServicePrimaryTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		PrimaryTaskSet: blue.TaskSetArn})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(p.TaskSet.Status) != "PRIMARY" {
		t.Errorf("primary %s", aws.ToString(p.TaskSet.Status))
	}
	u, err := e.client.UpdateTaskSet(harness.Ctx, &ecs.UpdateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskSet: green.Id, Scale: &types.Scale{Value: 100, Unit: types.ScaleUnitPercent}})
	if err != nil {
		t.Fatal(err)
	}
	if u.TaskSet.ComputedDesiredCount != 4 {
		t.Errorf("scaled green %d", u.TaskSet.ComputedDesiredCount)
	}
	p, err = e.client.UpdateServicePrimaryTaskSet(harness.Ctx, &ecs.UpdateServicePrimaryTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		PrimaryTaskSet: green.Id})
	if err != nil {
		t.Fatal(err)
	}

	d, err := e.client.DescribeTaskSets(harness.Ctx, &ecs.DescribeTaskSetsInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskSets: []string{aws.ToString(blue.TaskSetArn), aws.ToString(green.TaskSetArn), "ecs-svc/0000000000000000000"}, Include: []types.TaskSetField{types.TaskSetFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.TaskSets) != 2 || aws.ToString(d.TaskSets[0].Status) != "ACTIVE" || aws.ToString(d.TaskSets[1].Status) != "PRIMARY" ||
		!wlHasTag(d.TaskSets[1].Tags, "stage", "blue") {
		t.Errorf("task sets %+v", d.TaskSets)
	}
	if len(d.Failures) != 1 || aws.ToString(d.Failures[0].Reason) != "MISSING" {
		t.Errorf("failures %+v", d.Failures)
	}
	svc, err := e.client.DescribeServices(harness.Ctx, &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{"ext"}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(svc.Services[0].TaskDefinition) != td2 || len(svc.Services[0].TaskSets) != 2 {
		t.Errorf("service after primary switch: td %s, %d task sets", aws.ToString(svc.Services[0].TaskDefinition), len(svc.Services[0].TaskSets))
	}

	_, err = e.client.DeleteTaskSet(harness.Ctx, &ecs.DeleteTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"), TaskSet: green.Id})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	del, err := e.client.DeleteTaskSet(harness.Ctx, &ecs.DeleteTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"), TaskSet: blue.Id})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(del.TaskSet.Status) != "DRAINING" {
		t.Errorf("deleted task set %s", aws.ToString(del.TaskSet.Status))
	}
	_, err = e.client.UpdateTaskSet(harness.Ctx, &ecs.UpdateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskSet: aws.String("ecs-svc/0000000000000000000"), Scale: &types.Scale{Value: 10, Unit: types.ScaleUnitPercent}})
	harness.AssertAPIError(t, err, "TaskSetNotFoundException")
	_, err = e.client.UpdateTaskSet(harness.Ctx, &ecs.UpdateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"),
		TaskSet: green.Id, Scale: &types.Scale{Value: 150, Unit: types.ScaleUnitPercent}})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	// The service's desired count carries to its task sets.
	up, err := e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"), DesiredCount: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range up.Service.TaskSets {
		if aws.ToString(ts.Status) != "DRAINING" && ts.ComputedDesiredCount != 10 {
			t.Errorf("task set %s computed %d", aws.ToString(ts.Id), ts.ComputedDesiredCount)
		}
	}
	_, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("ext"), TaskDefinition: aws.String(td1)})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

func TestWorkloadTaskSetsNeedExternalController(t *testing.T) {
	e := wlStart(t)
	e.fargateFamily(t, "web", "nginx")
	e.createFargateService(t, "web", "web", 1)
	_, err := e.client.CreateTaskSet(harness.Ctx, &ecs.CreateTaskSetInput{Cluster: aws.String(e.cluster), Service: aws.String("web"),
		TaskDefinition: aws.String("web"), NetworkConfiguration: wlNetwork(e.subnet(t, 0))})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = e.client.DescribeTaskSets(harness.Ctx, &ecs.DescribeTaskSetsInput{Cluster: aws.String(e.cluster), Service: aws.String("ghost")})
	harness.AssertAPIError(t, err, "ServiceNotFoundException")

	// CODE_DEPLOY services start with a PRIMARY task set and refuse definition updates.
	out, err := e.client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String(e.cluster), ServiceName: aws.String("cd"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: wlNetwork(e.subnet(t, 0)),
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Service.TaskSets) != 1 || aws.ToString(out.Service.TaskSets[0].Status) != "PRIMARY" || out.Service.TaskSets[0].ComputedDesiredCount != 2 ||
		aws.ToString(out.Service.TaskSets[0].StartedBy) != "CodeDeploy" || len(out.Service.Deployments) != 0 {
		t.Errorf("code deploy service %+v", out.Service)
	}
	_, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("cd"), TaskDefinition: aws.String("web")})
	ae := harness.AssertAPIError(t, err, "InvalidParameterException")
	if ae.ErrorMessage() != "Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	_, err = e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("cd"), NetworkConfiguration: wlNetwork(e.subnet(t, 2))})
	ae = harness.AssertAPIError(t, err, "InvalidParameterException")
	if ae.ErrorMessage() != "Unable to update network parameters on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// What CodeDeploy services may change, they change: the task set follows the desired count.
	up, err := e.client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String("cd"), DesiredCount: aws.Int32(6)})
	if err != nil {
		t.Fatal(err)
	}
	if up.Service.TaskSets[0].ComputedDesiredCount != 6 {
		t.Errorf("task set computed %d", up.Service.TaskSets[0].ComputedDesiredCount)
	}
}
