package iam

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

// walkPages follows Markers through a listing, pages of size, and returns
// every name shown.
func walkPages(t *testing.T, page func(marker *string, size int32) ([]string, *string, bool)) []string {
	t.Helper()
	var all []string
	var marker *string
	for pages := 0; ; pages++ {
		names, next, truncated := page(marker, 7)
		if truncated != (next != nil) || pages > 1000 {
			t.Fatalf("page %d: truncated %v, marker %v", pages, truncated, next)
		}
		all = append(all, names...)
		if marker = next; marker == nil {
			return all
		}
	}
}

// Lists read from the store page by page show what one page of all shows,
// in creation order, and their filters select in SQL what they did in memory.
func TestListsPageFromTheMarker(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdIAM(t, st, 40)
	// Policies p...0 to p...3 in use: 0 as a policy, 1 as a boundary, 2 both; 3 used and let go.
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Caller: api.Principal{Account: benchScope.Account}, Tx: tx}
		arn := func(i int) string {
			return fmt.Sprintf("arn:aws:iam::000000000000:policy%spe%06d", []string{"/a/", "/b/"}[i%2], i)
		}
		for _, err := range []error{
			addAttachment(c, arn(0), types.EntityTypeUser, "e000000", "AIDAe000000", false),
			addAttachment(c, arn(1), types.EntityTypeUser, "e000000", "AIDAe000000", true),
			addAttachment(c, arn(2), types.EntityTypeUser, "e000001", "AIDAe000001", false),
			addAttachment(c, arn(2), types.EntityTypeRole, "e000001", "AROAe000001", true),
			addAttachment(c, arn(3), types.EntityTypeUser, "e000001", "AIDAe000001", false),
			removeAttachment(c, arn(3), types.EntityTypeUser, "e000001", false),
			addAttachment(c, awsPolicyARNPrefix+"AdministratorAccess", types.EntityTypeGroup, "ge000003", "AGPAe000003", false),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	policies := func(in iam.ListPoliciesInput) []string {
		return walkPages(t, func(marker *string, size int32) ([]string, *string, bool) {
			in.Marker, in.MaxItems = marker, aws.Int32(size)
			out := apitest.Read(t, st, benchScope, listPolicies, &in)
			var names []string
			for _, p := range out.Policies {
				names = append(names, fmt.Sprintf("%s:%d:%d", *p.PolicyName, *p.AttachmentCount, *p.PermissionsBoundaryUsageCount))
			}
			return names, out.Marker, out.IsTruncated
		})
	}
	local := policies(iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if len(local) != 41 || local[0] != "pe000000:1:0" || local[40] != "bench:40:0" {
		t.Errorf("local policies: %d %v", len(local), local)
	}
	all := policies(iam.ListPoliciesInput{})
	if len(all) != len(awsCatalogue)+41 || !slices.Equal(all[len(awsCatalogue):], local) {
		t.Errorf("all policies: %d, catalogue then local", len(all))
	}
	cases := []struct {
		in   iam.ListPoliciesInput
		want []string
	}{
		{iam.ListPoliciesInput{OnlyAttached: true}, []string{"AdministratorAccess:1:0", "pe000000:1:0", "pe000001:0:1", "pe000002:1:1", "bench:40:0"}},
		{iam.ListPoliciesInput{OnlyAttached: true, Scope: types.PolicyScopeTypeLocal, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy},
			[]string{"pe000000:1:0", "pe000002:1:1", "bench:40:0"}},
		{iam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, []string{"pe000001:0:1", "pe000002:1:1"}},
		{iam.ListPoliciesInput{OnlyAttached: true, PathPrefix: aws.String("/b/")}, []string{"pe000001:0:1"}},
	}
	for _, c := range cases {
		if got := policies(c.in); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.in, got, c.want)
		}
	}

	roles := walkPages(t, func(marker *string, size int32) ([]string, *string, bool) {
		out := apitest.Read(t, st, benchScope, listRoles, &iam.ListRolesInput{PathPrefix: aws.String("/b/"), Marker: marker, MaxItems: aws.Int32(size)})
		var names []string
		for _, r := range out.Roles {
			names = append(names, *r.RoleName)
		}
		return names, out.Marker, out.IsTruncated
	})
	if len(roles) != 20 || roles[0] != "e000001" || roles[19] != "e000039" || !slices.IsSorted(roles) {
		t.Errorf("roles under /b/: %v", roles)
	}

	members := walkPages(t, func(marker *string, size int32) ([]string, *string, bool) {
		out := apitest.Read(t, st, benchScope, getGroupOp, &iam.GetGroupInput{GroupName: aws.String("g0"), Marker: marker, MaxItems: aws.Int32(size)})
		var names []string
		for _, u := range out.Users {
			names = append(names, *u.UserName)
		}
		return names, out.Marker, out.IsTruncated
	})
	if len(members) != 40 || !slices.IsSorted(members) {
		t.Errorf("members of g0 in join order: %v", members)
	}

	details := walkPages(t, func(marker *string, size int32) ([]string, *string, bool) {
		out := apitest.Read(t, st, benchScope, getAccountAuthorizationDetails, &iam.GetAccountAuthorizationDetailsInput{Marker: marker, MaxItems: aws.Int32(size)})
		var names []string
		for _, u := range out.UserDetailList {
			names = append(names, "u:"+*u.UserName)
		}
		for _, g := range out.GroupDetailList {
			names = append(names, "g:"+*g.GroupName)
		}
		for _, r := range out.RoleDetailList {
			names = append(names, "r:"+*r.RoleName)
		}
		for _, p := range out.Policies {
			names = append(names, "p:"+*p.PolicyName)
		}
		return names, out.Marker, out.IsTruncated
	})
	// 40 users, 41 groups, 40 roles, 41 policies, then the one AWS managed policy in use.
	if len(details) != 40+41+40+41+1 || details[0] != "u:e000000" || details[40] != "g:ge000000" || details[len(details)-1] != "p:AdministratorAccess" {
		t.Errorf("authorization details: %d %v", len(details), details)
	}

	entities := walkPages(t, func(marker *string, size int32) ([]string, *string, bool) {
		out := apitest.Read(t, st, benchScope, listEntitiesForPolicy, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(benchPolicyARN),
			PathPrefix: aws.String("/a/"), EntityFilter: types.EntityTypeRole, Marker: marker, MaxItems: aws.Int32(size)})
		var names []string
		for _, r := range out.PolicyRoles {
			names = append(names, *r.RoleName)
		}
		return names, out.Marker, out.IsTruncated
	})
	if len(entities) != 20 || entities[0] != "e000000" {
		t.Errorf("roles under /a/ using the policy: %v", entities)
	}

	profiles := apitest.Read(t, st, benchScope, listInstanceProfilesForRole, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("E000007")})
	if len(profiles.InstanceProfiles) != 1 || *profiles.InstanceProfiles[0].InstanceProfileName != "ipe000007" || *profiles.InstanceProfiles[0].Roles[0].RoleName != "e000007" {
		t.Errorf("profiles of a role: %+v", profiles.InstanceProfiles)
	}
}
