package servicediscovery

import (
	"context"
	"fmt"
	"testing"
	"time"

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

// holdOperations stores n operations straight through the store: 1000 of
// them, spread among the others, register instances, the rest deregister.
func holdOperations(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		created := time.Unix(1700000000, 0)
		for i := 0; i < n; i++ {
			typ := types.OperationTypeDeregisterInstance
			if i%(n/1000) == 0 {
				typ = types.OperationTypeRegisterInstance
			}
			id := fmt.Sprintf("op-%06d", i)
			op := &operation{Operation: types.Operation{Id: aws.String(id), Type: typ, CreateDate: &created}, Outcome: types.OperationStatusSuccess}
			if err := operations.Put(tx, benchScope, id, store.Index{Attr: string(typ)}, op); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func listOperationsOf(typ types.OperationType, token *string) *sd.ListOperationsInput {
	return &sd.ListOperationsInput{NextToken: token, MaxResults: aws.Int32(100),
		Filters: []types.OperationFilter{{Name: types.OperationFilterNameType, Condition: types.FilterConditionEq, Values: []string{string(typ)}}}}
}

// BenchmarkListOperationsPage reads the third 100-operation page of one
// type's 1000 with 1k and 65k operations held:
//
//	go test ./services/servicediscovery -run '^$' -bench 'ListOperationsPage'
func BenchmarkListOperationsPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdOperations, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, listOperations, listOperationsOf(types.OperationTypeRegisterInstance, token))
		return len(out.Operations), out.NextToken
	}, 100)
}

// A type filter pages that type's operations alone, each once.
func TestListOperationsOfTypePages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdOperations(t, st, 3000)
	for typ, want := range map[types.OperationType]int{types.OperationTypeRegisterInstance: 1000, types.OperationTypeDeregisterInstance: 2000,
		types.OperationTypeCreateNamespace: 0} {
		in := listOperationsOf(typ, nil)
		seen := map[string]bool{}
		for {
			out := apitest.Read(t, st, benchScope, listOperations, in)
			for _, op := range out.Operations {
				seen[aws.ToString(op.Id)] = true
			}
			if in = listOperationsOf(typ, out.NextToken); out.NextToken == nil {
				break
			}
		}
		if len(seen) != want {
			t.Errorf("%s: %d operations, want %d", typ, len(seen), want)
		}
	}
}

// holdTwoOfEach stores n services, n operations and n namespaces straight
// through the store: 1000 of each, spread among the others, split in turn
// between two values of the filter the listing is asked for (namespaces
// ns-app and ns-web; types CREATE_NAMESPACE and DELETE_NAMESPACE; types
// HTTP and DNS_PUBLIC), the rest of another value.
func holdTwoOfEach(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		created := time.Unix(1700000000, 0)
		for i := 0; i < n; i++ {
			ns, opType, nsType := "ns-other", types.OperationTypeRegisterInstance, types.NamespaceTypeDnsPrivate
			if k := n / 1000; i%k == 0 {
				turn := i / k % 2
				ns = []string{"ns-app", "ns-web"}[turn]
				opType = []types.OperationType{types.OperationTypeCreateNamespace, types.OperationTypeDeleteNamespace}[turn]
				nsType = []types.NamespaceType{types.NamespaceTypeHttp, types.NamespaceTypeDnsPublic}[turn]
			}
			id, name := fmt.Sprintf("srv-%06d", i), fmt.Sprintf("svc%06d", i)
			s := &Service{Service: types.Service{Id: aws.String(id), Name: aws.String(name), NamespaceId: aws.String(ns),
				Arn: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:service/" + id)}}
			if err := services.Put(tx, benchScope, id, store.Index{Parent: ns, Name: name}, s); err != nil {
				return err
			}
			opID := fmt.Sprintf("op-%06d", i)
			op := &operation{Operation: types.Operation{Id: aws.String(opID), Type: opType, CreateDate: &created}, Outcome: types.OperationStatusSuccess}
			if err := operations.Put(tx, benchScope, opID, store.Index{Attr: string(opType)}, op); err != nil {
				return err
			}
			nsID := fmt.Sprintf("ns-%06d", i)
			n := &Namespace{Namespace: types.Namespace{Id: aws.String(nsID), Name: aws.String(fmt.Sprintf("n%06d", i)), Type: nsType,
				Arn: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:namespace/" + nsID), Properties: &types.NamespaceProperties{}}}
			if err := namespaces.Put(tx, benchScope, nsID, namespaceIndex(n), n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkListServicesInPage, BenchmarkListOperationsInPage and
// BenchmarkListNamespacesInPage read the third 100-item page of a filter
// IN two values (1000 matching) with 1k and 65k held:
//
//	go test ./services/servicediscovery -run '^$' -bench 'InPage$'
func BenchmarkListServicesInPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdTwoOfEach, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, listServices, listServicesIn(token, "ns-app", "ns-web"))
		return len(out.Services), out.NextToken
	}, 100)
}

func BenchmarkListOperationsInPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdTwoOfEach, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, listOperations, listOperationsIn(token, "CREATE_NAMESPACE", "DELETE_NAMESPACE"))
		return len(out.Operations), out.NextToken
	}, 100)
}

func BenchmarkListNamespacesInPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdTwoOfEach, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, benchScope, listNamespaces, listNamespacesIn(token, "HTTP", "DNS_PUBLIC"))
		return len(out.Namespaces), out.NextToken
	}, 100)
}

func listServicesIn(token *string, values ...string) *sd.ListServicesInput {
	return &sd.ListServicesInput{NextToken: token, MaxResults: aws.Int32(100),
		Filters: []types.ServiceFilter{{Name: types.ServiceFilterNameNamespaceId, Condition: types.FilterConditionIn, Values: values}}}
}

func listOperationsIn(token *string, values ...string) *sd.ListOperationsInput {
	return &sd.ListOperationsInput{NextToken: token, MaxResults: aws.Int32(100),
		Filters: []types.OperationFilter{{Name: types.OperationFilterNameType, Condition: types.FilterConditionIn, Values: values}}}
}

func listNamespacesIn(token *string, values ...string) *sd.ListNamespacesInput {
	return &sd.ListNamespacesInput{NextToken: token, MaxResults: aws.Int32(100),
		Filters: []types.NamespaceFilter{{Name: types.NamespaceFilterNameType, Condition: types.FilterConditionIn, Values: values}}}
}
