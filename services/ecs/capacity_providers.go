package ecs

import (
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// MaxCapacityProviders is AWS's default quota of capacity providers per account and region.
const MaxCapacityProviders = 500

var (
	capacityProviderNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
	asgARNRE               = regexp.MustCompile(`^arn:aws[a-z-]*:autoscaling:[a-z0-9-]+:\d{12}:autoScalingGroup:[0-9a-fA-F-]+:autoScalingGroupName/[\x21-\x7e]{1,255}$`)
)

// builtinCapacityProvider returns FARGATE or FARGATE_SPOT, which every account has.
func builtinCapacityProvider(c *api.Context, name string) *types.CapacityProvider {
	if name != "FARGATE" && name != "FARGATE_SPOT" {
		return nil
	}
	return &types.CapacityProvider{
		CapacityProviderArn: aws.String(ecscore.ARN(c, "capacity-provider", name)),
		Name:                aws.String(name),
		Status:              types.CapacityProviderStatusActive,
		Type:                types.CapacityProviderType(name),
		Tags:                []types.Tag{},
	}
}

// findCapacityProvider resolves an ACTIVE capacity provider by name or ARN (nil when unknown).
func findCapacityProvider(c *api.Context, ref string) (*types.CapacityProvider, error) {
	name := ecscore.NameFromARN(ref)
	if strings.HasPrefix(ref, "arn:") && ref != ecscore.ARN(c, "capacity-provider", name) {
		return nil, nil
	}
	if cp := builtinCapacityProvider(c, name); cp != nil {
		return cp, nil
	}
	cp, err := ecscore.CapacityProviders.Get(c.Tx, c.Scope(), name)
	if err != nil || cp == nil || cp.Status != types.CapacityProviderStatusActive {
		return nil, err
	}
	return cp, nil
}

// providerCluster returns the ARN of the active cluster using a capacity provider, or "".
func providerCluster(c *api.Context, name string) (string, error) {
	clusters, err := ecscore.Clusters.List(c.Tx, c.Scope(), store.Query{Status: "ACTIVE"})
	if err != nil {
		return "", err
	}
	for _, it := range clusters {
		if slices.Contains(it.Doc.CapacityProviders, name) {
			return it.ID, nil
		}
	}
	return "", nil
}

func createCapacityProvider(c *api.Context, in *ecs.CreateCapacityProviderInput) (*ecs.CreateCapacityProviderOutput, error) {
	name := aws.ToString(in.Name)
	lower := strings.ToLower(name)
	if !capacityProviderNameRE.MatchString(name) {
		return nil, errInvalidParameter("The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens.")
	}
	if strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ecs") || strings.HasPrefix(lower, "fargate") {
		return nil, errInvalidParameter("The specified capacity provider name is invalid. Capacity provider names cannot be prefixed with 'aws', 'ecs', or 'fargate'. Specify a valid name and try again.")
	}
	if (in.ManagedInstancesProvider == nil) == (in.AutoScalingGroupProvider == nil) {
		return nil, errInvalidParameter("Specify either an autoScalingGroupProvider or a managedInstancesProvider.")
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, err
	}
	existing, err := ecscore.CapacityProviders.Get(c.Tx, c.Scope(), name)
	if err != nil {
		return nil, err
	}
	if existing != nil && existing.Status != types.CapacityProviderStatusInactive {
		return nil, errClient("The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.")
	}
	if in.ManagedInstancesProvider != nil {
		return createManagedInstancesProvider(c, name, in)
	}
	asg := in.AutoScalingGroupProvider
	if !asgARNRE.MatchString(aws.ToString(asg.AutoScalingGroupArn)) {
		return nil, errInvalidParameter("The specified Auto Scaling group ARN is invalid. Specify a valid ARN and try again.")
	}
	all, err := ecscore.CapacityProviders.List(c.Tx, c.Scope(), store.Query{Status: string(types.CapacityProviderStatusActive)})
	if err != nil {
		return nil, err
	}
	if len(all) >= MaxCapacityProviders {
		return nil, apierror.New("LimitExceededException", "The maximum number of capacity providers for this account has been reached.")
	}
	for _, it := range all {
		if p := it.Doc.AutoScalingGroupProvider; p != nil && aws.ToString(p.AutoScalingGroupArn) == aws.ToString(asg.AutoScalingGroupArn) {
			return nil, errInvalidParameter("The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.")
		}
	}
	provider := &types.AutoScalingGroupProvider{
		AutoScalingGroupArn:          asg.AutoScalingGroupArn,
		ManagedScaling:               defaultManagedScaling(asg.ManagedScaling),
		ManagedTerminationProtection: asg.ManagedTerminationProtection,
		ManagedDraining:              asg.ManagedDraining,
	}
	if provider.ManagedTerminationProtection == "" {
		provider.ManagedTerminationProtection = types.ManagedTerminationProtectionDisabled
	}
	if provider.ManagedDraining == "" {
		provider.ManagedDraining = types.ManagedDrainingEnabled
	}
	if err := checkManagedScaling(provider); err != nil {
		return nil, err
	}
	cp := &types.CapacityProvider{
		CapacityProviderArn:      aws.String(ecscore.ARN(c, "capacity-provider", name)),
		Name:                     aws.String(name),
		Status:                   types.CapacityProviderStatusActive,
		Type:                     types.CapacityProviderTypeEc2Autoscaling,
		AutoScalingGroupProvider: provider,
	}
	return storeNewCapacityProvider(c, cp, in.Tags)
}

