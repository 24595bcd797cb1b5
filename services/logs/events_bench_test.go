package logs

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

// holdEvents stores n log events straight through the store, every other
// one in two streams of group "app", the rest in group "other".
func holdEvents(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Region: benchScope.Region, Caller: api.Principal{Account: benchScope.Account}, Tx: tx}
		for _, g := range []string{"app", "other"} {
			if err := putGroup(c, &Group{LogGroup: types.LogGroup{LogGroupName: aws.String(g)}}); err != nil {
				return err
			}
		}
		for i := 0; i < n; i++ {
			group := "other"
			if i%2 == 0 {
				group = "app"
			}
			e := store.LogEvent{Stream: fmt.Sprint("s", i%2), Timestamp: int64(1700000000000 + i), Ingested: 1700000000000, Message: fmt.Sprint("event ", i)}
			if _, err := store.AppendLogEvent(tx, benchScope, group, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkFilterLogEventsPage reads the third 100-event page of group app
// with 1k and 65k events held; the two must cost about the same (a page
// sorted the whole group's events before the group's arrival index):
//
//	go test ./services/logs -run '^$' -bench 'FilterLogEventsPage'
func BenchmarkFilterLogEventsPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdEvents, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, filterLogEvents, &cwl.FilterLogEventsInput{LogGroupName: aws.String("app"), Limit: aws.Int32(100), NextToken: token})
		return len(out.Events), out.NextToken
	}, 100)
}

// FilterLogEvents pages walk the group's events once, in arrival order.
func TestFilterLogEventsPagesTheGroup(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdEvents(t, st, 5000)
	in := &cwl.FilterLogEventsInput{LogGroupName: aws.String("app"), Limit: aws.Int32(300)}
	var last int64
	n := 0
	for {
		out := apitest.Read(t, st, benchScope, filterLogEvents, in)
		for _, e := range out.Events {
			if *e.Timestamp <= last {
				t.Fatalf("event at %d after %d", *e.Timestamp, last)
			}
			last = *e.Timestamp
		}
		n += len(out.Events)
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if n != 2500 {
		t.Errorf("%d events", n)
	}
}
