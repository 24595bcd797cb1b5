package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/internal/sdkhttp"
)

// The server's CPU per request, through the real SDK clients, beside a
// fixed-body server: each server runs in a process of its own (this test
// binary run again), which reports its own CPU time (getrusage), so the
// figure is the server's alone, not the client's.
//
//	go test ./server -run '^$' -bench ServerCPU -benchtime 4000x -count 5
//	go test ./server -run '^$' -bench ServerThroughput -benchtime 8000x -count 5
//
// The two servers take turns, a chunk of calls each, so that both see the
// same machine while its other work comes and goes. server-ms/op is the
// server's CPU per call, server-B/op the memory it allocates per call, and
// fixed-ms/op the fixed-body server's CPU per call; x-fixed is their ratio.
// ServerThroughput runs 16 workers and reports ops/s, and x-fixed as its
// ratio to the fixed-body server's, and x-answer as its ratio to a fixed-body
// server that answers the call's own answer; client-ms/op and fixed-client-ms/op are
// the SDK clients' CPU per call (this process's), which shares the machine
// and differs by call: the fixed body is GetCallerIdentity's 140 bytes. On a shared machine the figures of one
// run scatter: compare medians of several (-count).
//
// LONGSHORE_CPU_PROFILE=dir writes a CPU profile of the server process over
// each measured run to dir/<case>.pprof, and with
// LONGSHORE_CONTENTION_PROFILE=1 its mutex, block and allocation profiles
// to dir/<case>.mutex.pprof, .block.pprof and .allocs.pprof (counted from
// the process's start); LONGSHORE_BENCH_SERVER_PROCS=n sets
// the server processes' GOMAXPROCS.

// serverProcEnv names the kind of server the re-run test binary serves;
// an "answer" server answers the body and content type in answerBodyEnv
// (base64) and answerTypeEnv.
const (
	serverProcEnv = "LONGSHORE_BENCH_SERVER"
	answerBodyEnv = "LONGSHORE_BENCH_ANSWER"
	answerTypeEnv = "LONGSHORE_BENCH_ANSWER_TYPE"
)

// TestServerProcess is the server process of the CPU benchmarks; it skips
// unless the benchmark started it. It serves until its stdin closes, and
// answers lines on stdin: "cpu" with its CPU time in nanoseconds and the
// bytes it has allocated, "profile
// <file>" and "stop" by starting and stopping a CPU profile.
func TestServerProcess(t *testing.T) {
	kind := os.Getenv(serverProcEnv)
	if kind == "" {
		t.Skip("the server process of BenchmarkServerCPU")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var hs *http.Server
	switch kind {
	case "fixed":
		hs = &http.Server{Handler: fixed}
	case "answer":
		// The fixed-body server of one call: its answer, captured from Longshore.
		body, err := base64.StdEncoding.DecodeString(os.Getenv(answerBodyEnv))
		if err != nil {
			t.Fatal(err)
		}
		hs = &http.Server{Handler: fixedBody(os.Getenv(answerTypeEnv), body)}
	case "real":
		// As main.go runs it: the access log at info level on stderr, through its buffer.
		logw := NewLogWriter(os.Stderr, 50*time.Millisecond)
		defer logw.Close()
		s, err := New(Config{Logger: NewBufferedLogger(logw, slog.LevelInfo), AccessLog: NewTextAccessLog(logw, slog.LevelInfo)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stop := s.Start(ctx)
		defer stop()
		hs = s.HTTPServer()
	default:
		t.Fatalf("unknown server kind %q", kind)
	}
	go hs.Serve(ln)
	defer hs.Close()
	fmt.Printf("LISTEN %s\n", ln.Addr())
	contention := os.Getenv("LONGSHORE_CONTENTION_PROFILE") != ""
	if contention {
		runtime.SetMutexProfileFraction(1)
		runtime.SetBlockProfileRate(1000) // one event per microsecond spent blocked
		runtime.MemProfileRate = 4096
	}
	in := bufio.NewScanner(os.Stdin)
	var prof *os.File
	for in.Scan() {
		cmd, arg, _ := strings.Cut(in.Text(), " ")
		switch cmd {
		case "cpu":
			var ru syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Printf("CPU %d %d\n", ru.Utime.Nano()+ru.Stime.Nano(), ms.TotalAlloc)
		case "profile":
			if prof, err = os.Create(arg); err == nil {
				err = pprof.StartCPUProfile(prof)
			}
			fmt.Printf("OK %v\n", err)
		case "stop":
			pprof.StopCPUProfile()
			prof.Close()
			if contention {
				// The mutex and block profiles beside the CPU profile.
				base := strings.TrimSuffix(prof.Name(), ".pprof")
				for _, name := range []string{"mutex", "block", "allocs"} {
					if f, err := os.Create(base + "." + name + ".pprof"); err == nil {
						pprof.Lookup(name).WriteTo(f, 0)
						f.Close()
					}
				}
			}
			fmt.Printf("OK\n")
		}
	}
}

// serverProc is a server process and an SDK configuration pointed at it.
type serverProc struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
	cfg aws.Config
}

func startServerProc(tb testing.TB, kind string, env ...string) *serverProc {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServerProcess$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), serverProcEnv+"="+kind), env...)
	if n := os.Getenv("LONGSHORE_BENCH_SERVER_PROCS"); n != "" {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+n)
	}
	if os.Getenv("LONGSHORE_TEST_LOG") != "" {
		cmd.Stderr = os.Stderr
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &serverProc{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	addr := p.expect(tb, "LISTEN")
	p.cfg = aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:  sdkhttp.Client(), Retryer: func() aws.Retryer { return aws.NopRetryer{} }}
	return p
}

