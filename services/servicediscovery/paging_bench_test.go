package servicediscovery

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// holdServices stores n services straight through the store: 1000 of them,
// spread among the others, in namespace ns-app, the rest in ns-other.
func holdServices(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			ns := "ns-other"
			if i%(n/1000) == 0 {
				ns = "ns-app"
			}
			id, name := fmt.Sprintf("srv-%06d", i), fmt.Sprintf("svc%06d", i)
			s := &Service{Service: types.Service{Id: aws.String(id), Name: aws.String(name), NamespaceId: aws.String(ns),
				Arn: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:service/" + id)}}
			if err := services.Put(tx, benchScope, id, store.Index{Parent: ns, Name: name}, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func listServicesOf(ns string, token *string) *sd.ListServicesInput {
	return &sd.ListServicesInput{NextToken: token, MaxResults: aws.Int32(100),
		Filters: []types.ServiceFilter{{Name: types.ServiceFilterNameNamespaceId, Condition: types.FilterConditionEq, Values: []string{ns}}}}
}

// BenchmarkListServicesPage reads the third 100-service page of one
// namespace's 1000 with 1k and 65k services held; the two must cost about
// the same:
//
//	go test ./services/servicediscovery -run '^$' -bench 'Page$'
func BenchmarkListServicesPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdServices, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, listServices, listServicesOf("ns-app", token))
		return len(out.Services), out.NextToken
	}, 100)
}

// A namespace filter, by id or ARN, pages that namespace's services alone.
func TestListServicesOfNamespacePages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdServices(t, st, 3000)
	for ref, want := range map[string]int{"ns-app": 1000, "arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-other": 2000,
		"arn:aws:servicediscovery:us-east-1:000000000000:service/ns-app": 0, "ns-none": 0} {
		in := listServicesOf(ref, nil)
		n := 0
		for {
			out := apitest.Read(t, st, benchScope, listServices, in)
			n += len(out.Services)
			if in = listServicesOf(ref, out.NextToken); out.NextToken == nil {
				break
			}
		}
		if n != want {
			t.Errorf("%s: %d services, want %d", ref, n, want)
		}
	}
}
