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

// detailItem is one entity of GetAccountAuthorizationDetails, positioned by kind.
type detailItem struct {
	pos    int64
	user   *User
	group  *Group
	role   *Role
	policy *ManagedPolicy
}

const detailKindShift = 40

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
	var items []detailItem
	sc := c.GlobalScope()
	if all || want[types.EntityTypeUser] {
		us, err := Users.List(c.Tx, sc, store.Query{})
		if err != nil {
			return nil, err
		}
		for _, it := range us {
			items = append(items, detailItem{pos: 1<<detailKindShift + it.Seq, user: it.Doc})
		}
	}
	if all || want[types.EntityTypeGroup] {
		gs, err := Groups.List(c.Tx, sc, store.Query{})
		if err != nil {
			return nil, err
		}
		for _, it := range gs {
			items = append(items, detailItem{pos: 2<<detailKindShift + it.Seq, group: it.Doc})
		}
	}
	if all || want[types.EntityTypeRole] {
		rs, err := Roles.List(c.Tx, sc, store.Query{})
		if err != nil {
			return nil, err
		}
		for _, it := range rs {
			items = append(items, detailItem{pos: 3<<detailKindShift + it.Seq, role: it.Doc})
		}
	}
	counts, err := attachmentCounts(c)
	if err != nil {
		return nil, err
	}
	if all || want[types.EntityTypeLocalManagedPolicy] {
		ps, err := Policies.List(c.Tx, sc, store.Query{})
		if err != nil {
			return nil, err
		}
		for _, it := range ps {
			items = append(items, detailItem{pos: 4<<detailKindShift + it.Seq, policy: it.Doc})
		}
	}
	if all || want[types.EntityTypeAWSManagedPolicy] {
		// Only the AWS managed policies in use in the account are reported.
		for i, a := range awsCatalogue {
			if n := counts[a.arn()]; n[0]+n[1] > 0 {
				items = append(items, detailItem{pos: 5<<detailKindShift + int64(i), policy: a.policy()})
			}
		}
	}
	page, pg, err := paginate(c, "GetAccountAuthorizationDetails", items, func(_ int, d detailItem) int64 { return d.pos }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
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
			n := counts[aws.ToString(p.Arn)]
			versions := []types.PolicyVersion{}
			for _, v := range p.Versions {
				v.Document = aws.String(encodeDocument(aws.ToString(v.Document)))
				versions = append(versions, v)
			}
			out.Policies = append(out.Policies, types.ManagedPolicyDetail{
				Arn: p.Arn, PolicyName: p.PolicyName, PolicyId: p.PolicyId, Path: p.Path, DefaultVersionId: p.DefaultVersionId,
				Description: p.Description, IsAttachable: p.IsAttachable, CreateDate: p.CreateDate, UpdateDate: p.UpdateDate,
				AttachmentCount: aws.Int32(n[0]), PermissionsBoundaryUsageCount: aws.Int32(n[1]), PolicyVersionList: versions,
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
	counts, err := attachmentCounts(c)
	if err != nil {
		return nil, err
	}
	for _, a := range awsCatalogue {
		if n := counts[a.arn()]; n[0]+n[1] > 0 {
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
