package ssm

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// A listing's filters pick the ranges it reads: prefixes narrowed by path
// and name, types by Type and KeyId, whole names by Name Equals.
func TestSelectionOf(t *testing.T) {
	f := func(key, option string, values ...string) types.ParameterStringFilter {
		out := types.ParameterStringFilter{Key: aws.String(key), Values: values}
		if option != "" {
			out.Option = aws.String(option)
		}
		return out
	}
	cases := []struct {
		filters []types.ParameterStringFilter
		want    string
	}{
		{nil, `prefixes [""] types any names any path "" false`},
		{[]types.ParameterStringFilter{f("Path", "OneLevel", "/a/b")}, `prefixes ["/a/b/"] types any names any path "/a/b/" true`},
		// With or without the leading slash; a prefix under another is read with it.
		{[]types.ParameterStringFilter{f("Name", "BeginsWith", "a", "/a/b", "b")}, `prefixes ["/a" "/b" "a" "b"] types any names any path "" false`},
		{[]types.ParameterStringFilter{f("Name", "BeginsWith", "")}, `prefixes [""] types any names any path "" false`},
		{[]types.ParameterStringFilter{f("Path", "Recursive", "/a"), f("Name", "BeginsWith", "/a/b", "c", "/")}, `prefixes ["/a/"] types any names any path "/a/" false`},
		{[]types.ParameterStringFilter{f("Path", "Recursive", "/a"), f("Name", "BeginsWith", "/a/b")}, `prefixes ["/a/b"] types any names any path "/a/" false`},
		{[]types.ParameterStringFilter{f("Path", "Recursive", "/a"), f("Name", "BeginsWith", "/c")}, `prefixes [] types any names any path "/a/" false`},
		{[]types.ParameterStringFilter{f("Type", "", "String", "SecureString", "String")}, `prefixes [""] types ["SecureString" "String"] names any path "" false`},
		// No String parameter has a key.
		{[]types.ParameterStringFilter{f("Type", "Equals", "String"), f("KeyId", "", "k")}, `prefixes [""] types [] names any path "" false`},
		{[]types.ParameterStringFilter{f("KeyId", "", "k")}, `prefixes [""] types ["SecureString"] names any path "" false`},
		{[]types.ParameterStringFilter{f("KeyId", "", "")}, `prefixes [""] types any names any path "" false`},
		{[]types.ParameterStringFilter{f("Type", "BeginsWith", "S"), f("Tier", "", "Standard")}, `prefixes [""] types any names any path "" false`},
		{[]types.ParameterStringFilter{f("Name", "", "/a", "b", "a")}, `prefixes [""] types any names ["/a" "/b" "a" "b"] path "" false`},
		{[]types.ParameterStringFilter{f("Name", "Contains", "a")}, `prefixes [""] types any names any path "" false`},
	}
	for i, c := range cases {
		l := selectionOf(c.filters)
		show := func(v []string) string {
			if v == nil {
				return "any"
			}
			return fmt.Sprintf("%q", v)
		}
		got := fmt.Sprintf("prefixes %s types %s names %s path %q %v", show(l.prefixes), show(l.types), show(l.names), l.path, l.oneLevel)
		if got != c.want {
			t.Errorf("%d: %s, want %s", i, got, c.want)
		}
	}
}
