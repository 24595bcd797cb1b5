package dataplane

import (
	"context"
	"net"
	"testing"
	"time"
)

// A kept connection is used again while it stays open; one the target
// closed is checked and replaced once idle past checkAfter; prune closes
// those kept past their time.
func TestUpstreamKeepsAndChecksConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	u := newUpstream()
	defer u.closeIdle()
	addr := ln.Addr().String()
	get := func() *upConn {
		t.Helper()
		uc, err := u.get(context.Background(), addr, time.Minute, false)
		if err != nil {
			t.Fatal(err)
		}
		return uc
	}
	first := get()
	server := <-accepted
	u.put(first)
	if again := get(); again != first || !again.reused {
		t.Fatal("a kept connection was not used again")
	}
	u.put(first)
	// The target closes it; idle past checkAfter, it is found closed.
	server.Close()
	time.Sleep(checkAfter + 50*time.Millisecond)
	fresh := get()
	if fresh == first || fresh.reused {
		t.Fatal("a connection the target closed was used again")
	}
	u.put(fresh)
	u.prune(time.Now().Add(maxKeep + time.Second))
	if n := len(u.idle[addr]); n != 0 {
		t.Fatalf("%d connections kept past their time", n)
	}
}
