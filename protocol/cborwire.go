package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// The CBOR major types (RFC 8949 §3.1).
const (
	cborUint   = 0
	cborNegInt = 1
	cborBytes  = 2
	cborText   = 3
	cborArray  = 4
	cborMap    = 5
	cborTagged = 6
	cborSimple = 7
)

// cborInt is an integer as CBOR carries it: a magnitude and a sign (-1-v when neg).
type cborInt struct {
	v   uint64
	neg bool
}

// cborTag is a tagged data item.
type cborTag struct {
	num uint64
	val any
}

// cborUndefined is CBOR's "undefined"; like null it means absent.
type cborUndefined struct{}

var errCBOREOF = errors.New("unexpected end of CBOR data")

// cborReader decodes one CBOR data item into Go values: cborInt, float64,
// string, []byte, []any, map[string]any, bool, nil, cborUndefined and cborTag.
type cborReader struct {
	p   []byte
	off int
}

// readCBOR decodes the single data item of p.
func readCBOR(p []byte) (any, error) {
	r := &cborReader{p: p}
	v, err := r.item(0)
	if err != nil {
		return nil, err
	}
	if r.off != len(p) {
		return nil, fmt.Errorf("%d bytes after the CBOR data item", len(p)-r.off)
	}
	return v, nil
}

func (r *cborReader) byte() (byte, error) {
	if r.off >= len(r.p) {
		return 0, errCBOREOF
	}
	b := r.p[r.off]
	r.off++
	return b, nil
}

func (r *cborReader) take(n uint64) ([]byte, error) {
	if n > uint64(len(r.p)-r.off) {
		return nil, errCBOREOF
	}
	b := r.p[r.off : r.off+int(n)]
	r.off += int(n)
	return b, nil
}

// arg reads the argument of an initial byte; indefinite is true for minor 31.
func (r *cborReader) arg(minor byte) (v uint64, indefinite bool, err error) {
	switch {
	case minor < 24:
		return uint64(minor), false, nil
	case minor == 24:
		b, err := r.take(1)
		if err != nil {
			return 0, false, err
		}
		return uint64(b[0]), false, nil
	case minor == 25:
		b, err := r.take(2)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint16(b)), false, nil
	case minor == 26:
		b, err := r.take(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(b)), false, nil
	case minor == 27:
		b, err := r.take(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(b), false, nil
	case minor == 31:
		return 0, true, nil
	}
	return 0, false, fmt.Errorf("reserved CBOR additional information %d", minor)
}

// isBreak consumes the "break" stop code of an indefinite-length item if it is next.
func (r *cborReader) isBreak() (bool, error) {
	if r.off >= len(r.p) {
		return false, errCBOREOF
	}
	if r.p[r.off] == 0xff {
		r.off++
		return true, nil
	}
	return false, nil
}

