package iam

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

var benchScope = store.Scope{Account: "000000000000"}

// benchPolicyARN is the customer managed policy every held entity uses.
const benchPolicyARN = "arn:aws:iam::000000000000:policy/bench"

// holdIAM stores n each of users, groups, roles, customer managed policies
// and instance profiles through the package's own writers, with paths that
// alternate (/a/, /b/), every user in group g0, every role attached to
// benchPolicyARN and every instance profile holding its role.
func holdIAM(tb testing.TB, st *store.Store, n int) { holdKinds(tb, st, n, ^0) }

// What holdKinds stores of each entity, so that a benchmark holds n of its
// own kind without waiting for the others.
const (
	holdUsers = 1 << iota
	holdGroups
	holdRoles
	holdPolicies
	holdProfiles
	holdMFA
)

func holdKinds(tb testing.TB, st *store.Store, n int, kinds int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Caller: api.Principal{Account: benchScope.Account}, Tx: tx}
		bench := &ManagedPolicy{Policy: types.Policy{PolicyName: aws.String("bench"), Path: aws.String("/"), Arn: aws.String(benchPolicyARN),
			PolicyId: aws.String("ANPABENCH"), DefaultVersionId: aws.String("v1"), IsAttachable: true}}
		g0 := &Group{Group: types.Group{GroupName: aws.String("g0"), Path: aws.String("/"), GroupId: aws.String("AGPA0"), Arn: aws.String("arn:aws:iam::000000000000:group/g0")}}
		for i := 0; i < n; i++ {
			path := []string{"/a/", "/b/"}[i%2]
			name := fmt.Sprintf("e%06d", i)
			u := &User{User: types.User{UserName: aws.String(name), Path: aws.String(path), UserId: aws.String("AIDA" + name),
				Arn: aws.String("arn:aws:iam::000000000000:user" + path + name)}, Groups: []string{"g0"}}
			g := &Group{Group: types.Group{GroupName: aws.String("g" + name), Path: aws.String(path), GroupId: aws.String("AGPA" + name),
				Arn: aws.String("arn:aws:iam::000000000000:group" + path + "g" + name)}}
			r := &Role{Role: types.Role{RoleName: aws.String(name), Path: aws.String(path), RoleId: aws.String("AROA" + name),
				Arn: aws.String("arn:aws:iam::000000000000:role" + path + name), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)},
				AttachedPolicies: []types.AttachedPolicy{{PolicyArn: aws.String(benchPolicyARN), PolicyName: aws.String("bench")}}}
			p := &ManagedPolicy{Policy: types.Policy{PolicyName: aws.String("p" + name), Path: aws.String(path), PolicyId: aws.String("ANPA" + name),
				Arn: aws.String("arn:aws:iam::000000000000:policy" + path + "p" + name), DefaultVersionId: aws.String("v1"), IsAttachable: true},
				Versions: []types.PolicyVersion{{VersionId: aws.String("v1"), IsDefaultVersion: true, Document: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}}}
			ip := &InstanceProfile{InstanceProfile: types.InstanceProfile{InstanceProfileName: aws.String("ip" + name), Path: aws.String(path),
				InstanceProfileId: aws.String("AIPA" + name), Arn: aws.String("arn:aws:iam::000000000000:instance-profile" + path + "ip" + name)},
				RoleNames: []string{name}}
			for _, put := range []struct {
				kind int
				put  func() error
			}{
				{holdUsers, func() error { return PutUser(c, u) }},
				{holdUsers, func() error { return putMember(c, g0, u) }},
				{holdGroups, func() error { return PutGroup(c, g) }},
				{holdRoles, func() error { return PutRole(c, r) }},
				{holdRoles, func() error { return addAttachment(c, benchPolicyARN, types.EntityTypeRole, name, *r.RoleId, false) }},
				{holdPolicies, func() error { return PutPolicy(c, p) }},
				{holdProfiles, func() error { return PutInstanceProfile(c, ip) }},
				{holdMFA, func() error {
					return putMFADevice(c, &MFADevice{SerialNumber: "arn:aws:iam::000000000000:mfa/" + name, Name: name, Path: "/"})
				}},
			} {
				if kinds&put.kind == 0 {
					continue
				}
				if err := put.put(); err != nil {
					return err
				}
			}
		}
		// The policy last: attaching to a stored policy counts its uses.
		if err := PutPolicy(c, bench); err != nil {
			return err
		}
		return PutGroup(c, g0)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// iamCase is a listing's third page of 100 with n of kinds held.
