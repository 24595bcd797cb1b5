package protocol_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/longshoretest"
	"github.com/longshore/longshore/protocol/model"
	"github.com/longshore/longshore/services"
	"github.com/longshore/longshore/services/api"
)

// roundTripClients are the SDK clients whose every operation the codec must round-trip.
var roundTripClients = map[string]func(aws.Config) any{
	"ecs":                     func(c aws.Config) any { return ecs.NewFromConfig(c) },
	"application-autoscaling": func(c aws.Config) any { return applicationautoscaling.NewFromConfig(c) },
	"elbv2":                   func(c aws.Config) any { return elasticloadbalancingv2.NewFromConfig(c) },
	"iam":                     func(c aws.Config) any { return iam.NewFromConfig(c) },
	"sts":                     func(c aws.Config) any { return sts.NewFromConfig(c) },
	"cloudwatch":              func(c aws.Config) any { return cloudwatch.NewFromConfig(c) },
	"ec2":                     func(c aws.Config) any { return ec2.NewFromConfig(c) },
	"logs":                    func(c aws.Config) any { return cloudwatchlogs.NewFromConfig(c) },
	"autoscaling":             func(c aws.Config) any { return autoscaling.NewFromConfig(c) },
	"ssm":                     func(c aws.Config) any { return ssm.NewFromConfig(c) },
	"servicediscovery":        func(c aws.Config) any { return servicediscovery.NewFromConfig(c) },
}

// skipRoundTrip are operations this test cannot drive: a required union input
// (Go cannot name the variant types from the model), or an event stream on a
// host-prefixed endpoint (stream-HOST), which would leave loopback, as Cloud
// Map's discovery calls (data-HOST) would.
var skipRoundTrip = map[string]bool{"logs:PutIntegration": true, "logs:GetLogObject": true, "logs:StartLiveTail": true,
	"servicediscovery:DiscoverInstances": true, "servicediscovery:DiscoverInstancesRevision": true}

// echo records the input each operation decoded and answers a filled output.
type echo struct {
	mu   sync.Mutex
	got  map[string]any
	outs map[string]any
}

// TestCodecRoundTrip sends every member of every operation's input through the
// real SDK client, checks that Longshore decoded exactly what was sent, and
// checks that the client reads back exactly the output Longshore encoded.
func TestCodecRoundTrip(t *testing.T) {
	for name, newClient := range roundTripClients {
		t.Run(name, func(t *testing.T) {
			m := model.MustLoad(name)
			client := reflect.ValueOf(newClient(aws.Config{}))
			e := &echo{got: map[string]any{}, outs: map[string]any{}}
			svc := api.NewService(name)
			svc.SkipValidation = true
			for _, opName := range m.OperationNames() {
				meth := client.MethodByName(opName)
				if !meth.IsValid() {
					t.Errorf("SDK client has no %s", opName)
					continue
				}
				op := m.Operations[opName]
				outType := meth.Type().Out(0).Elem()
				out := reflect.New(outType)
				fill(op.Output, out, 0)
				e.outs[opName] = out.Interface()
				opName := opName
				svc.Handlers[opName] = &api.Handler{
					InputType: meth.Type().In(1).Elem(),
					ReadOnly:  true,
					Call: func(_ *api.Context, in any) (any, error) {
						e.mu.Lock()
						e.got[opName] = in
						e.mu.Unlock()
						return e.outs[opName], nil
					},
				}
			}
			ls := longshoretest.StartWith(t, longshoretest.Options{Services: func(services.Config) *services.Set {
				return &services.Set{Services: []*api.Service{svc}}
			}})
			client = reflect.ValueOf(newClient(ls.Config))
			for _, opName := range m.OperationNames() {
				meth := client.MethodByName(opName)
				if !meth.IsValid() {
					continue
				}
				op := m.Operations[opName]
				in := reflect.New(meth.Type().In(1).Elem())
				fill(op.Input, in, 0)
				if skipRoundTrip[name+":"+opName] {
					continue
				}
				res := meth.Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
				if err, _ := res[1].Interface().(error); err != nil {
					t.Errorf("%s: %v", opName, err)
					continue
				}
				if a, b := canonical(in.Interface()), canonical(e.got[opName]); a != b {
					t.Errorf("%s input:\n sent    %s\n decoded %s", opName, a, b)
				}
				if a, b := canonical(e.outs[opName]), canonical(res[0].Interface()); a != b {
					t.Errorf("%s output:\n encoded %s\n read    %s", opName, a, b)
				}
			}
		})
	}
}

