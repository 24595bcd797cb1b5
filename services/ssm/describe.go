package ssm

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// filterMatch applies one ParameterStringFilter to a parameter.
func filterMatch(f types.ParameterStringFilter, p *parameter) (bool, error) {
	key, option := aws.ToString(f.Key), aws.ToString(f.Option)
	if option == "" {
		option = "Equals"
	}
	v := p.Latest
	anyOf := func(get func(string) bool) bool {
		for _, want := range f.Values {
			if get(want) {
				return true
			}
		}
		return false
	}
	switch {
	case key == "Name":
		name := strings.TrimPrefix(v.Name, "/")
		switch option {
		case "Equals":
			return anyOf(func(w string) bool { return strings.TrimPrefix(w, "/") == name }), nil
		case "BeginsWith":
			return anyOf(func(w string) bool { return strings.HasPrefix(name, strings.TrimPrefix(w, "/")) }), nil
		case "Contains":
			return anyOf(func(w string) bool { return strings.Contains(name, w) }), nil
		}
	case key == "Path":
		if option != "Recursive" && option != "OneLevel" {
			break
		}
		return anyOf(func(w string) bool { return inPath(v.Name, w, option == "Recursive") }), nil
	case key == "Type" || key == "KeyId" || key == "Tier" || key == "DataType":
		if option != "Equals" {
			break
		}
		have := map[string]string{"Type": v.Type, "KeyId": v.KeyID, "Tier": v.Tier, "DataType": v.DataType}[key]
		return anyOf(func(w string) bool { return w == have }), nil
	case key == "Label":
		return anyOf(func(w string) bool { return hasLabel(v.Labels, w) }), nil
	case strings.HasPrefix(key, "tag:"):
		for _, t := range p.Tags {
			if t.Key == key[4:] && (len(f.Values) == 0 || anyOf(func(w string) bool { return w == t.Value })) {
				return true, nil
			}
		}
		return false, nil
	default:
		return false, apiErr("InvalidFilterKey", "")
	}
	return false, apiErr("InvalidFilterOption", "The filter option '%s' is not valid for key '%s'.", option, key)
}

func hasLabel(labels []string, l string) bool {
	for _, x := range labels {
		if x == l {
			return true
		}
	}
	return false
}

// ssmPaging is a page of an SSM listing: def items unless maxResults says otherwise.
func ssmPaging(scope string, maxResults *int32, def int, token *string) api.Paging {
	n := def
	if maxResults != nil {
		n = int(*maxResults)
	}
	return api.Paging{Listing: scope, Token: token, Size: n, BadToken: apiErr("InvalidNextToken", "The specified token isn't valid.")}
}

// parametersAfter reads up to n parameters of the listing l describes,
// after name after, in name order (their id order): a page reads only
// itself. A one-level listing skips the names below a deeper path with one
// read, not walked.
func parametersAfter(c *api.Context, l selection) func(after string, n int) ([]*parameter, error) {
	if l.names != nil {
		return namedAfter(c, l.names)
	}
	return func(after string, n int) ([]*parameter, error) {
		var out []*parameter
		for {
			items, err := l.read(c, after, n-len(out))
			if err != nil {
				return nil, err
			}
			skipped := false
			for _, it := range items {
				if l.oneLevel {
					if i := strings.IndexByte(it.ID[len(l.path):], '/'); i >= 0 {
						// No UTF-8 name has the byte 0xff: this is past every name under the deeper path.
						after = it.ID[:len(l.path)+i+1] + "\xff"
						skipped = true
						break
					}
				}
				out = append(out, it.Doc)
				after = it.ID
			}
			// Unless a subtree was skipped, the read was full or the names ran out.
			if !skipped || len(out) >= n {
				return out, nil
			}
		}
	}
}

// namedAfter reads the parameters of the names given (a Name filter's
// candidates, in order) one by one from the first after after, until n are
// found: a page reads only the names it passes.
func namedAfter(c *api.Context, names []string) func(after string, n int) ([]*parameter, error) {
	return func(after string, n int) ([]*parameter, error) {
		var out []*parameter
		i := sort.SearchStrings(names, after)
		if i < len(names) && names[i] == after {
			i++
		}
		for ; i < len(names) && len(out) < n; i++ {
			p, err := parameters.Get(c.Tx, c.Scope(), names[i])
			if err != nil {
				return nil, err
			}
			if p != nil {
				out = append(out, p)
			}
		}
		return out, nil
	}
}

// selection is where a listing's parameters can be found, as its filters
// say: the names under one of prefixes (disjoint, in order) and, with
// types, of one of those types; or only the names given whole (names, when
// not nil). Every filter is still applied to what is read.
type selection struct {
	prefixes []string
	types    []string
	names    []string
	// path and oneLevel keep only the names one level under path.
	path     string
	oneLevel bool
}

