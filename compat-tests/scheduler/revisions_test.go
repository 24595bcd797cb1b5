package scheduler_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// revisionCounts renders a service's current revisions as requested/running/pending.
func revisionCounts(svc types.Service) map[string]string {
	out := map[string]string{}
	for _, r := range svc.CurrentServiceRevisions {
		out[aws.ToString(r.Arn)] = fmt.Sprintf("%d/%d/%d", r.RequestedTaskCount, r.RunningTaskCount, r.PendingTaskCount)
	}
	return out
}

// The current service revisions count the tasks they run, through a
// deployment that replaces the first revision.
func TestCurrentServiceRevisionsFollowTasks(t *testing.T) {
	_, client := setup(t)
	td := fargateTaskDefinition(t, client, "rev", nil)
	fargateService(t, client, "rev", td, 3, nil)
	harness.WaitStable(t, client, cluster, "rev")
	svc := harness.DescribeService(t, client, cluster, "rev")
	if svc.RunningCount != 3 || len(svc.CurrentServiceRevisions) != 1 {
		t.Fatalf("running %d, revisions %+v", svc.RunningCount, svc.CurrentServiceRevisions)
	}
	first := aws.ToString(svc.CurrentServiceRevisions[0].Arn)
	if got := revisionCounts(svc)[first]; got != "3/3/0" {
		t.Errorf("first revision requested/running/pending %s, want 3/3/0", got)
	}

	td2 := fargateTaskDefinition(t, client, "rev", map[string]string{"v": "2"})
	if _, err := client.UpdateService(harness.Ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("rev"),
		TaskDefinition: aws.String(td2)}); err != nil {
		t.Fatal(err)
	}
	harness.WaitStable(t, client, cluster, "rev")
	harness.Eventually(t, harness.Wait, "the new revision to run the 3 tasks", func() (bool, string) {
		svc = harness.DescribeService(t, client, cluster, "rev")
		counts := revisionCounts(svc)
		last := svc.CurrentServiceRevisions[len(svc.CurrentServiceRevisions)-1]
		return aws.ToString(last.Arn) != first && counts[aws.ToString(last.Arn)] == "3/3/0" &&
			(counts[first] == "" || counts[first] == "0/0/0"), fmt.Sprint(counts)
	})
}
