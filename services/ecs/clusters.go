package ecs

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

var clusterNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// MaxClusters is AWS's default quota of clusters per account and region.
const MaxClusters = 10000

func createCluster(c *api.Context, in *ecs.CreateClusterInput) (*ecs.CreateClusterOutput, error) {
	name := aws.ToString(in.ClusterName)
	if name == "" {
		name = "default"
	}
	if !clusterNameRE.MatchString(name) {
		return nil, errInvalidParameter("Cluster name can only contain up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.")
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, err
	}
	arn := ecscore.ARN(c, "cluster", name)
	existing, err := ecscore.Clusters.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if existing != nil && aws.ToString(existing.Status) == "ACTIVE" {
		// CreateCluster is idempotent: an active cluster of that name is returned as it is.
		out, err := describeOneCluster(c, existing, allClusterFields)
		if err != nil {
			return nil, err
		}
		out.Statistics = []types.KeyValuePair{}
		return &ecs.CreateClusterOutput{Cluster: out}, nil
	}
	if existing == nil {
		n, err := ecscore.Clusters.Count(c.Tx, c.Scope(), store.Query{Status: "ACTIVE"})
		if err != nil {
			return nil, err
		}
		if n >= MaxClusters {
			return nil, apierror.New("LimitExceededException", "The maximum number of clusters for this account has been reached.")
		}
	}
	insights, err := defaultContainerInsights(c)
	if err != nil {
		return nil, err
	}
	cl := &types.Cluster{
		ClusterArn:                      aws.String(arn),
		ClusterName:                     aws.String(name),
		Status:                          aws.String("ACTIVE"),
		Settings:                        []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String(insights)}},
		CapacityProviders:               []string{},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{},
		Configuration:                   in.Configuration,
	}
	if err := applyClusterSettings(cl, in.Settings); err != nil {
		return nil, err
	}
	if in.ServiceConnectDefaults != nil {
		if cl.ServiceConnectDefaults, err = serviceConnectDefaults(c, in.ServiceConnectDefaults); err != nil {
			return nil, err
		}
	}
	if len(in.CapacityProviders) > 0 || len(in.DefaultCapacityProviderStrategy) > 0 {
		if err := setClusterCapacityProviders(c, cl, in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
			return nil, err
		}
	}
	if err := DeleteResourceTags(c, arn); err != nil {
		return nil, err
	}
	if err := MergeResourceTags(c, arn, in.Tags); err != nil {
		return nil, err
	}
	if err := ecscore.PutCluster(c.Tx, c.Scope(), cl); err != nil {
		return nil, err
	}
	out, err := describeOneCluster(c, cl, allClusterFields)
	if err != nil {
		return nil, err
	}
	out.Statistics = []types.KeyValuePair{}
	return &ecs.CreateClusterOutput{Cluster: out}, nil
}

// defaultContainerInsights is the account's containerInsights setting, the default for new clusters.
func defaultContainerInsights(c *api.Context) (string, error) {
	principal, err := settingPrincipal(c, nil)
	if err != nil {
		return "", err
	}
	s, err := effectiveSetting(c, types.SettingNameContainerInsights, principal)
	if err != nil {
		return "", err
	}
	return aws.ToString(s.Value), nil
}

func applyClusterSettings(cl *types.Cluster, settings []types.ClusterSetting) error {
	for _, s := range settings {
		if s.Name != types.ClusterSettingNameContainerInsights {
			return errInvalidParameter("Cluster setting name is invalid. Valid values: containerInsights.")
		}
		v := aws.ToString(s.Value)
		if v != "enabled" && v != "disabled" && v != "enhanced" {
			return errInvalidParameter("Cluster setting value for containerInsights is invalid. Valid values: enabled, disabled, enhanced.")
		}
		replaced := false
		for i := range cl.Settings {
			if cl.Settings[i].Name == s.Name {
				cl.Settings[i].Value = aws.String(v)
				replaced = true
			}
		}
		if !replaced {
			cl.Settings = append(cl.Settings, types.ClusterSetting{Name: s.Name, Value: aws.String(v)})
		}
	}
	return nil
}

var allClusterFields = []types.ClusterField{types.ClusterFieldAttachments, types.ClusterFieldConfigurations,
	types.ClusterFieldSettings, types.ClusterFieldStatistics, types.ClusterFieldTags}

