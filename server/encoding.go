package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"

	"github.com/longshore/longshore/protocol/apierror"
)

// decodeContentEncoding undoes a gzip Content-Encoding: SDKs compress the
// bodies of operations with the requestCompression trait (CloudWatch's
// PutMetricData). The result is bounded like any body.
func decodeContentEncoding(r *http.Request, body []byte) ([]byte, error) {
	enc := strings.TrimSpace(strings.ToLower(r.Header.Get("Content-Encoding")))
	if enc != "gzip" || len(body) == 0 {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, apierror.WithStatus(http.StatusBadRequest, "SerializationException", "The request body is not valid gzip.")
	}
	out, err := io.ReadAll(io.LimitReader(zr, MaxBodyBytes+1))
	if err != nil {
		return nil, apierror.WithStatus(http.StatusBadRequest, "SerializationException", "The request body is not valid gzip.")
	}
	if len(out) > MaxBodyBytes {
		return nil, apierror.WithStatus(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body exceeds the maximum of %d bytes.", MaxBodyBytes)
	}
	return out, nil
}
