package ecs

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// holdRevisions stores n revisions of 10 families straight through the
// store (registering 65k through the API would take minutes).
func holdRevisions(tb testing.TB, st *store.Store, sc store.Scope, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			td := &types.TaskDefinition{Family: aws.String(fmt.Sprint("app", i%10)), Revision: int32(i/10 + 1), Status: types.TaskDefinitionStatusActive,
				ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(512)}}}
			if err := putRevision(tx, sc, td); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// revisionArn is the ARN of a family's revision in sc.
func revisionArn(sc store.Scope, family string, rev int32) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:%d", sc.Region, sc.Account, family, rev)
}

// putRevision stores td (its family and revision set) under its ARN, as
// registration indexes it.
func putRevision(tx *store.Tx, sc store.Scope, td *types.TaskDefinition) error {
	td.TaskDefinitionArn = aws.String(revisionArn(sc, aws.ToString(td.Family), td.Revision))
	return ecscore.TaskDefinitions.Put(tx, sc, aws.ToString(td.TaskDefinitionArn), ecscore.TaskDefinitionIndex(td), td)
}

// putFamily stores a family's record, which ListTaskDefinitionFamilies lists.
func putFamily(tx *store.Tx, sc store.Scope, family string) error {
	return ecscore.Families.Put(tx, sc, family, store.Index{Name: family, Attr: family}, &ecscore.TaskDefinitionFamily{Name: family})
}

func listPage(tb testing.TB, st *store.Store, sc store.Scope, in *ecs.ListTaskDefinitionsInput) *ecs.ListTaskDefinitionsOutput {
	return apitest.Read(tb, st, sc, listTaskDefinitions, in)
}

func listFamiliesPage(tb testing.TB, st *store.Store, sc store.Scope, in *ecs.ListTaskDefinitionFamiliesInput) *ecs.ListTaskDefinitionFamiliesOutput {
	return apitest.Read(tb, st, sc, listTaskDefinitionFamilies, in)
}

// benchThirdPage times the third 100-item page with 1k and 65k held in
// ecsScope.
func benchThirdPage(b *testing.B, hold func(testing.TB, *store.Store, store.Scope, int),
	page func(tb testing.TB, st *store.Store, sc store.Scope, token *string) (int, *string)) {
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) { hold(tb, st, ecsScope, n) },
		func(tb testing.TB, st *store.Store, token *string) (int, *string) {
			return page(tb, st, ecsScope, token)
		}, 100)
}

var ecsScope = store.Scope{Account: "000000000000", Region: "us-east-1"}

// BenchmarkListTaskDefinitionsPage reads one 100-item page (the third, so a
// token is followed) with 1k and 65k revisions held. The ratio between the
// two must stay at most 1.5 (it was 23 ms against 2 s):
//
//	go test ./services/ecs -run '^$' -bench ListTaskDefinitionsPage
func BenchmarkListTaskDefinitionsPage(b *testing.B) {
	benchThirdPage(b, holdRevisions, func(tb testing.TB, st *store.Store, sc store.Scope, token *string) (int, *string) {
		out := listPage(tb, st, sc, &ecs.ListTaskDefinitionsInput{NextToken: token})
		return len(out.TaskDefinitionArns), out.NextToken
	})
}

