package protocol

import (
	"bytes"

	"github.com/longshore/longshore/protocol/model"
)

// Encoded is an operation's output together with its JSON wire form. A
// handler that has just encoded the output's members to store them returns
// those bytes instead of having the output encoded a second time; the JSON
// codecs answer with JSON, the others encode Output as usual.
type Encoded struct {
	Output any
	// JSON is the output's whole awsJson body. The codec takes it over: it
	// may be recycled once written.
	JSON []byte
}

// OutputOf is the output a codec that does not speak JSON encodes.
func OutputOf(out any) any {
	if e, ok := out.(*Encoded); ok {
		return e.Output
	}
	return out
}

// AppendJSON appends the awsJson document of v (of shape sh) to dst.
func AppendJSON(dst []byte, sh *model.Shape, v any) []byte {
	buf := bytes.NewBuffer(dst)
	writeDocument(buf, sh, v)
	return buf.Bytes()
}
