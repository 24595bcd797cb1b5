package ssm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// holdParameters stores n parameters straight through the store, in an
// order that is not name order: /app/<i%10>/p<scattered i>.
func holdParameters(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			v := version{Name: fmt.Sprintf("/app/%d/p%06d", i%10, i*7919%n), Type: "String", Value: "v", Version: 1, Tier: "Standard",
				DataType: "text", LastModifiedDate: time.Unix(0, 0)}
			if err := storeParameter(tx, benchScope, &parameter{Latest: v}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func ssmCall[In, Out any](tb testing.TB, st *store.Store, fn func(*api.Context, *In) (*Out, error), in *In) *Out {
	return apitest.Read(tb, st, benchScope, fn, in)
}

var describeParametersCase = apitest.PageCase{Name: "DescribeParameters", Hold: holdParameters, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ssmCall(tb, st, describeParameters, &sdk.DescribeParametersInput{MaxResults: aws.Int32(50), NextToken: token})
	return len(out.Parameters), out.NextToken
}, Want: 50}

func BenchmarkDescribeParametersPage(b *testing.B) { describeParametersCase.Bench(b) }

var getParametersByPathCase = apitest.PageCase{Name: "GetParametersByPath", Hold: holdParameters, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ssmCall(tb, st, getParametersByPath, &sdk.GetParametersByPathInput{Path: aws.String("/app/3"), MaxResults: aws.Int32(10), NextToken: token})
	return len(out.Parameters), out.NextToken
}, Want: 10}

func BenchmarkGetParametersByPathPage(b *testing.B) { getParametersByPathCase.Bench(b) }

