package ecs

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// Daemon is a stored daemon: what DescribeDaemon returns and what it was created with.
type Daemon struct {
	Detail                  types.DaemonDetail
	Name                    string
	ClientToken             string
	CapacityProviderArns    []string
	DeploymentConfiguration *types.DaemonDeploymentConfiguration
}

// The daemon collections.
var (
	// Daemons: id = daemon ARN, Parent = cluster ARN, Name = daemon name, Status = status.
	Daemons = store.Collection[Daemon]{Kind: "ecs/daemon"}
	// DaemonTaskDefinitions: id = ARN, Name = family, Status = status, Attr =
	// the listing order (daemonTaskDefinitionIndex).
	DaemonTaskDefinitions = store.Collection[types.DaemonTaskDefinition]{Kind: "ecs/daemon-task-definition"}
	// DaemonFamilies: id = family; the last revision handed out.
	DaemonFamilies = store.Collection[daemonFamily]{Kind: "ecs/daemon-family"}
	// DaemonDeployments: id = ARN, Parent = daemon ARN, Status = status.
	DaemonDeployments = store.Collection[types.DaemonDeployment]{Kind: "ecs/daemon-deployment"}
	// DaemonRevisions: id = ARN, Parent = daemon ARN.
	DaemonRevisions = store.Collection[types.DaemonRevision]{Kind: "ecs/daemon-revision"}
)

// daemonFamily records the last revision of a daemon task definition family
// (never reused).
type daemonFamily struct {
	Name         string
	LastRevision int32
}

// DaemonTaskGroup is the task group of a daemon's tasks, which the cluster manager starts.
func DaemonTaskGroup(name string) string { return "daemon:" + name }

func registerDaemons(s *api.Service) {
	api.Handle(s, "RegisterDaemonTaskDefinition", registerDaemonTaskDefinition)
	api.Handle(s, "DescribeDaemonTaskDefinition", describeDaemonTaskDefinition)
	api.Handle(s, "DeleteDaemonTaskDefinition", deleteDaemonTaskDefinition)
	api.Handle(s, "ListDaemonTaskDefinitions", listDaemonTaskDefinitions)
	api.Handle(s, "CreateDaemon", createDaemon)
	api.Handle(s, "DescribeDaemon", describeDaemon)
	api.Handle(s, "UpdateDaemon", updateDaemon)
	api.Handle(s, "DeleteDaemon", deleteDaemon)
	api.Handle(s, "ListDaemons", listDaemons)
	api.Handle(s, "DescribeDaemonDeployments", describeDaemonDeployments)
	api.Handle(s, "ListDaemonDeployments", listDaemonDeployments)
	api.Handle(s, "DescribeDaemonRevisions", describeDaemonRevisions)
}

func daemonTaskDefinitionARN(c *api.Context, family string, revision int32) string {
	return c.ARNPrefix() + "ecs:" + c.Region + ":" + c.Account() + ":daemon-task-definition/" + family + ":" + strconv.Itoa(int(revision))
}

