package iam

import (
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// entityARN builds arn:aws:iam::ACCOUNT:KIND/path/name.
func entityARN(account, kind, path, name string) string {
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

// pathOrRoot is the path given, or "/" when none.
func pathOrRoot(p *string) string {
	if p == nil || *p == "" {
		return "/"
	}
	return *p
}

// hasPathPrefix applies a PathPrefix filter (none, or "/", lists everything).
func hasPathPrefix(path string, prefix *string) bool {
	return prefix == nil || strings.HasPrefix(path, *prefix)
}

// encodeDocument URL-encodes a policy document as IAM returns it (RFC 3986, %20 for spaces).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// decodeDocument accepts a document that a client sent URL-encoded, as IAM does.
func decodeDocument(doc string) string {
	if strings.HasPrefix(strings.TrimSpace(doc), "%7B") {
		if d, err := url.QueryUnescape(doc); err == nil {
			return d
		}
	}
	return doc
}

// paging is a page of a listing: Marker in, Marker out.
type paging struct {
	Truncated bool
	Marker    *string
}

// paginate cuts a page out of items. pos gives each item's position (strictly
// increasing); the Marker holds the last returned position, signed for listing.
func paginate[T any](c *api.Context, listing string, items []T, pos func(i int, v T) int64, marker *string, maxItems *int32) ([]T, paging, error) {
	scope := "iam:" + c.Account() + ":" + listing
	after, err := api.DecodeToken(scope, aws.ToString(marker))
	if err != nil {
		return nil, paging{}, apierror.New("ValidationError", "Invalid Marker.")
	}
	limit := 100
	if maxItems != nil && *maxItems > 0 {
		limit = int(*maxItems)
	}
	var out []T
	var pg paging
	for i, v := range items {
		p := pos(i, v)
		if p <= after {
			continue
		}
		if len(out) == limit {
			pg.Truncated = true
			pg.Marker = aws.String(api.EncodeToken(scope, pos(i-1, items[i-1])))
			break
		}
		out = append(out, v)
	}
	return out, pg, nil
}

// byIndex positions items of an in-document list by their index.
func byIndex[T any](i int, _ T) int64 { return int64(i) + 1 }
