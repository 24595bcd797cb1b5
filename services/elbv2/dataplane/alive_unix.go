//go:build linux || darwin || freebsd || netbsd || openbsd

package dataplane

import (
	"net"
	"syscall"
	"time"
)

// alive reports whether an idle connection is still open: the target has
// neither closed it nor sent anything, so a peek finds nothing to read yet.
func alive(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	c.SetReadDeadline(time.Time{})
	open := false
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK
		return true
	})
	return err == nil && open
}
