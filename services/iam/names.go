package iam

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// entityARN builds arn:PARTITION:iam::ACCOUNT:KIND/path/name; the partition
// is the one of the region the entity is created through.
func entityARN(partition, account, kind, path, name string) string {
	return "arn:" + partition + ":iam::" + account + ":" + kind + path + name
}

// iamARNRE matches the start of an IAM ARN in any partition.
var iamARNRE = regexp.MustCompile(`^arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f)?:iam::`)

// anyPartition reads an ARN of any partition as its aws-partition form, so
// that lookups by ARN work for entities made through any region.
func anyPartition(arn string) string {
	if !iamARNRE.MatchString(arn) {
		return arn
	}
	return api.InPartition(arn, "aws")
}

// pathOrRoot is the path given, or "/" when none.
func pathOrRoot(p *string) string {
	if p == nil || *p == "" {
		return "/"
	}
	return *p
}

// nameIndex is the index of name in names, compared as IAM compares names
// (without case), or -1.
func nameIndex(names []string, name string) int {
	return slices.IndexFunc(names, func(n string) bool { return nameKey(n) == nameKey(name) })
}

// withoutName drops name from names (the first match, without case); removed
// says whether it was there.
func withoutName(names []string, name string) (out []string, removed bool) {
	i := nameIndex(names, name)
	if i < 0 {
		return names, false
	}
	return append(names[:i:i], names[i+1:]...), true
}

// renameIn replaces every oldName in names (without case) with newName.
func renameIn(names []string, oldName, newName string) {
	for i, n := range names {
		if nameKey(n) == nameKey(oldName) {
			names[i] = newName
		}
	}
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
	limit := 100
	if maxItems != nil && *maxItems > 0 {
		limit = int(*maxItems)
	}
	positioned := make([]store.Item[T], len(items))
	for i := range items {
		positioned[i] = store.Item[T]{Seq: pos(i, items[i]), Doc: &items[i]}
	}
	page, next, err := api.PaginateItems(positioned, api.Paging{Listing: "iam:" + c.Account() + ":" + listing, Token: marker, Size: limit,
		BadToken: apierror.New("ValidationError", "Invalid Marker.")}, nil)
	if err != nil {
		return nil, paging{}, err
	}
	var out []T
	for _, v := range page {
		out = append(out, *v)
	}
	return out, paging{Truncated: next != nil, Marker: next}, nil
}

// paginateList is paginate for a list member an answer always carries: an
// empty page is an empty list, not an absent one.
func paginateList[T any](c *api.Context, listing string, items []T, pos func(i int, v T) int64, marker *string, maxItems *int32) ([]T, paging, error) {
	out, pg, err := paginate(c, listing, items, pos, marker, maxItems)
	if out == nil {
		out = []T{}
	}
	return out, pg, err
}

// byIndex positions items of an in-document list by their index.
func byIndex[T any](i int, _ T) int64 { return int64(i) + 1 }
