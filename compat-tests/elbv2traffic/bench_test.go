package elbv2traffic_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// BenchmarkProxyOverhead compares requests sent straight to a target with the
// same requests through an ALB listener's local port, from the same client
// (keep-alive, as many idle connections as workers) to the same target.
//
//   - path=direct|alb/mode=serial: one request at a time (p50-ns: median latency);
//
//   - path=direct|alb/mode=parallel: 8 workers per CPU (ns/op: inverse throughput);
//
//   - ratio: rounds of a burst each way, in alternating order, so that other
//     load on the machine weighs on both alike; it reports the median over
//     rounds of the throughput through the load balancer as a fraction of
//     direct (throughput-ratio) and the median latency a single request
//     gains (p50-added-ms). cpu-ratio is the same comparison in the process's
//     CPU time per request, what throughput comes to once the CPUs are busy:
//     it holds steadier than wall time on a machine shared with other work.
//
//     go test -run '^$' -bench ProxyOverhead -count 6 ./compat-tests/elbv2traffic/ | tee out.txt
//     benchstat -col /path out.txt
func BenchmarkProxyOverhead(b *testing.B) {
	ls := longshoretest.Start(b)
	c := elb.NewFromConfig(ls.Config)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	b.Cleanup(target.Close)
	port := int32(target.Listener.Addr().(*net.TCPAddr).Port)
	subnets := harness.DefaultSubnets(b, ls.Config)
	lb := harness.Must(c.CreateLoadBalancer(harness.Ctx, &elb.CreateLoadBalancerInput{Name: aws.String("bench"), Subnets: subnets[:2]}))(b)
	tg := harness.Must(c.CreateTargetGroup(harness.Ctx, &elb.CreateTargetGroupInput{Name: aws.String("bench"), Protocol: types.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String(harness.DefaultVPC(b, ls.Config)), TargetType: types.TargetTypeEnumIp}))(b)
	tgArn := tg.TargetGroups[0].TargetGroupArn
	harness.Must(c.RegisterTargets(harness.Ctx, &elb.RegisterTargetsInput{TargetGroupArn: tgArn, Targets: []types.TargetDescription{
		{Id: aws.String("127.0.0.1"), Port: aws.Int32(port), AvailabilityZone: aws.String("all")}}}))(b)
	l := harness.Must(c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: types.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: forward(tgArn)}))(b)
	e := &env{t: b, ls: ls, c: c}
	addr := e.endpoint(l.Listeners[0].ListenerArn).LocalAddress
	const workersPerCPU = 8
	tr := &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 256}
	hc := &http.Client{Transport: tr}
	b.Cleanup(tr.CloseIdleConnections)
	get := func(url string) {
		resp, err := hc.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %d", url, resp.StatusCode)
		}
	}
	paths := []struct{ name, url string }{{"direct", target.URL + "/"}, {"alb", "http://" + addr + "/"}}
	for _, p := range paths {
		b.Run("path="+p.name+"/mode=serial", func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				get(p.url)
				lat = append(lat, time.Since(start))
			}
			b.ReportMetric(float64(median(lat).Nanoseconds()), "p50-ns")
		})
		b.Run("path="+p.name+"/mode=parallel", func(b *testing.B) {
			b.SetParallelism(workersPerCPU)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get(p.url)
				}
			})
		})
	}
	// burst sends n requests from workersPerCPU*GOMAXPROCS workers and
	// returns how long they took.
	workers := workersPerCPU * runtime.GOMAXPROCS(0)
	burst := func(url string, n int) time.Duration {
		var left atomic.Int64
		left.Store(int64(n))
		var wg sync.WaitGroup
		start := time.Now()
		for range workers {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					get(url)
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}
	b.Run("ratio", func(b *testing.B) {
		const perBurst, serial = 200, 10
		var ratios, cpuRatios []float64
		lat := map[string][]time.Duration{}
		for i := 0; i < b.N; i++ {
			order := paths
			if i%2 == 1 {
				order = []struct{ name, url string }{paths[1], paths[0]}
			}
			spent, cpu := map[string]time.Duration{}, map[string]time.Duration{}
			for _, p := range order {
				c0 := cpuTime()
				spent[p.name] = burst(p.url, perBurst)
				cpu[p.name] = cpuTime() - c0
				for range serial {
					start := time.Now()
					get(p.url)
					lat[p.name] = append(lat[p.name], time.Since(start))
				}
			}
			ratios = append(ratios, float64(spent["direct"])/float64(spent["alb"]))
			cpuRatios = append(cpuRatios, float64(cpu["direct"])/float64(cpu["alb"]))
		}
		slices.Sort(ratios)
		slices.Sort(cpuRatios)
		b.ReportMetric(ratios[len(ratios)/2], "throughput-ratio")
		b.ReportMetric(cpuRatios[len(cpuRatios)/2], "cpu-ratio")
		b.ReportMetric(float64(median(lat["alb"])-median(lat["direct"]))/float64(time.Millisecond), "p50-added-ms")
	})
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
