package dataplane

import (
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/elbv2"
)

// Cookie names ALB uses for stickiness.
const (
	cookieTarget = "AWSALB"     // target stickiness (lb_cookie)
	cookieCORS   = "AWSALBCORS" // the same, for cross-origin requests
	cookieGroup  = "AWSALBTG"   // target group stickiness of a weighted forward
)

func encodeSticky(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeSticky(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return ""
	}
	return string(b)
}

func stickyCookie(w http.ResponseWriter, name, value string, d time.Duration) {
	w.Header().Add("Set-Cookie", (&http.Cookie{Name: name, Value: encodeSticky(value), Path: "/", Expires: time.Now().Add(d)}).String())
	if name == cookieTarget {
		w.Header().Add("Set-Cookie", (&http.Cookie{Name: cookieCORS, Value: encodeSticky(value), Path: "/", Expires: time.Now().Add(d),
			SameSite: http.SameSiteNoneMode, Secure: true}).String())
	}
}

// chooseGroup picks a target group of a forward action by weight, or the
// one the group stickiness cookie names.
func chooseGroup(w http.ResponseWriter, r *http.Request, a types.Action) string {
	fc := a.ForwardConfig
	if fc == nil || len(fc.TargetGroups) == 0 {
		return aws.ToString(a.TargetGroupArn)
	}
	if len(fc.TargetGroups) == 1 {
		return aws.ToString(fc.TargetGroups[0].TargetGroupArn)
	}
	sticky := r != nil && fc.TargetGroupStickinessConfig != nil && aws.ToBool(fc.TargetGroupStickinessConfig.Enabled)
	if sticky {
		if want := decodeSticky(r, cookieGroup); want != "" {
			for _, tg := range fc.TargetGroups {
				if aws.ToString(tg.TargetGroupArn) == want && aws.ToInt32(tg.Weight) > 0 {
					return want
				}
			}
		}
	}
	total := 0
	for _, tg := range fc.TargetGroups {
		total += int(aws.ToInt32(tg.Weight))
	}
	chosen := aws.ToString(fc.TargetGroups[0].TargetGroupArn)
	if total > 0 {
		n := rand.IntN(total)
		for _, tg := range fc.TargetGroups {
			n -= int(aws.ToInt32(tg.Weight))
			if n < 0 {
				chosen = aws.ToString(tg.TargetGroupArn)
				break
			}
		}
	}
	if sticky {
		d := time.Duration(aws.ToInt32(fc.TargetGroupStickinessConfig.DurationSeconds)) * time.Second
		if d <= 0 {
			d = time.Hour
		}
		stickyCookie(w, cookieGroup, chosen, d)
	}
	return chosen
}

// routable appends to idx the indexes of a group's targets that take new
// requests: the healthy ones, or, when none is healthy, every registered one
// (ALB fails open). Draining targets take none.
func routable(g *groupEntry, now time.Time, idx []int) []int {
	for i, t := range g.Targets {
		if t.Draining {
			continue
		}
		if st, _ := t.Health(now); st == string(types.TargetHealthStateEnumHealthy) || st == string(types.TargetHealthStateEnumUnavailable) {
			idx = append(idx, i)
		}
	}
	if len(idx) > 0 {
		return idx
	}
	for i, t := range g.Targets {
		if !t.Draining {
			idx = append(idx, i)
		}
	}
	return idx
}

func (px *proxy) forward(w http.ResponseWriter, r *http.Request, t *table, le *listenerEntry, client netip.Addr, a types.Action) {
	tgArn := chooseGroup(w, r, a)
	g := t.groups[tgArn]
	if g == nil {
		errorPage(w, http.StatusServiceUnavailable)
		return
	}
	var buf [32]int
	cands := routable(g, time.Now(), buf[:0])
	if len(cands) == 0 {
		errorPage(w, http.StatusServiceUnavailable)
		return
	}
	o := px.p.cfg.ELB
	gs := px.p.group(tgArn)
	addr := ""
	if g.stick {
		if want := decodeSticky(r, cookieTarget); want != "" {
			for _, i := range cands {
				if a := g.addr(o, i); a == want {
					addr = a
					break
				}
			}
		}
	}
	lor := g.algorithm == "least_outstanding_requests"
	if addr == "" {
		addr = gs.choose(o, g, cands, lor)
	}
	if g.stick {
		stickyCookie(w, cookieTarget, addr, g.stickFor)
	}
	if lor {
		gs.begin(addr)
		defer gs.end(addr)
	}
	px.exchange(w, r, pick{addr: addr, listener: le, client: client, idle: le.lb.idle})
}

// choose applies the group's algorithm to the candidates: round_robin by
// default, least_outstanding_requests or weighted_random when the attribute
// says so.
func (gs *groupState) choose(o elbv2.Options, g *groupEntry, cands []int, lor bool) string {
	n := gs.next.Add(1)
	switch {
	case lor:
		gs.mu.Lock()
		defer gs.mu.Unlock()
		best, bestN := "", 0
		for k := range cands {
			a := g.addr(o, cands[(int(n)+k)%len(cands)])
			if c := gs.outstanding[a]; best == "" || c < bestN {
				best, bestN = a, c
			}
		}
		return best
	case g.algorithm == "weighted_random":
		return g.addr(o, cands[rand.IntN(len(cands))])
	}
	return g.addr(o, cands[int(n%uint64(len(cands)))])
}

func (gs *groupState) begin(addr string) {
	gs.mu.Lock()
	gs.outstanding[addr]++
	gs.mu.Unlock()
}

func (gs *groupState) end(addr string) {
	gs.mu.Lock()
	if gs.outstanding[addr]--; gs.outstanding[addr] <= 0 {
		delete(gs.outstanding, addr)
	}
	gs.mu.Unlock()
}
