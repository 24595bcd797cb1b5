package iam

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

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

// pageSize is a MaxItems as IAM reads it: 100 when absent.
func pageSize(maxItems *int32) int {
	if maxItems != nil && *maxItems > 0 {
		return int(*maxItems)
	}
	return 100
}

// iamPaging is the paging of an IAM listing: the Marker is signed for the
// account and listing, and one IAM did not issue is "Invalid Marker.".
func iamPaging(c *api.Context, listing string, marker *string, maxItems *int32) api.Paging {
	return api.Paging{Listing: "iam:" + c.Account() + ":" + listing, Token: marker, Size: pageSize(maxItems),
		BadToken: apierror.New("ValidationError", "Invalid Marker.")}
}

// pathQuery is the store query of a PathPrefix filter on entities that keep
// their path in Index.Name. Every path starts with "/", so that prefix (or
// none) filters nothing and the page reads only itself in creation order; a
// longer prefix is checked in SQL on the rows passed over, never decoded.
func pathQuery(prefix *string) store.Query {
	if p := aws.ToString(prefix); p != "" && p != "/" {
		return store.Query{NamePrefix: p}
	}
	return store.Query{}
}

// pageStored is one page of a collection in creation order from the
// Marker's position, reading only the page (see api.Paginate): the
// listing of users, groups, roles and instance profiles.
func pageStored[T any](c *api.Context, listing string, coll store.Collection[T], q store.Query, marker *string, maxItems *int32) ([]*T, paging, error) {
	page, next, err := api.Paginate(c.Tx, c.GlobalScope(), coll, q, iamPaging(c, listing, marker, maxItems), nil)
	return page, paging{Truncated: next != nil, Marker: next}, err
}

// paginate cuts a page out of items. pos gives each item's position (strictly
// increasing); the Marker holds the last returned position, signed for listing.
func paginate[T any](c *api.Context, listing string, items []T, pos func(i int, v T) int64, marker *string, maxItems *int32) ([]T, paging, error) {
	positioned := make([]store.Item[T], len(items))
	for i := range items {
		positioned[i] = store.Item[T]{Seq: pos(i, items[i]), Doc: &items[i]}
	}
	page, next, err := api.PaginateItems(positioned, iamPaging(c, listing, marker, maxItems), nil)
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