func registerDaemonTaskDefinition(c *api.Context, in *ecs.RegisterDaemonTaskDefinitionInput) (*ecs.RegisterDaemonTaskDefinitionOutput, error) {
	family := aws.ToString(in.Family)
	if !familyRE.MatchString(family) {
		return nil, errClient("Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
	}
	if len(in.ContainerDefinitions) == 0 {
		return nil, errClient("Container list cannot be empty.")
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, err
	}
	cpu, ok := normalizeTaskSize(aws.ToString(in.Cpu), cpuUnitsRE)
	if !ok {
		return nil, errClient("Invalid 'cpu' setting for task.")
	}
	memory, ok := normalizeTaskSize(aws.ToString(in.Memory), memoryUnitRE)
	if !ok {
		return nil, errClient("Invalid 'memory' setting for task.")
	}
	containers := slices.Clone(in.ContainerDefinitions)
	names := map[string]bool{}
	essential := false
	for i := range containers {
		cd := &containers[i]
		name := aws.ToString(cd.Name)
		if name == "" {
			return nil, errClient("Container.name should not be null or empty.")
		}
		if names[name] {
			return nil, errClient("Duplicate container name '%s'. Container names must be unique within a task definition.", name)
		}
		names[name] = true
		if aws.ToString(cd.Image) == "" {
			return nil, errClient("Container.image should not be null or empty.")
		}
		if cd.Essential == nil {
			cd.Essential = aws.Bool(true)
		}
		essential = essential || *cd.Essential
		if cd.Memory != nil && cd.MemoryReservation != nil && *cd.MemoryReservation > *cd.Memory {
			return nil, errClient("Invalid setting for container '%s'. 'memory' must be greater than or equal to 'memoryReservation'.", name)
		}
	}
	if !essential {
		return nil, errClient("Task definition does not have any essential container.")
	}
	fam, err := DaemonFamilies.Get(c.Tx, c.Scope(), family)
	if err != nil {
		return nil, err
	}
	if fam == nil {
		fam = &daemonFamily{Name: family}
	}
	fam.LastRevision++
	if err := DaemonFamilies.Put(c.Tx, c.Scope(), family, store.Index{Name: family}, fam); err != nil {
		return nil, err
	}
	td := &types.DaemonTaskDefinition{
		DaemonTaskDefinitionArn: aws.String(daemonTaskDefinitionARN(c, family, fam.LastRevision)),
		Family:                  aws.String(family),
		Revision:                fam.LastRevision,
		TaskRoleArn:             in.TaskRoleArn,
		ExecutionRoleArn:        in.ExecutionRoleArn,
		ContainerDefinitions:    containers,
		Volumes:                 in.Volumes,
		Status:                  types.DaemonTaskDefinitionStatusActive,
		RegisteredAt:            aws.Time(c.Now()),
	}
	if cpu != "" {
		td.Cpu = aws.String(cpu)
	}
	if memory != "" {
		td.Memory = aws.String(memory)
	}
	if c.Caller.Arn != "" {
		td.RegisteredBy = aws.String(c.Caller.Arn)
	}
	arn := aws.ToString(td.DaemonTaskDefinitionArn)
	if err := DaemonTaskDefinitions.Put(c.Tx, c.Scope(), arn, daemonTaskDefinitionIndex(td), td); err != nil {
		return nil, err
	}
	if err := MergeResourceTags(c, arn, in.Tags); err != nil {
		return nil, err
	}
	return &ecs.RegisterDaemonTaskDefinitionOutput{DaemonTaskDefinitionArn: td.DaemonTaskDefinitionArn}, nil
}

// getDaemonTaskDefinition resolves "family" (latest ACTIVE), "family:revision" or an ARN.
func getDaemonTaskDefinition(c *api.Context, ref string) (*types.DaemonTaskDefinition, error) {
	notFound := errClient("Unable to describe daemon task definition.")
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		i := strings.Index(ref, ":daemon-task-definition/")
		if i < 0 {
			return nil, notFound
		}
		name = ref[i+len(":daemon-task-definition/"):]
	}
	if family, rev, ok := strings.Cut(name, ":"); ok {
		n, err := parsePositive(rev)
		if err != nil {
			return nil, notFound
		}
		td, err := DaemonTaskDefinitions.Get(c.Tx, c.Scope(), daemonTaskDefinitionARN(c, family, n))
		if err != nil {
			return nil, err
		}
		if td == nil {
			return nil, notFound
		}
		return td, nil
	}
	items, err := DaemonTaskDefinitions.List(c.Tx, c.Scope(), store.Query{Name: name, Status: string(types.DaemonTaskDefinitionStatusActive), Desc: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, notFound
	}
	return items[0].Doc, nil
}

func parsePositive(s string) (int32, error) {
	var n int64
	if s == "" || len(s) > 9 {
		return 0, errInvalidParameter("invalid revision")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, errInvalidParameter("invalid revision")
		}
		n = n*10 + int64(r-'0')
	}
	if n < 1 {
		return 0, errInvalidParameter("invalid revision")
	}
	return int32(n), nil
}

func describeDaemonTaskDefinition(c *api.Context, in *ecs.DescribeDaemonTaskDefinitionInput) (*ecs.DescribeDaemonTaskDefinitionOutput, error) {
	td, err := getDaemonTaskDefinition(c, aws.ToString(in.DaemonTaskDefinition))
	if err != nil {
		return nil, err
	}
	return &ecs.DescribeDaemonTaskDefinitionOutput{DaemonTaskDefinition: td}, nil
}

