package iam

import (
	"cmp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxPolicyVersions is how many versions a managed policy keeps at most.
const maxPolicyVersions = 5

func registerPolicies(s *api.Service) {
	api.Handle(s, "CreatePolicy", createPolicy)
	api.Handle(s, "GetPolicy", getPolicyOp)
	api.Handle(s, "DeletePolicy", deletePolicy)
	api.Handle(s, "ListPolicies", listPolicies)
	api.Handle(s, "CreatePolicyVersion", createPolicyVersion)
	api.Handle(s, "GetPolicyVersion", getPolicyVersion)
	api.Handle(s, "DeletePolicyVersion", deletePolicyVersion)
	api.Handle(s, "ListPolicyVersions", listPolicyVersions)
	api.Handle(s, "SetDefaultPolicyVersion", setDefaultPolicyVersion)
	api.Handle(s, "ListEntitiesForPolicy", listEntitiesForPolicy)
}

// getLocalPolicy loads a customer-managed policy the caller may change.
func getLocalPolicy(c *api.Context, arn string) (*ManagedPolicy, error) {
	p, err := GetPolicy(c, arn)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(arn, awsPolicyARNPrefix) {
		return nil, apierror.WithStatus(403, "AccessDenied", "User: %s is not authorized to perform: iam:%s on resource: policy %s",
			c.Caller.Arn, c.Operation, arn)
	}
	return p, nil
}

// policySummary is a policy as CreatePolicy and ListPolicies return it.
func policySummary(p *ManagedPolicy) types.Policy {
	out := p.Policy
	out.Description, out.Tags = nil, nil
	if out.AttachmentCount == nil {
		out.AttachmentCount = aws.Int32(0)
	}
	if out.PermissionsBoundaryUsageCount == nil {
		out.PermissionsBoundaryUsageCount = aws.Int32(0)
	}
	return out
}

func createPolicy(c *api.Context, in *iam.CreatePolicyInput) (*iam.CreatePolicyOutput, error) {
	name := aws.ToString(in.PolicyName)
	if old, err := Policies.Get(c.Tx, c.GlobalScope(), nameKey(name)); err != nil {
		return nil, err
	} else if old != nil {
		return nil, apierror.New("EntityAlreadyExists", "A policy called %s already exists. Duplicate names are not allowed.", name)
	}
	doc, err := validatePolicyDocument(aws.ToString(in.PolicyDocument), true)
	if err != nil {
		return nil, err
	}
	if err := checkNewTags(in.Tags); err != nil {
		return nil, err
	}
	path := pathOrRoot(in.Path)
	now := nowSecond(c)
	p := &ManagedPolicy{
		Policy: types.Policy{
			PolicyName: aws.String(name), Path: aws.String(path), PolicyId: aws.String(api.UniqueID("ANPA")),
			Arn: aws.String(entityARN(c.Partition(), c.Account(), "policy", path, name)), DefaultVersionId: aws.String("v1"),
			IsAttachable: true, CreateDate: now, UpdateDate: now, Description: in.Description, Tags: in.Tags,
			AttachmentCount: aws.Int32(0), PermissionsBoundaryUsageCount: aws.Int32(0),
		},
		Versions:    []types.PolicyVersion{{VersionId: aws.String("v1"), IsDefaultVersion: true, Document: aws.String(doc), CreateDate: now}},
		NextVersion: 2,
	}
	if err := PutPolicy(c, p); err != nil {
		return nil, err
	}
	out := policySummary(p)
	out.Tags = p.Tags
	return &iam.CreatePolicyOutput{Policy: &out}, nil
}

func getPolicyOp(c *api.Context, in *iam.GetPolicyInput) (*iam.GetPolicyOutput, error) {
	arn := aws.ToString(in.PolicyArn)
	p, err := GetPolicy(c, arn)
	if err != nil {
		return nil, apierror.New("NoSuchEntity", "Policy %s was not found.", arn)
	}
	out := p.Policy
	return &iam.GetPolicyOutput{Policy: &out}, nil
}

func deletePolicy(c *api.Context, in *iam.DeletePolicyInput) (*iam.DeletePolicyOutput, error) {
	p, err := getLocalPolicy(c, aws.ToString(in.PolicyArn))
	if err != nil {
		return nil, err
	}
	if aws.ToInt32(p.AttachmentCount) > 0 || aws.ToInt32(p.PermissionsBoundaryUsageCount) > 0 {
		return nil, apierror.New("DeleteConflict", "Cannot delete a policy attached to entities.")
	}
	if len(p.Versions) > 1 {
		return nil, apierror.New("DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	_, err = Policies.Delete(c.Tx, c.GlobalScope(), nameKey(*p.PolicyName))
	return &iam.DeletePolicyOutput{}, err
}

// localPolicySeq keeps customer-managed policies after the catalogue in
// ListPolicies order: a Marker is a catalogue position (its index plus one)
// or localPolicySeq plus a stored policy's position.
const localPolicySeq = int64(1) << 40

// policyUses are the policy uses (Index.Parent of customer managed
// policies, see policyUse) that an OnlyAttached listing with a
// PolicyUsageFilter shows.
func policyUses(filter types.PolicyUsageType) []string {
	switch filter {
	case types.PolicyUsageTypePermissionsPolicy:
		return []string{usePolicy, useBoth}
	case types.PolicyUsageTypePermissionsBoundary:
		return []string{useBoundary, useBoth}
	}
	return []string{usePolicy, useBoundary, useBoth}
}

// policyCounts counts a policy's uses as a policy and as a boundary.
func policyCounts(tx *store.Tx, sc store.Scope, arn string) (n, b int, err error) {
	if n, err = Attachments.Count(tx, sc, store.Query{Parent: arn, Status: attachPolicy}); err != nil {
		return 0, 0, err
	}
	b, err = Attachments.Count(tx, sc, store.Query{Parent: arn, Status: attachBoundary})
	return n, b, err
}

// policyInUse tells whether a policy is attached as a policy (n) and as a
// boundary (b), each 1 or 0: it reads one index entry of each at most,
// where policyCounts reads them all.
func policyInUse(tx *store.Tx, sc store.Scope, arn string) (n, b int, err error) {
	for i, status := range []string{attachPolicy, attachBoundary} {
		items, err := Attachments.List(tx, sc, store.Query{Parent: arn, Status: status, Limit: 1})
		if err != nil {
			return 0, 0, err
		}
		if len(items) > 0 && i == 0 {
			n = 1
		} else if len(items) > 0 {
			b = 1
		}
	}
	return n, b, nil
}

// withCounts sets a policy's attachment counts.
func withCounts(c *api.Context, p *ManagedPolicy) error {
	n, b, err := policyCounts(c.Tx, c.GlobalScope(), aws.ToString(p.Arn))
	p.AttachmentCount, p.PermissionsBoundaryUsageCount = aws.Int32(int32(n)), aws.Int32(int32(b))
	return err
}

// listPolicies pages the AWS managed catalogue (a fixed list, filtered in
// memory) and then the account's policies, read from the store after the
// Marker's position: OnlyAttached reads only attached policies through
// Index.Parent, so a page costs the same however many policies are held.
func listPolicies(c *api.Context, in *iam.ListPoliciesInput) (*iam.ListPoliciesOutput, error) {
	scope := in.Scope
	if scope == "" {
		scope = types.PolicyScopeTypeAll
	}
	var uses []string
	if in.OnlyAttached {
		uses = policyUses(in.PolicyUsageFilter)
	}
	showAWS := func(a *awsPolicy) (bool, error) {
		if !hasPathPrefix(a.Path, in.PathPrefix) {
			return false, nil
		}
		if uses == nil {
			return true, nil
		}
		n, b, err := policyInUse(c.Tx, c.GlobalScope(), a.arn())
		return slices.Contains(uses, policyUse(n, b)), err
	}
	read := func(after int64, size int) ([]store.Item[ManagedPolicy], error) {
		var out []store.Item[ManagedPolicy]
		if scope != types.PolicyScopeTypeLocal && after < localPolicySeq {
			for i := int(after); i < len(awsCatalogue) && len(out) < size; i++ {
				if ok, err := showAWS(&awsCatalogue[i]); err != nil {
					return nil, err
				} else if ok {
					out = append(out, store.Item[ManagedPolicy]{Seq: int64(i) + 1, Doc: awsCatalogue[i].policy()})
				}
			}
		}
		if scope == types.PolicyScopeTypeAws || len(out) == size {
			return out, nil
		}
		q := pathQuery(in.PathPrefix)
		q.AfterSeq, q.Limit = max(after-localPolicySeq, 0), size-len(out)
		local, err := listMerged(c.Tx, c.GlobalScope(), Policies, q, uses)
		if err != nil {
			return nil, err
		}
		for _, it := range local {
			it.Seq += localPolicySeq
			out = append(out, it)
		}
		return out, nil
	}
	page, next, err := api.PaginateFunc(iamPaging(c, "ListPolicies", in.Marker, in.MaxItems), read, nil)
	if err != nil {
		return nil, err
	}
	policies := make([]types.Policy, 0, len(page))
	for _, p := range page {
		if err := withCounts(c, p); err != nil {
			return nil, err
		}
		policies = append(policies, policySummary(p))
	}
	return &iam.ListPoliciesOutput{Policies: policies, IsTruncated: next != nil, Marker: next}, nil
}

// listMerged lists coll with q, or, given parents, the union of q with each
// of them as its Parent, in creation order and cut to q.Limit: each read
// is a page of an index, so the union costs a few pages.
func listMerged[T any](tx *store.Tx, sc store.Scope, coll store.Collection[T], q store.Query, parents []string) ([]store.Item[T], error) {
	if len(parents) == 0 {
		return coll.List(tx, sc, q)
	}
	var out []store.Item[T]
	for _, parent := range parents {
		q := q
		q.Parent = parent
		items, err := coll.List(tx, sc, q)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	slices.SortFunc(out, func(a, b store.Item[T]) int { return cmp.Compare(a.Seq, b.Seq) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func findVersion(p *ManagedPolicy, id string) (int, error) {
	for i, v := range p.Versions {
		if aws.ToString(v.VersionId) == id {
			return i, nil
		}
	}
	return -1, apierror.New("NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", aws.ToString(p.Arn), id)
}

// loadVersion loads the policy load finds by arn and the index of its version
// id: one of any policy to read it, of a customer-managed one to change it.
func loadVersion(c *api.Context, load func(*api.Context, string) (*ManagedPolicy, error), arn, id *string) (*ManagedPolicy, int, error) {
	p, err := load(c, aws.ToString(arn))
	if err != nil {
		return nil, -1, err
	}
	i, err := findVersion(p, aws.ToString(id))
	return p, i, err
}

// versionSummary is a policy version without its document.
func versionSummary(v types.PolicyVersion) types.PolicyVersion {
	v.Document = nil
	return v
}

func createPolicyVersion(c *api.Context, in *iam.CreatePolicyVersionInput) (*iam.CreatePolicyVersionOutput, error) {
	p, err := getLocalPolicy(c, aws.ToString(in.PolicyArn))
	if err != nil {
		return nil, err
	}
	if len(p.Versions) >= maxPolicyVersions {
		return nil, apierror.New("LimitExceeded", "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
	}
	doc, err := validatePolicyDocument(aws.ToString(in.PolicyDocument), true)
	if err != nil {
		return nil, err
	}
	if p.NextVersion < 2 {
		p.NextVersion = len(p.Versions) + 1
	}
	v := types.PolicyVersion{VersionId: aws.String("v" + itoa(p.NextVersion)), Document: aws.String(doc), CreateDate: nowSecond(c)}
	p.NextVersion++
	p.Versions = append(p.Versions, v)
	if in.SetAsDefault {
		makeDefault(p, len(p.Versions)-1, v)
	}
	p.UpdateDate = nowSecond(c)
	if err := PutPolicy(c, p); err != nil {
		return nil, err
	}
	out := versionSummary(p.Versions[len(p.Versions)-1])
	return &iam.CreatePolicyVersionOutput{PolicyVersion: &out}, nil
}

// makeDefault marks version i of p as the default one.
func makeDefault(p *ManagedPolicy, i int, v types.PolicyVersion) {
	for j := range p.Versions {
		p.Versions[j].IsDefaultVersion = j == i
	}
	p.DefaultVersionId = v.VersionId
}

func getPolicyVersion(c *api.Context, in *iam.GetPolicyVersionInput) (*iam.GetPolicyVersionOutput, error) {
	p, i, err := loadVersion(c, GetPolicy, in.PolicyArn, in.VersionId)
	if err != nil {
		return nil, err
	}
	v := p.Versions[i]
	v.Document = aws.String(encodeDocument(aws.ToString(v.Document)))
	return &iam.GetPolicyVersionOutput{PolicyVersion: &v}, nil
}

func deletePolicyVersion(c *api.Context, in *iam.DeletePolicyVersionInput) (*iam.DeletePolicyVersionOutput, error) {
	p, i, err := loadVersion(c, getLocalPolicy, in.PolicyArn, in.VersionId)
	if err != nil {
		return nil, err
	}
	if p.Versions[i].IsDefaultVersion {
		return nil, apierror.New("DeleteConflict", "Cannot delete the default version of a policy.")
	}
	p.Versions = append(p.Versions[:i:i], p.Versions[i+1:]...)
	return &iam.DeletePolicyVersionOutput{}, PutPolicy(c, p)
}

func listPolicyVersions(c *api.Context, in *iam.ListPolicyVersionsInput) (*iam.ListPolicyVersionsOutput, error) {
	p, err := GetPolicy(c, aws.ToString(in.PolicyArn))
	if err != nil {
		return nil, err
	}
	// Newest first, as IAM lists them.
	versions := make([]types.PolicyVersion, 0, len(p.Versions))
	for i := len(p.Versions) - 1; i >= 0; i-- {
		versions = append(versions, versionSummary(p.Versions[i]))
	}
	page, pg, err := paginateList(c, "ListPolicyVersions:"+aws.ToString(p.Arn), versions, byIndex, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListPolicyVersionsOutput{Versions: page, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
}

func setDefaultPolicyVersion(c *api.Context, in *iam.SetDefaultPolicyVersionInput) (*iam.SetDefaultPolicyVersionOutput, error) {
	p, i, err := loadVersion(c, getLocalPolicy, in.PolicyArn, in.VersionId)
	if err != nil {
		return nil, err
	}
	makeDefault(p, i, p.Versions[i])
	p.UpdateDate = nowSecond(c)
	return &iam.SetDefaultPolicyVersionOutput{}, PutPolicy(c, p)
}

func listEntitiesForPolicy(c *api.Context, in *iam.ListEntitiesForPolicyInput) (*iam.ListEntitiesForPolicyOutput, error) {
	arn := aws.ToString(in.PolicyArn)
	if _, err := findPolicy(c.Tx, c.Account(), arn); err != nil {
		return nil, err
	}
	// The policy's attachments in the order they were made, read from the
	// Marker's position; only a PathPrefix needs the entity itself.
	q := store.Query{Parent: arn, Attr: string(in.EntityFilter)}
	switch in.PolicyUsageFilter {
	case types.PolicyUsageTypePermissionsPolicy:
		q.Status = attachPolicy
	case types.PolicyUsageTypePermissionsBoundary:
		q.Status = attachBoundary
	}
	var keep func(*Attachment) bool
	var keepErr error
	if in.PathPrefix != nil {
		keep = func(a *Attachment) bool {
			path, err := entityPath(c, a)
			if err != nil {
				keepErr = err
				return false
			}
			return hasPathPrefix(path, in.PathPrefix)
		}
	}
	page, next, err := api.Paginate(c.Tx, c.GlobalScope(), Attachments, q, iamPaging(c, "ListEntitiesForPolicy:"+arn, in.Marker, in.MaxItems), keep)
	if err == nil {
		err = keepErr
	}
	if err != nil {
		return nil, err
	}
	pg := paging{Truncated: next != nil, Marker: next}
	out := &iam.ListEntitiesForPolicyOutput{PolicyUsers: []types.PolicyUser{}, PolicyGroups: []types.PolicyGroup{}, PolicyRoles: []types.PolicyRole{},
		IsTruncated: pg.Truncated, Marker: pg.Marker}
	for _, a := range page {
		name, id := aws.String(a.EntityName), aws.String(a.EntityID)
		switch a.EntityType {
		case types.EntityTypeUser:
			out.PolicyUsers = append(out.PolicyUsers, types.PolicyUser{UserName: name, UserId: id})
		case types.EntityTypeGroup:
			out.PolicyGroups = append(out.PolicyGroups, types.PolicyGroup{GroupName: name, GroupId: id})
		case types.EntityTypeRole:
			out.PolicyRoles = append(out.PolicyRoles, types.PolicyRole{RoleName: name, RoleId: id})
		}
	}
	return out, nil
}

// entityPath is the path of the user, group or role an attachment names.
func entityPath(c *api.Context, a *Attachment) (string, error) {
	switch a.EntityType {
	case types.EntityTypeUser:
		u, err := GetUser(c, a.EntityName)
		if err != nil {
			return "", err
		}
		return aws.ToString(u.Path), nil
	case types.EntityTypeGroup:
		g, err := GetGroup(c, a.EntityName)
		if err != nil {
			return "", err
		}
		return aws.ToString(g.Path), nil
	default:
		r, err := GetRole(c, a.EntityName)
		if err != nil {
			return "", err
		}
		return aws.ToString(r.Path), nil
	}
}
