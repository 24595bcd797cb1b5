package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/longshore/longshore/services"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// The cost of IAM enforcement per request: the same signed DescribeClusters
// with enforcement off and on, in process (the server's CPU alone):
//
//	go test ./server -run '^$' -bench EnforceIAM -benchmem -count 5

const benchPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Read","Effect":"Allow","Action":["ecs:Describe*","ecs:List*"],"Resource":["arn:aws:ecs:us-east-1:000000000000:cluster/default","arn:aws:ecs:*:*:*/default/*"]},
 {"Sid":"Tags","Effect":"Allow","Action":"ecs:TagResource","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"web"}}},
 {"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:*:log-group:/ecs/*"},
 {"Sid":"NoDelete","Effect":"Deny","Action":"ecs:Delete*","Resource":"*"}]}`

// benchUser creates an IAM user with benchPolicy through the server and
// returns its access key.
func benchUser(tb testing.TB, h http.Handler) (key, secret string) {
	call := func(form string) string {
		req := httptest.NewRequest("POST", "/", strings.NewReader(form+"&Version=2010-05-08"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			tb.Fatalf("%s: %d %s", form, w.Code, w.Body)
		}
		return w.Body.String()
	}
	call("Action=CreateUser&UserName=bench")
	call("Action=PutUserPolicy&UserName=bench&PolicyName=read&PolicyDocument=" + url.QueryEscape(benchPolicy))
	out := call("Action=CreateAccessKey&UserName=bench")
	key = regexp.MustCompile(`<AccessKeyId>([^<]+)<`).FindStringSubmatch(out)[1]
	secret = regexp.MustCompile(`<SecretAccessKey>([^<]+)<`).FindStringSubmatch(out)[1]
	return key, secret
}

// signedHeaders signs one ECS request; the signature stays valid for the
// five minutes of allowed skew, so the benchmark reuses it.
func signedHeaders(tb testing.TB, key, secret, target, body string) map[string]string {
	req := httptest.NewRequest("POST", "http://example.com/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, req,
		hex.EncodeToString(sum[:]), "ecs", "us-east-1", time.Now()); err != nil {
		tb.Fatal(err)
	}
	h := map[string]string{}
	for k := range req.Header {
		h[k] = req.Header.Get(k)
	}
	return h
}

func BenchmarkEnforceIAM(b *testing.B) {
	const target = "AmazonEC2ContainerServiceV20141113.DescribeClusters"
	const body = `{"clusters":["default"]}`
	for _, mode := range []struct {
		name    string
		enforce bool
		root    bool
	}{{"off-root", false, true}, {"off", false, false}, {"on", true, false}} {
		b.Run(mode.name, func(b *testing.B) {
			s, err := New(Config{EnforceIAM: mode.enforce, Services: services.New})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			key, secret := benchUser(b, s.Handler)
			if mode.root {
				key, secret = "test", "test"
			}
			hdr := signedHeaders(b, key, secret, target, body)
			inProcess(b, s.Handler, hdr, body)
		})
	}
}

// With enforcement on, the benchmark's request is really authorized (and a
// denied one really denied), or it would measure nothing.
func TestEnforceBenchRequestIsAuthorized(t *testing.T) {
	s, err := New(Config{EnforceIAM: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	key, secret := benchUser(t, s.Handler)
	for _, c := range []struct {
		target, body string
		status       int
	}{
		{"AmazonEC2ContainerServiceV20141113.DescribeClusters", `{"clusters":["default"]}`, 200},
		{"AmazonEC2ContainerServiceV20141113.DescribeClusters", `{"clusters":["other"]}`, 400},
		{"AmazonEC2ContainerServiceV20141113.DeleteCluster", `{"cluster":"default"}`, 400},
	} {
		req := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
		for k, v := range signedHeaders(t, key, secret, c.target, c.body) {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		s.Handler.ServeHTTP(w, req)
		if w.Code != c.status {
			t.Fatalf("%s %s: %d %s", c.target, c.body, w.Code, w.Body)
		}
	}
	if d := s.enforce.Decisions(); len(d) != 3 || d[0].Result != "explicitDeny" || d[0].Sid != "NoDelete" {
		t.Fatalf("decisions: %+v", d)
	}
}

// BenchmarkEnforceSteps isolates what enforcement adds to a request: the
// signature check and the authorization, run against a transaction the
// handler opens anyway ("tx" is that transaction alone, to subtract).
func BenchmarkEnforceSteps(b *testing.B) {
	const target = "AmazonEC2ContainerServiceV20141113.DescribeClusters"
	const body = `{"clusters":["default"]}`
	s, err := New(Config{EnforceIAM: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	key, secret := benchUser(b, s.Handler)
	rt := newRoutes()
	for _, svc := range s.svcs.Services {
		rt.add(svc)
	}
	d := &dispatcher{routes: rt, store: s.Store, region: "us-east-1", resolvers: s.svcs.Resolvers, log: s.log, enforce: s.enforce}
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	for k, v := range signedHeaders(b, key, secret, target, body) {
		r.Header.Set(k, v)
	}
	c, err := d.route(r)
	if err != nil {
		b.Fatal(err)
	}
	h := c.svc.Handlers[c.op]
	in := reflect.New(h.InputType).Interface()
	if err := c.codec.Decode(c.svc.Model.Operations[c.op], &c.input, in); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("tx", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			d.store.Read(ctx, func(tx *store.Tx) error { return nil })
		}
	})
	b.Run("tx+enforcement", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p, id, err := d.authenticate(r, c)
			if err != nil {
				b.Fatal(err)
			}
			err = d.store.Read(ctx, func(tx *store.Tx) error {
				actx := &api.Context{Context: ctx, Service: c.svc.Name, Operation: c.op, Region: "us-east-1", Tx: tx, Caller: p}
				return d.authorize(actx, r, c, id, in)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
