package sqs

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// holdQueues stores n queues named other-<i> and, spread evenly among
// them in creation order, 300 named orders-<i>.
func holdQueues(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		put := func(name string) error {
			return Queues.Put(tx, benchScope, name, store.Index{Name: name}, &Queue{Name: name, Attributes: map[string]string{}})
		}
		for i := 0; i < n; i++ {
			if i%(n/300) == 0 && i/(n/300) < 300 {
				if err := put(fmt.Sprintf("orders-%04d", i/(n/300))); err != nil {
					return err
				}
			}
			if err := put(fmt.Sprintf("other-%06d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// ListQueues with a prefix lists in creation order, as it always has: the
// name index orders a prefix's queues by name, so the page walks every
// queue from the token's position and keeps those with the prefix. Its cost
// follows how many queues lie between the prefix's, so this case grows with
// what is held: no index orders a prefix's queues by creation.
var listQueuesPrefixCase = apitest.PageCase{Name: "ListQueuesPrefix", Hold: holdQueues, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := apitest.Read(tb, st, benchScope, listQueues, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("orders-"), MaxResults: aws.Int32(50), NextToken: token})
	return len(out.QueueUrls), out.NextToken
}, Want: 50}

func BenchmarkListQueuesPrefixPage(b *testing.B) { listQueuesPrefixCase.Bench(b) }
