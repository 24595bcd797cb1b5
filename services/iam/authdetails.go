package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerAccountDetails(s *api.Service) {
	api.Handle(s, "GetAccountAuthorizationDetails", getAccountAuthorizationDetails)
	api.Handle(s, "GetAccountSummary", getAccountSummary)
}

// detailItem is one entity of GetAccountAuthorizationDetails.
type detailItem struct {
	user   *User
	group  *Group
	role   *Role
	policy *ManagedPolicy
}

// A Marker of GetAccountAuthorizationDetails is the kind of the last entity
// shown, shifted by detailKindShift, plus its position within the kind (its
// store position, or its catalogue index for AWS managed policies).
const detailKindShift = 40

// The kinds in the order they are listed.
const (
	detailUsers = iota + 1
	detailGroups
	detailRoles
	detailLocalPolicies
	detailAWSPolicies
)

// detailStored reads up to n entities of a stored kind after position after.
func detailStored[T any](c *api.Context, coll store.Collection[T], kind int64, after int64, n int, item func(*T) detailItem) ([]store.Item[detailItem], error) {
	items, err := coll.List(c.Tx, c.GlobalScope(), store.Query{AfterSeq: after, Limit: n})
	if err != nil {
		return nil, err
	}
	out := make([]store.Item[detailItem], 0, len(items))
	for _, it := range items {
		d := item(it.Doc)
		out = append(out, store.Item[detailItem]{Seq: kind<<detailKindShift + it.Seq, Doc: &d})
	}
	return out, nil
}

func inlineDetails(list []InlinePolicy) []types.PolicyDetail {
	out := []types.PolicyDetail{}
	for _, p := range list {
		out = append(out, types.PolicyDetail{PolicyName: aws.String(p.Name), PolicyDocument: aws.String(encodeDocument(p.Document))})
	}
	return out
}

func attachedOrEmpty(list []types.AttachedPolicy) []types.AttachedPolicy {
	if list == nil {
		return []types.AttachedPolicy{}
	}
	return list
}

func getAccountAuthorizationDetails(c *api.Context, in *iam.GetAccountAuthorizationDetailsInput) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	want := map[types.EntityType]bool{}
	for _, f := range in.Filter {
		want[f] = true
	}
	all := len(want) == 0
	kinds := []types.EntityType{detailUsers: types.EntityTypeUser, detailGroups: types.EntityTypeGroup, detailRoles: types.EntityTypeRole,
		detailLocalPolicies: types.EntityTypeLocalManagedPolicy, detailAWSPolicies: types.EntityTypeAWSManagedPolicy}
	// Each kind is read from the Marker's position on, so a page reads only
	// itself (and the fixed AWS managed catalogue).
	read := func(after int64, n int) ([]store.Item[detailItem], error) {
		var out []store.Item[detailItem]
		at, seq := after>>detailKindShift, after&(1<<detailKindShift-1)
		for kind := max(at, detailUsers); kind <= detailAWSPolicies && len(out) < n; kind++ {
			if !all && !want[kinds[kind]] {
				continue
			}
			from := int64(0)
			if kind == at {
				from = seq
			}
			var items []store.Item[detailItem]
			var err error
			switch kind {
			case detailUsers:
				items, err = detailStored(c, Users, kind, from, n-len(out), func(u *User) detailItem { return detailItem{user: u} })
			case detailGroups:
				items, err = detailStored(c, Groups, kind, from, n-len(out), func(g *Group) detailItem { return detailItem{group: g} })
			case detailRoles:
				items, err = detailStored(c, Roles, kind, from, n-len(out), func(r *Role) detailItem { return detailItem{role: r} })
			case detailLocalPolicies:
				items, err = detailStored(c, Policies, kind, from, n-len(out), func(p *ManagedPolicy) detailItem { return detailItem{policy: p} })
			case detailAWSPolicies:
				// Only the AWS managed policies in use in the account are reported.
				i := 0
				if kind == at {
					i = int(seq) + 1
				}
				for ; i < len(awsCatalogue) && len(items) < n-len(out); i++ {
					nu, b, err := policyInUse(c.Tx, c.GlobalScope(), awsCatalogue[i].arn())
					if err != nil {
						return nil, err
					}
					if nu+b > 0 {
						items = append(items, store.Item[detailItem]{Seq: kind<<detailKindShift + int64(i), Doc: &detailItem{policy: awsCatalogue[i].policy()}})
					}
				}
			}
			if err != nil {
				return nil, err
			}
			out = append(out, items...)
		}
		return out, nil
	}
	page, next, err := api.PaginateFunc(iamPaging(c, "GetAccountAuthorizationDetails", in.Marker, in.MaxItems), read, nil)
	if err != nil {
		return nil, err
	}
	pg := paging{Truncated: next != nil, Marker: next}
	out := &iam.GetAccountAuthorizationDetailsOutput{UserDetailList: []types.UserDetail{}, GroupDetailList: []types.GroupDetail{},
		RoleDetailList: []types.RoleDetail{}, Policies: []types.ManagedPolicyDetail{}, IsTruncated: pg.Truncated, Marker: pg.Marker}
	for _, d := range page {
		switch {
		case d.user != nil:
			u := d.user
			groups := u.Groups
			if groups == nil {
				groups = []string{}
			}
			out.UserDetailList = append(out.UserDetailList, types.UserDetail{
				Arn: u.Arn, CreateDate: u.CreateDate, Path: u.Path, UserId: u.UserId, UserName: u.UserName,
				PermissionsBoundary: u.PermissionsBoundary, Tags: u.Tags, GroupList: groups,
				AttachedManagedPolicies: attachedOrEmpty(u.AttachedPolicies), UserPolicyList: inlineDetails(u.InlinePolicies),
			})
		case d.group != nil:
			g := d.group
			out.GroupDetailList = append(out.GroupDetailList, types.GroupDetail{
				Arn: g.Arn, CreateDate: g.CreateDate, Path: g.Path, GroupId: g.GroupId, GroupName: g.GroupName,
				AttachedManagedPolicies: attachedOrEmpty(g.AttachedPolicies), GroupPolicyList: inlineDetails(g.InlinePolicies),
			})
		case d.role != nil:
			detail, err := roleDetail(c, d.role)
			if err != nil {
				return nil, err
			}
			out.RoleDetailList = append(out.RoleDetailList, detail)
		case d.policy != nil:
			p := d.policy
			if err := withCounts(c, p); err != nil {
				return nil, err
			}
			versions := []types.PolicyVersion{}
			for _, v := range p.Versions {
				v.Document = aws.String(encodeDocument(aws.ToString(v.Document)))
				versions = append(versions, v)
			}
			out.Policies = append(out.Policies, types.ManagedPolicyDetail{
				Arn: p.Arn, PolicyName: p.PolicyName, PolicyId: p.PolicyId, Path: p.Path, DefaultVersionId: p.DefaultVersionId,
				Description: p.Description, IsAttachable: p.IsAttachable, CreateDate: p.CreateDate, UpdateDate: p.UpdateDate,
				AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount, PolicyVersionList: versions,
			})
		}
	}
	return out, nil
}

