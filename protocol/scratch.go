package protocol

import (
	"bytes"
	"sync"
)

// Encoders build a body in a scratch buffer kept from one request to the
// next and return an exact copy: a buffer grown from nothing doubles its way
// up and allocates about twice the body on the way.
var scratchPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxScratch is the largest buffer kept for reuse; larger ones are rare.
const maxScratch = 1 << 20

func scratch() *bytes.Buffer { return scratchPool.Get().(*bytes.Buffer) }

// done returns a copy of buf's bytes and gives buf back.
func done(buf *bytes.Buffer) []byte {
	out := append([]byte(nil), buf.Bytes()...)
	if buf.Cap() <= maxScratch {
		buf.Reset()
		scratchPool.Put(buf)
	}
	return out
}
