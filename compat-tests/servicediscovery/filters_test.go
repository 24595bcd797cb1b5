package servicediscovery_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

// Filters IN several values (namespaces of services, types and names of
// namespaces, types of operations) list what any value selects, each once,
// in the order it was created, one item a page through the SDK's
// paginators.
func TestFiltersInSeveralValuesPage(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls.Config)
	var ops []string
	nsIDs := map[string]string{}
	for _, name := range []string{"shop", "web", "api"} {
		ns := createHTTPNamespace(t, c, name)
		nsIDs[name] = aws.ToString(ns.Id)
	}
	pub := harness.Must(c.CreatePublicDnsNamespace(harness.Ctx, &sd.CreatePublicDnsNamespaceInput{Name: aws.String("example.com")}))(t)
	waitOperation(t, c, aws.ToString(pub.OperationId))
	tmp := createHTTPNamespace(t, c, "tmp")
	del := harness.Must(c.DeleteNamespace(harness.Ctx, &sd.DeleteNamespaceInput{Id: tmp.Id}))(t)
	waitOperation(t, c, aws.ToString(del.OperationId))
	for _, o := range harness.Must(c.ListOperations(harness.Ctx, &sd.ListOperationsInput{}))(t).Operations {
		ops = append(ops, aws.ToString(o.Id))
	}
	for i, ns := range []string{"shop", "web", "api", "shop", "web"} {
		harness.Must(c.CreateService(harness.Ctx, &sd.CreateServiceInput{Name: aws.String("s" + string(rune('1'+i))), NamespaceId: aws.String(nsIDs[ns])}))(t)
	}

	var services []string
	sp := sd.NewListServicesPaginator(c, &sd.ListServicesInput{MaxResults: aws.Int32(1), Filters: []types.ServiceFilter{{Name: types.ServiceFilterNameNamespaceId,
		Condition: types.FilterConditionIn, Values: []string{"arn:aws:servicediscovery:us-east-1:000000000000:namespace/" + nsIDs["web"], nsIDs["shop"], "ns-0000000000000000"}}}})
	for sp.HasMorePages() {
		for _, s := range harness.Must(sp.NextPage(harness.Ctx))(t).Services {
			services = append(services, aws.ToString(s.Name))
		}
	}
	if want := []string{"s1", "s2", "s4", "s5"}; !slices.Equal(services, want) {
		t.Errorf("services %q, want %q", services, want)
	}

	listNamespaces := func(f types.NamespaceFilter) []string {
		t.Helper()
		var names []string
		p := sd.NewListNamespacesPaginator(c, &sd.ListNamespacesInput{MaxResults: aws.Int32(1), Filters: []types.NamespaceFilter{f}})
		for p.HasMorePages() {
			for _, n := range harness.Must(p.NextPage(harness.Ctx))(t).Namespaces {
				names = append(names, aws.ToString(n.Name))
			}
		}
		return names
	}
	for _, tc := range []struct {
		f    types.NamespaceFilter
		want []string
	}{
		{types.NamespaceFilter{Name: types.NamespaceFilterNameType, Condition: types.FilterConditionIn, Values: []string{"DNS_PUBLIC", "HTTP"}},
			[]string{"shop", "web", "api", "example.com"}},
		{types.NamespaceFilter{Name: types.NamespaceFilterNameType, Condition: types.FilterConditionEq, Values: []string{"DNS_PUBLIC"}}, []string{"example.com"}},
		{types.NamespaceFilter{Name: types.NamespaceFilterNameName, Condition: types.FilterConditionIn, Values: []string{"api", "shop", "tmp"}}, []string{"shop", "api"}},
		{types.NamespaceFilter{Name: types.NamespaceFilterNameName, Condition: types.FilterConditionBeginsWith, Values: []string{"s"}}, []string{"shop"}},
	} {
		if got := listNamespaces(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s %q: %q, want %q", tc.f.Name, tc.f.Condition, tc.f.Values, got, tc.want)
		}
	}

	var listed []string
	op := sd.NewListOperationsPaginator(c, &sd.ListOperationsInput{MaxResults: aws.Int32(1), Filters: []types.OperationFilter{{Name: types.OperationFilterNameType,
		Condition: types.FilterConditionIn, Values: []string{"DELETE_NAMESPACE", "CREATE_NAMESPACE"}}}})
	for op.HasMorePages() {
		for _, o := range harness.Must(op.NextPage(harness.Ctx))(t).Operations {
			listed = append(listed, aws.ToString(o.Id))
		}
	}
	if len(ops) != 6 || !slices.Equal(listed, ops) {
		t.Errorf("operations %q, want %q", listed, ops)
	}
}
