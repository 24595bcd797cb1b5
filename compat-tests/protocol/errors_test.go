package protocol_test

import (
	"encoding/json"

	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
	"github.com/longshore/longshore/services"
	"github.com/longshore/longshore/services/api"
)

// protocolSet is the real services with a few operations replaced by no-op
// handlers, so that these tests see only the protocol layer.
func protocolSet(cfg services.Config) *services.Set {
	set := services.New(cfg)
	for _, s := range set.Services {
		switch s.Name {
		case "ecs":
			api.Handle(s, "ListClusters", noop[ecs.ListClustersInput, ecs.ListClustersOutput])
		case "application-autoscaling":
			api.Handle(s, "DescribeScalableTargets", noop[applicationautoscaling.DescribeScalableTargetsInput, applicationautoscaling.DescribeScalableTargetsOutput])
		case "iam":
			api.Handle(s, "CreateRole", noop[iam.CreateRoleInput, iam.CreateRoleOutput])
		}
	}
	return set
}

func noop[In, Out any](*api.Context, *In) (*Out, error) { return new(Out), nil }

func TestErrorEnvelopes(t *testing.T) {
	ls := longshoretest.StartWith(t, longshoretest.Options{Services: protocolSet})
	const ecsTarget = "AmazonEC2ContainerServiceV20141113."
	cases := []struct {
		name        string
		do          func() harness.Response
		status      int
		code        string
		contentType string
		message     string
	}{
		{"malformed JSON", func() harness.Response {
			return harness.JSON(t, ls, ecsTarget+"ListClusters", `{"maxResults": `)
		}, 400, "SerializationException", "application/x-amz-json-1.1", ""},
		{"JSON body not an object", func() harness.Response {
			return harness.JSON(t, ls, "AnyScaleFrontendService.DescribeScalableTargets", `[1,2]`)
		}, 400, "SerializationException", "application/x-amz-json-1.1", "Start of structure or map expected"},
		{"JSON wrong member type", func() harness.Response {
			return harness.JSON(t, ls, "AnyScaleFrontendService.DescribeScalableTargets", `{"ServiceNamespace": 5}`)
		}, 400, "SerializationException", "application/x-amz-json-1.1", ""},
		{"unknown JSON operation", func() harness.Response {
			return harness.JSON(t, ls, ecsTarget+"LaunchRocket", `{}`)
		}, 400, "UnknownOperationException", "application/x-amz-json-1.1", "LaunchRocket"},
		{"unknown JSON service", func() harness.Response {
			return harness.JSON(t, ls, "DynamoDB_20120810.ListTables", `{}`)
		}, 400, "UnknownService", "application/x-amz-json-1.1", "DynamoDB_20120810"},
		{"unknown query action", func() harness.Response {
			return harness.Query(t, ls, "iam", "Action=LaunchRocket&Version=2010-05-08")
		}, 400, "InvalidAction", "text/xml", "Could not find operation LaunchRocket for version 2010-05-08"},
		{"missing action", func() harness.Response {
			return harness.Query(t, ls, "sts", "Version=2011-06-15&Foo=1")
		}, 400, "MissingAction", "text/xml", ""},
		{"unknown query service by scope", func() harness.Response {
			return harness.Query(t, ls, "sns", "Action=ListTopics&Version=2010-03-31")
		}, 400, "UnknownService", "text/xml", "sns"},
		{"unknown version, unsigned", func() harness.Response {
			return harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "Action=ListTopics&Version=2010-03-31")
		}, 400, "UnknownService", "text/xml", "2010-03-31"},
		{"malformed query string", func() harness.Response {
			return harness.Query(t, ls, "sts", "Action=GetCallerIdentity&Version=2011-06-15&bad=%zz")
		}, 400, "MalformedQueryString", "text/xml", ""},
		{"query validation", func() harness.Response {
			return harness.Query(t, ls, "iam", "Action=CreateRole&Version=2010-05-08&RoleName=bad%20name&AssumeRolePolicyDocument=%7B%7D")
		}, 400, "ValidationError", "text/xml", "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"},
		{"JSON validation in the service's dialect", func() harness.Response {
			return harness.JSON(t, ls, "AnyScaleFrontendService.DescribeScalableTargets", `{"ServiceNamespace": "nope"}`)
		}, 400, "ValidationException", "application/x-amz-json-1.1", "Value 'nope' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: ["},
		{"no service signal at all", func() harness.Response {
			return harness.Raw(t, ls, "POST", "/", nil, "hello")
		}, 400, "UnknownService", "application/x-amz-json-1.1", ""},
		{"an unmodelled operation is named in the error", func() harness.Response {
			return harness.JSON(t, ls, ecsTarget+"FrobnicateCluster", `{}`)
		}, 400, "UnknownOperationException", "application/x-amz-json-1.1", "Operation FrobnicateCluster is not supported by ecs."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.do()
			if r.Status != c.status {
				t.Errorf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
			if r.Header.Get("x-amzn-RequestId") == "" {
				t.Errorf("no x-amzn-RequestId")
			}
			if got := r.Header.Get("Content-Type"); got != c.contentType {
				t.Errorf("content type %q, want %q", got, c.contentType)
			}
			if strings.HasPrefix(c.contentType, "application/x-amz-json") {
				var body struct {
					Type    string `json:"__type"`
					Message string `json:"message"`
				}
				if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
					t.Fatalf("body is not JSON: %s", r.Body)
				}
				if body.Type != c.code || r.Header.Get("X-Amzn-ErrorType") != c.code {
					t.Errorf("code %q / header %q, want %q", body.Type, r.Header.Get("X-Amzn-ErrorType"), c.code)
				}
				harness.Contains(t, body.Message, c.message)
			} else {
				harness.Contains(t, r.Body, "<ErrorResponse")
				harness.Contains(t, r.Body, "<Code>"+c.code+"</Code>")
				harness.Contains(t, r.Body, c.message)
				harness.Contains(t, r.Body, "<RequestId>"+r.Header.Get("x-amzn-RequestId")+"</RequestId>")
			}
		})
	}
}