// expect reads the server's next line that starts with word and returns the rest.
func (p *serverProc) expect(tb testing.TB, word string) string {
	tb.Helper()
	for p.out.Scan() {
		if rest, ok := strings.CutPrefix(p.out.Text(), word+" "); ok {
			return rest
		}
		if p.out.Text() == word {
			return ""
		}
	}
	tb.Fatalf("server process ended before %s: %v", word, p.out.Err())
	return ""
}

func (p *serverProc) send(tb testing.TB, line, want string) string {
	tb.Helper()
	if _, err := fmt.Fprintln(p.in, line); err != nil {
		tb.Fatal(err)
	}
	return p.expect(tb, want)
}

// cpu is the server process's CPU time so far, and the bytes it has allocated.
func (p *serverProc) cpu(tb testing.TB) (time.Duration, uint64) {
	cpu, alloc, _ := strings.Cut(p.send(tb, "cpu", "CPU"), " ")
	n, err := strconv.ParseInt(cpu, 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	a, err := strconv.ParseUint(alloc, 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return time.Duration(n), a
}

func (p *serverProc) close() {
	p.in.Close()
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// cpuCase is one measured call and the server it runs against.
type cpuCase struct {
	name, server string // server: "real", or "big" (holding bigService tasks)
	call         func(ctx context.Context, p *serverProc) error
}

var cpuCases = []cpuCase{
	{"DescribeClusters", "real", func(ctx context.Context, p *serverProc) error {
		out, err := ecs.NewFromConfig(p.cfg).DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"bench"}})
		if err == nil && len(out.Clusters) != 1 {
			err = fmt.Errorf("%d clusters", len(out.Clusters))
		}
		return err
	}},
	{"GetRole", "real", func(ctx context.Context, p *serverProc) error {
		_, err := iam.NewFromConfig(p.cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("bench")})
		return err
	}},
	{"RegisterTaskDefinition", "real", func(ctx context.Context, p *serverProc) error {
		_, err := ecs.NewFromConfig(p.cfg).RegisterTaskDefinition(ctx, benchTaskDefinition())
		return err
	}},
	// A write wakes the cluster manager, whose pass reads every service's tasks.
	{"RegisterTaskDefinitionBeside1000", "big", func(ctx context.Context, p *serverProc) error {
		_, err := ecs.NewFromConfig(p.cfg).RegisterTaskDefinition(ctx, benchTaskDefinition())
		return err
	}},
	// The cluster's counts read its thousand tasks.
	{"DescribeClusters1000", "big", func(ctx context.Context, p *serverProc) error {
		out, err := ecs.NewFromConfig(p.cfg).DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"big"}})
		if err == nil && (len(out.Clusters) != 1 || out.Clusters[0].RunningTasksCount != bigService) {
			err = fmt.Errorf("clusters %+v", out.Clusters)
		}
		return err
	}},
	{"DescribeServices1000", "big", func(ctx context.Context, p *serverProc) error {
		out, err := ecs.NewFromConfig(p.cfg).DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("big"), Services: []string{"web"}})
		if err == nil && (len(out.Services) != 1 || out.Services[0].RunningCount != bigService) {
			err = fmt.Errorf("services %+v", out.Services)
		}
		return err
	}},
}