// selectionOf is the narrowest selection the filters allow through the
// store's keys: a Path's or a Name's prefixes as ranges of ids, a Type's
// values as ranges of the attr index (type, then name), a KeyId as the
// SecureString range (no other type has a key), a Name's values given
// whole read by id. Tier, DataType, Label, tag and Contains filters have no
// key to read by, nor a KeyId within its type: they are checked on what is
// read.
func selectionOf(filters []types.ParameterStringFilter) selection {
	l := selection{prefixes: []string{""}}
	l.path, l.oneLevel = pathPrefix(filters)
	l.prefixes = narrow(l.prefixes, []string{l.path})
	for _, f := range filters {
		key, option := aws.ToString(f.Key), cmp.Or(aws.ToString(f.Option), "Equals")
		switch {
		case key == "Name" && option == "Equals" && l.names == nil:
			// Names match with or without their leading slash.
			l.names = []string{}
			for _, v := range f.Values {
				v = strings.TrimPrefix(v, "/")
				l.names = append(l.names, v, "/"+v)
			}
			slices.Sort(l.names)
			l.names = slices.Compact(l.names)
		case key == "Name" && option == "BeginsWith":
			var begins []string
			for _, v := range f.Values {
				v = strings.TrimPrefix(v, "/")
				begins = append(begins, v, "/"+v)
			}
			l.prefixes = narrow(l.prefixes, begins)
		case key == "Type" && option == "Equals":
			l.types = within(l.types, f.Values)
		case key == "KeyId" && option == "Equals" && !slices.Contains(f.Values, ""):
			// Only SecureString parameters have a key.
			l.types = within(l.types, []string{string(types.ParameterTypeSecureString)})
		}
	}
	return l
}

