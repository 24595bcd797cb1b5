package protocol

import (
	"errors"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

// The decoders must never panic and must answer every bad input with an AWS error.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"family":"web","containerDefinitions":[{"name":"a","image":"nginx","memory":512,"portMappings":[{"containerPort":80}]}]}`,
		`{"family":1}`, `[`, `{"containerDefinitions":{"a":1}}`, `{"cpu":"256","memory":"512","tags":[{"key":"k","value":"v"}]}`,
		`{"containerDefinitions":[{"environment":[{"name":"A","value":"B"}],"dockerLabels":{"a":"b"},"memory":1e99}]}`,
		`null`, `"x"`, `{"volumes":[{"efsVolumeConfiguration":{"fileSystemId":"fs","transitEncryptionPort":99999999999}}]}`,
	} {
		f.Add([]byte(seed))
	}
	op := model.MustLoad("ecs").Operations["RegisterTaskDefinition"]
	f.Fuzz(func(t *testing.T, body []byte) {
		in := new(ecs.RegisterTaskDefinitionInput)
		err := DecodeJSON(op.Input, body, in)
		var ae *apierror.Error
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("non-AWS error %T %v", err, err)
		}
		if err == nil {
			Validate(op.Input, in)
			EncodeJSON(op.Input, in)
		}
	})
}

func FuzzDecodeQuery(f *testing.F) {
	for _, seed := range []string{
		"Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"RoleName=r&MaxSessionDuration=abc", "Tags.member.1.Key=k&Tags.member.3.Key=x", "Tags.member.=1&Tags..member.1=2",
		"MaxSessionDuration=99999999999999999999", "Tags=&Tags.member.1.Key=", "%zz", "a=b&a=c",
	} {
		f.Add(seed)
	}
	op := model.MustLoad("iam").Operations["CreateRole"]
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return // the server answers MalformedQueryString before decoding
		}
		in := new(iam.CreateRoleInput)
		err = DecodeQuery(op.Input, form, false, in)
		var ae *apierror.Error
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("non-AWS error %T %v", err, err)
		}
		if err == nil {
			Validate(op.Input, in)
		}
	})
}