// fixedCall is the fixed-body server's call: its body is GetCallerIdentity's answer.
func fixedCall(ctx context.Context, p *serverProc) error {
	_, err := sts.NewFromConfig(p.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	return err
}

// benchTaskDefinition is taskDefinitionBody as the SDK's input (its
// member names match the SDK's fields but for case).
func benchTaskDefinition() *ecs.RegisterTaskDefinitionInput {
	var in ecs.RegisterTaskDefinitionInput
	if err := json.Unmarshal([]byte(taskDefinitionBody), &in); err != nil {
		panic(err)
	}
	return &in
}

const bigService = 1000

// The processes are shared by the benchmarks of a run: seeding a service of
// a thousand tasks takes a while.
var (
	procMu sync.Mutex
	procs  = map[string]*serverProc{} // each ends when its stdin closes, when this binary exits
)

// proc returns the shared server process of a kind, seeded.
func proc(b *testing.B, kind string) *serverProc {
	procMu.Lock()
	defer procMu.Unlock()
	if p := procs[kind]; p != nil {
		return p
	}
	server := kind
	if kind == "big" {
		server = "real"
	}
	p := startServerProc(b, server)
	switch kind {
	case "real":
		seed(b, p)
	case "big":
		seedBig(b, p)
	}
	procs[kind] = p
	return p
}

// seed creates what the reads read: an empty cluster and a role.
func seed(tb testing.TB, p *serverProc) {
	ctx := context.Background()
	if _, err := ecs.NewFromConfig(p.cfg).CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("bench")}); err != nil {
		tb.Fatal(err)
	}
	if _, err := iam.NewFromConfig(p.cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bench"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		tb.Fatal(err)
	}
}

// seedBig creates a cluster with one Fargate service of bigService running tasks.
func seedBig(tb testing.TB, p *serverProc) {
	ctx := context.Background()
	e := ecs.NewFromConfig(p.cfg)
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("big")}); err != nil {
		tb.Fatal(err)
	}
	subnets, err := ec2.NewFromConfig(p.cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, s := range subnets.Subnets {
		ids = append(ids, aws.ToString(s.SubnetId))
	}
	if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("small"),
		NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Essential: aws.Bool(true)}}}); err != nil {
		tb.Fatal(err)
	}
	if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("big"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("small"), DesiredCount: aws.Int32(bigService), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: ids}}}); err != nil {
		tb.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		out, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("big"), Services: []string{"web"}})
		if err != nil {
			tb.Fatal(err)
		}
		s := out.Services[0]
		if s.RunningCount == bigService && len(s.Deployments) == 1 && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the service has %d running tasks of %d after 5 minutes", s.RunningCount, bigService)
		}
		time.Sleep(time.Second)
	}
	time.Sleep(2 * time.Second) // let the cluster manager settle
}

// chunk is how many calls run on one server before the other takes its
// turn: the machine's speed drifts (other work shares its cores), and
// alternating often makes both servers see the same machine.
const chunk = 100

// side is one server of a comparison and what it has used so far.
type side struct {
	p     *serverProc
	call  func(context.Context, *serverProc) error
	cpu   time.Duration
	wall  time.Duration
	alloc uint64
	n     int
	// client is this process's CPU over the side's runs: the SDK clients'
	// work, which shares the machine with the server's.
	client time.Duration
}