func storeNewCapacityProvider(c *api.Context, cp *types.CapacityProvider, tags []types.Tag) (*ecs.CreateCapacityProviderOutput, error) {
	arn := aws.ToString(cp.CapacityProviderArn)
	if err := DeleteResourceTags(c, arn); err != nil {
		return nil, err
	}
	if err := MergeResourceTags(c, arn, tags); err != nil {
		return nil, err
	}
	if err := ecscore.CapacityProviders.Put(c.Tx, c.Scope(), aws.ToString(cp.Name), capacityProviderIndex(cp), cp); err != nil {
		return nil, err
	}
	out, err := withProviderTags(c, cp)
	if err != nil {
		return nil, err
	}
	return &ecs.CreateCapacityProviderOutput{CapacityProvider: out}, nil
}

// createManagedInstancesProvider creates an Amazon ECS Managed Instances
// provider, which belongs to one cluster and joins its capacity providers.
func createManagedInstancesProvider(c *api.Context, name string, in *ecs.CreateCapacityProviderInput) (*ecs.CreateCapacityProviderOutput, error) {
	if aws.ToString(in.Cluster) == "" {
		return nil, errInvalidParameter("A cluster must be specified for a Managed Instances capacity provider.")
	}
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	mi := in.ManagedInstancesProvider
	if !strings.Contains(aws.ToString(mi.InfrastructureRoleArn), ":iam::") {
		return nil, errInvalidParameter("The infrastructureRoleArn must be a valid IAM role ARN.")
	}
	if lt := mi.InstanceLaunchTemplate; lt == nil || aws.ToString(lt.Ec2InstanceProfileArn) == "" || lt.NetworkConfiguration == nil {
		return nil, errInvalidParameter("The instanceLaunchTemplate must specify an ec2InstanceProfileArn and a networkConfiguration.")
	}
	cp := &types.CapacityProvider{
		CapacityProviderArn: aws.String(ecscore.ARN(c, "capacity-provider", name)),
		Name:                aws.String(name),
		Cluster:             cl.ClusterName,
		Status:              types.CapacityProviderStatusActive,
		Type:                types.CapacityProviderTypeManagedInstances,
		UpdateStatus:        types.CapacityProviderUpdateStatusCreateComplete,
		ManagedInstancesProvider: &types.ManagedInstancesProvider{
			InfrastructureRoleArn:      mi.InfrastructureRoleArn,
			InstanceLaunchTemplate:     mi.InstanceLaunchTemplate,
			PropagateTags:              mi.PropagateTags,
			InfrastructureOptimization: mi.InfrastructureOptimization,
			AutoRepairConfiguration:    mi.AutoRepairConfiguration,
		},
	}
	cl.CapacityProviders = append(cl.CapacityProviders, name)
	if err := ecscore.PutCluster(c.Tx, c.Scope(), cl); err != nil {
		return nil, err
	}
	return storeNewCapacityProvider(c, cp, in.Tags)
}

