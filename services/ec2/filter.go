package ec2

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// fields are a resource's values under each filter name its Describe call knows.
type fields map[string][]string

func (f fields) add(name string, values ...string) {
	for _, v := range values {
		if v != "" {
			f[name] = append(f[name], v)
		}
	}
}

func (f fields) addPtr(name string, v *string) { f.add(name, aws.ToString(v)) }

func (f fields) addBool(name string, v *bool) {
	if v != nil {
		f[name] = append(f[name], boolText(*v))
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// matchFilters reports whether a resource passes every filter: values of one
// filter are ORed, filters are ANDed; tag:KEY, tag-key and tag-value work on
// every resource with tags. Unknown filter names are refused as EC2 does.
func matchFilters(filters []types.Filter, f fields, tags []types.Tag, known func(string) bool) (bool, error) {
	for _, flt := range filters {
		name := aws.ToString(flt.Name)
		var values []string
		switch {
		case strings.HasPrefix(name, "tag:"):
			key := name[4:]
			for _, t := range tags {
				if aws.ToString(t.Key) == key {
					values = append(values, aws.ToString(t.Value))
				}
			}
		case name == "tag-key":
			for _, t := range tags {
				values = append(values, aws.ToString(t.Key))
			}
		case name == "tag-value":
			for _, t := range tags {
				values = append(values, aws.ToString(t.Value))
			}
		default:
			name = kebab(name)
			if !known(name) {
				return false, apierror.New("InvalidParameterValue", "The filter '%s' is invalid", name)
			}
			values = f[name]
		}
		if !anyMatch(flt.Values, values) {
			return false, nil
		}
	}
	return true, nil
}

func anyMatch(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if api.Glob(p, v, true) {
				return true
			}
		}
	}
	return false
}

// listing describes one Describe call over a resource kind.
type listing[T any] struct {
	op       string
	id       func(*T) string
	tags     func(*T) []types.Tag
	fields   func(*T) fields
	filters  []string // the filter names the call knows
	notFound func(id string) error
	// parent is the filter whose value the kind keeps in its Parent column
	// (a subnet's vpc-id): one literal value of it lists through that index.
	parent string
	// base is the store query every page starts from (instances by state).
	base store.Query
}

// indexed is the store query that a listing's filters allow: the Parent
// index when a filter on parent names one literal value (every filter is
// still applied to what is read).
func (l listing[T]) indexed(filters []types.Filter) store.Query {
	q := l.base
	if l.parent == "" {
		return q
	}
	for _, f := range filters {
		if name := aws.ToString(f.Name); kebab(name) == l.parent && len(f.Values) == 1 && !strings.ContainsAny(f.Values[0], `*?\`) && f.Values[0] != "" {
			q.Parent = f.Values[0]
			break
		}
	}
	return q
}

// paging is the listing's page, its token signed for the listing (with
// suffix, for listings whose tokens mean something else).
func (l listing[T]) paging(c *api.Context, suffix string, maxResults *int32, nextToken *string) api.Paging {
	return api.Paging{Listing: "ec2:" + l.op + ":" + c.Account() + ":" + c.Region + suffix, Token: nextToken,
		Size: int(aws.ToInt32(maxResults)), BadToken: apierror.New("InvalidNextToken", "The token '%s' is invalid.", aws.ToString(nextToken))}
}

// page is run over a kind's documents in the store: those named by ids, read
// one by one, or else every document from the token's position in creation
// order, filtered as read, so that a page reads about itself however many
// are held. view, when set, turns a stored document into what the call shows,
// or into nil to leave it out (a named one it leaves out is not found).
func (l listing[T]) page(c *api.Context, k kind[T], view func(*T) (*T, error), ids []string, filters []types.Filter, maxResults *int32, nextToken *string) ([]*T, *string, error) {
	if len(ids) > 0 {
		var sel []*T
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			doc, err := k.get(c, id)
			if err == nil && doc != nil && view != nil {
				doc, err = view(doc)
			}
			if err != nil {
				return nil, nil, err
			}
			if doc == nil {
				return nil, nil, l.notFound(id)
			}
			sel = append(sel, doc)
		}
		return l.run(c, sel, nil, filters, maxResults, nextToken)
	}
	var failed error
	out, next, err := api.Paginate(c.Tx, c.Scope(), k.coll, l.indexed(filters), l.paging(c, ":seq", maxResults, nextToken), func(doc *T) bool {
		if failed != nil {
			return false
		}
		if view != nil {
			v, err := view(doc)
			if err != nil || v == nil {
				failed = err
				return false
			}
			// Paginate returns the documents keep saw: show the view.
			*doc = *v
		}
		ok, err := l.matches(doc, filters)
		failed = err
		return ok && err == nil
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return nil, nil, err
	}
	return out, next, nil
}

// run selects the items named by ids (all when none), filters and pages them.
func (l listing[T]) run(c *api.Context, items []*T, ids []string, filters []types.Filter, maxResults *int32, nextToken *string) ([]*T, *string, error) {
	if len(ids) > 0 {
		byID := map[string]*T{}
		for _, it := range items {
			byID[l.id(it)] = it
		}
		var sel []*T
		seen := map[string]bool{}
		for _, id := range ids {
			it, ok := byID[id]
			if !ok {
				return nil, nil, l.notFound(id)
			}
			if !seen[id] {
				seen[id] = true
				sel = append(sel, it)
			}
		}
		items = sel
	}
	var out []*T
	for _, it := range items {
		ok, err := l.matches(it, filters)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return api.PaginateSlice(out, l.paging(c, "", maxResults, nextToken), nil)
}

// matches reports whether an item passes every filter; a filter the
// listing does not know is an error.
func (l listing[T]) matches(it *T, filters []types.Filter) (bool, error) {
	if len(filters) == 0 {
		return true, nil
	}
	var tags []types.Tag
	if l.tags != nil {
		tags = l.tags(it)
	}
	f := fields{}
	if l.fields != nil {
		f = l.fields(it)
	}
	return matchFilters(filters, f, tags, func(n string) bool { return slices.Contains(l.filters, n) })
}

// describe is the whole of most Describe calls: the kind's documents
// selected, filtered and paged by the listing.
func (l listing[T]) describe(c *api.Context, k kind[T], ids []string, filters []types.Filter, maxResults *int32, nextToken *string) ([]T, *string, error) {
	out, next, err := l.page(c, k, nil, ids, filters, maxResults, nextToken)
	if err != nil {
		return nil, nil, err
	}
	return values(out), next, nil
}

// values turns a slice of pointers into the slice of values the SDK outputs use.
func values[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// kebab turns EC2's older camelCase filter names (isDefault, defaultForAz)
// into the hyphenated names they stand for.
func kebab(name string) string {
	if strings.ContainsAny(name, "-.:") {
		return name
	}
	var b strings.Builder
	for i, r := range name {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