func deleteDaemonTaskDefinition(c *api.Context, in *ecs.DeleteDaemonTaskDefinitionInput) (*ecs.DeleteDaemonTaskDefinitionOutput, error) {
	ref := aws.ToString(in.DaemonTaskDefinition)
	if !strings.Contains(strings.TrimPrefix(ref, "arn:aws:ecs:"), ":") && !strings.HasPrefix(ref, "arn:") {
		return nil, errInvalidParameter("The daemon task definition must be specified with its revision.")
	}
	td, err := getDaemonTaskDefinition(c, ref)
	if err != nil {
		return nil, err
	}
	arn := aws.ToString(td.DaemonTaskDefinitionArn)
	active, err := Daemons.List(c.Tx, c.Scope(), store.Query{Status: string(types.DaemonStatusActive)})
	if err != nil {
		return nil, err
	}
	for _, it := range active {
		rev, err := latestDaemonRevision(c, it.Doc)
		if err != nil {
			return nil, err
		}
		if rev != nil && aws.ToString(rev.DaemonTaskDefinitionArn) == arn {
			return nil, errClient("The daemon task definition is in use by daemon %s.", it.Doc.Name)
		}
	}
	if td.Status != types.DaemonTaskDefinitionStatusDeleted {
		// Nothing runs it (checked above), so the deletion completes at once.
		td.Status = types.DaemonTaskDefinitionStatusDeleted
		if td.DeleteRequestedAt == nil {
			td.DeleteRequestedAt = aws.Time(c.Now())
		}
		if err := DaemonTaskDefinitions.Put(c.Tx, c.Scope(), arn, daemonTaskDefinitionIndex(td), td); err != nil {
			return nil, err
		}
	}
	return &ecs.DeleteDaemonTaskDefinitionOutput{DaemonTaskDefinitionArn: td.DaemonTaskDefinitionArn}, nil
}

func listDaemonTaskDefinitions(c *api.Context, in *ecs.ListDaemonTaskDefinitionsInput) (*ecs.ListDaemonTaskDefinitionsOutput, error) {
	size, err := pageSize(in.MaxResults, 100, 100)
	if err != nil {
		return nil, err
	}
	if in.Family != nil && in.FamilyPrefix != nil {
		return nil, errInvalidParameter("family and familyPrefix cannot be specified together.")
	}
	scope := "ecs:ListDaemonTaskDefinitions:" + aws.ToString(in.Family) + ":" + aws.ToString(in.FamilyPrefix) + ":" + string(in.Status) + ":" + string(in.Revision) + ":" + string(in.Sort)
	after, err := api.DecodeCursor(scope, aws.ToString(in.NextToken))
	if err != nil {
		return nil, errBadNextToken()
	}
	// Revisions are read in (family, revision) order from the token's
	// position (their attr is that order), a chunk at a time, until a page
	// of them passes the filters.
	q := store.Query{Name: aws.ToString(in.Family), AttrPrefix: aws.ToString(in.FamilyPrefix), ByAttr: true, Desc: in.Sort == types.SortOrderDesc, Limit: size + 1}
	switch in.Status {
	case "", types.DaemonTaskDefinitionStatusFilterActive:
		q.Status = string(types.DaemonTaskDefinitionStatusActive)
	case types.DaemonTaskDefinitionStatusFilterDeleteInProgress:
		q.Status = string(types.DaemonTaskDefinitionStatusDeleteInProgress)
	}
	lastRevision := map[string]int32{}
	keep := func(td *types.DaemonTaskDefinition) (bool, error) {
		if td.Status == types.DaemonTaskDefinitionStatusDeleted {
			return false, nil
		}
		if in.Revision != types.DaemonTaskDefinitionRevisionFilterLastRegistered {
			return true, nil
		}
		family := aws.ToString(td.Family)
		last, ok := lastRevision[family]
		if !ok {
			var err error
			if last, err = lastListedRevision(c, family, q.Status); err != nil {
				return false, err
			}
			lastRevision[family] = last
		}
		return td.Revision == last, nil
	}
	out := &ecs.ListDaemonTaskDefinitionsOutput{DaemonTaskDefinitions: []types.DaemonTaskDefinitionSummary{}}
	for {
		q.AttrAfter = after
		chunk, err := DaemonTaskDefinitions.List(c.Tx, c.Scope(), q)
		if err != nil {
			return nil, err
		}
		for _, it := range chunk {
			td := it.Doc
			last := after
			after = ecscore.TaskDefinitionOrder(aws.ToString(td.Family), td.Revision)
			if ok, err := keep(td); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
			if len(out.DaemonTaskDefinitions) == size {
				out.NextToken = aws.String(api.EncodeCursor(scope, last))
				return out, nil
			}
			out.DaemonTaskDefinitions = append(out.DaemonTaskDefinitions, types.DaemonTaskDefinitionSummary{
				Arn: td.DaemonTaskDefinitionArn, RegisteredAt: td.RegisteredAt, RegisteredBy: td.RegisteredBy,
				DeleteRequestedAt: td.DeleteRequestedAt, Status: td.Status,
			})
		}
		if len(chunk) <= size {
			return out, nil
		}
	}
}

// lastListedRevision is the highest revision of a daemon family with the
// status (any status but DELETED when status is empty).
func lastListedRevision(c *api.Context, family, status string) (int32, error) {
	q := store.Query{Name: family, Status: status, ByAttr: true, Desc: true, Limit: 10}
	for {
		items, err := DaemonTaskDefinitions.List(c.Tx, c.Scope(), q)
		if err != nil || len(items) == 0 {
			return 0, err
		}
		for _, it := range items {
			if it.Doc.Status != types.DaemonTaskDefinitionStatusDeleted {
				return it.Doc.Revision, nil
			}
			q.AttrAfter = ecscore.TaskDefinitionOrder(family, it.Doc.Revision)
		}
	}
}