func roleDetail(c *api.Context, r *Role) (types.RoleDetail, error) {
	doc := roleDocument(r)
	profiles, err := instanceProfilesForRole(c, *r.RoleName)
	if err != nil {
		return types.RoleDetail{}, err
	}
	ipl := []types.InstanceProfile{}
	for _, it := range profiles {
		p, err := profileDocument(c, it.Doc, false)
		if err != nil {
			return types.RoleDetail{}, err
		}
		ipl = append(ipl, p)
	}
	return types.RoleDetail{
		Arn: doc.Arn, CreateDate: doc.CreateDate, Path: doc.Path, RoleId: doc.RoleId, RoleName: doc.RoleName,
		AssumeRolePolicyDocument: doc.AssumeRolePolicyDocument, PermissionsBoundary: doc.PermissionsBoundary,
		RoleLastUsed: doc.RoleLastUsed, Tags: doc.Tags, InstanceProfileList: ipl,
		AttachedManagedPolicies: attachedOrEmpty(r.AttachedPolicies), RolePolicyList: inlineDetails(r.InlinePolicies),
	}, nil
}

// accountQuotas are IAM's default quotas as GetAccountSummary reports them.
var accountQuotas = map[string]int32{
	"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500, "InstanceProfilesQuota": 1000,
	"ServerCertificatesQuota": 20, "GroupsPerUserQuota": maxGroupsPerUser, "AccessKeysPerUserQuota": maxAccessKeysPerUser,
	"SigningCertificatesPerUserQuota": 2, "UserPolicySizeQuota": maxInlineUser, "GroupPolicySizeQuota": maxInlineGroup,
	"RolePolicySizeQuota": maxInlineRole, "PolicySizeQuota": 6144, "AssumeRolePolicySizeQuota": 2048,
	"AttachedPoliciesPerUserQuota": maxAttachedPolicies, "AttachedPoliciesPerGroupQuota": maxAttachedPolicies,
	"AttachedPoliciesPerRoleQuota": maxAttachedPolicies, "VersionsPerPolicyQuota": maxPolicyVersions,
	"PolicyVersionsInUseQuota": 10000, "MFADevices": 0, "MFADevicesInUse": 0, "ServerCertificates": 0, "Providers": 0,
	"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "AccountPasswordPresent": 0, "AccountSigningCertificatesPresent": 0, "GlobalEndpointTokenVersion": 1,
}

func getAccountSummary(c *api.Context, _ *iam.GetAccountSummaryInput) (*iam.GetAccountSummaryOutput, error) {
	m := map[string]int32{}
	for k, v := range accountQuotas {
		m[k] = v
	}
	sc := c.GlobalScope()
	for key, n := range map[string]func() (int, error){
		"Users":            func() (int, error) { return Users.Count(c.Tx, sc, store.Query{}) },
		"Groups":           func() (int, error) { return Groups.Count(c.Tx, sc, store.Query{}) },
		"Roles":            func() (int, error) { return Roles.Count(c.Tx, sc, store.Query{}) },
		"Policies":         func() (int, error) { return Policies.Count(c.Tx, sc, store.Query{}) },
		"InstanceProfiles": func() (int, error) { return InstanceProfiles.Count(c.Tx, sc, store.Query{}) },
	} {
		v, err := n()
		if err != nil {
			return nil, err
		}
		m[key] = int32(v)
	}
	// Versions in use: every version of the account's policies, and the
	// default version of each AWS managed policy attached in it.
	ps, err := Policies.List(c.Tx, sc, store.Query{})
	if err != nil {
		return nil, err
	}
	inUse := 0
	for _, it := range ps {
		inUse += len(it.Doc.Versions)
	}
	for _, a := range awsCatalogue {
		n, b, err := policyInUse(c.Tx, sc, a.arn())
		if err != nil {
			return nil, err
		}
		if n+b > 0 {
			inUse++
		}
	}
	m["PolicyVersionsInUse"] = int32(inUse)
	for _, counter := range summaryCounters() {
		extra, err := counter(c)
		if err != nil {
			return nil, err
		}
		for k, v := range extra {
			m[k] = v
		}
	}
	return &iam.GetAccountSummaryOutput{SummaryMap: m}, nil
}
