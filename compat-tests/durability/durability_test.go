// Package durability_test checks that what Longshore acknowledges survives a
// crash, and that concurrent writers keep ECS's invariants.
package durability_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
	"github.com/longshore/longshore/store"
)

// process is Longshore running as a separate process on a database file.
type process struct {
	cmd *exec.Cmd
	url string
}

// buildLongshore builds the command once per test binary.
var buildLongshore = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "longshore-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "longshore")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/longshore/longshore").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, out)
	}
	return bin, nil
})

func start(t *testing.T, db string) *process {
	t.Helper()
	bin, err := buildLongshore()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--listen", addr, "--db", db, "--time-scale", "20", "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, url: "http://" + addr}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	harness.Eventually(t, 30*time.Second, "longshore to answer its health check", func() (bool, string) {
		resp, err := http.Get(p.url + "/_longshore/health")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == 200, resp.Status
	})
	return p
}

func (p *process) ecs() *ecs.Client {
	return ecs.NewFromConfig(longshoretest.Config(p.url, "us-east-1", "test", longshoretest.HTTPClient()))
}

// Eight writers create clusters while Longshore is killed with SIGKILL. After
// a restart on the same file every acknowledged cluster is there, the
// database passes SQLite's integrity check, and a running service comes back
// to its desired count with no duplicate tasks.
func TestKilledMidWriteKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Longshore as a process")
	}
	db := filepath.Join(t.TempDir(), "state.db")
	p := start(t, db)
	c := p.ecs()
	harness.CreateCluster(t, c, "svc")
	def := harness.FargateDefinition("web", "app", "nginx")
	harness.RegisterTaskDefinition(t, c, def)
	subnets := harness.DefaultSubnets(t, longshoretest.Config(p.url, "us-east-1", "test", longshoretest.HTTPClient()))
	const desired = 3
	harness.Must(c.CreateService(harness.Ctx, &ecs.CreateServiceInput{Cluster: aws.String("svc"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(desired), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: subnets[:1]}}}))(t)
	harness.Eventually(t, 60*time.Second, "the service to run its tasks", func() (bool, string) {
		s := harness.DescribeService(t, c, "svc", "web")
		return s.RunningCount == desired, fmt.Sprint(s.RunningCount, " running")
	})

	const writers = 8
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("w%d-%d", w, n)
				if _, err := c.CreateCluster(harness.Ctx, &ecs.CreateClusterInput{ClusterName: aws.String(name)}); err != nil {
					return // the process is gone
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		}(w)
	}
	harness.Eventually(t, 30*time.Second, "writers to be acknowledged", func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= 400, fmt.Sprint(len(acked), " acknowledged")
	})
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	close(stop)
	wg.Wait()
	t.Logf("%d writes acknowledged before SIGKILL", len(acked))

	p = start(t, db)
	c = p.ecs()
	for i := 0; i < len(acked); i += 100 {
		names := acked[i:min(i+100, len(acked))]
		out := harness.Must(c.DescribeClusters(harness.Ctx, &ecs.DescribeClustersInput{Clusters: names}))(t)
		if len(out.Clusters) != len(names) {
			t.Fatalf("%d of %d acknowledged clusters lost: %+v", len(names)-len(out.Clusters), len(names), out.Failures)
		}
	}
	harness.Eventually(t, 60*time.Second, "the service back at its count with no duplicate tasks", func() (bool, string) {
		s := harness.DescribeService(t, c, "svc", "web")
		tasks := harness.ServiceTasks(t, c, "svc", "web", types.DesiredStatusRunning)
		running := 0
		for _, task := range tasks {
			if aws.ToString(task.LastStatus) == "RUNNING" {
				running++
			}
		}
		return s.RunningCount == desired && len(tasks) == desired && running == desired,
			fmt.Sprintf("runningCount %d, %d tasks desired RUNNING, %d running", s.RunningCount, len(tasks), running)
	})

	// A clean stop, then SQLite's own check of the file.
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("stop: %v", err)
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.IntegrityCheck(); err != nil || v != "ok" {
		t.Errorf("integrity_check: %q %v", v, err)
	}
}

// Sixteen writers registering revisions of one family get contiguous
// revisions: each number once, none skipped.
func TestConcurrentRevisionsAreContiguous(t *testing.T) {
	ls := harness.Start(t)
	c := ecs.NewFromConfig(ls.Config)
	const writers, each = 16, 10
	var mu sync.Mutex
	var revs []int
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				out, err := c.RegisterTaskDefinition(harness.Ctx, harness.FargateDefinition("shared", "app", "nginx"))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				revs = append(revs, int(out.TaskDefinition.Revision))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Ints(revs)
	for i, r := range revs {
		if r != i+1 {
			t.Fatalf("revisions not contiguous at %d: %v", i+1, revs)
		}
	}
	if len(revs) != writers*each {
		t.Fatalf("%d revisions", len(revs))
	}
	n := 0
	p := ecs.NewListTaskDefinitionsPaginator(c, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("shared")})
	for p.HasMorePages() {
		n += len(harness.Must(p.NextPage(harness.Ctx))(t).TaskDefinitionArns)
	}
	if n != writers*each {
		t.Errorf("%d revisions listed", n)
	}
}
