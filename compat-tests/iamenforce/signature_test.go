package iamenforce_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// wire is one protocol's request for a read-only operation.
type wire struct {
	name    string
	service string // signing name
	path    string
	header  map[string]string
	body    string
	// The codes of a bad signature, an unknown key, an expired session and
	// a request time out of the allowed skew.
	badSig, badKey, expired, skew string
}

// The protocols Longshore speaks, each with its service family's codes.
// Query services: SignatureDoesNotMatch, InvalidClientTokenId, ExpiredToken
// (AWS's "Common Errors" of the query APIs); JSON services:
// InvalidSignatureException, UnrecognizedClientException,
// ExpiredTokenException; EC2: AuthFailure and RequestExpired (EC2 API
// reference, "Common client error codes"). CloudWatch's CBOR and JSON
// protocols keep the query codes (awsQueryCompatible).
var wires = []wire{
	{name: "json", service: "ecs", path: "/", body: "{}",
		header: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters"},
		badSig: "InvalidSignatureException", badKey: "UnrecognizedClientException", expired: "ExpiredTokenException", skew: "InvalidSignatureException"},
	{name: "query", service: "iam", path: "/", body: "Action=ListUsers&Version=2010-05-08",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
		badSig: "SignatureDoesNotMatch", badKey: "InvalidClientTokenId", expired: "ExpiredToken", skew: "SignatureDoesNotMatch"},
	{name: "ec2", service: "ec2", path: "/", body: "Action=DescribeVpcs&Version=2016-11-15",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
		badSig: "AuthFailure", badKey: "AuthFailure", expired: "RequestExpired", skew: "RequestExpired"},
	{name: "cbor", service: "monitoring", path: "/service/GraniteServiceVersion20100801/operation/ListMetrics", body: "\xa0",
		header: map[string]string{"Content-Type": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor", "Accept": "application/cbor"},
		badSig: "SignatureDoesNotMatch", badKey: "InvalidClientTokenId", expired: "ExpiredToken", skew: "SignatureDoesNotMatch"},
}

// send signs a request with the SDK's SigV4 signer at a given time; tamper,
// if set, replaces the body after signing.
func send(t *testing.T, ls *longshoretest.Instance, w wire, key, secret, token string, at time.Time, tamper string) harness.Response {
	t.Helper()
	req, err := http.NewRequest("POST", ls.URL+w.path, strings.NewReader(w.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range w.header {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256([]byte(w.body))
	creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(harness.Ctx, creds, req, hex.EncodeToString(sum[:]), w.service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	if tamper != "" {
		req.Body = http.NoBody
		req.Body = ioNopCloser(tamper)
		req.ContentLength = int64(len(tamper))
	}
	resp, err := ls.HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	if _, err := copyBody(b, resp); err != nil {
		t.Fatal(err)
	}
	return harness.Response{Status: resp.StatusCode, Header: resp.Header, Body: b.String()}
}

// codeOf finds the error code in a response of any protocol.
func codeOf(r harness.Response) string {
	if q := r.Header.Get("x-amzn-query-error"); q != "" {
		return q[:strings.IndexByte(q, ';')]
	}
	if e := r.Header.Get("X-Amzn-ErrorType"); e != "" {
		return e
	}
	if i := strings.Index(r.Body, "<Code>"); i >= 0 {
		rest := r.Body[i+len("<Code>"):]
		return rest[:strings.Index(rest, "</Code>")]
	}
	return ""
}

// Signatures are verified in every protocol: a good one passes; a wrong
// secret, a tampered body, an unknown key, a request older than five
// minutes and an expired session are each refused with the family's code.
func TestSignaturesInEveryProtocol(t *testing.T) {
	ls := start(t)
	var offset atomic.Int64
	ls.Server.Store.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(offset.Load())) }

	doc := policy(allow([]string{"ecs:ListClusters", "iam:ListUsers", "ec2:DescribeVpcs", "cloudwatch:ListMetrics", "sts:AssumeRole"}, "*"))
	key, secret := user(t, ls, "signer", doc)
	iamRoot := iam.NewFromConfig(ls.Config)
	if _, err := iamRoot.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("reader"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamRoot.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	ar, err := sts.NewFromConfig(as(ls, key, secret, "")).AssumeRole(harness.Ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/reader"), RoleSessionName: aws.String("sess"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	sk, ss, st := *ar.Credentials.AccessKeyId, *ar.Credentials.SecretAccessKey, *ar.Credentials.SessionToken

	for _, w := range wires {
		t.Run(w.name, func(t *testing.T) {
			now := time.Now()
			if r := send(t, ls, w, key, secret, "", now, ""); r.Status != 200 {
				t.Fatalf("good signature: %d %s", r.Status, r.Body)
			}
			if r := send(t, ls, w, sk, ss, st, now, ""); r.Status != 200 {
				t.Fatalf("session: %d %s", r.Status, r.Body)
			}
			check := func(what string, r harness.Response, code, text string) {
				t.Helper()
				if got := codeOf(r); got != code || !strings.Contains(r.Body, text) {
					t.Errorf("%s: want %s %q, got %d %q: %q", what, code, text, r.Status, got, r.Body)
				}
			}
			sigText := "The request signature we calculated does not match the signature you provided."
			tokenText := "The security token included in the request is invalid."
			if w.name == "ec2" {
				sigText, tokenText = "AWS was not able to validate the provided access credentials", sigText[:0]+"AWS was not able to validate the provided access credentials"
			}
			check("wrong secret", send(t, ls, w, key, secret+"x", "", now, ""), w.badSig, sigText)
			check("tampered body", send(t, ls, w, key, secret, "", now, w.body+" "), w.badSig, sigText)
			check("unknown key", send(t, ls, w, "AKIAIOSFODNN7EXAMPLE", secret, "", now, ""), w.badKey, tokenText)
			check("wrong session token", send(t, ls, w, sk, ss, st+"x", now, ""), w.badKey, tokenText)
			skewText := "Signature expired: "
			if w.name == "ec2" {
				skewText = "Request has expired."
			}
			check("old request", send(t, ls, w, key, secret, "", now.Add(-10*time.Minute), ""), w.skew, skewText)

			offset.Store(int64(time.Hour))
			expText := "The security token included in the request is expired"
			if w.name == "ec2" {
				expText = "Request has expired."
			}
			check("expired session", send(t, ls, w, sk, ss, st, now, ""), w.expired, expText)
			offset.Store(0)
		})
	}
}

// Root credentials stay unrestricted with any secret: the access key id
// "test" or a 12-digit account id.
func TestRootAnySecret(t *testing.T) {
	ls := start(t)
	for _, key := range []string{"test", "123456789012"} {
		if _, err := ecs.NewFromConfig(as(ls, key, "whatever", "")).ListClusters(harness.Ctx, &ecs.ListClustersInput{}); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if _, err := cloudwatch.NewFromConfig(as(ls, key, "x", "")).ListMetrics(harness.Ctx, &cloudwatch.ListMetricsInput{}); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	// An unsigned request is refused.
	r := harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.1",
		"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters"}, "{}")
	if codeOf(r) != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned: %d %s", r.Status, r.Body)
	}
}

// A presigned URL (query-string SigV4) is verified like a header signature.
func TestPresignedQuery(t *testing.T) {
	ls := start(t)
	key, secret := user(t, ls, "presigner", policy(allow("iam:ListUsers", "*")))
	presign := func(secret string) *http.Request {
		req, _ := http.NewRequest("GET", ls.URL+"/?Action=ListUsers&Version=2010-05-08", nil)
		sum := sha256.Sum256(nil)
		u, _, err := v4.NewSigner().PresignHTTP(harness.Ctx, aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, req,
			hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		out, _ := http.NewRequest("GET", u, nil)
		return out
	}
	do := func(req *http.Request) (int, string) {
		resp, err := ls.HTTPClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := new(strings.Builder)
		copyBody(b, resp)
		return resp.StatusCode, b.String()
	}
	if status, body := do(presign(secret)); status != 200 {
		t.Fatalf("presigned: %d %s", status, body)
	}
	if status, body := do(presign("wrong")); status != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("presigned with a wrong secret: %d %s", status, body)
	}
}

// A denial in each protocol: JSON's AccessDeniedException, query's
// AccessDenied (CloudWatch's CBOR keeps it, being query-compatible), and
// EC2's UnauthorizedOperation, which for a read names no resource.
func TestDenialInEveryProtocol(t *testing.T) {
	ls := start(t)
	key, secret := user(t, ls, "nobody", "")
	who := "User: arn:aws:iam::" + account + ":user/nobody is not authorized to perform: "
	want := map[string]struct{ code, text string }{
		"json":  {"AccessDeniedException", who + "ecs:ListClusters on resource: * because no identity-based policy allows the ecs:ListClusters action"},
		"query": {"AccessDenied", who + "iam:ListUsers on resource: arn:aws:iam::" + account + ":user/ because no identity-based policy allows the iam:ListUsers action"},
		"ec2":   {"UnauthorizedOperation", "You are not authorized to perform this operation. " + who + "ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action"},
		"cbor":  {"AccessDenied", who + "cloudwatch:ListMetrics on resource: * because no identity-based policy allows the cloudwatch:ListMetrics action"},
	}
	for _, w := range wires {
		r := send(t, ls, w, key, secret, "", time.Now(), "")
		if got := codeOf(r); got != want[w.name].code || !strings.Contains(r.Body, want[w.name].text) {
			t.Errorf("%s: want %s %q, got %d %s: %q", w.name, want[w.name].code, want[w.name].text, r.Status, got, r.Body)
		}
	}
}
