package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

var testScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

const bigCluster = "arn:aws:ecs:us-east-1:000000000000:cluster/big"

// bigClusterStore holds a cluster of n running Fargate tasks, and another
// cluster with one.
func bigClusterStore(t testing.TB, n int) (*store.Store, []*types.Task) {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var tasks []*types.Task
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		for _, name := range []string{"big", "other"} {
			cl := &types.Cluster{ClusterArn: aws.String("arn:aws:ecs:us-east-1:000000000000:cluster/" + name), ClusterName: aws.String(name), Status: aws.String("ACTIVE")}
			if err := ecscore.Clusters.Put(tx, testScope, *cl.ClusterArn, ecscore.ClusterIndex(cl), cl); err != nil {
				return err
			}
		}
		for i := range n + 1 {
			cluster := bigCluster
			if i == n {
				cluster = "arn:aws:ecs:us-east-1:000000000000:cluster/other"
			}
			task := &types.Task{TaskArn: aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:000000000000:task/big/%032x", i)), ClusterArn: aws.String(cluster),
				Group: aws.String("service:web"), LastStatus: aws.String("RUNNING"), DesiredStatus: aws.String("RUNNING"),
				LaunchType: types.LaunchTypeFargate, AvailabilityZone: aws.String("us-east-1a"), TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task-definition/web:1")}
			if err := ecscore.Tasks.Put(tx, testScope, *task.TaskArn, ecscore.TaskIndex(task), task); err != nil {
				return err
			}
			tasks = append(tasks, task)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, tasks
}

// openPages joins n pages to the cluster view and takes their snapshots.
func openPages(t testing.TB, h *hub, n int) []*subscriber {
	t.Helper()
	k := key{Account: testScope.Account, Region: testScope.Region, View: "cluster", ID: bigCluster}
	var subs []*subscriber
	for range n {
		s, _ := h.join(k)
		subs = append(subs, s)
	}
	h.flush(context.Background())
	for _, s := range subs {
		<-s.ch
	}
	return subs
}

func setStatus(t testing.TB, st *store.Store, task *types.Task, status string) {
	t.Helper()
	task.LastStatus = aws.String(status)
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		return ecscore.Tasks.Put(tx, testScope, *task.TaskArn, ecscore.TaskIndex(task), task)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Twenty pages on a cluster of 1,000 tasks: a task's change reads that task
// and its cluster's counts once, whatever the number of pages, and each
// page gets that one task; a change in another cluster reads nothing.
func TestTwentyPagesReadOnlyWhatChanged(t *testing.T) {
	st, tasks := bigClusterStore(t, 1000)
	h := newHub(st, nil, slog.New(slog.DiscardHandler))
	subs := openPages(t, h, 20)

	h.reads.Store(0)
	setStatus(t, st, tasks[500], "DEACTIVATING")
	h.flush(context.Background())
	if got := h.reads.Load(); got != 2 {
		t.Errorf("one task changed under 20 pages: %d reads, want 2 (the task, the cluster's counts)", got)
	}
	for i, s := range subs {
		select {
		case msg := <-s.ch:
			var patch struct {
				Sections map[string]sectionPatch `json:"sections"`
			}
			data := msg[len("event: patch\ndata: "):]
			if err := json.Unmarshal(data, &patch); err != nil {
				t.Fatalf("page %d: %v in %s", i, err, msg)
			}
			if set := patch.Sections["tasks"].Set; len(set) != 1 || set[*tasks[500].TaskArn] == nil {
				t.Errorf("page %d got tasks %v, want only the changed one", i, set)
			}
		default:
			t.Fatalf("page %d got no patch", i)
		}
	}

	h.reads.Store(0)
	setStatus(t, st, tasks[1000], "DEACTIVATING") // in the other cluster
	h.flush(context.Background())
	if got := h.reads.Load(); got != 0 {
		t.Errorf("a task of another cluster: %d reads, want 0", got)
	}
	for i, s := range subs {
		select {
		case msg := <-s.ch:
			t.Errorf("page %d got %s for another cluster's task", i, msg)
		default:
		}
	}
}

// A page that leaves stops costing anything; the last one closes the view.
func TestLastPageClosesTheView(t *testing.T) {
	st, _ := bigClusterStore(t, 3)
	h := newHub(st, nil, slog.New(slog.DiscardHandler))
	subs := openPages(t, h, 2)
	k := key{Account: testScope.Account, Region: testScope.Region, View: "cluster", ID: bigCluster}
	h.leave(k, subs[0])
	h.leave(k, subs[1])
	if len(h.states) != 0 {
		t.Fatalf("%d views open after every page left", len(h.states))
	}
}

// BenchmarkTaskChange is one task's change on a 1,000-task cluster, written
// and pushed, with 0 and 20 pages open on the cluster view.
func BenchmarkTaskChange(b *testing.B) {
	for _, pages := range []int{0, 20} {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			st, tasks := bigClusterStore(b, 1000)
			h := newHub(st, nil, slog.New(slog.DiscardHandler))
			subs := openPages(b, h, pages)
			statuses := []string{"DEACTIVATING", "RUNNING"}
			b.ResetTimer()
			for i := range b.N {
				setStatus(b, st, tasks[i%1000], statuses[(i/1000)%2])
				h.flush(context.Background())
				for _, s := range subs {
					select {
					case <-s.ch:
					default:
					}
				}
			}
		})
	}
}
