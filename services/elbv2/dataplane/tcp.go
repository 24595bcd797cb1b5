package dataplane

import (
	"hash/fnv"
	"io"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// serveTCP passes each connection accepted on ln through to a target of the
// listener's default action, chosen by a hash of the flow (protocol, source
// and destination address and port), as a network load balancer does: the
// whole connection stays on that target. It returns the function that stops
// accepting and closes the open connections.
func (p *Plane) serveTCP(ln net.Listener, listenerArn string) func() {
	return accept(ln, func(c net.Conn, cs *connSet) { p.passThrough(c, listenerArn, cs) })
}

// flowHash hashes a connection's 5-tuple.
func flowHash(c net.Conn) uint64 {
	h := fnv.New64a()
	io.WriteString(h, "tcp|"+c.RemoteAddr().String()+"|"+c.LocalAddr().String())
	return h.Sum64()
}

func (p *Plane) passThrough(c net.Conn, listenerArn string, cs *connSet) {
	t := p.current()
	if t == nil {
		return
	}
	le := t.listeners[listenerArn]
	if le == nil || len(le.rules) == 0 {
		return
	}
	var tg *groupEntry
	for _, a := range le.rules[len(le.rules)-1].actions {
		if a.Type == types.ActionTypeEnumForward {
			if arn := chooseGroup(nil, nil, a); arn != "" {
				tg = t.groups[arn]
			}
		}
	}
	if tg == nil {
		return
	}
	targets := routable(tg, time.Now(), nil)
	if len(targets) == 0 {
		return
	}
	addr := tg.addr(p.cfg.ELB, targets[flowHash(c)%uint64(len(targets))])
	up, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		p.log.Debug("elbv2 data plane: TCP target unreachable", "target", addr, "error", err)
		return
	}
	if !cs.add(up) {
		up.Close()
		return
	}
	defer cs.remove(up)
	defer up.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
}
