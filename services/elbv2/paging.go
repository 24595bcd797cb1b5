package elbv2

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
)

// page cuts one page out of a full listing. The marker is a signed position
// for this listing (scope), so a marker from another listing is refused.
func page[T any](c *api.Context, scope string, items []T, marker *string, pageSize *int32) ([]T, *string, error) {
	scope = c.Account() + "/" + c.Region + "/" + c.Operation + "/" + scope
	start, err := api.DecodeToken(scope, aws.ToString(marker))
	if err != nil || start > int64(len(items)) {
		return nil, nil, errValidation("Invalid value for marker: '%s'", aws.ToString(marker))
	}
	size := int64(len(items))
	if pageSize != nil && *pageSize > 0 {
		size = int64(*pageSize)
	}
	end := start + size
	if end >= int64(len(items)) {
		return items[start:], nil, nil
	}
	return items[start:end], aws.String(api.EncodeToken(scope, end)), nil
}
