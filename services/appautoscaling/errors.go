package appautoscaling

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func errValidation(format string, args ...any) error {
	return apierror.New("ValidationException", format, args...)
}

func errInvalidToken() error {
	return apierror.New("InvalidNextTokenException", "Invalid NextToken")
}

// describePaging is how every Describe call of the service pages: 50 results
// unless MaxResults says otherwise, tokens bound to the call and namespace.
func describePaging(op string, ns types.ServiceNamespace, token *string, maxResults *int32) api.Paging {
	size := int(aws.ToInt32(maxResults))
	if size == 0 {
		size = 50
	}
	return api.Paging{Listing: "application-autoscaling:" + op + ":" + string(ns), Token: token, Size: size, BadToken: errInvalidToken()}
}

// checkDimensionFilter refuses a dimension filter without the resource it
// narrows, as AWS does.
func checkDimensionFilter(dim types.ScalableDimension, resourceID *string) error {
	if dim != "" && resourceID == nil {
		return errValidation("ResourceId is required when ScalableDimension is specified")
	}
	return nil
}

// nameSet is a Describe call's list of names or IDs as a set; empty selects all.
func nameSet(names []string) map[string]bool {
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	return set
}

// errNoTarget is AWS's answer for a scalable target that is not registered.
func errNoTarget(ns types.ServiceNamespace, resourceID string, dim types.ScalableDimension) error {
	return apierror.New("ObjectNotFoundException", "%s", fmt.Sprintf(
		"No scalable target registered for service namespace: %s, resource ID: %s, scalable dimension: %s", ns, resourceID, dim))
}

// byResource is the store query of a Describe call's namespace and optional
// resource id. With a resource id it seeks the id alone (the name index), so
// that a page reads that resource's documents and not the whole namespace's;
// inNamespace then keeps the documents of the namespace asked for.
func byResource(ns types.ServiceNamespace, resourceID *string) (q store.Query, inNamespace func(types.ServiceNamespace) bool) {
	if id := aws.ToString(resourceID); id != "" {
		return store.Query{Name: id}, func(got types.ServiceNamespace) bool { return got == ns }
	}
	return store.Query{Parent: string(ns)}, func(types.ServiceNamespace) bool { return true }
}

// byName is the store queries of a Describe call's namespace and names
// (policy or scheduled action names, which the collections keep in Status)
// when it gives no resource id: one for each name, each read through the
// parent index (namespace, name) in creation order, so that a page reads the
// documents of those names alone (api.PaginateAny). Without names, or with
// a resource id, it is q alone.
func byName(q store.Query, resourceID *string, names []string) []store.Query {
	if aws.ToString(resourceID) != "" || len(names) == 0 || slices.Contains(names, "") {
		return []store.Query{q}
	}
	return api.ValueQueries(names, func(n string) store.Query {
		qn := q
		qn.Status = n
		return qn
	})
}
