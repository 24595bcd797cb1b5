package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// holdLogs stores n log groups, and n streams in group "big", straight
// through the store. Stream i's last event is at (i*7919)%n: time order is
// not name order.
func holdLogs(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Region: benchScope.Region, Caller: api.Principal{Account: benchScope.Account}, Tx: tx}
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("/g/%06d", i)
			if err := putGroup(c, &Group{LogGroup: types.LogGroup{LogGroupName: aws.String(name)}}); err != nil {
				return err
			}
		}
		if err := putGroup(c, &Group{LogGroup: types.LogGroup{LogGroupName: aws.String("big")}}); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			s := &Stream{Group: "big", LogStream: types.LogStream{LogStreamName: aws.String(fmt.Sprintf("s%06d", i)),
				LastEventTimestamp: aws.Int64(int64(i*7919%n) * 1000)}}
			if err := putStream(c, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func logsCall[In, Out any](tb testing.TB, st *store.Store, fn func(*api.Context, *In) (*Out, error), in *In) *Out {
	return apitest.Read(tb, st, benchScope, fn, in)
}

// The benchmarks read the third page of 50 (the default) with 1k and 65k
// held; the two must cost about the same:
//
//	go test ./services/logs -run '^$' -bench 'Page$'
func BenchmarkDescribeLogGroupsPage(b *testing.B) {
	apitest.BenchHeld(b, holdLogs, func(b *testing.B, st *store.Store) {
		in := &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/g/")}
		for i := 0; i < 2; i++ {
			in.NextToken = logsCall(b, st, describeLogGroups, in).NextToken
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if out := logsCall(b, st, describeLogGroups, in); len(out.LogGroups) != 50 {
				b.Fatalf("%d groups", len(out.LogGroups))
			}
		}
	})
}

func BenchmarkDescribeLogStreamsPage(b *testing.B) {
	for _, order := range []types.OrderBy{types.OrderByLogStreamName, types.OrderByLastEventTime} {
		b.Run(string(order), func(b *testing.B) {
			apitest.BenchHeld(b, holdLogs, func(b *testing.B, st *store.Store) {
				in := &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("big"), OrderBy: order, Descending: aws.Bool(true)}
				for i := 0; i < 2; i++ {
					in.NextToken = logsCall(b, st, describeLogStreams, in).NextToken
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if out := logsCall(b, st, describeLogStreams, in); len(out.LogStreams) != 50 {
						b.Fatalf("%d streams", len(out.LogStreams))
					}
				}
			})
		})
	}
}

// Pages of streams walk the group once, in either order and direction, as a
// sort of all of them would; groups likewise, by prefix or by identifiers.
func TestDescribePagesInOrder(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 230
	holdLogs(t, st, n)
	for _, order := range []types.OrderBy{types.OrderByLogStreamName, types.OrderByLastEventTime} {
		for _, desc := range []bool{false, true} {
			in := &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("big"), OrderBy: order, Descending: aws.Bool(desc), Limit: aws.Int32(40)}
			var got []string
			for {
				out := logsCall(t, st, describeLogStreams, in)
				for _, s := range out.LogStreams {
					got = append(got, fmt.Sprintf("%d:%s", aws.ToInt64(s.LastEventTimestamp), *s.LogStreamName))
				}
				if in.NextToken = out.NextToken; in.NextToken == nil {
					break
				}
			}
			if len(got) != n {
				t.Fatalf("%s desc=%v: %d streams", order, desc, len(got))
			}
			for i := 1; i < n; i++ {
				var ta, tb int64
				var na, nb string
				fmt.Sscanf(strings.Replace(got[i-1], ":", " ", 1), "%d %s", &ta, &na)
				fmt.Sscanf(strings.Replace(got[i], ":", " ", 1), "%d %s", &tb, &nb)
				before := na < nb
				if order == types.OrderByLastEventTime {
					before = ta < tb
				}
				if before == desc {
					t.Fatalf("%s desc=%v: %s then %s", order, desc, got[i-1], got[i])
				}
			}
		}
	}
	in := &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("big"), LogStreamNamePrefix: aws.String("s0001"), Limit: aws.Int32(7)}
	var names []string
	for {
		out := logsCall(t, st, describeLogStreams, in)
		for _, s := range out.LogStreams {
			names = append(names, *s.LogStreamName)
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if len(names) != 100 || names[0] != "s000100" || names[99] != "s000199" {
		t.Errorf("prefix s0001: %d streams, %v", len(names), names)
	}
	groups := logsCall(t, st, describeLogGroups, &cwl.DescribeLogGroupsInput{LogGroupIdentifiers: []string{"big", "/g/000007",
		"arn:aws:logs:us-east-1:000000000000:log-group:/g/000003", "/g/000007", "missing"}, Limit: aws.Int32(2)})
	if len(groups.LogGroups) != 2 || *groups.LogGroups[0].LogGroupName != "/g/000003" || groups.NextToken == nil {
		t.Fatalf("identifiers, first page: %+v", groups)
	}
	groups = logsCall(t, st, describeLogGroups, &cwl.DescribeLogGroupsInput{LogGroupIdentifiers: []string{"big", "/g/000007",
		"arn:aws:logs:us-east-1:000000000000:log-group:/g/000003", "/g/000007", "missing"}, Limit: aws.Int32(2), NextToken: groups.NextToken})
	if len(groups.LogGroups) != 1 || *groups.LogGroups[0].LogGroupName != "big" || groups.NextToken != nil {
		t.Errorf("identifiers, second page: %+v", groups)
	}
}