// daemonCapacityProviders checks that every ARN names a Managed Instances
// provider of the cluster: daemons run only on those.
func daemonCapacityProviders(c *api.Context, cl *types.Cluster, arns []string) error {
	if len(arns) == 0 {
		return errInvalidParameter("capacityProviderArns cannot be empty.")
	}
	for _, arn := range arns {
		cp, err := findCapacityProvider(c, arn)
		if err != nil {
			return err
		}
		if cp == nil || !strings.HasPrefix(arn, "arn:") {
			return errInvalidParameter("The specified capacity provider was not found. Specify a valid capacity provider and try again.")
		}
		if cp.ManagedInstancesProvider == nil {
			return errInvalidParameter("Daemons are only supported on Amazon ECS Managed Instances capacity providers.")
		}
		if aws.ToString(cp.Cluster) != aws.ToString(cl.ClusterName) {
			return errInvalidParameter("The specified capacity provider %s is not associated with cluster %s.", arn, aws.ToString(cl.ClusterName))
		}
	}
	return nil
}

func errDaemonNotFound() error {
	return apierror.New("DaemonNotFoundException", "The specified daemon wasn't found.")
}

func getDaemon(c *api.Context, arn string) (*Daemon, error) {
	d, err := Daemons.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, errDaemonNotFound()
	}
	return d, nil
}

func daemonIndex(d *Daemon) store.Index {
	return store.Index{Parent: aws.ToString(d.Detail.ClusterArn), Name: d.Name, Status: string(d.Detail.Status)}
}

// newDaemonRevision records what a daemon runs from now on.
func newDaemonRevision(c *api.Context, d *Daemon, td *types.DaemonTaskDefinition, propagate types.DaemonPropagateTags, managedTags, exec bool) (*types.DaemonRevision, error) {
	rev := &types.DaemonRevision{
		DaemonRevisionArn:       aws.String(ecscore.ARN(c, "daemon-revision", ecscore.NameFromARN(aws.ToString(d.Detail.ClusterArn)), d.Name, NewDeploymentIDForDaemon())),
		ClusterArn:              d.Detail.ClusterArn,
		DaemonArn:               d.Detail.DaemonArn,
		DaemonTaskDefinitionArn: td.DaemonTaskDefinitionArn,
		CreatedAt:               aws.Time(c.Now()),
		PropagateTags:           propagate,
		EnableECSManagedTags:    aws.Bool(managedTags),
		EnableExecuteCommand:    aws.Bool(exec),
	}
	if rev.PropagateTags == "" {
		rev.PropagateTags = types.DaemonPropagateTagsNone
	}
	for _, cd := range td.ContainerDefinitions {
		rev.ContainerImages = append(rev.ContainerImages, types.DaemonContainerImage{ContainerName: cd.Name, Image: cd.Image})
	}
	err := DaemonRevisions.Put(c.Tx, c.Scope(), aws.ToString(rev.DaemonRevisionArn), store.Index{Parent: aws.ToString(d.Detail.DaemonArn)}, rev)
	return rev, err
}

// NewDeploymentIDForDaemon returns a deployment or revision id: digits, as ECS's service deployment ids.
func NewDeploymentIDForDaemon() string { return ecscore.NewDeploymentID()[len("ecs-svc/"):] }