func capacityProviderIndex(cp *types.CapacityProvider) store.Index {
	return store.Index{Name: aws.ToString(cp.Name), Status: string(cp.Status)}
}

// defaultManagedScaling fills ECS's managed scaling defaults.
func defaultManagedScaling(ms *types.ManagedScaling) *types.ManagedScaling {
	out := types.ManagedScaling{Status: types.ManagedScalingStatusDisabled}
	if ms != nil {
		out = *ms
		if out.Status == "" {
			out.Status = types.ManagedScalingStatusDisabled
		}
	}
	if out.TargetCapacity == nil {
		out.TargetCapacity = aws.Int32(100)
	}
	if out.MinimumScalingStepSize == nil {
		out.MinimumScalingStepSize = aws.Int32(1)
	}
	if out.MaximumScalingStepSize == nil {
		out.MaximumScalingStepSize = aws.Int32(10000)
	}
	if out.InstanceWarmupPeriod == nil {
		out.InstanceWarmupPeriod = aws.Int32(300)
	}
	return &out
}

func checkManagedScaling(p *types.AutoScalingGroupProvider) error {
	ms := p.ManagedScaling
	if *ms.MinimumScalingStepSize > *ms.MaximumScalingStepSize {
		return errInvalidParameter("The managed scaling minimum scaling step size must be less than or equal to the maximum scaling step size.")
	}
	if p.ManagedTerminationProtection == types.ManagedTerminationProtectionEnabled && ms.Status != types.ManagedScalingStatusEnabled {
		return errInvalidParameter("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.")
	}
	return nil
}

func withProviderTags(c *api.Context, cp *types.CapacityProvider) (*types.CapacityProvider, error) {
	out := *cp
	tags, err := ResourceTags(c, aws.ToString(cp.CapacityProviderArn))
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = []types.Tag{}
	}
	out.Tags = tags
	return &out, nil
}

// getCustomCapacityProvider loads an active custom provider for Update/Delete.
func getCustomCapacityProvider(c *api.Context, ref string) (*types.CapacityProvider, error) {
	name := ecscore.NameFromARN(ref)
	if builtinCapacityProvider(c, name) != nil {
		return nil, errInvalidParameter("The specified capacity provider is reserved and cannot be modified.")
	}
	cp, err := findCapacityProvider(c, ref)
	if err != nil {
		return nil, err
	}
	if cp == nil {
		return nil, errInvalidParameter("The specified capacity provider was not found. Specify a valid capacity provider and try again.")
	}
	return cp, nil
}

