package ui_test

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/chromedp/chromedp"

	"github.com/longshore/longshore/compat-tests/harness"
)

const (
	clusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/ui"
	serviceArn = "arn:aws:ecs:us-east-1:000000000000:service/ui/web"
)

// One browser session walks through what a tester does: watch tasks
// appear, stop one, fail an instance, raise the load, at both widths, with
// no console error on the way.
func TestDashboardLive(t *testing.T) {
	ls := harness.StartScaled(t, 60)
	p := openPage(t, ls)
	client := ecs.NewFromConfig(ls.Config)

	p.goTo("clusters", "")
	harness.CreateCluster(t, client, "ui")
	p.waitTrue(5*time.Second, "the new cluster's card", `[...document.querySelectorAll(".cluster-card h2")].some(e => e.textContent.includes("ui"))`)

	// Two simulated EC2 instances, and a service of four tasks on them.
	insts := harness.RegisterInstances(t, ls, map[string]any{"cluster": "ui", "instanceType": "m5.large", "count": 2})
	p.goTo("cluster", clusterArn)
	p.waitTrue(5*time.Second, "two container instance boxes", `document.querySelectorAll("[data-instance]").length === 2`)
	td := harness.RegisterTaskDefinition(t, client, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityEc2},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Essential: aws.Bool(true),
			Cpu: 256, Memory: aws.Int32(256)}}})
	if _, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("ui"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(4), LaunchType: types.LaunchTypeEc2}); err != nil {
		t.Fatal(err)
	}
	created := time.Now()
	// The tasks are on screen within 2 s of the service (on an idle machine).
	p.waitTrue(2*time.Second, "four task blocks inside the instance boxes", `document.querySelectorAll("[data-instance] .task").length === 4`)
	t.Logf("tasks drawn %v after CreateService returned", time.Since(created).Round(time.Millisecond))
	p.waitTrue(20*time.Second, "four running task blocks", `document.querySelectorAll("[data-instance] .task.RUNNING").length === 4`)
	p.noHorizontalScroll(390, "cluster")
	p.noHorizontalScroll(1280, "cluster")

	// Stop a task from the keyboard: the service replaces it.
	p.goTo("service", serviceArn)
	p.waitTrue(10*time.Second, "four live tasks in the service view", `document.querySelectorAll(".service-tasks .stop-task").length === 4`)
	before := taskIDs(p, ".service-tasks a[data-task-id]")
	victim := eval[string](p, `(() => { const b = document.querySelector(".service-tasks .stop-task"); b.focus(); return b.closest("tr").querySelector("a[data-task-id]").dataset.taskId })()`)
	p.pressEnter()
	p.waitTrue(5*time.Second, "the confirmation dialog, from the keyboard", `document.getElementById("confirm").open && document.activeElement.id === "confirm-ok"`)
	p.pressEnter()
	p.waitTrue(10*time.Second, "the dialog to close", `!document.getElementById("confirm").open`)
	p.waitTrue(20*time.Second, "the stopped task shown STOPPED and a replacement running",
		fmt.Sprintf(`(() => { const rows = [...document.querySelectorAll(".service-tasks tbody tr")];
			const stopped = rows.some(r => r.querySelector('a[data-task-id=%q]') && r.textContent.includes("STOPPED"));
			const fresh = rows.filter(r => !%s.includes(r.querySelector("a[data-task-id]").dataset.taskId) && r.textContent.includes("RUNNING"));
			return stopped && fresh.length === 1 })()`, victim, jsArray(before)))
	p.noHorizontalScroll(390, "service")
	p.noHorizontalScroll(1280, "service")

	// The stopped task's own view: its container, stopped, with its exit code.
	p.goTo("task", "arn:aws:ecs:us-east-1:000000000000:task/ui/"+victim)
	p.waitTrue(10*time.Second, "the stopped task's container", `document.querySelector("main h1").textContent.includes(`+fmt.Sprintf("%q", victim)+`) &&
		[...document.querySelectorAll("main table tbody tr")].some(r => r.textContent.includes("app") && r.textContent.includes("STOPPED"))`)
	p.noHorizontalScroll(390, "task")

	// Fail the instance holding the most tasks: they move to the other one.
	p.goTo("cluster", clusterArn)
	p.waitTrue(20*time.Second, "four running tasks again", `document.querySelectorAll("[data-instance] .task.RUNNING").length === 4`)
	failed := eval[string](p, `[...document.querySelectorAll("[data-instance]")].sort((a, b) => b.querySelectorAll(".task").length - a.querySelectorAll(".task").length)[0].dataset.instance`)
	if !slices.Contains(insts.ContainerInstanceArns, failed) {
		t.Fatalf("instance box %q is not one of %v", failed, insts.ContainerInstanceArns)
	}
	p.click(fmt.Sprintf(`[data-instance=%q] .fail-instance`, failed))
	p.confirm(nil)
	p.waitTrue(30*time.Second, "the failed instance empty and four tasks running on the other",
		fmt.Sprintf(`document.querySelectorAll('[data-instance=%q] .task').length === 0 &&
			document.querySelectorAll('[data-instance]:not([data-instance=%q]) .task.RUNNING').length === 4`, failed, failed))

	// Raise the simulated load past a target tracking policy: a scaling activity appears.
	aasClient := aas.NewFromConfig(ls.Config)
	rid := aws.String("service/ui/web")
	if _, err := aasClient.RegisterScalableTarget(harness.Ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: rid, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(6)}); err != nil {
		t.Fatal(err)
	}
	if _, err := aasClient.PutScalingPolicy(harness.Ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu50"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: rid, PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization}}}); err != nil {
		t.Fatal(err)
	}
	p.goTo("service", serviceArn)
	p.click("#set-desired")
	p.confirm(map[string]string{"desired": "2"})
	p.waitTrue(20*time.Second, "the desired count of 2 with two tasks running",
		`document.getElementById("desired").textContent === "2" && document.getElementById("running").textContent === "2"`)
	p.waitTrue(5*time.Second, "the scaling policy and its alarms", `document.querySelectorAll(".alarms tbody tr").length === 2`)
	p.click("#set-load")
	p.confirm(map[string]string{"cpu": "95", "memory": "40"})
	p.waitTrue(30*time.Second, "a scaling activity", `document.querySelectorAll("#scaling-activities .activity").length > 0`)

	for _, view := range []struct{ name, id string }{{"clusters", ""}, {"lbs", ""}, {"asgs", ""}, {"alarms", ""}} {
		p.goTo(view.name, view.id)
		p.noHorizontalScroll(390, view.name)
		p.noHorizontalScroll(1280, view.name)
	}
	if errs := p.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", errs)
	}
}