// selfCPU is this process's CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// run makes n calls on s, from workers goroutines, adding up the server's
// CPU time and the wall time.
func (s *side) run(b *testing.B, n, workers int) {
	ctx := context.Background()
	start, alloc0 := s.p.cpu(b)
	t0, c0 := time.Now(), selfCPU()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := s.call(ctx, s.p); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	wall, client := time.Since(t0), selfCPU()-c0
	end, alloc1 := s.p.cpu(b)
	cpu := end - start
	s.wall += wall
	s.cpu += cpu
	s.alloc += alloc1 - alloc0
	s.client += client
	s.n += n
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// compare runs n calls of each side, alternating in chunks, after a warm-up.
func compare(b *testing.B, name string, workers, n int, sides ...*side) {
	for _, s := range sides {
		s.run(b, max(50, 2*workers), workers) // warm connections, caches and statements
		*s = side{p: s.p, call: s.call}
	}
	profiling := startProfile(b, sides[len(sides)-1].p, name)
	b.ResetTimer()
	step := chunk * workers
	for done := 0; done < n; done += step {
		for _, s := range sides {
			s.run(b, min(step, n-done), workers)
		}
	}
	b.StopTimer()
	if profiling {
		sides[len(sides)-1].p.send(b, "stop", "OK")
	}
}

// perCall is a side's server CPU per call.
func (s *side) perCall() time.Duration { return s.cpu / time.Duration(s.n) }

func startProfile(b *testing.B, p *serverProc, name string) bool {
	dir := os.Getenv("LONGSHORE_CPU_PROFILE")
	if dir == "" {
		return false
	}
	if got := p.send(b, "profile "+dir+"/"+name+".pprof", "OK"); got != "<nil>" {
		b.Fatal(got)
	}
	return true
}

func BenchmarkServerCPU(b *testing.B) {
	for _, c := range cpuCases {
		b.Run(c.name, func(b *testing.B) {
			ref, it := &side{p: proc(b, "fixed"), call: fixedCall}, &side{p: proc(b, c.server), call: c.call}
			compare(b, c.name, 1, b.N, ref, it)
			b.ReportMetric(float64(it.perCall())/1e6, "server-ms/op")
			b.ReportMetric(float64(ref.perCall())/1e6, "fixed-ms/op")
			b.ReportMetric(float64(it.alloc)/float64(it.n), "server-B/op")
			b.ReportMetric(float64(it.perCall())/float64(ref.perCall()), "x-fixed")
		})
	}
}

// answerProc starts the fixed-body server of c's call: it answers what the
// real server answers c, so the SDK client does the same work against both.
func answerProc(b *testing.B, c cpuCase) *serverProc {
	procMu.Lock()
	defer procMu.Unlock()
	if p := procs["answer "+c.name]; p != nil {
		return p
	}
	tap := &answerTap{}
	tapped := &serverProc{cfg: procs[c.server].cfg.Copy()}
	tapped.cfg.HTTPClient = &http.Client{Transport: tap}
	if err := c.call(context.Background(), tapped); err != nil {
		b.Fatal(err)
	}
	p := startServerProc(b, "answer", answerBodyEnv+"="+base64.StdEncoding.EncodeToString(tap.body), answerTypeEnv+"="+tap.contentType)
	procs["answer "+c.name] = p
	return p
}

// answerTap keeps the body and content type of the answer it carries.
type answerTap struct {
	body        []byte
	contentType string
}

func (t *answerTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if t.body, err = io.ReadAll(resp.Body); err != nil {
		return nil, err
	}
	t.contentType = resp.Header.Get("Content-Type")
	resp.Body = io.NopCloser(bytes.NewReader(t.body))
	return resp, nil
}

// BenchmarkServerThroughput's x-fixed is against the fixed-body server of
// GetCallerIdentity's 140 bytes, as in BenchmarkServerCPU; x-answer is
// against a fixed-body server that answers the call's own answer, which
// its SDK client reads at the same cost as Longshore's, so that the ratio
// is the server's part alone.
func BenchmarkServerThroughput(b *testing.B) {
	const workers = 16
	for _, c := range cpuCases[:2] { // the reads
		b.Run(c.name, func(b *testing.B) {
			ref, it := &side{p: proc(b, "fixed"), call: fixedCall}, &side{p: proc(b, c.server), call: c.call}
			own := &side{p: answerProc(b, c), call: c.call}
			compare(b, c.name, workers, b.N, ref, own, it)
			ops := float64(it.n) / it.wall.Seconds()
			fixedOps := float64(ref.n) / ref.wall.Seconds()
			b.ReportMetric(ops/(float64(own.n)/own.wall.Seconds()), "x-answer")
			b.ReportMetric(ops, "ops/s")
			b.ReportMetric(fixedOps, "fixed-ops/s")
			b.ReportMetric(float64(it.perCall())/1e6, "server-ms/op")
			b.ReportMetric(float64(ref.perCall())/1e6, "fixed-ms/op")
			// The clients' CPU per call, each side's: on a machine the
			// clients share, a larger answer costs its client more too.
			b.ReportMetric(float64(it.client/time.Duration(it.n))/1e6, "client-ms/op")
			b.ReportMetric(float64(ref.client/time.Duration(ref.n))/1e6, "fixed-client-ms/op")
			b.ReportMetric(ops/fixedOps, "x-fixed")
		})
	}
}
