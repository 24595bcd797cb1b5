package elbv2traffic_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// BenchmarkProxyOverhead compares requests sent straight to a target with the
// same requests through an ALB listener's local port: the "serial" runs give
// the added latency (p50-ns per request), the "parallel" runs the throughput.
//
//	go test -run '^$' -bench ProxyOverhead -benchtime 3s ./compat-tests/elbv2traffic/
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
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
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
	for _, c := range []struct{ name, url string }{{"direct", target.URL + "/"}, {"alb", "http://" + addr + "/"}} {
		b.Run(c.name+"/serial", func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				get(c.url)
				lat = append(lat, time.Since(start))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get(c.url)
				}
			})
		})
	}
}