func updateCapacityProvider(c *api.Context, in *ecs.UpdateCapacityProviderInput) (*ecs.UpdateCapacityProviderOutput, error) {
	cp, err := getCustomCapacityProvider(c, aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	if u := in.ManagedInstancesProvider; u != nil {
		if cp.ManagedInstancesProvider == nil {
			return nil, errInvalidParameter("The capacity provider is not a Managed Instances capacity provider.")
		}
		mi := *cp.ManagedInstancesProvider
		if u.InfrastructureRoleArn != nil {
			mi.InfrastructureRoleArn = u.InfrastructureRoleArn
		}
		if lt := u.InstanceLaunchTemplate; lt != nil {
			t := types.InstanceLaunchTemplate{}
			if mi.InstanceLaunchTemplate != nil {
				t = *mi.InstanceLaunchTemplate
			}
			t.CapacityReservations = cmpOr(lt.CapacityReservations, t.CapacityReservations)
			t.Ec2InstanceProfileArn = cmpOr(lt.Ec2InstanceProfileArn, t.Ec2InstanceProfileArn)
			t.InstanceMetadataTagsPropagation = cmpOr(lt.InstanceMetadataTagsPropagation, t.InstanceMetadataTagsPropagation)
			t.InstanceRequirements = cmpOr(lt.InstanceRequirements, t.InstanceRequirements)
			t.LocalStorageConfiguration = cmpOr(lt.LocalStorageConfiguration, t.LocalStorageConfiguration)
			t.NetworkConfiguration = cmpOr(lt.NetworkConfiguration, t.NetworkConfiguration)
			t.StorageConfiguration = cmpOr(lt.StorageConfiguration, t.StorageConfiguration)
			if lt.Monitoring != "" {
				t.Monitoring = lt.Monitoring
			}
			mi.InstanceLaunchTemplate = &t
		}
		if u.PropagateTags != "" {
			mi.PropagateTags = u.PropagateTags
		}
		mi.InfrastructureOptimization = cmpOr(u.InfrastructureOptimization, mi.InfrastructureOptimization)
		mi.AutoRepairConfiguration = cmpOr(u.AutoRepairConfiguration, mi.AutoRepairConfiguration)
		cp.ManagedInstancesProvider = &mi
	}
	if u := in.AutoScalingGroupProvider; u != nil && cp.AutoScalingGroupProvider == nil {
		return nil, errInvalidParameter("The capacity provider is not an Auto Scaling group capacity provider.")
	} else if u != nil {
		p := *cp.AutoScalingGroupProvider
		if u.ManagedScaling != nil {
			p.ManagedScaling = defaultManagedScaling(u.ManagedScaling)
		}
		if u.ManagedTerminationProtection != "" {
			p.ManagedTerminationProtection = u.ManagedTerminationProtection
		}
		if u.ManagedDraining != "" {
			p.ManagedDraining = u.ManagedDraining
		}
		if err := checkManagedScaling(&p); err != nil {
			return nil, err
		}
		cp.AutoScalingGroupProvider = &p
	}
	cp.UpdateStatus = types.CapacityProviderUpdateStatusUpdateComplete
	if err := ecscore.CapacityProviders.Put(c.Tx, c.Scope(), aws.ToString(cp.Name), capacityProviderIndex(cp), cp); err != nil {
		return nil, err
	}
	out, err := withProviderTags(c, cp)
	if err != nil {
		return nil, err
	}
	return &ecs.UpdateCapacityProviderOutput{CapacityProvider: out}, nil
}

func deleteCapacityProvider(c *api.Context, in *ecs.DeleteCapacityProviderInput) (*ecs.DeleteCapacityProviderOutput, error) {
	cp, err := getCustomCapacityProvider(c, aws.ToString(in.CapacityProvider))
	if err != nil {
		return nil, err
	}
	name := aws.ToString(cp.Name)
	owner, err := providerCluster(c, name)
	if err != nil {
		return nil, err
	}
	if cp.ManagedInstancesProvider != nil && owner != "" {
		// A Managed Instances provider leaves its cluster with it, unless a service uses it.
		if err := releaseManagedProvider(c, owner, name); err != nil {
			return nil, err
		}
		owner = ""
	}
	if owner != "" {
		return nil, errInvalidParameter("The specified capacity provider is in use and cannot be deleted. Disassociate the capacity provider from cluster %s and try again.", ecscore.NameFromARN(owner))
	}
	out, err := withProviderTags(c, cp)
	if err != nil {
		return nil, err
	}
	// The deletion completes at once: later calls see it INACTIVE.
	cp.Status = types.CapacityProviderStatusInactive
	cp.UpdateStatus = types.CapacityProviderUpdateStatusDeleteComplete
	if err := ecscore.CapacityProviders.Put(c.Tx, c.Scope(), name, capacityProviderIndex(cp), cp); err != nil {
		return nil, err
	}
	out.UpdateStatus = types.CapacityProviderUpdateStatusDeleteInProgress
	return &ecs.DeleteCapacityProviderOutput{CapacityProvider: out}, nil
}

func describeCapacityProviders(c *api.Context, in *ecs.DescribeCapacityProvidersInput) (*ecs.DescribeCapacityProvidersOutput, error) {
	out := &ecs.DescribeCapacityProvidersOutput{CapacityProviders: []types.CapacityProvider{}, Failures: []types.Failure{}}
	withTags := slices.Contains(in.Include, types.CapacityProviderFieldTags)
	add := func(cp *types.CapacityProvider) error {
		if withTags {
			t, err := withProviderTags(c, cp)
			if err != nil {
				return err
			}
			cp = t
		} else {
			cp.Tags = nil
		}
		out.CapacityProviders = append(out.CapacityProviders, *cp)
		return nil
	}
	if len(in.CapacityProviders) > 0 {
		if in.NextToken != nil || in.MaxResults != nil {
			return nil, errInvalidParameter("maxResults and nextToken cannot be used when capacityProviders is specified.")
		}
		for _, ref := range in.CapacityProviders {
			name := ecscore.NameFromARN(ref)
			cp := builtinCapacityProvider(c, name)
			if cp == nil {
				stored, err := ecscore.CapacityProviders.Get(c.Tx, c.Scope(), name)
				if err != nil {
					return nil, err
				}
				cp = stored
			}
			if cp == nil || (strings.HasPrefix(ref, "arn:") && ref != aws.ToString(cp.CapacityProviderArn)) {
				arn := ref
				if !strings.HasPrefix(ref, "arn:") {
					arn = ecscore.ARN(c, "capacity-provider", ref)
				}
				out.Failures = append(out.Failures, missing(arn))
				continue
			}
			if err := add(cp); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	// All providers: the two built-in ones first (at positions -2 and -1),
	// then the account's own in creation order.
	size, err := pageSize(in.MaxResults, 10, 10)
	if err != nil {
		return nil, err
	}
	// A page reads the account's own from the token's position only.
	builtins := []store.Item[types.CapacityProvider]{
		{Seq: -2, Doc: builtinCapacityProvider(c, "FARGATE")}, {Seq: -1, Doc: builtinCapacityProvider(c, "FARGATE_SPOT")}}
	all, next, err := api.PaginateFunc(ecsPaging("ecs:DescribeCapacityProviders", in.NextToken, size), func(after int64, n int) ([]store.Item[types.CapacityProvider], error) {
		var items []store.Item[types.CapacityProvider]
		if after <= 0 {
			for _, b := range builtins {
				if after == 0 || b.Seq > after {
					items = append(items, b)
				}
			}
			after = 0
		}
		custom, err := ecscore.CapacityProviders.List(c.Tx, c.Scope(), store.Query{AfterSeq: after, Limit: n})
		if err != nil {
			return nil, err
		}
		items = append(items, custom...)
		return items[:min(n, len(items))], nil
	}, nil)
	if err != nil {
		return nil, err
	}
	for _, cp := range all {
		if err := add(cp); err != nil {
			return nil, err
		}
	}
	out.NextToken = next
	return out, nil
}

// cmpOr returns the update's value when it is set, else the current one.
func cmpOr[T any](update, current *T) *T {
	if update != nil {
		return update
	}
	return current
}

// releaseManagedProvider removes a Managed Instances provider from its cluster.
func releaseManagedProvider(c *api.Context, clusterArn, name string) error {
	cl, err := ecscore.Clusters.Get(c.Tx, c.Scope(), clusterArn)
	if err != nil || cl == nil {
		return err
	}
	services, err := ecscore.Services.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn})
	if err != nil {
		return err
	}
	for _, it := range services {
		if aws.ToString(it.Doc.Status) == "INACTIVE" {
			continue
		}
		for _, item := range it.Doc.CapacityProviderStrategy {
			if aws.ToString(item.CapacityProvider) == name {
				return apierror.New("ResourceInUseException", "The specified capacity provider is in use and cannot be removed.")
			}
		}
	}
	daemons, err := Daemons.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn, Status: string(types.DaemonStatusActive)})
	if err != nil {
		return err
	}
	for _, it := range daemons {
		if slices.Contains(it.Doc.CapacityProviderArns, ecscore.ARN(c, "capacity-provider", name)) {
			return apierror.New("ResourceInUseException", "The specified capacity provider is in use and cannot be removed.")
		}
	}
	cl.CapacityProviders = slices.DeleteFunc(cl.CapacityProviders, func(n string) bool { return n == name })
	cl.DefaultCapacityProviderStrategy = slices.DeleteFunc(cl.DefaultCapacityProviderStrategy, func(i types.CapacityProviderStrategyItem) bool {
		return aws.ToString(i.CapacityProvider) == name
	})
	return ecscore.PutCluster(c.Tx, c.Scope(), cl)
}
