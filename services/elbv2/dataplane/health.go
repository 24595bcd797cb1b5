package dataplane

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/elbv2"
	"github.com/longshore/longshore/store"
)

// Floors under the scaled health check timings: ELBv2's durations run a
// hundred times faster (times --time-scale), and a 5 s timeout would become
// 50 ms, less than a busy machine needs to answer on loopback.
const (
	minCheckTimeout  = 250 * time.Millisecond
	minCheckInterval = 50 * time.Millisecond
)

// checker runs one reachable target's health checks.
type checker struct {
	scope          store.Scope
	tgArn, id      string
	port           int32
	cancel         context.CancelFunc
	done           chan struct{}
	state, reason  string
	desc           string
	okRun, failRun int
}

func (c *checker) stop() {
	c.cancel()
	<-c.done
}

// reconcileChecks starts a checker for every reachable target of a group in
// use with health checks enabled, and stops the others.
func (p *Plane) reconcileChecks(t *table) {
	want := map[string]bool{}
	now := time.Now().UTC()
	p.checksMu.Lock()
	defer p.checksMu.Unlock()
	for arn, tg := range t.groups {
		if !tg.InUse || !tg.HealthCheck.Enabled {
			continue
		}
		for _, tr := range tg.Targets {
			if tr.Draining {
				continue
			}
			if _, real := p.cfg.ELB.Dial(tg.TG.TargetType, tr.ID, tr.Port); !real {
				continue
			}
			key := elbv2.TargetKey(arn, tr.ID, tr.Port)
			want[key] = true
			if _, ok := p.checks[key]; ok {
				continue
			}
			p.portsMu.Lock()
			parent := p.ctx
			p.portsMu.Unlock()
			ctx, cancel := context.WithCancel(parent)
			c := &checker{scope: tg.Scope, tgArn: arn, id: tr.ID, port: tr.Port, cancel: cancel, done: make(chan struct{})}
			c.state, c.reason = tr.Health(now)
			if c.state != string(types.TargetHealthStateEnumHealthy) && c.state != string(types.TargetHealthStateEnumUnhealthy) {
				c.state, c.reason = string(types.TargetHealthStateEnumInitial), string(types.TargetHealthReasonEnumInitialHealthChecking)
			}
			if !tr.Probed {
				// Registered before it answered here (a task whose container
				// started late): its simulated health gives way to the checks.
				c.state, c.reason = "", ""
			}
			p.checks[key] = c
			go p.runChecks(ctx, c)
		}
	}
	for key, c := range p.checks {
		if !want[key] {
			c.cancel()
			delete(p.checks, key)
		}
	}
}

func (p *Plane) runChecks(ctx context.Context, c *checker) {
	defer close(c.done)
	for {
		t := p.current()
		if t == nil {
			return
		}
		tg := t.groups[c.tgArn]
		if tg == nil {
			return
		}
		hc := tg.HealthCheck
		interval, timeout := hc.Interval, hc.Timeout
		if timeout < minCheckTimeout {
			timeout = minCheckTimeout
		}
		if interval < minCheckInterval {
			interval = minCheckInterval
		}
		start := time.Now()
		reason, desc := probe(ctx, p.checkClient, p.cfg.ELB, tg.PlaneTargetGroup, c.id, c.port, timeout)
		if ctx.Err() != nil {
			return
		}
		p.judge(ctx, c, hc, reason, desc)
		wait := interval - time.Since(start)
		if wait < 0 {
			wait = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// judge counts a check's outcome (reason "" for a pass) against the
// thresholds and records a change of state.
func (p *Plane) judge(ctx context.Context, c *checker, hc elbv2.HealthCheck, reason, desc string) {
	healthyN, unhealthyN := max(hc.HealthyThreshold, 1), max(hc.UnhealthyThreshold, 1)
	state, why, text := c.state, c.reason, c.desc
	if reason == "" {
		c.okRun++
		c.failRun = 0
		if c.state != string(types.TargetHealthStateEnumHealthy) && c.okRun >= healthyN {
			state, why, text = string(types.TargetHealthStateEnumHealthy), "", ""
		}
	} else {
		c.failRun++
		c.okRun = 0
		if c.failRun >= unhealthyN {
			state, why, text = string(types.TargetHealthStateEnumUnhealthy), reason, desc
		}
	}
	if state == "" {
		state, why, text = string(types.TargetHealthStateEnumInitial), string(types.TargetHealthReasonEnumInitialHealthChecking), ""
	}
	if state == c.state && why == c.reason && text == c.desc {
		return
	}
	err := p.cfg.Store.Write(ctx, func(tx *store.Tx) error {
		return elbv2.RecordProbe(tx, c.scope, c.tgArn, c.id, c.port, elbv2.ProbeResult{State: state, Reason: why, Description: text})
	})
	if err != nil {
		if ctx.Err() == nil {
			p.log.Warn("elbv2 data plane: recording target health failed", "target", c.id, "error", err)
		}
		return
	}
	p.log.Debug("elbv2 data plane: target health changed", "targetGroup", c.tgArn, "target", c.id, "port", c.port, "state", state, "reason", why)
	c.state, c.reason, c.desc = state, why, text
}

// probe runs one health check and returns "" when it passes, or the reason
// code and description of its failure.
func probe(ctx context.Context, client *http.Client, o elbv2.Options, tg *elbv2.PlaneTargetGroup, id string, trafficPort int32, timeout time.Duration) (reason, desc string) {
	hc := tg.HealthCheck
	port := trafficPort
	if hc.Port != "" && hc.Port != "traffic-port" {
		if n, err := strconv.Atoi(hc.Port); err == nil {
			port = int32(n)
		}
	}
	addr, _ := o.Dial(tg.TG.TargetType, id, port)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	timedOut := func(err error) bool {
		var ne net.Error
		return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
	}
	proto := hc.Protocol
	if proto == "" {
		proto = tg.TG.Protocol
	}
	switch proto {
	case types.ProtocolEnumHttp, types.ProtocolEnumHttps:
	default:
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			if timedOut(err) {
				return string(types.TargetHealthReasonEnumTimeout), ""
			}
			return string(types.TargetHealthReasonEnumFailedHealthChecks), ""
		}
		conn.Close()
		return "", ""
	}
	scheme := "http"
	if proto == types.ProtocolEnumHttps {
		scheme = "https"
	}
	path := hc.Path
	if path == "" {
		path = "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+addr+path, nil)
	if err != nil {
		return string(types.TargetHealthReasonEnumFailedHealthChecks), ""
	}
	req.Header.Set("User-Agent", "ELB-HealthChecker/2.0")
	req.Close = true
	resp, err := client.Do(req)
	if err != nil {
		if timedOut(err) {
			return string(types.TargetHealthReasonEnumTimeout), ""
		}
		return string(types.TargetHealthReasonEnumFailedHealthChecks), ""
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if !matches(hc.Matcher, resp.StatusCode) {
		return string(types.TargetHealthReasonEnumResponseCodeMismatch), fmt.Sprintf("Health checks failed with these codes: [%d]", resp.StatusCode)
	}
	return "", ""
}

// newCheckClient is the client health checks go through: no redirects
// followed, no certificate checked, a new connection each time.
func newCheckClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// matches applies a target group's matcher: codes and ranges separated by
// commas ("200", "200-299", "200,202"); empty means 200.
func matches(matcher string, code int) bool {
	if matcher == "" {
		matcher = "200"
	}
	for _, part := range strings.Split(matcher, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				continue
			}
		}
		if code >= a && code <= b {
			return true
		}
	}
	return false
}
