package iam

import (
	"encoding/base64"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// registerExtras registers MFA devices, SSH keys, certificates, service-specific
// credentials, identity providers, account settings, reports and the
// organizations and delegation operations.
func registerExtras(s *api.Service, uses *keyUseLog) {
	registerAccountSettings(s)
	registerOIDC(s)
	registerSAML(s)
	registerMFA(s)
	registerSSHKeys(s)
	registerSigningCertificates(s)
	registerServerCertificates(s)
	registerServiceCredentials(s)
	registerOrganizationsFeatures(s)
	registerOutboundFederation(s)
	registerCredentialReport(s, uses)
	registerLastAccessed(s)
	registerDelegation(s)
	registerHumanReadableSummary(s)
}

// defaultMaxItems is IAM's page size when MaxItems is not given.
const defaultMaxItems = 100

// pageByMarker cuts one Marker/MaxItems page out of a full listing, with
// InvalidInput for a bad marker. listing names the listing so that a marker
// from another one is refused.
func pageByMarker[T any](listing string, items []T, marker *string, maxItems *int32) (page []T, next *string, truncated bool, err error) {
	n := defaultMaxItems
	if maxItems != nil {
		n = int(*maxItems)
	}
	page, next, err = api.PaginateSlice(items, api.Paging{Listing: listing, Token: marker, Size: n, BadToken: apierror.New("InvalidInput", "Invalid Marker.")}, nil)
	return page, next, next != nil, err
}

// markerPaging is the paging of pageByMarker's listings for a page read from
// the store (api.Paginate): InvalidInput for a bad marker.
func markerPaging(listing string, marker *string, maxItems *int32) api.Paging {
	return api.Paging{Listing: listing, Token: marker, Size: pageSize(maxItems), BadToken: apierror.New("InvalidInput", "Invalid Marker.")}
}

// maxTagsPerEntity is IAM's quota of tags on any taggable entity.
const maxTagsPerEntity = 50

// withTags merges tags into existing ones (a tag with an existing key replaces
// its value), refusing duplicate keys in the request and more than 50 tags.
func withTags(existing, add []types.Tag, quotaName string) ([]types.Tag, error) {
	seen := map[string]bool{}
	for _, t := range add {
		k := strings.ToLower(aws.ToString(t.Key))
		if seen[k] {
			return nil, apierror.New("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	out := make([]types.Tag, 0, len(existing)+len(add))
	for _, t := range existing {
		if !seen[strings.ToLower(aws.ToString(t.Key))] {
			out = append(out, t)
		}
	}
	for _, t := range add {
		out = append(out, types.Tag{Key: t.Key, Value: aws.String(aws.ToString(t.Value))})
	}
	if len(out) > maxTagsPerEntity {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for %s: %d.", quotaName, maxTagsPerEntity)
	}
	return out, nil
}

// withoutTags drops the tags with the given keys (case-insensitively); absent keys are ignored.
func withoutTags(existing []types.Tag, keys []string) []types.Tag {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[strings.ToLower(k)] = true
	}
	var out []types.Tag
	for _, t := range existing {
		if !drop[strings.ToLower(aws.ToString(t.Key))] {
			out = append(out, t)
		}
	}
	return out
}

// quotaTagRules are the tag rules of identity providers, MFA devices and
// server certificates: quotaName names the tag quota in LimitExceeded,
// untagging ignores reserved keys, and markers are pageByMarker's.
func quotaTagRules(quotaName string) tagRules {
	return tagRules{
		merge:  func(have, add []types.Tag) ([]types.Tag, error) { return withTags(have, add, quotaName) },
		remove: func(have []types.Tag, keys []string) ([]types.Tag, error) { return withoutTags(have, keys), nil },
		page: func(_ *api.Context, listing string, tags []types.Tag, marker *string, maxItems *int32) ([]types.Tag, paging, error) {
			if tags == nil {
				tags = []types.Tag{} // Tags is a required member of list-tag answers
			}
			page, next, truncated, err := pageByMarker(listing, tags, marker, maxItems)
			return page, paging{Truncated: truncated, Marker: next}, err
		},
	}
}

// defaultPath is "/" when a request gives no path.
func defaultPath(p *string) string {
	if p == nil || *p == "" {
		return "/"
	}
	return *p
}

// iamARN builds an ARN of the caller's account: arn:aws:iam::ACCOUNT:resource.
func iamARN(c *api.Context, resource string) string {
	return c.ARNPrefix() + "iam::" + c.Account() + ":" + resource
}

// requireUser fails with NoSuchEntity unless the user exists.
func requireUser(c *api.Context, name string) (*User, error) {
	return GetUser(c, name)
}

// targetUserName is the user a request acts on: the named one, or the calling
// IAM user when the request names none ("" for the root user).
func targetUserName(c *api.Context, name *string) string {
	if name != nil && *name != "" {
		return *name
	}
	n, _ := callerUserName(c)
	return n
}

// decodeBase64Loose decodes base64 text that may be wrapped over lines.
func decodeBase64Loose(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
}
