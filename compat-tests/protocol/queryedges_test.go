package protocol_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/longshore/longshore/compat-tests/harness"
)

// rewriteBody is a Build step (after the operation serializer, before the
// payload hash and signature) that replaces text in the serialized form.
func rewriteBody(from, to string) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Build.Add(middleware.BuildMiddlewareFunc("rewriteBody", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			req := in.Request.(*smithyhttp.Request)
			if r := req.GetStream(); r != nil {
				b, err := io.ReadAll(r)
				if err != nil {
					return middleware.BuildOutput{}, middleware.Metadata{}, err
				}
				b = bytes.ReplaceAll(b, []byte(from), []byte(to))
				nr, err := req.SetStream(bytes.NewReader(b))
				if err != nil {
					return middleware.BuildOutput{}, middleware.Metadata{}, err
				}
				nr.ContentLength = int64(len(b))
				in.Request = nr
			}
			return next.HandleBuild(ctx, in)
		}), middleware.Before)
	}
}

// List members are numbered from 1 without gaps: Smithy's awsQuery and
// ec2Query specifications serialize each list member with "a '1' indexed
// incrementing counter" (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html,
// .../aws-ec2-query-protocol.html). What AWS answers to a form numbered
// otherwise is not documented, so Longshore refuses it rather than read part
// of the list: a filter on Filter.2 alone used to be dropped, listing every
// subnet, and Tags.member.2 alone created a role without tags.
func TestQueryListIndexGapsAreRefused(t *testing.T) {
	ls := harness.Start(t)
	ctx := harness.Ctx

	ec := ec2.NewFromConfig(ls.Config)
	all := harness.Must(ec.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{}))(t)
	if len(all.Subnets) == 0 {
		t.Fatal("no default subnets")
	}
	filter := &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{"vpc-nope"}}}}
	none := harness.Must(ec.DescribeSubnets(ctx, filter))(t)
	if len(none.Subnets) != 0 {
		t.Fatalf("vpc-nope matched %d subnets", len(none.Subnets))
	}
	_, err := ec.DescribeSubnets(ctx, filter, func(o *ec2.Options) {
		o.APIOptions = append(o.APIOptions, rewriteBody("Filter.1.", "Filter.2."))
	})
	harness.AssertError(t, err, "InvalidParameterValue", 400, "")
	harness.Contains(t, err.Error(), "Filter.1")
	_, err = ec.DescribeSubnets(ctx, filter, func(o *ec2.Options) {
		o.APIOptions = append(o.APIOptions, rewriteBody("Value.1=", "Value.0="))
	})
	harness.AssertError(t, err, "InvalidParameterValue", 400, "")

	ic := iam.NewFromConfig(ls.Config)
	create := &iam.CreateRoleInput{RoleName: aws.String("gappy"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}}}
	_, err = ic.CreateRole(ctx, create, func(o *iam.Options) {
		o.APIOptions = append(o.APIOptions, rewriteBody("Tags.member.1.", "Tags.member.2."))
	})
	harness.AssertError(t, err, "ValidationError", 400, "")
	harness.Contains(t, err.Error(), "Tags.member.1")
	_, err = ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("gappy")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "")
	for _, bad := range []string{"Tags.member.01.", "Tags.member.x.", "Tags.member.-1."} {
		_, err = ic.CreateRole(ctx, create, func(o *iam.Options) {
			o.APIOptions = append(o.APIOptions, rewriteBody("Tags.member.1.", bad))
		})
		harness.AssertError(t, err, "ValidationError", 400, "")
	}

	// Members numbered 1..n in any order on the wire are read in index order.
	trust := url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	r := harness.Query(t, ls, "iam", "Action=CreateRole&Version=2010-05-08&RoleName=ordered&AssumeRolePolicyDocument="+trust+
		"&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1")
	if r.Status != 200 {
		t.Fatalf("ordered: %d %s", r.Status, r.Body)
	}
	tags := harness.Must(ic.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("ordered")}))(t).Tags
	if len(tags) != 2 || aws.ToString(tags[0].Key) != "a" || aws.ToString(tags[1].Key) != "b" {
		t.Errorf("tags %+v", tags)
	}
}

// Errors raised before a request is routed (an oversized body, bad gzip, a
// malformed form) come back in the envelope of the request's own protocol, so
// the SDK raises a service error instead of failing to parse the answer.
// EC2's errors are always in EC2's <Response><Errors> envelope
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
func TestPreRoutingErrorsInTheProtocolEnvelope(t *testing.T) {
	ls := harness.Start(t)
	ctx := harness.Ctx
	huge := strings.Repeat("a", 10<<20+1)

	_, err := iam.NewFromConfig(ls.Config).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("big"), AssumeRolePolicyDocument: aws.String(huge)})
	harness.AssertError(t, err, "RequestEntityTooLarge", http.StatusRequestEntityTooLarge, "")
	_, err = ec2.NewFromConfig(ls.Config).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{huge}}}})
	harness.AssertError(t, err, "RequestEntityTooLarge", http.StatusRequestEntityTooLarge, "")

	ec2Sig := "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x"
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": ec2Sig}
	r := harness.Raw(t, ls, "POST", "/", form, "Action=DescribeVpcs&Version=2016-11-15&bad=%zz")
	if r.Status != 400 || !strings.HasPrefix(r.Body, "<Response><Errors><Error><Code>MalformedQueryString</Code>") {
		t.Errorf("malformed: %d %s", r.Status, r.Body)
	}
	gz := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": ec2Sig, "Content-Encoding": "gzip"}
	r = harness.Raw(t, ls, "POST", "/", gz, "not gzip at all")
	if r.Status != 400 || !strings.HasPrefix(r.Body, "<Response><Errors><Error><Code>") {
		t.Errorf("bad gzip, ec2: %d %s", r.Status, r.Body)
	}
	gz["Authorization"] = strings.Replace(ec2Sig, "/ec2/", "/iam/", 1)
	r = harness.Raw(t, ls, "POST", "/", gz, "not gzip at all")
	if r.Status != 400 || !strings.Contains(r.Body, "<ErrorResponse") || !strings.Contains(r.Body, "<RequestId>") {
		t.Errorf("bad gzip, iam: %d %s", r.Status, r.Body)
	}
	// Unsigned, the form's Version in the URL tells the service.
	r = harness.Raw(t, ls, "POST", "/?Version=2016-11-15", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Content-Length": fmt.Sprint(len(huge))}, huge)
	if r.Status != http.StatusRequestEntityTooLarge || !strings.HasPrefix(r.Body, "<Response><Errors><Error><Code>RequestEntityTooLarge</Code>") {
		t.Errorf("unsigned ec2 413: %d %.300s", r.Status, r.Body)
	}
}

// A form key of megabytes costs time linear in its length (it used to cost
// quadratic CPU: 9 s for 800 KB of dots on IAM).
func TestLongQueryKeyAnswersQuickly(t *testing.T) {
	ls := harness.Start(t)
	for _, key := range []string{strings.Repeat(".", 8<<20), "Marker" + strings.Repeat(".", 8<<20), "Tags.member.1" + strings.Repeat(".x", 4<<20)} {
		start := time.Now()
		r := harness.Query(t, ls, "iam", "Action=ListRoles&Version=2010-05-08&"+key+"=x")
		if r.Status != 200 {
			t.Fatalf("%d %.300s", r.Status, r.Body)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("an 8 MB key took %v", d)
		}
	}
}