func iamCase[In, Out any](name string, kinds int, fn func(*api.Context, *In) (*Out, error), in func(marker *string) *In, read func(*Out) (int, *string)) apitest.PageCase {
	return apitest.PageCase{Name: name, Want: 100,
		Hold: func(tb testing.TB, st *store.Store, n int) { holdKinds(tb, st, n, kinds) },
		Page: func(tb testing.TB, st *store.Store, token *string) (int, *string) {
			return read(apitest.Read(tb, st, benchScope, fn, in(token)))
		}}
}

// BenchmarkPages times each listing's third page with 1k and 65k held; the
// two must cost about the same:
//
//	go test ./services/iam -run '^$' -bench Pages
//
// (LONGSHORE_PAGE_RATIO=41 times the two in turns and reports their ratio.)
func BenchmarkPages(b *testing.B) {
	for _, p := range pageCases() {
		b.Run(p.Name, p.Bench)
	}
}

func pageCases() []apitest.PageCase {
	return []apitest.PageCase{
		iamCase("ListRoles", holdRoles, listRoles, func(m *string) *iam.ListRolesInput { return &iam.ListRolesInput{Marker: m, MaxItems: hundred} },
			func(o *iam.ListRolesOutput) (int, *string) { return len(o.Roles), o.Marker }),
		iamCase("ListRolesPathPrefix", holdRoles, listRoles, func(m *string) *iam.ListRolesInput {
			return &iam.ListRolesInput{Marker: m, MaxItems: hundred, PathPrefix: aws.String("/b/")}
		}, func(o *iam.ListRolesOutput) (int, *string) { return len(o.Roles), o.Marker }),
		iamCase("ListUsers", holdUsers, listUsers, func(m *string) *iam.ListUsersInput { return &iam.ListUsersInput{Marker: m, MaxItems: hundred} },
			func(o *iam.ListUsersOutput) (int, *string) { return len(o.Users), o.Marker }),
		iamCase("ListGroups", holdGroups, listGroups, func(m *string) *iam.ListGroupsInput { return &iam.ListGroupsInput{Marker: m, MaxItems: hundred} },
			func(o *iam.ListGroupsOutput) (int, *string) { return len(o.Groups), o.Marker }),
		iamCase("ListPoliciesLocal", holdPolicies, listPolicies, func(m *string) *iam.ListPoliciesInput {
			return &iam.ListPoliciesInput{Marker: m, MaxItems: hundred, Scope: types.PolicyScopeTypeLocal}
		}, func(o *iam.ListPoliciesOutput) (int, *string) { return len(o.Policies), o.Marker }),
		iamCase("ListPoliciesAll", holdPolicies, listPolicies, func(m *string) *iam.ListPoliciesInput { return &iam.ListPoliciesInput{Marker: m, MaxItems: hundred} },
			func(o *iam.ListPoliciesOutput) (int, *string) { return len(o.Policies), o.Marker }),
		iamCase("ListInstanceProfiles", holdProfiles|holdRoles, listInstanceProfiles, func(m *string) *iam.ListInstanceProfilesInput {
			return &iam.ListInstanceProfilesInput{Marker: m, MaxItems: hundred}
		}, func(o *iam.ListInstanceProfilesOutput) (int, *string) { return len(o.InstanceProfiles), o.Marker }),
		iamCase("GetGroup", holdUsers, getGroupOp, func(m *string) *iam.GetGroupInput {
			return &iam.GetGroupInput{GroupName: aws.String("g0"), Marker: m, MaxItems: hundred}
		}, func(o *iam.GetGroupOutput) (int, *string) { return len(o.Users), o.Marker }),
		iamCase("ListEntitiesForPolicy", holdRoles, listEntitiesForPolicy, func(m *string) *iam.ListEntitiesForPolicyInput {
			return &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(benchPolicyARN), Marker: m, MaxItems: hundred}
		}, func(o *iam.ListEntitiesForPolicyOutput) (int, *string) { return len(o.PolicyRoles), o.Marker }),
		iamCase("GetAccountAuthorizationDetails", holdUsers|holdGroups|holdRoles|holdPolicies, getAccountAuthorizationDetails, func(m *string) *iam.GetAccountAuthorizationDetailsInput {
			return &iam.GetAccountAuthorizationDetailsInput{Marker: m, MaxItems: hundred}
		}, func(o *iam.GetAccountAuthorizationDetailsOutput) (int, *string) {
			return len(o.UserDetailList) + len(o.GroupDetailList) + len(o.RoleDetailList) + len(o.Policies), o.Marker
		}),
		iamCase("ListVirtualMFADevices", holdMFA, listVirtualMFADevices, func(m *string) *iam.ListVirtualMFADevicesInput {
			return &iam.ListVirtualMFADevicesInput{Marker: m, MaxItems: hundred}
		}, func(o *iam.ListVirtualMFADevicesOutput) (int, *string) { return len(o.VirtualMFADevices), o.Marker }),
	}
}

