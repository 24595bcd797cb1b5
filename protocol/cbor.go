package protocol

import (
	"math"
	"net/http"
	"reflect"
	"time"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

// RPCv2CBOR is Smithy RPC v2 CBOR: POST /service/<Service>/operation/<Op>
// with CBOR bodies; timestamps are tag 1 epoch seconds.
var RPCv2CBOR Codec = cborCodec{}

type cborCodec struct{}

func (cborCodec) Name() string        { return "smithy-rpc-v2-cbor" }
func (cborCodec) ContentType() string { return "application/cbor" }
func (cborCodec) Decode(op *model.Operation, in *Input, into any) error {
	return DecodeCBOR(op.Input, in.Body, into)
}
func (cborCodec) Encode(_ *model.Service, op *model.Operation, out any, _ string) []byte {
	return EncodeCBOR(op.Output, OutputOf(out))
}
func (cborCodec) EncodeError(svc *model.Service, e *apierror.Error, _ string) []byte {
	return EncodeCBORError(svc, e)
}

// ResponseHeaders adds the header every RPC v2 response carries.
func (cborCodec) ResponseHeaders(h http.Header) { h.Set("Smithy-Protocol", "rpc-v2-cbor") }

// DecodeCBOR fills in (a pointer to an SDK input struct) from an RPC v2 CBOR body.
func DecodeCBOR(sh *model.Shape, body []byte, in any) error {
	if len(body) == 0 || sh == nil {
		return nil
	}
	doc, err := readCBOR(body)
	if err != nil {
		return serializationError("Unable to parse the request body as CBOR: %v", err)
	}
	if _, ok := doc.(map[string]any); !ok {
		return serializationError("Start of structure or map expected, got %s.", cborKind(doc))
	}
	return assignCBOR(sh, doc, reflect.ValueOf(in).Elem(), 0)
}

func cborKind(v any) string {
	switch v.(type) {
	case nil, cborUndefined:
		return "null"
	case map[string]any:
		return "a map"
	case []any:
		return "an array"
	case string:
		return "a text string"
	case []byte:
		return "a byte string"
	case bool:
		return "a boolean"
	case cborInt:
		return "an integer"
	case float64:
		return "a float"
	case cborTag:
		return "a tagged item"
	}
	return "a value"
}

func assignCBOR(sh *model.Shape, doc any, v reflect.Value, depth int) error {
	switch doc.(type) {
	case nil, cborUndefined:
		return nil // null is the same as absent
	}
	if depth > maxDepth {
		return serializationError("The request body is nested too deeply.")
	}
	mismatch := func() error {
		return serializationError("Expected %s for %s, got %s.", sh.Type, sh.Name, cborKind(doc))
	}
	switch sh.Type {
	case "structure":
		obj, ok := doc.(map[string]any)
		if !ok {
			return mismatch()
		}
		if sh.Document {
			return nil
		}
		t := v.Type()
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil // unions are SDK interfaces, which the codecs leave alone
		}
		sv := settable(v)
		for _, f := range fieldsOf(sh, t) {
			raw, ok := obj[f.member.Name]
			if !ok {
				continue
			}
			if err := assignCBOR(f.member.Shape, raw, sv.Field(f.index), depth+1); err != nil {
				return err
			}
		}
	case "list":
		arr, ok := doc.([]any)
		if !ok {
			return mismatch()
		}
		sv := settable(v)
		if sv.Kind() != reflect.Slice {
			return nil
		}
		out := reflect.MakeSlice(sv.Type(), len(arr), len(arr))
		for i, item := range arr {
			if err := assignCBOR(sh.Member.Shape, item, out.Index(i), depth+1); err != nil {
				return err
			}
		}
		sv.Set(out)
	case "map":
		obj, ok := doc.(map[string]any)
		if !ok {
			return mismatch()
		}
		sv := settable(v)
		if sv.Kind() != reflect.Map {
			return nil
		}
		out := reflect.MakeMapWithSize(sv.Type(), len(obj))
		for k, item := range obj {
			key := reflect.New(sv.Type().Key()).Elem()
			key.SetString(k)
			val := reflect.New(sv.Type().Elem()).Elem()
			if err := assignCBOR(sh.Value.Shape, item, val, depth+1); err != nil {
				return err
			}
			out.SetMapIndex(key, val)
		}
		sv.Set(out)
	case "string":
		s, ok := doc.(string)
		if !ok {
			return mismatch()
		}
		settable(v).SetString(s)
	case "boolean":
		b, ok := doc.(bool)
		if !ok {
			return mismatch()
		}
		settable(v).SetBool(b)
	case "integer", "long":
		n, ok := doc.(cborInt)
		if !ok {
			return mismatch()
		}
		limit := uint64(math.MaxInt64)
		if sh.Type == "integer" {
			limit = math.MaxInt32
		}
		if n.v > limit {
			return serializationError("Integer value out of range for %s.", sh.Name)
		}
		i := int64(n.v)
		if n.neg {
			i = -1 - i
		}
		settable(v).SetInt(i)
	case "double", "float":
		f, ok := cborNumber(doc)
		if !ok {
			return mismatch()
		}
		settable(v).SetFloat(f)
	case "timestamp":
		tag, ok := doc.(cborTag)
		if !ok || tag.num != 1 {
			return serializationError("Expected a timestamp (tag 1) for %s, got %s.", sh.Name, cborKind(doc))
		}
		secs, ok := cborNumber(tag.val)
		if !ok || math.IsNaN(secs) || math.IsInf(secs, 0) || math.Abs(secs) > 1e14 {
			return serializationError("Expected epoch seconds for %s.", sh.Name)
		}
		sec, frac := math.Modf(secs)
		settable(v).Set(reflect.ValueOf(time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC()))
	case "blob":
		b, ok := doc.([]byte)
		if !ok {
			return mismatch()
		}
		settable(v).SetBytes(append([]byte{}, b...))
	}
	return nil
}

