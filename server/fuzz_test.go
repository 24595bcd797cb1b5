package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzServe sends whatever a client might to the whole handler, on every
// protocol: no request may panic or answer a 5xx, whatever its method,
// path, headers or body.
func FuzzServe(f *testing.F) {
	const sigv4 = "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/%s/aws4_request, SignedHeaders=host, Signature=x"
	type seed struct {
		method, path, target, contentType, auth, body string
	}
	for _, s := range []seed{
		{"POST", "/", "AmazonEC2ContainerServiceV20141113.CreateCluster", "application/x-amz-json-1.1", "ecs", `{"clusterName":"c"}`},
		{"POST", "/", "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition", "application/x-amz-json-1.1", "ecs",
			`{"family":"web","containerDefinitions":[{"name":"a","image":"nginx","memory":512,"portMappings":[{"containerPort":80}]}]}`},
		{"POST", "/", "AmazonEC2ContainerServiceV20141113.DescribeClusters", "application/x-amz-json-1.1", "ecs", `{"clusters":["c"]}`},
		{"POST", "/", "", "application/x-www-form-urlencoded", "iam", "Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D"},
		{"POST", "/", "", "application/x-www-form-urlencoded", "iam", "Action=GetRole&Version=2010-05-08&RoleName=r"},
		{"POST", "/", "", "application/x-www-form-urlencoded", "ec2", "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=x"},
		{"POST", "/", "", "application/x-www-form-urlencoded", "elasticloadbalancing", "Action=DescribeLoadBalancers&Version=2015-12-01"},
		{"POST", "/", "AmazonSQS.CreateQueue", "application/x-amz-json-1.0", "sqs", `{"QueueName":"q"}`},
		{"POST", "/", "AmazonSSM.PutParameter", "application/x-amz-json-1.1", "ssm", `{"Name":"/a","Value":"v","Type":"String"}`},
		{"POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", "", "application/cbor", "monitoring", "\xa0"},
		{"GET", "/?Action=GetCallerIdentity&Version=2011-06-15", "", "", "sts", ""},
		{"PUT", "/x/y", "a.b", "text/plain", "", "\x00\xff"},
	} {
		auth := ""
		if s.auth != "" {
			auth = strings.Replace(sigv4, "%s", s.auth, 1)
		}
		f.Add(s.method, s.path, s.target, s.contentType, auth, []byte(s.body))
	}
	s, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	f.Fuzz(func(t *testing.T, method, path, target, contentType, auth string, body []byte) {
		if strings.HasPrefix(strings.TrimLeft(path, "/"), "_longshore") {
			path = "/" // the control endpoints and the dashboard's event streams are not AWS's
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond) // long polls end
		defer cancel()
		r, err := http.NewRequestWithContext(ctx, method, "http://localhost:4566"+path, bytes.NewReader(body))
		if err != nil {
			return // no client can send it
		}
		for k, v := range map[string]string{"X-Amz-Target": target, "Content-Type": contentType, "Authorization": auth} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		w := httptest.NewRecorder()
		s.Handler.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s (target %q, type %q, auth %q, body %q): %d %s", method, path, target, contentType, auth, body, w.Code, w.Body.Bytes())
		}
	})
}