var hundred = aws.Int32(100)

// BenchmarkListInstanceProfilesForRole times the one profile of a role with
// 1k and 65k instance profiles held.
func BenchmarkListInstanceProfilesForRole(b *testing.B) {
	hold := func(tb testing.TB, st *store.Store, n int) { holdKinds(tb, st, n, holdProfiles|holdRoles) }
	apitest.BenchHeld(b, hold, func(b *testing.B, st *store.Store) {
		in := &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("e000500")}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if out := apitest.Read(b, st, benchScope, listInstanceProfilesForRole, in); len(out.InstanceProfiles) != 1 {
				b.Fatalf("%d profiles", len(out.InstanceProfiles))
			}
		}
	})
}

// delegationAccount is the account whose delegation requests the
// ListDelegationRequests benchmark pages.
const delegationAccount = "111111111111"

// holdDelegations stores n delegation requests through putDelegation: 1000
// of them, spread among the others, of delegationAccount, in turn as the
// requestor and as the owner that associated them; the rest between other
// accounts, some of them owned by delegationAccount but not associated.
func holdDelegations(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			d := &Delegation{RequestorWorkflowID: fmt.Sprint("wf", i)}
			d.DelegationRequestId = aws.String(fmt.Sprintf("dr-%06d", i))
			d.RequestorId, d.OwnerAccountId, d.State = aws.String("222222222222"), aws.String("333333333333"), types.StateTypeUnassigned
			switch k := n / 1000; {
			case i%k == 0 && i/k%2 == 0:
				d.RequestorId = aws.String(delegationAccount)
			case i%k == 0:
				d.OwnerAccountId, d.OwnerId, d.State = aws.String(delegationAccount), aws.String("arn:aws:iam::"+delegationAccount+":user/o"), types.StateTypeAssigned
			case i%2 == 0:
				d.OwnerAccountId = aws.String(delegationAccount)
			}
			if err := putDelegation(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkListDelegationRequestsPage reads the third 100-request page of
// an account's 1000 with 1k and 65k held:
//
//	go test ./services/iam -run '^$' -bench 'ListDelegationRequestsPage'
func BenchmarkListDelegationRequestsPage(b *testing.B) {
	apitest.BenchThirdPage(b, holdDelegations, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, store.Scope{Account: delegationAccount}, listDelegationRequests, &iam.ListDelegationRequestsInput{Marker: token})
		return len(out.DelegationRequests), out.Marker
	}, 100)
}