// cborNumber reads an integer or a float as float64.
func cborNumber(doc any) (float64, bool) {
	switch x := doc.(type) {
	case float64:
		return x, true
	case cborInt:
		if x.neg {
			return -1 - float64(x.v), true
		}
		return float64(x.v), true
	}
	return 0, false
}

// EncodeCBOR writes an SDK output struct as an RPC v2 CBOR document.
func EncodeCBOR(sh *model.Shape, out any) []byte {
	w := &cborWriter{}
	v, ok := deref(reflect.ValueOf(out))
	if sh == nil || out == nil || !ok {
		w.head(cborMap, 0)
		return w.buf
	}
	writeCBOR(w, sh, v)
	return w.buf
}

func writeCBOR(w *cborWriter, sh *model.Shape, v reflect.Value) {
	v, ok := deref(v)
	if !ok {
		w.null()
		return
	}
	switch sh.Type {
	case "structure":
		if v.Kind() != reflect.Struct {
			w.head(cborMap, 0)
			return
		}
		fields := fieldsOf(sh, v.Type())
		n := 0
		for _, f := range fields {
			if !isAbsent(v.Field(f.index)) {
				n++
			}
		}
		w.head(cborMap, uint64(n))
		for _, f := range fields {
			fv := v.Field(f.index)
			if isAbsent(fv) {
				continue
			}
			w.text(f.member.Name)
			writeCBOR(w, f.member.Shape, fv)
		}
	case "list":
		w.head(cborArray, uint64(v.Len()))
		for i := 0; i < v.Len(); i++ {
			writeCBOR(w, sh.Member.Shape, v.Index(i))
		}
	case "map":
		w.head(cborMap, uint64(v.Len()))
		for _, k := range sortedKeys(v) {
			w.text(k.String())
			writeCBOR(w, sh.Value.Shape, v.MapIndex(k))
		}
	case "string":
		w.text(v.String())
	case "boolean":
		w.bool(v.Bool())
	case "integer", "long":
		w.int(v.Int())
	case "double", "float":
		w.float(v.Float())
	case "timestamp":
		w.head(cborTagged, 1)
		writeEpochSeconds(w, v.Interface().(time.Time))
	case "blob":
		w.bytes(v.Bytes())
	default:
		w.null()
	}
}

// writeEpochSeconds writes whole seconds as an integer and others as the float
// that clients truncating seconds×1000 still read as the same millisecond.
func writeEpochSeconds(w *cborWriter, t time.Time) {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		w.int(ms / 1000)
		return
	}
	f := float64(ms) / 1e3
	for int64(f*1e3) < ms {
		f = math.Nextafter(f, math.Inf(1))
	}
	w.float(f)
}

// EncodeCBORError renders an error as RPC v2's {"__type", "message"} map. The
// type is the error's shape name; query-compatible services carry the query
// code in the x-amzn-query-error header instead.
func EncodeCBORError(svc *model.Service, e *apierror.Error) []byte {
	name := ErrorShapeName(svc, e.Code)
	capital := svc != nil && svc.Shapes[name] != nil && svc.Shapes[name].MemberByName("Message") != nil
	w := &cborWriter{}
	if capital {
		w.head(cborMap, 3)
	} else {
		w.head(cborMap, 2)
	}
	w.text("__type")
	w.text(name)
	w.text("message")
	w.text(e.Message)
	if capital {
		w.text("Message")
		w.text(e.Message)
	}
	return w.buf
}

// ErrorShapeName is the model shape name of an error code: the shape of that
// name when there is one, else the shape whose error code it is, else the code.
func ErrorShapeName(svc *model.Service, code string) string {
	if svc == nil {
		return code
	}
	if sh := svc.Shapes[code]; sh != nil && sh.Exception {
		return code
	}
	if sh := svc.ErrorShape(code); sh != nil {
		return sh.Name
	}
	return code
}