// describeOneCluster returns a copy of a stored cluster with its counts computed
// and the optional parts that include asks for.
func describeOneCluster(c *api.Context, stored *types.Cluster, include []types.ClusterField) (*types.Cluster, error) {
	cl := *stored
	arn := aws.ToString(cl.ClusterArn)
	st, err := clusterStatistics(c, arn)
	if err != nil {
		return nil, err
	}
	cl.ActiveServicesCount = int32(st.activeServices)
	cl.RunningTasksCount = int32(st.running[0] + st.running[1] + st.running[2])
	cl.PendingTasksCount = int32(st.pending[0] + st.pending[1] + st.pending[2])
	cl.RegisteredContainerInstancesCount = int32(st.instances)
	if !slices.Contains(include, types.ClusterFieldSettings) {
		cl.Settings = nil
	}
	if !slices.Contains(include, types.ClusterFieldConfigurations) {
		cl.Configuration = nil
	}
	if !slices.Contains(include, types.ClusterFieldAttachments) {
		cl.Attachments = nil
		cl.AttachmentsStatus = nil
	}
	if slices.Contains(include, types.ClusterFieldStatistics) {
		cl.Statistics = st.pairs()
	}
	if slices.Contains(include, types.ClusterFieldTags) {
		tags, err := ResourceTags(c, arn)
		if err != nil {
			return nil, err
		}
		if tags == nil {
			tags = []types.Tag{}
		}
		cl.Tags = tags
	}
	return &cl, nil
}

// clusterStats are the counts ECS reports for a cluster, per launch kind
// (0 EC2, 1 Fargate, 2 External).
type clusterStats struct {
	activeServices   int
	instances        int
	running, pending [3]int
	active, draining [3]int
}

func (s clusterStats) pairs() []types.KeyValuePair {
	var out []types.KeyValuePair
	kinds := []string{"EC2", "Fargate", "External"}
	add := func(format string, counts [3]int) {
		for i, k := range kinds {
			out = append(out, types.KeyValuePair{Name: aws.String(strings.Replace(format, "%", k, 1)), Value: aws.String(strconv.Itoa(counts[i]))})
		}
	}
	add("running%TasksCount", s.running)
	add("pending%TasksCount", s.pending)
	add("active%ServiceCount", s.active)
	add("draining%ServiceCount", s.draining)
	return out
}

func launchIndex(lt types.LaunchType, capacityProvider string) int {
	switch {
	case lt == types.LaunchTypeFargate || strings.HasPrefix(capacityProvider, "FARGATE"):
		return 1
	case lt == types.LaunchTypeExternal:
		return 2
	}
	return 0
}

// serviceCounted and taskCounted are the members of a service and a task
// that a cluster's counts read: decoding a stored document into them alone
// skips the rest (events, deployments, containers, attachments).
type serviceCounted struct {
	Status                   *string
	LaunchType               types.LaunchType
	CapacityProviderStrategy []types.CapacityProviderStrategyItem
}

type taskCounted struct {
	LastStatus           *string
	LaunchType           types.LaunchType
	CapacityProviderName *string
}

// clusterStatistics counts a cluster's services, tasks and container
// instances. A read keeps the counts until a service, task or container
// instance of the region changes, so a cluster described again meanwhile
// costs no scan of its tasks.
func clusterStatistics(c *api.Context, clusterArn string) (clusterStats, error) {
	return store.Derive(c.Tx, c.Scope(), "ecs/cluster-statistics "+clusterArn,
		[]string{ecscore.Services.Kind, ecscore.Tasks.Kind, ecscore.ContainerInstances.Kind},
		func() (clusterStats, error) { return countCluster(c, clusterArn) })
}