// newDaemonDeployment starts a deployment of a daemon to a revision. The
// cluster manager moves it on; deployments it supersedes stop.
func newDaemonDeployment(c *api.Context, d *Daemon, target *types.DaemonRevision, source []types.DaemonRevisionDetail) (*types.DaemonDeployment, error) {
	daemonArn := aws.ToString(d.Detail.DaemonArn)
	running, err := DaemonDeployments.List(c.Tx, c.Scope(), store.Query{Parent: daemonArn})
	if err != nil {
		return nil, err
	}
	for _, it := range running {
		switch it.Doc.Status {
		case types.DaemonDeploymentStatusPending, types.DaemonDeploymentStatusInProgress:
			it.Doc.Status = types.DaemonDeploymentStatusStopped
			it.Doc.StatusReason = aws.String("Superseded by a newer deployment.")
			it.Doc.StoppedAt = aws.Time(c.Now())
			if err := DaemonDeployments.Put(c.Tx, c.Scope(), it.ID, store.Index{Parent: daemonArn, Status: string(it.Doc.Status)}, it.Doc); err != nil {
				return nil, err
			}
		}
	}
	dep := &types.DaemonDeployment{
		DaemonDeploymentArn:     aws.String(ecscore.ARN(c, "daemon-deployment", ecscore.NameFromARN(aws.ToString(d.Detail.ClusterArn)), d.Name, NewDeploymentIDForDaemon())),
		ClusterArn:              d.Detail.ClusterArn,
		Status:                  types.DaemonDeploymentStatusPending,
		DeploymentConfiguration: d.DeploymentConfiguration,
		CreatedAt:               aws.Time(c.Now()),
	}
	zero := aws.Int32(0)
	deployCPs := func(arns []string) []types.DaemonDeploymentCapacityProvider {
		out := []types.DaemonDeploymentCapacityProvider{}
		for _, a := range arns {
			out = append(out, types.DaemonDeploymentCapacityProvider{Arn: aws.String(a), RunningInstanceCount: zero, DrainingInstanceCount: zero})
		}
		return out
	}
	if target != nil {
		dep.TargetDaemonRevision = &types.DaemonDeploymentRevisionDetail{Arn: target.DaemonRevisionArn,
			CapacityProviders: deployCPs(d.CapacityProviderArns), TotalRunningInstanceCount: zero, TotalDrainingInstanceCount: zero}
	}
	dep.SourceDaemonRevisions = []types.DaemonDeploymentRevisionDetail{}
	for _, s := range source {
		var arns []string
		for _, cp := range s.CapacityProviders {
			arns = append(arns, aws.ToString(cp.Arn))
		}
		dep.SourceDaemonRevisions = append(dep.SourceDaemonRevisions, types.DaemonDeploymentRevisionDetail{Arn: s.Arn,
			CapacityProviders: deployCPs(arns), TotalRunningInstanceCount: aws.Int32(s.TotalRunningCount), TotalDrainingInstanceCount: zero})
	}
	hosts, err := daemonHostCount(c, aws.ToString(d.Detail.ClusterArn), d.CapacityProviderArns)
	if err != nil {
		return nil, err
	}
	if hosts == 0 {
		// No instance of these capacity providers: there is nothing to roll out.
		dep.Status = types.DaemonDeploymentStatusSuccessful
		dep.StartedAt, dep.FinishedAt = aws.Time(c.Now()), aws.Time(c.Now())
	}
	if cfg := d.DeploymentConfiguration; cfg != nil && cfg.Alarms != nil && cfg.Alarms.Enable {
		dep.Alarms = &types.DaemonDeploymentAlarms{Status: types.DaemonDeploymentRollbackMonitorsStatusMonitoring, AlarmNames: cfg.Alarms.AlarmNames}
	}
	err = DaemonDeployments.Put(c.Tx, c.Scope(), aws.ToString(dep.DaemonDeploymentArn), store.Index{Parent: daemonArn, Status: string(dep.Status)}, dep)
	return dep, err
}

// daemonHostCount counts the cluster's ACTIVE and DRAINING container instances
// of the given capacity providers, where a daemon has tasks to run.
func daemonHostCount(c *api.Context, clusterArn string, capacityProviderArns []string) (int, error) {
	n := 0
	for _, status := range []string{"ACTIVE", "DRAINING"} {
		items, err := ecscore.ContainerInstances.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn, Status: status})
		if err != nil {
			return 0, err
		}
		for _, it := range items {
			if name := aws.ToString(it.Doc.CapacityProviderName); name != "" && slices.Contains(capacityProviderArns, ecscore.ARN(c, "capacity-provider", name)) {
				n++
			}
		}
	}
	return n, nil
}