func TestNotImplementedIsLoud(t *testing.T) {
	ls := longshoretest.StartWith(t, longshoretest.Options{Services: func(services.Config) *services.Set {
		return &services.Set{Services: []*api.Service{api.NewService("ecs"), api.NewService("iam")}}
	}})
	r := harness.JSON(t, ls, "AmazonEC2ContainerServiceV20141113.CreateDaemon", `{}`)
	if r.Status != 501 {
		t.Fatalf("status %d", r.Status)
	}
	harness.Contains(t, r.Body, `{"__type":"NotImplemented","message":"Longshore does not implement ecs:CreateDaemon yet"}`)
	r = harness.Query(t, ls, "iam", "Action=ListRoles&Version=2010-05-08")
	if r.Status != 501 {
		t.Fatalf("status %d", r.Status)
	}
	harness.Contains(t, r.Body, "<Code>NotImplemented</Code><Message>Longshore does not implement iam:ListRoles yet</Message>")
}

func TestBodyLimit(t *testing.T) {
	ls := harness.Start(t)
	big := strings.Repeat("x", 10<<20+1)
	r := harness.JSON(t, ls, "AmazonEC2ContainerServiceV20141113.ListClusters", big)
	if r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d: %.200s", r.Status, r.Body)
	}
	harness.Contains(t, r.Body, "RequestEntityTooLarge")
}

func TestPanicBecomesInternalFailure(t *testing.T) {
	svc := api.NewService("sts")
	api.Handle(svc, "GetCallerIdentity", func(*api.Context, *struct{}) (*struct{}, error) { panic("boom") })
	ls := longshoretest.StartWith(t, longshoretest.Options{Services: func(services.Config) *services.Set {
		return &services.Set{Services: []*api.Service{svc}}
	}})
	for i := 0; i < 2; i++ { // the server stays up
		r := harness.Query(t, ls, "sts", "Action=GetCallerIdentity&Version=2011-06-15")
		if r.Status != 500 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		harness.Contains(t, r.Body, "<Type>Receiver</Type><Code>InternalFailure</Code>")
	}
}

func TestHealthAndReset(t *testing.T) {
	ls := harness.Start(t)
	r := harness.Raw(t, ls, "GET", "/_longshore/health", nil, "")
	var h struct {
		Version  string
		Services map[string]struct{ Operations, Implemented int }
	}
	if err := json.Unmarshal([]byte(r.Body), &h); err != nil || r.Status != 200 {
		t.Fatalf("%d %v: %s", r.Status, err, r.Body)
	}
	want := map[string]int{"ecs": 77, "application-autoscaling": 14, "elbv2": 51, "iam": 176, "sts": 11}
	for name, ops := range want {
		s, ok := h.Services[name]
		if !ok || s.Operations != ops || s.Implemented < 0 || s.Implemented > ops {
			t.Errorf("%s: %+v", name, s)
		}
	}
	if h.Services["sts"].Implemented < 4 || h.Version == "" {
		t.Errorf("health %+v", h)
	}
	r = harness.Raw(t, ls, "POST", "/_longshore/reset", nil, "")
	if r.Status != 200 {
		t.Fatalf("reset %d %s", r.Status, r.Body)
	}
	r = harness.Raw(t, ls, "GET", "/_longshore/nothing", nil, "")
	if r.Status != 404 {
		t.Errorf("unknown control endpoint: %d", r.Status)
	}
}
