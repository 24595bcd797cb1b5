package ssm

import (
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

func allParameters(c *api.Context) ([]*parameter, error) {
	items, err := parameters.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, err
	}
	out := make([]*parameter, len(items))
	for i, it := range items {
		out[i] = it.Doc
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Latest.Name < out[j].Latest.Name })
	return out, nil
}

func describeParameters(c *api.Context, in *sdk.DescribeParametersInput) (*sdk.DescribeParametersOutput, error) {
	filters := append([]types.ParameterStringFilter(nil), in.ParameterFilters...)
	for _, f := range in.Filters {
		filters = append(filters, types.ParameterStringFilter{Key: aws.String(string(f.Key)), Values: f.Values})
	}
	all, err := allParameters(c)
	if err != nil {
		return nil, err
	}
	var metas []types.ParameterMetadata
	for _, p := range all {
		ok := true
		for _, f := range filters {
			m, err := filterMatch(f, p)
			if err != nil {
				return nil, err
			}
			ok = ok && m
		}
		if !ok {
			continue
		}
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
	out, next, err := api.PaginateSlice(metas, ssmPaging("ssm:DescribeParameters:"+c.Account(), in.MaxResults, 10, in.NextToken), nil)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []types.ParameterMetadata{}
	}
	return &sdk.DescribeParametersOutput{Parameters: out, NextToken: next}, nil
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
	var found []*parameter
	if isPublic(path + "/") {
		for _, n := range publicNames(c.Region) {
			if inPath(n, path, recursive) {
				found = append(found, &parameter{Latest: *publicVersion(c.Region, n)})
			}
		}
	} else {
		all, err := allParameters(c)
		if err != nil {
			return nil, err
		}
		for _, p := range all {
			if inPath(p.Latest.Name, path, recursive) {
				found = append(found, p)
			}
		}
	}
	var params []types.Parameter
	for _, p := range found {
		ok := true
		for _, f := range in.ParameterFilters {
			m, err := filterMatch(f, p)
			if err != nil {
				return nil, err
			}
			ok = ok && m
		}
		if ok {
			params = append(params, wire(c, &p.Latest, "", aws.ToBool(in.WithDecryption)))
		}
	}
	out, next, err := api.PaginateSlice(params, ssmPaging("ssm:GetParametersByPath:"+path, in.MaxResults, 10, in.NextToken), nil)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []types.Parameter{}
	}
	return &sdk.GetParametersByPathOutput{Parameters: out, NextToken: next}, nil
}
