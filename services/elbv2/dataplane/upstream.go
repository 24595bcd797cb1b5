package dataplane

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

const (
	// maxIdlePerTarget bounds the idle connections kept to one target.
	maxIdlePerTarget = 128
	// maxKeep is the longest an idle connection is kept; a load balancer's
	// idle timeout keeps them half as long.
	maxKeep = 30 * time.Second
	// checkAfter is how long a connection may have been idle before it is
	// checked for a close by the target (whose keep-alive timeout may be a
	// second or two), which the next request would otherwise find.
	checkAfter = 100 * time.Millisecond
)

// upstream holds the kept-alive connections to targets, idle ones by
// address, the most recently used last.
type upstream struct {
	mu     sync.Mutex
	idle   map[string][]*upConn
	dialer net.Dialer
}

func newUpstream() *upstream {
	return &upstream{idle: map[string][]*upConn{}, dialer: net.Dialer{Timeout: 10 * time.Second}}
}

// upConn is one connection to a target.
type upConn struct {
	*idleConn
	addr   string
	br     *bufio.Reader
	bw     *bufio.Writer
	abort  func() // closes the connection, made once
	since  time.Time
	keep   time.Duration
	reused bool
	// wdone reports the end of a request body written by its own goroutine.
	wdone chan error
}

// get returns an idle connection to addr, or a new one when there is none
// or fresh is set; idle is the load balancer's idle timeout.
func (u *upstream) get(ctx context.Context, addr string, idle time.Duration, fresh bool) (*upConn, error) {
	if !fresh {
		if uc := u.take(addr); uc != nil {
			uc.idleConn.idle, uc.read, uc.reused, uc.wdone, uc.onSlow = idle, 0, true, nil, nil
			return uc, nil
		}
	}
	c, err := u.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	ic := &idleConn{Conn: c, idle: idle}
	uc := &upConn{idleConn: ic, addr: addr, br: bufio.NewReaderSize(ic, 4<<10), bw: bufio.NewWriterSize(ic, 4<<10)}
	uc.abort = func() { c.Close() }
	return uc, nil
}

// take pops the most recently used idle connection to addr that is fit for
// another request, closing the stale ones it meets.
func (u *upstream) take(addr string) *upConn {
	now := time.Now()
	for {
		u.mu.Lock()
		list := u.idle[addr]
		if len(list) == 0 {
			u.mu.Unlock()
			return nil
		}
		uc := list[len(list)-1]
		list[len(list)-1] = nil
		u.idle[addr] = list[:len(list)-1]
		u.mu.Unlock()
		idleFor := now.Sub(uc.since)
		if idleFor <= uc.keep && (idleFor < checkAfter || alive(uc.Conn)) {
			return uc
		}
		uc.Conn.Close()
	}
}

// put keeps a connection whose exchange ended cleanly for the next request.
func (u *upstream) put(uc *upConn) {
	uc.since = time.Now()
	uc.keep = min(uc.idleConn.idle/2, maxKeep)
	u.mu.Lock()
	list := u.idle[uc.addr]
	if len(list) >= maxIdlePerTarget {
		u.mu.Unlock()
		uc.Conn.Close()
		return
	}
	u.idle[uc.addr] = append(list, uc)
	u.mu.Unlock()
}

// prune closes the idle connections kept past their time.
func (u *upstream) prune(now time.Time) {
	var stale []*upConn
	u.mu.Lock()
	for addr, list := range u.idle {
		kept := list[:0]
		for _, uc := range list {
			if now.Sub(uc.since) > uc.keep {
				stale = append(stale, uc)
			} else {
				kept = append(kept, uc)
			}
		}
		clear(list[len(kept):])
		if len(kept) == 0 {
			delete(u.idle, addr)
		} else {
			u.idle[addr] = kept
		}
	}
	u.mu.Unlock()
	for _, uc := range stale {
		uc.Conn.Close()
	}
}

// closeIdle closes every idle connection.
func (u *upstream) closeIdle() {
	u.mu.Lock()
	all := u.idle
	u.idle = map[string][]*upConn{}
	u.mu.Unlock()
	for _, list := range all {
		for _, uc := range list {
			uc.Conn.Close()
		}
	}
}

// discard closes a connection that will not carry another request, once
// its request body's goroutine, if any, is done.
func (uc *upConn) discard() {
	uc.Conn.Close()
	uc.finishBody()
}

// finishBody waits for a request body written by its own goroutine. One
// still being written when the answer has ended (the target did not read
// it all) is cut off: the target's connection closes, which fails the
// goroutine's next write; what is left of the body stays unread.
func (uc *upConn) finishBody() error {
	if uc.wdone == nil {
		return nil
	}
	select {
	case err := <-uc.wdone:
		uc.wdone = nil
		return err
	default:
	}
	uc.Conn.Close()
	<-uc.wdone
	uc.wdone = nil
	return net.ErrClosed
}

// idleConn fails a read when nothing arrived for the idle timeout since the
// last read or write: ALB's idle timeout. read counts the bytes read in the
// current exchange; onSlow, when set, runs if the next read waits longer
// than slowAfter.
type idleConn struct {
	net.Conn
	idle   time.Duration
	read   int64
	onSlow func()
}

func (c *idleConn) Read(b []byte) (int, error) {
	if f := c.onSlow; f != nil && c.idle > slowAfter {
		c.onSlow = nil
		c.Conn.SetReadDeadline(time.Now().Add(slowAfter))
		n, err := c.Conn.Read(b)
		if n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
			c.read += int64(n)
			return n, err
		}
		f()
	}
	c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	n, err := c.Conn.Read(b)
	c.read += int64(n)
	return n, err
}

func (c *idleConn) Write(b []byte) (int, error) {
	c.Conn.SetDeadline(time.Now().Add(c.idle))
	return c.Conn.Write(b)
}
