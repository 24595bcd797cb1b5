package ui_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// Twenty dashboard pages open on a 1,000-task cluster whose tasks keep
// changing do not slow the API down: the median ListTasks + DescribeTasks
// round trip stays within twice (plus 2 ms of noise) what it is with no page
// open, on an idle machine, and every page keeps receiving the changes.
func TestTwentyPagesDoNotSlowTheAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("measures latencies for a few seconds")
	}
	ls := harness.StartQuiet(t)
	client := ecs.NewFromConfig(ls.Config)
	harness.CreateCluster(t, client, "big")
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	clusterArn := "arn:aws:ecs:us-east-1:000000000000:cluster/big"
	var tasks []*types.Task
	// The tasks are written straight into the store: a thousand of them
	// through the cluster manager would take longer than the measurement.
	err := ls.Server.Store.Write(harness.Ctx, func(tx *store.Tx) error {
		for i := range 1000 {
			task := &types.Task{TaskArn: aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:000000000000:task/big/%032x", i)), ClusterArn: aws.String(clusterArn),
				Group: aws.String("service:web"), LastStatus: aws.String("RUNNING"), DesiredStatus: aws.String("RUNNING"), LaunchType: types.LaunchTypeFargate,
				AvailabilityZone: aws.String("us-east-1a"), TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task-definition/web:1"),
				CreatedAt: aws.Time(time.Now())}
			tasks = append(tasks, task)
			if err := ecscore.Tasks.Put(tx, sc, *task.TaskArn, ecscore.TaskIndex(task), task); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Churn: one task changes every 5 ms, as a busy cluster manager would.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var churn sync.WaitGroup
	churn.Add(1)
	go func() {
		defer churn.Done()
		statuses := []string{"DEACTIVATING", "RUNNING"}
		for i := 0; ctx.Err() == nil; i++ {
			task := tasks[(i*37)%len(tasks)]
			task.LastStatus = aws.String(statuses[(i/len(tasks))%2])
			ls.Server.Store.Write(ctx, func(tx *store.Tx) error {
				return ecscore.Tasks.Put(tx, sc, *task.TaskArn, ecscore.TaskIndex(task), task)
			})
			time.Sleep(5 * time.Millisecond)
		}
	}()
	defer churn.Wait()

	median := func() time.Duration {
		var ds []time.Duration
		for range 60 {
			start := time.Now()
			out, err := client.ListTasks(harness.Ctx, &ecs.ListTasksInput{Cluster: aws.String("big"), MaxResults: aws.Int32(100)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := client.DescribeTasks(harness.Ctx, &ecs.DescribeTasksInput{Cluster: aws.String("big"), Tasks: out.TaskArns[:20]}); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	median() // warm up
	without := median()

	q := url.Values{"view": {"cluster"}, "id": {clusterArn}}
	var patches sync.WaitGroup
	got := make([]atomic.Int32, 20)
	snapshots := make(chan struct{}, 20)
	for i := range 20 {
		req, _ := http.NewRequestWithContext(ctx, "GET", ls.URL+"/_longshore/ui/api/events?"+q.Encode(), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		patches.Add(1)
		go func() {
			defer patches.Done()
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 8<<20)
			for sc.Scan() {
				switch {
				case bytes.HasPrefix(sc.Bytes(), []byte("event: patch")):
					got[i].Add(1)
				case bytes.HasPrefix(sc.Bytes(), []byte("event: snapshot")):
					snapshots <- struct{}{}
				}
			}
		}()
	}
	for range 20 {
		select {
		case <-snapshots:
		case <-time.After(10 * time.Second):
			t.Fatal("the pages did not all get their first view within 10 s")
		}
	}
	// The lowest of up to three measurements: a burst of other work on the
	// machine (another test package) stretches one, an API the pages slow
	// down stretches every one.
	limit := func() time.Duration { return time.Duration(2*float64(without)*loadStretch(t)) + 2*time.Millisecond }
	with := median()
	for try := 1; try < 3 && with > limit(); try++ {
		with = min(with, median())
	}
	// Patches go out once per flush interval of the hub (150 ms), which can
	// be longer than the measurement: the churn goes on until every page
	// has had one, or for 10 s.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		all := true
		for i := range got {
			all = all && got[i].Load() > 0
		}
		if all {
			break
		}
	}
	stop() // ends the churn and the pages' streams
	churn.Wait()
	patches.Wait()
	t.Logf("median ListTasks+DescribeTasks: %v with no page, %v with 20 pages (ratio %.2f)", without, with, float64(with)/float64(without))
	// On a machine already overloaded by other jobs, any extra work shows
	// many times over: the bound stretches with the load (see loadStretch).
	if with > limit() {
		t.Errorf("20 open pages slowed the API from %v to %v", without, with)
	}
	for i := range got {
		if got[i].Load() == 0 {
			t.Errorf("page %d received no change while tasks changed", i)
		}
	}
}