// canonical renders a value for comparison, without the SDK's result metadata.
func canonical(v any) string {
	b, _ := json.Marshal(v)
	var doc map[string]any
	json.Unmarshal(b, &doc)
	delete(doc, "ResultMetadata")
	b, _ = json.Marshal(pruneEmpty(doc))
	return string(b)
}

// pruneEmpty turns structures with no member set into null: the query
// protocols cannot send them (fill leaves the deepest structures empty).
func pruneEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		empty := true
		for k, e := range x {
			x[k] = pruneEmpty(e)
			if x[k] != nil {
				empty = false
			}
		}
		if empty {
			return nil
		}
	case []any:
		empty := true
		for i, e := range x {
			x[i] = pruneEmpty(e)
			if x[i] != nil {
				empty = false
			}
		}
		if empty && len(x) > 0 {
			return nil
		}
	}
	return v
}

var fillTime = time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)

// allocated follows v's pointers, allocating those that are nil, to the value to set.
func allocated(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	return v
}

// memberField is the field of struct v that holds member m, unless Go
// cannot set it from the model (a union's interface).
func memberField(v reflect.Value, m *model.Member) (reflect.Value, bool) {
	f := v.FieldByName(strings.ToUpper(m.Name[:1]) + m.Name[1:])
	return f, f.IsValid() && f.Kind() != reflect.Interface
}

// fill sets every model member of v to a distinct non-zero value.
func fill(sh *model.Shape, v reflect.Value, depth int) {
	if sh == nil {
		return
	}
	v = allocated(v)
	switch sh.Type {
	case "structure":
		if v.Kind() != reflect.Struct || sh.Document {
			return
		}
		for _, m := range sh.Members {
			f, ok := memberField(v, m)
			if !ok || (depth > 3 && !sh.Required[m.Name] && (m.Shape.Type == "structure" || m.Shape.Type == "list" || m.Shape.Type == "map")) || depth > 12 {
				continue
			}
			fill(m.Shape, f, depth+1)
		}
	case "list":
		if v.Kind() != reflect.Slice || v.Type().Elem().Kind() == reflect.Interface {
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fill(sh.Member.Shape, s.Index(i), depth+1)
			if sh.Member.Shape.Type == "string" && len(sh.Member.Shape.Enum) < 2 {
				s.Index(i).SetString(s.Index(i).String() + string(rune('a'+i)))
			}
		}
		v.Set(s)
	case "map":
		if v.Kind() != reflect.Map || v.Type().Elem().Kind() == reflect.Interface {
			return
		}
		mp := reflect.MakeMap(v.Type())
		for i, k := range []string{"k1", "k2"} {
			if len(sh.Key.Shape.Enum) > i {
				k = sh.Key.Shape.Enum[i]
			}
			key := reflect.New(v.Type().Key()).Elem()
			key.SetString(k)
			val := reflect.New(v.Type().Elem()).Elem()
			fill(sh.Value.Shape, val, depth+1)
			mp.SetMapIndex(key, val)
		}
		v.Set(mp)
	case "string":
		if len(sh.Enum) > 0 {
			v.SetString(sh.Enum[len(sh.Enum)-1])
		} else {
			v.SetString("s<&>" + sh.Name)
		}
	case "boolean":
		v.SetBool(true)
	case "integer", "long":
		v.SetInt(7)
	case "double", "float":
		v.SetFloat(1.5)
	case "timestamp":
		v.Set(reflect.ValueOf(fillTime))
	case "blob":
		v.SetBytes([]byte("blob-data"))
	}
}
