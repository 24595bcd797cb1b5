package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// A page of one parent's documents reads that parent's rows in creation order
// through an index, whatever the kind holds under other parents: no scan of
// the kind and no sort of all its rows.
func TestListPlansReadOnlyThePage(t *testing.T) {
	s := openFor(t, "")
	ctx := context.Background()
	cases := map[string]Query{
		"whole kind":         {AfterSeq: 10, Limit: 101},
		"one parent":         {Parent: "small", AfterSeq: 10, Limit: 101},
		"parent, status":     {Parent: "small", Status: "ACTIVE", Limit: 101},
		"one parent desc":    {Parent: "small", Desc: true, AfterSeq: 1 << 40, Limit: 101},
		"attr":               {Attr: "x", Limit: 101},
		"name":               {Name: "n", Limit: 101},
		"name, status, desc": {Name: "n", Status: "ACTIVE", Desc: true, Limit: 1},
		"by attr":            {ByAttr: true, Limit: 101},
		"by attr, prefix":    {ByAttr: true, AttrPrefix: "web ", AttrAfter: "web 1", Desc: true, Limit: 101},
		// One value's chunk of a filter with several (api.PaginateAny):
		// Application Auto Scaling's names, Cloud Map's types and names,
		// IAM's delegation requests by party.
		"parent, status, after": {Parent: "ecs", Status: "scale-out", AfterSeq: 10, Limit: 101},
		"attr, after":           {Attr: "HTTP", AfterSeq: 10, Limit: 101},
		"name, after":           {Name: "111111111111", AfterSeq: 10, Limit: 101},
		// ECS's latest active revision of a family.
		"by attr, prefix, status, desc": {ByAttr: true, AttrPrefix: "web ", Status: "ACTIVE", Desc: true, Limit: 1},
	}
	// The indexes on parent, name and attr hold non-empty values alone
	// (0017): a query that filters or orders on them must still use them.
	wantIndex := map[string]string{
		"one parent": "resources_parent_seq", "parent, status": "resources_parent", "one parent desc": "resources_parent_seq",
		"attr": "resources_attr", "name": "resources_name", "name, status, desc": "resources_name",
		"parent, status, after": "resources_parent", "attr, after": "resources_attr", "name, after": "resources_name",
		"by attr": "resources_attr", "by attr, prefix": "resources_attr", "by attr, prefix, status, desc": "resources_attr",
	}
	err := s.Read(ctx, func(tx *Tx) error {
		for name, q := range cases {
			query, args := counters.listQuery(sc, q)
			plan, err := queryPlan(tx, query, args...)
			if err != nil {
				return err
			}
			got := strings.Join(plan, "; ")
			if !strings.Contains(got, "USING INDEX") || strings.Contains(got, "TEMP B-TREE") {
				t.Errorf("%s: plan %q reads more than the page", name, got)
			}
			if ix := wantIndex[name]; ix != "" && !strings.Contains(got, "INDEX "+ix+" ") {
				t.Errorf("%s: plan %q does not use %s", name, got, ix)
			}
			if q.Parent != "" && !strings.Contains(got, "parent=?") {
				t.Errorf("%s: plan %q does not seek the parent", name, got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Counting one parent's documents by status reads that parent's index
// entries alone.
func TestCountByStatusPlanSeeksTheParent(t *testing.T) {
	s := openFor(t, "")
	err := s.Read(context.Background(), func(tx *Tx) error {
		query, args := counters.countByStatusQuery(sc, Query{Parent: "p"})
		plan, err := queryPlan(tx, query, args...)
		if err != nil {
			return err
		}
		detail := plan[0]
		if !strings.Contains(detail, "COVERING INDEX") || !strings.Contains(detail, "parent=?") {
			t.Errorf("plan %q does not read the parent's index entries alone", detail)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Counting a family's revisions of one status (ECS's family listing) reads
// the family's entries of the attr index alone, not the whole kind.
func TestCountByAttrPrefixPlanSeeksThePrefix(t *testing.T) {
	s := openFor(t, "")
	err := s.Read(context.Background(), func(tx *Tx) error {
		var sb strings.Builder
		sb.WriteString("SELECT count(*) FROM resources WHERE ")
		args := counters.filter(&sb, sc, Query{AttrPrefix: "web ", Status: "ACTIVE"})
		plan, err := queryPlan(tx, sb.String(), args...)
		if err != nil {
			return err
		}
		detail := plan[0]
		if !strings.Contains(detail, "INDEX resources_attr ") || !strings.Contains(detail, "attr>?") {
			t.Errorf("plan %q does not seek the prefix through resources_attr", detail)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// queryPlan is SQLite's plan of query, a step per line of EXPLAIN QUERY PLAN;
// it always has one.
func queryPlan(tx *Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(plan) == 0 {
		return nil, fmt.Errorf("no plan for %s", query)
	}
	return plan, nil
}