func createDaemon(c *api.Context, in *ecs.CreateDaemonInput) (*ecs.CreateDaemonOutput, error) {
	cl, err := ecscore.GetCluster(c, in.ClusterArn)
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.DaemonName)
	if !clusterNameRE.MatchString(name) {
		return nil, errInvalidParameter("Daemon name can only contain up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.")
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	arn := ecscore.ARN(c, "daemon", ecscore.NameFromARN(clusterArn), name)
	if existing, err := Daemons.Get(c.Tx, c.Scope(), arn); err != nil {
		return nil, err
	} else if existing != nil && existing.Detail.Status == types.DaemonStatusActive {
		if in.ClientToken != nil && existing.ClientToken == aws.ToString(in.ClientToken) {
			return &ecs.CreateDaemonOutput{DaemonArn: existing.Detail.DaemonArn, Status: existing.Detail.Status,
				CreatedAt: existing.Detail.CreatedAt, DeploymentArn: existing.Detail.DeploymentArn}, nil
		}
		return nil, errInvalidParameter("A daemon named %s already exists in cluster %s.", name, aws.ToString(cl.ClusterName))
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, err
	}
	if err := daemonCapacityProviders(c, cl, in.CapacityProviderArns); err != nil {
		return nil, err
	}
	td, err := getDaemonTaskDefinition(c, aws.ToString(in.DaemonTaskDefinitionArn))
	if err != nil {
		return nil, err
	}
	if td.Status != types.DaemonTaskDefinitionStatusActive {
		return nil, errClient("The daemon task definition %s is not ACTIVE.", aws.ToString(td.DaemonTaskDefinitionArn))
	}
	now := aws.Time(c.Now())
	d := &Daemon{
		Name: name, ClientToken: aws.ToString(in.ClientToken),
		CapacityProviderArns:    in.CapacityProviderArns,
		DeploymentConfiguration: in.DeploymentConfiguration,
		Detail: types.DaemonDetail{DaemonArn: aws.String(arn), ClusterArn: aws.String(clusterArn),
			Status: types.DaemonStatusActive, CreatedAt: now, UpdatedAt: now},
	}
	rev, err := newDaemonRevision(c, d, td, in.PropagateTags, in.EnableECSManagedTags, in.EnableExecuteCommand)
	if err != nil {
		return nil, err
	}
	dep, err := newDaemonDeployment(c, d, rev, nil)
	if err != nil {
		return nil, err
	}
	d.Detail.DeploymentArn = dep.DaemonDeploymentArn
	d.Detail.CurrentRevisions = []types.DaemonRevisionDetail{revisionDetail(rev, in.CapacityProviderArns)}
	if err := Daemons.Put(c.Tx, c.Scope(), arn, daemonIndex(d), d); err != nil {
		return nil, err
	}
	if err := DeleteResourceTags(c, arn); err != nil {
		return nil, err
	}
	if err := MergeResourceTags(c, arn, in.Tags); err != nil {
		return nil, err
	}
	return &ecs.CreateDaemonOutput{DaemonArn: d.Detail.DaemonArn, Status: d.Detail.Status, CreatedAt: now, DeploymentArn: dep.DaemonDeploymentArn}, nil
}

func revisionDetail(rev *types.DaemonRevision, capacityProviders []string) types.DaemonRevisionDetail {
	out := types.DaemonRevisionDetail{Arn: rev.DaemonRevisionArn, CapacityProviders: []types.DaemonCapacityProvider{}}
	for _, a := range capacityProviders {
		out.CapacityProviders = append(out.CapacityProviders, types.DaemonCapacityProvider{Arn: aws.String(a)})
	}
	return out
}

// latestDaemonRevision is the revision a daemon's current deployment targets.
func latestDaemonRevision(c *api.Context, d *Daemon) (*types.DaemonRevision, error) {
	if len(d.Detail.CurrentRevisions) == 0 {
		return nil, nil
	}
	return DaemonRevisions.Get(c.Tx, c.Scope(), aws.ToString(d.Detail.CurrentRevisions[len(d.Detail.CurrentRevisions)-1].Arn))
}

// daemonRunningCounts counts a daemon's running tasks per capacity provider name.
func daemonRunningCounts(c *api.Context, d *Daemon) (map[string]int32, error) {
	tasks, err := ecscore.Tasks.List(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(d.Detail.ClusterArn), Name: DaemonTaskGroup(d.Name)})
	if err != nil {
		return nil, err
	}
	counts := map[string]int32{}
	for _, t := range tasks {
		if aws.ToString(t.Doc.LastStatus) == "RUNNING" {
			counts[aws.ToString(t.Doc.CapacityProviderName)]++
		}
	}
	return counts, nil
}

func describeDaemon(c *api.Context, in *ecs.DescribeDaemonInput) (*ecs.DescribeDaemonOutput, error) {
	d, err := getDaemon(c, aws.ToString(in.DaemonArn))
	if err != nil {
		return nil, err
	}
	counts, err := daemonRunningCounts(c, d)
	if err != nil {
		return nil, err
	}
	detail := d.Detail
	detail.CurrentRevisions = slices.Clone(detail.CurrentRevisions)
	for i := range detail.CurrentRevisions {
		r := &detail.CurrentRevisions[i]
		r.CapacityProviders = slices.Clone(r.CapacityProviders)
		r.TotalRunningCount = 0
		// Running tasks are counted against the revision being rolled out.
		if i == len(detail.CurrentRevisions)-1 {
			for j := range r.CapacityProviders {
				r.CapacityProviders[j].RunningCount = counts[ecscore.NameFromARN(aws.ToString(r.CapacityProviders[j].Arn))]
				r.TotalRunningCount += r.CapacityProviders[j].RunningCount
			}
		}
	}
	return &ecs.DescribeDaemonOutput{Daemon: &detail}, nil
}

