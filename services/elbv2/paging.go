package elbv2

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
)

// markerPaging is a Marker/PageSize page of an ELBv2 listing. The marker is
// signed for the account, region, operation and listing (scope), so a marker
// from another listing is refused; no PageSize returns everything.
func markerPaging(c *api.Context, scope string, marker *string, pageSize *int32) api.Paging {
	return api.Paging{
		Listing:  c.Account() + "/" + c.Region + "/" + c.Operation + "/" + scope,
		Token:    marker,
		Size:     int(aws.ToInt32(pageSize)),
		BadToken: errValidation("Invalid value for marker: '%s'", aws.ToString(marker)),
	}
}