// Pages walk every revision once, in family then revision order, either way.
func TestListTaskDefinitionsPagesInOrder(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	holdRevisions(t, st, sc, 1050)
	for _, sort := range []types.SortOrder{types.SortOrderAsc, types.SortOrderDesc} {
		in := &ecs.ListTaskDefinitionsInput{Sort: sort, FamilyPrefix: aws.String("app1")}
		var arns []string
		for {
			out := listPage(t, st, sc, in)
			arns = append(arns, out.TaskDefinitionArns...)
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
		if len(arns) != 105 {
			t.Fatalf("%s: %d arns", sort, len(arns))
		}
		first, last := "task-definition/app1:1", "task-definition/app1:105"
		if sort == types.SortOrderDesc {
			first, last = last, first
		}
		if !hasSuffix(arns[0], first) || !hasSuffix(arns[104], last) || !hasSuffix(arns[9], fmt.Sprintf("app1:%d", map[bool]int{true: 96, false: 10}[sort == types.SortOrderDesc])) {
			t.Errorf("%s: %s ... %s ... %s", sort, arns[0], arns[9], arns[104])
		}
	}
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

// holdFamilies stores n families of one revision each straight through the
// store; every third family's revision is INACTIVE.
func holdFamilies(tb testing.TB, st *store.Store, sc store.Scope, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			family := fmt.Sprintf("fam%06d", i)
			status := types.TaskDefinitionStatusActive
			if i%3 == 2 {
				status = types.TaskDefinitionStatusInactive
			}
			if err := putRevision(tx, sc, &types.TaskDefinition{Family: aws.String(family), Revision: 1, Status: status}); err != nil {
				return err
			}
			if err := putFamily(tx, sc, family); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkListTaskDefinitionFamiliesPage reads the third 100-family page
// with 1k and 65k families held; the two must cost about the same.
//
//	go test ./services/ecs -run '^$' -bench ListTaskDefinitionFamiliesPage
func BenchmarkListTaskDefinitionFamiliesPage(b *testing.B) {
	benchThirdPage(b, holdFamilies, func(tb testing.TB, st *store.Store, sc store.Scope, token *string) (int, *string) {
		out := listFamiliesPage(tb, st, sc, &ecs.ListTaskDefinitionFamiliesInput{NextToken: token})
		return len(out.Families), out.NextToken
	})
}

// Family pages walk every family of the status once, in name order.
func TestListTaskDefinitionFamiliesPages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	holdFamilies(t, st, sc, 1000)
	for _, c := range []struct {
		status types.TaskDefinitionFamilyStatus
		prefix string
		want   int
		first  string
	}{
		{"", "", 667, "fam000000"},
		{types.TaskDefinitionFamilyStatusInactive, "", 333, "fam000002"},
		{types.TaskDefinitionFamilyStatusAll, "", 1000, "fam000000"},
		{types.TaskDefinitionFamilyStatusAll, "fam0001", 100, "fam000100"},
	} {
		in := &ecs.ListTaskDefinitionFamiliesInput{Status: c.status, FamilyPrefix: aws.String(c.prefix), MaxResults: aws.Int32(7)}
		var got []string
		for pages := 0; ; pages++ {
			out := listFamiliesPage(t, st, sc, in)
			got = append(got, out.Families...)
			if out.NextToken == nil {
				break
			}
			if len(out.Families) != 7 || pages > 200 {
				t.Fatalf("%+v: page of %d", c, len(out.Families))
			}
			in.NextToken = out.NextToken
		}
		if len(got) != c.want || got[0] != c.first || !slices.IsSorted(got) {
			t.Errorf("%+v: %d families from %v", c, len(got), got[:min(3, len(got))])
		}
	}
}

// holdRetiredRevisions stores n revisions of 600 families straight through
// the store, as a deploy pipeline leaves them: each family's last revision
// is ACTIVE and the ones before it INACTIVE, and every third family is
// retired (all of its revisions INACTIVE).
func holdRetiredRevisions(tb testing.TB, st *store.Store, sc store.Scope, n int) {
	const families = 600
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			f := i % families
			family, rev := fmt.Sprintf("fam%06d", f), int32(i/families+1)
			status := types.TaskDefinitionStatusInactive
			if f%3 != 2 && i+families >= n {
				status = types.TaskDefinitionStatusActive
			}
			if err := putRevision(tx, sc, &types.TaskDefinition{Family: aws.String(family), Revision: rev, Status: status}); err != nil {
				return err
			}
			if rev == 1 {
				if err := putFamily(tx, sc, family); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkListTaskDefinitionFamiliesOfManyRevisionsPage reads the third
// page of ACTIVE families with 1k and 65k revisions held over 600 families:
// whether a family has an ACTIVE revision is one index entry, however many
// INACTIVE ones it holds (it counted them all before).
//
//	go test ./services/ecs -run '^$' -bench ListTaskDefinitionFamiliesOfManyRevisionsPage
func BenchmarkListTaskDefinitionFamiliesOfManyRevisionsPage(b *testing.B) {
	benchThirdPage(b, holdRetiredRevisions, func(tb testing.TB, st *store.Store, sc store.Scope, token *string) (int, *string) {
		out := listFamiliesPage(tb, st, sc, &ecs.ListTaskDefinitionFamiliesInput{NextToken: token})
		return len(out.Families), out.NextToken
	})
}

// BenchmarkListInactiveTaskDefinitionsPage reads the third page of INACTIVE
// revisions with 1k and 65k held: the status starts the index key, so the
// page reads its own entries alone.
//
//	go test ./services/ecs -run '^$' -bench ListInactiveTaskDefinitionsPage
func BenchmarkListInactiveTaskDefinitionsPage(b *testing.B) {
	benchThirdPage(b, holdActiveAndInactive, func(tb testing.TB, st *store.Store, sc store.Scope, token *string) (int, *string) {
		out := listPage(tb, st, sc, &ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusInactive, NextToken: token})
		return len(out.TaskDefinitionArns), out.NextToken
	})
}

// holdActiveAndInactive stores n revisions of 10 families, one in a hundred
// INACTIVE at 1k and 65k alike (at least 300 of them, for three pages).
func holdActiveAndInactive(tb testing.TB, st *store.Store, sc store.Scope, n int) {
	holdRevisions(tb, st, sc, n)
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < 300; i++ {
			td, err := ecscore.TaskDefinitions.Get(tx, sc, revisionArn(sc, fmt.Sprint("app", i%10), int32(i/10+1)))
			if err != nil {
				return err
			}
			td.Status = types.TaskDefinitionStatusInactive
			if err := putRevision(tx, sc, td); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// Each status's listing walks its own revisions once, in family then
// revision order; a family's status and its latest ACTIVE revision follow
// its revisions' statuses, whatever the others hold.
func TestTaskDefinitionListingsByStatus(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := store.Scope{Account: "000000000000", Region: "us-east-1"}
	holdRetiredRevisions(t, st, sc, 1800) // three revisions of each of 600 families
	walk := func(status types.TaskDefinitionStatus) []string {
		in := &ecs.ListTaskDefinitionsInput{Status: status, MaxResults: aws.Int32(37)}
		var arns []string
		for {
			out := listPage(t, st, sc, in)
			arns = append(arns, out.TaskDefinitionArns...)
			if out.NextToken == nil {
				return arns
			}
			in.NextToken = out.NextToken
		}
	}
	active, inactive := walk(types.TaskDefinitionStatusActive), walk(types.TaskDefinitionStatusInactive)
	if len(active) != 400 || !hasSuffix(active[0], "fam000000:3") || !hasSuffix(active[1], "fam000001:3") {
		t.Errorf("ACTIVE: %d revisions from %v", len(active), active[:min(2, len(active))])
	}
	if len(inactive) != 1400 || !hasSuffix(inactive[0], "fam000000:1") || !hasSuffix(inactive[2], "fam000001:1") || !hasSuffix(inactive[3], "fam000001:2") {
		t.Errorf("INACTIVE: %d revisions from %v", len(inactive), inactive[:min(4, len(inactive))])
	}
	if got := walk(types.TaskDefinitionStatusDeleteInProgress); len(got) != 0 {
		t.Errorf("DELETE_IN_PROGRESS: %v", got)
	}
	families := func(status types.TaskDefinitionFamilyStatus) int {
		in := &ecs.ListTaskDefinitionFamiliesInput{Status: status}
		n := 0
		for {
			out := listFamiliesPage(t, st, sc, in)
			n += len(out.Families)
			if out.NextToken == nil {
				return n
			}
			in.NextToken = out.NextToken
		}
	}
	if a, i, all := families(types.TaskDefinitionFamilyStatusActive), families(types.TaskDefinitionFamilyStatusInactive), families(types.TaskDefinitionFamilyStatusAll); a != 400 || i != 200 || all != 600 {
		t.Errorf("families: %d ACTIVE, %d INACTIVE, %d in all; want 400, 200, 600", a, i, all)
	}
	err = st.Read(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Region: sc.Region, Caller: api.RootPrincipal(sc.Account, ""), Tx: tx}
		td, err := ecscore.GetTaskDefinition(c, "fam000001")
		if err != nil || td.Revision != 3 {
			t.Errorf("latest ACTIVE revision of fam000001: %+v, %v", td, err)
		}
		if _, err := ecscore.GetTaskDefinition(c, "fam000002"); err == nil {
			t.Errorf("a retired family has a latest ACTIVE revision")
		}
		if rev, err := lastRevision(c, "fam000002"); err != nil || rev != 3 {
			t.Errorf("last revision of a retired family: %d, %v", rev, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