func updateDaemon(c *api.Context, in *ecs.UpdateDaemonInput) (*ecs.UpdateDaemonOutput, error) {
	d, err := getDaemon(c, aws.ToString(in.DaemonArn))
	if err != nil {
		return nil, err
	}
	if d.Detail.Status != types.DaemonStatusActive {
		return nil, apierror.New("DaemonNotActiveException", "The specified daemon isn't active. You can't update a daemon that's inactive.")
	}
	cl, err := ecscore.GetCluster(c, d.Detail.ClusterArn)
	if err != nil {
		return nil, err
	}
	if err := daemonCapacityProviders(c, cl, in.CapacityProviderArns); err != nil {
		return nil, err
	}
	td, err := getDaemonTaskDefinition(c, aws.ToString(in.DaemonTaskDefinitionArn))
	if err != nil {
		return nil, err
	}
	if td.Status != types.DaemonTaskDefinitionStatusActive {
		return nil, errClient("The daemon task definition %s is not ACTIVE.", aws.ToString(td.DaemonTaskDefinitionArn))
	}
	source := slices.Clone(d.Detail.CurrentRevisions)
	d.CapacityProviderArns = in.CapacityProviderArns
	if in.DeploymentConfiguration != nil {
		d.DeploymentConfiguration = in.DeploymentConfiguration
	}
	rev, err := newDaemonRevision(c, d, td, in.PropagateTags, in.EnableECSManagedTags, in.EnableExecuteCommand)
	if err != nil {
		return nil, err
	}
	dep, err := newDaemonDeployment(c, d, rev, source)
	if err != nil {
		return nil, err
	}
	d.Detail.DeploymentArn = dep.DaemonDeploymentArn
	d.Detail.CurrentRevisions = append(source, revisionDetail(rev, in.CapacityProviderArns))
	if len(d.Detail.CurrentRevisions) > 2 {
		d.Detail.CurrentRevisions = d.Detail.CurrentRevisions[len(d.Detail.CurrentRevisions)-2:]
	}
	d.Detail.UpdatedAt = aws.Time(c.Now())
	if err := Daemons.Put(c.Tx, c.Scope(), aws.ToString(d.Detail.DaemonArn), daemonIndex(d), d); err != nil {
		return nil, err
	}
	return &ecs.UpdateDaemonOutput{DaemonArn: d.Detail.DaemonArn, Status: d.Detail.Status, CreatedAt: d.Detail.CreatedAt,
		UpdatedAt: d.Detail.UpdatedAt, DeploymentArn: dep.DaemonDeploymentArn}, nil
}

func deleteDaemon(c *api.Context, in *ecs.DeleteDaemonInput) (*ecs.DeleteDaemonOutput, error) {
	d, err := getDaemon(c, aws.ToString(in.DaemonArn))
	if err != nil {
		return nil, err
	}
	if d.Detail.Status != types.DaemonStatusActive {
		return nil, apierror.New("DaemonNotActiveException", "The specified daemon isn't active. You can't update a daemon that's inactive.")
	}
	// Deleting deploys "nothing": the cluster manager drains the daemon's tasks.
	dep, err := newDaemonDeployment(c, d, nil, d.Detail.CurrentRevisions)
	if err != nil {
		return nil, err
	}
	d.Detail.Status = types.DaemonStatusDeleteInProgress
	d.Detail.DeploymentArn = dep.DaemonDeploymentArn
	d.Detail.UpdatedAt = aws.Time(c.Now())
	if err := Daemons.Put(c.Tx, c.Scope(), aws.ToString(d.Detail.DaemonArn), daemonIndex(d), d); err != nil {
		return nil, err
	}
	return &ecs.DeleteDaemonOutput{DaemonArn: d.Detail.DaemonArn, Status: d.Detail.Status, CreatedAt: d.Detail.CreatedAt,
		UpdatedAt: d.Detail.UpdatedAt, DeploymentArn: dep.DaemonDeploymentArn}, nil
}

func listDaemons(c *api.Context, in *ecs.ListDaemonsInput) (*ecs.ListDaemonsOutput, error) {
	size, err := pageSize(in.MaxResults, 100, 100)
	if err != nil {
		return nil, err
	}
	q := store.Query{}
	if in.ClusterArn != nil {
		cl, err := ecscore.GetCluster(c, in.ClusterArn)
		if err != nil {
			return nil, err
		}
		q.Parent = aws.ToString(cl.ClusterArn)
	}
	keep := func(d *Daemon) bool {
		for _, want := range in.CapacityProviderArns {
			if !slices.Contains(d.CapacityProviderArns, want) {
				return false
			}
		}
		return true
	}
	scope := "ecs:ListDaemons:" + q.Parent + ":" + strings.Join(in.CapacityProviderArns, ",")
	items, next, err := scanPage(c, Daemons, q, scope, in.NextToken, size, keep)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListDaemonsOutput{DaemonSummariesList: []types.DaemonSummary{}, NextToken: next}
	for _, d := range items {
		out.DaemonSummariesList = append(out.DaemonSummariesList, types.DaemonSummary{DaemonArn: d.Detail.DaemonArn,
			Status: d.Detail.Status, CreatedAt: d.Detail.CreatedAt, UpdatedAt: d.Detail.UpdatedAt})
	}
	return out, nil
}

