package protocol_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/longshore/longshore/longshoretest"
	"github.com/longshore/longshore/protocol/model"
)

// TestRandomInputsAnswerWithoutServerErrors sends every operation of every
// service, through its real SDK client, inputs of the model's shapes with
// values a careless or hostile client might send: empty, huge, negative,
// unknown enum values, names and ids of things that do and do not exist
// (seedWorld makes a little of everything first). Every answer must
// be a success the client reads, or an AWS error below 500: never a 5xx
// (a panic answers 500) but NotImplemented's 501 for an operation Longshore
// does not serve, and never a body the client cannot read.
//
// It runs with IAM open and enforced. LONGSHORE_RANDOM_ROUNDS sets the
// rounds (3 by default); the seed of a failing round is in its name. The
// rounds run at once (-parallel), so that calls also race each other: a
// failure that one round alone does not repeat came from another's calls.
func TestRandomInputsAnswerWithoutServerErrors(t *testing.T) {
	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("LONGSHORE_RANDOM_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	for _, enforce := range []bool{false, true} {
		ls := longshoretest.StartWith(t, longshoretest.Options{EnforceIAM: enforce})
		mode := map[bool]string{false: "open", true: "enforce-iam"}[enforce]
		pool := append(slices.Clone(randomStrings), seedWorld(t, ls)...)
		for name, newClient := range randomInputClients() {
			m := model.MustLoad(name)
			client := reflect.ValueOf(newClient(ls.Config))
			for round := range rounds {
				seed := uint64(round)
				t.Run(mode+"/"+name+"/seed"+strconv.FormatUint(seed, 10), func(t *testing.T) {
					t.Parallel()
					sendRandomInputs(t, &randomizer{r: rand.New(rand.NewPCG(seed, 0x10c5)), strings: pool}, name, m, client)
				})
			}
		}
	}
}

// randomInputClients are the round trip's clients, and SQS's.
func randomInputClients() map[string]func(aws.Config) any {
	clients := maps.Clone(roundTripClients)
	clients["sqs"] = func(c aws.Config) any { return sqs.NewFromConfig(c) }
	return clients
}

// sendRandomInputs calls each of m's operations once on client with random input.
func sendRandomInputs(t *testing.T, r *randomizer, name string, m *model.Service, client reflect.Value) {
	for _, opName := range m.OperationNames() {
		meth := client.MethodByName(opName)
		if !meth.IsValid() || skipRoundTrip[name+":"+opName] {
			continue
		}
		in := reflect.New(meth.Type().In(1).Elem())
		r.fill(m.Operations[opName].Input, in, 0)
		// A long poll waits at most 2 s (WaitTimeSeconds is drawn from the
		// random ints); a call cut off by its deadline says nothing of the server.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		res := meth.Call([]reflect.Value{reflect.ValueOf(ctx), in})
		late := ctx.Err() != nil
		cancel()
		err, _ := res[1].Interface().(error)
		if msg := serverFault(err); msg != "" && !late {
			sent, _ := json.Marshal(in.Interface())
			t.Errorf("%s %s: %s\n input %s", name, opName, msg, sent)
		}
	}
}

// serverFault says what is wrong with an answer: a 5xx, or a body the
// client could not read; "" for a success or an AWS error a client expects.
func serverFault(err error) string {
	if err == nil {
		return ""
	}
	var invalid smithy.InvalidParamsError
	if errors.As(err, &invalid) {
		return "" // the client refused to send it
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return "the client could not read the answer: " + err.Error()
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "NotImplemented" {
		return "" // an operation Longshore does not serve says so, with 501
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		return err.Error()
	}
	return ""
}

var (
	randomStrings = []string{"", "x", "web", "default", "-1", "0", "a b/c", "日本", "<&>\"'", strings.Repeat("n", 300),
		"arn:aws:ecs:us-east-1:000000000000:cluster/default", "arn:aws:iam::000000000000:role/r", "subnet-00000000", "sg-0", "*"}
	randomInts   = []int64{0, 1, -1, 2, 100, 65535, math.MaxInt32, math.MinInt32}
	randomFloats = []float64{0, 1.5, -1, 1e300, -1e300}
	randomTimes  = []time.Time{time.Unix(0, 0), time.Now(), time.Now().AddDate(1, 0, 0), time.Now().AddDate(-30, 0, 0)}
)

// randomizer draws inputs: its strings are randomStrings and the ids of
// what seedWorld made.
type randomizer struct {
	r       *rand.Rand
	strings []string
}

// fill sets v to a value of shape sh: required members always, others half
// the time.
func (rz *randomizer) fill(sh *model.Shape, v reflect.Value, depth int) {
	r := rz.r
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
			if !ok || !sh.Required[m.Name] && (depth > 4 || r.IntN(2) == 0) {
				continue
			}
			rz.fill(m.Shape, f, depth+1)
		}
	case "list":
		if v.Kind() != reflect.Slice || v.Type().Elem().Kind() == reflect.Interface {
			return
		}
		s := reflect.MakeSlice(v.Type(), r.IntN(4), 4)
		for i := range s.Len() {
			rz.fill(sh.Member.Shape, s.Index(i), depth+1)
		}
		v.Set(s)
	case "map":
		if v.Kind() != reflect.Map || v.Type().Elem().Kind() == reflect.Interface {
			return
		}
		mp := reflect.MakeMap(v.Type())
		for range r.IntN(3) {
			key := reflect.New(v.Type().Key()).Elem()
			rz.fill(sh.Key.Shape, key, depth+1)
			val := reflect.New(v.Type().Elem()).Elem()
			rz.fill(sh.Value.Shape, val, depth+1)
			mp.SetMapIndex(key, val)
		}
		v.Set(mp)
	case "string":
		if len(sh.Enum) > 0 && r.IntN(8) != 0 {
			v.SetString(sh.Enum[r.IntN(len(sh.Enum))])
		} else {
			v.SetString(rz.strings[r.IntN(len(rz.strings))])
		}
	case "boolean":
		v.SetBool(r.IntN(2) == 0)
	case "integer", "long":
		v.SetInt(randomInts[r.IntN(len(randomInts))])
	case "double", "float":
		v.SetFloat(randomFloats[r.IntN(len(randomFloats))])
	case "timestamp":
		v.Set(reflect.ValueOf(randomTimes[r.IntN(len(randomTimes))]))
	case "blob":
		b := make([]byte, r.IntN(16))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		v.SetBytes(b)
	}
}
