package protocol

import (
	"bytes"
	"encoding/hex"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Test vectors from RFC 8949 appendix A.
func TestReadCBORVectors(t *testing.T) {
	cases := []struct {
		hex  string
		want any
	}{
		{"00", cborInt{v: 0}},
		{"17", cborInt{v: 23}},
		{"1818", cborInt{v: 24}},
		{"1903e8", cborInt{v: 1000}},
		{"1bffffffffffffffff", cborInt{v: math.MaxUint64}},
		{"20", cborInt{v: 0, neg: true}},
		{"3903e7", cborInt{v: 999, neg: true}},
		{"f93c00", 1.0},
		{"f97bff", 65504.0},
		{"f90001", 5.960464477539063e-8},
		{"fa47c35000", 100000.0},
		{"fb3ff199999999999a", 1.1},
		{"f4", false},
		{"f5", true},
		{"f6", nil},
		{"f7", cborUndefined{}},
		{"6449455446", "IETF"},
		{"62c3bc", "ü"},
		{"4401020304", []byte{1, 2, 3, 4}},
		{"5f42010243030405ff", []byte{1, 2, 3, 4, 5}},
		{"7f657374726561646d696e67ff", "streaming"},
		{"83010203", []any{cborInt{v: 1}, cborInt{v: 2}, cborInt{v: 3}}},
		{"9fff", []any{}},
		{"9f018202039f0405ffff", []any{cborInt{v: 1}, []any{cborInt{v: 2}, cborInt{v: 3}}, []any{cborInt{v: 4}, cborInt{v: 5}}}},
		{"a26161016162820203", map[string]any{"a": cborInt{v: 1}, "b": []any{cborInt{v: 2}, cborInt{v: 3}}}},
		{"bf61610161629f0203ffff", map[string]any{"a": cborInt{v: 1}, "b": []any{cborInt{v: 2}, cborInt{v: 3}}}},
		{"c11a514b67b0", cborTag{num: 1, val: cborInt{v: 1363896240}}},
		{"c1fb41d452d9ec200000", cborTag{num: 1, val: 1363896240.5}},
	}
	for _, tc := range cases {
		got, err := readCBOR(mustHex(t, tc.hex))
		if err != nil {
			t.Errorf("%s: %v", tc.hex, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %#v, want %#v", tc.hex, got, tc.want)
		}
	}
	if v, err := readCBOR(mustHex(t, "f97c00")); err != nil || !math.IsInf(v.(float64), 1) {
		t.Errorf("f97c00: %v %v", v, err)
	}
	if v, err := readCBOR(mustHex(t, "f97e00")); err != nil || !math.IsNaN(v.(float64)) {
		t.Errorf("f97e00: %v %v", v, err)
	}
}

func TestReadCBORRejects(t *testing.T) {
	cases := map[string]string{
		"truncated":               "1903",
		"truncated string":        "6449",
		"trailing bytes":          "0000",
		"huge array length":       "9bffffffffffffffff",
		"huge map length":         "bbffffffffffffffff",
		"huge string length":      "7bffffffffffffffff",
		"non-text map key":        "a10102",
		"invalid utf-8":           "62c328",
		"lone break":              "ff",
		"unterminated indefinite": "9f01",
		"reserved minor":          "1c",
		"indefinite integer":      "1f",
		"mixed string chunks":     "7f4101ff",
		"unknown simple value":    "f0",
	}
	for name, h := range cases {
		if _, err := readCBOR(mustHex(t, h)); err == nil {
			t.Errorf("%s (%s): no error", name, h)
		}
	}
	deep := bytes.Repeat([]byte{0x81}, maxDepth+2)
	if _, err := readCBOR(append(deep, 0x00)); err == nil {
		t.Error("deep nesting: no error")
	}
}

func TestCBORWriterRoundTrip(t *testing.T) {
	w := &cborWriter{}
	w.head(cborMap, 7)
	w.text("i")
	w.int(-500)
	w.text("u")
	w.int(1 << 40)
	w.text("f")
	w.float(2.5)
	w.text("b")
	w.bool(true)
	w.text("n")
	w.null()
	w.text("bytes")
	w.bytes([]byte("xyz"))
	w.text(strings.Repeat("k", 300))
	w.head(cborArray, 1)
	w.text("v")
	got, err := readCBOR(w.buf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"i": cborInt{v: 499, neg: true}, "u": cborInt{v: 1 << 40}, "f": 2.5, "b": true, "n": nil,
		"bytes": []byte("xyz"), strings.Repeat("k", 300): []any{"v"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
}

func TestCBORCodecStructs(t *testing.T) {
	m := model.MustLoad("cloudwatch")
	ts := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)
	out := &cloudwatch.GetMetricDataOutput{MetricDataResults: []types.MetricDataResult{{Id: aws.String("m1"), StatusCode: types.StatusCodeComplete,
		Timestamps: []time.Time{ts, ts.Truncate(time.Second)}, Values: []float64{0, -1.5}}}, NextToken: aws.String("t")}
	body := EncodeCBOR(m.Operations["GetMetricData"].Output, out)
	doc, err := readCBOR(body)
	if err != nil {
		t.Fatal(err)
	}
	res := doc.(map[string]any)["MetricDataResults"].([]any)[0].(map[string]any)
	stamps := res["Timestamps"].([]any)
	// Whole seconds as integers; others as the float a truncating reader takes back to the millisecond.
	if tag := stamps[1].(cborTag); tag.num != 1 || tag.val != (cborInt{v: uint64(ts.Unix())}) {
		t.Errorf("whole-second timestamp %#v", stamps[1])
	}
	if f := stamps[0].(cborTag).val.(float64); int64(f*1e3) != ts.UnixMilli() {
		t.Errorf("millisecond timestamp %v reads back as %d", f, int64(f*1e3))
	}
	if res["StatusCode"] != "Complete" || !reflect.DeepEqual(res["Values"], []any{0.0, -1.5}) {
		t.Errorf("result %#v", res)
	}

	// Decoding: the SDK's indefinite-length maps and lists, integers for doubles, timestamps as tag 1.
	in := mustHex(t, "bf"+"694e616d657370616365"+"63417070"+"6a4d657472696344617461"+"9f"+
		"bf"+"6a4d65747269634e616d65"+"6144"+"6556616c7565"+"18 2a"+"6954696d657374616d70"+"c1 fb41d98e34fe47df3b"+"ff"+"ff"+"ff")
	var got cloudwatch.PutMetricDataInput
	if err := DecodeCBOR(m.Operations["PutMetricData"].Input, in, &got); err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Namespace) != "App" || len(got.MetricData) != 1 || aws.ToFloat64(got.MetricData[0].Value) != 42 ||
		aws.ToString(got.MetricData[0].MetricName) != "D" || got.MetricData[0].Timestamp.UnixMilli() != 1715000313123 {
		t.Errorf("decoded %+v %v", got, got.MetricData[0].Timestamp)
	}

	bad := map[string]func(w *cborWriter){
		"a string for a structure list": func(w *cborWriter) { w.head(cborMap, 1); w.text("MetricData"); w.text("x") },
		"a float for a string":          func(w *cborWriter) { w.head(cborMap, 1); w.text("Namespace"); w.float(1) },
		"a timestamp without its tag": func(w *cborWriter) {
			w.head(cborMap, 1)
			w.text("MetricData")
			w.head(cborArray, 1)
			w.head(cborMap, 1)
			w.text("Timestamp")
			w.int(5)
		},
		"a float for an integer": func(w *cborWriter) {
			w.head(cborMap, 1)
			w.text("MetricData")
			w.head(cborArray, 1)
			w.head(cborMap, 1)
			w.text("StorageResolution")
			w.float(1)
		},
		"an integer out of range": func(w *cborWriter) {
			w.head(cborMap, 1)
			w.text("MetricData")
			w.head(cborArray, 1)
			w.head(cborMap, 1)
			w.text("StorageResolution")
			w.int(1 << 33)
		},
		"not a map": func(w *cborWriter) { w.head(cborArray, 0) },
	}
	for name, build := range bad {
		w := &cborWriter{}
		build(w)
		err := DecodeCBOR(m.Operations["PutMetricData"].Input, w.buf, &cloudwatch.PutMetricDataInput{})
		if e, ok := err.(*apierror.Error); !ok || e.Code != "SerializationException" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCBORError(t *testing.T) {
	m := model.MustLoad("cloudwatch")
	cases := map[string]string{"ResourceNotFound": "ResourceNotFound", "InvalidParameterValue": "InvalidParameterValueException",
		"InternalServiceError": "InternalServiceFault", "ValidationError": "ValidationError"}
	for code, shape := range cases {
		doc, err := readCBOR(EncodeCBORError(m, apierror.New(code, "msg")))
		if err != nil {
			t.Fatal(err)
		}
		d := doc.(map[string]any)
		if d["__type"] != shape || d["message"] != "msg" {
			t.Errorf("%s: %#v", code, d)
		}
		if shape == "InternalServiceFault" && d["Message"] != "msg" {
			t.Errorf("%s: capitalised Message missing: %#v", code, d)
		}
	}
}

func FuzzDecodeCBOR(f *testing.F) {
	m := model.MustLoad("cloudwatch")
	f.Add(EncodeCBOR(m.Operations["GetMetricData"].Output, &cloudwatch.GetMetricDataOutput{NextToken: aws.String("x")}))
	f.Add([]byte{0xbf, 0x69, 'N', 'a', 'm', 'e', 's', 'p', 'a', 'c', 'e', 0x61, 'A', 0xff})
	f.Add([]byte{0xa1, 0x6a, 'M', 'e', 't', 'r', 'i', 'c', 'D', 'a', 't', 'a', 0x9f, 0xa0, 0xff})
	ops := []string{"PutMetricData", "GetMetricData", "PutMetricAlarm", "DescribeAlarmHistory"}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, op := range ops {
			o := m.Operations[op]
			var in any
			switch op {
			case "PutMetricData":
				in = &cloudwatch.PutMetricDataInput{}
			case "GetMetricData":
				in = &cloudwatch.GetMetricDataInput{}
			case "PutMetricAlarm":
				in = &cloudwatch.PutMetricAlarmInput{}
			default:
				in = &cloudwatch.DescribeAlarmHistoryInput{}
			}
			if err := DecodeCBOR(o.Input, body, in); err != nil {
				if _, ok := err.(*apierror.Error); !ok {
					t.Fatalf("%s: %T %v", op, err, err)
				}
			}
		}
	})
}

// A text string is UTF-8, as CBOR requires (RFC 8949, section 3.1): a run of
// bytes that are not is written as one U+FFFD.
func TestCBORTextIsUTF8(t *testing.T) {
	for in, want := range map[string]string{"plain é": "plain é", "bad\xffbyte": "bad\uFFFDbyte", "\xc3": "\uFFFD"} {
		w := &cborWriter{}
		w.text(in)
		got, err := readCBOR(w.buf)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%q written as %q, want %q", in, got, want)
		}
	}
}