func (r *cborReader) item(depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("CBOR data nested too deeply")
	}
	ib, err := r.byte()
	if err != nil {
		return nil, err
	}
	major, minor := ib>>5, ib&0x1f
	if major == cborSimple {
		return r.simple(minor)
	}
	n, indefinite, err := r.arg(minor)
	if err != nil {
		return nil, err
	}
	switch major {
	case cborUint, cborNegInt:
		if indefinite {
			return nil, errors.New("indefinite-length integer")
		}
		return cborInt{v: n, neg: major == cborNegInt}, nil
	case cborBytes, cborText:
		b, err := r.stringBytes(major, n, indefinite)
		if err != nil {
			return nil, err
		}
		if major == cborBytes {
			return b, nil
		}
		if !utf8.Valid(b) {
			return nil, errors.New("text string is not valid UTF-8")
		}
		return string(b), nil
	case cborArray:
		out := []any{}
		for i := uint64(0); indefinite || i < n; i++ {
			if indefinite {
				if done, err := r.isBreak(); err != nil || done {
					return out, err
				}
			} else if i == 0 && n > uint64(len(r.p)-r.off) {
				return nil, errCBOREOF // each element takes at least one byte
			}
			v, err := r.item(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case cborMap:
		out := map[string]any{}
		for i := uint64(0); indefinite || i < n; i++ {
			if indefinite {
				if done, err := r.isBreak(); err != nil || done {
					return out, err
				}
			} else if i == 0 && n > uint64(len(r.p)-r.off)/2 {
				return nil, errCBOREOF
			}
			k, err := r.item(depth + 1)
			if err != nil {
				return nil, err
			}
			key, ok := k.(string)
			if !ok {
				return nil, errors.New("map key is not a text string")
			}
			v, err := r.item(depth + 1)
			if err != nil {
				return nil, err
			}
			out[key] = v
		}
		return out, nil
	case cborTagged:
		if indefinite {
			return nil, errors.New("indefinite-length tag")
		}
		v, err := r.item(depth + 1)
		if err != nil {
			return nil, err
		}
		return cborTag{num: n, val: v}, nil
	}
	return nil, fmt.Errorf("unknown CBOR major type %d", major)
}

// stringBytes reads a byte or text string, joining the chunks of an indefinite one.
func (r *cborReader) stringBytes(major byte, n uint64, indefinite bool) ([]byte, error) {
	if !indefinite {
		return r.take(n)
	}
	var out []byte
	for {
		if done, err := r.isBreak(); err != nil || done {
			return out, err
		}
		ib, err := r.byte()
		if err != nil {
			return nil, err
		}
		if ib>>5 != major {
			return nil, errors.New("indefinite-length string chunk of another type")
		}
		cn, ind, err := r.arg(ib & 0x1f)
		if err != nil {
			return nil, err
		}
		if ind {
			return nil, errors.New("nested indefinite-length string chunk")
		}
		b, err := r.take(cn)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
}

func (r *cborReader) simple(minor byte) (any, error) {
	switch minor {
	case 20:
		return false, nil
	case 21:
		return true, nil
	case 22:
		return nil, nil
	case 23:
		return cborUndefined{}, nil
	case 25:
		b, err := r.take(2)
		if err != nil {
			return nil, err
		}
		return float16ToFloat64(binary.BigEndian.Uint16(b)), nil
	case 26:
		b, err := r.take(4)
		if err != nil {
			return nil, err
		}
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	case 27:
		b, err := r.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case 31:
		return nil, errors.New("unexpected CBOR break")
	}
	return nil, fmt.Errorf("unsupported CBOR simple value %d", minor)
}

// float16ToFloat64 widens an IEEE 754 half-precision value.
func float16ToFloat64(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(frac+1024, exp-25)
}

// cborWriter appends CBOR data items to a buffer.
type cborWriter struct{ buf []byte }

func (w *cborWriter) head(major byte, n uint64) {
	switch {
	case n < 24:
		w.buf = append(w.buf, major<<5|byte(n))
	case n <= math.MaxUint8:
		w.buf = append(w.buf, major<<5|24, byte(n))
	case n <= math.MaxUint16:
		w.buf = binary.BigEndian.AppendUint16(append(w.buf, major<<5|25), uint16(n))
	case n <= math.MaxUint32:
		w.buf = binary.BigEndian.AppendUint32(append(w.buf, major<<5|26), uint32(n))
	default:
		w.buf = binary.BigEndian.AppendUint64(append(w.buf, major<<5|27), n)
	}
}

func (w *cborWriter) int(i int64) {
	if i >= 0 {
		w.head(cborUint, uint64(i))
	} else {
		w.head(cborNegInt, uint64(-1-i))
	}
}

func (w *cborWriter) float(f float64) {
	w.buf = binary.BigEndian.AppendUint64(append(w.buf, cborSimple<<5|27), math.Float64bits(f))
}

// text writes s as a text string, which CBOR requires to be UTF-8: a run of
// bytes that are not is written as one U+FFFD (the JSON and XML writers
// write one for each such byte).
func (w *cborWriter) text(s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	w.head(cborText, uint64(len(s)))
	w.buf = append(w.buf, s...)
}

func (w *cborWriter) bytes(b []byte) {
	w.head(cborBytes, uint64(len(b)))
	w.buf = append(w.buf, b...)
}

func (w *cborWriter) bool(b bool) {
	if b {
		w.buf = append(w.buf, cborSimple<<5|21)
	} else {
		w.buf = append(w.buf, cborSimple<<5|20)
	}
}

func (w *cborWriter) null() { w.buf = append(w.buf, cborSimple<<5|22) }
