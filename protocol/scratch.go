package protocol

import (
	"bytes"
	"sync"
)

// Bodies are built in scratch memory kept from one request to the next: a
// buffer grown from nothing doubles its way up and allocates about twice
// the body on the way. A codec's Encode returns the scratch memory itself,
// which the caller hands back with Recycle once the body is written; the
// package's Encode functions return an exact copy, theirs to keep.
var scratchPool sync.Pool // *[]byte

// maxScratch is the largest memory kept for reuse; larger bodies are rare.
const maxScratch = 1 << 20

func scratch() *bytes.Buffer {
	if p, ok := scratchPool.Get().(*[]byte); ok {
		return bytes.NewBuffer((*p)[:0])
	}
	return new(bytes.Buffer)
}

// Scratch is empty scratch memory to append a document to; hand it back
// with Recycle once nothing reads the document.
func Scratch() []byte { return scratch().Bytes() }

// done returns a copy of buf's bytes and gives buf's memory back.
func done(buf *bytes.Buffer) []byte {
	out := append([]byte(nil), buf.Bytes()...)
	Recycle(buf.Bytes())
	return out
}

// Recycle takes back the memory of a body a Codec's Encode or EncodeError
// returned, once nothing reads it any more: a later body is built in it.
func Recycle(body []byte) {
	if cap(body) == 0 || cap(body) > maxScratch {
		return
	}
	b := body[:0]
	scratchPool.Put(&b)
}