func describeDaemonDeployments(c *api.Context, in *ecs.DescribeDaemonDeploymentsInput) (*ecs.DescribeDaemonDeploymentsOutput, error) {
	if len(in.DaemonDeploymentArns) > 20 {
		return nil, errInvalidParameter("daemonDeploymentArns cannot have more than 20 elements.")
	}
	deps, failures, err := describeByARN(c, DaemonDeployments, in.DaemonDeploymentArns)
	if err != nil {
		return nil, err
	}
	return &ecs.DescribeDaemonDeploymentsOutput{DaemonDeployments: deps, Failures: failures}, nil
}

func listDaemonDeployments(c *api.Context, in *ecs.ListDaemonDeploymentsInput) (*ecs.ListDaemonDeploymentsOutput, error) {
	d, err := getDaemon(c, aws.ToString(in.DaemonArn))
	if err != nil {
		return nil, err
	}
	size, err := pageSize(in.MaxResults, 20, 100)
	if err != nil {
		return nil, err
	}
	daemonArn := aws.ToString(d.Detail.DaemonArn)
	keep := func(dep *types.DaemonDeployment) bool {
		if len(in.Status) > 0 && !slices.Contains(in.Status, dep.Status) {
			return false
		}
		if ca := in.CreatedAt; ca != nil && dep.CreatedAt != nil {
			if ca.After != nil && !dep.CreatedAt.After(*ca.After) {
				return false
			}
			if ca.Before != nil && !dep.CreatedAt.Before(*ca.Before) {
				return false
			}
		}
		return true
	}
	var statuses []string
	for _, s := range in.Status {
		statuses = append(statuses, string(s))
	}
	scope := "ecs:ListDaemonDeployments:" + daemonArn + ":" + strings.Join(statuses, ",") + ":" + createdAtKey(in.CreatedAt)
	items, next, err := scanPage(c, DaemonDeployments, store.Query{Parent: daemonArn, Desc: true}, scope, in.NextToken, size, keep)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListDaemonDeploymentsOutput{DaemonDeployments: []types.DaemonDeploymentSummary{}, NextToken: next}
	for _, dep := range items {
		s := types.DaemonDeploymentSummary{DaemonDeploymentArn: dep.DaemonDeploymentArn, DaemonArn: aws.String(daemonArn),
			ClusterArn: dep.ClusterArn, Status: dep.Status, StatusReason: dep.StatusReason, CreatedAt: dep.CreatedAt,
			StartedAt: dep.StartedAt, StoppedAt: dep.StoppedAt, FinishedAt: dep.FinishedAt}
		if dep.TargetDaemonRevision != nil {
			s.TargetDaemonRevisionArn = dep.TargetDaemonRevision.Arn
		}
		out.DaemonDeployments = append(out.DaemonDeployments, s)
	}
	return out, nil
}

func createdAtKey(ca *types.CreatedAt) string {
	if ca == nil {
		return ""
	}
	f := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return f(ca.After) + "/" + f(ca.Before)
}

func describeDaemonRevisions(c *api.Context, in *ecs.DescribeDaemonRevisionsInput) (*ecs.DescribeDaemonRevisionsOutput, error) {
	if len(in.DaemonRevisionArns) > 20 {
		return nil, errInvalidParameter("daemonRevisionArns cannot have more than 20 elements.")
	}
	revs, failures, err := describeByARN(c, DaemonRevisions, in.DaemonRevisionArns)
	if err != nil {
		return nil, err
	}
	return &ecs.DescribeDaemonRevisionsOutput{DaemonRevisions: revs, Failures: failures}, nil
}

// daemonTaskDefinitionIndex keeps a daemon task definition's listing order
// (family, then revision) in Attr, so a page of ListDaemonTaskDefinitions
// reads only itself.
func daemonTaskDefinitionIndex(td *types.DaemonTaskDefinition) store.Index {
	return store.Index{Name: aws.ToString(td.Family), Status: string(td.Status), Attr: ecscore.TaskDefinitionOrder(aws.ToString(td.Family), td.Revision)}
}