// holdNested stores 300 parameters /p<i> one level under the root, and n
// below deeper paths that sort before them (/n/<i>/v).
func holdNested(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		put := func(name string) error {
			v := version{Name: name, Type: "String", Value: "v", Version: 1, Tier: "Standard", DataType: "text", LastModifiedDate: time.Unix(0, 0)}
			return storeParameter(tx, benchScope, &parameter{Latest: v})
		}
		for i := 0; i < n; i++ {
			if err := put(fmt.Sprintf("/n/%06d/v", i)); err != nil {
				return err
			}
		}
		for i := 0; i < 300; i++ {
			if err := put(fmt.Sprintf("/p%06d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

var getParametersByPathOneLevelCase = apitest.PageCase{Name: "GetParametersByPathOneLevel", Hold: holdNested, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ssmCall(tb, st, getParametersByPath, &sdk.GetParametersByPathInput{Path: aws.String("/"), MaxResults: aws.Int32(10), NextToken: token})
	return len(out.Parameters), out.NextToken
}, Want: 10}

func BenchmarkGetParametersByPathOneLevelPage(b *testing.B) { getParametersByPathOneLevelCase.Bench(b) }

var describeParametersOneLevelCase = apitest.PageCase{Name: "DescribeParametersOneLevel", Hold: holdNested, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ssmCall(tb, st, describeParameters, &sdk.DescribeParametersInput{MaxResults: aws.Int32(50), NextToken: token,
		ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Path"), Option: aws.String("OneLevel"), Values: []string{"/"}}}})
	return len(out.Parameters), out.NextToken
}, Want: 50}

func BenchmarkDescribeParametersOneLevelPage(b *testing.B) { describeParametersOneLevelCase.Bench(b) }

// Pages walk the parameters once in name order, by path or filter; a bad
// filter is refused whenever any parameter is held, even outside the path.
func TestDescribePagesInOrder(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdParameters(t, st, 500)
	walk := func(page func(token *string) ([]string, *string)) []string {
		var all []string
		var token *string
		for pages := 0; ; pages++ {
			names, next := page(token)
			all = append(all, names...)
			if token = next; token == nil || pages > 100 {
				return all
			}
		}
	}
	byPath := walk(func(token *string) ([]string, *string) {
		out := ssmCall(t, st, getParametersByPath, &sdk.GetParametersByPathInput{Path: aws.String("/app/3/"), MaxResults: aws.Int32(7), NextToken: token})
		var names []string
		for _, p := range out.Parameters {
			names = append(names, *p.Name)
		}
		return names, out.NextToken
	})
	recursive := walk(func(token *string) ([]string, *string) {
		out := ssmCall(t, st, getParametersByPath, &sdk.GetParametersByPathInput{Path: aws.String("/"), Recursive: aws.Bool(true), NextToken: token})
		var names []string
		for _, p := range out.Parameters {
			names = append(names, *p.Name)
		}
		return names, out.NextToken
	})
	described := walk(func(token *string) ([]string, *string) {
		out := ssmCall(t, st, describeParameters, &sdk.DescribeParametersInput{MaxResults: aws.Int32(9), NextToken: token,
			ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Path"), Option: aws.String("OneLevel"), Values: []string{"/app/3"}}}})
		var names []string
		for _, p := range out.Parameters {
			names = append(names, *p.Name)
		}
		return names, out.NextToken
	})
	if len(byPath) != 50 || !strings.HasPrefix(byPath[0], "/app/3/p") || !slices.IsSorted(byPath) || !slices.Equal(byPath, described) {
		t.Errorf("by path %d %v, described %d", len(byPath), byPath[:2], len(described))
	}
	if len(recursive) != 500 || !slices.IsSorted(recursive) {
		t.Errorf("recursive from /: %d", len(recursive))
	}
	err = st.Read(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Region: benchScope.Region, Caller: api.Principal{Account: benchScope.Account}, Tx: tx}
		_, err := describeParameters(c, &sdk.DescribeParametersInput{ParameterFilters: []types.ParameterStringFilter{
			{Key: aws.String("Path"), Option: aws.String("Recursive"), Values: []string{"/none"}}, {Key: aws.String("Type"), Option: aws.String("BeginsWith"), Values: []string{"S"}}}})
		if errCode(err) != "InvalidFilterOption" {
			t.Errorf("bad option outside the path: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A one-level listing skips the names under deeper paths, also across pages.
func TestOneLevelSkipsDeeperPaths(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		for _, name := range []string{"/a/x", "/a/b/c", "/a/b/d/e", "/a/b0", "/a/c", "/a/c/d", "/a", "/ab", "/a/b.", "/top"} {
			v := version{Name: name, Type: "String", Value: "v", Version: 1, Tier: "Standard", DataType: "text", LastModifiedDate: time.Unix(0, 0)}
			if err := storeParameter(tx, benchScope, &parameter{Latest: v}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	walk := func(page func(token *string) ([]string, *string)) string {
		var all []string
		var token *string
		for pages := 0; pages < 20; pages++ {
			names, next := page(token)
			all = append(all, names...)
			if token = next; token == nil {
				break
			}
		}
		return fmt.Sprint(all)
	}
	byPath := func(path string, recursive bool) string {
		return walk(func(token *string) ([]string, *string) {
			out := ssmCall(t, st, getParametersByPath, &sdk.GetParametersByPathInput{Path: aws.String(path), Recursive: aws.Bool(recursive),
				MaxResults: aws.Int32(1), NextToken: token})
			var names []string
			for _, p := range out.Parameters {
				names = append(names, *p.Name)
			}
			return names, out.NextToken
		})
	}
	described := func(path, option string) string {
		return walk(func(token *string) ([]string, *string) {
			out := ssmCall(t, st, describeParameters, &sdk.DescribeParametersInput{MaxResults: aws.Int32(1), NextToken: token,
				ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Path"), Option: aws.String(option), Values: []string{path}}}})
			var names []string
			for _, p := range out.Parameters {
				names = append(names, *p.Name)
			}
			return names, out.NextToken
		})
	}
	for _, c := range []struct{ got, want string }{
		{byPath("/a", false), "[/a/b. /a/b0 /a/c /a/x]"},
		{byPath("/a/", false), "[/a/b. /a/b0 /a/c /a/x]"},
		{byPath("/", false), "[/a /ab /top]"},
		{byPath("/a", true), "[/a/b. /a/b/c /a/b/d/e /a/b0 /a/c /a/c/d /a/x]"},
		{described("/a", "OneLevel"), "[/a/b. /a/b0 /a/c /a/x]"},
		{described("/", "OneLevel"), "[/a /ab /top]"},
		{described("/a/b", "Recursive"), "[/a/b/c /a/b/d/e]"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}

// holdTyped stores n String parameters (holdParameters) and 300
// SecureString ones beside them, /app/<i%10>/s<i>.
func holdTyped(tb testing.TB, st *store.Store, n int) {
	holdParameters(tb, st, n)
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < 300; i++ {
			v := version{Name: fmt.Sprintf("/app/%d/s%06d", i%10, i), Type: "SecureString", Value: "v", Version: 1, Tier: "Standard",
				DataType: "text", KeyID: "alias/aws/ssm", LastModifiedDate: time.Unix(0, 0)}
			if err := storeParameter(tx, benchScope, &parameter{Latest: v}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// The 300 SecureString parameters are read through their type's entries.
var describeParametersTypeCase = apitest.PageCase{Name: "DescribeParametersType", Hold: holdTyped, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ssmCall(tb, st, describeParameters, &sdk.DescribeParametersInput{MaxResults: aws.Int32(50), NextToken: token,
		ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Type"), Values: []string{"SecureString"}}}})
	return len(out.Parameters), out.NextToken
}, Want: 50}

func BenchmarkDescribeParametersTypePage(b *testing.B) { describeParametersTypeCase.Bench(b) }

// A key is only a SecureString's: a KeyId listing reads that type's entries.
var describeParametersKeyIDCase = apitest.PageCase{Name: "DescribeParametersKeyId", Hold: holdTyped, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ssmCall(tb, st, describeParameters, &sdk.DescribeParametersInput{MaxResults: aws.Int32(50), NextToken: token,
		Filters: []types.ParametersFilter{{Key: types.ParametersFilterKeyKeyId, Values: []string{"alias/aws/ssm"}}}})
	return len(out.Parameters), out.NextToken
}, Want: 50}

func BenchmarkDescribeParametersKeyIdPage(b *testing.B) { describeParametersKeyIDCase.Bench(b) }

// A name prefix is a range of names: a page reads only itself, the last
// (the third of thirty names) no names past the prefix.
var describeParametersBeginsWithCase = apitest.PageCase{Name: "DescribeParametersBeginsWith", Hold: holdTyped, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ssmCall(tb, st, describeParameters, &sdk.DescribeParametersInput{MaxResults: aws.Int32(10), NextToken: token,
		ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{"app/7/s"}}}})
	return len(out.Parameters), out.NextToken
}, Want: 10}

func BenchmarkDescribeParametersBeginsWithPage(b *testing.B) {
	describeParametersBeginsWithCase.Bench(b)
}

// Names given whole are read one by one.
var describeParametersNamesCase = apitest.PageCase{Name: "DescribeParametersNames", Hold: holdTyped, Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
	out := ssmCall(tb, st, describeParameters, &sdk.DescribeParametersInput{MaxResults: aws.Int32(2), NextToken: token,
		ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Name"), Values: []string{
			"/app/9/s000009", "app/8/s000008", "/app/7/s000007", "/app/6/s000006", "/app/5/s000005", "/app/4/s000004", "/app/3/s000003"}}}})
	return len(out.Parameters), out.NextToken
}, Want: 2}

func BenchmarkDescribeParametersNamesPage(b *testing.B) { describeParametersNamesCase.Bench(b) }
