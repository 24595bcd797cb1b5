package dataplane

import (
	"net"
	"sync"
)

// connSet tracks a listener port's open connections, so that closing the
// port closes them too.
type connSet struct {
	mu     sync.Mutex
	open   map[net.Conn]bool
	closed bool
}

// add tracks c; false once the set is closed (c is then the caller's to close).
func (s *connSet) add(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.open == nil {
		s.open = map[net.Conn]bool{}
	}
	s.open[c] = true
	return true
}

func (s *connSet) remove(c net.Conn) {
	s.mu.Lock()
	delete(s.open, c)
	s.mu.Unlock()
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	s.closed = true
	for c := range s.open {
		c.Close()
	}
	s.mu.Unlock()
}

// accept runs handle on a goroutine for each connection ln accepts, and
// returns the function that stops accepting and closes every connection.
func accept(ln net.Listener, handle func(c net.Conn, cs *connSet)) func() {
	cs := &connSet{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !cs.add(c) {
				c.Close()
				return
			}
			go func() {
				defer cs.remove(c)
				defer c.Close()
				handle(c, cs)
			}()
		}
	}()
	return func() {
		ln.Close()
		cs.closeAll()
	}
}
