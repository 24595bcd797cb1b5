package servicediscovery

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// reported is an operation as it stands at now.
func (op *operation) reported(now time.Time) *types.Operation {
	out := op.Operation
	st, updated := op.status(now)
	out.Status, out.UpdateDate = st, &updated
	if st != types.OperationStatusFail {
		out.ErrorCode, out.ErrorMessage = nil, nil
	}
	return &out
}

func getOperation(c *api.Context, in *sd.GetOperationInput) (*sd.GetOperationOutput, error) {
	op, err := operations.Get(c.Tx, c.Scope(), aws.ToString(in.OperationId))
	if err != nil {
		return nil, err
	}
	if op == nil {
		return nil, apierror.New("OperationNotFound", "Operation not found: %s", aws.ToString(in.OperationId))
	}
	return &sd.GetOperationOutput{Operation: op.reported(c.Now())}, nil
}

// parseEpoch reads a filter's date value: seconds since the epoch, with an
// optional fraction, as the SDKs send timestamps.
func parseEpoch(v string) (time.Time, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return time.Time{}, invalidInput("The value %s of the UPDATE_DATE filter is not a valid date.", v)
	}
	return time.Unix(0, int64(f*float64(time.Second))), nil
}

func listOperations(c *api.Context, in *sd.ListOperationsInput) (*sd.ListOperationsOutput, error) {
	now := c.Now()
	type dateRange struct{ from, to time.Time }
	var dates []dateRange
	for _, f := range in.Filters {
		if f.Name == types.OperationFilterNameUpdateDate {
			if f.Condition != types.FilterConditionBetween || len(f.Values) != 2 {
				return nil, invalidInput("The UPDATE_DATE filter requires the BETWEEN condition and two values.")
			}
			from, err := parseEpoch(f.Values[0])
			if err != nil {
				return nil, err
			}
			to, err := parseEpoch(f.Values[1])
			if err != nil {
				return nil, err
			}
			dates = append(dates, dateRange{from, to})
			continue
		}
		if f.Condition == types.FilterConditionBetween || f.Condition == types.FilterConditionBeginsWith {
			return nil, invalidInput("The %s condition is not supported for the %s filter.", f.Condition, f.Name)
		}
		if _, err := matchFilter(f.Condition, f.Values, ""); err != nil {
			return nil, err
		}
	}
	keep := func(op *operation) bool {
		rep := op.reported(now)
		for _, d := range dates {
			if rep.UpdateDate.Before(d.from) || rep.UpdateDate.After(d.to) {
				return false
			}
		}
		for _, f := range in.Filters {
			var v string
			switch f.Name {
			case types.OperationFilterNameNamespaceId:
				v = op.Targets[string(types.OperationTargetTypeNamespace)]
			case types.OperationFilterNameServiceId:
				v = op.Targets[string(types.OperationTargetTypeService)]
			case types.OperationFilterNameStatus:
				v = string(rep.Status)
			case types.OperationFilterNameType:
				v = string(op.Type)
			default:
				continue
			}
			if ok, _ := matchFilter(f.Condition, f.Values, v); !ok {
				return false
			}
		}
		return true
	}
	// Operations keep their type in Attr: a filter on types reads those
	// alone, each type's through the attr index, merged in creation order.
	// (Their status moves with time, so a STATUS filter is checked on each.)
	qs := []store.Query{{}}
	for _, f := range in.Filters {
		if f.Name == types.OperationFilterNameType && len(f.Values) > 0 {
			qs = api.ValueQueries(f.Values, func(v string) store.Query { return store.Query{Attr: v} })
		}
	}
	page, next, err := api.PaginateAny(c.Tx, c.Scope(), operations, qs,
		api.Paging{Listing: "servicediscovery:ListOperations", Token: in.NextToken, Size: pageSize(in.MaxResults, 100), BadToken: badToken()}, keep)
	if err != nil {
		return nil, err
	}
	out := &sd.ListOperationsOutput{Operations: []types.OperationSummary{}, NextToken: next}
	for _, op := range page {
		out.Operations = append(out.Operations, types.OperationSummary{Id: op.Id, Status: op.reported(now).Status})
	}
	return out, nil
}
