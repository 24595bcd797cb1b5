package iam

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// accessJob is a service-last-accessed or organizations access report job.
// Longshore computes reports at once, so a job is complete when it is created.
type accessJob struct {
	ID          string
	Kind        string
	Entity      string // the ARN (or organizations entity path) reported on
	Granularity types.AccessAdvisorUsageGranularityType
	Created     time.Time
	Completed   time.Time
	Status      types.JobStatusType
	Error       *types.ErrorDetails `json:",omitempty"`
	Services    []types.ServiceLastAccessed
}

const (
	lastAccessedJob = "service-last-accessed"
	orgsAccessJob   = "organizations-access"
)

var accessJobs = store.Collection[accessJob]{Kind: "iam/access-report-job"}

func putAccessJob(c *api.Context, j *accessJob) error {
	return accessJobs.Put(c.Tx, c.GlobalScope(), j.ID, store.Index{Status: j.Kind}, j)
}

func loadAccessJob(c *api.Context, id, kind string) (*accessJob, error) {
	j, err := accessJobs.Get(c.Tx, c.GlobalScope(), id)
	if err != nil {
		return nil, err
	}
	if j == nil || j.Kind != kind {
		return nil, apierror.New("NoSuchEntity", "The job with id %s cannot be found.", id)
	}
	return j, nil
}

func registerLastAccessed(s *api.Service) {
	api.Handle(s, "GenerateServiceLastAccessedDetails", generateServiceLastAccessedDetails)
	api.Handle(s, "GetServiceLastAccessedDetails", getServiceLastAccessedDetails)
	api.Handle(s, "GetServiceLastAccessedDetailsWithEntities", getServiceLastAccessedDetailsWithEntities)
	api.Handle(s, "ListPoliciesGrantingServiceAccess", listPoliciesGrantingServiceAccess)
}

// grantingPolicy is one policy that applies to an entity, with where it comes from.
type grantingPolicy struct {
	Name       string
	Arn        string // managed policies only
	Type       types.PolicyType
	EntityType types.PolicyOwnerEntityType // inline policies only
	EntityName string
	Document   string
}

// reportEntity is a user, group, role or managed policy named by ARN.
type reportEntity struct {
	Kind     string // user, group, role or policy
	Info     types.EntityInfo
	Policies []grantingPolicy
	// Members are the entities that can use the entity's permissions (users of a
	// group, attachments of a policy; the entity itself for users and roles).
	Members []types.EntityInfo
}

func invalidARN(arn string) error { return apierror.New("InvalidInput", "ARN %s is not valid.", arn) }

