package protocol

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/protocol/model"
)

// An answer given already encoded is answered as given by the JSON codecs
// and encoded from its output by the others, whatever the bytes it carries.
func TestEncodedAnswers(t *testing.T) {
	svc := model.MustLoad("sts")
	op := svc.Operations["GetCallerIdentity"]
	out := &sts.GetCallerIdentityOutput{Account: aws.String("123456789012"), Arn: aws.String("arn:aws:iam::123456789012:root"), UserId: aws.String("123456789012")}
	given := []byte(`{"given":true}`)
	for _, c := range []Codec{AWSJSON10, AWSJSON11} {
		if got := c.Encode(svc, op, &Encoded{Output: out, JSON: given}, "rid"); string(got) != string(given) {
			t.Errorf("%s answered %s, want the bytes given", c.Name(), got)
		}
	}
	for _, c := range []Codec{AWSQuery, EC2Query, RPCv2CBOR} {
		want := string(c.Encode(svc, op, out, "rid"))
		if got := c.Encode(svc, op, &Encoded{Output: out, JSON: given}, "rid"); string(got) != want {
			t.Errorf("%s answered %q, want %q", c.Name(), got, want)
		}
	}
}