func jsArray(ss []string) string {
	out := "["
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += fmt.Sprintf("%q", s)
	}
	return out + "]"
}

// TestServiceViewScreenshot deploys the README's example (cluster shop,
// service web, three Fargate tasks) and saves the service view as a PNG at
// $LONGSHORE_UI_SCREENSHOT (the README's docs/ui-service.png).
func TestServiceViewScreenshot(t *testing.T) {
	out := os.Getenv("LONGSHORE_UI_SCREENSHOT")
	if out == "" {
		t.Skip("set LONGSHORE_UI_SCREENSHOT=<file.png> to save the service view of the README's example")
	}
	ls := harness.StartScaled(t, 20)
	p := openPage(t, ls)
	client := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, client, "shop")
	td := harness.RegisterTaskDefinition(t, client, harness.FargateDefinition("shop-web", "web", "public.ecr.aws/nginx/nginx:latest", 80))
	if _, err := client.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("shop"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(3), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: harness.DefaultSubnets(t, ls.Config)}}}); err != nil {
		t.Fatal(err)
	}
	p.goTo("service", "arn:aws:ecs:us-east-1:000000000000:service/shop/web")
	p.waitTrue(30*time.Second, "three running tasks", `document.querySelectorAll(".service-tasks tbody tr").length === 3 && document.getElementById("running").textContent === "3"`)
	p.run(chromedp.EmulateViewport(1280, 900))
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
