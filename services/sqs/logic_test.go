package sqs

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestParseQueueURL(t *testing.T) {
	for _, tc := range []struct {
		in            string
		account, name string
		ok            bool
	}{
		{"https://sqs.us-east-1.amazonaws.com/123456789012/orders", "123456789012", "orders", true},
		{"http://127.0.0.1:4566/000000000000/jobs.fifo", "000000000000", "jobs.fifo", true},
		{"/000000000000/jobs", "000000000000", "jobs", true},
		{"http://localhost:4566/queue/000000000000/q", "000000000000", "q", true},
		{"orders", "", "", false},
		{"", "", "", false},
	} {
		ref, ok := parseQueueURL(tc.in)
		if ok != tc.ok || ref.Account != tc.account || ref.Name != tc.name {
			t.Errorf("%q: %+v %v", tc.in, ref, ok)
		}
	}
}

func TestReceiptRoundTrip(t *testing.T) {
	r := receipt{Queue: "jobs.fifo", Seq: 42, Token: "abc"}
	got, ok := parseReceipt(r.String())
	if !ok || got != r {
		t.Fatalf("%+v %v", got, ok)
	}
	for _, bad := range []string{"", "not base64!", "aGVsbG8="} {
		if _, ok := parseReceipt(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// The digest depends on the attributes, not on the order they were given in.
func TestAttrsMD5(t *testing.T) {
	a := map[string]types.MessageAttributeValue{
		"b": {DataType: aws.String("String"), StringValue: aws.String("x")},
		"a": {DataType: aws.String("Binary"), BinaryValue: []byte{1}},
	}
	first := attrsMD5(userAttrs(a))
	if len(first) != 32 || first != attrsMD5(userAttrs(a)) {
		t.Fatalf("digest %q", first)
	}
	a["b"] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String("y")}
	if attrsMD5(userAttrs(a)) == first {
		t.Errorf("a changed value kept the digest")
	}
	if attrsMD5(nil) != "" {
		t.Errorf("no attributes have no digest")
	}
}
