package protocol

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// FuzzDecodeQuery feeds forms to the awsQuery and ec2 decoders through
// operations with nested structures and lists. Its seeds run with every
// go test; CI also fuzzes it briefly:
//
//	go test ./protocol -run '^$' -fuzz '^FuzzDecodeQuery$' -fuzztime 10s
func FuzzDecodeQuery(f *testing.F) {
	for _, seed := range []string{
		"Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"RoleName=r&MaxSessionDuration=abc", "Tags.member.1.Key=k&Tags.member.3.Key=x", "Tags.member.=1&Tags..member.1=2",
		"MaxSessionDuration=99999999999999999999", "Tags=&Tags.member.1.Key=", "%zz", "a=b&a=c",
		"Tags.member.2.Key=b&Tags.member.1.Key=a", "Tags.member.0.Key=a", "Tags.member.01.Key=a", "Tags.member.1",
		"Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2&SubnetId.1=s", "Filter.2.Name=vpc-id&Filter.2.Value.1=x",
		"Filter.1.Value.3=x", "Namespace=n&MetricData.member.1.MetricName=m&MetricData.member.1.Dimensions.member.1.Name=d" +
			"&MetricData.member.1.Dimensions.member.1.Value=v&MetricData.member.1.Values.member.1=1.5&MetricData.member.1.Timestamp=2024-01-01T00:00:00Z",
		"MetricData.member.1.Values.member.1=NaN&MetricData.member.1.Counts.member.1=1e400&MetricData.member.1.StorageResolution=1",
		"Marker" + strings.Repeat(".", 300) + "=x", strings.Repeat("Tags.member.1.", 100) + "Key=x",
	} {
		f.Add(seed)
	}
	type target struct {
		op  *model.Operation
		ec2 bool
		in  func() any
	}
	targets := []target{
		{model.MustLoad("iam").Operations["CreateRole"], false, func() any { return new(iam.CreateRoleInput) }},
		{model.MustLoad("ec2").Operations["DescribeSubnets"], true, func() any { return new(fuzzSubnetsInput) }},
		{model.MustLoad("cloudwatch").Operations["PutMetricData"], false, func() any { return new(fuzzPutMetricDataInput) }},
	}
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return // the server answers MalformedQueryString before decoding
		}
		for _, tg := range targets {
			in := tg.in()
			err = DecodeQuery(tg.op.Input, form, tg.ec2, in)
			var ae *apierror.Error
			if err != nil && !errors.As(err, &ae) {
				t.Fatalf("non-AWS error %T %v", err, err)
			}
			if err == nil {
				Validate(tg.op.Input, in)
			}
		}
	})
}

// Inputs shaped like the SDK's (the codecs bind members to fields by name),
// kept here so that fuzzing does not instrument the large SDK packages.
type fuzzFilter struct {
	Name   *string
	Values []string
}

type fuzzSubnetsInput struct {
	Filters    []fuzzFilter
	SubnetIds  []string
	DryRun     *bool
	MaxResults *int32
	NextToken  *string
}

type fuzzDimension struct{ Name, Value *string }

type fuzzStatisticSet struct{ SampleCount, Sum, Minimum, Maximum *float64 }

type fuzzDatum struct {
	MetricName        *string
	Dimensions        []fuzzDimension
	Timestamp         *time.Time
	Value             *float64
	StatisticValues   *fuzzStatisticSet
	Values            []float64
	Counts            []float64
	Unit              string
	StorageResolution *int32
}

type fuzzPutMetricDataInput struct {
	Namespace  *string
	MetricData []fuzzDatum
}

// FuzzDecodeJSONString holds the JSON reader's strings to encoding/json's
// for every string encoding/json reads, escapes and all.
func FuzzDecodeJSONString(f *testing.F) {
	for _, seed := range []string{`"plain"`, `"{\"Version\":\"2012-10-17\"}"`, `"a\\b\/c\n\t\r\b\f"`, `"\u00e9\u65e5"`,
		`"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ude00\ud83d"`, `"tail\""`, `"\u0000"`, `"é"`} {
		f.Add(seed)
	}
	shape := model.MustLoad("iam").Operations["GetRole"].Input
	f.Fuzz(func(t *testing.T, text string) {
		var want string
		if json.Unmarshal([]byte(text), &want) != nil || !utf8.ValidString(text) {
			return
		}
		var in iam.GetRoleInput
		if err := DecodeJSON(shape, []byte(`{"RoleName":`+text+`}`), &in); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if got := aws.ToString(in.RoleName); got != want {
			t.Fatalf("%s: got %q, want %q", text, got, want)
		}
	})
}
