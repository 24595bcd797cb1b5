package scheduler

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/store"
)

// heapWatch samples the heap (objects live or not yet swept) between passes
// and every 20 ms in between, and keeps the peak.
type heapWatch struct {
	mu   sync.Mutex
	peak uint64
}

func (h *heapWatch) sample() {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	h.mu.Lock()
	h.peak = max(h.peak, s[0].Value.Uint64())
	h.mu.Unlock()
}

// start samples in the background until the returned function is called.
func (h *heapWatch) start() func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				h.sample()
			}
		}
	}()
	return func() { close(stop); <-done }
}

func (h *heapWatch) mib() float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return float64(h.peak) / (1 << 20)
}

// defaultSubnets returns the default subnets of the region's first n
// zones, one per zone, from EC2.
func (h *harness) defaultSubnets(n int) []string {
	var out []string
	h.write(func(c *api.Context) error {
		for _, zone := range ec2.AvailabilityZones(testRegion)[:n] {
			s, err := ec2.DefaultSubnet(c.Tx, c.Account(), c.Region, zone)
			if err != nil {
				return err
			}
			out = append(out, aws.ToString(s.SubnetId))
		}
		return nil
	})
	return out
}

// converge runs passes, moving the fake clock past every start, until the
// services run their desired counts with one completed deployment.
func (h *harness) converge(b testing.TB, heap *heapWatch, services ...string) int {
	passes := 0
	for {
		h.pass()
		passes++
		heap.sample()
		done := true
		for _, arn := range services {
			svc := h.getService(arn)
			if svc.RunningCount != svc.DesiredCount || len(svc.Deployments) != 1 ||
				svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
				done = false
			}
		}
		if done {
			return passes
		}
		if passes > 50 {
			b.Fatalf("not converged after %d passes", passes)
		}
		h.clock.Add(testTimings.StartDelay)
	}
}

// BenchmarkFargateService5000 takes one service of 5,000 Fargate tasks from
// nothing to steady state (target: under 5 s on 2 cores).
func BenchmarkFargateService5000(b *testing.B) {
	b.ReportAllocs()
	var heap heapWatch
	for b.Loop() {
		b.StopTimer()
		h := newHarness(b)
		td := h.taskDefinition("web", types.NetworkModeAwsvpc, nil)
		arn := h.service("web", td, 5000, types.LaunchTypeFargate, func(s *types.Service) {
			s.NetworkConfiguration.AwsvpcConfiguration.Subnets = h.defaultSubnets(3)
		})
		b.StartTimer()
		stop := heap.start()
		passes := h.converge(b, &heap, arn)
		stop()
		b.ReportMetric(float64(passes), "passes")
	}
	b.ReportMetric(heap.mib(), "peak-heap-MiB")
}

// BenchmarkBinpack100k places 100,000 tasks of 20 services on 1,000
// simulated m5.xlarge instances with binpack on memory and takes them to
// steady state (target: under 60 s, heap under 1 GiB, on 2 cores).
func BenchmarkBinpack100k(b *testing.B) {
	services, perService, instances := 20, 5000, 1000
	if testing.Short() {
		services, perService, instances = 4, 500, 40
	}
	b.ReportAllocs()
	var heap heapWatch
	for b.Loop() {
		b.StopTimer()
		h := newHarness(b)
		route := h.r.ControlRoutes(testRegion)[0]
		body := []byte(fmt.Sprintf(`{"cluster":"default","instanceType":"m5.xlarge","count":%d}`, instances))
		if _, err := route.Handle(context.Background(), body); err != nil {
			b.Fatal(err)
		}
		arn := h.smallTaskDefinition()
		var arns []string
		for i := range services {
			arns = append(arns, h.service(fmt.Sprintf("svc-%02d", i), arn, int32(perService), types.LaunchTypeEc2, func(s *types.Service) {
				s.PlacementStrategy = []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")}}
			}))
		}
		b.StartTimer()
		start := time.Now()
		stop := heap.start()
		passes := h.converge(b, &heap, arns...)
		stop()
		b.ReportMetric(float64(passes), "passes")
		b.ReportMetric(time.Since(start).Seconds(), "s/ramp")
	}
	b.ReportMetric(heap.mib(), "peak-heap-MiB")
}