// within is the types of have (nil: any) that are also in values, in order.
func within(have, values []string) []string {
	out := []string{}
	for _, v := range slices.Sorted(slices.Values(values)) {
		if (have == nil || slices.Contains(have, v)) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// narrow is the prefixes that names starting with one of a and with one of b
// start with: disjoint, in order.
func narrow(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		for _, y := range b {
			if strings.HasPrefix(y, x) {
				out = append(out, y)
			} else if strings.HasPrefix(x, y) {
				out = append(out, x)
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	// A prefix under another is read with it.
	kept := out[:0]
	for _, p := range out {
		if len(kept) == 0 || !strings.HasPrefix(p, kept[len(kept)-1]) {
			kept = append(kept, p)
		}
	}
	return kept
}

// read reads up to n of the selection's parameters after name after, in
// name order: up to n from each range, merged.
func (l selection) read(c *api.Context, after string, n int) ([]store.Item[parameter], error) {
	var out []store.Item[parameter]
	ranges := 0
	for _, prefix := range l.prefixes {
		if after != "" && after >= prefix+"\xff" {
			continue // every name under prefix is at or before after
		}
		if l.types == nil {
			items, err := parameters.IDPage(c.Tx, c.Scope(), prefix, after, false, n)
			if err != nil {
				return nil, err
			}
			out, ranges = append(out, items...), ranges+1
			continue
		}
		for _, t := range l.types {
			from := ""
			if after != "" {
				from = typeKey(t, after)
			}
			items, err := parameters.AttrPage(c.Tx, c.Scope(), typeKey(t, prefix), from, n)
			if err != nil {
				return nil, err
			}
			out, ranges = append(out, items...), ranges+1
		}
	}
	if ranges > 1 {
		slices.SortFunc(out, func(a, b store.Item[parameter]) int { return strings.Compare(a.ID, b.ID) })
		out = out[:min(n, len(out))]
	}
	return out, nil
}

// matchAll applies every filter to a parameter; the first error is kept in *failed.
func matchAll(filters []types.ParameterStringFilter, failed *error) func(*parameter) bool {
	return func(p *parameter) bool {
		ok := true
		for _, f := range filters {
			m, err := filterMatch(f, p)
			if err != nil && *failed == nil {
				*failed = err
			}
			ok = ok && m && err == nil
		}
		return ok
	}
}

// pathPrefix is the name prefix a single Path filter implies ("" for none),
// and whether the filter keeps only the names one level under it.
func pathPrefix(filters []types.ParameterStringFilter) (string, bool) {
	for _, f := range filters {
		if aws.ToString(f.Key) == "Path" && len(f.Values) == 1 && (aws.ToString(f.Option) == "Recursive" || aws.ToString(f.Option) == "OneLevel") {
			oneLevel := aws.ToString(f.Option) == "OneLevel"
			if f.Values[0] == "/" {
				return "/", oneLevel
			}
			return strings.TrimSuffix(f.Values[0], "/") + "/", oneLevel
		}
	}
	return "", false
}

func describeParameters(c *api.Context, in *sdk.DescribeParametersInput) (*sdk.DescribeParametersOutput, error) {
	filters := append([]types.ParameterStringFilter(nil), in.ParameterFilters...)
	for _, f := range in.Filters {
		filters = append(filters, types.ParameterStringFilter{Key: aws.String(string(f.Key)), Values: f.Values})
	}
	// A filter's error does not depend on the parameter: it is the answer
	// whenever the region holds any parameter, though the page reads fewer.
	var failed error
	if matchAll(filters, &failed)(&parameter{}); failed != nil {
		if held, err := parameters.IDPage(c.Tx, c.Scope(), "", "", false, 1); err != nil || len(held) > 0 {
			return nil, cmp.Or(err, failed)
		}
	}
	page, next, err := api.PaginateKeyed(ssmPaging("ssm:DescribeParameters:"+c.Account(), in.MaxResults, 10, in.NextToken),
		parametersAfter(c, selectionOf(filters)), func(p *parameter) string { return p.Latest.Name }, matchAll(filters, new(error)))
	if err != nil {
		return nil, err
	}
	metas := []types.ParameterMetadata{}
	for _, p := range page {
		v := p.Latest
		m := types.ParameterMetadata{Name: aws.String(v.Name), Type: types.ParameterType(v.Type), Version: v.Version,
			LastModifiedDate: aws.Time(v.LastModifiedDate), LastModifiedUser: aws.String(v.LastModifiedUser), Tier: types.ParameterTier(v.Tier),
			DataType: aws.String(v.DataType), ARN: aws.String(arn(c.Region, c.Account(), v.Name)), Policies: []types.ParameterInlinePolicy{}}
		if v.Description != "" {
			m.Description = aws.String(v.Description)
		}
		if v.AllowedPattern != "" {
			m.AllowedPattern = aws.String(v.AllowedPattern)
		}
		if v.KeyID != "" {
			m.KeyId = aws.String(v.KeyID)
		}
		metas = append(metas, m)
	}
	return &sdk.DescribeParametersOutput{Parameters: metas, NextToken: next}, nil
}

func getParametersByPath(c *api.Context, in *sdk.GetParametersByPathInput) (*sdk.GetParametersByPathOutput, error) {
	path := aws.ToString(in.Path)
	if !strings.HasPrefix(path, "/") {
		return nil, validation("The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\". It can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_.")
	}
	for _, f := range in.ParameterFilters {
		switch aws.ToString(f.Key) {
		case "Type", "KeyId", "Label":
		default:
			return nil, apiErr("InvalidFilterKey", "The following filter key is not valid: %s. Valid filter keys include: [Type, KeyId, Label].", aws.ToString(f.Key))
		}
	}
	recursive := aws.ToBool(in.Recursive)
	prefix := strings.TrimSuffix(path, "/") + "/"
	// Only a Type filter narrows what is read (Path is the call's own),
	// and only filters that are all valid: a bad one is refused once a
	// parameter of the path is read, whatever its type.
	sel := selectionOf(in.ParameterFilters)
	var bad error
	if matchAll(in.ParameterFilters, &bad)(&parameter{}); bad != nil {
		sel.types = nil
	}
	read := parametersAfter(c, selection{prefixes: []string{prefix}, types: sel.types, path: prefix, oneLevel: !recursive})
	if isPublic(path + "/") {
		// Public parameters are a catalogue held in memory.
		var public []*parameter
		for _, n := range publicNames(c.Region) {
			public = append(public, &parameter{Latest: *publicVersion(c.Region, n)})
		}
		read = func(after string, n int) ([]*parameter, error) {
			i := sort.Search(len(public), func(i int) bool { return public[i].Latest.Name > after })
			return public[i:min(i+n, len(public))], nil
		}
	}
	var failed error
	match := matchAll(in.ParameterFilters, &failed)
	page, next, err := api.PaginateKeyed(ssmPaging("ssm:GetParametersByPath:"+path, in.MaxResults, 10, in.NextToken), read,
		func(p *parameter) string { return p.Latest.Name }, func(p *parameter) bool {
			return inPath(p.Latest.Name, path, recursive) && match(p)
		})
	if err == nil {
		err = failed
	}
	if err != nil {
		return nil, err
	}
	params := []types.Parameter{}
	for _, p := range page {
		params = append(params, wire(c, &p.Latest, "", aws.ToBool(in.WithDecryption)))
	}
	return &sdk.GetParametersByPathOutput{Parameters: params, NextToken: next}, nil
}