// loadReportEntity resolves an ARN of a user, group, role or managed policy.
func loadReportEntity(c *api.Context, arn string) (*reportEntity, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" {
		return nil, invalidARN(arn)
	}
	kind, rest, ok := strings.Cut(parts[5], "/")
	if !ok || rest == "" {
		return nil, invalidARN(arn)
	}
	name := rest[strings.LastIndex(rest, "/")+1:]
	e := &reportEntity{Kind: kind}
	notFound := apierror.New("NoSuchEntity", "The entity %s cannot be found.", arn)
	managed := func(list []types.AttachedPolicy) error {
		for _, a := range list {
			p, err := GetPolicy(c, aws.ToString(a.PolicyArn))
			if err != nil {
				return err
			}
			e.Policies = append(e.Policies, grantingPolicy{Name: aws.ToString(p.PolicyName), Arn: aws.ToString(p.Arn),
				Type: types.PolicyTypeManaged, Document: p.defaultDocument()})
		}
		return nil
	}
	inline := func(list []InlinePolicy, t types.PolicyOwnerEntityType, owner string) {
		for _, ip := range list {
			e.Policies = append(e.Policies, grantingPolicy{Name: ip.Name, Type: types.PolicyTypeInline, EntityType: t, EntityName: owner, Document: ip.Document})
		}
	}
	switch kind {
	case "user":
		if parts[4] != c.Account() {
			return nil, notFound
		}
		u, err := GetUser(c, name)
		if err != nil || aws.ToString(u.Arn) != arn {
			return nil, notFound
		}
		e.Info = types.EntityInfo{Arn: u.Arn, Id: u.UserId, Name: u.UserName, Path: u.Path, Type: types.PolicyOwnerEntityTypeUser}
		inline(u.InlinePolicies, types.PolicyOwnerEntityTypeUser, name)
		if err := managed(u.AttachedPolicies); err != nil {
			return nil, err
		}
		for _, gn := range u.Groups {
			g, err := GetGroup(c, gn)
			if err != nil {
				return nil, err
			}
			inline(g.InlinePolicies, types.PolicyOwnerEntityTypeGroup, aws.ToString(g.GroupName))
			if err := managed(g.AttachedPolicies); err != nil {
				return nil, err
			}
		}
		e.Members = []types.EntityInfo{e.Info}
	case "role":
		if parts[4] != c.Account() {
			return nil, notFound
		}
		r, err := GetRole(c, name)
		if err != nil || aws.ToString(r.Arn) != arn {
			return nil, notFound
		}
		e.Info = types.EntityInfo{Arn: r.Arn, Id: r.RoleId, Name: r.RoleName, Path: r.Path, Type: types.PolicyOwnerEntityTypeRole}
		inline(r.InlinePolicies, types.PolicyOwnerEntityTypeRole, name)
		if err := managed(r.AttachedPolicies); err != nil {
			return nil, err
		}
		e.Members = []types.EntityInfo{e.Info}
	case "group":
		if parts[4] != c.Account() {
			return nil, notFound
		}
		g, err := GetGroup(c, name)
		if err != nil || aws.ToString(g.Arn) != arn {
			return nil, notFound
		}
		e.Info = types.EntityInfo{Arn: g.Arn, Id: g.GroupId, Name: g.GroupName, Path: g.Path, Type: types.PolicyOwnerEntityTypeGroup}
		inline(g.InlinePolicies, types.PolicyOwnerEntityTypeGroup, name)
		if err := managed(g.AttachedPolicies); err != nil {
			return nil, err
		}
		members, err := groupMembers(c, g)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			u, err := GetUser(c, m)
			if err != nil {
				return nil, err
			}
			e.Members = append(e.Members, types.EntityInfo{Arn: u.Arn, Id: u.UserId, Name: u.UserName, Path: u.Path, Type: types.PolicyOwnerEntityTypeUser})
		}
	case "policy":
		p, err := GetPolicy(c, arn)
		if err != nil {
			return nil, err
		}
		e.Info = types.EntityInfo{Arn: p.Arn, Id: p.PolicyId, Name: p.PolicyName, Path: p.Path}
		e.Policies = []grantingPolicy{{Name: aws.ToString(p.PolicyName), Arn: arn, Type: types.PolicyTypeManaged, Document: p.defaultDocument()}}
		if e.Members, err = policyMembers(c, arn); err != nil {
			return nil, err
		}
	default:
		return nil, invalidARN(arn)
	}
	return e, nil
}

// policyMembers lists the users, groups and roles a managed policy is attached to.
func policyMembers(c *api.Context, arn string) ([]types.EntityInfo, error) {
	items, err := Attachments.List(c.Tx, c.GlobalScope(), store.Query{Parent: arn, Status: attachPolicy})
	if err != nil {
		return nil, err
	}
	var out []types.EntityInfo
	for _, it := range items {
		a := it.Doc
		var info types.EntityInfo
		switch a.EntityType {
		case types.EntityTypeUser:
			u, err := GetUser(c, a.EntityName)
			if err != nil {
				continue
			}
			info = types.EntityInfo{Arn: u.Arn, Id: u.UserId, Name: u.UserName, Path: u.Path, Type: types.PolicyOwnerEntityTypeUser}
		case types.EntityTypeRole:
			r, err := GetRole(c, a.EntityName)
			if err != nil {
				continue
			}
			info = types.EntityInfo{Arn: r.Arn, Id: r.RoleId, Name: r.RoleName, Path: r.Path, Type: types.PolicyOwnerEntityTypeRole}
		case types.EntityTypeGroup:
			g, err := GetGroup(c, a.EntityName)
			if err != nil {
				continue
			}
			info = types.EntityInfo{Arn: g.Arn, Id: g.GroupId, Name: g.GroupName, Path: g.Path, Type: types.PolicyOwnerEntityTypeGroup}
		default:
			continue
		}
		out = append(out, info)
	}
	return out, nil
}