// BenchmarkIdlePass measures a pass with nothing to do over a cluster of
// 5,000 running tasks (it runs after every write).
func BenchmarkIdlePass(b *testing.B) {
	h := newHarness(b)
	td := h.taskDefinition("web", types.NetworkModeAwsvpc, nil)
	arn := h.service("web", td, 5000, types.LaunchTypeFargate, func(s *types.Service) {
		s.NetworkConfiguration.AwsvpcConfiguration.Subnets = h.defaultSubnets(3)
	})
	var heap heapWatch
	h.converge(b, &heap, arn)
	b.ReportAllocs()
	for b.Loop() {
		h.pass()
	}
}

// BenchmarkDescribeDuringRamp measures reads of a service (what
// DescribeServices does) while a file-backed store ramps 20 services of 5,000
// tasks on 1,000 instances (target: under 5 ms p99). Reads use WAL readers and
// so do not wait for a pass; an in-memory store shares one connection and does.
func BenchmarkDescribeDuringRamp(b *testing.B) {
	services, perService, instances := 20, 5000, 1000
	if testing.Short() {
		services, perService, instances = 4, 500, 40
	}
	for b.Loop() {
		b.StopTimer()
		h := newHarnessAt(b, filepath.Join(b.TempDir(), "bench.db"))
		body := []byte(fmt.Sprintf(`{"cluster":"default","instanceType":"m5.xlarge","count":%d}`, instances))
		if _, err := h.r.ControlRoutes(testRegion)[0].Handle(context.Background(), body); err != nil {
			b.Fatal(err)
		}
		td := h.smallTaskDefinition()
		var arns []string
		for i := range services {
			arns = append(arns, h.service(fmt.Sprintf("svc-%02d", i), td, int32(perService), types.LaunchTypeEc2, func(s *types.Service) {
				s.PlacementStrategy = []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")}}
			}))
		}
		stop := make(chan struct{})
		done := make(chan []time.Duration)
		go func() {
			var lat []time.Duration
			for {
				select {
				case <-stop:
					done <- lat
					return
				default:
				}
				start := time.Now()
				err := h.st.Read(context.Background(), func(tx *store.Tx) error {
					_, err := ecscore.Services.Get(tx, testScope, arns[len(lat)%len(arns)])
					return err
				})
				if err != nil {
					b.Error(err)
				}
				lat = append(lat, time.Since(start))
				time.Sleep(time.Millisecond)
			}
		}()
		b.StartTimer()
		var heap heapWatch
		h.converge(b, &heap, arns...)
		b.StopTimer()
		close(stop)
		lat := <-done
		slices.Sort(lat)
		if len(lat) > 0 {
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-read-ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-read-ms")
			b.ReportMetric(float64(len(lat)), "reads")
		}
		b.StartTimer()
	}
}

// smallTaskDefinition registers a task of 40 CPU units and 128 MiB: a
// hundred fit on an m5.xlarge.
func (h *harness) smallTaskDefinition() string {
	arn := "arn:aws:ecs:us-east-1:000000000000:task-definition/small:1"
	td := &types.TaskDefinition{TaskDefinitionArn: aws.String(arn), Family: aws.String("small"), Revision: 1,
		Status: types.TaskDefinitionStatusActive, NetworkMode: types.NetworkModeBridge,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("busybox"), Cpu: 40, Memory: aws.Int32(128)}}}
	h.write(func(c *api.Context) error {
		return ecscore.TaskDefinitions.Put(c.Tx, testScope, arn, ecscore.TaskDefinitionIndex(td), td)
	})
	return arn
}
