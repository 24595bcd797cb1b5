package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// Registering a task definition wakes the cluster manager only when a
// deployment waits for that revision: a pass over every cluster for each
// registration costs milliseconds beside services of many tasks.
func TestRunnerWakesForAwaitedTaskDefinitionsAlone(t *testing.T) {
	h := newHarness(t)
	// No safety-net pass within the test: only wake-ups run passes.
	tm := testTimings
	tm.Resync = time.Hour
	h.r = New(Config{Store: h.st, Timings: tm, Seed: 1})
	late := "arn:aws:ecs:us-east-1:000000000000:task-definition/late:1"
	tdChange := func(arn string) store.Change {
		return store.Change{Kind: ecscore.TaskDefinitions.Kind, Scope: testScope, ID: arn}
	}
	if !h.r.wakesFor(tdChange(late)) {
		t.Fatal("before its first pass the manager must wake for every task definition")
	}
	h.service("web", late, 2, types.LaunchTypeFargate)
	other := h.taskDefinition("other", types.NetworkModeAwsvpc, nil)
	h.pass()
	if n := len(h.tasks()); n != 0 {
		t.Fatalf("%d tasks of a missing task definition", n)
	}
	for name, c := range map[string]struct {
		change store.Change
		want   bool
	}{
		"the awaited definition":     {tdChange(late), true},
		"another definition":         {tdChange(other), false},
		"a family":                   {store.Change{Kind: ecscore.Families.Kind, ID: "late"}, false},
		"a definition's tags":        {tdChange(other), false}, // kept in its row
		"a task's tags":              {store.Change{Kind: ecscore.Tags.Kind, ID: "arn:aws:ecs:us-east-1:000000000000:task/default/abc"}, true},
		"a service":                  {store.Change{Kind: ecscore.Services.Kind, ID: "x"}, true},
		"anything (a Reset)":         {store.Change{}, true},
		"a daemon task definition":   {store.Change{Kind: "ecs/daemon-task-definition", ID: "x"}, true},
		"a container instance's tag": {store.Change{Kind: ecscore.Tags.Kind, ID: "arn:aws:ecs:us-east-1:000000000000:container-instance/default/x"}, true},
	} {
		if got := h.r.wakesFor(c.change); got != c.want {
			t.Errorf("%s: wakes %v, want %v", name, got, c.want)
		}
	}

	// Running, the manager starts the service's tasks once the revision it
	// waits for is registered.
	stop := h.r.Start(context.Background())
	h.taskDefinition("late", types.NetworkModeAwsvpc, nil)
	deadline := time.Now().Add(5 * time.Second)
	for len(h.tasks()) != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d tasks after the awaited task definition was registered, want 2", len(h.tasks()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if h.r.wakesFor(tdChange(late)) {
		t.Error("a found task definition is still awaited")
	}

	stop()

	// After a pass that did not commit, every task definition wakes it.
	h.r.failed()
	if !h.r.wakesFor(tdChange(other)) {
		t.Error("after a failed pass a task definition did not wake the manager")
	}
}