func generateServiceLastAccessedDetails(c *api.Context, in *iam.GenerateServiceLastAccessedDetailsInput) (*iam.GenerateServiceLastAccessedDetailsOutput, error) {
	arn := aws.ToString(in.Arn)
	e, err := loadReportEntity(c, arn)
	if err != nil {
		return nil, err
	}
	granularity := in.Granularity
	if granularity == "" {
		granularity = types.AccessAdvisorUsageGranularityTypeServiceLevel
	}
	now := c.Now().UTC().Truncate(time.Second)
	job := &accessJob{ID: api.UUID(), Kind: lastAccessedJob, Entity: arn, Granularity: granularity, Created: now, Completed: now,
		Status: types.JobStatusTypeCompleted}
	namespaces := map[string]bool{}
	for _, p := range e.Policies {
		for _, ns := range grantedNamespaces(p.Document) {
			namespaces[ns] = true
		}
	}
	for _, ns := range sortedKeys(namespaces) {
		job.Services = append(job.Services, types.ServiceLastAccessed{ServiceName: aws.String(serviceDisplayName(ns)),
			ServiceNamespace: aws.String(ns), TotalAuthenticatedEntities: aws.Int32(0)})
	}
	if err := putAccessJob(c, job); err != nil {
		return nil, err
	}
	return &iam.GenerateServiceLastAccessedDetailsOutput{JobId: aws.String(job.ID)}, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func getServiceLastAccessedDetails(c *api.Context, in *iam.GetServiceLastAccessedDetailsInput) (*iam.GetServiceLastAccessedDetailsOutput, error) {
	job, err := loadAccessJob(c, aws.ToString(in.JobId), lastAccessedJob)
	if err != nil {
		return nil, err
	}
	services := job.Services
	if services == nil {
		services = []types.ServiceLastAccessed{}
	}
	page, next, truncated, err := pageByMarker("iam:GetServiceLastAccessedDetails:"+job.ID, services, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.GetServiceLastAccessedDetailsOutput{JobStatus: job.Status, JobType: job.Granularity, JobCreationDate: aws.Time(job.Created),
		JobCompletionDate: aws.Time(job.Completed), ServicesLastAccessed: page, Marker: next, IsTruncated: truncated}, nil
}

func getServiceLastAccessedDetailsWithEntities(c *api.Context, in *iam.GetServiceLastAccessedDetailsWithEntitiesInput) (*iam.GetServiceLastAccessedDetailsWithEntitiesOutput, error) {
	job, err := loadAccessJob(c, aws.ToString(in.JobId), lastAccessedJob)
	if err != nil {
		return nil, err
	}
	ns := aws.ToString(in.ServiceNamespace)
	details := []types.EntityDetails{}
	if slices.ContainsFunc(job.Services, func(s types.ServiceLastAccessed) bool { return aws.ToString(s.ServiceNamespace) == ns }) {
		e, err := loadReportEntity(c, job.Entity)
		if err != nil {
			return nil, err
		}
		for _, m := range e.Members {
			details = append(details, types.EntityDetails{EntityInfo: &m})
		}
	}
	page, next, truncated, err := pageByMarker("iam:GetServiceLastAccessedDetailsWithEntities:"+job.ID+":"+ns, details, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.GetServiceLastAccessedDetailsWithEntitiesOutput{JobStatus: job.Status, JobCreationDate: aws.Time(job.Created),
		JobCompletionDate: aws.Time(job.Completed), EntityDetailsList: page, Marker: next, IsTruncated: truncated}, nil
}

func listPoliciesGrantingServiceAccess(c *api.Context, in *iam.ListPoliciesGrantingServiceAccessInput) (*iam.ListPoliciesGrantingServiceAccessOutput, error) {
	arn := aws.ToString(in.Arn)
	e, err := loadReportEntity(c, arn)
	if err != nil {
		return nil, err
	}
	if e.Kind == "policy" {
		return nil, apierror.New("InvalidInput", "ARN %s is not the ARN of a user, group or role.", arn)
	}
	entries := []types.ListPoliciesGrantingServiceAccessEntry{}
	for _, ns := range in.ServiceNamespaces {
		entry := types.ListPoliciesGrantingServiceAccessEntry{ServiceNamespace: aws.String(ns), Policies: []types.PolicyGrantingServiceAccess{}}
		for _, p := range e.Policies {
			if !slices.Contains(grantedNamespaces(p.Document), ns) {
				continue
			}
			g := types.PolicyGrantingServiceAccess{PolicyName: aws.String(p.Name), PolicyType: p.Type}
			if p.Arn != "" {
				g.PolicyArn = aws.String(p.Arn)
			} else {
				g.EntityType, g.EntityName = p.EntityType, aws.String(p.EntityName)
			}
			entry.Policies = append(entry.Policies, g)
		}
		entries = append(entries, entry)
	}
	page, next, truncated, err := pageByMarker("iam:ListPoliciesGrantingServiceAccess:"+arn+":"+strings.Join(in.ServiceNamespaces, ","), entries, in.Marker, nil)
	if err != nil {
		return nil, err
	}
	return &iam.ListPoliciesGrantingServiceAccessOutput{PoliciesGrantingServiceAccess: page, Marker: next, IsTruncated: truncated}, nil
}