func countCluster(c *api.Context, clusterArn string) (clusterStats, error) {
	var st clusterStats
	err := ecscore.Services.ScanRaw(c.Tx, c.Scope(), store.Query{Parent: clusterArn}, func(_ string, raw []byte) error {
		var s serviceCounted
		if err := ecscore.Services.Codec.Unmarshal(raw, &s); err != nil {
			return err
		}
		cp := ""
		if len(s.CapacityProviderStrategy) > 0 {
			cp = aws.ToString(s.CapacityProviderStrategy[0].CapacityProvider)
		}
		i := launchIndex(s.LaunchType, cp)
		switch aws.ToString(s.Status) {
		case "ACTIVE":
			st.activeServices++
			st.active[i]++
		case "DRAINING":
			st.draining[i]++
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	err = ecscore.Tasks.ScanRaw(c.Tx, c.Scope(), store.Query{Parent: clusterArn}, func(_ string, raw []byte) error {
		var t taskCounted
		if err := ecscore.Tasks.Codec.Unmarshal(raw, &t); err != nil {
			return err
		}
		i := launchIndex(t.LaunchType, aws.ToString(t.CapacityProviderName))
		switch aws.ToString(t.LastStatus) {
		case "RUNNING":
			st.running[i]++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			st.pending[i]++
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	instances, err := ecscore.ContainerInstances.CountByStatus(c.Tx, c.Scope(), store.Query{Parent: clusterArn})
	if err != nil {
		return st, err
	}
	st.instances = instances["ACTIVE"] + instances["DRAINING"]
	return st, nil
}

func describeClusters(c *api.Context, in *ecs.DescribeClustersInput) (*ecs.DescribeClustersOutput, error) {
	refs := in.Clusters
	if len(refs) == 0 {
		refs = []string{"default"}
	}
	if len(refs) > 100 {
		return nil, errInvalidParameter("Clusters cannot have more than 100 elements")
	}
	out := &ecs.DescribeClustersOutput{Clusters: []types.Cluster{}, Failures: []types.Failure{}}
	for _, ref := range refs {
		arn := ecscore.ClusterARN(c, ref)
		cl, err := ecscore.Clusters.Get(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, err
		}
		if cl == nil {
			out.Failures = append(out.Failures, missing(arn))
			continue
		}
		d, err := describeOneCluster(c, cl, in.Include)
		if err != nil {
			return nil, err
		}
		out.Clusters = append(out.Clusters, *d)
	}
	return out, nil
}

func listClusters(c *api.Context, in *ecs.ListClustersInput) (*ecs.ListClustersOutput, error) {
	size, err := pageSize(in.MaxResults, 100, 100)
	if err != nil {
		return nil, err
	}
	// Deleted (INACTIVE) clusters are listed too, as on ECS (see TestI13ListClustersListsInactiveClusters).
	items, next, err := scanPage(c, ecscore.Clusters, store.Query{}, "ecs:ListClusters", in.NextToken, size, nil)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListClustersOutput{ClusterArns: []string{}, NextToken: next}
	for _, cl := range items {
		out.ClusterArns = append(out.ClusterArns, aws.ToString(cl.ClusterArn))
	}
	return out, nil
}

func deleteCluster(c *api.Context, in *ecs.DeleteClusterInput) (*ecs.DeleteClusterOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	arn := aws.ToString(cl.ClusterArn)
	for _, status := range []string{"ACTIVE", "DRAINING"} {
		found, err := ecscore.ContainerInstances.Exists(c.Tx, c.Scope(), store.Query{Parent: arn, Status: status})
		if err != nil {
			return nil, err
		}
		if found {
			return nil, apierror.New("ClusterContainsContainerInstancesException", "The Cluster cannot be deleted while Container Instances are active or draining.")
		}
	}
	for _, status := range []string{"ACTIVE", "DRAINING"} {
		found, err := ecscore.Services.Exists(c.Tx, c.Scope(), store.Query{Parent: arn, Status: status})
		if err != nil {
			return nil, err
		}
		if found {
			return nil, apierror.New("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.")
		}
	}
	tasks, err := ecscore.Tasks.List(c.Tx, c.Scope(), store.Query{Parent: arn})
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		if aws.ToString(t.Doc.LastStatus) != "STOPPED" {
			return nil, apierror.New("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
		}
	}
	daemons, err := Daemons.Exists(c.Tx, c.Scope(), store.Query{Parent: arn, Status: string(types.DaemonStatusActive)})
	if err != nil {
		return nil, err
	}
	if daemons {
		return nil, errInvalidParameter("The Cluster cannot be deleted while Daemons are active.")
	}
	providers, err := ecscore.CapacityProviders.List(c.Tx, c.Scope(), store.Query{Status: string(types.CapacityProviderStatusActive)})
	if err != nil {
		return nil, err
	}
	for _, it := range providers {
		if it.Doc.ManagedInstancesProvider != nil && aws.ToString(it.Doc.Cluster) == aws.ToString(cl.ClusterName) {
			return nil, apierror.New("ClusterContainsCapacityProviderException", "The Cluster cannot be deleted while it contains Managed Instances capacity providers. Delete capacity provider %s first.", aws.ToString(it.Doc.Name))
		}
	}
	out, err := describeOneCluster(c, cl, allClusterFields)
	if err != nil {
		return nil, err
	}
	cl.Status = aws.String("INACTIVE")
	cl.CapacityProviders = []string{}
	cl.DefaultCapacityProviderStrategy = []types.CapacityProviderStrategyItem{}
	cl.Attachments = nil
	cl.AttachmentsStatus = nil
	if err := ecscore.PutCluster(c.Tx, c.Scope(), cl); err != nil {
		return nil, err
	}
	out.Status = cl.Status
	out.Statistics = []types.KeyValuePair{}
	return &ecs.DeleteClusterOutput{Cluster: out}, nil
}

func updateCluster(c *api.Context, in *ecs.UpdateClusterInput) (*ecs.UpdateClusterOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.Configuration != nil {
		cl.Configuration = in.Configuration
	}
	if in.ServiceConnectDefaults != nil {
		if cl.ServiceConnectDefaults, err = serviceConnectDefaults(c, in.ServiceConnectDefaults); err != nil {
			return nil, err
		}
	}
	if err := applyClusterSettings(cl, in.Settings); err != nil {
		return nil, err
	}
	if err := ecscore.PutCluster(c.Tx, c.Scope(), cl); err != nil {
		return nil, err
	}
	out, err := describeOneCluster(c, cl, []types.ClusterField{types.ClusterFieldSettings, types.ClusterFieldConfigurations})
	if err != nil {
		return nil, err
	}
	return &ecs.UpdateClusterOutput{Cluster: out}, nil
}

func updateClusterSettings(c *api.Context, in *ecs.UpdateClusterSettingsInput) (*ecs.UpdateClusterSettingsOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if err := applyClusterSettings(cl, in.Settings); err != nil {
		return nil, err
	}
	if err := ecscore.PutCluster(c.Tx, c.Scope(), cl); err != nil {
		return nil, err
	}
	out, err := describeOneCluster(c, cl, []types.ClusterField{types.ClusterFieldSettings})
	if err != nil {
		return nil, err
	}
	return &ecs.UpdateClusterSettingsOutput{Cluster: out}, nil
}

func putClusterCapacityProviders(c *api.Context, in *ecs.PutClusterCapacityProvidersInput) (*ecs.PutClusterCapacityProvidersOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if err := setClusterCapacityProviders(c, cl, in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
		return nil, err
	}
	if err := ecscore.PutCluster(c.Tx, c.Scope(), cl); err != nil {
		return nil, err
	}
	out, err := describeOneCluster(c, cl, []types.ClusterField{types.ClusterFieldAttachments})
	if err != nil {
		return nil, err
	}
	return &ecs.PutClusterCapacityProvidersOutput{Cluster: out}, nil
}

// setClusterCapacityProviders validates and applies a cluster's capacity
// providers and default strategy, with an as_policy attachment for each Auto
// Scaling group provider whose scaling ECS manages.
func setClusterCapacityProviders(c *api.Context, cl *types.Cluster, names []string, strategy []types.CapacityProviderStrategyItem) error {
	clusterArn := aws.ToString(cl.ClusterArn)
	providers := map[string]*types.CapacityProvider{}
	for _, ref := range names {
		cp, err := findCapacityProvider(c, ref)
		if err != nil {
			return err
		}
		if cp == nil {
			return errInvalidParameter("The specified capacity provider was not found. Specify a valid capacity provider and try again.")
		}
		name := aws.ToString(cp.Name)
		if providers[name] != nil {
			return errInvalidParameter("The specified capacity providers contain duplicates.")
		}
		if cp.ManagedInstancesProvider != nil && aws.ToString(cp.Cluster) != aws.ToString(cl.ClusterName) {
			return errInvalidParameter("The specified capacity provider '%s' belongs to another cluster.", name)
		}
		if cp.AutoScalingGroupProvider != nil {
			owner, err := providerCluster(c, name)
			if err != nil {
				return err
			}
			if owner != "" && owner != clusterArn {
				return errInvalidParameter("The specified capacity provider '%s' is already associated with another cluster.", name)
			}
		}
		providers[name] = cp
	}
	if err := ValidateCapacityProviderStrategy(strategy, func(n string) bool { return providers[n] != nil }); err != nil {
		return err
	}
	// A provider that a service's strategy uses cannot be taken away.
	services, err := ecscore.Services.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn})
	if err != nil {
		return err
	}
	for _, it := range services {
		if aws.ToString(it.Doc.Status) == "INACTIVE" {
			continue
		}
		for _, item := range it.Doc.CapacityProviderStrategy {
			if providers[aws.ToString(item.CapacityProvider)] == nil {
				return apierror.New("ResourceInUseException", "The specified capacity provider is in use and cannot be removed.")
			}
		}
	}
	cl.CapacityProviders = []string{}
	cl.Attachments = nil
	for _, ref := range names {
		cp := providers[ecscore.NameFromARN(ref)]
		if cp == nil {
			cp = providers[ref]
		}
		name := aws.ToString(cp.Name)
		cl.CapacityProviders = append(cl.CapacityProviders, name)
		if cp.AutoScalingGroupProvider != nil {
			if ms := cp.AutoScalingGroupProvider.ManagedScaling; ms != nil && ms.Status == types.ManagedScalingStatusEnabled {
				cl.Attachments = append(cl.Attachments, types.Attachment{
					Id: aws.String(infraUUID()), Type: aws.String("as_policy"), Status: aws.String("CREATED"),
					Details: []types.KeyValuePair{
						{Name: aws.String("capacityProviderName"), Value: aws.String(name)},
						{Name: aws.String("scalingPolicyName"), Value: aws.String("ECSManagedAutoScalingPolicy-" + infraUUID())},
					},
				})
			}
		}
	}
	cl.DefaultCapacityProviderStrategy = []types.CapacityProviderStrategyItem{}
	for _, item := range strategy {
		item.CapacityProvider = aws.String(ecscore.NameFromARN(aws.ToString(item.CapacityProvider)))
		cl.DefaultCapacityProviderStrategy = append(cl.DefaultCapacityProviderStrategy, item)
	}
	if len(cl.Attachments) > 0 || len(names) > 0 {
		cl.AttachmentsStatus = aws.String("UPDATE_COMPLETE")
	}
	return nil
}

// ValidateCapacityProviderStrategy checks a capacity provider strategy as ECS
// does: known providers, weights 0..1000, base 0..100000 on at most one item,
// Fargate and Auto Scaling group providers not mixed.
func ValidateCapacityProviderStrategy(strategy []types.CapacityProviderStrategyItem, known func(name string) bool) error {
	if len(strategy) > 20 {
		return errInvalidParameter("The capacity provider strategy cannot contain more than 20 capacity providers.")
	}
	seen := map[string]bool{}
	bases, fargate, other := 0, false, false
	for _, item := range strategy {
		name := ecscore.NameFromARN(aws.ToString(item.CapacityProvider))
		if !known(name) {
			return errInvalidParameter("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
		if seen[name] {
			return errInvalidParameter("The specified capacity provider strategy contains duplicate capacity providers.")
		}
		seen[name] = true
		if item.Weight < 0 || item.Weight > 1000 {
			return errInvalidParameter("The specified capacity provider strategy weight must be between 0 and 1000.")
		}
		if item.Base < 0 || item.Base > 100000 {
			return errInvalidParameter("The specified capacity provider strategy base must be between 0 and 100000.")
		}
		if item.Base > 0 {
			bases++
		}
		if name == "FARGATE" || name == "FARGATE_SPOT" {
			fargate = true
		} else {
			other = true
		}
	}
	if bases > 1 {
		return errInvalidParameter("You can only specify a base for one capacity provider in a capacity provider strategy.")
	}
	if fargate && other {
		return errInvalidParameter("The specified capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.")
	}
	return nil
}
